"""The catalogue of trusted-cloud offers: dated, sourced provider facts (docs/catalogue.md).

A catalogue is a directory: `catalogue.yaml` (format, version, `as_of`, shared sources) and one
`<provider>.yaml` per provider, each checked against `catalogue.schema.json` (JSON Schema 2020-12)
shipped with bleu-assess. Every fact is `{value, source, confidence?, note?, uncertain?, disputed?}`;
its confidence is the one it states, else the best of its sources' (official > secondary >
unverified). A fact with `uncertain` or `disputed` is uncertain whatever its confidence.

Raises InputError with located diagnostics (file:line, field path) for a catalogue that does not
follow the format, names an undeclared source or dates a qualification's end before its start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bleu_assess import cache as compiled_cache
from bleu_assess import clock, inputs, output
from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.inventory import yamlio
from bleu_assess.resources import data_dir

FORMAT = "bleu-assess-catalogue/v1"
INDEX_FILE = "catalogue.yaml"
SCHEMA_FILE = "catalogue.schema.json"
CONFIDENCES = ("official", "secondary", "unverified")  # most trusted first
STALE_AFTER_DAYS = 183  # "older than six months" (issue 20)
EXPIRY_WARNING_DAYS = 90


def default_path() -> Path:
    """The catalogue shipped with bleu-assess (inside the wheel, or at the repository's top)."""
    return data_dir("catalogue")


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    address: str
    title: str
    date: str  # YYYY, YYYY-MM, YYYY-MM-DD or "undated"
    confidence: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced fact. `where` is the fact's field path in its file, for messages."""

    value: Any
    sources: tuple[Source, ...]
    confidence: str
    note: str = ""
    uncertain: Mapping[str, str] | None = None  # why, {fr, en}: shown in the reader's language
    disputed: tuple[dict[str, Any], ...] = ()
    where: str = ""

    @property
    def is_uncertain(self) -> bool:
        return bool(self.uncertain or self.disputed)

    @property
    def mark(self) -> str:
        """`official`, `secondary`, `unverified`, or `uncertain` when sources disagree."""
        return "uncertain" if self.is_uncertain else self.confidence


@dataclass(frozen=True, slots=True)
class Qualification:
    id: str
    scope: tuple[str, ...]
    since: str | None
    until: str | None
    evidence: str
    fact: Fact

    def counts_on(self, day: dt.date) -> bool:
        """Held on `day`: started (when a start is known) and not past its `until` (inclusive). A
        month-precise date is read so as never to claim a day the source does not cover: a start
        at the month's end, an end at its first day."""
        return (self.since is None or parse_date(self.since, end=True) <= day) and \
            (self.until is None or day <= parse_date(self.until))


@dataclass(frozen=True, slots=True)
class Pending:
    id: str
    milestone: str | None
    since: str | None
    expected: str | None
    scope: tuple[str, ...]
    fact: Fact


@dataclass(frozen=True, slots=True)
class Offer:
    id: str  # the offer's own id; `ref` is provider/offer
    provider: str
    facts: dict[str, Fact]
    qualifications: tuple[Qualification, ...] = ()
    pending: tuple[Pending, ...] = ()
    note: str = ""

    @property
    def ref(self) -> str:
        return f"{self.provider}/{self.id}"


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    id: str
    file: str
    facts: dict[str, Fact]
    offers: tuple[Offer, ...] = ()
    note: str = ""

    def offer(self, offer_id: str) -> Offer | None:
        return next((o for o in self.offers if o.id == offer_id), None)


@dataclass(frozen=True)
class Catalogue:
    path: str
    version: str
    as_of: str
    sha256: str
    providers: dict[str, ProviderEntry]
    evidence_cutoff: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)

    def ref(self) -> dict[str, str]:
        """What results record, like a ruleset's id, version and sha256."""
        return {"path": self.path, "version": self.version, "as_of": self.as_of, "sha256": self.sha256}

    def offers(self) -> Iterator[Offer]:
        for provider in self.providers.values():
            yield from provider.offers

    def age_days(self, day: dt.date) -> int:
        return (day - parse_date(self.as_of)).days


def parse_date(text: str, end: bool = False) -> dt.date:
    """`YYYY-MM-DD`, or `YYYY-MM` (its first day, or its last when `end`). ValueError if invalid."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    first = dt.date(parts[0], parts[1], 1)
    if not end:
        return first
    following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def assessment_date(value: str | None = None) -> dt.date:
    """The assessment date: `value` (YYYY-MM-DD), else the tool's one clock (clock.py:
    SOURCE_DATE_EPOCH's day, else today, in UTC), as the rules use it. Raises ValueError for a
    malformed value."""
    return dt.date.fromisoformat(value or clock.assessment_date())


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads((default_path() / SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@dataclass(slots=True)
class _File:
    name: str  # as displayed
    text: str
    data: Any
    problems: list[tuple[tuple[Any, ...], str, dict[str, Any]]] = field(default_factory=list)  # path, code, values


def load(path: str | os.PathLike[str] | None = None) -> Catalogue:
    """Read and check a catalogue directory (default: the shipped one)."""
    root = Path(path) if path is not None else default_path()
    display = os.fspath(path) if path is not None else "catalogue"
    if not (root / INDEX_FILE).is_file():
        raise InputError(f"not a catalogue: {display}", [inputs.diagnostic(display, "not_a_catalogue", index=INDEX_FILE)])
    read: list[tuple[str, bytes]] = []
    listing = []
    for file in sorted(root.glob("*.yaml")):
        output.register_input(file)
        shown = os.path.join(display, file.name)
        raw = yamlio.read_bytes(file, shown)
        read.append((shown, raw))
        listing.append(f"{hashlib.sha256(raw).hexdigest()}  {file.name}\n")
    # Checked and built once per content of its files and tool version (bleu_assess.cache).
    return compiled_cache.cached("catalogue", (display, *listing), lambda: _checked(read, display, "".join(listing)))


def _checked(read: list[tuple[str, bytes]], display: str, listing: str) -> Catalogue:
    """The catalogue of files (display name, content) after every check; raises InputError."""
    files: list[_File] = []
    for shown, raw in read:
        text = yamlio.decode(raw, shown)
        files.append(_File(shown, text, yamlio.parse(text, shown)))
    validator = _validator()
    for f in files:
        for error in sorted(validator.iter_errors(f.data), key=lambda e: list(map(str, e.absolute_path))):
            f.problems += _schema_problems(error)
    index = next(f for f in files if os.path.basename(f.name) == INDEX_FILE)
    if not any(f.problems for f in files):
        catalogue = _build(files, index, display, hashlib.sha256(listing.encode()).hexdigest())
    problems = [d for f in files for d in _locate(f)]
    if problems:
        raise InputError(f"invalid catalogue {display}", problems)
    return catalogue


def _schema_problems(error: Any) -> list[tuple[tuple[Any, ...], str, dict[str, Any]]]:
    """The problems (path, code of input.catalogue_*, values) of a schema error: each unknown
    field (at its key), a missing one, a note in one language; else the validator's own words,
    quoted."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return [((*path, key), "catalogue_unknown_field", {"field": str(key)}) for key in error.instance
                if key not in known]
    if error.validator == "required":
        return [(path, "catalogue_missing_field", {"field": error.message.split(" is a required")[0].strip("'")})]
    if error.validator == "type" and error.schema == _bilingual():  # a note in one language
        return [(path, "catalogue_one_language", {"example": "{fr: …, en: …}"})]
    return [(path, "catalogue_schema", {"problem": error.message})]


def _bilingual() -> Any:
    """The schema of a note in both languages (`$defs.bilingual_note`), as the validator holds it."""
    return _validator().schema["$defs"]["bilingual_note"]


def _locate(f: _File) -> list[Diagnostic]:
    if not f.problems:
        return []
    root = yamlio.compose_unchecked(f.text)
    out = []
    for path, code, params in f.problems:
        line, column = yamlio.locate(root, path)
        out.append(inputs.diagnostic(f.name, code, line, column, yamlio.format_path(path), **params))
    return out


def _build(files: list[_File], index: _File, display: str, sha256: str) -> Catalogue:
    shared = {k: Source(k, **v) for k, v in index.data["sources"].items()}
    providers: dict[str, ProviderEntry] = {}
    for f in files:
        if f is index:
            continue
        data = f.data
        expected = os.path.splitext(os.path.basename(f.name))[0]
        if data["id"] != expected:
            f.problems.append((("id",), "catalogue_id_not_file_name", {"id": data["id"], "expected": expected}))
        sources = {**shared, **{k: Source(k, **v) for k, v in (data.get("sources") or {}).items()}}
        reader = _FactReader(f, sources)
        offers = tuple(reader.offer(data["id"], o, ("offers", i)) for i, o in enumerate(data.get("offers") or ()))
        seen: set[str] = set()
        for i, offer in enumerate(offers):
            if offer.id in seen:
                f.problems.append((("offers", i, "id"), "catalogue_duplicate_offer", {"id": offer.id}))
            seen.add(offer.id)
        facts = reader.facts(data["provider"], ("provider",))
        providers[data["id"]] = ProviderEntry(data["id"], f.name, facts, offers, data["provider"].get("note", ""))
    meta = index.data
    return Catalogue(display, meta["version"], meta["as_of"], sha256, dict(sorted(providers.items())),
                     meta.get("evidence_cutoff"), shared)


class _FactReader:
    """Builds the facts of one provider file, recording undeclared sources and bad dates."""

    def __init__(self, f: _File, sources: dict[str, Source]) -> None:
        self.f, self.sources = f, sources

    def fact(self, raw: dict[str, Any], path: tuple[Any, ...]) -> Fact:
        found = []
        names = raw["source"] if isinstance(raw["source"], list) else [raw["source"]]
        for name in names:
            if name in self.sources:
                found.append(self.sources[name])
            else:
                from bleu_assess.inventory.walker import closest

                self.f.problems.append(((*path, "source"), "catalogue_unknown_source",
                                        {"name": name, "hint": closest(name, self.sources)}))
        for index, other in enumerate(raw.get("disputed") or ()):
            others = other["source"] if isinstance(other["source"], list) else [other["source"]]
            for name in others:
                if name not in self.sources:
                    self.f.problems.append(((*path, "disputed", index, "source"), "catalogue_unknown_source",
                                            {"name": name, "hint": ""}))
        best = min((CONFIDENCES.index(s.confidence) for s in found), default=len(CONFIDENCES) - 1)
        confidence = raw.get("confidence") or CONFIDENCES[best]
        return Fact(raw["value"] if "value" in raw else None, tuple(found), confidence, raw.get("note", ""),
                    raw.get("uncertain"), tuple(raw.get("disputed") or ()), yamlio.format_path(path))

    def facts(self, raw: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Fact]:
        return {k: self.fact(v, (*path, k)) for k, v in raw.items() if isinstance(v, dict)}

    def dated(self, raw: dict[str, Any], path: tuple[Any, ...], start: str, end: str) -> None:
        for key in (start, end):
            if raw.get(key) is not None:
                try:
                    parse_date(raw[key])
                except ValueError as exc:
                    from bleu_assess.inventory.walker import missing_day

                    missing = missing_day(str(raw[key]))  # of the right form: the day is what to fix
                    self.f.problems.append(((*path, key), f"catalogue_{missing[0]}", {"value": raw[key], **missing[1]})
                                           if missing else
                                           ((*path, key), "catalogue_invalid_date", {"value": raw[key], "problem": str(exc)}))
                    return
        if raw.get(start) and raw.get(end) and parse_date(raw[end], end=True) < parse_date(raw[start]):
            self.f.problems.append(((*path, end), "catalogue_dates_order",
                                    {"end": end, "end_date": raw[end], "start": start, "start_date": raw[start]}))

    def offer(self, provider: str, raw: dict[str, Any], path: tuple[Any, ...]) -> Offer:
        quals, pending = [], []
        for i, q in enumerate(raw.get("qualifications") or ()):
            where = (*path, "qualifications", i)
            self.dated(q, where, "since", "until")
            quals.append(Qualification(q["id"], tuple(q["scope"]), q.get("since"), q.get("until"),
                                       q.get("evidence", ""), self.fact({**q, "value": q["id"]}, where)))
        for i, p in enumerate(raw.get("pending_qualifications") or ()):
            where = (*path, "pending_qualifications", i)
            self.dated(p, where, "since", "expected")
            pending.append(Pending(p["id"], p["milestone"], p.get("since"), p.get("expected"),
                                   tuple(p.get("scope") or ()), self.fact({**p, "value": p["id"]}, where)))
        facts = {k: self.fact(v, (*path, k)) for k, v in raw.items()
                 if isinstance(v, dict) and k not in ("qualifications", "pending_qualifications")}
        return Offer(raw["id"], provider, facts, tuple(quals), tuple(pending), raw.get("note", ""))


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One problem `catalogue check` reports: `level` error (past its date) or warning (expiring
    soon, stale catalogue), `code`, where (provider/offer and field), and the values for the message."""

    level: str
    code: str
    where: str
    values: dict[str, Any]


def check(catalogue: Catalogue, day: dt.date) -> list[CheckItem]:
    """Facts past their date, qualifications expiring within 90 days of `day`, pending milestones
    whose expected date has passed, and a catalogue older than six months."""
    items: list[CheckItem] = []
    age = catalogue.age_days(day)
    if age > STALE_AFTER_DAYS:
        items.append(CheckItem("warning", "stale", catalogue.path, {"as_of": catalogue.as_of, "days": age}))
    for offer in catalogue.offers():
        for q in offer.qualifications:
            if q.until is None:
                continue
            until = parse_date(q.until)
            where = f"{offer.ref} {q.id}"
            if until < day:
                items.append(CheckItem("error", "expired", where, {"until": q.until}))
            elif (until - day).days <= EXPIRY_WARNING_DAYS:
                items.append(CheckItem("warning", "expiring", where, {"until": q.until, "days": (until - day).days}))
        for p in offer.pending:
            if p.expected and parse_date(p.expected, end=True) < day:
                items.append(CheckItem("error", "pending_overdue", f"{offer.ref} {p.id}", {"expected": p.expected}))
    return items


def resolve(catalogue: Catalogue, ref: str) -> ProviderEntry | Offer | None:
    """`provider` or `provider/offer`, or None."""
    provider_id, _, offer_id = ref.partition("/")
    provider = catalogue.providers.get(provider_id)
    if provider is None or not offer_id:
        return provider
    return provider.offer(offer_id)


def all_refs(catalogue: Catalogue) -> list[str]:
    return [*catalogue.providers, *(o.ref for o in catalogue.offers())]
