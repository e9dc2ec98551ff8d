"""Intake: turning what clients already have (spreadsheets, discovery exports, models) into inventories."""
