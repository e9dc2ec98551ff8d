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
    cells: list[Text] | list[str]  # rich Text for `fitted`, plain strings for `plain`
    keep: int  # the higher, the longer the column stays on a narrow terminal; 100 and over: always
    no_wrap: bool = False  # identifiers: shown whole
    flexible_min: int | None = None  # a column of prose: this minimum, and whatever width is left


ALWAYS = 100


def _text(cell: Text | str) -> str:
    return cell if isinstance(cell, str) else cell.plain


def fits(columns: list[Column], width: int) -> bool:
    """Whether every column can be shown on `width` columns without cutting a word."""
    return sum(_minimum(c) for c in columns) <= width - 3 * len(columns) - 1


def _minimum(c: Column, texts: set[str] | None = None) -> int:
    """The narrowest a column can be: its declared minimum, else its longest line when it does
    not wrap, else its longest word."""
    if c.flexible_min is not None:
        return c.flexible_min
    texts = texts if texts is not None else {c.header, *map(_text, c.cells)}
    return max(map(_lines_width if c.no_wrap else _longest_word, texts))


def _layout(columns: list[Column], width: int) -> tuple[list[Column], dict[Column, int], list[str]]:
    """The columns shown, their widths and the headers left out: each column between its longest
    word and its longest line, the flexible one taking what is left; columns with the lowest
    `keep` left out while even their minimum widths do not fit."""
    texts = {c: {c.header, *map(_text, c.cells)} for c in columns}  # distinct: labels repeat
    natural = {c: max(map(_lines_width, texts[c])) for c in columns}
    minimum = {c: _minimum(c, texts[c]) for c in columns}

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
    return shown, widths, [c.header for c in columns if c not in shown]


def fitted(title: str, columns: list[Column], width: int, lang: str) -> Table:
    """A rich table of `columns` (cells as rich Text) laid out to `width` (see `_layout`)."""
    from rich.table import Table

    shown, widths, hidden = _layout(columns, width)
    table = Table(title=title, expand=False,
                  caption=t("cli.hidden_columns", lang, columns=", ".join(hidden)) if hidden else None)
    for c in shown:
        table.add_column(c.header, width=widths[c], no_wrap=c.no_wrap, overflow="fold")
    for row in range(len(columns[0].cells)):
        table.add_row(*(c.cells[row] for c in shown))
    return table


def plain(title: str, columns: list[Column], width: int, lang: str) -> str:
    """The same layout as `fitted` (same columns, widths and words never cut) as plain text:
    a header row, a rule, then each row's cells wrapped at word boundaries, columns separated by
    three spaces. Linear in the cells, for tables of thousands of rows that rich lays out in
    seconds. Cells are plain strings; the lines end with '\\n' and carry no trailing spaces."""
    import textwrap

    shown, widths, hidden = _layout(columns, width)
    gaps = [widths[c] for c in shown]
    wraps: dict[tuple[str, int], list[str]] = {}  # the same long texts recur (top findings)

    def wrap(text: str, size: int) -> list[str]:
        lines = wraps.get((text, size))
        if lines is None:
            lines = wraps[text, size] = textwrap.wrap(text, size, break_long_words=False, break_on_hyphens=False)
        return lines or [""]

    def row(cells: list[str]) -> list[str]:
        if all(len(text) <= size for text, size in zip(cells, gaps)):  # most rows: one line
            return ["   ".join(f"{text:<{size}}" for text, size in zip(cells, gaps)).rstrip()]
        wrapped = [[text] if len(text) <= size or c.no_wrap else wrap(text, size)
                   for c, text, size in zip(shown, cells, gaps)]
        height = max(map(len, wrapped))
        return ["   ".join(f"{(lines[k] if k < len(lines) else ''):<{size}}" for lines, size in zip(wrapped, gaps))
                .rstrip() for k in range(height)]

    lines = [*paragraphs(title, width).splitlines(), *row([c.header for c in shown]),
             "   ".join("─" * size for size in gaps)]
    for cells in zip(*(map(_text, c.cells) for c in shown)):
        lines += row(list(cells))
    if hidden:
        lines += paragraphs(t("cli.hidden_columns", lang, columns=", ".join(hidden)), width).splitlines()
    return "\n".join(lines) + "\n"


def paragraphs(text: str, width: int) -> str:
    """`text`'s lines wrapped at word boundaries to `width` columns, each ending with '\\n'."""
    import textwrap

    return "".join("\n".join(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""])
                   + "\n" for line in text.splitlines())


def _lines_width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(word) for word in text.split()), default=0)
