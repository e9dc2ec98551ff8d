"""Spreadsheets in and out, discovered dependencies, and progress between assessments."""
