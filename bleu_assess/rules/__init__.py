"""Versioned rulesets (data) and the engine that applies them."""
