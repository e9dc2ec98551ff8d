"""Text made safe for Markdown and for the terminal's line: escaping, inline code, bidirectional
isolation. Kept apart from templating.py, which imports Jinja: Markdown written without a
template (the import report, the CI summary, the inventory diff) needs none of it."""

from __future__ import annotations

import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")
_MD_LINE_START = re.compile(r"^([#+\-=>!])")
_MD_ORDERED = re.compile(r"^(\d+)\.")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def isolate(text: str) -> str:
    """Text holding bidirectional controls (a right-to-left override...) wrapped in a first-strong
    isolate, so that they cannot reorder what follows it on the line."""
    if not _BIDI.search(text):
        return text
    # Its own isolate marks are dropped: a stray closing one would end ours early.
    return "\u2068" + re.sub("[\u2066-\u2069]", "", text) + "\u2069"


def md_escape(value: Any) -> str:
    """Text for a Markdown table cell or line: markup characters escaped, no line breaks."""
    text = "" if value is None else str(value)
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")
    # Characters that only mean something at the start of a line (headings, lists, quotes).
    return isolate(_MD_ORDERED.sub(r"\1\\.", _MD_LINE_START.sub(r"\\\1", text)))


def md_code(value: Any) -> str:
    """Text as inline code, safe whatever backticks it holds."""
    text = ("" if value is None else str(value)).replace("\n", " ")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_text(value: Any) -> str:
    """Text written in the rulesets for Markdown: its `code spans` stay code (`md_code`), the
    rest is escaped as `md_escape` does, so a remediation reads `customer_held_keys: true` as
    code rather than as backslashed backticks."""
    text = "" if value is None else str(value)
    parts, end = [], 0
    for match in _CODE_SPAN.finditer(text):
        parts += [md_escape(text[end:match.start()]), md_code(match.group(2))]
        end = match.end()
    parts.append(md_escape(text[end:]))
    return "".join(parts)
