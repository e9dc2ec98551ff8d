"""Tables of a discovery export, by sheet, read through intake's hardened reader
(`reader.read_file`: encoding and delimiter detected, merged cells filled down, zip bombs
refused, every problem located): the header row, and data rows as {normalised header: value}
(case, accents and spacing aside)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bleu_assess.errors import Diagnostic, InputError, column_letters
from bleu_assess.intake.columns import normalise
from bleu_assess.intake.reader import Sheet, read_file
from bleu_assess.intake.said import ERRORS, CellError, refused
from bleu_assess.intake.values import means_unknown, parse_number


@dataclass
class Table:
    """One sheet: its title, header as written, numbered rows as {normalised header: value},
    and what the reader did on the user's behalf (`warnings`)."""

    title: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    warnings: list[Diagnostic] = field(default_factory=list)
    first_row: int = 1
    raw: list[tuple[int, list[Any]]] = field(default_factory=list)  # the data rows as read, for bulk readers
    sheet: Sheet | None = None  # where the table was read, to locate its cells
    # The cells read that say the value is not known (`?`, `N/C`: values.means_unknown), by
    # 0-based column, as written: left out of `rows` (a bulk reader of `raw` adds its own).
    unknown: dict[int, list[str]] = field(default_factory=dict)

    def refused(self, path: str, code: str) -> InputError:
        """The refusal of the file for this table's header (`intake.error.<code>`): at the header
        row (`FILE:1` for a CSV, `FILE: SHEET!1:1` in a workbook), no cell made up."""
        if self.sheet is None:
            return refused(path, code)
        located = self.sheet.problem(self.first_row, None, "", code)
        return InputError(located.message, [located])

    def column(self, name: str) -> int | None:
        """Position of the column whose normalised header is `name`, or None."""
        keys = [normalise(h) for h in self.header]
        return keys.index(name) if name in keys else None

    def has(self, *names: str) -> bool:
        keys = {normalise(h) for h in self.header}
        return all(normalise(n) in keys for n in names)

    def number(self, number: int, row: dict[str, Any], names: tuple[str, ...],
               problems: list[Diagnostic]) -> int | float | None:
        """Row `number`'s first of the columns `names` with a value, as a number as an English or
        French spreadsheet shows it (`4096`, `4 096`, `1 234,5`; whole numbers as integers); a
        cell that is no number is a located problem added to `problems`, not a value dropped."""
        key, value = first_of(row, *names)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            found = parse_number(value)[0]
        except CellError as error:
            problems.append(self.problem(number, key, error.code.removeprefix(ERRORS), **error.params))
            return None
        return int(found) if found.is_integer() else found

    def unknown_cells(self) -> list[Diagnostic]:
        """One note per column of the cells read so far that said the value is not known, at
        its header cell: how many, and the words used (`intake.note.unknown_cells`)."""
        notes = []
        for column, words in sorted(self.unknown.items()):
            assert self.sheet is not None  # a table read from a sheet: cells to locate
            self.sheet.headers.setdefault(column, self.header[column])
            notes.append(self.sheet.coded(self.first_row, column, "", "intake.note.unknown_cells", "warning",
                                          {"count": len(words), "words": ", ".join(dict.fromkeys(words))}))
        return notes

    def problem(self, row: int, key: str, code: str, /, **params: Any) -> Diagnostic:
        """A problem at the cell of row `row` under the column whose normalised header is `key`
        (`FILE: SHEET!D3: Memory: ...`, or `FILE:3: column Memory: ...` for a CSV), worded by
        `intake.error.<code>`."""
        assert self.sheet is not None
        column = self.column(key)
        if column is not None:
            self.sheet.headers.setdefault(column, self.header[column])
        return self.sheet.problem(row, column, self.header[column] if column is not None else key, code, **params)


def first_of(row: dict[str, Any], *names: str) -> tuple[str, Any]:
    """(normalised column, value) of the first of the columns `names` with a value in `row`."""
    for name in names:
        key = normalise(name)
        value = row.get(key)
        if value not in (None, ""):
            return key, value
    return normalise(names[0]), None


def _table(sheet: Sheet) -> Table | None:
    found = sheet.header_row()  # title rows a person typed above the export's header are skipped
    if found is None:  # an empty sheet; a hidden one is kept, headerless, for the reader's note on it
        return Table(sheet.name, [], iter(()), sheet.warnings, sheet=sheet) if sheet.warnings else None
    number, first = found
    start = next(i for i, (n, _) in enumerate(sheet.rows) if n == number) + 1
    header = ["" if h is None else str(h).strip() for h in first]
    keys = [normalise(h) for h in header]
    seen: dict[str, int] = {}
    for column, key in enumerate(keys):
        if key and key in seen:  # read by name, a column a person added would replace the export's
            sheet.note(number, column, "column_twice", column=header[column],
                       cells=", ".join(str(c + 1) if sheet.is_csv else f"{column_letters(c + 1)}{number}"
                                       for c in (seen[key], column)))
            keys[column] = ""
        seen.setdefault(key, column)
    data = sheet.rows[start:]
    table = Table(sheet.name, header, iter(()), sheet.warnings, number, data, sheet)
    table.rows = _rows(keys, data, table.unknown)
    return table


def _rows(keys: list[str], data: list[tuple[int, list[Any]]],
          unknown: dict[int, list[str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Numbered rows as {normalised header: value}, without empty cells nor those that say the
    value is not known (each kept in `unknown`, by column, as written)."""
    for number, cells in data:
        row = {}
        for column, (key, value) in enumerate(zip(keys, cells)):
            if key and value not in (None, ""):
                if means_unknown(value):
                    unknown.setdefault(column, []).append(value.strip())
                else:
                    row[key] = value
        yield number, row


def read_book(path: str) -> dict[str, Table]:
    """Normalised sheet title -> table, for a workbook (xlsx, ods, xls) or one CSV file (its
    table named after the file)."""
    file = Path(path)
    if not file.is_file():
        raise refused(path, "no_such_file")
    return tables_of(read_file(file, path))


def tables_of(sheets: list[Sheet]) -> dict[str, Table]:
    """Normalised sheet title -> table, for the sheets (with a value) of one file."""
    tables = {}
    for sheet in sheets:
        table = _table(sheet)
        if table is not None:
            tables[normalise(sheet.name)] = table
    return tables


def one_table(path: str, fits: Callable[[Table], object] = bool) -> Table:
    """The table of a CSV or workbook: the first that `fits` (a workbook's export may follow a
    summary sheet), else the first; it carries what the reader said of every sheet (a hidden
    sheet left out). A located error when there is none."""
    tables = read_book(path)
    headed = [t for t in tables.values() if t.header]
    table = next((t for t in headed if fits(t)), headed[0] if headed else None)
    if table is None:
        raise refused(path, "empty_table")
    table.warnings = [w for t in tables.values() for w in t.warnings]
    return table


def refusal(path: str, code: str, tables: dict[str, Table]) -> InputError:
    """The refusal of a file (`intake.error.<code>`), with what the reader said of its sheets
    (a hidden sheet is why the sheet looked for is not there)."""
    error = refused(path, code)
    return InputError(error.message, [*error.diagnostics, *(w for t in tables.values() for w in t.warnings)])
