"""One exception hierarchy; only the CLI turns these into messages and exit codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal

# Characters that would act on a terminal or reorder the text around them instead of being seen:
# control characters (ESC, CSI...), bidirectional overrides and isolates, zero-width characters.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible(text: str) -> str:
    """`text` with every invisible or terminal-controlling character shown as `<U+202E>`:
    messages quote user data, which must neither rewrite the terminal nor hide itself."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


class ExitCode(IntEnum):
    OK = 0
    THRESHOLD = 1  # --fail-on reached
    INVALID = 2  # invalid input or usage


def column_letters(number: int) -> str:
    """Spreadsheet column name of a 1-based column number: 1 -> A, 27 -> AA (ECMA-376 §18.17.2.1)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def format_path(path: tuple[Any, ...]) -> str:
    """('applications', 3, 'hosting') -> 'applications[3].hosting'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located problem in an input file: `FILE:LINE:COL: field.path: message`.

    Tables are located by `sheet`: a workbook sheet's name gives `FILE: SHEET!B3: field: message`
    (line = row, column = column number), the empty string a CSV file's `FILE:LINE: field: message`.
    Sorted in reading order: row by row, then column by column (A1, B1, …, AA1, then A2).
    `path` is the field path as a tuple (`("applications", 3, "hosting")`), formatted only when
    printed (`field`); a text path is kept as it is (table columns, mapping keys)."""

    file: str
    line: int | None
    column: int | None
    path: tuple[Any, ...] | str
    message: str
    severity: Literal["error", "warning"] = "error"
    sheet: str | None = None
    # The decision behind `message` when it is a code of the validation catalogue
    # (`validate.unknown_field`) and its parameters: render/words.py words it in any language.
    code: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def field(self) -> str:
        """The field path as printed: `applications[3].hosting`."""
        return self.path if isinstance(self.path, str) else format_path(self.path)

    def sort_key(self) -> tuple[str, str, int, int, str, str]:
        return (self.file, self.sheet or "", self.line or 0, self.column or 0, self.field, self.message)

    def format(self) -> str:
        where = self.file
        if self.sheet:
            cell = f"{column_letters(self.column)}{self.line or ''}" if self.column else \
                (f"{self.line}:{self.line}" if self.line else "")  # a whole row, as Excel writes it
            where += f": {self.sheet}!{cell}" if cell else f": {self.sheet}"
        elif self.sheet == "" and self.line is not None:
            where += f":{self.line}"
        elif self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.field}: {self.message}" if self.path else f"{where}: {self.message}"
        return visible(text)


class BleuError(Exception):
    """Base of every error the tool reports to the user (never with a traceback).

    `message` and `hint` are in words; an error raised as a decision carries its `code` (a
    catalogue key, its hint under `<code>_hint`) and `params` too, and is worded in the reader's
    language when printed (render/intake_words.py: failure); `message` is then its English words."""

    exit_code: int = ExitCode.INVALID

    def __init__(self, message: str, hint: str | None = None, *, code: str = "",
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.params = dict(params or {})


class InputError(BleuError):
    """Invalid input file(s): carries every diagnostic found, not just the first."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)


class InventoryError(InputError):
    """An invalid inventory. `country`: its organisation's country when the files declare one
    (ISO 3166-1 alpha-2), so that errors are worded in the organisation's language."""

    def __init__(self, message: str, diagnostics: list[Diagnostic], country: str | None = None) -> None:
        super().__init__(message, diagnostics)
        self.country = country


class RulesetError(InputError):
    pass


class TemplateError(BleuError):
    pass


class UsageError(BleuError):
    pass


def option_error(code: str, /, with_hint: bool = True, **params: Any) -> UsageError:
    """A malformed option value: `usage.<code>` of templates/i18n/usage.<lang>.yaml with
    `params`, and its hint `usage.<code>_hint` (`with_hint`), worded in the command's language
    when printed (its `message` is the English words, for the Python API and logs)."""
    from bleu_assess.inputs import english

    hint = english(f"{code}_hint", params, "usage") if with_hint else None
    return UsageError(english(code, params, "usage"), hint, code=f"usage.{code}", params=params)


def template_error(code: str, /, **params: Any) -> TemplateError:
    """A template or branding file that cannot be used: `usage.<code>` of
    templates/i18n/usage.<lang>.yaml with `params` (`where`: its file and line), worded in the
    command's language when printed (its `message` is the English words)."""
    from bleu_assess.inputs import english

    return TemplateError(english(code, params, "usage"), code=f"usage.{code}", params=params)
