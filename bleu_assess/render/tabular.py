"""Tables for spreadsheets: one CSV writer for every command (`plan`, `scan`, `export findings`,
`diff`, `fit`), in the dialect the reader's spreadsheet expects, and text cells for workbooks.

One convention for the tables written for people (all but `scan -f csv`, a contract for programs
headed and filled with the results' codes): headers in the reader's language, and a value that
is a decision code (a severity, a readiness, a status) in two columns side by side, its words
under the column's header then the code itself under « header (code) », the same in every
language, for a ticket tracker or a filter (`Coded`, `coded_columns`).

Dialects (`--csv-dialect`, default from the language: French → `excel-fr`, else `excel`):

| dialect | encoding | separator | decimal mark | for |
| --- | --- | --- | --- | --- |
| `excel-fr` | UTF-8 with byte-order mark | `;` | `,` | Excel and LibreOffice set to French |
| `excel` | UTF-8 with byte-order mark | `,` | `.` | Excel set to English |
| `rfc4180` | UTF-8, no byte-order mark | `,` | `.` | programs (RFC 4180) |

Every dialect ends records with CRLF (RFC 4180 §2.1) and quotes a field only when it must.
Excel reads a file as UTF-8 only when it starts with a byte-order mark, and splits fields on the
list separator of the system's region (`;` where the decimal mark is `,`), hence `excel-fr`.

Formula guard (CSV only): a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return
would run as a formula when a spreadsheet opens the file (CSV injection, OWASP), so it gets a
leading `'`. Workbooks need no such prefix: `workbook_cell` stores such a text as a text cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

DIALECTS = ("excel-fr", "excel", "rfc4180")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"


class Coded(NamedTuple):
    """A decision code and its words in the reader's language: a table for people shows the
    words; a CSV or workbook writes both (coded_columns)."""

    code: str
    words: str


def coded(kind: str, code: str | None, lang: str, area: str = "values") -> Coded | None:
    """`code` with its label in `lang` (`<area>.<kind>.<code>`, the values catalogue by default),
    or None for no code."""
    from bleu_assess.render.i18n import t

    return None if code is None else Coded(code, t(f"{area}.{kind}.{code}", lang))


def coded_columns(columns: Sequence[tuple[str, bool]], rows: Iterable[Sequence[Any]],
                  lang: str) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a CSV or workbook for people and tools. `columns`: (header in
    `lang`, coded) per column; a coded column's cells are `Coded` (or None: both cells empty)
    and it becomes two columns, its words under its header, then its code under « header
    (code) » (`interop.code_column`). Other cells pass as they are."""
    from bleu_assess.render.i18n import t

    header: list[str] = []
    for name, coded in columns:
        header += [name, t("interop.code_column", lang, name=name)] if coded else [name]
    flags = [coded for _, coded in columns]
    table = []
    for row in rows:
        cells: list[Any] = []
        for coded, value in zip(flags, row, strict=True):
            if coded:
                cells += [value.words, value.code] if value is not None else [None, None]
            else:
                cells.append(value)
        table.append(cells)
    return header, table


def default_dialect(lang: str) -> str:
    """The dialect of a spreadsheet set to `lang`: `excel-fr` for French, else `excel`."""
    return "excel-fr" if lang == "fr" else "excel"


def spreadsheet_cell(value: Any) -> Any:
    """A CSV value safe in a spreadsheet: text that would run as a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def number(value: int | float, dialect: str) -> str:
    """A number as the dialect writes it: 25.5 → `25,5` in `excel-fr`; 15.0 → `15`."""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value)
    return text.replace(".", ",") if dialect == "excel-fr" else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: str) -> bytes:
    """The table as a CSV file in `dialect` (see the module's table), as UTF-8 bytes.

    Cells: `str` as text (formula-guarded), `int`/`float` as numbers in the dialect's decimal
    mark (`bool` is not expected), `None` as an empty field. Raises ValueError for an unknown
    dialect."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r} (dialects: {', '.join(DIALECTS)})")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dialect == "excel-fr" else ",", lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else number(v, dialect) if isinstance(v, (int, float)) else spreadsheet_cell(v)
                         for v in row])
    text = buffer.getvalue()
    return ((_BOM if dialect != "rfc4180" else "") + text).encode("utf-8")


def workbook_cell(cell: Cell) -> None:
    """Keep a text cell text: openpyxl turns a string starting with `=` into a formula; this
    stores it as a string, marked `quotePrefix` (Excel's own "text, not formula" flag) so that
    neither `=…` nor `@…` runs, and the cell shows the text as written, without a `'`."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
