"""Stage 5, who does not move: the applications staying where they are, those held back and
why, and the pending offers that date an application instead of holding it.

Pure functions over the scan verdicts and the dependency graph, used by plan/waves.py before it
groups and schedules the others (spec/results.md, plan invariants: every application ends up
exactly once in a wave, in `held` or in `staying`). An application that should move but has no
landing zone is held (`no-landing-zone`); one whose only landing zones await a qualification
moves no earlier than the date expected for it (`not_before`). Decisions are `Phrase` codes
(`plan.<key>`), worded at render time (render/words.py).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass

from bleu_assess.assess.results import FINDING_MESSAGE, Held, ItemVerdict, Phrase, Staying, decided
from bleu_assess.inventory.graph import InventoryGraph
from bleu_assess.inventory.model import Application, Inventory

# The findings that say why an application has no landing zone, quoted when it is held for it.
_LANDING_ZONE_RULES = ("OFR-LZ-001", "SNC-PLT-001", "SNC-PLT-002")


def say(key: str, **values: object) -> Phrase:
    """The decision `plan.<key>` with its parameters, worded at render time (render/words.py)."""
    return Phrase(f"plan.{key}", values)


def quote(item: str, rule: str) -> Phrase:
    """The message of `item`'s finding of `rule`, quoted in the reader's language (render/words.py)."""
    return Phrase(FINDING_MESSAGE, {"item": item, "rule": rule})


@dataclass(frozen=True)
class PendingOffer:
    """An offer an application would land on once a qualification pending there is granted:
    the offer's id, the pending qualifications it waits for, and the date it may land from
    (ISO `YYYY-MM-DD`: the latest of their `expected` dates; None when one is not dated)."""

    platform: str
    qualifications: tuple[str, ...]
    expected: str | None


def pending_offers(verdict: ItemVerdict, inventory: Inventory) -> list[PendingOffer]:
    """The offers the evaluator found would fit `verdict` once their pending qualifications are
    granted (`pending_platforms`), soonest first, undated ones last (then by id).

    It waits for the pending qualifications its target requires (rulesets/verdicts.yaml,
    `target_requirements`), or for all those pending at the offer when none of them is one:
    then the item's own needs (HDS for health data) are what is pending. The one reading of
    pending offers for the plan's `not_before`, the roadmap's dates and the report's decisions."""
    from bleu_assess.rules.refdata import verdict_model

    required = set((verdict_model().target_requirements.get(verdict.target) or {}).get("qualifications") or ())
    offers = inventory.platforms_by_id
    out = []
    for offer_id in verdict.pending_platforms:
        offer = offers.get(offer_id)
        if offer is None:
            continue
        pending = list(offer.pending_qualifications or ())
        awaited = [q for q in pending if q.id in required] or pending
        dates = [q.expected for q in awaited]
        expected = None if not dates or None in dates else max(d for d in dates if d is not None)
        out.append(PendingOffer(offer_id, tuple(sorted({q.id for q in awaited})), expected))
    return sorted(out, key=lambda o: (o.expected is None, o.expected or "", o.platform))


def staying(apps: Mapping[str, Application], verdicts: Mapping[str, ItemVerdict]) -> list[Staying]:
    """The applications that do not move: retained or retired by their `strategy`, or whose
    target is on-premises or retirement, each with its decision."""
    out = []
    for app_id, app in apps.items():
        verdict = verdicts[app_id]
        if app.strategy == "retain":  # stays where it is; its target says where it would go
            out.append(Staying(app_id, verdict.target, say("staying_retain")))
        elif app.strategy == "retire":
            out.append(Staying(app_id, "retire", say("staying_retire")))
        elif verdict.target in ("on-premises", "retire"):
            out.append(Staying(app_id, verdict.target, say(f"staying_target_{verdict.target}")))
    return out


def held(ig: InventoryGraph, verdicts: Mapping[str, ItemVerdict], staying: set[str],
         not_before: dict[str, str], warnings: list[Phrase]) -> list[Held]:
    """The applications held back (not staying, by id in `staying`): not ready, unknown, with no
    landing zone, and, transitively, whoever depends on one or shares a dependency cycle with
    one. An application whose only landing zones are dated pending offers is not held: its date
    goes into `not_before` (application id -> ISO date) and a warning into `warnings`."""
    out: dict[str, Held] = {}
    for app_id in sorted(ig.inventory.applications_by_id):
        if app_id in staying:
            continue
        verdict = verdicts[app_id]
        if verdict.readiness == "not-ready":
            blocker = next((f for f in decided(verdict) if f.severity == "blocker"), None)  # unworded
            detail = say("held_blocker", rule=blocker.rule, message=quote(app_id, blocker.rule)) if blocker \
                else say("held_not_ready")
            out[app_id] = Held(app_id, "not-ready", detail)
        elif verdict.readiness == "unknown":
            out[app_id] = Held(app_id, "unknown", say("held_unknown"))
        elif verdict.platform is None and verdict.target not in ("on-premises", "retire"):
            _no_landing_zone(verdict, ig.inventory, out, not_before, warnings)
    # Whoever needs a held application at run time waits for it, transitively, and a
    # dependency cycle moves as one: if one member waits, all wait. What stays where it is
    # holds no one back (the link is hybrid).
    needed_by: dict[str, set[str]] = defaultdict(set)  # B -> the applications that depend on B
    for app in ig.inventory.applications:
        for d in app.depends_on:
            if d != app.id:
                needed_by[d].add(app.id)
    cycle_of = {a: cycle for cycle in ig.dependency_cycles() for a in cycle}
    queue = deque(sorted(out))  # popped from the left: a list's pop(0) is quadratic at 100,000
    while queue:
        blocked = queue.popleft()
        waiting = [(d, "held_depends") for d in sorted(needed_by.get(blocked, ()))]
        waiting += [(m, "held_cycle") for m in cycle_of.get(blocked, ()) if m != blocked]
        for app_id, key in waiting:
            if app_id not in out and app_id not in staying:
                out[app_id] = Held(app_id, "depends-on-held",
                                   say(key, dependency=blocked, reason=Phrase(f"values.held.{out[blocked].reason}")))
                queue.append(app_id)
    return list(out.values())


def _no_landing_zone(verdict: ItemVerdict, inventory: Inventory, held: dict[str, Held],
                     not_before: dict[str, str], warnings: list[Phrase]) -> None:
    """Hold an application that has nowhere to go; date one whose only landing zones are
    pending offers: no earlier than the earliest date one of them expects its qualification."""
    offers = pending_offers(verdict, inventory)
    if offers and offers[0].expected is not None:
        not_before[verdict.id] = offers[0].expected
        warnings.append(say("warn_pending_offer", app=verdict.id, offer=offers[0].platform, date=offers[0].expected))
        return
    gap = next((f.rule for f in decided(verdict) if f.rule in _LANDING_ZONE_RULES), None)
    held[verdict.id] = Held(verdict.id, "no-landing-zone", say("finding", message=quote(verdict.id, gap)) if gap else say(
        "held_pending_undated" if verdict.pending_platforms else "held_no_landing_zone"))
