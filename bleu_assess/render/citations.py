"""Citations as a finding shows them: each source once, with all its pinpoints joined in the
reader's language ("HDS 2024, EXI 28 et EXI 29"), and the tool's own documentation (sources of
kind `method`) apart from the law.

Two citations name the same source when its title and address are the same, so rules of
different rulesets merged into one finding share one reference per text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bleu_assess.render.i18n import t
from bleu_assess.rules.references import Citation


def join_words(words: list[str], lang: str) -> str:
    """"a", "a et b", "a, b et c" in French; "a and b" in English (templates/i18n/cli.*)."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + t("cli.list_and", lang) + words[-1]


def _natural(pinpoint: str) -> tuple[tuple[int, object], ...]:
    """"art. 9" before "art. 44", "§9.7.d" before "§19.2.e": numbers compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", pinpoint))


def render(citations: Iterable[Citation], lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(legal references, method references) as shown: one text per source, in order of first
    citation, its pinpoints de-duplicated, in natural order (§9.7.d before §19.2.e) and joined
    ("Loi n° 2024-449 du 21 mai 2024 (SREN), art. 31")."""
    pinpoints: dict[tuple[str, str], list[str]] = {}
    kinds: dict[tuple[str, str], str] = {}
    titles: dict[tuple[str, str], str] = {}
    for citation in citations:
        source = citation.source
        key = (source.title, source.url)
        found = pinpoints.setdefault(key, [])
        kinds.setdefault(key, source.kind)
        titles.setdefault(key, source.title)
        if citation.pinpoint and citation.pinpoint not in found:
            found.append(citation.pinpoint)
    legal: list[str] = []
    method: list[str] = []
    for key, points in pinpoints.items():
        points = sorted(points, key=_natural)
        text = f"{titles[key]}, {join_words(points, lang)}" if points else titles[key]
        (method if kinds[key] == "method" else legal).append(text)
    return tuple(legal), tuple(method)
