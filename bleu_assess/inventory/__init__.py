"""Stage 1: the inventory read, validated and modelled (format v1 and v2), the catalogue it refers to, and its graph."""
