"""One exception hierarchy; only the CLI turns these into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal


class ExitCode(IntEnum):
    OK = 0
    THRESHOLD = 1  # --fail-on reached
    INVALID = 2  # invalid input or usage


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located problem in an input file: `FILE:LINE:COL: field.path: message`."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line or 0, self.column or 0, self.path, self.message)

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class BleuError(Exception):
    """Base of every error the tool reports to the user (never with a traceback)."""

    exit_code: int = ExitCode.INVALID

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(BleuError):
    """Invalid input file(s): carries every diagnostic found, not just the first."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)


class InventoryError(InputError):
    pass


class RulesetError(InputError):
    pass


class TemplateError(BleuError):
    pass


class UsageError(BleuError):
    pass
