"""How far a verdict rests on catalogue facts that are not all official: each finding whose
evidence names a provider or offer resolved from the catalogue of offers (`ref: catalogue:…`),
and each item, gets the worst confidence of those facts (official, secondary, unverified,
uncertain; docs/catalogue.md). Shown as † in every output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from bleu_assess.inventory.catalogue_refs import Resolution, ResolvedEntry, worst

# Evidence keys that come from provider or offer facts: a finding using one rests on them.
_PROVIDER_FACTS = ("provider.", "providers.", "hosting.provider", "hosting.region", "hosting.platform",
                   "hosting.kind", "hosting.qualifications", "hosting.pending_qualifications", "hds.",
                   "data.regions", "data.support_regions", "data.admin_regions", "data.storage_regions",
                   "exposure.", "platform.")


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
    # Findings of one item often rest on the same names: their mark is computed once.
    marks_seen: dict[tuple[Any, ...], str | None] = {}
    for item in result.items:
        findings = []
        for f in item.findings:
            mark = None
            if any(key.startswith(_PROVIDER_FACTS) for key in f.evidence):
                platform = item.platform if any(k.startswith("platform.") for k in f.evidence) else None
                names = tuple(sorted({name for value in f.evidence.values() for name in _ids(value)}))
                key = (item.id, platform, names)
                if key not in marks_seen:
                    entries = item_entries(resolution, inventory, item.id, {"names": names}, platform)
                    marks_seen[key] = worst(e.confidence for e in entries if e.confidence)
                mark = marks_seen[key]
            findings.append(replace(f, confidence=mark) if mark and mark != "official" else f)
        platform = resolution.entry("platforms", item.platform)
        marks = [f.confidence for f in findings if f.confidence]
        if platform is not None and platform.confidence:
            marks.append(platform.confidence)
        mark = worst(marks)
        items.append(replace(item, findings=tuple(findings), confidence=mark if mark != "official" else None))
    return replace(result, items=tuple(items))
