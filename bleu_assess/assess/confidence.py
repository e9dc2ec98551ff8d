"""How far a verdict rests on catalogue facts that are not all official: each finding whose
evidence names a provider or offer resolved from the catalogue of offers (`ref: catalogue:…`),
and each item, gets the worst confidence of those facts (official, secondary, unverified,
uncertain; docs/catalogue.md). Shown as † in every output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from bleu_assess.assess.results import Finding
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


def rests_on_catalogue(names: Iterable[str]) -> bool:
    """Whether a finding whose evidence shows the facts `names` rests on provider or offer facts
    (and may take a mark)."""
    return any(name.startswith(_PROVIDER_FACTS) for name in names)


class Marks:
    """The confidence marks of one inventory's findings and items, as the evaluation makes them
    (assess/evaluate.py) for an inventory resolved from the catalogue, remembered: a
    finding's mark depends on its item only through the item's hosting (provider and offer), so
    it is computed once per hosting, landing platform and catalogue names in the evidence.
    Evidence dicts are shared by findings alike (evaluate._Check): what one needs is read once,
    and a finding shared by items alike is marked once per mark."""

    def __init__(self, inventory: Any) -> None:
        self.inventory = inventory
        self.resolution: Resolution = inventory.catalogue
        self.catalogued = {name for section, name in self.resolution.by_key if section in ("providers", "platforms")}
        self._marks: dict[tuple[Any, ...], str | None] = {}
        self._evidence: dict[int, tuple[bool, bool, tuple[str, ...]]] = {}
        self._keys: dict[tuple[str, ...], tuple[bool, bool]] = {}  # by evidence keys: provider facts, platform
        self._marked: dict[tuple[int, str], Finding] = {}
        self._platforms: dict[str | None, str | None] = {}

    def item(self, item_id: str, findings: tuple[Finding, ...], platform: str | None,
             which: Iterable[int] | None, hosted: tuple[str | None, str | None] | None) -> tuple[tuple[Finding, ...],
                                                                                                str | None]:
        """An item's findings, marked (the same tuple when none is), and the item's mark (None
        for official facts or none): `which` are the positions of the findings that may rest on
        catalogue facts (`rests_on_catalogue`; None: all); `hosted`, for an application with a
        hosting, its hosting provider's id (Inventory.hosting_provider) and its offer's (its facts
        `hosting.provider` and `hosting.platform`), else None."""
        inventory = self.inventory
        changed: list[Finding] | None = None
        for index in range(len(findings)) if which is None else which:
            f = findings[index]
            evidence = f.evidence
            seen = self._evidence.get(id(evidence))
            if seen is None:
                uses = self._keys.get(tuple(evidence))
                if uses is None:
                    uses = self._keys[tuple(evidence)] = (rests_on_catalogue(evidence),
                                                          any(k.startswith("platform.") for k in evidence))
                # Only the names of catalogue entries count (not applications, countries...), and
                # only for a finding resting on provider facts: the others get no mark.
                seen = self._evidence[id(evidence)] = (*uses, _names(evidence, self.catalogued) if uses[0] else ())
            provider_facts, uses_platform, names = seen
            if not provider_facts:
                continue
            shown = platform if uses_platform else None
            key = (hosted, shown, names)  # a tuple's hash is not kept: looked up once
            mark = self._marks.get(key, _UNSEEN)
            if mark is _UNSEEN:
                entries = item_entries(self.resolution, inventory, item_id, {"names": names}, shown)
                mark = self._marks[key] = worst(e.confidence for e in entries if e.confidence)
            if mark and mark != "official":
                found = self._marked.get((id(f), mark))
                if found is None:
                    found = self._marked[(id(f), mark)] = replace(f, confidence=mark)
                if changed is None:
                    changed = list(findings)
                changed[index] = found
        if changed is not None:
            findings = tuple(changed)
        if platform not in self._platforms:
            entry = self.resolution.entry("platforms", platform)
            self._platforms[platform] = entry.confidence if entry is not None else None
        marks = [f.confidence for f in findings if f.confidence]
        if self._platforms[platform]:
            marks.append(self._platforms[platform])  # type: ignore[arg-type]
        mark = worst(marks) if marks else None
        return findings, mark if mark != "official" else None


_UNSEEN: Any = object()  # a key not in Marks._marks (whose marks may be None)


def _names(evidence: Mapping[str, Any], catalogued: set[str]) -> tuple[str, ...]:
    """The names of catalogue entries the evidence shows, sorted (its values are ids, lists of
    ids, exposure paths...: nested lists are read through)."""
    found = set()
    for value in evidence.values():
        if isinstance(value, str):
            if value in catalogued:
                found.add(value)
        elif isinstance(value, (list, tuple)):
            for element in value:
                if isinstance(element, str):
                    if element in catalogued:
                        found.add(element)
                else:
                    found.update(name for name in _ids(element) if name in catalogued)
    return tuple(sorted(found))
