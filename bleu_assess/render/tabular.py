"""Tables for spreadsheets: one CSV writer for every command (`plan`, `scan`, `export findings`,
`diff`), in the dialect the reader's spreadsheet expects, and text cells for workbooks.

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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

DIALECTS = ("excel-fr", "excel", "rfc4180")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"


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
