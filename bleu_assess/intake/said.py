"""What an importer says, as codes: its problems (located diagnostics) and usage errors carry a
key of templates/i18n/intake.<lang>.yaml (`intake.error.<code>`) and its parameters, worded in
the command's language when printed (render/intake_words.py). Their `message` holds the English
words meanwhile (for the Python API and logs)."""

from __future__ import annotations

from typing import Any, Literal

from bleu_assess.errors import Diagnostic, InputError, UsageError
from bleu_assess.render.intake_words import message

ERRORS = "intake.error."


def problem(file: str, line: int | None, column: int | None, path: str, code: str, /,
            severity: Literal["error", "warning"] = "error", sheet: str | None = None, **params: Any) -> Diagnostic:
    """A located problem worded by `intake.error.<code>` with `params` (1-based `column`)."""
    key = ERRORS + code
    return Diagnostic(file, line, column, path, message(key, params, "en"), severity, sheet, key, tuple(params.items()))


def refused(file: str, code: str, /, **params: Any) -> InputError:
    """The error for a whole file refused (`intake.error.<code>`): named alone, no line or cell
    made up (a refusal about a table's header row is located at that row: Sheet.problem)."""
    located = problem(file, None, None, "", code, **params)
    return InputError(located.message, [located])


def usage(code: str, /, hint: bool = False, **params: Any) -> UsageError:
    """A usage error worded by `intake.error.<code>` (and `<code>_hint` when `hint`)."""
    key = ERRORS + code
    return UsageError(message(key, params, "en"), message(f"{key}_hint", params, "en") if hint else None,
                      code=key, params=params)


class CellError(ValueError):
    """A cell that cannot mean any allowed value: `intake.error.<code>` with `params`; its
    text is the English words."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = ERRORS + code
        self.params = params
        super().__init__(message(self.code, params, "en"))
