"""Terminal output: data to stdout, diagnostics to stderr; user data is never read as markup."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from rich.console import Console

    from bleu_assess.errors import Diagnostic

MAX_DIAGNOSTICS = 50


@dataclass(slots=True)
class Settings:
    quiet: bool = False
    verbose: bool = False
    no_color: bool = False
    debug: bool = False


settings = Settings()


def _console(stderr: bool) -> "Console":
    from rich.console import Console

    no_color = settings.no_color or "NO_COLOR" in os.environ
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False, no_color=no_color,
                   soft_wrap=True, file=sys.stderr if stderr else sys.stdout)


def out() -> "Console":
    return _console(stderr=False)


def err() -> "Console":
    return _console(stderr=True)


def info(message: str) -> None:
    if not settings.quiet:
        err().print(message)


def error(message: str, hint: str | None = None) -> None:
    console = err()
    console.print("error: " + message, style="bold red")
    if hint:
        console.print("hint: " + hint, style="yellow")


def diagnostics(items: Iterable["Diagnostic"], lang: str, limit: int | None = None) -> None:
    """Print located diagnostics, sorted, capped (all of them with -v)."""
    from bleu_assess.i18n import t

    items = list(items)
    if not items:
        return
    cap = len(items) if settings.verbose else (limit or MAX_DIAGNOSTICS)
    console = err()
    for diag in items[:cap]:
        text = diag.format()
        if diag.severity == "warning":
            where, _, message = text.rpartition(": ")
            console.print(f"{where}: warning: {message}", style="yellow")
        else:
            console.print(text, style="red")
    if len(items) > cap:
        console.print(t("cli.and_more", lang, count=len(items) - cap) + " (-v)")


def is_terminal() -> bool:
    return sys.stdout.isatty()
