"""One hardened reader for every table a person gives us: CSV files as spreadsheets save them
(UTF-8 with or without BOM, UTF-16 "Unicode text", Windows-1252; `,` `;` tab or `|`, sniffed with
a fallback so one-column files work), and xlsx, ods and xls workbooks through python-calamine
(a maintained Rust reader, ten times faster than openpyxl on a 10,000-row sheet), completed for
xlsx by one scan of each sheet's XML for what calamine does not give (hidden rows, formulas with
no saved value, percentage formats).

What a person could have made never ends in a traceback: every refusal is an `InputError` whose
diagnostics name the file and, where it applies, the line or the sheet and cell. What the reader
did on the user's behalf (encoding detected, merged cells filled down, hidden sheets and rows
left out, formulas without a saved value) is returned as warnings on each `Sheet`.

Formats: RFC 4180 (CSV), ECMA-376 Part 1 (Office Open XML: §18.3.1.73 row `hidden`, §18.3.1.55
`mergeCell`, §18.3.1.40 `f` and §18.3.1.96 `v` of a cell), OASIS OpenDocument 1.2."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from bleu_assess import output, yamlio
from bleu_assess.errors import Diagnostic, InputError

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".ods", ".xls")
DELIMITERS = ";,\t|"
# A workbook is a zip of XML parts: refuse one whose parts would unpack to more than this many
# times the input size limit, or any large part compressed beyond this ratio (a zip bomb).
UNZIPPED_FACTOR = 4
MAX_RATIO = 200
_RATIO_FLOOR = 16 * 1024 * 1024
# Encodings a spreadsheet program saves CSV in, besides UTF-8 and UTF-16 (which have their own
# detection): charset-normalizer chooses among these only, so a short French file is never read
# as, say, Cyrillic.
_SINGLE_BYTE = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class Sheet:
    """One table: a workbook sheet, or a CSV file.

    `rows` holds (row number, cell values) for every row with a value, in order: the row number
    is the sheet's row, or for a CSV the line the record starts on. Cell values are str, int,
    float, bool, datetime or None. `percent` holds the (row, 0-based column) of cells shown as
    percentages (a cell typed `45 %` holds 0.45). `warnings` says what was done while reading."""

    file: str
    name: str
    is_csv: bool
    rows: list[tuple[int, list[Any]]]
    percent: set[tuple[int, int]] = field(default_factory=set)
    warnings: list[Diagnostic] = field(default_factory=list)
    headers: dict[int, str] = field(default_factory=dict)  # 0-based column -> header, once one is read

    def locate(self, row: int | None, column: int | None, path: str, message: str,
               severity: str = "error") -> Diagnostic:
        """A diagnostic at a cell (0-based `column`): `FILE: SHEET!B3: path: message`, or for a
        CSV `FILE:LINE: column NAME: path: message` (a CSV has no column letters to show)."""
        if self.is_csv and column is not None and column in self.headers:
            name = self.headers[column]
            path = f"column {name}" + (f": {path}" if path and path.replace("_", "") != name.replace("_", "") else "")
        return Diagnostic(self.file, row, None if column is None else column + 1, path, message,
                          severity, "" if self.is_csv else self.name)  # type: ignore[arg-type]

    def note(self, row: int | None, column: int | None, message: str) -> None:
        self.warnings.append(self.locate(row, column, "", message, "warning"))


def read_tables(paths: Sequence[str]) -> list[Sheet]:
    """Every table of the given files and directories (a directory: its table files, in name
    order). Raises InputError with every problem found, each located."""
    sheets: list[Sheet] = []
    problems: list[Diagnostic] = []
    for display in paths:
        root = Path(display)
        output.register_input(display)
        files = [root]
        if root.is_dir():
            files = sorted(p for p in root.iterdir() if p.suffix.lower() in TABLE_SUFFIXES and not p.name.startswith("."))
            if not files:
                problems.append(Diagnostic(display, None, None, "", "directory holds no .csv, .xlsx, .ods or .xls file"))
        for file in files:
            shown = os.path.join(display, file.name) if root.is_dir() else display
            try:
                sheets.extend(read_file(file, shown))
            except InputError as exc:
                problems.extend(exc.diagnostics)
    if problems:
        raise InputError(f"cannot read {', '.join(paths)}", problems)
    return sheets


def read_file(path: Path, display: str) -> list[Sheet]:
    """The tables of one file, recognised by its content (a zip is a workbook, an OLE2 file an
    Excel 97 workbook, anything else a CSV text)."""
    output.register_input(path)
    raw = yamlio.read_bytes(path, display)
    if raw.startswith(b"PK\x03\x04"):
        return _read_zip(path, display)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_calamine(path, display)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
        raise _fail(display, f"not a {path.suffix.lower()[1:]} workbook (the file does not start like one): "
                             "open it in a spreadsheet program and save it again")
    return [read_csv(raw, display)]


def _fail(file: str, message: str, line: int | None = None, column: int | None = None) -> InputError:
    return InputError(message, [Diagnostic(file, line, column, "", message)])


# --- CSV ---------------------------------------------------------------------------------------

def decode(raw: bytes, file: str) -> tuple[str, str]:
    """(text, encoding name) of a text file saved by a spreadsheet program or an export: UTF-8
    with or without BOM, UTF-16 with BOM, else the likeliest single-byte Western encoding
    (charset-normalizer). NUL and other control characters are refused, located."""
    if raw.startswith(b"\xef\xbb\xbf"):
        text, name = _utf8_after_bom(raw, file), "UTF-8 (BOM)"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, name = raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise _fail(file, "not valid UTF-16 text although it starts like it: save the file as CSV UTF-8") from None
    elif _is_utf8(raw):
        text, name = raw.decode("utf-8"), "UTF-8"
    else:
        text, name = _guess_single_byte(raw, file)
    _check_controls(text, file)
    return text, name


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_after_bom(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _fail(file, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}) although it starts with a UTF-8 "
                          "byte-order mark: save the file as CSV UTF-8", line) from None


def _guess_single_byte(raw: bytes, file: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise _fail(file, "NUL byte: this is not a text file (a UTF-16 file needs its byte-order mark: "
                          "save it as CSV UTF-8)", raw.count(b"\n", 0, offset) + 1)
    best = from_bytes(raw, cp_isolation=_SINGLE_BYTE).best()
    encoding = best.encoding if best is not None else None
    if encoding is None:
        raise _fail(file, "neither UTF-8 nor a Western encoding: save the file as CSV UTF-8")
    # Windows-1252 is what French Excel writes; Latin-9 and it agree on letters, and only
    # cp1252 gives « € » and curly quotes their usual bytes.
    encoding = "cp1252" if encoding in ("iso8859_15", "latin_1") and _decodes(raw, "cp1252") else encoding
    names = {"cp1252": "Windows-1252", "iso8859_15": "ISO-8859-15", "mac_roman": "Mac Roman", "cp850": "DOS (CP850)"}
    return raw.decode(encoding), names.get(encoding, encoding)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _check_controls(text: str, file: str) -> None:
    found = _CONTROL.search(text)
    if found:
        offset = found.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        what = "NUL byte: this is not a text file" if found.group() == "\0" else \
            f"control character U+{ord(found.group()):04X}: not text a spreadsheet writes"
        raise _fail(file, what, line, column)


def sniff_delimiter(text: str) -> tuple[str, bool]:
    """(delimiter, sniffed): the csv module's sniffer on the first lines, else the candidate that
    splits the first line most, else a comma (a one-column file)."""
    lines = [line for line in text[:65536].splitlines() if line.strip()][:50]
    sample = "\n".join(lines)
    if not sample:
        return ",", False
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        if found in DELIMITERS:
            return found, True
    except csv.Error:
        pass
    counts = {d: next(csv.reader([lines[0]], delimiter=d)).__len__() for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return (best, True) if counts[best] > 1 else (",", False)


def read_csv(raw: bytes, display: str, name: str | None = None) -> Sheet:
    """One CSV file as a Sheet; the encoding and the delimiter are said in its warnings."""
    text, encoding = decode(raw, display)
    delimiter, sniffed = sniff_delimiter(text)
    sheet = Sheet(display, name or Path(display).stem, True, [])
    shown = {"\t": "tab", ",": "','", ";": "';'", "|": "'|'"}[delimiter]
    if encoding not in ("UTF-8", "UTF-8 (BOM)"):
        sheet.note(None, None, f"read as {encoding} (detected); save as CSV UTF-8 to be sure of accents")
    if delimiter != ",":
        sheet.note(None, None, f"columns separated by {shown} (detected)")
    elif not sniffed and "\n" in text.strip():
        sheet.note(None, None, "one column (no separator found)")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                sheet.rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(str(exc), [sheet.locate(start, None, "", f"unreadable CSV record: {exc}")]) from None
    return sheet


# --- workbooks ---------------------------------------------------------------------------------

def _read_zip(path: Path, display: str) -> list[Sheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, display)
            names = set(archive.namelist())
            if "content.xml" in names and "xl/workbook.xml" not in names:
                is_ods = True
            elif "xl/workbook.xml" in names:
                is_ods = False
            else:
                raise _fail(display, "a zip archive, but not an xlsx or ods workbook")
    except zipfile.BadZipFile:
        raise _fail(display, "damaged workbook (not a readable zip archive): open it and save it again") from None
    if is_ods:
        try:
            with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
                metadata = _ods_metadata(content)
        except (KeyError, SyntaxError, ValueError, zipfile.BadZipFile) as exc:
            raise _fail(display, f"not a readable .ods workbook ({type(exc).__name__}): open it and save it again") from None
        return _read_calamine(path, display, metadata)
    return _read_xlsx(path, display)


def _check_archive(archive: zipfile.ZipFile, display: str) -> None:
    limit = yamlio.max_bytes() * UNZIPPED_FACTOR
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _fail(display, f"part {info.filename} unpacks {info.file_size // max(info.compress_size, 1):,} "
                                 "times larger than it is stored: refused as a zip bomb")
        if total > limit:
            raise _fail(display, f"workbook unpacks to more than {limit / 1048576:.0f} MiB: refused "
                                 "(set BLEU_ASSESS_MAX_INPUT_MB to raise the limit)")


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
        raise _fail(display, f"not a readable .xlsx workbook ({type(exc).__name__}): open it and save it again") from None
    return _read_calamine(path, display, metadata)


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
    if b"hidden" in xml:
        for match in _ROW_TAG.finditer(xml):
            attributes = dict(_ATTRIBUTE.findall(match.group(1)))
            if attributes.get(b"hidden") in (b"1", b"true") and attributes.get(b"r", b"").isdigit():
                meta.hidden_rows.add(int(attributes[b"r"]))
    for match in _NO_VALUE.finditer(xml):
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
        for r in range(r1, r2 + 1):
            target = grid.setdefault(r, [])
            if len(target) < c2:
                target.extend([None] * (c2 - len(target)))
            for c in range(c1, c2 + 1):
                target[c - 1] = value
                if percent:
                    sheet.percent.add((r, c - 1))
        span = f"{_letters(c1)}{r1}:{_letters(c2)}{r2}"
        sheet.note(r1, c1 - 1, f"merged cells {span}: the value of {_letters(c1)}{r1} applies to each of its rows")


def _letters(column: int) -> str:
    from bleu_assess.errors import column_letters

    return column_letters(column)


def _ranges(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _read_calamine(path: Path, display: str, metadata: dict[str, _Metadata] | None = None) -> list[Sheet]:
    """Workbooks through python-calamine. For xlsx, `metadata` adds per sheet what calamine does
    not give; ods and xls have no number formats here: a cell typed `45 %` arrives as 0.45."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for info in book.sheets_metadata:
            if str(info.visible).rpartition(".")[2] != "Visible":
                sheets.append(Sheet(display, info.name, False, [], warnings=[Diagnostic(
                    display, None, None, "", "hidden sheet: ignored (show it in the workbook to import it)",
                    "warning", info.name)]))
                continue
            ws = book.get_sheet_by_name(info.name)
            sheet = Sheet(display, info.name, False, [])
            grid = {number: [None if v == "" else v for v in values]
                    for number, values in enumerate(ws.to_python(skip_empty_area=False), 1)
                    if any(v not in (None, "") for v in values)}
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
        raise _fail(display, f"not a readable workbook ({type(exc).__name__}): open it and save it again") from None
    return [s for s in sheets if s.rows or s.warnings]


def _hide_rows(sheet: Sheet, grid: dict[int, list[Any]], meta: _Metadata) -> None:
    hidden = sorted(meta.hidden_rows & grid.keys())
    for row in hidden:
        del grid[row]
    if hidden:
        sheet.note(hidden[0], None, f"{len(hidden)} hidden row(s) ignored: {_ranges(hidden)} "
                                    "(show them in the workbook to import them)")
    if meta.formulas_without_value:
        first_row, first_col = min(meta.formulas_without_value)
        sheet.note(first_row, first_col - 1, f"{len(meta.formulas_without_value)} formula cell(s) with no saved value "
                                             "read as empty (the file was never recalculated: open and save it in "
                                             "a spreadsheet program)")
