"""Codes from the labels people type: someone who writes `santé`, `Sur site` or
`Diffusion restreinte` in a cell or a field meant `health`, `on-premises`, `restricted`.

Reading, not wording: the labels are those of the values catalogue
(templates/i18n/values.<fr|en>.yaml), matched in either language, case, accents and spacing
aside. The inventory stage reads them here as data, so it never imports the render stage."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from bleu_assess.resources import templates_dir

LANGUAGES = ("fr", "en")


def plain(value: str) -> str:
    """`value` casefolded, without accents, its spaces collapsed: « Sur  Site » -> "sur site"."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def _pairs() -> tuple[tuple[str, str], ...]:
    """(label, code) of every label of the values catalogues, French first, in file order.
    Parsed once per content of the files and tool version (bleu_assess/cache.py)."""
    from bleu_assess import cache as compiled_cache

    raws = [(templates_dir() / "i18n" / f"values.{lang}.yaml").read_bytes() for lang in LANGUAGES]
    return compiled_cache.cached("labels", raws, lambda: _parsed(raws))


def _parsed(raws: list[bytes]) -> tuple[tuple[str, str], ...]:
    import yaml

    out: list[tuple[str, str]] = []
    for raw in raws:
        for table in (yaml.safe_load(raw.decode("utf-8")) or {}).values():
            if isinstance(table, dict):
                out.extend((label, str(code)) for code, label in table.items() if isinstance(label, str))
    return tuple(out)


@cache
def labels(codes: tuple[str, ...], key: Callable[[str], str] = plain) -> dict[str, str]:
    """`key(label)` -> code, for the labels of `codes` in either language (the first label
    wins when two codes share one): one lookup per cell for an importer, which may match more
    leniently with its own `key`."""
    allowed = set(codes)
    out: dict[str, str] = {}
    for label, code in _pairs():
        if code in allowed:
            out.setdefault(key(label), code)
    return out


def code_for_label(text: str, codes: Iterable[str]) -> str | None:
    """The code among `codes` whose label, in either language, is `text` (case, accents and
    spacing aside), or None."""
    return labels(tuple(sorted(set(codes)))).get(plain(text))
