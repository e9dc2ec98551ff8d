"""Block-style YAML for imported inventories, written directly: PyYAML's representer took half
the time of a 10,000-row import. Only plain data (dict, list, str, int, float, bool, None) is
written; a string is left plain only when no YAML 1.1 or 1.2 reader could type it otherwise
(it starts with a letter and holds only letters, digits and a few marks), else it is written as
a JSON string, which is a valid YAML double-quoted scalar (YAML 1.2 §7.3.1). The layout is
PyYAML's default block style (two spaces, list items not indented under their key)."""

from __future__ import annotations

import json
import math
import re
from functools import cache, lru_cache
from typing import Any

_PLAIN = re.compile(r"[^\W\d_][\w .,()/'&+-]*")
# Words YAML 1.1 readers (PyYAML's default) take for booleans or null.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
# Line and paragraph separators, next line and BOM: JSON leaves them raw, YAML would break there.
# What YAML 1.2 does not allow raw (§5.1: outside x09, x0A, x0D, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD,
# x10000-x10FFFF), written as the complement's few ranges: the negated class took 20 ms to compile.
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")  # a float YAML reads back as written
_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085", "\ufeff": "\\ufeff"})


def scalar(value: Any) -> str:
    """One scalar as YAML text."""
    if type(value) is str:  # the commonest, first
        return _text(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if math.isfinite(value) and _DECIMAL.fullmatch(text):
            return text
        import yaml  # rare: PyYAML imported for these alone

        return yaml.safe_dump(value).split("\n", 1)[0]  # exponents, inf, nan: PyYAML's spelling
    return _text(str(value))


@lru_cache(maxsize=4096)  # keys, and the few labels repeated on thousands of items
def _text(text: str) -> str:
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.casefold() not in _RESERVED:
        return text
    if _NON_PRINTABLE.search(text):
        return _escaped(text)
    return json.dumps(text, ensure_ascii=False).translate(_BREAKS)


def _escaped(text: str) -> str:
    """A double-quoted scalar with every character outside printable ASCII escaped (YAML 1.2
    §5.7: \\uXXXX, and \\UXXXXXXXX beyond the BMP, which JSON would split into surrogates)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def dump(data: dict[str, Any]) -> str:
    """A mapping as block-style YAML (no trailing newline)."""
    lines: list[str] = []
    _mapping(data, "", lines)
    return "\n".join(lines)


def _mapping(data: dict[str, Any], pad: str, lines: list[str], first: str | None = None) -> None:
    pairs = iter(data.items())
    if first is not None:  # an item of a sequence, its first key after the dash
        key, value = next(pairs)
        _entry(f"{first}{_key(key)}:", value, pad, lines)
    heads = _heads(pad)
    for key, value in pairs:
        head = heads.get(key)
        if head is None:
            head = f"{pad}{_key(key)}:"
            if key.__class__ is str:  # 1 and True are one key of a dict, not one head
                heads[key] = head
        kind = value.__class__
        if kind is str:  # the commonest, first
            lines.append(f"{head} {_text(value)}")
        elif kind is int:
            lines.append(f"{head} {value}")
        else:
            _entry(head, value, pad, lines)


@cache
def _heads(pad: str) -> dict[str, str]:
    """Key -> `PAD KEY:` for the keys written at `pad` (keys repeat on every item)."""
    return {}


def _key(key: Any) -> str:
    return _text(key) if key.__class__ is str else scalar(key)


def _entry(head: str, value: Any, pad: str, lines: list[str]) -> None:
    if type(value) is str:  # the commonest, first
        lines.append(f"{head} {_text(value)}")
    elif isinstance(value, dict) and value:
        lines.append(head)
        _mapping(value, pad + "  ", lines)
    elif isinstance(value, list) and value:
        lines.append(head)
        _sequence(value, pad, lines)
    else:
        lines.append(f"{head} {_empty(value)}")


def _sequence(items: list[Any], pad: str, lines: list[str]) -> None:
    inner, dash = pad + "  ", f"{pad}- "
    for item in items:
        if item.__class__ is str:  # the commonest, first (as `_empty` writes it)
            lines.append(dash + _text(item))
        elif isinstance(item, dict) and item:
            _mapping(item, inner, lines, first=dash)
        elif isinstance(item, list) and item:
            lines.append(f"{pad}-")
            _sequence(item, inner, lines)
        else:
            lines.append(dash + _empty(item))


def _empty(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)
