"""Dates written with numbers and slashes, dots or dashes (`31/01/2026`, `05/02/2026 14:00`,
`11/3/2025, 10:00:00.000 AM`, `30.11.2026`, `30-11-26`), read in one order per column, decided
from the column's values: by the dependency imports and by `import table` (intake/engine.py).

`05/02/2026` is 5 February to a French spreadsheet and May 2 to an American one: a value alone
cannot tell. A column can: a value whose first number is above 12 (`31/01/2026`) proves the
column day-first, one whose second number is (`11/24/2026`) month-first. A column proving both
is refused (its dates were written two ways; reading each its own way would mix them
silently). A column of ambiguous values only follows the one hint the values carry, a 12-hour
clock (`AM`/`PM`: how American software writes times) meaning month-first; else it is read day-first, as French spreadsheets write dates (the French
default, said in the import report). An impossible date (30 February, month 13, 25:00) is
refused, never read another way. docs/discovery.md documents it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bleu_assess.intake.said import CellError

# day or month, day or month, year (4 or 2 digits), one separator throughout (`/`, `.` or `-`),
# then an optional time: `14:00`, `14:00:05`, `, 10:00:00.000 AM` (the American form).
_SLASHED = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
                      r"(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
                      r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?)?")


class DateError(CellError):
    """A date the column cannot read (`intake.error.<code>`), at the cell of the value `text`."""

    def __init__(self, text: str, code: str, /, **params: object) -> None:
        self.text = text
        super().__init__(code, **params)


@dataclass(frozen=True, slots=True)
class Order:
    """How a column's `/`-dates are read: `day_first`, and why (`proved` by the value `example`,
    `clock-12` or `french-default` for a column of ambiguous values, `example` then the first)."""

    day_first: bool
    why: str
    example: str


def column_order(texts: Iterable[str], row_of: Callable[[str], int]) -> Order | None:
    """The order of the `/`-dates among a column's distinct `texts` (as the export writes them,
    in reading order; `row_of` the row of the first cell holding a text); None when there are
    none. Raises DateError at a value that can be no date in either order (`31/31/2026`), or at
    the first value that contradicts an earlier proof of the other order (`dates_mixed_order`)."""
    day = month = first = None
    clock12 = False
    for text in texts:
        found = _SLASHED.fullmatch(text)
        if found is None:
            continue
        a, b = int(found["a"]), int(found["b"])
        if a > 12 and b > 12:
            raise DateError(text, "no_such_month", text=text, month_number=max(a, b))
        first = first or text
        clock12 = clock12 or bool(found["half"])
        if a > 12 and day is None:
            day = text
        if b > 12 and month is None:
            month = text
        if day and month:
            raise DateError(text, "dates_mixed_order", day_first=day, day_row=row_of(day), month_first=month,
                            month_row=row_of(month))
    if first is None:
        return None
    if day or month:
        return Order(day is not None, "proved", day or month or "")
    return Order(not clock12, "clock-12" if clock12 else "french-default", first)


def read_slashed(text: str, day_first: bool) -> str | None:
    """A `/`-date in ISO 8601 (`2026-01-31`, or `2026-01-31T14:00` with its time, to the
    minute) read in the column's order; None when `text` is no `/`-date. Raises CellError when
    it is one but no such date or time exists."""
    found = _SLASHED.fullmatch(text)
    if found is None:
        return None
    a, b, year = int(found["a"]), int(found["b"]), int(found["year"])
    day, month = (a, b) if day_first else (b, a)
    year += 2000 if len(found["year"]) == 2 else 0
    if year < 1:
        raise CellError("not_a_date", text=text)
    if not 1 <= month <= 12:
        raise CellError("no_such_month", text=text, month_number=month)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise CellError("no_such_day", text=text, month=f"{year:04d}-{month:02d}", days=calendar.monthrange(year, month)[1])
    if found["hour"] is None:
        return dt.date(year, month, day).isoformat()
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"] or 0)
    if found["half"]:  # 12 AM is midnight, 12 PM noon
        if not 1 <= hour <= 12:
            raise CellError("no_such_time", text=text)
        hour = hour % 12 + (12 if found["half"] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellError("no_such_time", text=text)
    return dt.datetime(year, month, day, hour, minute).isoformat(timespec="minutes")
