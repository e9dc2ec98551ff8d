"""How plain YAML scalars are typed: the YAML 1.2 core schema, one table for both parsers.

Both the precise loader (libyaml) and the fast one (rapidyaml) type plain scalars with these
patterns, so an inventory means the same whichever parser reads it. Unlike YAML 1.1 (PyYAML's
default), `NO` (Norway), `yes`, `on`, `0755` and `2024-01-01` keep their plain meaning.
"""

from __future__ import annotations

import re

NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
# Any plain scalar that is not a string.
TYPED = re.compile("|".join(p.pattern for p in (NULL, BOOL, INT, FLOAT)))


def to_int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def to_float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)
