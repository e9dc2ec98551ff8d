"""Rows to inventory through a mapping: every placed column read leniently (`values.coerce`),
every other column kept under `extra`, relationships turned into `depends_on` and flows, and
every coercion recorded with its cell in the import report. Nothing is made up: a field the
source does not give stays absent (the report lists what remains to fill).

`import_tables(paths, mapping)` -> `Imported` (the inventory data, validated, and its report),
or InventoryError with every problem located at its cell."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from bleu_assess import gcpause
from bleu_assess.errors import Diagnostic, InventoryError
from bleu_assess.intake import links
from bleu_assess.intake.columns import Column, columns, header_index
from bleu_assess.intake.dates import DateError, Order, column_order
from bleu_assess.intake.items import Imported, Note, Origin, Run, get_path, set_path
from bleu_assess.intake.mapping import SECTIONS, TEMPLATE, Mapping, Table
from bleu_assess.intake.reader import Sheet, read_tables
from bleu_assess.intake.said import CellError, problem
from bleu_assess.intake.values import (
    AS_IS,
    Coerced,
    coerce,
    date_texts,
    holds_dates,
    is_blank,
    is_code_of,
    means_unknown,
    natural_key,
    plain,
    quick_reader,
    slug,
    text_of,
)
from bleu_assess.inventory import model
from bleu_assess.inventory.schema import Spec


@gcpause.paused()  # cells, rows, notes and items: acyclic, a million objects at 10,000 rows
def import_tables(paths: list[str], mapping: Mapping, organisation: str | None = None) -> Imported:
    """Read the tables at `paths` through `mapping`; raises InventoryError (every problem, located)."""
    sheets = read_tables(paths)
    run = Run(mapping, sheets)
    for sheet in sheets:
        for warning, code, params in sheet.said:
            run.result.notes.append(Note("read", warning, code, params))
    data_sheets = [s for s in sheets if s.rows]
    if not data_sheets:
        nothing = [problem(p, None, None, "", "nothing_to_import") for p in paths]
        raise InventoryError(nothing[0].message, nothing)
    chosen = [(sheet, tables_for(sheet, mapping, len(data_sheets) == 1)) for sheet in data_sheets]
    if mapping.source == f"preset {TEMPLATE}" and not any(names_items(t, s) for s, tables in chosen for t in tables):
        raise _not_template(paths, data_sheets)
    read: list[Sheet] = []
    headers_only: list[Sheet] = []  # sheets read whose tables have no data row under their headers
    listed = 0  # data rows of the tables listing items: all but the organisation's
    for sheet, tables in chosen:
        if not tables:
            run.note("ignored-sheet", sheet, None, None, "", "ignored_sheet")
        counts = [_read(run, table, sheet, len(tables) > 1) for table in tables]
        listed += sum(n for table, n in zip(tables, counts, strict=True) if table.section != "organisation")
        read += [sheet] if tables else []
        headers_only += [sheet] if tables and not any(counts) else []
    if not read:
        names = tuple(sorted({name for t in mapping.tables for name in t.sheet_names}))
        # each column once, in the mapping's order: tables often share their key columns
        required = tuple(dict.fromkeys(t.headers.get(k, k) for t in mapping.tables for k in t.requires))
        unread = [s.problem(None, None, "", "mapping_reads_no_sheet" if names else "mapping_reads_no_table",
                            mapping=mapping.name, expected=names or required) for s in data_sheets]
        raise InventoryError(unread[0].message, unread)
    if not listed and headers_only and not run.problems:
        # headers only (an empty template), or under the organisation's alone: nothing to import
        files = dict.fromkeys(s.file for s in headers_only)
        empty = [problem(file, None, None, "", "headers_only",
                         sheets=tuple(s.name for s in headers_only if s.file == file))
                 if any(not s.is_csv for s in headers_only if s.file == file) else
                 problem(file, None, None, "", "headers_only_csv") for file in files]
        raise InventoryError(empty[0].message, empty)
    links.resolve_references(run)
    links.apply_links(run)
    data = _assemble(run, organisation)
    if run.problems:
        raise InventoryError("cannot import", run.problems)
    run.result.data = data
    _check(run)
    return run.result


def _header(table: Table, sheet: Sheet) -> tuple[int, list[Any]] | None:
    if table.header_row is None:
        return sheet.header_row()
    return next(((n, sheet.header_at(n)) for n, _ in sheet.rows if n == table.header_row), None)


def _has_headers(table: Table, sheet: Sheet) -> bool:
    found = _header(table, sheet)
    names = {plain(c) for c in found[1] if not is_blank(c)} if found else set()
    return set(table.requires) <= names


# What names an item of a section, one column of which a table must place to read any item.
_NAMING = {"flows": ("from", "to")}
_NAMED = ("id", "name")


def names_items(table: Table, sheet: Sheet) -> bool:
    """Whether `sheet`'s header, as `table` reads it, has a column naming its items (`_NAMING`:
    an id or a name, a flow's ends), or the table gives one as a constant; a links table names
    its ends by its own required columns."""
    if table.section == "links":
        return True
    found = _header(table, sheet)
    by_name = header_index(table.section) if table.by_field_name else {}
    cells = [c for c in found[1] if not is_blank(c)] if found else []
    labels = [*cells, *sheet.alone.values()]  # under a group heading, a column's label alone too
    targets = {*table.constants, *(_target(table, {}, by_name, plain(cell)) for cell in labels)}
    return any(name in targets for name in _NAMING.get(table.section, _NAMED))


def _not_template(paths: list[str], sheets: list[Sheet]) -> InventoryError:
    """The refusal of tables given as the template that are not (`import xlsx carto.xlsx`): one
    message per file, as a table given as an inventory is refused, rather than a missing id on
    every row: the command of its own import for an export one recognises (an RVTools export:
    `import rvtools`), else a mapping written from its headers (recognise.mapping_advice)."""
    from bleu_assess.intake.recognise import mapping_advice, recognised

    code = "csv_not_template" if all(s.is_csv for s in sheets) else "workbook_not_template"
    refused = []
    for path in paths:
        known = recognised(path)
        if known:
            refused.append(problem(path, None, None, "", f"{code}_known", source=known[0], command=known[1]))
        else:
            suggest, command = mapping_advice(path)
            refused.append(problem(path, None, None, "", code, suggest=suggest, command=command))
    return InventoryError(refused[0].message, refused)


def tables_for(sheet: Sheet, mapping: Mapping, alone: bool) -> list[Table]:
    """The tables that read `sheet`: by its name (equal, else containing a table's name), else
    those that name no sheet and find their required headers, else for a lone sheet the
    fallback table."""
    name = plain(sheet.name)
    equal = [t for t in mapping.tables if name in t.sheets]
    if equal:
        return equal
    within = [t for t in mapping.tables if any(n and n in name for n in t.sheets)]
    if within:
        return within
    anywhere = [t for t in mapping.tables if not t.sheets and _has_headers(t, sheet)]
    if anywhere:
        return anywhere
    return [t for t in mapping.tables if t.fallback] if alone else []


def _fields(section: str) -> dict[str, Column]:
    return {c.key: c for c in columns(section)}


def _target(table: Table, link_columns: dict[str, str], by_name: dict[str, Any], key: str) -> str | None:
    """The field a header (its plain form `key`) is read into: the mapping's, a link's, or the
    format's own column of that name; None when none."""
    return table.columns.get(key) or link_columns.get(key) or (by_name[key].key if key in by_name else None)


def _place(run: Run, table: Table, sheet: Sheet, row: int, header: list[Any],
           shared: bool) -> tuple[dict[int, str], dict[int, tuple[str, str, str]]]:
    """Column index -> field path (or `extra.NAME`, `ignore`, `link.from|to|kind`); and the
    numbered pairs: column index -> (field, number, key|value). `shared`: other tables read
    this sheet too (a links table then leaves them its other columns without a word)."""
    by_name = header_index(table.section) if table.by_field_name and table.section != "links" else {}
    placed: dict[int, str] = {}
    pairs: dict[int, tuple[str, str, str]] = {}
    link_columns = {}
    if table.links:
        link_columns = {table.links.source: "link.from", table.links.target: "link.to"}
        if table.links.kind:
            link_columns[table.links.kind] = "link.kind"
    seen: set[str] = set()
    for index, cell in enumerate(header):
        if is_blank(cell):
            continue
        text, key = text_of(cell), plain(cell)
        target = _target(table, link_columns, by_name, key)
        if target is None and index in sheet.alone:  # under a group heading, named by its label alone?
            alone = plain(sheet.alone[index])
            found = _target(table, link_columns, by_name, alone)
            if found is not None:
                text, key, target = sheet.alone[index], alone, found
        if key in seen:
            run.problems.append(sheet.problem(row, index, "", "column_twice", column=text))
            continue
        seen.add(key)
        if target is None:
            pair = next(((p.field, m.group(1), role) for p in table.pairs
                         for role, pattern in (("key", p.key), ("value", p.value))
                         for m in [pattern.fullmatch(text)] if m), None)
            if pair:
                pairs[index] = pair
                continue
        if target is None and key in table.where:
            target = "ignore"
        if target is None:
            if table.extra and table.section != "links":
                target = f"extra.{text}"
                run.note("extra", sheet, row, index, "", "extra_column", column=text)
            else:
                target = "ignore"
                if not (shared and table.links):
                    run.note("ignored-column", sheet, row, index, "", "ignored_column", column=text)
        placed[index] = target
    for key in sorted(set(table.requires) - seen):
        run.problems.append(sheet.problem(row, None, "", "missing_column", column=table.headers.get(key, key),
                                          section=table.section))
    return placed, pairs


_WHOLE = re.compile(r"\s*\d+\s*")  # a wave number, not a wave name


def _read(run: Run, table: Table, sheet: Sheet, shared: bool) -> int:
    """Read `table` from `sheet` into `run`; returns how many data rows are under its header
    (read, or left out by the mapping's `where`)."""
    found = _header(table, sheet)
    if found is None:
        # the row the mapping names is not in the sheet: the sheet is named alone, the row in the words
        run.problems.append(sheet.problem(None, None, "", "no_header_row", row=str(table.header_row)))
        return 0
    header_number, header = found
    sheet.headers = {index: text_of(cell) for index, cell in enumerate(header) if not is_blank(cell)}
    placed, pairs = _place(run, table, sheet, header_number, header, shared)
    where = {index: table.where[plain(header[index])] for index in range(len(header))
             if not is_blank(header[index]) and plain(header[index]) in table.where}
    fields = {} if table.section == "links" else _fields(table.section)
    skipped = rows = 0
    items: list[dict[str, Any]] = []
    origins: list[Origin] = []
    positions = {target: index for index, target in placed.items()}  # shared by the table's items
    plan = [_step(index, target, None if target.startswith("extra.") else fields[target].spec, table.values.get(target))
            for index, target in placed.items() if target != "ignore" and not target.startswith("link.")]
    read: dict[tuple[Any, ...], _Reading] = {}  # the table's coded cells read so far, by column and value
    run.unknown_cells = {}
    ordered = _in_order(table.section, plan)
    plan = _date_orders(run, sheet, header_number, plan, where)
    # Cells right of the last header: no column to read them into (a CSV value holding an
    # unquoted delimiter: `France; Etats-Unis` split in two, its second half lost).
    width = max(sheet.headers, default=-1) + 1
    for number, cells in sheet.rows:
        if number <= header_number:
            continue  # the header, and any title above it
        if len(cells) > width:
            _beyond(run, sheet, number, cells, width, header)
        if where and not _kept(cells, where):
            skipped += 1
            continue
        rows += 1
        if table.links:
            run.links.append((table, sheet, number, cells, positions))
            continue
        item = _row(run, table, sheet, number, cells, plan, pairs, fields, read, ordered)
        if table.section == "datasets" and item.get("classification") == "sensitive":
            _v1_sensitive(run, sheet, number, positions.get("classification"), item)
        items.append(item)
        origins.append(Origin(sheet, number, positions))
    for (index, code_too), words in sorted(run.unknown_cells.items()):
        # One line per column: how many cells said "not known", and the words they used.
        run.note("unknown", sheet, header_number, index, placed[index], "unknown_code" if code_too else "unknown_cells",
                 count=len(words), words=", ".join(dict.fromkeys(words)))
    if skipped:
        run.note("ignored-rows", sheet, None, None, "", "other_rows", count=skipped, section=table.section,
                 columns=", ".join(table.headers.get(k, k) for k in table.where))
    if table.constants and items:
        for target, value in table.constants.items():
            run.note("constant", sheet, None, None, target, "constant", value=repr(value), section=table.section)
    if table.group_by:
        items, origins = _group(run, table, sheet, items, origins)
    _wave_labels(run, sheet, items, origins)
    run.result.rows_read += rows
    if not items:
        return rows + skipped  # a links table's rows are run.links
    section, kept, where_from = table.section, run.items[table.section], run.origins
    for item, origin in zip(items, origins, strict=True):
        where_from[(section, len(kept))] = origin
        kept.append(item)
    return rows + skipped


def _beyond(run: Run, sheet: Sheet, number: int, cells: list[Any], width: int, header: list[Any]) -> None:
    """Cells of row `number` right of the last header (0-based `width`): in a CSV an error (a
    delimiter inside a value must be quoted, RFC 4180 §2.6: else a value was split and its parts
    shifted), in a workbook a note (a person's remark beside the table, not imported)."""
    extra = [(index, cell) for index, cell in enumerate(cells[width:], width) if not is_blank(cell)]
    if not extra:
        return
    index, cell = extra[0]
    last = text_of(header[width - 1]) if width else ""
    if sheet.is_csv:
        run.problems.append(sheet.problem(number, None, "", "cells_beyond_header", columns=width, value=text_of(cell),
                                          last=last))
    else:
        run.note("ignored-column", sheet, number, index, "", "cell_beyond_header", value=text_of(cell), last=last)


def _kept(cells: list[Any], where: dict[int, Any]) -> bool:
    """Whether a row passes the mapping's `where` (column index -> the values accepted there)."""
    return all(plain(cells[i] if i < len(cells) else "") in accepted for i, accepted in where.items())


_Reading = tuple[Any, "Callable[[int | None, int | None], None] | None"]  # a value, and its note (`_reading`)
_Step = tuple[int, str, Spec | None, "dict[str, Any] | None", bool, "Callable[[Any], Any] | None", bool, bool]


def _step(index: int, target: str, spec: Spec | None, translations: dict[str, Any] | None) -> _Step:
    """How `_row` reads a column: (index, field path, Spec or None for extra, the mapping's
    translations, whether the path is nested, the field's quick reader (values.quick_reader),
    whether the field holds one of a closed list of codes, whether its numeric dates are read
    day-first: `_date_orders` decides it for a date column)."""
    quick = quick_reader(spec) if spec is not None else None
    return (index, target, spec, translations, "." in target, quick,
            bool(spec and spec.enum and spec.type not in ("list", "free")), True)


def _date_orders(run: Run, sheet: Sheet, header_number: int, plan: list[_Step], where: dict[int, Any]) -> list[_Step]:
    """The steps of `plan`, each date column's reading its numeric dates (`30/11/2026`,
    `11-24-2026`, and those of a shorthand list's mappings: `{id: hds, until: 11/24/2026}`) in
    the one order its values decide (`dates.column_order`: proved day-first or
    month-first by a value). A column of ambiguous values only follows the order the table's
    other date columns prove, when they agree (one export writes all its dates one way), else
    its own hint (a 12-hour clock) or the French default; said in the report unless proved by
    the column itself. A column proving both orders, or holding a value that is no date in
    either, is refused at that cell and left out of the plan: its cells are not read (the
    import fails on the problem; read in either order, the column would mix its dates)."""
    orders: dict[int, tuple[Order, dict[str, int]]] = {}  # by column: its order, and the first row of each text
    refused: set[int] = set()
    for index, target, spec, translations, *_ in plan:
        if spec is None or not holds_dates(spec):
            continue
        first_row: dict[str, int] = {}  # each text of the column, in reading order, and its first row
        for number, cells in sheet.rows:
            raw = cells[index] if number > header_number and index < len(cells) else None
            if raw.__class__ is str and not (translations and plain(raw) in translations) and \
                    (not where or _kept(cells, where)):
                for text in date_texts(raw, spec):
                    first_row.setdefault(text, number)
        try:
            order = column_order(first_row, first_row.__getitem__)
        except DateError as error:
            run.problems.append(sheet.coded(first_row[error.text], index, target, error.code, "error", error.params))
            refused.add(index)
            continue
        if order is not None:
            orders[index] = order, first_row
    proofs = {index: order for index, (order, _) in orders.items() if order.why == "proved"}
    agreed = next(iter(proofs.items())) if len({o.day_first for o in proofs.values()}) == 1 else None
    out = []
    for step in plan:
        index, target = step[0], step[1]
        if index in refused:
            continue
        if index not in orders:
            out.append(step)
            continue
        order, first_row = orders[index]
        day_first, row = order.day_first, first_row[order.example]
        if order.why == "french-default" and agreed is not None:
            proving, proof = agreed
            day_first = proof.day_first
            run.note("converted", sheet, row, index, target, f"dates_as_column.{'day' if day_first else 'month'}",
                     example=order.example, column=sheet.headers.get(proving, ""), proof=proof.example)
        elif order.why != "proved":
            run.note("converted", sheet, row, index, target, f"dates_{order.why}", example=order.example)
        out.append((*step[:7], day_first))
    return out


def _row(run: Run, table: Table, sheet: Sheet, number: int, cells: list[Any], plan: list[_Step],
         pairs: dict[int, tuple[str, str, str]], fields: dict[str, Column],
         read: dict[tuple[Any, ...], _Reading], ordered: bool) -> dict[str, Any]:
    """One row as an item: `plan` says how to read each column (`_step`); `read` keeps the coded
    cells of the table read so far, read and worded once (a column of codes repeats a handful
    of values on every row); `ordered`: the plan fills the fields in the format's order
    (`_in_order`)."""
    item: dict[str, Any] = {}
    width, percents = len(cells), sheet.percent
    for index, target, spec, translations, nested, quick, code, day_first in plan:
        raw = cells[index] if index < width else None
        if raw is None or (raw.__class__ is str and not raw.strip()):  # values.is_blank, inlined
            continue
        if spec is None:
            item.setdefault("extra", {})[target[6:]] = _plain_value(raw)
            continue
        if translations and (said := plain(raw)) in translations:
            meant = translations[said]
            if meant is None:
                run.note("unknown", sheet, number, index, target, "means_unknown", text=text_of(raw))
                continue
            if meant == "?" and spec.enum:  # --suggest-mapping's placeholder, not replaced yet
                run.problems.append(sheet.problem(number, index, target, "translation_to_fill",
                                                  text=text_of(raw), allowed=model.offered(spec.enum)))
                continue
            run.note("translated", sheet, number, index, target, "translated", text=text_of(raw), value=str(meant))
            raw = meant
        elif means_unknown(raw):  # `?`, `N/C`: not declared, unless a code of the field (`NC`, a country)
            vocabulary = is_code_of(raw, spec)
            if vocabulary != "code":  # a country code is read as one, and said
                run.unknown_cells.setdefault((index, vocabulary == "country"), []).append(text_of(raw))
            if vocabulary is None:
                continue
        if target == "wave" and not _WHOLE.fullmatch(text_of(raw)):
            item["wave"] = text_of(raw)  # a wave name: ordered with the others once the table is read
            continue
        percent = (number, index) in percents if percents else False
        value = quick(raw) if quick is not None and not percent else AS_IS
        if value is AS_IS:  # else read as values.coerce would read it, nothing to report
            cell = (index, raw.__class__, raw)
            known = read.get(cell) if code else None
            if known is None:
                try:
                    read_as = coerce(raw, spec, percent=percent, key=target, day_first=day_first)
                    known = _reading(run, sheet, index, target, raw, read_as)
                except CellError as exc:
                    run.problems.append(sheet.coded(number, index, target, exc.code, "error", exc.params))
                    continue
                if code:
                    read[cell] = known
            value, say = known
            if say is not None:
                say(number, index)
        if nested:
            if get_path(item, target) is None:  # two columns for one field: the first one given wins
                set_path(item, target, value)
        elif item.get(target) is None:
            item[target] = value
    folded: dict[str, dict[str, tuple[Any, Any]]] = {}
    for index, (target, n, role) in pairs.items():
        raw = cells[index] if index < len(cells) else None
        entry = folded.setdefault(target, {}).setdefault(n, (None, None))
        folded[target][n] = (raw, entry[1]) if role == "key" else (entry[0], raw)
    for target, numbered in folded.items():
        tags: dict[str, Any] = {}
        for n in sorted(numbered, key=int):
            key, value = numbered[n]
            if is_blank(value):
                continue
            name = text_of(key) if not is_blank(key) else "tag"
            tags[name] = [*tags[name], text_of(value)] if isinstance(tags.get(name), list) else \
                [tags[name], text_of(value)] if name in tags else text_of(value)
        if tags:
            set_path(item, target, tags)
    for target, value in table.constants.items():
        if get_path(item, target) is None:
            set_path(item, target, value)
    derived = "id" in fields and not item.get("id") and item.get("name")
    if derived:
        item["id"] = slug(str(item["name"]))
        if item["id"] != item["name"]:
            run.note_once("derived", sheet, number, None, "id", "derived", id=item["id"], name=item["name"])
    if ordered and not (derived or pairs or table.constants):
        return item  # its fields were added in the format's order
    return {key: item[key] for key in _ordered(table.section, tuple(item))}


def _in_order(section: str, plan: list[_Step]) -> bool:
    """Whether `plan` adds an item's fields in the format's order (`_order`, as `_ordered` sorts
    them: equal ranks keep their order), as the columns of the template workbook are: a row
    then needs no reordering unless something is added after its columns (`_row`)."""
    if not plan:
        return True
    order = _order(section)
    ranks = [order.get(step[1].partition(".")[0], len(order)) for step in plan]
    return ranks == sorted(ranks)


# The message saying how a cell was read, by Coerced.how (else read_as).
_READ_AS = {"percent-cell": "read_as_percent", "merged": "read_as_merged"}


def _reading(run: Run, sheet: Sheet, index: int, target: str, raw: Any, result: Coerced) -> _Reading:
    """A cell's value and the note saying how it was read (None: as it was written), for any
    row of its column holding that cell (`_row` keeps those of the coded columns)."""
    if not result.change:
        return result.value, None
    if result.change == "renamed" and isinstance(result.value, str):
        run.written.setdefault(result.value, result.detail)
    return result.value, run.saying(result.change, sheet, target,
                                    _READ_AS.get(result.how or "", "read_as"),
                                    text=result.detail or text_of(raw), value=repr(result.value))


@cache
def _ordered(section: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """`keys` (an item's fields) in the format's order (`_order`): rows give their items few
    distinct sets of fields."""
    order = _order(section)
    return tuple(sorted(keys, key=lambda key: order.get(key, len(order))))


def _v1_sensitive(run: Run, sheet: Sheet, number: int, column: int | None, item: dict[str, Any]) -> None:
    """A dataset classified `sensitive`, the v1 class format v2 refuses, is read as `bleu-assess
    upgrade` reads it (sensitivity.upgrade_v1_dataset): its v2 class (validate.v1_sensitive_class)
    and `particular_sensitivity: yes` unless the row answers it, said in the report for review."""
    from bleu_assess.inventory.validate import v1_sensitive_class

    item["classification"] = v1_sensitive_class(item.get("personal_data"))
    item.setdefault("particular_sensitivity", "yes")
    order = _order("datasets")
    item_sorted = sorted(item.items(), key=lambda kv: order.get(kv[0], len(order)))
    item.clear()
    item.update(item_sorted)
    run.note("translated", sheet, number, column, "classification", "v1_sensitive", value=item["classification"],
             answer=item["particular_sensitivity"])


@cache
def _order(section: str) -> dict[str, int]:
    """Top-level fields of a section in the format's order, `extra` last (as people read an item)."""
    names = list(dict.fromkeys(c.path[0] for c in columns(section) if c.path[0] != "extra"))
    return {name: position for position, name in enumerate([*names, "extra"])}


def _plain_value(raw: Any) -> Any:
    """A cell kept under `extra`: as the source holds it (numbers stay numbers, dates ISO text)."""
    if raw.__class__ is str:  # the commonest, first
        return raw.strip()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return int(raw) if float(raw).is_integer() else raw
    return text_of(raw) if not isinstance(raw, bool) else raw


def _wave_labels(run: Run, sheet: Sheet, items: list[dict[str, Any]], origins: list[Origin]) -> None:
    """Wave names (`Vague A`, `Wave 2`) become wave numbers in their natural order; the name is
    kept under extra.wave_label."""
    labels = {item["wave"] for item in items if isinstance(item.get("wave"), str)}
    if not labels:
        return
    texts = sorted({str(item["wave"]) for item in items if "wave" in item}, key=natural_key)
    rank = {text: position for position, text in enumerate(texts, 1)}
    for item in items:
        if "wave" in item:
            label = str(item["wave"])
            item["wave"] = rank[label]
            item.setdefault("extra", {})["wave_label"] = label
    order = ", ".join(f"{text} → {rank[text]}" for text in texts)
    run.note("wave", sheet, origins[0].row, origins[0].positions.get("wave"), "wave", "waves", order=order)


def _group(run: Run, table: Table, sheet: Sheet, items: list[dict[str, Any]],
           origins: list[Origin]) -> tuple[list[dict[str, Any]], list[Origin]]:
    """Rows sharing `group_by` become one item: the first row gives each field, lists are
    joined, `extra` values collected (one list per column); differing values are reported."""
    key = table.group_by or "id"
    merged: dict[Any, dict[str, Any]] = {}
    where: dict[Any, Origin] = {}
    for item, origin in zip(items, origins, strict=True):
        value = item.get(key)
        if value is None:
            merged[id(item)], where[id(item)] = item, origin
            continue
        extra = {k: [v] for k, v in item.pop("extra", {}).items()}
        if value not in merged:
            merged[value], where[value] = {**item, "extra": extra} if extra else item, origin
            continue
        first = merged[value]
        for name, v in item.items():
            if isinstance(v, list):
                first[name] = list(dict.fromkeys([*first.get(name, []), *v]))
            elif name not in first:
                first[name] = v
            elif first[name] != v:
                run.note("conflict", sheet, origin.row, origin.positions.get(name), name, "conflict", value=repr(v),
                         first=repr(first[name]), row=where[value].row, key=key, item=str(value))
        for name, values in extra.items():
            kept = first.setdefault("extra", {}).setdefault(name, [])
            kept.extend(v for v in values if v not in kept)
    return list(merged.values()), list(where.values())


def _assemble(run: Run, organisation: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"format": model.FORMAT}  # imports write the current version
    orgs = run.items["organisation"]
    data["organisation"] = dict(orgs[0]) if orgs else {}
    if organisation:
        data["organisation"]["name"] = organisation
    if not data["organisation"].get("name"):
        first = run.result.sheets[0].file if run.result.sheets else ""
        run.problems.append(problem(first, None, None, "organisation", "no_organisation"))
    for section in SECTIONS[1:]:
        if run.items[section]:
            data[section] = run.items[section]
    return data


FAST_MIN_ITEMS = 1000


def _check(run: Run) -> None:
    """Validate the result; errors and warnings name the cell they come from."""
    from bleu_assess.inventory import fastcheck
    from bleu_assess.inventory.validate import Document

    source = run.result.sheets[0].file if run.result.sheets else ""
    # Thousands of rows: the column validator first, the located walker only if it refuses; the
    # warnings need no model of the entries (fastcheck.check).
    large = sum(len(v) for v in run.result.data.values() if isinstance(v, list)) >= FAST_MIN_ITEMS
    try:
        _, warnings = fastcheck.check([Document(source, "", run.result.data)], large=large)
    except InventoryError as exc:
        raise InventoryError(exc.message, [_relocate(run, d) for d in exc.diagnostics]) from None
    for warning in warnings:
        run.result.notes.append(Note("validation", _relocate(run, warning)))


# The field a validation error says is missing, from its code and parameters (inventory/validate.py).
_MISSING: dict[str, Callable[[dict[str, Any]], Any]] = {
    "validate.missing_field": lambda params: params.get("field"),
    "validate.missing_provider": lambda params: "provider",
}


def _relocate(run: Run, diag: Diagnostic) -> Diagnostic:
    match = re.match(r"^(\w+)(?:\[(\d+)\])?\.?(.*)$", diag.field)
    if match:
        section, index, rest = match.group(1), int(match.group(2) or 0), match.group(3)
        origin = run.origins.get((section, index))
        if origin:
            path = re.sub(r"\[\d+\]$", "", rest)
            missing = _MISSING.get(diag.code or "", lambda _: None)(dict(diag.params or ()))
            if isinstance(missing, str):
                # A required field left empty: the cell where it belongs, when the table has its column.
                path = ".".join(filter(None, (path, missing)))
            position = origin.positions.get(path)
            # Still a code, worded on display.
            return origin.sheet.locate(origin.row, position, rest or section, diag.message, diag.severity,
                                       diag.code, diag.params)
    return dataclasses.replace(diag, line=None, column=None)
