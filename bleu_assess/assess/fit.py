"""The fit matrix: each application against each candidate offer (`bleu-assess fit`).

Whether an offer fits is the engine's own answer: the inventory is assessed once per candidate
with that offer as its only landing zone (the offers applications run on today stay, selling
nothing), and the offer fits when the engine lands the application on it. An offer that would fit
once a pending qualification is granted, or whose qualification expires within 90 days of the
assessment date (`expiry_warning_days` of rulesets/verdicts.yaml), fits with conditions; one whose
qualification ended before that date does not fit, and says so with the day (check the renewal),
never as a qualification it never held. The reason an offer does not
fit is told in one phrase, from the first requirement it misses, in the engine's order: the
service model (for a SaaS offer, the application's service among those it provides), the regions,
non-EU law and seat of the application's target (rulesets/verdicts.yaml), then the qualifications
the target and the rules that fired for the application require (the rules'
`requires_qualifications`, e.g. a certification for health data), counted at the offer's grain
(inventory format v2: in force on the date, scope covering the service model, HDS by activities).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bleu_assess.assess.analysis import SNC
from bleu_assess.rules.refdata import region_groups, verdict_model

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from bleu_assess.assess.evaluate import Evaluator
    from bleu_assess.inventory.model import Inventory, Platform
    from bleu_assess.rules.model import Ruleset

# `undecided`: whether the offer fits rests on a fact the inventory does not declare (never a "no").
STATUSES = ("fits", "fits-with-conditions", "undecided", "does-not-fit", "not-moving")


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
    provisional: bool = False  # the target rests on facts missing from the inventory (scan's `undecided`)


@dataclass(frozen=True, slots=True)
class FitMatrix:
    offers: tuple[str, ...]
    rows: tuple[Row, ...]
    day: dt.date
    catalogue: dict[str, str] | None = None
    # offer -> the confidence of the catalogue facts it and its provider rest on, when not all
    # official (secondary, unverified, uncertain): every cell of its column reads those facts.
    confidence: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"offers": list(self.offers), "assessed_on": self.day.isoformat(), "catalogue": self.catalogue,
                **({"offer_confidence": self.confidence} if self.confidence else {}),
                "applications": [{"id": r.id, "name": r.name, "target": r.target,
                                  **({"undecided": ["target"]} if r.provisional else {}),
                                  "offers": {o: {"status": c.status, "reason": c.reason, **c.values}
                                             for o, c in zip(self.offers, r.cells)}} for r in self.rows]}


def fit(inventory: Inventory, rulesets: list[Ruleset], lang: str, offers: list[str] | None = None,
        day: dt.date | None = None, targets: Mapping[str, str] | None = None,
        undecided: Collection[str] = ()) -> FitMatrix:
    """The matrix for `offers` (platform ids; default: every platform of the inventory).
    Raises KeyError naming an unknown offer. `targets`: each application's target as `scan`
    gave it for the same inventory, rulesets and day, when the caller has it (the report), with
    `undecided`, the applications whose target scan marks undecided: otherwise the inventory is
    assessed once more to know them. A provisional target never shows as a plain fit.

    Each candidate's assessment decides the applications only (`Evaluator.decide`): their target,
    landing offer and the rules that fired, as `assess` decides them, without the findings' texts
    or the datasets' verdicts, which no cell reads. `lang` is kept for callers; cells are codes."""
    from bleu_assess import gcpause
    from bleu_assess.assess.evaluate import Evaluator
    from bleu_assess.assess.landing import Expiry, LandingZones
    from bleu_assess.inventory.catalogue import assessment_date
    from bleu_assess.inventory.graph import build_graph

    day = day or assessment_date()
    chosen = [inventory.platforms_by_id[o] for o in offers] if offers else sorted(inventory.platforms, key=lambda p: p.id)
    # What each rule demands of a landing zone (a certification for health data, ...), so that a
    # refusal can name it: rulesets are data, read here rather than known by heart.
    demands = {(r.ref, rule.id): tuple(rule.verdict.get("requires_qualifications") or ())
               for r in rulesets for rule in r.rules}
    columns: list[dict[str, Cell]] = []
    names = {a.id: a.name for a in inventory.applications}
    hosted = {a.hosting.platform for a in inventory.applications if a.hosting and a.hosting.platform}
    as_of = day.isoformat()
    with gcpause.paused():
        whole = Evaluator(build_graph(inventory), rulesets, lang, as_of)
        # Each row reads against the application's target as `scan` gives it (every offer declared).
        if targets is None:
            assessed = {app.id: whole.decide(app, "application") for app in inventory.applications}
            targets = {a: d[0]["verdict.target"] for a, d in assessed.items()}
            undecided = {a for a, d in assessed.items() if "target" in whole.undecided(d[3])}
        scanned, provisional = targets, set(undecided)
        for platform in chosen:
            # The offers applications run on today stay known (their facts judge the current
            # hosting) but sell nothing to land on: the candidate is the only landing zone.
            alone = replace(inventory, platforms=tuple(p if p.id == platform.id else replace(p, models=())
                                                       for p in inventory.platforms
                                                       if p.id == platform.id or p.id in hosted))
            # Facts never read what an offer sells, and read the offers nobody runs on only to say
            # whether a provider backs one (`provider.offers_platform`, as `scan` says it): the
            # whole inventory's facts serve every candidate, whose landing zones alone change.
            evaluator = copy.copy(whole)
            evaluator.landing = LandingZones(alone, whole.analysis, as_of)
            evaluator.expiry = Expiry(alone, whole.model, as_of)
            judge = _Judge(alone, evaluator, platform, day, demands)
            column = {}
            for app in alone.applications:
                facts, _, fired, _ = evaluator.decide(app, "application")
                decided = _Decided(app.id, facts["verdict.target"], facts["platform.id"], facts["platform.pending"],
                                   _shown(fired))
                column[app.id] = judge.cell(decided)
            columns.append(column)
    # A cell that meets another target than the row's (an EU offer accepted as the fallback of a
    # recommended scope, where a qualified offer gives the application SecNumCloud) says so.
    rows = tuple(Row(app_id, name, scanned[app_id],
                     tuple(_under(col[app_id], scanned[app_id], app_id in provisional) for col in columns),
                     app_id in provisional)
                 for app_id, name in sorted(names.items()))
    resolution = inventory.catalogue
    return FitMatrix(tuple(p.id for p in chosen), rows, day, resolution.to_dict() if resolution else None,
                     _confidence(inventory, chosen))


def _confidence(inventory: Inventory, offers: list[Any]) -> dict[str, str]:
    """Each offer's catalogue confidence: the worst of its entry's and its provider's, when one
    of them is taken from the catalogue and not all official (assess/confidence.py)."""
    from bleu_assess.assess.confidence import item_entries
    from bleu_assess.inventory.catalogue_refs import worst

    resolution = inventory.catalogue
    if resolution is None:
        return {}
    out = {}
    for offer in offers:
        mark = worst(e.confidence for e in item_entries(resolution, inventory, "", None, offer.id) if e.confidence)
        if mark and mark != "official":
            out[offer.id] = mark
    return out


@dataclass(frozen=True, slots=True)
class _Decided:
    """What a cell reads of one application's assessment: its target, the offer it lands on, the
    offers that would fit once pending qualifications are granted, and the (ruleset ref, rule id)
    of each finding the assessment shows, in the findings' order."""

    id: str
    target: str
    platform: str | None
    pending_platforms: tuple[str, ...]
    rules: tuple[tuple[str, str], ...]


def _shown(fired: list[Any]) -> tuple[tuple[str, str], ...]:
    """The rule each finding of these fired checks is shown under, as `assess` orders its findings:
    rules `about` one fact make one finding under the most severe (ties: the first rule id), as
    assess/merge.py merges them; findings by severity, then rule id."""
    from bleu_assess.vocab import SEVERITY_RANK

    leaders: dict[Any, Any] = {}
    for check in fired:
        rule = check.rule
        group = rule.about if rule.about is not None else ("rule", rule.id)
        best = leaders.get(group)
        if best is None or (SEVERITY_RANK[rule.severity], rule.id) < (SEVERITY_RANK[best.rule.severity], best.rule.id):
            leaders[group] = check
    ordered = sorted(leaders.values(), key=lambda c: (SEVERITY_RANK[c.rule.severity], c.rule.id))
    return tuple((c.ruleset.ref, c.rule.id) for c in ordered)


def _under(cell: Cell, target: str, provisional: bool = False) -> Cell:
    """A cell as the row's target reads it: an offer the engine accepts only as the fallback of a
    recommended scope (an EU offer where SecNumCloud is recommended) fits with that condition,
    never plainly under the stronger target (a new-user trial read ✓ under "SecNumCloud"); an
    offer meeting a provisional target (facts missing, e.g. unclassified data) fits only on
    condition that the target holds once they are known (an auditor's trial read ✓ for an
    application whose data nobody had classified)."""
    if provisional and cell.status == "fits":
        return Cell("fits-with-conditions", "provisional", {"target": target})
    if cell.status == "fits" and cell.values.get("target") not in (None, target):
        return Cell("fits-with-conditions", "fallback", {"target": cell.values["target"], "preferred": target})
    return cell


class _Judge:
    def __init__(self, inventory: Inventory, evaluator: Evaluator, platform: Platform, day: dt.date,
                 demands: dict[tuple[str, str], tuple[str, ...]]) -> None:
        from bleu_assess.rules.refdata import hds_activities

        self.inventory, self.platform, self.day, self.demands = inventory, platform, day, demands
        self.provider = inventory.provider(platform.provider)
        self.exposed = evaluator.analysis.providers[platform.provider].exposed if self.provider else True
        self.model = verdict_model()
        self.groups = region_groups()
        self.hds_by_model = hds_activities().by_hosting

    def cell(self, verdict: _Decided) -> Cell:
        requirement = self.model.target_requirements.get(verdict.target)
        if requirement is None:
            return Cell("not-moving", "target", {"target": verdict.target})
        needed = self.needed(verdict, requirement)
        if verdict.platform == self.platform.id:
            return self.conditions(needed) or Cell("fits", "meets", {"target": verdict.target})
        return self.miss(verdict, requirement, needed)

    def needed(self, verdict: _Decided, requirement: dict[str, Any]) -> list[str]:
        """The qualifications the target and the rules that fired for the application require."""
        return list(dict.fromkeys([*requirement["qualifications"],
                                   *(q for key in verdict.rules for q in self.demands.get(key, ()))]))

    def dated(self) -> list[tuple[str, str]]:
        """(qualification id, until YYYY-MM-DD) of the offer: its own dates (format v2), else those
        of its catalogue entry (a v1 inventory holds qualifications without dates)."""
        own = [(q.id, q.until) for q in self.platform.qualifications or () if q.until]
        resolution = self.inventory.catalogue
        entry = resolution.entry("platforms", self.platform.id) if resolution else None
        if own or entry is None:
            return own
        from bleu_assess.inventory import catalogue as cat

        offer = cat.resolve(resolution.catalogue, entry.ref)
        return [(q.id, cat.parse_date(q.until, end=False).isoformat())
                for q in getattr(offer, "qualifications", ()) if q.until]

    def conditions(self, needed: list[str]) -> Cell | None:
        """A qualification the application needs that is in force and expires within the warning window."""
        day = self.day.isoformat()
        for q_id, until in sorted(self.dated(), key=lambda d: d[1]):
            if q_id in needed and day <= until and (dt.date.fromisoformat(until) - self.day).days <= self.model.expiry_warning_days:
                return Cell("fits-with-conditions", "expires", {"qualification": q_id, "until": until})
        return None

    def lapsed(self) -> dict[str, str]:
        """Each qualification of the offer whose every dated entry ended before the day: its last
        day (YYYY-MM-DD). One still in force, or without an end, is not lapsed."""
        day = self.day.isoformat()
        ends: dict[str, list[str]] = {}
        for q_id, until in self.dated():
            ends.setdefault(q_id, []).append(until)
        undated = {q.id for q in self.platform.qualifications or () if not q.until}
        return {q_id: max(days) for q_id, days in ends.items() if q_id not in undated and max(days) < day}

    def miss(self, verdict: _Decided, requirement: dict[str, Any], needed: list[str]) -> Cell:
        """Why the engine did not land the application on the offer: the first requirement missed,
        in the engine's order (model, service, regions, non-EU law, qualifications)."""
        from bleu_assess.assess.offers import HDS, certified_activities, count

        app = self.inventory.applications_by_id[verdict.id]
        platform, provider = self.platform, self.provider
        if app.strategy in self.model.strategy_models:
            models = self.model.strategy_models[app.strategy]
        else:
            models = self.model.landing_models[app.hosting.model if app.hosting else "unknown"]
        offered = [m for m in models if m in platform.models]
        if not offered:
            return Cell("does-not-fit", "model", {"needs": ", ".join(models), "offers": ", ".join(platform.models)})
        # A SaaS offer hosts an application only when it provides the application's service.
        landing = [m for m in offered if m != "saas" or (app.service is not None and app.service in platform.services)]
        if not landing:
            reason = "service" if app.service else "service-undeclared"
            return Cell("does-not-fit", reason, {"service": app.service or "",
                                                 "services": ", ".join(platform.services) or "-"})
        if provider is None:
            return Cell("does-not-fit", "other", {})
        regions = platform.regions or provider.regions
        group = requirement["regions"]
        if group and not (regions and self.groups[group.lstrip("@")].issuperset(regions)):
            outside = [r for r in regions if r not in self.groups[group.lstrip("@")]]
            return Cell("does-not-fit", "regions" if outside else "regions-unknown", {"regions": ", ".join(outside)})
        model = landing[0]
        held = set(count(platform.qualifications or (), model, self.day.isoformat()).held)
        if requirement["not_exposed"] and self.exposed and SNC not in held:
            return Cell("does-not-fit", "exposed", {"provider": provider.id})
        seat = requirement.get("seat")
        if seat and provider.headquarters is not None and provider.headquarters not in self.groups[seat.lstrip("@")]:
            return Cell("does-not-fit", "seat", {"provider": provider.id, "seat": provider.headquarters})
        if self.platform.id in verdict.pending_platforms:
            waiting = [q.id for q in platform.pending_qualifications or () if q.id in needed and q.id not in held]
            return Cell("fits-with-conditions", "pending", {"qualifications": ", ".join(waiting)})
        # As the engine counts them: HDS when the offer's certified activities cover the model's,
        # SecNumCloud's requirement met by a non-commercial host (the doctrine concerns offers).
        certified = certified_activities(platform.hds_activities, platform.qualifications or (), self.day.isoformat())
        held.discard(HDS)
        if self.hds_by_model[model] <= certified:
            held.add(HDS)
        if provider.kind not in (None, "commercial"):
            held.add(SNC)
        missing = [q for q in needed if q not in held]
        # A qualification the offer held until a day now past is not one it never had: the
        # renewal may only be missing from the inventory or the catalogue. Never-held ones first.
        lapsed = self.lapsed()
        never = [q for q in missing if q not in lapsed]
        listed = {q.id for q in platform.qualifications or ()} | {q.id for q in platform.pending_qualifications or ()}
        if (never == [SNC] and provider.kind is None and provider.headquarters in (None, *self.groups["fr"])
                and SNC not in listed):
            # As the engine says it (SNC-PLT-004): a French host of undeclared kind may be the
            # State's cloud or a public shared service, which the doctrine's requirement does not
            # concern; the offer then needs no qualification, so "it lacks one" cannot be said.
            return Cell("undecided", "kind-unknown", {"provider": provider.id, "qualification": SNC})
        if never:
            # What the inventory declares, not what the offer holds: a qualification may simply be unlisted.
            return Cell("does-not-fit", "qualification", {"qualifications": ", ".join(never), "model": model})
        if missing:
            return Cell("does-not-fit", "expired", {"qualification": missing[0], "until": lapsed[missing[0]]})
        # The target's own requirements are met: the application's data requires more (for
        # example an HDS activity the offer's provider does not perform), which `explain` names.
        return Cell("does-not-fit", "data-requirement", {"provider": provider.id})
