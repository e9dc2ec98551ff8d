"""Terminal output: data to stdout, diagnostics to stderr; user data is never read as markup."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from bleu_assess.api import Assessed
    from bleu_assess.cli.options import Lang
    from bleu_assess.errors import BleuError, Diagnostic

MAX_DIAGNOSTICS = 50


@dataclass(slots=True)
class Settings:
    quiet: bool = False
    verbose: bool = False
    no_color: bool = False
    debug: bool = False
    catalogue: str | None = None  # --catalogue: a newer catalogue directory than the shipped one
    lang: str | None = None  # the command's language, once known (cli/options.py: language)
    kept: tuple[Any, ...] = ()  # see keep


settings = Settings()


def keep(*objects: Any) -> None:
    """Keep what a command built (an estate's records, its results, its plan) alive until the
    process ends: bleu_assess/__main__.py ends it with os._exit, which frees everything at once.
    Freed when the command returns, millions of records would go one by one: 0.08 s of a scan of
    10,000 applications, most of a second at 100,000. What was kept before is let go: one
    command's objects at most, under a test runner too."""
    settings.kept = objects


def _console(stderr: bool) -> Console:
    from rich.console import Console

    no_color = settings.no_color or "NO_COLOR" in os.environ
    # Messages on stderr are not wrapped (a long path stays whole, to copy); tables and panels
    # on stdout are laid out to the terminal's width (soft wrapping would crop their contents).
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False, no_color=no_color,
                   soft_wrap=stderr, file=sys.stderr if stderr else sys.stdout)


# Width of a table written to a file: wide enough for every column, narrow enough to read.
FILE_WIDTH = 160


def show_table(make: Callable[[int], RenderableType | str], output: str | None, inputs: list[str]) -> None:
    """A table on the terminal, laid out to its width, or as plain text to `output` (atomically).
    `make` may return text already laid out (a large table): it is written as it is. Where rich
    would show no colours, the table is laid out without it when that is certain (as_text)."""
    from bleu_assess.render.tables import as_text

    if not output:
        width = plain_width()
        if width is not None:  # no colours: rich's layout made without importing rich, where it is certain
            table = make(width)
            text = table if isinstance(table, str) else as_text(table, width)
            if text is not None:
                sys.stdout.write(text)
                sys.stdout.flush()  # as rich does after each print: in order with standard error
                return
        terminal = out()
        table = make(terminal.size.width) if width is None else table
        if isinstance(table, str):
            terminal.file.write(table)
        else:
            terminal.print(table)
        return
    from bleu_assess.output import emit

    table = make(FILE_WIDTH)
    text = table if isinstance(table, str) else as_text(table, FILE_WIDTH) if _colourless(False) else None
    if text is not None:
        emit(text, output, inputs)
        return
    import io

    from rich.console import Console

    capture = Console(width=FILE_WIDTH, no_color=True, markup=False, highlight=False, emoji=False, file=io.StringIO())
    capture.print(table)
    emit(capture.file.getvalue(), output, inputs)  # type: ignore[attr-defined]


def plain_width() -> int | None:
    """The width of standard output where a rich Console on it (`out()`) shows no colours and
    draws its boxes in Unicode, as that Console measures it (rich.console.Console.size: COLUMNS,
    else the first standard stream that is a terminal, else 80); None where rich must decide
    (a terminal, colours forced by FORCE_COLOR or TTY_COMPATIBLE, Jupyter, Windows, a dumb
    terminal, an encoding other than UTF-8, fewer than 10 columns)."""
    environ = os.environ
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    if sys.stdout is None or not _colourless(is_terminal()) or not encoding.startswith("utf") \
            or environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    else:
        width = 0
        for stream in (0, 1, 2):
            try:
                width = os.get_terminal_size(stream).columns
                break
            except (AttributeError, ValueError, OSError):
                continue
        width = width or 80
    return width if width >= 10 else None


def _colourless(terminal: bool) -> bool:
    """Whether a rich Console on a stream (a terminal or not) would have no colour system
    (rich.console.Console.is_terminal, _detect_color_system): not a terminal, colours not
    forced (FORCE_COLOR, TTY_COMPATIBLE), not Jupyter, not Windows (its own consoles)."""
    import builtins

    environ = os.environ
    return not (terminal or sys.platform == "win32" or "FORCE_COLOR" in environ or "TTY_COMPATIBLE" in environ
                or hasattr(builtins, "get_ipython"))


def out() -> Console:
    return _console(stderr=False)


def err() -> Console:
    return _console(stderr=True)


def info(message: str) -> None:
    if not settings.quiet:
        err().print(message)


def notes(lines: Iterable[str], style: str | None = None) -> None:
    """Notes on stderr, line by line (an import's report, what a renderer left out): not with
    -q, which shows errors only."""
    if not settings.quiet:
        for line in lines:
            err().print(line, style=style)


def error(message: str, hint: str | None = None, lang: str | None = None, prefixed: bool = True) -> None:
    """An error and its hint on stderr, after « erreur : » / "error:" in `lang` (default: the
    command's language once known, else English) unless the message says what it is."""
    from bleu_assess.errors import visible

    lang = lang or settings.lang or "en"
    console = err()
    # A message of several lines (one per problem) keeps its lines; within each, what would act
    # on the terminal is shown, not obeyed.
    shown = "\n".join(visible(line) for line in message.split("\n"))
    console.print((prefix("cli.error_prefix", lang) if prefixed else "") + shown, style="bold red")
    if hint:
        console.print(prefix("cli.hint_prefix", lang) + visible(hint), style="yellow")


def prefix(key: str, lang: str) -> str:
    """« erreur : », "error: " (what a line on stderr says it is), in `lang`'s typography."""
    from bleu_assess.render.i18n import t
    from bleu_assess.render.l10n import typography

    return typography(t(key, lang), lang)


def failure(exc: BleuError, lang: str) -> None:
    """A BleuError that is not about located input: its message and hint in `lang` (worded
    from its code when it has one)."""
    from bleu_assess.render.intake_words import failure as worded

    error(*worded(exc, lang), lang=lang)


def diagnostics(items: Iterable[Diagnostic], lang: str, limit: int | None = None) -> None:
    """Print located diagnostics, sorted, capped (all of them with -v), worded in `lang`."""
    from bleu_assess.errors import visible
    from bleu_assess.render.i18n import t
    from bleu_assess.render.intake_words import diagnostic

    items = [d for d in items if d.severity == "error" or not settings.quiet]
    if not items:
        return
    cap = len(items) if settings.verbose else (limit or MAX_DIAGNOSTICS)
    console = err()
    for diag in items[:cap]:
        worded = diagnostic(diag, lang)
        text = worded.format()
        if diag.severity == "warning":
            said = visible(worded.message)  # the end of `text`, after its location
            console.print(text[: len(text) - len(said)] + prefix("cli.warning_prefix", lang) + said, style="yellow")
        else:
            console.print(text, style="red")
    if len(items) > cap:
        console.print(f'{t("cli.and_more", lang, count=len(items) - cap)} {t("cli.and_more_hint", lang)}')


def is_terminal() -> bool:
    return sys.stdout.isatty()


# Inputs above this size take about a second or more: show progress for them.
PROGRESS_MIN_BYTES = 1_000_000

Step = Callable[[str, int], None]


def progress_wanted(path: str, machine_output: bool) -> bool:
    """A progress bar only on a terminal, for large inputs, never with machine-readable output."""
    if machine_output or settings.quiet or not sys.stderr.isatty():
        return False
    try:
        if os.path.isdir(path):
            return sum(e.stat().st_size for e in os.scandir(path) if e.is_file()) >= PROGRESS_MIN_BYTES
        return os.path.getsize(path) >= PROGRESS_MIN_BYTES
    except OSError:
        return False


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """`stage(label, total)` starts a stage and returns `advance(n)`; all no-ops when disabled."""
    if not enabled:
        yield lambda label, total: (lambda n: None)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err(), transient=True) as bar:

        def stage(label: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(label, total=total or 1)
            return lambda n: bar.advance(task, n)

        yield stage


def load_and_assess(path: str, lang: Lang | None, ruleset: list[str] | None = None, rules_dir: str | None = None,
                    only: list[str] | None = None, as_of: str | None = None,
                    machine_output: bool = False) -> Assessed:
    """bleu_assess.api.load_and_assess for a command: with --catalogue, a progress bar on a
    terminal for large inventories, then validation warnings on stderr in the command's language
    (which it remembers, cli/options.py: language); with -q, none looked for."""
    from bleu_assess import api
    from bleu_assess.cli.options import language
    from bleu_assess.render.i18n import t

    shown = progress_wanted(path, machine_output)
    with progress(shown) as stage:  # labels worded only for a bar shown (wording loads a language)
        done = api.load_and_assess(path, lang.value if lang else None, ruleset, rules_dir, only, settings.catalogue,
                                   as_of, stage, (lambda code, tongue: t(f"cli.progress_{code}", tongue)) if shown else None,
                                   warnings=not settings.quiet)  # -q shows none: none looked for
    language(lang, done.ig.inventory.organisation.country)
    diagnostics(done.warnings, done.result.lang, limit=10)
    not_in_force(done.result.rulesets, done.result.lang)
    keep(done)
    return done


def not_in_force(rulesets: Iterable[Any], lang: str) -> None:
    """A warning on stderr for each ruleset applied that is not in force (draft, deprecated,
    superseded): its verdicts are not those of the rules in force. None with -q."""
    if settings.quiet:
        return
    from bleu_assess.render.l10n import typography
    from bleu_assess.render.words import ruleset_warning

    for ruleset in rulesets:
        said = ruleset_warning(ruleset, lang)
        if said:
            err().print(prefix("cli.warning_prefix", lang) + typography(said, lang), style="yellow", markup=False,
                        highlight=False)

