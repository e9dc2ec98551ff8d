"""The public spec walker: checks parsed YAML data against a format description (schema.Spec)
and collects every problem with its field path, then locates them (line, column) in the file.

Shared by inventory validation (inventory/validate.py) and ruleset loading (rules/load.py).
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from typing import Any

from bleu_assess import locales
from bleu_assess.errors import Diagnostic, UsageError, format_path, option_error
from bleu_assess.inventory import model, yamlio
from bleu_assess.inventory.labels import code_for_word, country_codes
from bleu_assess.inventory.schema import COUNTRY_PATTERN, DATE_PATTERN, ID_PATTERN, MAX_EFFORT_DAYS, Spec
from bleu_assess.resources import templates_dir

_ID = re.compile(ID_PATTERN)
_COUNTRY = re.compile(COUNTRY_PATTERN)
_DATE = re.compile(DATE_PATTERN)
# Beyond this size, warnings are reported by field path only: locating them would cost a
# second full parse of a file that is valid.
_LOCATE_WARNINGS_MAX_CHARS = 5_000_000
# Control characters that act on a terminal are refused in every string: ESC and C1 (escape
# sequences, CSI), BEL, backspace, vertical tab, form feed, shift out/in (character sets), DEL.
# The other C0 characters are inert there; every writer escapes them. Line breaks are refused
# in one-line fields.
_CONTROL = re.compile(r"[\x00\x07\x08\x0b\x0c\x0e\x0f\x1b\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\r\n\x85\u2028\u2029]")
# Fields whose text may span lines: every other string is one line (names, owners, protocols).
MULTILINE_FIELDS = frozenset({"description", "blockers", "uncertain", "fr", "en", "when"})
# Free-form data (tags, extra) nested deeper than this is refused: every writer must be able to
# walk it without running out of stack.
MAX_FREE_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed input file."""

    file: str  # as displayed in messages
    text: str
    data: Any


@dataclass(slots=True)
class Issue:
    """One problem found: in document `doc`, at field `path`; a `code` of the validation
    catalogue (templates/i18n/validate.<lang>.yaml) with its `params`, or a `message` in words."""

    doc: int
    path: tuple[Any, ...]
    message: str
    at_key: bool = False
    severity: str = "error"
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Collector:
    docs: list[Document]
    issues: list[Issue] = field(default_factory=list)
    refs: list[tuple[str, str, int, tuple[Any, ...]]] = field(default_factory=list)
    defined: dict[str, dict[str, tuple[int, tuple[Any, ...]]]] = field(default_factory=dict)

    def error(self, doc: int, path: tuple[Any, ...], message: str, at_key: bool = False) -> None:
        self.issues.append(Issue(doc, path, message, at_key))

    def warn(self, doc: int, path: tuple[Any, ...], message: str) -> None:
        self.issues.append(Issue(doc, path, message, severity="warning"))

    def report(self, doc: int, path: tuple[Any, ...], code: str, at_key: bool = False, severity: str = "error",
               **params: Any) -> None:
        """A problem as a code (`validate.<code>`) and its parameters, worded when printed."""
        self.issues.append(Issue(doc, path, "", at_key, severity, f"validate.{code}", params))


# Parameters of validation codes that are themselves worded: kinds of value (`expected`, `got`:
# `validate.kind.<kind>`), kinds of entry (`entry`: `validate.entry.<kind>`) and a suggestion
# (`hint`: a name, or empty for none).
WORDED_PARAMS = {"expected": "kind", "got": "kind", "entry": "entry"}


@cache
def _english() -> dict[str, Any]:
    """The English catalogue of validation messages, parsed once per content (compiled cache:
    importing PyYAML and parsing it cost more than validating 10,000 applications' warnings)."""
    from bleu_assess import cache as compiled_cache

    raw = (templates_dir() / "i18n" / "validate.en.yaml").read_bytes()

    def parse() -> dict[str, Any]:
        import yaml

        return yaml.safe_load(raw.decode("utf-8"))

    return compiled_cache.cached("validate-en", (raw,), parse)


def english(code: str, params: Mapping[str, Any]) -> str:
    """The English words of a validation code (templates/i18n/validate.en.yaml): the message a
    diagnostic carries until render/words.py words it in the reader's language."""
    words = _english()
    values = {k: ", ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in params.items()}
    for key, table in WORDED_PARAMS.items():
        if key in values:
            values[key] = words[table].get(values[key], values[key])
    if "hint" in values:
        values["hint"] = words["did_you_mean"].format(name=values["hint"]) if values["hint"] else ""
    return words[code.removeprefix("validate.")].format(**values)


def closest(word: str, choices: Iterable[str]) -> str:
    """The choice closest to `word` (a likely typo), or ''."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else ""


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' in English (messages still in words: rulesets), or ''. A
    message in the reader's language uses render.i18n.did_you_mean."""
    match = closest(word, choices)
    return _english()["did_you_mean"].format(name=match) if match else ""


def kind_name(value: Any) -> str:
    """The kind of a parsed YAML value: a key of `validate.kind`, else its Python type's name."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _number(value: float) -> str:
    """A number for a message, whatever its size (an int of 400 digits has no float form)."""
    if isinstance(value, int) and abs(value) >= 10**15:
        digits = len(str(abs(value)))
        return f"a {'negative ' if value < 0 else ''}number of {digits} digits"
    return f"{value:g}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Walker:
    """Checks one document's data against the format description."""

    def __init__(self, collector: Collector, doc: int) -> None:
        self.c = collector
        self.doc = doc

    def walk(self, value: Any, spec: Spec, path: tuple[Any, ...]) -> None:
        if value is None:
            if not spec.nullable and spec.type != "free":
                self.fail(path, "required", expected=spec.type)
            return
        kind = spec.type
        if kind == "object":
            self.walk_object(value, spec, path)
        elif kind == "list":
            if not isinstance(value, list):
                self.fail(path, "expected", expected="list", got=kind_name(value))
                return
            if spec.non_empty and not value:
                self.fail(path, "not_empty")
            item = spec.item
            if item is not None:
                for index, element in enumerate(value):
                    self.walk(element, item, (*path, index))
        elif kind == "free":
            self.check_free(value, path)
        else:
            self.walk_scalar(value, spec, path)

    def walk_object(self, value: Any, spec: Spec, path: tuple[Any, ...]) -> None:
        if spec.shorthand and isinstance(value, str):
            self.walk_scalar(value, spec.fields["id"], path)
            return
        if not isinstance(value, dict):
            self.fail(path, "expected", expected="object", got=kind_name(value))
            return
        fields = spec.fields
        for key, child in value.items():
            child_spec = fields.get(key) if isinstance(key, str) else None
            if child_spec is None:
                self.c.report(self.doc, (*path, str(key)), "unknown_field", True, field=str(key),
                              hint=closest(str(key), fields))
            else:
                self.walk(child, child_spec, (*path, key))
        for name, child_spec in fields.items():
            if child_spec.required and name not in value:
                self.fail(path, "missing_field", field=name)

    def check_free(self, value: Any, path: tuple[Any, ...]) -> None:
        """Free-form data is not checked against a format, but it stays printable and shallow."""
        stack: list[tuple[Any, tuple[Any, ...]]] = [(value, path)]
        while stack:
            item, where = stack.pop()
            if isinstance(item, str):
                self.check_text(item, where, multiline=True)
            elif isinstance(item, (dict, list)):
                if len(where) - len(path) >= MAX_FREE_DEPTH:
                    self.fail(where, "too_deep", depth=MAX_FREE_DEPTH)
                    return
                pairs = item.items() if isinstance(item, dict) else enumerate(item)
                for key, child in pairs:
                    if isinstance(key, str):
                        self.check_text(key, (*where, key), multiline=False)
                    stack.append((child, (*where, key if isinstance(key, (str, int)) else str(key))))

    def check_text(self, value: str, path: tuple[Any, ...], multiline: bool) -> bool:
        bad = _CONTROL.search(value) or (None if multiline else _LINE_BREAK.search(value))
        if bad is None:
            return True
        char = bad.group()
        if _LINE_BREAK.match(char):
            self.fail(path, "line_break")
        else:
            self.fail(path, "control_character", character=f"U+{ord(char):04X}")
        return False

    def walk_scalar(self, value: Any, spec: Spec, path: tuple[Any, ...]) -> None:
        kind = spec.type
        if kind in ("string", "id", "country", "date"):
            if not isinstance(value, str):
                quote = _is_number(value) or isinstance(value, bool)
                self.fail(path, "expected_quoted" if quote else "expected", expected=kind, got=kind_name(value))
                return
            multiline = any(isinstance(p, str) and p in MULTILINE_FIELDS for p in path[-2:])
            if not self.check_text(value, path, multiline):
                return
            if kind == "id":
                if not _ID.match(value):
                    self.fail(path, "invalid_id", value=value)
                    return
                if spec.ref:
                    self.c.refs.append((spec.ref, value, self.doc, path))
                if spec.defines:
                    first = self.c.defined.setdefault(spec.defines, {}).setdefault(value, (self.doc, path))
                    if first != (self.doc, path):
                        where = format_path(first[1][:-1])
                        if first[0] != self.doc:
                            self.fail(path, "duplicate_id_in", entry=spec.defines, value=value, where=where,
                                      file=self.c.docs[first[0]].file)
                        else:
                            self.fail(path, "duplicate_id", entry=spec.defines, value=value, where=where)
            elif kind == "country" and not _COUNTRY.match(value):
                named = () if _COUNTRY.match(value.upper()) else country_codes(value)  # a name, not a code
                if len(named) > 1:
                    self.fail(path, "country_name_ambiguous", value=value, countries=named)
                else:
                    self.fail(path, "invalid_country", value=value,
                              hint=value.upper() if _COUNTRY.match(value.upper()) else "".join(named))
                return
            elif kind == "country" and value not in locales.country_codes():
                # Two capitals that name no country: a group (EU), an informal code (UK), a typo;
                # read as a country outside the EEA, it would make every finding about transfers.
                self.fail(path, "unknown_country", value=value, hint=locales.country_aliases().get(value, ""))
                return
            elif kind == "date" and parse_date(value) is None:
                missing = missing_day(value)
                if missing:  # well formed: the format is not what to fix, the day is
                    self.fail(path, missing[0], value=value, **missing[1])
                else:
                    self.fail(path, "invalid_date", value=value)
                return
            if spec.enum is not None and value not in spec.enum:
                offered = model.offered(spec.enum)
                self.fail(path, "unknown_value", value=value,
                          hint=code_for_word(value, offered) or closest(value, offered), choices=", ".join(offered))
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.fail(path, "expected", expected="boolean", got=kind_name(value))
        elif kind in ("integer", "number"):
            if not _is_number(value) or (kind == "integer" and not isinstance(value, int)):
                self.fail(path, "expected", expected=kind, got=kind_name(value))
            elif spec.enum is not None and value not in spec.enum:
                self.fail(path, "unknown_number", value=_number(value), choices=", ".join(map(str, spec.enum)))
            else:
                self.check_range(value, spec, path)
        elif kind == "effort":
            if isinstance(value, str):
                if value not in model.EFFORT_SIZES:
                    self.fail(path, "unknown_effort", value=value, hint=code_for_word(value, model.EFFORT_SIZES) or closest(value, model.EFFORT_SIZES))
            elif _is_number(value):
                self.check_range(value, Spec("number", minimum=0, maximum=MAX_EFFORT_DAYS), path)
            else:
                self.fail(path, "expected", expected="effort", got=kind_name(value))

    def check_range(self, value: float, spec: Spec, path: tuple[Any, ...]) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(path, "not_finite", value=str(value))
        elif spec.minimum is not None and value < spec.minimum:
            self.fail(path, "at_least", minimum=f"{spec.minimum:g}", value=_number(value))
        elif spec.maximum is not None and value > spec.maximum:
            self.fail(path, "at_most", maximum=f"{spec.maximum:g}", value=_number(value))

    def fail(self, path: tuple[Any, ...], code: str, **params: Any) -> None:
        self.c.report(self.doc, path, code, **params)



def parse_date(text: Any) -> datetime.date | None:
    """A `YYYY-MM-DD` string as a date, or None when it is not one (2026-02-30 is not)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def missing_day(text: str) -> tuple[str, dict[str, Any]] | None:
    """Why a well-formed `YYYY-MM-DD` names no day, as a code of the validation catalogue and its
    parameters: `no_such_month` (2026-13-01), `no_such_day` with the `month` (`YYYY-MM`, worded
    when printed) and how many `days` it has (2025-02-30, 2026-02-29, 2026-04-00); None for a
    date, or for text that is not of that form (a format mistake)."""
    if not _DATE.match(text) or parse_date(text) is not None:
        return None
    year, month = (int(part) for part in text.split("-")[:2])
    if not 1 <= month <= 12:
        return "no_such_month", {"month_number": month}
    if year == 0:  # no year 0 in ISO 8601's calendar as Python counts it: a format mistake
        return None
    days = calendar.monthrange(year, month)[1]
    return "no_such_day", {"month": f"{year:04d}-{month:02d}", "days": days}


def items(data: dict[str, Any], key: str) -> Iterable[tuple[int, dict[str, Any]]]:
    values = data.get(key)
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, dict):
                yield index, value



def merged(docs: list[Document], key: str) -> list[tuple[int, int, dict[str, Any]]]:
    """The mappings of list section `key` in every document, as (document index, index, item)."""
    out: list[tuple[int, int, dict[str, Any]]] = []
    for d, doc in enumerate(docs):
        values = doc.data.get(key)
        if isinstance(values, list) and set(map(type, values)) <= {dict}:  # the common case: zipped in C
            out.extend(zip(repeat(d), range(len(values)), values))
        else:
            out.extend((d, i, item) for i, item in items(doc.data, key))
    return out



def locate(docs: list[Document], issues: list[Issue]) -> list[Diagnostic]:
    """The issues as diagnostics at their line and column (warnings of very large files by field
    path only), sorted; coded issues keep their code and parameters, with English words until
    render/words.py words them in the reader's language."""
    roots: dict[int, Any] = {}
    out = []
    for issue in issues:
        doc = docs[issue.doc]
        line = column = None
        if issue.severity == "error" or len(doc.text) <= _LOCATE_WARNINGS_MAX_CHARS:
            if issue.doc not in roots:
                roots[issue.doc] = yamlio.compose_unchecked(doc.text)
            line, column = yamlio.locate(roots[issue.doc], issue.path, issue.at_key)
        message = issue.message or english(issue.code, issue.params)
        out.append(Diagnostic(doc.file, line, column, issue.path, message,
                              "error" if issue.severity == "error" else "warning", None, issue.code,
                              tuple(issue.params.items())))
    return sorted(out, key=Diagnostic.sort_key)


def no_such_day(option: str, value: str) -> UsageError | None:
    """The refusal of a command-line option's date of the right form that names no day
    (`--start 2027-02-30`: « février 2027 compte 28 jours »), worded in the command's language
    when printed; None for any other value (a format mistake, said by the caller)."""
    missing = missing_day(value)
    return option_error(missing[0], with_hint=False, option=option, value=value, **missing[1]) if missing else None
