"""Tables of a discovery export, by sheet: header row and data rows, cells keyed by normalised
header (case, accents and spacing aside). xlsx through openpyxl's streaming (read-only) mode, CSV
through the csv module (delimiter sniffed; UTF-8 with or without BOM, else Windows-1252).

The one place discovery importers read spreadsheets: to be replaced by intake part 1's hardened
reader when it lands.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from bleu_assess import yamlio
from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.interop.columns import normalise


@dataclass
class Table:
    """One sheet: its title, header as written, and numbered rows as {normalised header: value}."""

    title: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]

    def has(self, *names: str) -> bool:
        keys = {normalise(h) for h in self.header}
        return all(normalise(n) in keys for n in names)


def _table(title: str, rows: Iterator[tuple[Any, ...]] | Iterator[list[str]]) -> Table | None:
    for first in rows:
        header = ["" if h is None else str(h).strip() for h in first]
        if any(header):
            keys = [normalise(h) for h in header]
            numbered = ((number, {k: v for k, v in zip(keys, row) if k and v not in (None, "")})
                        for number, row in enumerate(rows, 2))
            return Table(title, header, numbered)
    return None


def read_book(path: str) -> dict[str, Table]:
    """Normalised sheet title -> table, for an .xlsx workbook or one CSV file (whose table is
    named after the file, without `RVTools_tab` and the like)."""
    file = Path(path)
    if not file.is_file():
        raise InputError("missing", [Diagnostic(path, None, None, "", "no such file")])
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        yamlio.read_bytes(file, path)  # the size limit, before unzipping anything
        try:
            book = load_workbook(file, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise InputError("unreadable workbook", [Diagnostic(path, None, None, "", "not a readable .xlsx workbook "
                                                                f"({type(exc).__name__})")]) from None
        tables = {}
        for sheet in book.worksheets:
            table = _table(sheet.title, sheet.iter_rows(values_only=True))
            if table is not None:
                tables[normalise(sheet.title)] = table
        return tables
    raw = yamlio.read_bytes(file, path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = _table(file.stem, csv.reader(io.StringIO(text), dialect))
    return {normalise(file.stem): table} if table else {}
