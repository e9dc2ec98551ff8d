"""The fit matrix: each application against each candidate offer (`bleu-assess fit`).

Whether an offer fits is the engine's own answer: the inventory is assessed once per candidate
with that offer as its only platform, and the offer fits when the engine lands the application on
it. An offer that would fit once a pending qualification is granted, or whose qualification
expires within 90 days of the assessment date, fits with conditions. The reason an offer does not
fit is told in one phrase, from the first requirement it misses, in that order: the service
model, the regions and non-EU law of the application's target (rulesets/verdicts.yaml), then the
qualifications the target and the rules that fired for the application require (the rules'
`requires_qualifications`, e.g. a certification for health data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bleu_assess.refdata import region_groups, verdict_model

if TYPE_CHECKING:
    from bleu_assess.model import Inventory, Platform
    from bleu_assess.results import ItemVerdict
    from bleu_assess.rules.model import Ruleset

STATUSES = ("fits", "fits-with-conditions", "does-not-fit", "not-moving")
EXPIRY_WARNING_DAYS = 90


@dataclass(frozen=True, slots=True)
class Cell:
    """One application against one offer: `status` (STATUSES), `reason` (a code worded by
    templates/i18n/fit.*.yaml) and the values the wording needs."""

    status: str
    reason: str
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    name: str
    target: str
    cells: tuple[Cell, ...]  # one per offer, in `FitMatrix.offers` order


@dataclass(frozen=True, slots=True)
class FitMatrix:
    offers: tuple[str, ...]
    rows: tuple[Row, ...]
    day: dt.date
    catalogue: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"offers": list(self.offers), "assessed_on": self.day.isoformat(), "catalogue": self.catalogue,
                "applications": [{"id": r.id, "name": r.name, "target": r.target,
                                  "offers": {o: {"status": c.status, "reason": c.reason, **c.values}
                                             for o, c in zip(self.offers, r.cells)}} for r in self.rows]}


def fit(inventory: "Inventory", rulesets: list["Ruleset"], lang: str, offers: list[str] | None = None,
        day: dt.date | None = None) -> FitMatrix:
    """The matrix for `offers` (platform ids; default: every platform of the inventory).
    Raises KeyError naming an unknown offer."""
    from bleu_assess import api
    from bleu_assess.catalogue import assessment_date

    day = day or assessment_date()
    chosen = [inventory.platforms_by_id[o] for o in offers] if offers else sorted(inventory.platforms, key=lambda p: p.id)
    # What each rule demands of a landing zone (a certification for health data, ...), so that a
    # refusal can name it: rulesets are data, read here rather than known by heart.
    demands = {(f"{r.id}@{r.version}", rule.id): tuple(rule.verdict.get("requires_qualifications") or ())
               for r in rulesets for rule in r.rules}
    columns: list[dict[str, Cell]] = []
    names: dict[str, tuple[str, str]] = {}
    for platform in chosen:
        alone = replace(inventory, platforms=(platform,))
        ig = api.graph(alone)
        result = api.assess(alone, rulesets, lang, ig)
        judge = _Judge(alone, ig, platform, day, demands)
        column = {}
        for verdict in result.applications:
            names[verdict.id] = (verdict.name, verdict.target)
            column[verdict.id] = judge.cell(verdict)
        columns.append(column)
    rows = tuple(Row(app_id, name, target, tuple(col[app_id] for col in columns))
                 for app_id, (name, target) in sorted(names.items()))
    resolution = inventory.catalogue
    return FitMatrix(tuple(p.id for p in chosen), rows, day, resolution.to_dict() if resolution else None)


def _pending(verdict: "ItemVerdict") -> tuple[str, ...]:
    """The offers the engine says would fit once a pending qualification is granted: the
    verdict's own list when the results carry one (format v2), else the `platform.pending` fact
    its findings used."""
    listed = getattr(verdict, "pending_platforms", None)
    if listed is not None:
        return tuple(listed)
    return tuple(p for f in verdict.findings for p in f.evidence.get("platform.pending") or ())


class _Judge:
    def __init__(self, inventory: "Inventory", ig: Any, platform: "Platform", day: dt.date,
                 demands: dict[tuple[str, str], tuple[str, ...]]) -> None:
        from bleu_assess.analysis import Analysis

        self.inventory, self.platform, self.day, self.demands = inventory, platform, day, demands
        self.provider = inventory.provider(platform.provider)
        self.exposed = Analysis(ig).providers[platform.provider].exposed if self.provider else True
        self.model = verdict_model()
        self.groups = region_groups()

    def cell(self, verdict: "ItemVerdict") -> Cell:
        requirement = self.model.target_requirements.get(verdict.target)
        if requirement is None:
            return Cell("not-moving", "target", {"target": verdict.target})
        if verdict.platform == self.platform.id:
            return self.conditions() or Cell("fits", "meets", {"target": verdict.target})
        return self.miss(verdict, requirement)

    def conditions(self) -> Cell | None:
        """A qualification of the offer's catalogue entry that expires within 90 days."""
        resolution = self.inventory.catalogue
        entry = resolution.entry("platforms", self.platform.id) if resolution else None
        if entry is None:
            return None
        from bleu_assess import catalogue as cat

        offer = cat.resolve(resolution.catalogue, entry.ref)
        for q in getattr(offer, "qualifications", ()):
            if q.until and q.counts_on(self.day) and (cat.parse_date(q.until) - self.day).days <= EXPIRY_WARNING_DAYS:
                return Cell("fits-with-conditions", "expires", {"qualification": q.id, "until": q.until})
        return None

    def miss(self, verdict: "ItemVerdict", requirement: dict[str, Any]) -> Cell:
        app = self.inventory.applications_by_id[verdict.id]
        if app.strategy in self.model.strategy_models:
            models = self.model.strategy_models[app.strategy]
        else:
            models = self.model.landing_models[app.hosting.model if app.hosting else "unknown"]
        provider = self.provider
        if not set(models).intersection(self.platform.models):
            return Cell("does-not-fit", "model", {"needs": ", ".join(models), "offers": ", ".join(self.platform.models)})
        if provider is None:
            return Cell("does-not-fit", "other", {})
        group = requirement["regions"]
        if group and not (provider.regions and self.groups[group.lstrip("@")].issuperset(provider.regions)):
            outside = [r for r in provider.regions if r not in self.groups[group.lstrip("@")]]
            return Cell("does-not-fit", "regions" if outside else "regions-unknown", {"regions": ", ".join(outside)})
        if requirement["not_exposed"] and self.exposed:
            return Cell("does-not-fit", "exposed", {"provider": provider.id})
        if self.platform.id in _pending(verdict):
            waiting = [q for q in provider.pending_qualifications if q not in provider.qualifications]
            return Cell("fits-with-conditions", "pending", {"qualifications": ", ".join(waiting)})
        needed = dict.fromkeys([*requirement["qualifications"],
                                *(q for f in verdict.findings for q in self.demands.get((f.ruleset, f.rule), ()))])
        missing = [q for q in needed if q not in provider.qualifications]
        if missing:
            return Cell("does-not-fit", "qualification", {"qualifications": ", ".join(missing)})
        # The target's own requirements are met: the application's data requires more (for
        # example a certification for health data), which the findings of `explain` name.
        return Cell("does-not-fit", "data-requirement", {"provider": provider.id})
