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
import functools
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from pathlib import Path
from typing import Any

from bleu_assess import inputs, output
from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake.said import ERRORS, problem, refused
from bleu_assess.intake.values import is_blank
from bleu_assess.render.intake_words import CSV_COLUMN, CSV_FIELD, message

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".ods", ".xls")
DELIMITERS = ";,\t|"
# The first line of an XML or HTML document (`<?xml …?>`, `<!DOCTYPE html>`, `<model …>`): markup
# from its start to its end, as no table's header is (`<nom>,type` is one); read as a CSV it would
# be one column of markup, its lines split at their commas.
_MARKUP = re.compile(r"\s*<(?:\?xml|!DOCTYPE|!--|[A-Za-z])[^\n]*>[ \t\r]*(?:\n|$)", re.IGNORECASE)


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
    said: list[tuple[Diagnostic, str, dict[str, Any]]] = field(default_factory=list)  # warning, code, params
    headers: dict[int, str] = field(default_factory=dict)  # 0-based column -> header, once one is read
    across: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # row -> merges across columns (0-based)
    alone: dict[int, str] = field(default_factory=dict)  # 0-based column -> its label without its group heading

    @property
    def warnings(self) -> list[Diagnostic]:
        """What was done while reading, as located warnings (codes, worded when printed)."""
        return [diagnostic for diagnostic, _, _ in self.said]

    def locate(self, row: int | None, column: int | None, path: str, message: str, severity: str = "error",
               code: str = "", params: tuple[tuple[str, Any], ...] = ()) -> Diagnostic:
        """A diagnostic at a cell (0-based `column`): `FILE: SHEET!B3: path: message`, or for a
        CSV `FILE:LINE: column NAME: path: message` (a CSV has no column letters to show; the
        column is named in the reader's language when worded, from the `csv_column` and
        `csv_field` parameters). `code` and `params`: the message as a catalogue code."""
        if self.is_csv and column is not None and column in self.headers:
            name = self.headers[column]
            field = path if path and path.replace("_", "") != name.replace("_", "") else ""
            path = f"column {name}" + (f": {field}" if field else "")
            params = (*params, (CSV_COLUMN, name), (CSV_FIELD, field))
        return Diagnostic(self.file, row, None if column is None else column + 1, path, message,
                          severity, "" if self.is_csv else self.name, code, params)  # type: ignore[arg-type]

    def problem(self, row: int | None, column: int | None, path: str, code: str, /, severity: str = "error",
                **params: Any) -> Diagnostic:
        """A problem at a cell, worded by `intake.error.<code>` with `params`."""
        return self.coded(row, column, path, ERRORS + code, severity, params)

    def coded(self, row: int | None, column: int | None, path: str, key: str, severity: str,
              params: dict[str, Any]) -> Diagnostic:
        """A diagnostic at a cell worded by catalogue entry `key` (English until printed)."""
        english, pairs = words(key, params)
        return self.locate(row, column, path, english, severity, key, pairs)

    def header_row(self) -> tuple[int, list[Any]] | None:
        """The likely header row: the first of the first ten rows holding values in at least
        half as many cells as the widest of them (a title typed above the table is skipped)."""
        first = self.rows[:10]
        counts = [sum(1 for cell in cells if cell is not None and str(cell).strip()) for _, cells in first]
        if not first:
            return None
        widest = max(counts)
        number, cells = next(row for row, count in zip(first, counts, strict=True) if count * 2 >= widest)
        return (number + 1, self.header_at(number + 1)) if self._groups(number) else (number, cells)

    def header_at(self, number: int) -> list[Any]:
        """Row `number` as a header: under a row of group headings merged across columns
        (« Hébergement » over « Type » and « Pays »), each column under a group is named
        `Group - Label` (« Hébergement - Pays »), as the format's own two-part headers are;
        `alone` keeps each such column's label (« Pays »), for a mapping that names it so."""
        cells = next((c for n, c in self.rows if n == number), [])
        self.alone = {}
        if not self._groups(number - 1):
            return cells
        groups = next(c for n, c in self.rows if n == number - 1)
        out = list(cells) + [None] * (len(groups) - len(cells))
        for first, last in self.across[number - 1]:
            for column in range(first, last + 1):
                group, label = groups[column], out[column]
                if is_blank(label):
                    out[column] = group
                elif not is_blank(group) and str(group).strip() != str(label).strip():
                    out[column] = f"{str(group).strip()} - {str(label).strip()}"
                    self.alone[column] = str(label).strip()
        return out

    def _groups(self, number: int) -> bool:
        """Whether row `number` holds group headings over the row under it: a merge across
        columns above two or more different labels."""
        if number not in self.across:
            return False
        under = next((c for n, c in self.rows if n == number + 1), None)
        if under is None:
            return False
        return any(len({str(under[c]).strip() for c in range(first, min(last + 1, len(under))) if not is_blank(under[c])}) > 1
                   for first, last in self.across[number])

    def note(self, row: int | None, column: int | None, code: str, /, **params: Any) -> None:
        """Say what was done: `code` names the wording (templates/i18n/intake.*.yaml, `note.CODE`)."""
        self.said.append((self.coded(row, column, "", f"intake.note.{code}", "warning", params), code, params))


def words(key: str, params: dict[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """(English words, parameters as pairs) of catalogue entry `key` with `params`, as a
    located diagnostic carries them (`Sheet.coded`)."""
    pairs = tuple(params.items())
    try:
        return _english(key, pairs), pairs
    except TypeError:  # a value that cannot be a cache key (a list, a mapping): worded as it is
        return message(key, params, "en"), pairs


@functools.lru_cache(maxsize=4096)
def _english(key: str, pairs: tuple[tuple[str, Any], ...]) -> str:
    """The English words of a note or problem: worded once per distinct text (a 10,000-row table
    notes the same translation on most rows)."""
    return message(key, dict(pairs), "en")


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
                problems.append(problem(display, None, None, "", "no_tables_in_directory"))
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
    raw = inputs.read_bytes(path, display)
    if raw.startswith(inputs.WORKBOOK_SIGNATURES):
        from bleu_assess.intake import workbooks  # and zipfile: not for a CSV

        return (workbooks.read_zip if raw.startswith(b"PK") else workbooks.read_calamine)(path, display)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
        raise refused(display, "not_a_workbook", suffix=path.suffix.lower()[1:])
    return [read_csv(raw, display)]


# --- CSV ---------------------------------------------------------------------------------------

def decode(raw: bytes, file: str) -> tuple[str, str]:
    """(text, encoding name) of a text file saved by a spreadsheet program or an export: UTF-8
    with or without BOM, UTF-16 with BOM, else the likeliest single-byte Western encoding; NUL
    and other control characters refused, located (bleu_assess/inputs.py)."""
    return inputs.decode(raw, file, western=True, refuse=inputs.CONTROLS)


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


def _unquoted(text: str, delimiter: str) -> list[list[str]] | None:
    """The records of a CSV text holding no quote, each line one record (most exports): its
    lines split at the delimiter, which is what the csv module reads there (RFC 4180: without
    quotes, a field ends at the delimiter or the line break), some five times faster. None when
    the csv module must read it: quotes, a carriage return not followed by a line feed (a line
    break for the csv module), or a line longer than its field size limit (which it refuses)."""
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the final line break ends the last line
    if max(map(len, lines), default=0) > csv.field_size_limit():
        return None
    return list(map(str.split, lines, repeat(delimiter)))


def read_csv(raw: bytes, display: str, name: str | None = None) -> Sheet:
    """One CSV file as a Sheet; the encoding and the delimiter are said in its warnings."""
    text, encoding = decode(raw, display)
    if _MARKUP.match(text):
        raise refused(display, "markup_not_table")
    delimiter, sniffed = sniff_delimiter(text)
    sheet = Sheet(display, name or Path(display).stem, True, [])
    shown = {"\t": "tab", ",": "','", ";": "';'", "|": "'|'"}[delimiter]
    if encoding not in (inputs.UTF8, inputs.UTF8_BOM):
        sheet.note(None, None, "encoding", encoding=encoding)
    if delimiter != ",":
        sheet.note(None, None, "delimiter", delimiter=shown)
    elif not sniffed and "\n" in text.strip():
        sheet.note(None, None, "one_column")
    records = _unquoted(text, delimiter)
    if records is None:
        lines = io.StringIO(text, newline="").readlines()
        try:
            records = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            records = []  # located below, record by record
        if len(records) != len(lines):
            return _by_record(sheet, lines, delimiter)
    # Each record on its own line: numbered without asking the reader.
    sheet.rows = list(compress(zip(count(1), records), map(str.strip, map("".join, records))))
    return sheet


def _by_record(sheet: Sheet, lines: list[str], delimiter: str) -> Sheet:
    """`sheet` with the records of `lines` (some spanning several lines), each numbered by the
    line it starts on; the first unreadable one a located error."""
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            if "".join(record).strip():  # a cell with something other than spaces
                sheet.rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        located = sheet.problem(start, None, "", "unreadable_csv", error=str(exc))
        raise InputError(located.message, [located]) from None
    return sheet


# --- workbooks ---------------------------------------------------------------------------------
