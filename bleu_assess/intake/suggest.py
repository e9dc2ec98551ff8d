"""`import table --suggest-mapping`: a starting mapping from a table's own headers. Each sheet
is given the section its name and headers say (`section_of`), each header matched to a field
of that section through French and English synonyms (`synonyms.yaml`), exactly (case, accents
and punctuation aside) and then fuzzily with rapidfuzz; what it cannot place is listed, located
at its header cell, and left for `extra` (nothing is dropped), as is a column naming items that
none of the tables describes (`links.undescribed`), its line written commented out."""

from __future__ import annotations

import os
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bleu_assess.errors import Diagnostic
from bleu_assess.intake.columns import columns, header_index, sheet_index
from bleu_assess.intake.links import undescribed
from bleu_assess.intake.mapping import FORMAT, SECTIONS
from bleu_assess.intake.reader import Sheet, read_tables
from bleu_assess.intake.values import coerce, is_blank, is_code_of, means_unknown, plain, text_of
from bleu_assess.inventory import model
from bleu_assess.render.i18n import t
from bleu_assess.render.intake_words import diagnostic

# At most this many distinct values to translate are proposed per column.
MAX_VALUES = 50
# token_set_ratio score (0-100) from which a header is taken as a synonym with a typo or extra words.
CUTOFF = 86


def words(text: Any) -> str:
    """Lower case, no accents, words separated by one space: for fuzzy comparison."""
    decomposed = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in decomposed).split())


@cache
def _synonyms() -> dict[str, Any]:
    """synonyms.yaml: section -> field path -> synonyms, and `sheets`: section -> sheet names."""
    with (Path(__file__).resolve().parent / "synonyms.yaml").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@cache
def _choices(section: str) -> dict[str, str]:
    """Synonym (as `words`) -> field path, for a section."""
    synonyms = _synonyms().get(section, {})
    out: dict[str, str] = {}
    for key, column in header_index(section).items():
        out.setdefault(key, column.key)
    for field, names in synonyms.items():
        for name in [field, *names]:
            out.setdefault(words(name), field)
    return out


@cache
def _exact(section: str) -> dict[str, str]:
    """plain(synonym) -> field path, for a section: the exact matches."""
    return {plain(k): v for k, v in _choices(section).items()}


def place(header: str, section: str) -> tuple[str, int, bool] | None:
    """(field path, score, exact) for one header, or None."""
    from rapidfuzz import fuzz, process

    choices = _choices(section)
    exact = _exact(section)
    if plain(header) in exact:
        return exact[plain(header)], 100, True
    # A header naming a field of another section exactly (`Données personnelles`, a dataset's
    # `personal_data`, in a table of applications) is not another field of this one.
    if any(plain(header) in _exact(other) for other in SECTIONS if other != section):
        return None
    # Every word of a synonym found among the header's words (`Dépendances applicatives` holds
    # `dépendances`) scores 100; ties go to the closest whole string. Not the reverse: a header
    # lacking a synonym's qualifier is not that synonym (`Éditeur` is not `éditeur SaaS`, a host;
    # `Sensibilité` is not `sensibilité métier`, a criticality).
    # A synonym must also make at least half of the header's words: `sys class name` is not `name`.
    query = words(header)
    said = set(query.split())
    found = [match for match in process.extract(query, list(choices), scorer=fuzz.token_set_ratio,
                                                score_cutoff=CUTOFF, limit=10)
             if 2 * len(match[0].split()) >= len(said) and (match[1] < 100 or set(match[0].split()) <= said)]
    if not found:
        return None
    best = max(found, key=lambda match: (match[1], fuzz.ratio(query, match[0])))
    return choices[best[0]], int(best[1]), False


# The sections a sheet of a client's workbook may list, the default first (it wins a tie).
LISTED = ("applications", "datasets", "flows", "providers", "platforms")


def section_of(name: str, header: list[Any]) -> str | None:
    """The section a sheet named `name` with this header row lists. The template's own sheet
    names (French or English, `organisation` included) decide; else each section in `LISTED`
    scores the header: 2 per field it places exactly, 1 per field placed fuzzily (`place`,
    each field once), and 2 more when the sheet's name holds every word of one of the
    section's sheet names (synonyms.yaml, `sheets`: « Applis 2026 », « Données »). The best
    score wins, applications on a tie; None when nothing matches (free text: the template's
    « Lisez-moi », a client's instructions or cover sheet)."""
    known = sheet_index().get(plain(name))
    if known in SECTIONS:
        return str(known)
    named = set(words(name).split())
    best: str | None = None
    top = 0
    for section in LISTED:
        fields: dict[str, int] = {}
        for cell in header:
            found = None if is_blank(cell) else place(text_of(cell), section)
            if found:
                fields[found[0]] = max(fields.get(found[0], 0), 2 if found[2] else 1)
        hinted = any(set(words(synonym).split()) <= named for synonym in _synonyms()["sheets"][section])
        score = sum(fields.values()) + (2 if hinted else 0)
        if score > top:
            best, top = section, score
    return best


def suggest(paths: list[str], lang: str) -> tuple[str, list[str]]:
    """(the mapping as commented YAML, located lines in `lang`: the command of an export an
    importer or a preset recognises, what the reader did — encoding, separator detected — then
    what could not be placed)."""
    sheets = [s for s in read_tables(paths) if s.rows]
    files = ", ".join(os.path.basename(p) for p in paths)
    # An export an importer or a preset reads (RVTools, Konveyor) is said first, in the mapping
    # too: one written from its headers would read it as a client's own table.
    known = [diagnostic(said, lang) for said in _recognised(paths)]
    lines = [f"# {line}" for line in t("intake.suggest.head", lang, files=files).splitlines()]
    lines += [f"# {said.message}" for said in known]
    lines += ["mapping: suggested", f"format: {FORMAT}", "tables:"]
    unplaced = [said.format() for said in known]
    unplaced += [diagnostic(said, lang).format() for sheet in sheets for said, _, _ in sheet.said]
    found_headers = [sheet.header_row() or sheet.rows[0] for sheet in sheets]
    listing = [section_of(sheet.name, header) for sheet, (_, header) in zip(sheets, found_headers, strict=True)]
    # A sheet whose header names no field of any section is not proposed, and said; unless none
    # does: a lone table of a client is then proposed as its applications, its columns to place.
    sections = listing if any(listing) else ["applications" for _ in listing]
    for sheet, (number, header), section in zip(sheets, found_headers, sections, strict=True):
        if section is None:
            lines.append(f"  # {t('intake.suggest.not_proposed', lang, sheet=_quote(sheet.name))}")
            unplaced.append(diagnostic(sheet.coded(None, None, "", "intake.note.sheet_not_proposed", "warning", {}),
                                       lang).format())
            continue
        lines += [f"  - section: {section}", f"    sheets: [{_quote(sheet.name)}]", f"    header_row: {number}",
                  "    columns:"]
        left = []
        placed: dict[int, str] = {}
        matches = {index: place(text_of(cell), section) for index, cell in enumerate(header) if not is_blank(cell)}
        # A field goes to its exact match first, else to its best-scored column; the others are left.
        ranked = sorted((m[2], m[1], -index, index, m[0]) for index, m in matches.items() if m)
        owner = {field: index for *_, index, field in ranked}
        # A column naming items no table here describes (datasets, without a sheet of them) would
        # fail the import on every name: its line is written commented out, and said.
        nowhere = undescribed(section, {s for s in sections if s})
        for index, found in matches.items():
            cell = header[index]
            if found and owner[found[0]] == index and found[0] in nowhere:
                kind = nowhere[found[0]]
                lines.append(f"      # {_quote(text_of(cell))}: {found[0]}  # {t(f'intake.suggest.undescribed.{kind}', lang)}")
                left.append(text_of(cell))
                unplaced.append(diagnostic(sheet.coded(number, index, "", f"intake.note.undescribed.{kind}", "warning",
                                                       {"column": text_of(cell)}), lang).format())
            elif found and owner[found[0]] == index:
                how = t("intake.suggest.exact", lang) if found[2] else t("intake.suggest.score", lang, score=found[1])
                lines.append(f"      {_quote(text_of(cell))}: {found[0]}  # {how}")
                placed[index] = found[0]
            else:
                left.append(text_of(cell))
                unplaced.append(diagnostic(sheet.coded(number, index, "", "intake.note.not_placed", "warning",
                                                       {"column": text_of(cell)}), lang).format())
        if left:
            lines.append(f"    # {t('intake.suggest.not_placed', lang, columns=', '.join(left))}")
        lines += _values(sheet, number, section, placed, lang)
    return "\n".join(lines) + "\n", unplaced


def _recognised(paths: list[str]) -> list[Diagnostic]:
    """For each file an importer or a mapping preset recognises, a note naming its own command
    (`intake.note.recognised_export`), about the whole file."""
    from bleu_assess.intake.reader import words as worded
    from bleu_assess.intake.recognise import recognised

    notes = []
    for path in paths:
        found = recognised(path)
        if found:
            english, pairs = worded("intake.note.recognised_export", {"source": found[0], "command": found[1]})
            notes.append(Diagnostic(path, None, None, "", english, "warning", None, "intake.note.recognised_export",
                                    pairs))
    return notes


def _values(sheet: Sheet, header: int, section: str, placed: dict[int, str], lang: str) -> list[str]:
    """A `values:` block to fill for every enumerated field whose column holds values that no
    code or label matches (`1 - most critical`): each set to "?", which the import refuses
    until it is replaced by a code (or by null: unknown)."""
    fields = {c.key: c for c in columns(section)}
    out: list[str] = []
    for index, target in placed.items():
        spec = fields[target].spec
        if not spec.enum:
            continue
        unknown: dict[str, None] = {}
        for number, cells in sheet.rows:
            raw = cells[index] if number > header and index < len(cells) else None
            if is_blank(raw) or len(unknown) >= MAX_VALUES or (means_unknown(raw) and not is_code_of(raw, spec)):
                continue  # `?`, `N/C`: read as not declared by the import, nothing to translate
            try:
                coerce(raw, spec)
            except ValueError:
                unknown.setdefault(text_of(raw))
        if unknown:
            out.append(f"      {target}:  # {t('intake.suggest.one_of', lang, codes=', '.join(model.offered(spec.enum)))}")
            out += [f'        {_quote(value)}: "?"' for value in unknown]
    return ["    values:", *out] if out else []


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).strip().removesuffix("\n...").strip()
