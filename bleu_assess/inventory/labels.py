"""Codes from the labels people type: someone who writes `santé`, `Sur site` or
`Diffusion restreinte` in a cell or a field meant `health`, `on-premises`, `restricted`.

Reading, not wording: the labels are those of the values catalogue
(templates/i18n/values.<fr|en>.yaml), matched in either language, case, accents and spacing
aside. The inventory stage reads them here as data, so it never imports the render stage."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

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


# Words clients type for the format's coded values beyond the catalogue's labels (« haute » for
# `high`), read by the importers (which take them) and the validator (which suggests the code).
SYNONYMS = Path(__file__).resolve().parent / "value_synonyms.yaml"


@cache
def synonyms(codes: tuple[str, ...], key: Callable[[str], str] = plain) -> dict[str, str]:
    """`key(word)` -> code, for the words of value_synonyms.yaml whose vocabulary's codes are
    all among `codes` (« haute » -> `high` for a criticality; a vocabulary is skipped for a field
    allowing only some of its codes, where a word could mean a code the field refuses)."""
    from bleu_assess import cache as compiled_cache

    raw = SYNONYMS.read_bytes()
    vocabularies = compiled_cache.cached("synonyms", (raw,), lambda: parsed_table(raw))
    out: dict[str, str] = {}
    for table in vocabularies.values():
        if set(table) <= set(codes):
            for code, words in table.items():
                for word in words:
                    out.setdefault(key(str(word)), code)
    return out


def parsed_table(raw: bytes) -> Any:
    """A YAML file of words (value_synonyms.yaml: vocabulary -> code -> words; country_aliases.yaml:
    code -> names; intake/unknown_words.yaml: a list) parsed, for the compiled cache (bleu_assess/cache.py)."""
    import yaml

    return yaml.safe_load(raw.decode("utf-8")) or {}


def _key(value: str) -> str:
    """plain() with letters and digits only: `On premises`, `ON-PREMISES` -> `onpremises`
    (coded values, country names)."""
    return "".join(c for c in plain(value) if c.isalnum())


@cache
def _meanings(codes: tuple[str, ...]) -> dict[str, str]:
    """_key(word) -> code: the codes themselves, then their labels, then the words clients type."""
    return {**synonyms(codes, _key), **labels(codes, _key), **{_key(code): code for code in codes}}


def code_for_word(text: str, codes: Iterable[str]) -> str | None:
    """The code among `codes` that `text` means, or None: the code written in another case or
    with spaces for hyphens (`High`, `on premises`), its label in either language (`Élevée`),
    or a word clients type for it (`haute`, value_synonyms.yaml), accents and case aside. What
    the validator suggests for a value the format refuses (it accepts codes only)."""
    return _meanings(tuple(sorted(set(codes)))).get(_key(text))




# Names clients type for countries beyond CLDR's (`UK`, `Corée`), read by the importers too.
ALIASES = Path(__file__).resolve().parent / "country_aliases.yaml"


@cache
def _country_names() -> dict[str, tuple[str, ...]]:
    """key -> the ISO 3166-1 alpha-2 codes whose French or English CLDR name, or alias
    (ALIASES), it is."""
    import yaml

    from bleu_assess import locales

    found: dict[str, set[str]] = {}
    for code, names in (yaml.safe_load(ALIASES.read_text(encoding="utf-8")) or {}).items():
        for name in names:
            found.setdefault(_key(str(name)), set()).add(str(code))
    countries = locales.country_codes()
    for locale in ("fr_FR", "en_GB"):
        for code, name in locales.territories(locale).items():
            if code in countries:
                found.setdefault(_key(name), set()).add(code)
    return {key: tuple(sorted(codes)) for key, codes in found.items()}


def country_codes(name: str) -> tuple[str, ...]:
    """The codes of the countries a name written instead of a code means, in French or English
    or as an alias (`Allemagne` -> DE, `Corée` -> KP, KR), case, accents and spacing aside;
    none for another."""
    return _country_names().get(_key(name), ())
