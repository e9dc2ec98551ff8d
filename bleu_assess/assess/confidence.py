"""How far a verdict rests on catalogue facts that are not all official: each finding whose
evidence names a provider or offer resolved from the catalogue of offers (`ref: catalogue:…`),
and each item, gets the worst confidence of those facts (official, secondary, unverified,
uncertain; docs/catalogue.md). Shown as † in every output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from operator import attrgetter
from typing import Any

from bleu_assess.assess.results import ItemVerdict
from bleu_assess.inventory.catalogue_refs import Resolution, ResolvedEntry, worst

# Evidence keys that come from provider or offer facts: a finding using one rests on them.
_PROVIDER_FACTS = ("provider.", "providers.", "hosting.provider", "hosting.region", "hosting.platform",
                   "hosting.kind", "hosting.qualifications", "hosting.pending_qualifications", "hds.",
                   "data.regions", "data.support_regions", "data.admin_regions", "data.storage_regions",
                   "exposure.", "platform.")


# Every field of an item but `confidence`, its last: most items of an estate on catalogue offers
# get a mark, and building them positionally costs half of dataclasses.replace.
_FIELDS = [f.name for f in fields(ItemVerdict)]
if _FIELDS[-1] != "confidence":
    raise ImportError("ItemVerdict.confidence must remain its last field (confidence._with_confidence)")
_kept = attrgetter(*_FIELDS[:-1])


def _with_confidence(item: ItemVerdict, confidence: str | None) -> ItemVerdict:
    return ItemVerdict(*(*_kept(item), confidence))


def _ids(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for element in value:
            yield from _ids(element)


def item_entries(resolution: Resolution, inventory: Any, item_id: str, evidence: Mapping[str, Any] | None = None,
                 platform: str | None = None) -> list[ResolvedEntry]:
    """The catalogue entries an item's verdict rests on: its hosting provider and offer, its
    landing platform and the providers named in `evidence` (all of the evidence's when None)."""
    found: dict[tuple[str, str], ResolvedEntry] = {}

    def add(section: str, entry_id: str | None) -> None:
        entry = resolution.entry(section, entry_id)
        if entry is not None:
            found[(section, entry.id)] = entry

    app = inventory.applications_by_id.get(item_id)
    if app is not None and app.hosting is not None:
        host = inventory.hosting_provider(app)
        add("providers", host.id if host else None)
        add("platforms", app.hosting.platform)
    if platform:
        add("platforms", platform)
        chosen = inventory.platforms_by_id.get(platform)
        add("providers", chosen.provider if chosen else None)
    for value in (evidence or {}).values():
        for name in _ids(value):
            add("providers", name)
            add("platforms", name)
    return sorted(found.values(), key=lambda e: (e.section, e.id))


def annotate(result: Any, inventory: Any) -> Any:
    """The scan result with `confidence` on each finding that rests on catalogue facts that are
    not all official, and on each item (its findings' and its platform's worst)."""
    resolution: Resolution = inventory.catalogue
    items = []
    # A finding's mark depends on its item only through the item's hosting (provider and offer):
    # it is computed once per hosting, landing platform and catalogue names in the evidence. Evidence
    # dicts are shared by findings alike (evaluate._Check): what one needs is read once.
    marks_seen: dict[tuple[Any, ...], str | None] = {}
    evidence_seen: dict[int, tuple[bool, bool, tuple[str, ...]]] = {}
    keys_seen: dict[tuple[str, ...], tuple[bool, bool]] = {}  # by evidence keys: provider facts, platform
    catalogued = {name for section, name in resolution.by_key if section in ("providers", "platforms")}
    platform_marks: dict[str | None, str | None] = {}
    for item in result.items:
        app = inventory.applications_by_id.get(item.id)
        hosted = None
        if app is not None and app.hosting is not None:
            host = inventory.hosting_provider(app)
            hosted = (host.id if host else None, app.hosting.platform)
        findings = []
        changed = False
        for f in item.findings:
            evidence = f.evidence
            seen = evidence_seen.get(id(evidence))
            if seen is None:
                uses = keys_seen.get(tuple(evidence))
                if uses is None:
                    uses = keys_seen[tuple(evidence)] = (any(key.startswith(_PROVIDER_FACTS) for key in evidence),
                                                         any(k.startswith("platform.") for k in evidence))
                # Only the names of catalogue entries count (not applications, countries...), and
                # only for a finding resting on provider facts: the others get no mark.
                names = tuple(sorted({name for value in evidence.values() for name in _ids(value)
                                      if name in catalogued})) if uses[0] else ()
                seen = evidence_seen[id(evidence)] = (*uses, names)
            mark = None
            provider_facts, uses_platform, names = seen
            if provider_facts:
                platform = item.platform if uses_platform else None
                key = (hosted, platform, names)
                if key not in marks_seen:
                    entries = item_entries(resolution, inventory, item.id, {"names": names}, platform)
                    marks_seen[key] = worst(e.confidence for e in entries if e.confidence)
                mark = marks_seen[key]
            if mark and mark != "official":
                f = replace(f, confidence=mark)
                changed = True
            findings.append(f)
        if item.platform not in platform_marks:
            entry = resolution.entry("platforms", item.platform)
            platform_marks[item.platform] = entry.confidence if entry is not None else None
        marks = [f.confidence for f in findings if f.confidence]
        if platform_marks[item.platform]:
            marks.append(platform_marks[item.platform])
        mark = worst(marks) if marks else None
        confidence = mark if mark != "official" else None
        if changed:
            item = replace(item, findings=tuple(findings), confidence=confidence)
        elif confidence != item.confidence:
            item = _with_confidence(item, confidence)
        items.append(item)
    return replace(result, items=tuple(items))
