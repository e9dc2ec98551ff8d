"""The public spec walker: checks parsed YAML data against a format description (schema.Spec)
and collects every problem with its field path, then locates them (line, column) in the file.

Shared by inventory validation (inventory/validate.py) and ruleset loading (rules/load.py).
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from bleu_assess.inventory import model, yamlio
from bleu_assess.errors import Diagnostic
from bleu_assess.render.i18n import code_for_label, t
from bleu_assess.inventory.schema import COUNTRY_PATTERN, DATE_PATTERN, ID_PATTERN, MAX_EFFORT_DAYS, Spec

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
_MULTILINE_FIELDS = frozenset({"description", "blockers", "uncertain", "fr", "en", "when"})
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
    doc: int
    path: tuple[Any, ...]
    message: str
    at_key: bool = False
    severity: str = "error"


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


def suggest(word: str, choices: Iterable[str], lang: str = "en") -> str:
    """' (did you mean 'x'?)', in `lang` for messages that are in the reader's language, or ''."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return t("cli.did_you_mean", lang, name=match[0]) if match else ""


def kind_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
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
                self.error(path, f"a value is required here ({self.expected(spec)})")
            return
        kind = spec.type
        if kind == "object":
            self.walk_object(value, spec, path)
        elif kind == "list":
            if not isinstance(value, list):
                self.error(path, f"expected a list, got {kind_name(value)}")
                return
            if spec.non_empty and not value:
                self.error(path, "must not be empty")
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
            self.error(path, f"expected a mapping, got {kind_name(value)}")
            return
        fields = spec.fields
        for key, child in value.items():
            child_spec = fields.get(key) if isinstance(key, str) else None
            if child_spec is None:
                self.c.error(self.doc, (*path, str(key)), f"unknown field '{key}'{suggest(str(key), fields)}", at_key=True)
            else:
                self.walk(child, child_spec, (*path, key))
        for name, child_spec in fields.items():
            if child_spec.required and name not in value:
                self.error(path, f"missing required field '{name}'")

    def check_free(self, value: Any, path: tuple[Any, ...]) -> None:
        """Free-form data is not checked against a format, but it stays printable and shallow."""
        stack: list[tuple[Any, tuple[Any, ...]]] = [(value, path)]
        while stack:
            item, where = stack.pop()
            if isinstance(item, str):
                self.check_text(item, where, multiline=True)
            elif isinstance(item, (dict, list)):
                if len(where) - len(path) >= MAX_FREE_DEPTH:
                    self.error(where, f"nested more than {MAX_FREE_DEPTH} levels deep")
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
            self.error(path, "line break in a one-line field (names, owners and ids are one line)")
        else:
            self.error(path, f"control character U+{ord(char):04X} is not allowed in text (it could rewrite a "
                       "terminal or a report)")
        return False

    def walk_scalar(self, value: Any, spec: Spec, path: tuple[Any, ...]) -> None:
        kind = spec.type
        if kind in ("string", "id", "country", "date"):
            if not isinstance(value, str):
                hint = " (put it in quotes)" if _is_number(value) or isinstance(value, bool) else ""
                self.error(path, f"expected {self.expected(spec)}, got {kind_name(value)}{hint}")
                return
            multiline = any(isinstance(p, str) and p in _MULTILINE_FIELDS for p in path[-2:])
            if not self.check_text(value, path, multiline):
                return
            if kind == "id":
                if not _ID.match(value):
                    self.error(path, f"invalid id '{value}': use lower-case letters, digits, '.', '_' and '-', "
                               "starting with a letter or digit")
                    return
                if spec.ref:
                    self.c.refs.append((spec.ref, value, self.doc, path))
                if spec.defines:
                    first = self.c.defined.setdefault(spec.defines, {}).setdefault(value, (self.doc, path))
                    if first != (self.doc, path):
                        where = yamlio.format_path(first[1][:-1])
                        if first[0] != self.doc:
                            where += f" in {self.c.docs[first[0]].file}"
                        self.error(path, f"duplicate {spec.defines} id '{value}' (first declared at {where})")
            elif kind == "country" and not _COUNTRY.match(value):
                hint = f" (did you mean '{value.upper()}'?)" if _COUNTRY.match(value.upper()) else ""
                self.error(path, f"invalid country code '{value}': expected ISO 3166-1 alpha-2 such as FR{hint}")
                return
            elif kind == "date" and parse_date(value) is None:
                self.error(path, f"invalid date '{value}': expected YYYY-MM-DD, such as 2026-04-14")
                return
            if spec.enum is not None and value not in spec.enum:
                meant = code_for_label(value, spec.enum)
                hint = f" (did you mean '{meant}'?)" if meant else suggest(value, spec.enum)
                self.error(path, f"unknown value '{value}'{hint}; expected one of: " + ", ".join(spec.enum))
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.error(path, f"expected true or false, got {kind_name(value)}")
        elif kind in ("integer", "number"):
            if not _is_number(value) or (kind == "integer" and not isinstance(value, int)):
                self.error(path, f"expected {self.expected(spec)}, got {kind_name(value)}")
            elif spec.enum is not None and value not in spec.enum:
                self.error(path, f"unknown value {_number(value)}; expected one of: " + ", ".join(map(str, spec.enum)))
            else:
                self.check_range(value, spec, path)
        elif kind == "effort":
            if isinstance(value, str):
                if value not in model.EFFORT_SIZES:
                    self.error(path, f"unknown effort '{value}'{suggest(value, model.EFFORT_SIZES)}; expected "
                               "XS, S, M, L, XL or a number of person-days")
            elif _is_number(value):
                self.check_range(value, Spec("number", minimum=0, maximum=MAX_EFFORT_DAYS), path)
            else:
                self.error(path, f"expected a T-shirt size or a number of person-days, got {kind_name(value)}")

    def check_range(self, value: float, spec: Spec, path: tuple[Any, ...]) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            self.error(path, f"expected a finite number, got {value}")
        elif spec.minimum is not None and value < spec.minimum:
            self.error(path, f"must be at least {spec.minimum:g}, got {_number(value)}")
        elif spec.maximum is not None and value > spec.maximum:
            self.error(path, f"must be at most {spec.maximum:g}, got {_number(value)}")

    @staticmethod
    def expected(spec: Spec) -> str:
        return {
            "string": "a string", "id": "an id", "country": "a country code",
            "integer": "a whole number",
            "number": "a number", "boolean": "true or false", "list": "a list", "object": "a mapping",
            "effort": "a T-shirt size or a number", "date": "a date YYYY-MM-DD",
        }.get(spec.type, spec.type)

    def error(self, path: tuple[Any, ...], message: str) -> None:
        self.c.error(self.doc, path, message)



def parse_date(text: Any) -> datetime.date | None:
    """A `YYYY-MM-DD` string as a date, or None when it is not one (2026-02-30 is not)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None



def items(data: dict[str, Any], key: str) -> Iterable[tuple[int, dict[str, Any]]]:
    values = data.get(key)
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, dict):
                yield index, value



def merged(docs: list[Document], key: str) -> list[tuple[int, int, dict[str, Any]]]:
    return [(d, i, item) for d, doc in enumerate(docs) for i, item in items(doc.data, key)]



def locate(docs: list[Document], issues: list[Issue]) -> list[Diagnostic]:
    roots: dict[int, Any] = {}
    out = []
    for issue in issues:
        doc = docs[issue.doc]
        line = column = None
        if issue.severity == "error" or len(doc.text) <= _LOCATE_WARNINGS_MAX_CHARS:
            if issue.doc not in roots:
                roots[issue.doc] = yamlio.compose_unchecked(doc.text)
            line, column = yamlio.locate(roots[issue.doc], issue.path, issue.at_key)
        out.append(Diagnostic(doc.file, line, column, issue.path, issue.message,
                              "error" if issue.severity == "error" else "warning"))
    return sorted(out, key=Diagnostic.sort_key)

