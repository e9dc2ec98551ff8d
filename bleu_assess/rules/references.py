"""References as data: a rule cites `SOURCE-KEY PINPOINT` ("hds EXI 28"), a Citation of one
of its ruleset's sources. How citations are shown (each source once, its pinpoints joined in the
reader's language) is render/citations.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from bleu_assess.rules.model import Source


@dataclass(frozen=True, slots=True)
class Citation:
    """One reference of a rule: a source and a pinpoint inside it ("" for the whole text)."""

    source: Source
    pinpoint: str = ""


def parse(reference: str) -> tuple[str, str]:
    """`"snc §19.6.a"` -> `("snc", "§19.6.a")`; `"cloud-act"` -> `("cloud-act", "")`."""
    key, _, pinpoint = reference.strip().partition(" ")
    return key, pinpoint.strip()
