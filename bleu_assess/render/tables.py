"""Terminal tables that fit the terminal: words are never cut, columns go before they would be.

Rich shrinks columns to fit the width, cutting words ("Requi|red") once every column is at its
minimum. Here each column is at least as wide as its longest word, and on a narrow terminal the
least useful columns are left out, with a caption naming them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bleu_assess.render.i18n import t

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Column:
    header: str
    cells: list["Text"]
    keep: int  # the higher, the longer the column stays on a narrow terminal; 100 and over: always
    no_wrap: bool = False  # identifiers: shown whole
    flexible_min: int | None = None  # a column of prose: this minimum, and whatever width is left


ALWAYS = 100


def fits(columns: list[Column], width: int) -> bool:
    """Whether every column can be shown on `width` columns without cutting a word."""
    return sum(_minimum(c) for c in columns) <= width - 3 * len(columns) - 1


def _minimum(c: Column) -> int:
    texts = (c.header, *(cell.plain for cell in c.cells))
    if c.flexible_min is not None:
        return c.flexible_min
    return max(map(_lines_width if c.no_wrap else _longest_word, texts))


def fitted(title: str, columns: list[Column], width: int, lang: str) -> "Table":
    """A table of `columns` laid out to `width`: each column between its longest word and its
    longest line, the flexible one taking what is left; columns with the lowest `keep` left out
    while even their minimum widths do not fit."""
    from rich.table import Table

    natural = {c: max(_lines_width(text) for text in (c.header, *(cell.plain for cell in c.cells))) for c in columns}
    minimum = {c: _minimum(c) for c in columns}

    def room(shown: list[Column]) -> int:
        return width - 3 * len(shown) - 1  # two spaces of padding and a border per column, one more border

    shown = list(columns)
    for candidate in sorted(columns, key=lambda c: c.keep):
        if candidate.keep >= ALWAYS or sum(minimum[c] for c in shown) <= room(shown):
            break
        shown.remove(candidate)
    widths = {c: minimum[c] if c.flexible_min is not None else natural[c] for c in shown}
    # Too wide: narrow the column with the most slack, a character at a time (words still fit).
    while sum(widths.values()) > room(shown):
        slack = max(shown, key=lambda c: widths[c] - minimum[c])
        if widths[slack] <= minimum[slack]:
            break
        widths[slack] -= 1
    for c in shown:  # what is left goes to the prose
        if c.flexible_min is not None:
            widths[c] = max(widths[c], min(natural[c], widths[c] + room(shown) - sum(widths.values())))
    hidden = [c.header for c in columns if c not in shown]
    table = Table(title=title, expand=False,
                  caption=t("cli.hidden_columns", lang, columns=", ".join(hidden)) if hidden else None)
    for c in shown:
        table.add_column(c.header, width=widths[c], no_wrap=c.no_wrap, overflow="fold")
    for row in range(len(columns[0].cells)):
        table.add_row(*(c.cells[row] for c in shown))
    return table


def _lines_width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(word) for word in text.split()), default=0)
