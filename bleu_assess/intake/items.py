"""The state of one import: the items read per section, where each came from, the report's
notes, and the result handed to the writers (`Imported`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bleu_assess.errors import Diagnostic
from bleu_assess.intake.mapping import SECTIONS, Mapping, Table
from bleu_assess.intake.reader import Sheet, words

# Where a workbook cell's note is, until asked (`Note.where`): (sheet, field path, English words,
# catalogue key, parameters as pairs) shared by a column's notes, then the row and 0-based column.
_Cell = tuple[tuple[Sheet, str, str, str, tuple[tuple[str, Any], ...]], int | None, int | None]
# A diagnostic's (file, sheet, line, 1-based column, field, message): `Note.place`.
Place = tuple[str, str | None, int | None, int | None, str, str]


class Note:
    """One line of the import report: its section (`extra`, `translated`, `renamed`, …), where
    (a located warning carrying its code, `intake.note.CODE` or a validation code, worded in
    the reader's language by `text`), and the note's code and values (`code` is empty for a
    validation warning).

    The note of a workbook's cell said by `Run.saying` is given `cell` instead of `where`, and
    made a Diagnostic only when asked where: a 10,000-row table notes thousands of cells, its
    report words one per group (`place` tells the others apart), and a Diagnostic (a frozen
    dataclass) takes some 15,000 instructions to make, a frozen Note 8,000."""

    __slots__ = ("_cell", "_where", "code", "kind", "params")

    def __init__(self, kind: str, where: Diagnostic | None, code: str = "", params: dict[str, Any] | None = None,
                 cell: _Cell | None = None) -> None:
        self.kind, self.code, self.params = kind, code, {} if params is None else params
        self._where, self._cell = where, cell

    @property
    def where(self) -> Diagnostic:
        if self._where is None:
            assert self._cell is not None
            (sheet, path, english, key, pairs), row, column = self._cell
            self._where = sheet.locate(row, column, path, english, "warning", key, pairs)
        return self._where

    def place(self) -> Place:
        """`where`'s file, sheet, line, column (1-based), field and message, without making it."""
        if self._cell is None:
            where = self.where
            return where.file, where.sheet, where.line, where.column, where.field, where.message
        (sheet, path, english, _, _), row, column = self._cell
        return sheet.file, sheet.name, row, None if column is None else column + 1, path, english

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Note) and (self.kind, self.where, self.code, self.params) == \
            (other.kind, other.where, other.code, other.params)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass it was: equal by value, mutable

    def text(self, lang: str) -> str:
        return self.worded(lang).message

    def worded(self, lang: str) -> Diagnostic:
        """Where and what, in `lang` (a CSV column named in it)."""
        from bleu_assess.render.intake_words import diagnostic

        return diagnostic(self.where, lang)


@dataclass(slots=True)
class Imported:
    data: dict[str, Any]
    sheets: list[Sheet]
    mapping: Mapping
    notes: list[Note] = field(default_factory=list)
    pending_flows: list[tuple[str, str, Diagnostic]] = field(default_factory=list)  # from, to, where
    rows_read: int = 0


@dataclass(slots=True)
class Origin:
    """Where an item came from: its sheet, its row, and the column of each of its fields."""

    sheet: Sheet
    row: int
    positions: dict[str, int]


class Run:
    """State of one import: the items per section, where each came from, the notes."""

    def __init__(self, mapping: Mapping, sheets: list[Sheet]) -> None:
        self.result = Imported({}, sheets, mapping)
        self.items: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
        self.origins: dict[tuple[str, int], Origin] = {}
        self.problems: list[Diagnostic] = []
        self.links: list[tuple[Table, Sheet, int, list[Any], dict[str, int]]] = []
        self.said: set[tuple[str, str]] = set()
        self.written: dict[str, str] = {}  # an id made from a name -> the name as the source wrote it
        # The table being read's cells saying "not known", by (column, whether also a code of its field).
        self.unknown_cells: dict[tuple[int, bool], list[str]] = {}

    def note(self, kind: str, sheet: Sheet, row: int | None, column: int | None, field_path: str, code: str, /,
             **params: Any) -> None:
        """Add a line to the report, in section `kind`, worded by `intake.note.CODE`."""
        self.saying(kind, sheet, field_path, code, **params)(row, column)

    def saying(self, kind: str, sheet: Sheet, field_path: str, code: str, /,
               **params: Any) -> Callable[[int | None, int | None], None]:
        """`note` at any (row, column) of `sheet`, worded once: a column of codes says the same
        translation on thousands of rows (their notes share `params`, read only)."""
        key = f"intake.note.{code}"
        english, pairs = words(key, params)
        notes, locate = self.result.notes, sheet.locate
        said = (sheet, field_path, english, key, pairs)

        def say(row: int | None, column: int | None) -> None:
            notes.append(Note(kind, None, code, params, (said, row, column)))

        def say_now(row: int | None, column: int | None) -> None:
            notes.append(Note(kind, locate(row, column, field_path, english, "warning", key, pairs), code, params))

        # A CSV column is named after the header read by then (Sheet.locate): located at once.
        return say_now if sheet.is_csv else say

    def note_once(self, kind: str, sheet: Sheet, row: int | None, column: int | None, field_path: str, code: str, /,
                  **params: Any) -> None:
        """Once per wording: rows grouped into one item say a thing once."""
        key = (code, repr(sorted(params.items())))
        if key not in self.said:
            self.said.add(key)
            self.note(kind, sheet, row, column, field_path, code, **params)


def get_path(item: dict[str, Any], path: str) -> Any:
    """The value at a dotted field path (`hosting.model`), or None."""
    if "." not in path:  # most fields are top-level
        return item.get(path)
    value: Any = item
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def set_path(item: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted field path, making the mappings on the way."""
    if "." not in path:
        item[path] = value
        return
    parts = path.split(".")
    for part in parts[:-1]:
        item = item.setdefault(part, {})
    item[parts[-1]] = value
