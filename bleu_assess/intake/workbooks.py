"""Workbooks for the table reader: xlsx, ods and xls through python-calamine (a maintained Rust
reader, ten times faster than openpyxl on a 10,000-row sheet), completed by what calamine does
not give, read from the files' XML: hidden rows, formulas with no saved value and percentage
formats (xlsx: ECMA-376 Part 1), merged cells, collapsed rows and percentage cells (ods:
OpenDocument 1.2). Zip archives are checked before anything is unpacked (zip bombs)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bleu_assess import inputs
from bleu_assess.errors import InputError
from bleu_assess.intake.reader import Sheet
from bleu_assess.intake.said import refused


def read_zip(path: Path, display: str) -> list[Sheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            inputs.check_archive(archive, display)
            names = set(archive.namelist())
            if "content.xml" in names and "xl/workbook.xml" not in names:
                is_ods = True
            elif "xl/workbook.xml" in names:
                is_ods = False
            else:
                raise refused(display, "zip_not_workbook")
    except zipfile.BadZipFile:
        raise refused(display, "damaged_workbook") from None
    if is_ods:
        try:
            with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
                metadata = _ods_metadata(content)
        except (KeyError, SyntaxError, ValueError, zipfile.BadZipFile) as exc:
            raise refused(display, "unreadable_workbook", kind=".ods ", error=type(exc).__name__) from None
        return read_calamine(path, display, metadata)
    return _read_xlsx(path, display)


def _read_xlsx(path: Path, display: str) -> list[Sheet]:
    """Values from calamine (cached values of formulas; every cell present, whatever dimension
    the file records), and from the sheet's XML what calamine does not give: hidden rows,
    formulas with no saved value, cells shown as percentages."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            percent_styles = _percent_styles(archive)
            metadata = {name: _sheet_metadata(archive.read(part), percent_styles)
                        for name, part in parts.items() if part in archive.namelist()}
    except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile) as exc:
        raise refused(display, "unreadable_workbook", kind=".xlsx ", error=type(exc).__name__) from None
    return read_calamine(path, display, metadata)


_NS = re.compile(r"\{[^}]*\}")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive (workbook.xml and its relationships, ECMA-376 §18.2)."""
    from xml.etree.ElementTree import fromstring

    relations = {rel.get("Id"): rel.get("Target", "") for rel in fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
    parts = {}
    for element in fromstring(archive.read("xl/workbook.xml")).iter():
        if _NS.sub("", element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if _NS.sub("", k) == "id"), None)
            target = relations.get(rid, "")
            parts[element.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


_BUILTIN_PERCENT = {9, 10}  # ECMA-376 §18.8.30: 0% and 0.00%


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percentage."""
    from xml.etree.ElementTree import fromstring

    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    root = fromstring(archive.read("xl/styles.xml"))
    codes = {int(e.get("numFmtId", "-1")): e.get("formatCode", "") for e in root.iter() if _NS.sub("", e.tag) == "numFmt"}
    percent = {number for number, code in codes.items() if _is_percent(code)} | _BUILTIN_PERCENT
    found = set()
    for container in root.iter():
        if _NS.sub("", container.tag) == "cellXfs":
            for index, xf in enumerate(x for x in container if _NS.sub("", x.tag) == "xf"):
                if int(xf.get("numFmtId", "0")) in percent:
                    found.add(index)
    return frozenset(found)


@dataclass(slots=True)
class _Metadata:
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    hidden_rows: set[int] = field(default_factory=set)
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based column)


_CELL = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_NO_VALUE = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
                       rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
_ATTRIBUTE = re.compile(rb'\b(r|s|hidden)="([^"]*)"')


def _cell(ref: str) -> tuple[int, int]:
    """(row, column) of an A1 reference, 1-based."""
    match = _CELL.match(ref)
    if not match:
        raise ValueError(ref)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def _sheet_metadata(xml: bytes, percent_styles: frozenset[int]) -> _Metadata:
    """One scan of a sheet's XML (ECMA-376 §18.3.1.73 row@hidden, §18.3.1.4 c@s, §18.3.1.40 f
    and §18.3.1.96 v): regular expressions over the bytes, much faster than parsing elements."""
    meta = _Metadata()
    if _holds(xml, b"hidden", 0):
        for match in _ROW_TAG.finditer(xml):
            attributes = dict(_ATTRIBUTE.findall(match.group(1)))
            if attributes.get(b"hidden") in (b"1", b"true") and attributes.get(b"r", b"").isdigit():
                meta.hidden_rows.add(int(attributes[b"r"]))
    # A formula is an <f> element (prefixed or not): a sheet without one needs no scan for them.
    for match in _NO_VALUE.finditer(xml) if _holds(xml, b"<f", 1) or _holds(xml, b":f", 1) else ():
        ref = dict(_ATTRIBUTE.findall(match.group(1))).get(b"r")
        if ref:
            meta.formulas_without_value.append(_cell(ref.decode()))
    if percent_styles:
        wanted = {str(i).encode() for i in percent_styles}
        for match in _CELL_TAG.finditer(xml):
            attributes = dict(_ATTRIBUTE.findall(match.group(1)))
            if attributes.get(b"s") in wanted and b"r" in attributes:
                row, column = _cell(attributes[b"r"].decode())
                meta.percent.add((row, column - 1))
    return meta


def _holds(data: bytes, word: bytes, rare: int) -> bool:
    """`word in data`, looked for at each occurrence of its byte at index `rare` (memchr): in
    markup, `word in data` slows down on every byte the word ends with (`n`, `<`), some
    twenty times over for a sheet's 5 MB."""
    byte = word[rare:rare + 1]
    at = data.find(byte, rare)
    while at != -1:
        if data.startswith(word, at - rare):
            return True
        at = data.find(byte, at + 1)
    return False


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# Rows a sheet repeats beyond this are the empty end of the sheet, never data.
_MAX_REPEAT = 10_000


def _ods_metadata(content: Any) -> dict[str, _Metadata]:
    """Per sheet of an OpenDocument spreadsheet's content.xml (OpenDocument 1.2 §9.1): merged
    cells (number-rows/columns-spanned), collapsed or filtered rows, and percentage cells
    (office:value-type="percentage", which calamine gives as a fraction)."""
    from xml.etree.ElementTree import iterparse

    sheets: dict[str, _Metadata] = {}
    meta, row, column = _Metadata(), 0, 0
    for event, element in iterparse(content, events=("start", "end")):
        tag = element.tag
        if event == "start" and tag == f"{_ODS_TABLE}table":
            meta, row = sheets.setdefault(element.get(f"{_ODS_TABLE}name", ""), _Metadata()), 0
        elif event == "start" and tag == f"{_ODS_TABLE}table-row":
            row, column = row + 1, 0
        elif event == "end" and tag == f"{_ODS_TABLE}table-row":
            repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
            if element.get(f"{_ODS_TABLE}visibility") in ("collapse", "filter") and repeat <= _MAX_REPEAT:
                meta.hidden_rows.update(range(row, row + repeat))
            row += repeat - 1
            element.clear()
        elif event == "end" and tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
            repeat = int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
            rows = int(element.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
            columns = int(element.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
            if rows > 1 or columns > 1:
                meta.merged.append((row, column + 1, row + rows - 1, column + columns))
            if element.get(f"{_ODS_OFFICE}value-type") == "percentage" and repeat <= _MAX_REPEAT:
                meta.percent.update((row, c) for c in range(column, column + repeat))
            column += repeat
    return sheets


def _is_percent(number_format: str | None) -> bool:
    return bool(number_format) and "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def _fill_merged(sheet: Sheet, grid: dict[int, list[Any]], merged: Iterable[tuple[int, int, int, int]]) -> None:
    """Every cell of a merged range takes the value of its top-left cell, as the reader sees it."""
    for r1, c1, r2, c2 in sorted(merged):
        row = grid.get(r1)
        value = row[c1 - 1] if row is not None and c1 - 1 < len(row) else None
        if value is None or (r1 == r2 and c1 == c2):
            continue
        percent = (r1, c1 - 1) in sheet.percent
        if c2 > c1:
            sheet.across.setdefault(r1, []).append((c1 - 1, c2 - 1))
        for r in range(r1, r2 + 1):
            target = grid.setdefault(r, [])
            if len(target) < c2:
                target.extend([None] * (c2 - len(target)))
            for c in range(c1, c2 + 1):
                target[c - 1] = value
                if percent:
                    sheet.percent.add((r, c - 1))
        span = f"{_letters(c1)}{r1}:{_letters(c2)}{r2}"
        sheet.note(r1, c1 - 1, "merged", span=span, first=f"{_letters(c1)}{r1}")


def _letters(column: int) -> str:
    from bleu_assess.errors import column_letters

    return column_letters(column)


def _ranges(numbers: list[int]) -> str:
    """The first ten row numbers, then « … » (the count of them all is said next to them)."""
    return ", ".join(str(n) for n in numbers[:10]) + (", …" if len(numbers) > 10 else "")


def read_calamine(path: Path, display: str, metadata: dict[str, _Metadata] | None = None) -> list[Sheet]:
    """Workbooks through python-calamine. For xlsx, `metadata` adds per sheet what calamine does
    not give; ods and xls have no number formats here: a cell typed `45 %` arrives as 0.45."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for info in book.sheets_metadata:
            if str(info.visible).rpartition(".")[2] != "Visible":
                hidden = Sheet(display, info.name, False, [])
                hidden.note(None, None, "hidden_sheet")
                sheets.append(hidden)
                continue
            ws = book.get_sheet_by_name(info.name)
            sheet = Sheet(display, info.name, False, [])
            grid: dict[int, list[Any]] = {}
            for number, read in enumerate(ws.to_python(skip_empty_area=False), 1):
                values: list[Any] = [None if v == "" else v for v in read] if "" in read else read  # "": empty
                if values.count(None) < len(values):  # a row with a value
                    grid[number] = values
            meta = (metadata or {}).get(info.name) or _Metadata()
            sheet.percent = meta.percent
            ranges = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (ws.merged_cell_ranges or [])] or meta.merged
            _fill_merged(sheet, grid, ranges)
            _hide_rows(sheet, grid, meta)
            sheet.rows = [(number, grid[number]) for number in sorted(grid)]
            sheets.append(sheet)
    except InputError:
        raise
    except Exception as exc:  # calamine's errors for damaged files
        raise refused(display, "unreadable_workbook", kind="", error=type(exc).__name__) from None
    return [s for s in sheets if s.rows or s.warnings]


def _hide_rows(sheet: Sheet, grid: dict[int, list[Any]], meta: _Metadata) -> None:
    hidden = sorted(meta.hidden_rows & grid.keys())
    for row in hidden:
        del grid[row]
    if hidden:
        sheet.note(hidden[0], None, "hidden_rows", count=len(hidden), rows=_ranges(hidden))
    if meta.formulas_without_value:
        first_row, first_col = min(meta.formulas_without_value)
        sheet.note(first_row, first_col - 1, "formulas", count=len(meta.formulas_without_value))
