"""The command line: a thin shell over the Python API (bleu_assess.api).

Only typer and the standard library are imported here, so `bleu-assess --help` starts fast;
each command imports what it needs when it runs. `app` is the whole application: reading it
registers every command module's commands (`load()`); the program itself (`main`) registers
only the module of the command it runs.
"""

from __future__ import annotations

import functools
import gc
import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer

from bleu_assess import __version__
from bleu_assess.cli.console import settings
from bleu_assess.cli.params import install as _light_params
from bleu_assess.cli.usage import Root

_light_params()  # strings, paths, numbers and choices coerced without importing pydantic

F = TypeVar("F", bound=Callable[..., Any])

# Exit code of a bug (an exception that is not a BleuError): kept apart from 2, invalid input,
# so a pipeline can tell "fix your file" from "report this".
INTERNAL_ERROR = 3

# The application; each command module registers its commands on it when imported (`load`).
root = typer.Typer(
    name="bleu-assess",
    cls=Root,  # click's usage errors worded in the command's language (cli/usage.py)
    help="Tell which applications and data may move to a French cloud de confiance (SecNumCloud 3.2), "
    "what blocks each one, and in which order they can move. Offline and reproducible.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bleu-assess {__version__}")
        raise typer.Exit()


@root.callback()
def _root(
    version: bool | None = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Show the version and exit."),
    no_color: bool = typer.Option(False, "--no-color", help="No colours (also: NO_COLOR environment variable)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Only errors on standard error."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Show every diagnostic, not just the first 50."),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on internal errors."),
    catalogue: str | None = typer.Option(None, "--catalogue", metavar="PATH",
                                            help="Catalogue of offers to resolve 'ref: catalogue:...' entries with, "
                                            "instead of the shipped one (docs/catalogue.md)."),
) -> None:
    settings.no_color, settings.quiet, settings.verbose, settings.debug = no_color, quiet, verbose, debug
    settings.catalogue, settings.lang = catalogue, None


def command(name: str, parent: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Register a command (on `root`, or on a sub-command group `parent`) whose BleuErrors become
    a message and exit code 2, never a traceback; any other exception is a bug: exit code 3."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kw: Any) -> Any:
            from bleu_assess.cli import console
            from bleu_assess.cli.options import error_language
            from bleu_assess.errors import BleuError, InputError
            from bleu_assess.render.i18n import t

            try:
                return func(*args, **kw)
            except BleuError as exc:
                lang = error_language(kw)
                if isinstance(exc, InputError):
                    found = exc.diagnostics
                    if any(d.code.startswith("input.table_") for d in found):  # a table given as an inventory
                        from bleu_assess.intake.recognise import explain

                        found = explain(found)
                    console.diagnostics(found, lang)
                    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
                    console.err().print(t("cli.errors", lang, count=errors), style="bold red")
                else:
                    console.failure(exc, lang)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                console.error(t("cli.interrupted", error_language(kw)), lang=error_language(kw))
                raise typer.Exit(130) from None
            except (typer.Exit, typer.Abort, SystemExit):
                raise
            except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
                if settings.debug:
                    raise
                lang = error_language(kw)
                console.error(t("cli.internal_error", lang, error=f"{type(exc).__name__}: {exc}"), lang=lang,
                              prefixed=False)  # « erreur interne : … » says what it is
                raise typer.Exit(INTERNAL_ERROR) from None

        (parent or root).command(name, **kwargs)(wrapper)
        return func

    return decorate


# Each module registers its commands when imported (typer and stdlib imports only), in this order
# (the order of `bleu-assess --help`).
MODULES = ("inventory", "assess", "planning", "reporting", "interop", "qualify", "catalogue", "discovery")
# The module(s) registering each command, or each command of a group (`rules`, `import`...):
# tests/test_startup.py checks this against what the modules register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "validate": ("inventory",), "graph": ("inventory",), "init": ("inventory",), "schema": ("inventory",),
    "upgrade": ("inventory",), "scan": ("assess",), "explain": ("assess",), "rules": ("assess",),
    "plan": ("planning",), "report": ("reporting",), "diff": ("interop",), "export": ("interop",),
    "import": ("interop", "discovery"), "qualify": ("qualify",), "catalogue": ("catalogue",), "fit": ("catalogue",),
}
GROUPS = frozenset({"rules", "catalogue", "import", "export"})


def load(command: str | None = None) -> typer.Typer:
    """The application with the commands of the modules registering `command` (a command or a
    group's name), or of every module (None, or a name no module registers)."""
    for module in MODULES if command not in COMMANDS else [m for m in MODULES if m in COMMANDS[command]]:
        importlib.import_module(f"bleu_assess.cli.{module}")
    return root


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole application, every command registered (tests, documentation)
        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Container allocations between two collections of the youngest generation in a CLI run
# (Python's default is 700): a few megabytes at most between collections.
YOUNG_COLLECTION = 50_000

# The root options that take a value (every other root option is a flag): skipped, with their
# value, when looking for the command a command line names.
_ROOT_VALUED = ("--catalogue",)


def invoked(argv: list[str]) -> list[str]:
    """The command path a command line names: `["scan"]` for `-q scan x.yaml`, `["rules", "show"]`
    for `rules show X`; shorter (or empty) where a root or group option comes first, so that
    `--help`, `rules --help` and usage errors keep their whole command list."""
    path: list[str] = []
    words = iter(argv)
    for word in words:
        if word.startswith("-"):
            if path:  # an option of the (group) command named: its words end here
                break
            if word in _ROOT_VALUED:
                next(words, None)
            continue
        path.append(word)
        if len(path) == 2 or word not in GROUPS:
            break
    return path


@contextmanager
def only(path: list[str], version: bool = False) -> Iterator[None]:
    """`root` with just the command (or group command) `path` names registered, for as long as
    the block runs; the whole app when `path` names none (a typo, `--help`: the full list);
    none at all for `version` (a `--version` before any command and without `--help`).

    typer builds the click command of every registered command, inspecting each function's
    parameters, before it runs one; for the one command a run needs, most of that is waste."""
    kept: list[tuple[Any, list[Any], list[Any]]] = []  # (typer app, its commands, its groups)

    def keep(typer_app: typer.Typer, commands: list[Any], groups: list[Any]) -> None:
        kept.append((typer_app, typer_app.registered_commands, typer_app.registered_groups))
        typer_app.registered_commands, typer_app.registered_groups = commands, groups

    commands = [c for c in root.registered_commands if path and c.name == path[0]]
    groups = [g for g in root.registered_groups if path and g.name == path[0]]
    if version:  # `--version` answers before any command is looked at
        keep(root, [], [])
    elif not path:  # the list of commands: their names and help, none of their parameters
        keep(root, [_listed(c) for c in root.registered_commands], [_listed_group(g) for g in root.registered_groups])
    elif commands:
        keep(root, commands, [])
    elif groups:
        keep(root, [], groups)
        group = groups[0].typer_instance
        inner = [c for c in group.registered_commands if len(path) > 1 and c.name == path[1]] if group else []
        if group and inner:
            keep(group, inner, [])
    try:
        yield
    finally:
        for typer_app, registered, nested in reversed(kept):
            typer_app.registered_commands, typer_app.registered_groups = registered, nested


def _listed(info: Any) -> Any:
    """A command as the root's list shows it (its name and help), without its parameters: typer
    inspects every parameter of every command to build the root's click group, some 40 ms of
    `bleu-assess --help`, for a list that shows none of them."""
    import copy
    import inspect

    listed = copy.copy(info)
    listed.help = info.help if info.help is not None else inspect.getdoc(info.callback)
    listed.callback = _no_parameters
    return listed


def _listed_group(info: Any) -> Any:
    """A group command as the root's list shows it: its own help, its commands `_listed`."""
    import copy

    listed, group = copy.copy(info), copy.copy(info.typer_instance)
    group.registered_commands = [_listed(c) for c in group.registered_commands]
    listed.typer_instance = group
    return listed


def _no_parameters() -> None:
    """Never called: the callback of a command only listed (`_listed`)."""


def main() -> None:
    """The `bleu-assess` program: typer builds the click command of the invoked command only
    (see `only`), every command for `--help` and usage errors."""
    # What is imported by now (typer, click, the command modules) lives as long as the process:
    # in the permanent generation, the cycle collections of the run no longer traverse it.
    # And a collection every YOUNG_COLLECTION container allocations, not every 700: the run
    # allocates mostly acyclic records that reference counting frees, and the collections of
    # a hospital-sized scan (about 70, 6 % of its time) found a few hundred objects. Cyclic
    # garbage still goes, a little later; reference counting frees nothing less.
    # `python -m bleu_assess` and the program (bleu_assess/__main__.py) turn the collector off
    # during start-up: it is turned on here, once what start-up built is frozen.
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    gc.enable()
    try:
        path = invoked(sys.argv[1:])
        version = not path and "--version" in sys.argv and not {"-h", "--help"} & set(sys.argv)
        if not version:  # `--version` needs no command
            load(path[0] if path else None)
        with only(path, version):
            root(prog_name="bleu-assess")
    except KeyboardInterrupt:
        sys.exit(130)
