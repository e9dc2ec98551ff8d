"""Jinja rendering shared by plans and reports.

Templates are looked up in the user's `--template-dir` first, then in the shipped `templates/`;
a user template can extend a shipped one as `{% extends "builtin:report/report.html.j2" %}`.
Autoescape is on for HTML; undefined variables are errors; user templates always run in Jinja's
sandbox (no access to Python internals, no file access).
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Mapping

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bleu_assess.errors import TemplateError
from bleu_assess.i18n import t
from bleu_assess.resources import templates_dir

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")
_MD_LINE_START = re.compile(r"^([#+\-=>!])")
_MD_ORDERED = re.compile(r"^(\d+)\.")


def md_escape(value: Any) -> str:
    """Text for a Markdown table cell or line: markup characters escaped, no line breaks."""
    text = "" if value is None else str(value)
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")
    # Characters that only mean something at the start of a line (headings, lists, quotes).
    return _MD_ORDERED.sub(r"\1\\.", _MD_LINE_START.sub(r"\\\1", text))


def md_code(value: Any) -> str:
    """Text as inline code, safe whatever backticks it holds."""
    text = ("" if value is None else str(value)).replace("\n", " ")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def environment(template_dir: str | os.PathLike[str] | None, lang: str,
                extra_filters: Mapping[str, Callable[..., Any]] | None = None) -> jinja2.Environment:
    builtin = jinja2.FileSystemLoader(str(templates_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not os.path.isdir(template_dir):
            raise TemplateError(f"template directory {template_dir} does not exist")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.extend([jinja2.PrefixLoader({"builtin": builtin}, delimiter=":"), builtin])
    # The sandbox costs little and protects against a hostile --template-dir.
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "svg"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md_escape, md_code=md_code)
    env.filters.update(extra_filters or {})
    env.globals["t"] = lambda key, **values: t(key, lang, **values)
    env.globals["lang"] = lang
    return env


def render(template_name: str, context: Mapping[str, Any], template_dir: str | os.PathLike[str] | None,
           lang: str, extra_filters: Mapping[str, Callable[..., Any]] | None = None) -> str:
    """Render a template; template problems become TemplateError (exit 2), never a traceback."""
    env = environment(template_dir, lang, extra_filters)
    try:
        return env.get_template(template_name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"template refused by the sandbox: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"template error in {template_name}: {exc.message}") from None
