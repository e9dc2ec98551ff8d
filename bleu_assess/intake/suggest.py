"""`import table --suggest-mapping`: a starting mapping from a table's own headers, matched to
the format's fields through French and English synonyms (`synonyms.yaml`), exactly (case,
accents and punctuation aside) and then fuzzily with rapidfuzz; what it cannot place is listed,
located at its header cell, and left for `extra` (nothing is dropped)."""

from __future__ import annotations

import os
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bleu_assess.intake.mapping import FORMAT, SECTIONS
from bleu_assess.intake.reader import Sheet, read_tables
from bleu_assess.intake.values import is_blank, plain, text_of
from bleu_assess.interop.columns import header_index, sheet_index

# token_set_ratio score (0-100) from which a header is taken as a synonym with a typo or extra words.
CUTOFF = 86


def words(text: Any) -> str:
    """Lower case, no accents, words separated by one space: for fuzzy comparison."""
    decomposed = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in decomposed).split())


@cache
def _choices(section: str) -> dict[str, str]:
    """Synonym (as `words`) -> field path, for a section."""
    with (Path(__file__).resolve().parent / "synonyms.yaml").open(encoding="utf-8") as handle:
        synonyms = yaml.safe_load(handle).get(section, {})
    out: dict[str, str] = {}
    for key, column in header_index(section).items():
        out.setdefault(key, column.key)
    for field, names in synonyms.items():
        for name in [field, *names]:
            out.setdefault(words(name), field)
    return out


def place(header: str, section: str) -> tuple[str, int] | None:
    """(field path, score) for one header, or None: an exact match scores 100."""
    from rapidfuzz import fuzz, process

    choices = _choices(section)
    exact = {plain(k): v for k, v in choices.items()}
    if plain(header) in exact:
        return exact[plain(header)], 100
    # Every word of a synonym found among the header's words (`Dépendances applicatives` holds
    # `dépendances`) scores 100; ties go to the closest whole string.
    query = words(header)
    found = process.extract(query, list(choices), scorer=fuzz.token_set_ratio, score_cutoff=CUTOFF, limit=5)
    if not found:
        return None
    best = max(found, key=lambda match: (match[1], fuzz.ratio(query, match[0])))
    return choices[best[0]], int(best[1])


def _section(sheet: Sheet) -> str:
    known = sheet_index().get(plain(sheet.name))
    return known if known in SECTIONS and known != "organisation" else "applications"


def suggest(paths: list[str], lang: str) -> tuple[str, list[str]]:
    """(the mapping as commented YAML, the located lines of what could not be placed)."""
    sheets = [s for s in read_tables(paths) if s.rows]
    lines = [f"# Suggested by bleu-assess import table --suggest-mapping from "
             f"{', '.join(os.path.basename(p) for p in paths)}.",
             "# Check each line (the score says how sure the match is), map the values your tables use",
             "# under `values:`, then: bleu-assess import table FILE --mapping THIS-FILE.yaml -o inventaire.yaml",
             "mapping: suggested", f"format: {FORMAT}", "tables:"]
    unplaced: list[str] = []
    for sheet in sheets:
        section = _section(sheet)
        number, header = sheet.header_row() or sheet.rows[0]
        lines += [f"  - section: {section}", f"    sheets: [{_quote(sheet.name)}]", f"    header_row: {number}",
                  "    columns:"]
        left = []
        for index, cell in enumerate(header):
            if is_blank(cell):
                continue
            found = place(text_of(cell), section)
            if found:
                how = "exact" if found[1] == 100 else f"score {found[1]}"
                lines.append(f"      {_quote(text_of(cell))}: {found[0]}  # {how}")
            else:
                left.append(text_of(cell))
                unplaced.append(sheet.locate(number, index, "", f"column '{text_of(cell)}' not placed: kept under "
                                             "extra on import unless you map it", "warning").format())
        if left:
            lines.append(f"    # not placed (kept under extra): {', '.join(left)}")
    return "\n".join(lines) + "\n", unplaced


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).strip().removesuffix("\n...").strip()
