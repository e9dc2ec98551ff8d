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
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
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


def fitted(title: str, columns: list[Column], width: int, lang: str) -> Fitted:
    """`columns` (cells as rich Text) laid out to `width` (see `_layout`): a rich renderable
    that prints as a rich Table of those columns and widths (see `Fitted`)."""
    shown, widths, hidden = _layout(columns, width)
    return Fitted(title, shown, widths, t("cli.hidden_columns", lang, columns=", ".join(hidden)) if hidden else None)


class Fitted:
    """A table laid out by `_layout`: printed, exactly the rich Table `table()` builds.

    Rich lays out and wraps every cell, a tenth of a millisecond each: most of a hospital-sized
    scan's table time. Where no style can show (a console without colours: a pipe, a file,
    NO_COLOR) and every cell is one line of printable text within its column, the lines are
    those the Table would print, written directly: the title and caption still rendered by rich
    as the Table renders them, the borders from the same box, each cell padded with one space
    either side. Anything else (colours, a cell that wraps) is printed by the Table itself."""

    def __init__(self, title: str, shown: list[Column], widths: dict[Column, int], caption: str | None) -> None:
        self.title, self.shown, self.widths, self.caption = title, shown, widths, caption

    def table(self) -> Table:
        """The rich Table: these columns, at these widths, words folded only if they must."""
        from rich.table import Table

        table = Table(title=self.title, expand=False, caption=self.caption)
        for c in self.shown:
            table.add_column(c.header, width=self.widths[c], no_wrap=c.no_wrap, overflow="fold")
        for row in range(len(self.shown[0].cells) if self.shown else 0):
            table.add_row(*(c.cells[row] for c in self.shown))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        body = self._plain_body(console, options) if console.color_system is None else None
        if body is None:
            yield self.table()
            return
        table_width = len(body[0])
        annotation = options.update(width=table_width, highlight=False, height=None, justify="center")
        if self.title:
            yield from console.render(console.render_str(self.title, style="table.title", highlight=False), annotation)
        for line in body:
            yield Segment(line)
            yield Segment.line()
        if self.caption:
            yield from console.render(console.render_str(self.caption, style="table.caption", highlight=False),
                                      annotation)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.table())

    def _plain_body(self, console: Console, options: ConsoleOptions) -> list[str] | None:
        """The Table's lines from its top border to its bottom one, or None where rich would
        lay out otherwise (a table wider than the console, which rich narrows; a cell other
        than plain text or with its own justification; a control character)."""
        from rich import box
        from rich.cells import cell_len
        from rich.text import Text

        sizes = [self.widths[c] for c in self.shown]
        if not self.shown or sum(sizes) + 3 * len(sizes) + 1 > options.max_width:
            return None

        def lines(cell: Text | str, column: Column, size: int) -> list[str] | None:
            if isinstance(cell, str):  # as rich reads a string cell (the console's markup setting)
                cell = console.render_str(cell, highlight=False)
            elif not isinstance(cell, Text) or cell.justify or cell.overflow or cell.no_wrap is not None \
                    or cell.end != "\n":
                return None
            text = cell.plain
            if not text.replace("\n", "").isprintable():
                return None
            if "\n" not in text and text == text.strip() and cell_len(text) <= size:
                return [text]  # most cells: one line, nothing to wrap
            return [line.plain for line in cell.wrap(console, size, justify="left", overflow="fold", tab_size=8,
                                                       no_wrap=column.no_wrap)]

        frame = box.HEAVY_HEAD.substitute(options, safe=console.safe_box)
        outer = [size + 2 for size in sizes]
        body = [frame.get_top(outer).rstrip("\n")]
        rows = [[c.header for c in self.shown], *zip(*(c.cells for c in self.shown))]
        for index, row in enumerate(rows):
            cells = [lines(cell, c, size) for cell, c, size in zip(row, self.shown, sizes)]
            if any(cell is None for cell in cells):
                return None
            height = max(len(cell) for cell in cells if cell is not None)
            left, divider, right = ((frame.head_left, frame.head_vertical, frame.head_right) if index == 0 else
                                    (frame.foot_left, frame.foot_vertical, frame.foot_right) if index == len(rows) - 1
                                    else (frame.mid_left, frame.mid_vertical, frame.mid_right))
            blocks = []
            for cell, size in zip(cells, sizes):
                assert cell is not None
                padded = [f" {text}{' ' * (size - cell_len(text))} " for text in cell]
                blank = [" " * (size + 2)] * (height - len(padded))
                # The header row is aligned to the bottom of its cells, the others to the top.
                blocks.append(blank + padded if index == 0 else padded + blank)
            body.extend(left + divider.join(parts) + right for parts in zip(*blocks))
            if index == 0:
                body.append(frame.get_row(outer, "head", edge=True).rstrip("\n"))
        body.append(frame.get_bottom(outer).rstrip("\n"))
        return body


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
