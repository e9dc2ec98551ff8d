"""Inventory entries that refer to the catalogue, resolved before validation (docs/catalogue.md).

    providers: [{ref: catalogue:ovhcloud}]
    platforms: [{ref: catalogue:ovhcloud/bare-metal-pod, id: ovh-pod}]

A `ref` entry becomes the entry the catalogue describes, in the inventory's own format version;
every other field written beside `ref` overrides the catalogue's (the override is recorded and
shown). `id` defaults to the catalogue id (`<provider>-<offer>` for an offer) and an offer's
`provider` to the inventory provider that refers to the same catalogue provider.

Time: on the assessment date, a v1 inventory (qualifications held by the provider as a whole)
gets only the qualifications that count that day, and a warning for each that has expired; a v2
inventory gets each offer's qualifications with their scope and dates, judged by the rules (and a
provider entry those of the offers it stands for, with their HDS activities). A catalogue
older than six months on that date is warned about once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bleu_assess.errors import Diagnostic, InventoryError
from bleu_assess.inventory import catalogue as cat
from bleu_assess.inventory import yamlio
from bleu_assess.inventory.model import FORMAT_V2

PREFIX = "catalogue:"
SECTIONS = ("providers", "platforms")
# Worst last: a verdict resting on several facts is as sure as the least sure of them.
MARKS = ("official", "secondary", "unverified", "uncertain")
# Service models a v1 inventory knows (caas arrived with v2).
_V1_MODELS = ("private-cloud", "iaas", "paas", "saas")


def worst(marks: Iterable[str]) -> str | None:
    found = [MARKS.index(m) for m in marks]
    return MARKS[max(found)] if found else None


@dataclass(frozen=True, slots=True)
class ResolvedEntry:
    """One inventory entry built from the catalogue: the catalogue facts behind each of its
    fields (`facts`, by inventory field name) and the fields written inline (`overrides`)."""

    section: str  # providers | platforms
    id: str
    ref: str  # provider or provider/offer
    facts: Mapping[str, tuple[cat.Fact, ...]]
    overrides: tuple[str, ...] = ()

    @property
    def confidence(self) -> str | None:
        """The worst mark of the catalogue facts used (None when every field is written inline)."""
        return worst(f.mark for facts in self.facts.values() for f in facts)

    def doubtful(self) -> list[tuple[str, cat.Fact]]:
        """(field, fact) for every fact used that is not official, or is uncertain."""
        return [(name, f) for name, facts in sorted(self.facts.items()) for f in facts if f.mark != "official"]


@dataclass(frozen=True)
class Resolution:
    """What the catalogue contributed to an inventory, for results, explain and the report."""

    catalogue: cat.Catalogue
    day: dt.date
    entries: tuple[ResolvedEntry, ...] = ()
    by_key: dict[tuple[str, str], ResolvedEntry] = field(default_factory=dict)

    def entry(self, section: str, entry_id: str | None) -> ResolvedEntry | None:
        return self.by_key.get((section, entry_id)) if entry_id else None

    def to_dict(self) -> dict[str, Any]:
        """Recorded in results like a ruleset: which catalogue, and on which day it was read."""
        return {**self.catalogue.ref(), "assessed_on": self.day.isoformat()}


def has_refs(documents: Iterable[Any]) -> bool:
    return any(isinstance(item, dict) and "ref" in item
               for doc in documents if isinstance(doc.data, dict)
               for section in SECTIONS if isinstance(doc.data.get(section), list)
               for item in doc.data[section])


def resolve(documents: list[Any], catalogue_path: str | os.PathLike[str] | None = None,
            day: dt.date | None = None) -> tuple[list[Any], Resolution | None, list[Diagnostic]]:
    """Documents with their `ref` entries expanded, what was resolved, and warnings. The
    documents are `validate.Document`s; those without refs are returned as they are. Raises
    InventoryError (located: file, line, field path) for unknown or malformed references, and
    InputError for an invalid catalogue."""
    if not has_refs(documents):
        return documents, None, []
    catalogue = cat.load(catalogue_path)
    day = day or cat.assessment_date()
    resolver = _Resolver(catalogue, day)
    resolver.declared_providers(documents)
    out = [resolver.document(doc) for doc in documents]
    if resolver.errors:
        beside = _beside(out, resolver.failed)
        errors = sorted(resolver.errors + beside, key=lambda d: (d.file, d.line or 0, d.column or 0))
        noun = "error" if len(errors) == 1 else "errors"
        raise InventoryError(f"{len(errors)} {'' if beside else 'catalogue reference '}{noun}", errors)
    entries = tuple(resolver.entries)
    resolution = Resolution(catalogue, day, entries, {(e.section, e.id): e for e in entries})
    warnings = resolver.warnings
    age = catalogue.age_days(day)
    if age > cat.STALE_AFTER_DAYS and resolver.first is not None:
        first, where = resolver.first
        warnings.insert(0, _coded(first.file, first.position, where, "catalogue_stale",
                                  {"version": catalogue.version, "as_of": catalogue.as_of, "age": age,
                                   "day": day.isoformat()}, "warning"))
    return out, resolution, warnings


def _coded(file: str, position: tuple[int | None, int | None], path: tuple[Any, ...], code: str,
           params: dict[str, Any], severity: str = "error") -> Diagnostic:
    """A diagnostic carrying the validation code `code` and its parameters, its message in
    English until render/words.py words it in the reader's language."""
    from bleu_assess.inventory.walker import english

    return Diagnostic(file, *position, yamlio.format_path(path), english(f"validate.{code}", params),
                      "warning" if severity == "warning" else "error", None, f"validate.{code}",
                      tuple(params.items()))


class _Tree:
    """A document's node tree, composed on first use: only a warning or an error needs a line
    number, and composing is the slowest part of reading a large inventory."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._root: Any = None
        self._composed = False

    def locate(self, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
        if not self._composed:
            self._root, self._composed = yamlio.compose_unchecked(self.text), True
        return yamlio.locate(self._root, path)


@dataclass(frozen=True)
class _Located:
    """Where a `ref:` entry is: its file, and its line and column when asked for."""

    file: str
    tree: _Tree
    path: tuple[Any, ...]

    @property
    def position(self) -> tuple[int | None, int | None]:
        return self.tree.locate(self.path)


def _beside(documents: list[Any], failed: set[tuple[str, str, int]]) -> list[Diagnostic]:
    """The errors of `documents` other than their references (every error at once): validated
    with each refused entry standing as its own id and fields (`failed`: file, section, index),
    less what is said of those entries themselves (their fields the catalogue was to give)."""
    from bleu_assess.inventory.validate import collected_errors

    return [d for d in collected_errors(documents)
            if not (isinstance(d.path, tuple) and len(d.path) >= 2 and (d.file, *d.path[:2]) in failed)]


class _Resolver:
    def __init__(self, catalogue: cat.Catalogue, day: dt.date) -> None:
        self.catalogue, self.day = catalogue, day
        self.entries: list[ResolvedEntry] = []
        self.errors: list[Diagnostic] = []
        # Entries whose reference was refused (file, section, index): validated as their own fields.
        self.failed: set[tuple[str, str, int]] = set()
        self.warnings: list[Diagnostic] = []
        self.first: tuple[_Located, tuple[Any, ...]] | None = None
        self.inventory_providers: set[str] = set()
        self.catalogue_providers: dict[str, str] = {}

    def declared_providers(self, documents: list[Any]) -> None:
        """The providers every file declares (`inventory_providers`), and the inventory's id of
        each catalogue provider referred to (`catalogue_providers`, the first): an offer's
        platform defaults to its provider, in whichever file it is declared."""
        for doc in documents:
            items = doc.data.get("providers") if isinstance(doc.data, dict) else None
            for item in items if isinstance(items, list) else ():
                if not isinstance(item, dict):
                    continue
                ref, own = item.get("ref"), item.get("id")
                if isinstance(ref, str) and ref.startswith(PREFIX):
                    target = ref[len(PREFIX):].partition("/")[0]
                    own = own if isinstance(own, str) else target
                    self.catalogue_providers.setdefault(target, own)
                if isinstance(own, str):
                    self.inventory_providers.add(own)

    def document(self, doc: Any) -> Any:
        data = doc.data
        if not isinstance(data, dict) or not any(isinstance(data.get(s), list) for s in SECTIONS):
            return doc
        v2 = data.get("format") == FORMAT_V2
        tree = _Tree(doc.text)
        expanded = dict(data)
        # Which catalogue provider each inventory provider stands for, to default an offer's provider
        # and to choose the offers a v1 provider's facts come from.
        chosen: dict[str, list[str]] = {}
        for item in data.get("platforms") or ():
            ref = item.get("ref") if isinstance(item, dict) else None
            if isinstance(ref, str) and ref.startswith(PREFIX) and "/" in ref:
                provider_id, _, offer_id = ref[len(PREFIX):].partition("/")
                chosen.setdefault(provider_id, []).append(offer_id)
        provider_ids: dict[str, str] = {}
        for section in SECTIONS:
            items = data.get(section)
            if not isinstance(items, list):
                continue
            new_items = []
            for index, item in enumerate(items):
                if not (isinstance(item, dict) and "ref" in item):
                    new_items.append(item)
                    continue
                where = (section, index)
                located = _Located(doc.file, tree, (*where, "ref"))
                if self.first is None:
                    self.first = (located, (*where, "ref"))
                entry = self.entry(section, item, v2, chosen, provider_ids, located, where)
                if entry is None:  # refused: its own id and fields, so that the rest is validated too
                    self.failed.add((doc.file, section, index))
                    entry = {k: v for k, v in item.items() if k != "ref"}
                    ref = item["ref"]
                    target = ref[len(PREFIX):] if isinstance(ref, str) and ref.startswith(PREFIX) else ""
                    entry.setdefault("id", (target.partition("/")[0] if section == "providers"
                                            else target.replace("/", "-")) or f"{section}-{index}")
                new_items.append(entry)
            expanded[section] = new_items
        return type(doc)(doc.file, doc.text, expanded)

    def error(self, located: _Located, where: tuple[Any, ...], code: str, **params: Any) -> None:
        """A refusal as a validation code (`validate.<code>`), worded in the reader's language
        when printed (render/words.py), English until then."""
        self.errors.append(_coded(located.file, located.position, (*where, "ref"), code, params))

    def entry(self, section: str, item: dict[str, Any], v2: bool, chosen: dict[str, list[str]],
              provider_ids: dict[str, str], located: _Located, where: tuple[Any, ...]) -> dict[str, Any] | None:
        ref = item["ref"]
        if not isinstance(ref, str) or not ref.startswith(PREFIX):
            self.error(located, where, "catalogue_ref_malformed", value=str(ref))
            return None
        target = ref[len(PREFIX):]
        found = cat.resolve(self.catalogue, target)
        if found is None or (section == "platforms" and not isinstance(found, cat.Offer)):
            from bleu_assess.inventory.walker import closest

            providers = section == "providers"
            choices = cat.all_refs(self.catalogue) if providers else [o.ref for o in self.catalogue.offers()]
            # A typo (`ovhclod`), else a shortened name (`ovh`, `outscale`): the shortest ref it starts or ends.
            hint = closest(target, choices) or min(
                (c for c in choices if len(target) >= 3 and (c.startswith(target) or c.split("/")[0].endswith(target))),
                key=lambda c: (len(c), c), default="")
            self.error(located, where, "unknown_catalogue_provider" if providers else "unknown_catalogue_offer",
                       value=target, hint=hint)
            return None
        inline = {k: v for k, v in item.items() if k != "ref"}
        if section == "providers":
            # A provider seen through one of its offers (PROVIDER/OFFER) has that offer's facts
            # only; else those of the offers the inventory's platforms use, else all of them.
            if isinstance(found, cat.Offer):
                offers, found = [found], self.catalogue.providers[found.provider]
            else:
                offers = [o for o in found.offers if o.id in chosen.get(found.id, ())] or list(found.offers)
            built, facts = self.provider(found, offers, v2, located, where)
            default_id = found.id
        else:
            assert isinstance(found, cat.Offer)  # a platform's ref names an offer (checked above)
            built, facts = self.offer(found, v2)
            default_id = f"{found.provider}-{found.id}"
            provider = provider_ids.get(found.provider) or self.catalogue_providers.get(found.provider)
            if provider is None and "provider" not in inline and found.provider not in self.inventory_providers:
                # An offer of the catalogue names its provider: say which entry to add, rather
                # than an unknown provider id the user never wrote.
                self.error(located, where, "catalogue_offer_provider_missing", value=target, provider=found.provider)
                return None
            built["provider"] = provider or found.provider
        built = {"id": default_id, **built}
        # Fields the catalogue has and the inventory writes too; others only add what it lacks.
        overrides = tuple(k for k in inline if k in built and k not in ("id", "provider"))
        built.update(inline)
        for name in overrides:
            facts.pop(name, None)
        if section == "providers":
            provider_ids.setdefault(found.id, built["id"])
        self.entries.append(ResolvedEntry(section, str(built["id"]), target, facts, overrides))
        return built

    def provider(self, entry: cat.ProviderEntry, offers: list[cat.Offer], v2: bool, located: _Located,
                 where: tuple[Any, ...]) -> tuple[dict[str, Any], dict[str, tuple[cat.Fact, ...]]]:
        built, facts, put = _collector()
        f = entry.facts
        put("name", f["name"].value, [f["name"]])
        if "kind" in f:
            put("kind", f["kind"].value, [f["kind"]])
        country = f.get("parent_country") or f.get("seat")
        if country is not None:
            put("headquarters", country.value, [country])
        regions = [o.facts["regions"] for o in offers if "regions" in o.facts]
        if regions:
            put("regions", _union(r.value for r in regions), regions)
        for name in ("support_regions", *(("admin_regions",) if v2 else ())):
            if name in f:
                put(name, list(f[name].value), [f[name]])
        if v2:
            # v2: the offers' own qualifications, scopes and dates (judged by the rules on the
            # assessment date), for a hosting or a subprocessor that names the provider only.
            self.offer_facts(offers, put)
            return built, facts
        # v1: the provider's qualifications cover all its offers; only those that count today.
        held = self.counting(offers, located, where)
        if held:
            put("qualifications", list(held), [x for xs in held.values() for x in xs])
        waiting = {p.id: p.fact for o in offers for p in o.pending if p.id not in held}
        if waiting:
            put("pending_qualifications", sorted(waiting), waiting.values())
        return built, facts

    @staticmethod
    def offer_facts(offers: list[cat.Offer], put: Any) -> None:
        """`put(field, value, facts)` the v2 qualifications, pending qualifications and HDS
        activities of `offers` (an offer, or the offers a provider entry stands for)."""
        qualifications = [q for o in offers for q in o.qualifications]
        if qualifications:
            put("qualifications", [_qualification(q) for q in qualifications], [q.fact for q in qualifications])
        pending = [p for o in offers for p in o.pending]
        if pending:
            put("pending_qualifications", [_pending(p) for p in pending], [p.fact for p in pending])
        activities = [o.facts["hds_activities"] for o in offers if "hds_activities" in o.facts]
        if activities:
            put("hds_activities", sorted({a for f in activities for a in f.value}), activities)

    def counting(self, offers: list[cat.Offer], located: _Located,
                 where: tuple[Any, ...]) -> dict[str, list[cat.Fact]]:
        held: dict[str, list[cat.Fact]] = {}
        for offer in offers:
            for q in offer.qualifications:
                if q.counts_on(self.day):
                    held.setdefault(q.id, []).append(q.fact)
                elif q.until and cat.parse_date(q.until) < self.day:
                    self.warnings.append(_coded(located.file, located.position, (*where, "ref"),
                                                "catalogue_qualification_expired",
                                                {"qualification": q.id, "offer": offer.ref, "until": q.until,
                                                 "day": self.day.isoformat()}, "warning"))
            if "hds_activities" in offer.facts:
                activities = offer.facts["hds_activities"]
                shown = "hds (activities " + ", ".join(map(str, activities.value)) + ")"
                held.setdefault("hds", []).append(replace(activities, value=shown))
        return dict(sorted(held.items()))

    def offer(self, offer: cat.Offer, v2: bool) -> tuple[dict[str, Any], dict[str, tuple[cat.Fact, ...]]]:
        built, facts, put = _collector()
        f = offer.facts
        if "models" in f:
            put("models", list(f["models"].value) if v2 else [m for m in f["models"].value if m in _V1_MODELS],
                [f["models"]])
        if not v2:
            return built, facts
        for name in ("regions", "support_regions", "admin_regions", "services"):
            if name in f:
                put(name, list(f[name].value), [f[name]])
        self.offer_facts([offer], put)
        return built, facts


def _collector() -> tuple[dict[str, Any], dict[str, tuple[cat.Fact, ...]], Any]:
    """An entry being built, the catalogue facts behind each field, and `put(field, value, facts)`."""
    built: dict[str, Any] = {}
    facts: dict[str, tuple[cat.Fact, ...]] = {}

    def put(name: str, value: Any, used: Iterable[cat.Fact]) -> None:
        built[name] = value
        facts[name] = tuple(used)

    return built, facts, put


def _union(lists: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(x for values in lists for x in values))


def _day(text: str | None, end: bool) -> str | None:
    """A catalogue date as the inventory's YYYY-MM-DD; a month is read conservatively by the caller."""
    return None if text is None else cat.parse_date(text, end).isoformat()


def _qualification(q: cat.Qualification) -> dict[str, Any]:
    # A month-precise start counts from the month's end, a month-precise end from its start:
    # never claim a qualification on a day the source does not cover.
    out: dict[str, Any] = {"id": q.id, "scope": list(q.scope)}
    if q.since:
        out["since"] = _day(q.since, end=True)
    if q.until:
        out["until"] = _day(q.until, end=False)
    evidence = "; ".join(filter(None, [q.evidence, *(s.address for s in q.fact.sources)]))
    out["evidence"] = f"catalogue: {evidence}"
    return out


def _pending(p: cat.Pending) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id}
    if p.milestone:
        out["milestone"] = p.milestone
    if p.since:
        out["since"] = _day(p.since, end=False)
    if p.expected:
        out["expected"] = _day(p.expected, end=True)
    return out


REF_PATTERN = r"^catalogue:[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)?$"


def allow_refs(schema: dict[str, Any]) -> None:
    """Let the inventory's JSON Schema accept `ref:` entries in providers and platforms: the same
    fields, none required but `ref` (the catalogue supplies the rest)."""
    for section in SECTIONS:
        items = schema["properties"][section]["items"]
        referring = {**items, "properties": {"ref": {"type": "string", "pattern": REF_PATTERN,
                                                     "description": "catalogue:PROVIDER or catalogue:PROVIDER/OFFER: "
                                                     "the entry the catalogue of offers describes; the fields "
                                                     "written beside it override the catalogue's"},
                                             **items["properties"]}, "required": ["ref"]}
        schema["properties"][section]["items"] = {"anyOf": [items, referring]}
