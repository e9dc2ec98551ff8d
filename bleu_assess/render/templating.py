"""Jinja rendering shared by plans and reports.

Templates are looked up in the user's `--template-dir` first, then in the shipped `templates/`;
a user template can extend a shipped one as `{% extends "builtin:report/report.html.j2" %}`.
Autoescape is on for HTML; undefined variables are errors; user templates always run in Jinja's
sandbox (no access to Python internals, no file access), and so do the shipped templates they
extend or include; the shipped templates alone (no --template-dir) run outside it.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bleu_assess import cache as compiled_cache
from bleu_assess.errors import template_error
from bleu_assess.render.i18n import t
from bleu_assess.render.markdown import md_code, md_escape, md_text
from bleu_assess.resources import templates_dir

# A user template may compute, but not exhaust the machine: `'a' * 10**10` or `9 ** 10**7` are
# refused before they allocate (the sandbox already caps range() at 100,000 items).
MAX_SEQUENCE = 10_000_000
MAX_POWER_BITS = 100_000


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_SEQUENCE:
                    raise jinja2.exceptions.SecurityError(f"repeating a sequence to more than {MAX_SEQUENCE:,} items")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS:
                raise jinja2.exceptions.SecurityError("power too large")
        return super().call_binop(context, operator, left, right)


class _Loader(jinja2.FileSystemLoader):
    """The user's templates: remembers every file it reads (no output may be written over one)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        """Read through the hardened reader (bleu_assess/inputs.py): size limit, UTF-8 or a
        located refusal, no NUL. Only below the folder (`..` is refused by Jinja's splitter)."""
        from pathlib import Path

        from bleu_assess.inputs import read_text
        from bleu_assess.output import register_input

        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.normpath(os.path.join(folder, *pieces))
            if os.path.isfile(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        register_input(filename)
        source = read_text(Path(filename), filename)[0]
        mtime = os.path.getmtime(filename)
        return source, filename, lambda: os.path.isfile(filename) and os.path.getmtime(filename) == mtime


def environment(template_dir: str | os.PathLike[str] | None, lang: str,
                extra_filters: Mapping[str, Callable[..., Any]] | None = None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(templates_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not os.path.isdir(template_dir):
            raise template_error("template_dir_missing", path=os.fspath(template_dir))
        loaders.append(_Loader(str(template_dir)))
    loaders.extend([jinja2.PrefixLoader({"builtin": builtin}, delimiter=":"), builtin])
    # The sandbox protects against a hostile --template-dir. The shipped templates alone are
    # ours: rendered outside it, where its checks on every attribute and call cost a hospital
    # report about 1 % of its time, compiled into their own bytecode folder (Jinja compiles
    # calls and operators differently in a sandbox).
    trusted = template_dir is None
    env = (jinja2.Environment if trusted else _Sandbox)(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "svg"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled_cache.templates("shipped" if trusted else ""),  # compiled once, not on every run
    )
    env.filters.update(md=md_escape, md_code=md_code, md_text=md_text)
    env.filters.update(extra_filters or {})
    env.globals.pop("lipsum", None)  # generates text of any size on demand: nothing a report needs
    env.globals["t"] = lambda key, **values: t(key, lang, **values)
    env.globals["lang"] = lang
    return env


def render(template_name: str, context: Mapping[str, Any], template_dir: str | os.PathLike[str] | None,
           lang: str, extra_filters: Mapping[str, Callable[..., Any]] | None = None) -> str:
    """Render a template; template problems become TemplateError (exit 2), never a traceback."""
    env = environment(template_dir, lang, extra_filters)
    with _template_errors(template_name, template_dir):
        return env.get_template(template_name).render(**context)


# Chunks of about this many characters: a large report is written as it is generated, never
# held whole as one string (100,000 applications make hundreds of megabytes of HTML).
STREAM_CHUNK = 1 << 18
STREAM_BATCH = 512


def stream(template_name: str, context: Mapping[str, Any], template_dir: str | os.PathLike[str] | None,
           lang: str, extra_filters: Mapping[str, Callable[..., Any]] | None = None) -> Iterator[str]:
    """`render`'s text as chunks of about STREAM_CHUNK characters, generated as they are read
    (jinja2's Template.generate); the same TemplateError, raised while iterating."""
    env = environment(template_dir, lang, extra_filters)
    with _template_errors(template_name, template_dir):
        parts: list[str] = []
        size = 0
        generated = env.get_template(template_name).generate(**context)
        # Jinja yields thousands of small strings: taken STREAM_BATCH at a time (islice, join),
        # not one by one in this loop.
        while batch := list(islice(generated, STREAM_BATCH)):
            part = "".join(batch)
            parts.append(part)
            size += len(part)
            if size >= STREAM_CHUNK:
                yield "".join(parts)
                parts, size = [], 0
        if parts:
            yield "".join(parts)


@contextlib.contextmanager
def _template_errors(template_name: str, template_dir: str | os.PathLike[str] | None) -> Iterator[None]:
    """Template problems as TemplateError (exit 2); a shipped template failing is a bug."""
    try:
        yield
    except jinja2.TemplateNotFound as exc:
        raise template_error("template_not_found", where=_where(exc, template_name), name=exc.name) from None
    except jinja2.TemplateSyntaxError as exc:
        raise template_error("template_syntax", where=f"{exc.filename or exc.name}:{exc.lineno}",
                             detail=exc.message or "") from None
    except jinja2.exceptions.SecurityError as exc:
        raise template_error("template_sandbox", where=_where(exc, template_name), detail=str(exc)) from None
    except jinja2.UndefinedError as exc:
        raise template_error("template_undefined", where=_where(exc, template_name), detail=exc.message or "") from None
    except jinja2.TemplateError as exc:
        raise template_error("template_error", where=_where(exc, template_name), detail=str(exc)) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError, MemoryError) as exc:
        if template_dir is None:
            raise  # a shipped template failing is a bug: reported as one
        # A user template that fails while running: its own fault, said as such, located.
        if isinstance(exc, RecursionError):
            raise template_error("template_recursion", where=_where(exc, template_name)) from None
        raise template_error("template_failed", where=_where(exc, template_name),
                             detail=f"{type(exc).__name__}: {exc}") from None


def _where(exc: BaseException, template_name: str) -> str:
    """`file:line` of the innermost template frame of an error raised while rendering."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and frame.filename.endswith((".j2", ".jinja", ".html", ".md")):
            return f"{frame.filename}:{frame.lineno}"
    return template_name
