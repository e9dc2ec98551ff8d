"""What an import writes: the inventory as commented YAML (its top comment names the source
files, their sha256, the mapping and the date), and the import report (Markdown, or lines on
the terminal) listing every coercion with its cell, grouped by kind, in reading order."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from bleu_assess import gcpause
from bleu_assess.errors import Diagnostic, column_letters, visible
from bleu_assess.intake import emit
from bleu_assess.intake.columns import sheet_title
from bleu_assess.intake.items import Imported, Note, Place
from bleu_assess.intake.mapping import SECTIONS
from bleu_assess.inventory.schema import EDITOR_LINE
from bleu_assess.render.i18n import t
from bleu_assess.render.intake_words import message

# Report sections, in the order a reader checks them.
KINDS = ("read", "ignored-sheet", "ignored-rows", "extra", "ignored-column", "translated", "normalised", "converted",
         "renamed", "derived", "declared", "constant", "wave", "conflict", "unknown", "unresolved", "link", "pending-flow",
         "validation")
TERMINAL_LINES = 60


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@gcpause.paused()  # the emitted lines, as import_tables' records: acyclic
def to_yaml(imported: Imported, output: str, lang: str, date: str) -> str:
    """The inventory as YAML, sections in the format's order, with its provenance on top."""
    files = sorted({s.file for s in imported.sheets})
    mapping = imported.mapping
    source = "preset" if mapping.source.startswith("preset ") else mapping.source
    lines = [f"# {t('intake.generated', lang, date=date)}"]
    lines += [f"# {t('intake.source', lang, file=visible(os.path.basename(f)), sha256=_sha256(f))}"
              for f in files if Path(f).is_file()]
    lines.append(f"# {t('intake.mapping', lang, name=visible(mapping.name), source=visible(source), sha256=mapping.sha256)}")
    lines.append(f"# {t('intake.check', lang, path=os.path.basename(output))}")
    lines.append(EDITOR_LINE)  # its schema written beside the inventory (cli/interop.py)
    data = imported.data
    for key in ("format", *SECTIONS):
        if key not in data:
            continue
        if key != "format":
            lines += ["", f"# --- {sheet_title(key, lang)} ---"]
        lines.append(_dump({key: data[key]}))
    if imported.pending_flows:
        lines += ["", f"# {t('intake.pending_flows', lang)}"]
        if "flows" not in data:
            lines.append("# flows:")
        for source_id, target, where in imported.pending_flows:
            located = visible(where.format().split(": flows:")[0])
            lines.append(f"#   - {{from: {source_id}, to: {target}, datasets: []}}  # {located}")
    return "\n".join(lines) + "\n"


def _dump(value: dict[str, Any]) -> str:
    return emit.dump(value)


def to_fill(data: dict[str, Any], lang: str) -> list[str]:
    """What the source left unknown that an assessment needs, one line per field."""
    apps = data.get("applications") or []
    lines = []
    for field in ("hosting", "criticality", "datasets"):
        ids = [str(a.get("id")) for a in apps if not a.get(field)]
        if ids:
            shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
            lines.append(t(f"intake.to_fill.{field}", lang, count=len(ids), ids=shown))
    unknown = [str(p.get("id")) for p in data.get("providers") or [] if not p.get("headquarters")]
    if unknown:
        lines.append(t("intake.to_fill.headquarters", lang, count=len(unknown), ids=", ".join(unknown)))
    if not (data.get("organisation") or {}).get("type"):  # the rules for a hospital or a ministry then do not apply
        from bleu_assess.inventory.model import ORGANISATION_TYPES

        lines.append(t("intake.to_fill.organisation_type", lang,
                       types=", ".join(k for k in ORGANISATION_TYPES if k != "other")))
    return lines or [t("intake.to_fill.nothing", lang)]


def summary(imported: Imported, lang: str) -> str:
    data = imported.data
    return t("intake.summary", lang, rows=imported.rows_read, sheets=len([s for s in imported.sheets if s.rows]),
             **{k: len(data.get(k) or []) for k in ("applications", "datasets", "providers", "flows")})


def _groups(notes: list[Note]) -> list[list[tuple[Place, Note]]]:
    """Notes saying the same thing of the same field of one sheet (`'Sur site' read as
    'on-premises'` on 2,000 rows) as one group, each group's cells and the groups in reading
    order (Diagnostic.sort_key); each note with its place (Note.place: no Diagnostic made)."""
    groups: dict[tuple[Any, ...], list[tuple[Place, Note]]] = {}
    # The notes of a column's cells read alike share their parameters (items.Run.saying), and
    # every note lives until the end: their texts are made once per parameters' identity.
    said_of: dict[int, str] = {}
    placed = [(note.place(), note) for note in notes]
    placed.sort(key=_reading_order)
    for place, note in placed:
        file, sheet, _, _, field, words = place
        if note.code:
            said = said_of.get(id(note.params))
            if said is None:
                said = said_of[id(note.params)] = _said(note.params)
            key: tuple[Any, ...] = (note.kind, file, sheet, field, note.code, said)
        else:
            key = (note.kind, file, sheet, field, words)
        groups.setdefault(key, []).append((place, note))
    return list(groups.values())


def _reading_order(placed: tuple[Place, Note]) -> tuple[str, str, int, int, str, str]:
    """Diagnostic.sort_key of a note's place."""
    file, sheet, line, column, field, words = placed[0]
    return file, sheet or "", line or 0, column or 0, field, words


def _said(params: dict[str, Any]) -> str:
    """A note's values as one comparable text, whatever their order."""
    pairs = tuple(params.items())
    # Texts only as cache keys: 1, 1.0 and True are one key but three reprs.
    return _sorted_pairs(pairs) if all(v.__class__ is str for _, v in pairs) else repr(sorted(pairs))


@lru_cache(maxsize=4096)  # a 10,000-row table says the same translation on most rows
def _sorted_pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    return repr(sorted(pairs))


def _cell(place: Place) -> str:
    """A further cell of a group: `D7` in a sheet (`7:7` for a row), the line in a CSV."""
    _, sheet, line, column, _, _ = place
    if sheet and column:
        return f"{_letters(column)}{line or ''}"
    return f"{line}:{line}" if sheet and line else str(line or "")


def _cells(group: list[tuple[Place, Note]]) -> list[str]:
    """The further cells of a group, those of notes about a whole sheet (no cell) left out."""
    return [cell for place, _ in group if (cell := _cell(place))]


@lru_cache(maxsize=256)  # a group lists one column's cells, row after row
def _letters(column: int) -> str:
    return column_letters(column)


def _where(diag: Diagnostic) -> str:
    """File and line, or sheet and cell, of `diag` (its field has a column of its own)."""
    return replace(diag, path="", message="").format().rstrip(": ")


@gcpause.paused()
def markdown(imported: Imported, lang: str) -> str:
    """The import report as Markdown: a summary, then one table per kind of coercion; what was
    done alike to many cells is one line listing every cell."""
    from bleu_assess.render.markdown import md_escape

    out = [f"# {t('intake.report_title', lang)}", "", summary(imported, lang), ""]
    by_kind: dict[str, list[Note]] = {}
    for note in imported.notes:
        by_kind.setdefault(note.kind, []).append(note)
    heads = [t(f"intake.columns.{c}", lang) for c in ("where", "field", "what")]
    for kind in KINDS:
        notes = by_kind.get(kind)
        if not notes:
            continue
        out += [f"## {t(f'intake.kind.{kind}', lang)} ({len(notes)})", "",
                f"| {' | '.join(heads)} |", "| --- | --- | --- |"]
        for group in _groups(notes):
            first = group[0][1].worded(lang)
            where = ", ".join([_where(first), *_cells(group[1:])])
            out.append(f"| {md_escape(where)} | {md_escape(first.field)} | {md_escape(visible(first.message))} |")
        out.append("")
    out += [f"## {t('intake.kind.to-fill', lang)}", ""]
    out += [f"- {line}" for line in to_fill(imported.data, lang)]
    return "\n".join(out) + "\n"


def terminal_lines(imported: Imported, lang: str) -> list[str]:
    """The report for the terminal: one located line per group of alike notes (the first ten
    cells of a group named), at most TERMINAL_LINES."""
    lines = []
    for kind in KINDS:
        for group in _groups([n for n in imported.notes if n.kind == kind]):
            first = group[0][1].worded(lang)
            text = first.message
            if len(group) > 1:
                cells = ", ".join(_cells(group[1:11])) + (" …" if len(group) > 11 else "")
                text += " " + message("intake.also", {"count": len(group) - 1, "cells": cells}, lang)
            lines.append(replace(first, message=text).format())
    lines += [message("intake.to_fill_line", {"line": line}, lang) for line in to_fill(imported.data, lang)]
    if len(lines) > TERMINAL_LINES:
        lines = [*lines[:TERMINAL_LINES], t("intake.more", lang, count=len(lines) - TERMINAL_LINES)]
    return lines
