"""Terminal tables that fit the terminal: words are never cut, columns go before they would be.

Rich shrinks columns to fit the width, cutting words ("Requi|red") once every column is at its
minimum. Here each column is at least as wide as its longest word, and on a narrow terminal the
least useful columns are left out, with a caption naming them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from bleu_assess.render.i18n import t

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text


class Styled(NamedTuple):
    """A cell's text and the rich style it is shown in on a console with colours ("bold red")."""

    text: str
    style: str = ""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Column:
    header: str
    cells: list[Text] | list[Styled] | list[str]  # rich Text or Styled for `fitted`, plain strings for `plain`
    keep: int  # the higher, the longer the column stays on a narrow terminal; 100 and over: always
    no_wrap: bool = False  # identifiers: shown whole
    flexible_min: int | None = None  # a column of prose: this minimum, and whatever width is left


ALWAYS = 100


def _text(cell: Text | Styled | str) -> str:
    return cell if isinstance(cell, str) else cell.text if isinstance(cell, Styled) else cell.plain


def _rich(cell: Text | Styled | str) -> Text | str:
    """A Styled cell as the rich Text it stands for; other cells as they are."""
    if isinstance(cell, Styled):
        from rich.text import Text

        return Text(cell.text, cell.style)
    return cell


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
            table.add_row(*(_rich(c.cells[row]) for c in self.shown))
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

        def lines(cell: Text | Styled | str, column: Column, size: int) -> list[str] | None:
            cell = _rich(cell)
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
        rows = [[c.header for c in self.shown], *zip(*(c.cells for c in self.shown))]
        cells = [[lines(cell, c, size) for cell, c, size in zip(row, self.shown, sizes)] for row in rows]
        if any(cell is None for row in cells for cell in row):
            return None
        return _framed(cells, sizes, (frame.top_left + frame.top + frame.top_divider + frame.top_right,
                                      frame.head_left + frame.head_vertical + frame.head_right,
                                      frame.head_row_left + frame.head_row_horizontal + frame.head_row_cross
                                      + frame.head_row_right,
                                      frame.mid_left + frame.mid_vertical + frame.mid_right,
                                      frame.foot_left + frame.foot_vertical + frame.foot_right,
                                      frame.bottom_left + frame.bottom + frame.bottom_divider + frame.bottom_right),
                       cell_len)

    def text_lines(self, width: int) -> list[str] | None:
        """The lines this table prints on a console without colours `width` columns wide
        (a pipe, a file), laid out without rich (see `as_text`): title and caption centred
        over the table, the body as `_plain_body` draws it; None where that is not certain
        (a cell or a title that is not `_narrow` text, a word wider than its column)."""
        sizes = [self.widths[c] for c in self.shown]
        table_width = sum(sizes) + 3 * len(sizes) + 1
        if not self.shown or table_width > width:
            return None
        rows = [[c.header for c in self.shown], *zip(*(c.cells for c in self.shown))]
        cells = [[_wrapped(_text(cell), size, c.no_wrap) for cell, c, size in zip(row, self.shown, sizes)]
                 for row in rows]
        title = _centred(self.title, table_width) if self.title else []
        caption = _centred(self.caption, table_width) if self.caption else []
        if title is None or caption is None or any(cell is None for row in cells for cell in row):
            return None
        return [*title, *_framed(cells, sizes, HEAVY_HEAD, len), *caption]


# rich's HEAVY_HEAD box (rich.box), which a rich Table draws by default, on a UTF-8 console: the
# top border, a header row, the rule under the headers, a row, the last row, the bottom border.
HEAVY_HEAD = ("┏━┳┓", "┃┃┃", "┡━╇┩", "│││", "│││", "└─┴┘")


def _framed(cells: list[list[list[str] | None]], sizes: list[int], frame: tuple[str, ...],
            cell_len: Callable[[str], int]) -> list[str]:
    """The lines of a table whose rows (the headers first) hold each cell's lines, framed as
    rich's Table frames them: `frame` as in HEAVY_HEAD, one space of padding either side of a
    cell, the header row aligned to the bottom of its cells, the others to the top."""
    top, head, rule, mid, foot, bottom = frame
    outer = [size + 2 for size in sizes]

    def border(chars: str) -> str:
        return chars[0] + chars[2].join(chars[1] * size for size in outer) + chars[3]

    body = [border(top)]
    for index, row in enumerate(cells):
        height = max(len(cell) for cell in row if cell is not None)
        sides = head if index == 0 else foot if index == len(cells) - 1 else mid  # left, divider, right
        blocks = []
        for cell, size in zip(row, sizes):
            assert cell is not None
            padded = [f" {text}{' ' * (size - cell_len(text))} " for text in cell]
            blank = [" " * (size + 2)] * (height - len(padded))
            blocks.append(blank + padded if index == 0 else padded + blank)
        body.extend(sides[0] + sides[1].join(parts) + sides[2] for parts in zip(*blocks))
        if index == 0:
            body.append(border(rule))
    body.append(border(bottom))
    return body


# Characters one cell wide as rich measures them (rich.cells: its single-cell ranges, plus the
# general punctuation we write: « — », « † », « ’ », « … »; tests/test_tables.py checks each
# against rich.cells.cell_len), that rich prints as they are: printable, or the no-break space.
_NARROW = frozenset(c for c in map(chr, [*range(0x20, 0x7F), *range(0xA0, 0xAD), *range(0xAE, 0x300),
                                         *range(0x370, 0x483), *range(0x2010, 0x2028), *range(0x2030, 0x205F),
                                         *range(0x2500, 0x25FD)]) if c.isprintable() or c == "\u00a0")
_WORDS = re.compile(r"\s*\S+\s*")  # rich._wrap.words
_TRAILING = re.compile(r"\s+$")


def _wrapped(text: str, width: int, no_wrap: bool = False) -> list[str] | None:
    """`text` (one paragraph) in lines of at most `width` columns as rich wraps a Text
    (rich._wrap.divide_line, then Text.rstrip_end): a word (with the spaces after it) goes on
    the line while its text fits; the spaces that end a line are kept up to `width`. None where
    rich would do more: a character not `_NARROW`, a word wider than `width` (folded), a
    `no_wrap` text that does not fit (cropped)."""
    if not _NARROW.issuperset(text):
        return None
    if len(text) <= width:
        return [text]
    if no_wrap:
        return None
    breaks, offset = [0], 0
    for word in _WORDS.finditer(text):
        length = len(word.group().rstrip())
        if length > width:
            return None
        if width - offset < length and offset and word.start():
            breaks.append(word.start())
            offset = 0
        offset += len(word.group())
    lines = [text[start:end] for start, end in zip(breaks, [*breaks[1:], len(text)])]
    for k, line in enumerate(lines):
        if len(line) > width:  # rich.text.Text.rstrip_end: the spaces beyond `width` go
            spaces = _TRAILING.search(line)
            lines[k] = line[:len(line) - min(len(spaces.group()) if spaces else 0, len(line) - width)]
    return lines


def _centred(text: str, width: int) -> list[str] | None:
    """`text`'s paragraphs wrapped to `width` (see `_wrapped`), each line centred and padded
    to `width` with spaces, as rich centres a Text (rich.containers.Lines.justify)."""
    lines = []
    for paragraph in text.split("\n"):
        wrapped = _wrapped(paragraph, width) if paragraph else None
        if wrapped is None:
            return None
        for line in wrapped:
            line = line.rstrip()
            lines.append(" " * ((width - len(line)) // 2) + line + " " * (width - len(line) - (width - len(line)) // 2))
    return lines


class Line:
    """A line of text under a table (rich: `Text(text)`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich__(self) -> Any:
        from rich.text import Text

        return Text(self.text)

    def text_lines(self, width: int) -> list[str] | None:
        """As rich prints it `width` columns wide (see `as_text`): the line itself when it fits."""
        return [self.text] if len(self.text) <= width and _NARROW.issuperset(self.text) else None


class Boxed:
    """Text in a rounded box as wide as its longest line, its title in the top border (rich:
    `Panel(text, title=title, expand=False)`)."""

    def __init__(self, text: str, title: str) -> None:
        self.text, self.title = text, title

    def __rich__(self) -> Any:
        from rich.panel import Panel

        return Panel(self.text, title=self.title, expand=False)

    def text_lines(self, width: int) -> list[str] | None:
        """As rich.panel.Panel prints it `width` columns wide (see `as_text`): one space of
        padding either side of the text, wrapped to what is left; the title, between spaces,
        centred in the top border. None for a title that rich would read as markup or that does
        not fit, text that `_wrapped` cannot wrap, a console narrower than 10 columns."""
        head = f" {self.title} "
        paragraphs = self.text.split("\n")
        if width < 10 or "[" in head or not _NARROW.issuperset(head) or not all(paragraphs):
            return None
        inner = min(width - 2, max(min(max(map(len, paragraphs)), width - 4) + 2, len(head) + 2))
        lines = [_wrapped(paragraph, inner - 2) for paragraph in paragraphs]
        if len(head) > inner - 2 or any(wrapped is None for wrapped in lines):
            return None
        excess = inner - 2 - len(head)
        return [f"╭─{'─' * (excess // 2)}{head}{'─' * (excess - excess // 2)}─╮",
                *(f"│ {line}{' ' * (inner - 2 - len(line))} │" for wrapped in lines if wrapped for line in wrapped),
                f"╰{'─' * inner}╯"]


class Stack:
    """Parts printed one under the other (rich: `Group(*parts)`): Fitted, Line, Boxed."""

    def __init__(self, *parts: Fitted | Line | Boxed) -> None:
        self.parts = parts

    def __rich__(self) -> Any:
        from rich.console import Group

        return Group(*self.parts)

    def text_lines(self, width: int) -> list[str] | None:
        lines: list[str] = []
        for part in self.parts:
            more = part.text_lines(width)
            if more is None:
                return None
            lines += more
        return lines


def as_text(renderable: Any, width: int) -> str | None:
    """What rich prints of `renderable` (a Stack, a Fitted table, a Boxed text or a Line) on a
    console without colours `width` columns wide (a pipe, a file: cli/console.py decides),
    laid out without importing rich: importing it costs a hospital-sized scan a tenth of its
    time. None where that layout is not certain (wide characters, a word wider than its
    column…): rich then prints it. tests/test_tables.py checks both give the same text."""
    lines = renderable.text_lines(width) if hasattr(renderable, "text_lines") else None
    return None if lines is None else "".join(line + "\n" for line in lines)


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
    return max(map(_cell_len, text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max(map(_cell_len, text.split()), default=0)


def _cell_len(text: str) -> int:
    """The columns `text` takes on a terminal, as rich measures it (rich.cells.cell_len), without
    importing rich for `_NARROW` text."""
    if _NARROW.issuperset(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)
