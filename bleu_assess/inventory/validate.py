"""Validate parsed inventory documents against the format and build the domain model.

Every problem is collected (never just the first), with the field path where it was found;
line and column are resolved afterwards, only for the files that have problems.
"""

from __future__ import annotations

import datetime
import dataclasses
import difflib
import ipaddress
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from bleu_assess.inventory import model, yamlio
from bleu_assess.errors import Diagnostic, InventoryError
from bleu_assess.render.i18n import code_for_label, t
from bleu_assess.inventory.schema import COUNTRY_PATTERN, DATE_PATTERN, ID_PATTERN, INVENTORY, MAX_EFFORT_DAYS, MERGED_LISTS, Spec

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
class _Issue:
    doc: int
    path: tuple[Any, ...]
    message: str
    at_key: bool = False
    severity: str = "error"


@dataclass(slots=True)
class _Collector:
    docs: list[Document]
    issues: list[_Issue] = field(default_factory=list)
    refs: list[tuple[str, str, int, tuple[Any, ...]]] = field(default_factory=list)
    defined: dict[str, dict[str, tuple[int, tuple[Any, ...]]]] = field(default_factory=dict)

    def error(self, doc: int, path: tuple[Any, ...], message: str, at_key: bool = False) -> None:
        self.issues.append(_Issue(doc, path, message, at_key))

    def warn(self, doc: int, path: tuple[Any, ...], message: str) -> None:
        self.issues.append(_Issue(doc, path, message, severity="warning"))


def suggest(word: str, choices: Iterable[str], lang: str = "en") -> str:
    """' (did you mean 'x'?)', in `lang` for messages that are in the reader's language, or ''."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return t("cli.did_you_mean", lang, name=match[0]) if match else ""


def _kind_name(value: Any) -> str:
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


class _Walker:
    """Checks one document's data against the format description."""

    def __init__(self, collector: _Collector, doc: int) -> None:
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
                self.error(path, f"expected a list, got {_kind_name(value)}")
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
            self.error(path, f"expected a mapping, got {_kind_name(value)}")
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
                self.error(path, f"expected {self.expected(spec)}, got {_kind_name(value)}{hint}")
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
                self.error(path, f"expected true or false, got {_kind_name(value)}")
        elif kind in ("integer", "number"):
            if not _is_number(value) or (kind == "integer" and not isinstance(value, int)):
                self.error(path, f"expected {self.expected(spec)}, got {_kind_name(value)}")
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
                self.error(path, f"expected a T-shirt size or a number of person-days, got {_kind_name(value)}")

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
            "string": "a string", "id": "an id", "country": "a country code", "date": "a date (YYYY-MM-DD)",
            "integer": "a whole number",
            "number": "a number", "boolean": "true or false", "list": "a list", "object": "a mapping",
            "effort": "a T-shirt size or a number", "date": "a date YYYY-MM-DD",
        }.get(spec.type, spec.type)

    def error(self, path: tuple[Any, ...], message: str) -> None:
        self.c.error(self.doc, path, message)


def _check_document(c: _Collector, doc_index: int) -> None:
    doc = c.docs[doc_index]
    data = doc.data
    if data is None:
        c.error(doc_index, (), f"empty file: expected an inventory mapping starting with 'format: {model.FORMAT}'")
        return
    if not isinstance(data, dict):
        c.error(doc_index, (), f"the top level must be a mapping (format, organisation, applications, ...), "
                f"got {_kind_name(data)}")
        return
    fmt = data.get("format")
    readable = " or ".join(model.FORMATS)
    if "format" not in data:
        c.error(doc_index, (), f"missing required field 'format' (expected 'format: {model.FORMAT}')")
    elif fmt not in model.FORMATS:
        if isinstance(fmt, str) and fmt.startswith("bleu-assess/v"):
            message = f"unsupported format version '{fmt}': this version of bleu-assess reads {readable}"
        else:
            message = f"unknown format {fmt!r}: expected '{model.FORMAT}'"
        c.error(doc_index, ("format",), message)
    walker = _Walker(c, doc_index)
    for key, value in data.items():
        spec = INVENTORY.fields.get(key) if isinstance(key, str) and key != "format" else None
        if key == "format":
            continue
        if spec is None:
            c.error(doc_index, (str(key),), f"unknown field '{key}'{suggest(str(key), INVENTORY.fields)}", at_key=True)
        else:
            walker.walk(value, spec, (key,))
    # Per-item rules the format states in words.
    _check_classifications(c, doc_index, data, v1=fmt == model.FORMAT_V1)
    for section in ("applications", "servers"):
        for index, item in _items(data, section):
            hosting = item.get("hosting")
            if isinstance(hosting, dict) and hosting.get("model") in model.HOSTING_MODELS:
                if hosting["model"] != "on-premises" and not hosting.get("provider") and not hosting.get("platform"):
                    c.error(doc_index, (section, index, "hosting"),
                            f"missing required field 'provider' (required when the model is {hosting['model']}, "
                            "unless 'platform' names the offer)")
    for key in ("providers", "platforms"):
        for index, item in _items(data, key):
            for field_name in ("qualifications", "pending_qualifications"):
                for position, entry in enumerate(item.get(field_name) or []):
                    _check_dates(c, doc_index, (key, index, field_name, position), entry)
    _check_server_addresses(c, doc_index, data)


# --- Servers (optional section; intake, issue 17) -------------------------------------------
def _check_server_addresses(c: _Collector, doc_index: int, data: dict[str, Any]) -> None:
    for index, server in _items(data, "servers"):
        addresses = server.get("ip_addresses")
        for position, value in enumerate(addresses if isinstance(addresses, list) else ()):
            if isinstance(value, str):
                try:
                    ipaddress.ip_address(value.strip())
                except ValueError:
                    c.error(doc_index, ("servers", index, "ip_addresses", position),
                            f"invalid IP address '{value}' (expected IPv4 such as 10.0.0.5, or IPv6)")


def _hosting(raw: dict[str, Any] | None) -> model.Hosting | None:
    return model.Hosting(raw["model"], raw.get("provider"), raw.get("region"), raw.get("platform"),
                         raw.get("provider_administers"), raw.get("provider_backs_up")) if raw else None


def _server(s: dict[str, Any]) -> model.Server:
    return model.Server(
        id=s["id"], hostname=s.get("hostname"), fqdn=s.get("fqdn"),
        ip_addresses=tuple(a.strip() for a in s.get("ip_addresses") or ()), os=s.get("os"),
        os_support=s.get("os_support") or "unknown", site=s.get("site"), cluster=s.get("cluster"),
        hosting=_hosting(s.get("hosting")), applications=tuple(s.get("applications") or ()), source=s.get("source"),
        extra=s["extra"] if isinstance(s.get("extra"), dict) else {},
    )


def _derive_hosting(applications: tuple[model.Application, ...], servers: tuple[model.Server, ...]
                    ) -> tuple[tuple[model.Application, ...], frozenset[str], dict[str, list[model.Hosting]]]:
    """Applications without `hosting` take their servers' hosting when every server declares the
    same one; the ids so derived; and, per application, the different hostings found when its
    servers disagree (left undecided, warned)."""
    by_app: dict[str, list[model.Hosting | None]] = {}
    for server in servers:
        for app_id in dict.fromkeys(server.applications):
            by_app.setdefault(app_id, []).append(server.hosting)
    derived: set[str] = set()
    conflicts: dict[str, list[model.Hosting]] = {}
    out = []
    for app in applications:
        hostings = by_app.get(app.id)
        if app.hosting is None and hostings and None not in hostings:
            distinct = list(dict.fromkeys(h for h in hostings if h is not None))
            if len(distinct) == 1:
                app = dataclasses.replace(app, hosting=distinct[0])
                derived.add(app.id)
            else:
                conflicts[app.id] = distinct
        out.append(app)
    return tuple(out), frozenset(derived), conflicts
def _server_warnings(c: _Collector, inventory: model.Inventory) -> None:
    """Applications whose servers disagree on hosting: nothing is derived, the user decides."""
    if not inventory.servers:
        return
    _, _, conflicts = _derive_hosting(inventory.applications, inventory.servers)
    for doc_index, index, app in _merged(c.docs, "applications"):
        if app["id"] in conflicts:
            found = "; ".join(f"{h.model}" + (f" ({h.provider})" if h.provider else "") for h in conflicts[app["id"]])
            c.warn(doc_index, ("applications", index), f"application '{app['id']}' has no hosting and its servers "
                   f"disagree ({found}): declare its hosting")
# ----------------------------------------------------------------------------------------------


def parse_date(text: Any) -> datetime.date | None:
    """A `YYYY-MM-DD` string as a date, or None when it is not one (2026-02-30 is not)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _check_classifications(c: _Collector, doc_index: int, data: dict[str, Any], v1: bool) -> None:
    """The vocabulary of each format version: v1 has `sensitive` and requires a classification; v2
    splits `sensitive` into a class and particular sensitivity, and lets a dataset await its class."""
    for index, dataset in _items(data, "datasets"):
        path = ("datasets", index)
        value = dataset.get("classification")
        if v1 and "classification" not in dataset:
            c.error(doc_index, path, "missing required field 'classification' (format v2 lets a dataset wait for "
                    "its classification)")
        elif v1 and value in model.CLASSIFICATIONS and value not in model.CLASSIFICATIONS_V1:
            c.error(doc_index, (*path, "classification"), f"'{value}' is a format v2 classification: declare "
                    f"'format: {model.FORMAT_V2}' (bleu-assess upgrade rewrites a v1 inventory)")
        elif not v1 and value == "sensitive":
            c.error(doc_index, (*path, "classification"), "'sensitive' is a format v1 classification; v2 separates "
                    "the class (personal, special-category, health...) from 'particular_sensitivity: yes'")
        if dataset.get("level") is not None and value != "classified":
            c.error(doc_index, (*path, "level"), "a level is declared only for classified data")


def _check_dates(c: _Collector, doc: int, path: tuple[Any, ...], entry: Any) -> None:
    if not isinstance(entry, dict):
        return
    start, end = entry.get("since"), entry.get("until") or entry.get("expected")
    if parse_date(start) and parse_date(end) and start > end:
        field_name = "until" if "until" in entry else "expected"
        c.error(doc, (*path, field_name), f"'{field_name}' ({end}) is before 'since' ({start})")


def _items(data: dict[str, Any], key: str) -> Iterable[tuple[int, dict[str, Any]]]:
    values = data.get(key)
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, dict):
                yield index, value


def _check_references(c: _Collector) -> None:
    defined = c.defined
    for kind, value, doc, path in c.refs:
        ids = defined.get(kind, {})
        if value not in ids:
            c.error(doc, path, f"unknown {kind} '{value}'{suggest(value, ids)}")
    apps, datasets = defined.get("application", {}), defined.get("dataset", {})
    for shared in sorted(apps.keys() & datasets.keys()):
        doc, path = datasets[shared]
        c.error(doc, path, f"id '{shared}' is used by both an application and a dataset; ids must be unique "
                "across the whole inventory")


def _check_hosting_offers(c: _Collector) -> None:
    """A hosting that names both an offer and a provider names the offer's provider."""
    offers = {item["id"]: item.get("provider") for _, _, item in _merged(c.docs, "platforms")
              if isinstance(item.get("id"), str)}
    for doc, index, app in _merged(c.docs, "applications"):
        hosting = app.get("hosting")
        if not isinstance(hosting, dict) or hosting.get("platform") not in offers or not hosting.get("provider"):
            continue
        owner = offers[hosting["platform"]]
        if owner != hosting["provider"]:
            c.error(doc, ("applications", index, "hosting", "provider"),
                    f"offer '{hosting['platform']}' is sold by '{owner}', not '{hosting['provider']}'")


def _check_organisation(c: _Collector) -> None:
    holders = [i for i, d in enumerate(c.docs) if isinstance(d.data, dict) and "organisation" in d.data]
    if not holders and all(isinstance(d.data, dict) for d in c.docs):
        c.error(0, (), "missing required field 'organisation'")
    for extra in holders[1:]:
        c.error(extra, ("organisation",), f"organisation is already declared in {c.docs[holders[0]].file}; "
                "declare it in one file only", at_key=True)


def validate(docs: list[Document], path: str = "", sha256: str = "", catalogue: Any = None,
             as_of: Any = None, locate_warnings: bool = True) -> tuple[model.Inventory, list[Diagnostic]]:
    """The inventory and its warnings (located unless `locate_warnings` is false), or
    InventoryError with every error found. Entries that refer to the catalogue of offers are
    resolved first (catalogue_refs.resolve: `catalogue` a directory, default the shipped one;
    `as_of` a datetime.date, default today)."""
    from bleu_assess.inventory import catalogue_refs

    docs, resolution, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
    inventory, warnings = _validate(docs, path, sha256, locate_warnings)
    if resolution is None:
        return inventory, warnings
    return replace(inventory, catalogue=resolution), ref_warnings + warnings


def _validate(docs: list[Document], path: str, sha256: str,
              locate_warnings: bool) -> tuple[model.Inventory, list[Diagnostic]]:
    c = _Collector(docs)
    for index in range(len(docs)):
        _check_document(c, index)
    if not any(i.path == () for i in c.issues):
        _check_organisation(c)
        _check_references(c)
        _check_hosting_offers(c)
    errors = [i for i in c.issues if i.severity == "error"]
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        raise InventoryError(f"{len(errors)} {noun} in {path or docs[0].file}", _locate(docs, errors))
    inventory = _build(docs, path, sha256)
    _warnings(c, inventory)
    _server_warnings(c, inventory)
    return inventory, _locate(docs, c.issues if locate_warnings else [])


def _locate(docs: list[Document], issues: list[_Issue]) -> list[Diagnostic]:
    roots: dict[int, Any] = {}
    out = []
    for issue in issues:
        doc = docs[issue.doc]
        line = column = None
        if issue.severity == "error" or len(doc.text) <= _LOCATE_WARNINGS_MAX_CHARS:
            if issue.doc not in roots:
                roots[issue.doc] = yamlio.compose_unchecked(doc.text)
            line, column = yamlio.locate(roots[issue.doc], issue.path, issue.at_key)
        out.append(Diagnostic(doc.file, line, column, yamlio.format_path(issue.path), issue.message,
                              "error" if issue.severity == "error" else "warning"))
    return sorted(out, key=Diagnostic.sort_key)


def _merged(docs: list[Document], key: str) -> list[tuple[int, int, dict[str, Any]]]:
    return [(d, i, item) for d, doc in enumerate(docs) for i, item in _items(doc.data, key)]


def _build(docs: list[Document], path: str, sha256: str) -> model.Inventory:
    org_raw = next(d.data["organisation"] for d in docs if "organisation" in d.data)
    organisation = _organisation(org_raw)
    lists = {key: _merged(docs, key) for key in MERGED_LISTS}
    # One v1 file gives the whole inventory its v1 meaning (provider qualifications cover offers).
    fmt = model.FORMAT_V1 if any(d.data.get("format") == model.FORMAT_V1 for d in docs) else model.FORMAT
    providers = tuple(_provider(p) for _, _, p in lists["providers"])
    by_id = {p.id: p for p in providers}
    servers = tuple(_server(s) for _, _, s in lists["servers"])
    applications, derived, _ = _derive_hosting(tuple(_application(a) for _, _, a in lists["applications"]), servers)
    return model.Inventory(
        organisation=organisation,
        providers=providers,
        platforms=tuple(_platform(p, by_id[p["provider"]], fmt) for _, _, p in lists["platforms"]),
        applications=applications,
        datasets=tuple(_dataset(d) for _, _, d in lists["datasets"]),
        flows=tuple(
            model.Flow(f["from"], f["to"], tuple(f["datasets"]), f.get("protocol"), f.get("description"))
            for _, _, f in lists["flows"]
        ),
        derogations=tuple(_derogation(d) for _, _, d in lists["derogations"]),
        servers=servers,
        hosting_from_servers=derived,
        format=fmt,
        path=path,
        sha256=sha256,
        files=tuple(d.file for d in docs),
    )


# What an organisation's type implies when it does not say (docs/inventory.md).
_PUBLIC_TYPES = ("state-administration", "state-operator", "local-authority")
_STATE_TYPES = ("state-administration", "state-operator")


def _organisation(o: dict[str, Any]) -> model.Organisation:
    kind = o.get("type") or "other"
    legal = o.get("legal_status")
    if legal is None:
        legal = "public" if kind in _PUBLIC_TYPES else "private" if kind == "private-company" else None
    supervised = o.get("state_supervised")
    return model.Organisation(
        name=o["name"],
        country=o.get("country") or "FR",
        type=kind,
        designations=tuple(o.get("designations") or ()),
        legal_status=legal,
        state_supervised=kind in _STATE_TYPES if supervised is None else supervised,
        sren_listed=bool(o.get("sren_listed")),
        secnumcloud_for=tuple((o.get("policy") or {}).get("secnumcloud_for") or ()),
    )


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def _derogation(d: dict[str, Any]) -> model.Derogation:
    return model.Derogation(
        id=d["id"], rules=tuple(d["rules"]), applications=tuple(d.get("applications") or ()),
        datasets=tuple(d.get("datasets") or ()), basis=d["basis"], reference=d.get("reference"),
        granted_by=d.get("granted_by"), granted_on=_date(d.get("granted_on")), until=_date(d.get("until")),
        compliant_offer_since=_date(d.get("compliant_offer_since")),
    )


def _tuple(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


def _qualification(q: Any) -> model.Qualification:
    if isinstance(q, str):
        return model.Qualification(q)
    return model.Qualification(q["id"], _tuple(q.get("scope")), q.get("since"), q.get("until"), q.get("evidence"))


def _pending(q: Any) -> model.PendingQualification:
    if isinstance(q, str):
        return model.PendingQualification(q)
    return model.PendingQualification(q["id"], q.get("milestone"), q.get("since"), q.get("expected"))


def _subprocessor(s: Any) -> model.Subprocessor:
    if isinstance(s, str):
        return model.Subprocessor(s)
    return model.Subprocessor(s["id"], s.get("role"), s.get("data_access") or "data")


def _qualifications(raw: dict[str, Any]) -> tuple[tuple[model.Qualification, ...], tuple[model.PendingQualification, ...]]:
    return (tuple(_qualification(q) for q in raw.get("qualifications") or ()),
            tuple(_pending(q) for q in raw.get("pending_qualifications") or ()))


def _provider(p: dict[str, Any]) -> model.Provider:
    own = p.get("ownership")
    held, pending = _qualifications(p)
    return model.Provider(
        id=p["id"],
        name=p.get("name") or p["id"],
        headquarters=p.get("headquarters"),
        non_eu_control=p.get("non_eu_control"),
        qualifications=held,
        regions=tuple(p.get("regions") or ()),
        support_regions=_tuple(p.get("support_regions")),
        subprocessors=tuple(_subprocessor(s) for s in p.get("subprocessors") or ()),
        ownership=model.Ownership(own.get("largest_non_eu_pct"), own.get("total_non_eu_pct"), own.get("non_eu_veto"),
                                  own.get("non_eu_board_majority")) if own else None,
        contract_law=p.get("contract_law"),
        pending_qualifications=pending,
        kind=p.get("kind"),
        admin_regions=_tuple(p.get("admin_regions")),
        hds_activities=tuple(sorted(set(p.get("hds_activities") or ()))),
        clearance=tuple(p.get("clearance") or ()),
        transfer_basis=p.get("transfer_basis"),
        non_eu_jurisdictions=tuple(p.get("non_eu_jurisdictions") or ()),
        contract=model.Contract(**p["contract"]) if p.get("contract") else None,
        hds_exemption=p.get("hds_exemption"),
        hds_referential=p.get("hds_referential"),
    )


def _platform(p: dict[str, Any], provider: model.Provider, fmt: str) -> model.Platform:
    held, pending = _qualifications(p)
    activities = p.get("hds_activities")
    if fmt == model.FORMAT_V1 and "qualifications" not in p:
        # v1 meaning: what the provider holds covers every offer it sells.
        held, pending = provider.qualifications, provider.pending_qualifications
        activities = provider.hds_activities if activities is None else activities
    return model.Platform(
        id=p["id"], provider=p["provider"], models=tuple(p["models"]),
        regions=_tuple(p.get("regions")), support_regions=_tuple(p.get("support_regions")),
        admin_regions=_tuple(p.get("admin_regions")), qualifications=held, pending_qualifications=pending,
        hds_activities=None if activities is None else tuple(sorted(set(activities))),
        services=tuple(p.get("services") or ()),
        transfer_basis=p.get("transfer_basis"),
    )


def _application(a: dict[str, Any]) -> model.Application:
    hosting = a.get("hosting")
    tags = a.get("tags")
    if isinstance(tags, dict):
        tags = [f"{k}={v}" for k, v in tags.items()]
    elif tags is not None and not isinstance(tags, list):
        tags = [tags]
    return model.Application(
        id=a["id"],
        name=a["name"],
        owner=a.get("owner"),
        criticality=a.get("criticality") or "medium",
        hosting=_hosting(hosting),
        datasets=tuple(dict.fromkeys(a.get("datasets") or ())),
        depends_on=tuple(dict.fromkeys(a.get("depends_on") or ())),
        users=a.get("users"),
        strategy=a.get("strategy"),
        service=a.get("service"),
        effort=a.get("effort"),
        blockers=tuple(a.get("blockers") or ()),
        wave=a.get("wave"),
        tags=tuple(str(t) for t in tags or ()),
        extra=a.get("extra") if isinstance(a.get("extra"), dict) else ({} if a.get("extra") is None else {"value": a["extra"]}),
        siiv=bool(a.get("siiv")),
        sie=bool(a.get("sie")),
        homologation=_homologation(a.get("homologation")),
        network_class=a.get("network_class"),
        approved_encryption=a.get("approved_encryption"),
        customer_held_keys=a.get("customer_held_keys"),
        exit_plan=a.get("exit_plan"),
    )


def _homologation(h: dict[str, Any] | None) -> model.Homologation | None:
    if not h:
        return None
    return model.Homologation(h["level"], _date(h.get("granted_on")), _date(h.get("until")))


def v1_sensitive_class(personal_data: Any) -> str:
    """The v2 class of a v1 `sensitive` dataset: v1 meant particular sensitivity *or* GDPR art. 9
    data, so it is read as special-category data (the more protective reading), unless the file
    says it holds no personal data (a business secret, say), which makes it internal."""
    return "internal" if personal_data is False else "special-category"


def _dataset(d: dict[str, Any]) -> model.Dataset:
    classification = d.get("classification")
    personal = d.get("personal_data")
    answer = d.get("particular_sensitivity")
    if classification == "sensitive":  # format v1: particular sensitivity, its v1 meaning
        classification = v1_sensitive_class(personal)
        answer = answer or "yes"
    assessment = d.get("sensitivity_assessment")
    return model.Dataset(
        id=d["id"],
        name=d.get("name") or d["id"],
        classification=classification,
        personal_data=classification in model.PERSONAL_BY_DEFAULT if personal is None else personal,
        volume_gb=d.get("volume_gb"),
        location=d.get("location"),
        particular_sensitivity=answer or "unknown",
        level=d.get("level"),
        assessment=model.SensitivityAssessment(
            assessment.get("secret_or_essential_mission") or "unknown", assessment.get("harm_if_breached") or "unknown",
            assessment.get("rationale"), assessment.get("assessed_by"), _date(assessment.get("assessed_on")),
        ) if assessment else None,
    )


def _warnings(c: _Collector, inventory: model.Inventory) -> None:
    """Suspicious but valid input."""
    docs = c.docs
    health = {d.id for d in inventory.datasets if d.classification == "health"}
    held: set[str] = set()
    for doc_index, index, app in _merged(docs, "applications"):
        path = ("applications", index)
        datasets = app.get("datasets") or []
        held.update(datasets)
        if app["id"] in (app.get("depends_on") or []):
            position = app["depends_on"].index(app["id"])
            c.warn(doc_index, (*path, "depends_on", position), f"application '{app['id']}' depends on itself")
        for key in ("datasets", "depends_on"):
            values = app.get(key) or []
            if len(set(values)) != len(values):
                c.warn(doc_index, (*path, key), f"'{key}' lists the same id more than once")
        if not app.get("owner") and health.intersection(datasets):
            c.warn(doc_index, path, f"application '{app['id']}' holds health data and has no owner")
        if not app.get("hosting") and app["id"] not in inventory.hosting_from_servers:  # unknown: to fill
            c.warn(doc_index, path, f"application '{app['id']}' gives no hosting, to fill "
                   "(where it runs is unknown, so are its residency and exposure)")
        hosting = app.get("hosting") or {}
        offer = inventory.platform(hosting.get("platform"))
        if offer is not None and hosting["model"] not in offer.models and hosting["model"] != "on-premises":
            c.warn(doc_index, (*path, "hosting", "model"),
                   f"offer '{offer.id}' does not sell {hosting['model']} (it sells {', '.join(offer.models)})")
        if app.get("strategy") in ("retire", "retain") and app.get("wave") is not None:
            c.warn(doc_index, (*path, "wave"), f"application '{app['id']}' is pinned to a wave but its strategy is "
                   f"{app['strategy']}: it will not move")
    for doc_index, index, dataset in _merged(docs, "datasets"):
        if dataset["id"] not in held:
            c.warn(doc_index, ("datasets", index), f"dataset '{dataset['id']}' is held by no application")
        if dataset.get("classification") == "health" and dataset.get("personal_data") is False:
            c.warn(doc_index, ("datasets", index, "personal_data"),
                   "health data is personal data by definition (Code de la santé publique L.1111-8)")
        assessment = dataset.get("sensitivity_assessment") or {}
        criteria = (assessment.get("secret_or_essential_mission"), assessment.get("harm_if_breached"))
        answer = dataset.get("particular_sensitivity")
        # The two criteria are cumulative (DINUM doctrine FAQ, 23 February 2024).
        implied = "yes" if criteria == ("yes", "yes") else "no" if "no" in criteria else None
        if implied and answer and answer != implied:
            c.warn(doc_index, ("datasets", index, "particular_sensitivity"),
                   f"particular_sensitivity is '{answer}' but the assessment's two cumulative criteria give '{implied}'")
    for doc_index, index, derogation in _merged(docs, "derogations"):
        if not derogation.get("applications") and not derogation.get("datasets"):
            c.warn(doc_index, ("derogations", index), f"derogation '{derogation['id']}' covers no application "
                   "and no dataset: it has no effect")
    app_datasets = {a.id: set(a.datasets) for a in inventory.applications}
    for doc_index, index, flow in _merged(docs, "flows"):
        if flow["from"] == flow["to"]:
            c.warn(doc_index, ("flows", index), f"flow from '{flow['from']}' to itself")
    received: dict[str, set[str]] = {}
    for flow in inventory.flows:
        received.setdefault(flow.target, set()).update(flow.datasets)
    for doc_index, index, flow in _merged(docs, "flows"):
        source = flow["from"]
        missing = [d for d in flow["datasets"] if d not in app_datasets.get(source, ()) and d not in received.get(source, ())]
        if missing:
            c.warn(doc_index, ("flows", index, "datasets"), f"'{source}' sends {', '.join(repr(m) for m in missing)} "
                   "but neither holds nor receives it")
    for doc_index, index, provider in _merged(docs, "providers"):
        path = ("providers", index)
        if not provider.get("regions"):
            c.warn(doc_index, path, f"provider '{provider['id']}' declares no regions: residency cannot be assessed")
        if "headquarters" not in provider:
            c.warn(doc_index, path, f"provider '{provider['id']}' declares no headquarters: exposure cannot be assessed")
    for key in ("providers", "platforms"):
        for doc_index, index, entry in _merged(docs, key):
            _warn_qualifications(c, doc_index, (key, index), entry)
    if inventory.format != model.FORMAT_V1:
        offered = {p.provider for p in inventory.platforms if p.qualifications}
        for doc_index, index, provider in _merged(docs, "providers"):
            held = _ids_of(provider.get("qualifications"))
            if held and any(p.provider == provider["id"] for p in inventory.platforms) \
                    and provider["id"] not in offered:
                c.warn(doc_index, ("providers", index, "qualifications"),
                       f"provider '{provider['id']}' declares {', '.join(held)} but none of its offers declares a "
                       "qualification: in v2 a provider's qualifications do not cover its offers (declare them "
                       "under platforms[].qualifications)")
    v1 = [i for i, d in enumerate(docs) if d.data.get("format") == model.FORMAT_V1]
    if v1:
        c.warn(v1[0], ("format",), f"{model.FORMAT_V1}: read with its v1 meaning (a provider's qualifications cover "
               "all its offers); run 'bleu-assess upgrade' to write v2, then declare qualifications per offer "
               "(platforms[].qualifications with scope, since, until)")


def _ids_of(entries: Any) -> list[str]:
    return [e if isinstance(e, str) else e.get("id") for e in entries or [] if isinstance(e, (str, dict))]


def _warn_qualifications(c: _Collector, doc: int, path: tuple[Any, ...], entry: dict[str, Any]) -> None:
    for key in ("qualifications", "pending_qualifications"):
        for position, value in enumerate(_ids_of(entry.get(key))):
            if value not in model.KNOWN_QUALIFICATIONS:
                hint = suggest(value, model.KNOWN_QUALIFICATIONS)
                if hint:
                    c.warn(doc, (*path, key, position), f"unknown qualification '{value}'{hint}")
    both = set(_ids_of(entry.get("qualifications"))) & set(_ids_of(entry.get("pending_qualifications")))
    for value in sorted(both):
        c.warn(doc, (*path, "pending_qualifications"), f"'{value}' is listed as both held and pending")
