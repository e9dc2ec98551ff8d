"""Command-line mistakes that click finds before a command runs (an unknown option or command, a
value that is not one of the choices or not a number, a missing argument, an option without its
value), worded like every other refusal: codes of templates/i18n/usage.<lang>.yaml, in the
language the command would have answered in (`language`), exit code 2.

`Root` is the class of the application's click group: every parse of the line, the commands'
and the groups' alike, happens inside its `make_context` or `invoke`, where a click UsageError
becomes a `Worded` one, which prints the words instead of click's English. Typer and the
standard library only at start-up; the words are read when a mistake is printed.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import IO, Any

from typer.core import TyperGroup

try:
    from typer._click import exceptions as click_errors  # typer >= 0.25 carries its own click
except ImportError:  # earlier typers run on click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]

_NO_SUCH_COMMAND = re.compile(r"No such command '(.*?)'")
_EXTRA = re.compile(r"unexpected extra arguments?(?:\(s\))? \((.*)\)")


class BadValue(click_errors.BadParameter):
    """A value that cannot become its parameter's type, with what the words need: the `value` as
    typed and the parameter's `kind` (choice, integer, number), its `choices` or bounds."""

    def __init__(self, message: str, value: Any, kind: str, choices: tuple[str, ...] = (),
                 low: float | None = None, high: float | None = None, ctx: Any = None, param: Any = None) -> None:
        super().__init__(message, ctx=ctx, param=param)
        self.value, self.kind, self.choices, self.low, self.high = value, kind, choices, low, high


class Worded(click_errors.UsageError):
    """A click usage error printed as a refusal of the catalogue (`code`, `params`) in `lang`."""

    exit_code = 2

    def __init__(self, original: click_errors.UsageError, code: str, params: dict[str, Any], lang: str,
                 command: str) -> None:
        super().__init__(original.message, original.ctx)
        self.code, self.params, self.lang, self.command = code, params, lang, command

    def show(self, file: IO[Any] | None = None) -> None:
        from bleu_assess.cli import console
        from bleu_assess.render.intake_words import message

        # A root option after the command: the hint is the line rewritten, not the command's help.
        if self.code == "root_option_after_command":
            hint = message("usage.root_option_after_command_hint", self.params, self.lang)
        else:
            hint = message("usage.click_hint", {"command": self.command}, self.lang)
        console.error(message(f"usage.{self.code}", self.params, self.lang), hint, lang=self.lang)


def _name(param: Any) -> str:
    """A parameter as the user writes it: its longest flag (`--format`), an argument's name (`PATH`)."""
    opts = [o for o in getattr(param, "opts", []) or [] if o.startswith("-")]
    if opts:
        return max(opts, key=len)
    return str(getattr(param, "name", "") or "").upper()


def _close(word: str, candidates: list[str]) -> str:
    return next(iter(difflib.get_close_matches(word, candidates, n=1)), "")


def _number(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


def words(error: click_errors.UsageError) -> tuple[str, dict[str, Any]]:
    """The catalogue code (under `usage.`) and parameters of a click usage error."""
    if isinstance(error, click_errors.NoSuchOption):
        return "click_no_such_option", {"option": error.option_name,
                                        "hint": sorted(error.possibilities or [""])[0]}
    if isinstance(error, click_errors.MissingParameter):
        kind = "argument" if getattr(error.param, "param_type_name", "") == "argument" else "option"
        return f"click_missing_{kind}", {"name": _name(error.param)}
    if isinstance(error, BadValue):
        option, value = _name(error.param), str(error.value)
        if error.kind == "choice":
            return "click_bad_choice", {"option": option, "value": value, "options": error.choices,
                                        "hint": _close(value.lower(), list(error.choices))}
        if error.low is not None and _is_number(value):
            if error.high is None:
                return "click_too_small", {"option": option, "value": value, "low": _number(error.low)}
            return "click_out_of_range", {"option": option, "value": value, "low": _number(error.low),
                                          "high": _number(error.high)}
        return f"click_not_{error.kind}", {"option": option, "value": value}
    if isinstance(error, click_errors.BadOptionUsage):
        code = "click_takes_no_value" if "does not take a value" in error.message else "click_needs_value"
        return code, {"option": error.option_name}
    found = _NO_SUCH_COMMAND.search(error.message)
    if found:
        group = error.ctx.command if error.ctx is not None else None
        names = sorted(group.list_commands(error.ctx)) if group is not None and hasattr(group, "list_commands") else []
        return "click_no_such_command", {"name": found.group(1), "hint": _close(found.group(1), names)}
    extra = _EXTRA.search(error.message)
    if extra:
        return "click_extra_arguments", {"words": extra.group(1), "count": len(extra.group(1).split())}
    return "click_other", {"message": error.format_message()}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def language(args: list[str]) -> str:
    """The language a command line would have been answered in (docs/cli.md, "Language"): its
    --lang, else the country of the organisation of the first inventory it names (read
    leniently, as `api.country_of`), else for the commands that write for a French organisation
    unless told otherwise (imports, `init`, `export template`) the format's default country,
    else the default (BLEU_ASSESS_LANG, the locale)."""
    from bleu_assess.cli import invoked
    from bleu_assess.render.i18n import LANGUAGES, default_language

    for index, word in enumerate(args):
        value = args[index + 1] if word == "--lang" and index + 1 < len(args) else \
            word.partition("=")[2] if word.startswith("--lang=") else None
        if value in LANGUAGES:
            return str(value)
    for word in args:
        if not word.startswith("-") and _exists(word):
            from bleu_assess import api

            country = api.country_of(word)
            if country:
                return default_language(country)
    path = invoked(args)
    if path[:1] in (["import"], ["init"]) or path == ["export", "template"]:
        from bleu_assess.api import DEFAULT_COUNTRY

        return default_language(DEFAULT_COUNTRY)
    return default_language()


def _exists(word: str) -> bool:
    try:
        return Path(word).exists()
    except (OSError, ValueError):  # a name too long, a NUL byte: no inventory
        return False


class Root(TyperGroup):
    """The application's group: click's usage errors, wherever on the line, are worded (`Worded`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._args: list[str] = []  # the line being parsed (make_context), for `language`

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        self._args = list(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click_errors.UsageError as error:  # in the root's own options: its help
            raise self._worded(error, root=True) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as error:
            raise self._worded(error, root=False) from None

    def _options(self) -> set[str]:
        """The root's own options (`-q`, `--debug`…), which go before the command."""
        return {o for param in self.params for o in param.opts if o.startswith("-")}

    def _worded(self, error: click_errors.UsageError, root: bool) -> click_errors.UsageError:
        if isinstance(error, (Worded, click_errors.NoArgsIsHelpError)):
            return error
        from bleu_assess.cli import invoked

        code, params = words(error)
        if error.ctx is not None and error.ctx.command is not self:
            command = error.ctx.command_path
        else:  # the parser's own errors carry no context: the command the line names, if any
            path = [] if root else invoked(self._args)
            command = " ".join(["bleu-assess", *(path if path and path[0] in self.commands else [])])
        if code == "click_no_such_option" and params["option"] in self._options() and command != "bleu-assess":
            # `scan x.yaml -q`: a root option after the command, said to go before it.
            program, _, rest = command.partition(" ")
            code, params = "root_option_after_command", {"option": params["option"], "program": program, "rest": rest}
        return Worded(error, code, params, language(self._args), command)
