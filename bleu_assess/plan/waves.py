"""Stage 5: migration waves from the scan verdicts and the dependency graph.

Pure functions. Applications that depend on each other (a cycle of `depends_on`) form one move
group; groups are layered in dependency order (what you depend on moves in the same wave or
earlier), then waves are filled under capacity limits. Every application ends up exactly once
in a wave, in `held` or in `staying` (spec/results.md, plan invariants): who stays and who is
held, and why, is decided first by plan/holds.py.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from bleu_assess import gcpause
from bleu_assess.assess.results import HybridLink, ItemVerdict, Phrase, Placement, PlanResult, ScanResult, Wave, decided
from bleu_assess.inventory.graph import InventoryGraph, strongly_connected
from bleu_assess.inventory.model import Application
from bleu_assess.plan import holds
from bleu_assess.plan.holds import PendingOffer, pending_offers

__all__ = ["DEFAULT_EFFORT_DAYS", "PendingOffer", "PlanOptions", "effort_of", "parse_effort_days", "pending_offers",
           "plan"]

DEFAULT_EFFORT_DAYS: Mapping[str, float] = {"XS": 2.0, "S": 5.0, "M": 15.0, "L": 40.0, "XL": 80.0}
UNKNOWN_EFFORT = "M"  # an application without an estimate counts as a medium one
CRITICALITY_RANK = {"low": 0, "medium": 1, "high": 2, "vital": 3}
READINESS_RANK = {"ready": 0, "ready-with-conditions": 1}


@dataclass(frozen=True)
class PlanOptions:
    max_wave_size: int | None = None
    max_wave_effort: float | None = None
    pilot_size: int | None = 5  # the first wave is a pilot: a few easy applications
    effort_days: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_EFFORT_DAYS))
    group_by_flows: bool = False


def effort_of(app: Application, options: PlanOptions) -> float:
    if isinstance(app.effort, (int, float)):
        return float(app.effort)
    return float(options.effort_days.get(app.effort or UNKNOWN_EFFORT, options.effort_days[UNKNOWN_EFFORT]))


@dataclass
class _Group:
    key: int
    members: tuple[str, ...]
    effort: float
    pin: int | None
    vital: bool
    rank: tuple[int, int, float, str]  # pilot preference: readiness, criticality, effort, id
    pinned_by: tuple[str, ...] = ()  # the members whose `wave:` gives the pin: each is told when it breaks
    # Why the group is no pilot material (a high-criticality member, or one with a high-severity
    # finding), or None; `kept_out`: it was deferred from the pilot for that reason.
    bar: Phrase | None = None
    kept_out: bool = False
    deps: set[int] = field(default_factory=set)
    earliest: int = 1
    wave: int = 0
    reasons: dict[str, Phrase] = field(default_factory=dict)  # member -> why it sits in its wave


class _Planner:
    def __init__(self, scan: ScanResult, ig: InventoryGraph, options: PlanOptions) -> None:
        self.scan, self.ig, self.options = scan, ig, options
        self.apps = ig.inventory.applications_by_id
        self.verdicts: dict[str, ItemVerdict] = {i.id: i for i in scan.applications}
        self.warnings: list[Phrase] = []
        # Whether wave 1 is a pilot (schedule: not when only vital applications can start the plan).
        self.pilot = options.pilot_size is not None
        # Applications whose only landing zones are pending: the date they may move from, and why.
        self.not_before: dict[str, str] = {}
        self._cycle_of: dict[str, frozenset[str]] | None = None  # member -> its dependency cycle

    say = staticmethod(holds.say)

    def run(self) -> PlanResult:
        staying = holds.staying(self.apps, self.verdicts)
        stay_ids = {s.id for s in staying}
        held = holds.held(self.ig, self.verdicts, stay_ids, self.not_before, self.warnings)
        held_ids = {h.id for h in held}
        moving = [a for a in sorted(self.apps) if a not in stay_ids and a not in held_ids]
        # Every moving application moves in a wave: its days, counted once, are the plan's.
        self.effort = {a: effort_of(self.apps[a], self.options) for a in moving}
        groups = self.groups(moving)
        self.schedule(groups)
        waves = self.waves(groups)
        wave_of = {app: w.number for w in waves for app in w.applications}
        return PlanResult(
            scan=self.scan, waves=tuple(waves), held=tuple(sorted(held, key=lambda h: h.id)),
            staying=tuple(sorted(staying, key=lambda s: s.id)), hybrid_links=tuple(self.hybrid_links(wave_of)),
            split_datasets=tuple(self.split_datasets(wave_of)), warnings=tuple(self.warnings),
            effort=self.effort,
        )

    # -- move groups and waves -------------------------------------------------------------

    def groups(self, moving: list[str]) -> dict[int, _Group]:
        movers = set(moving)
        # Successors among the movers (graph.strongly_connected: plan no longer imports networkx).
        graph: dict[str, list[str]] = {a: [d for d in self.apps[a].depends_on if d in movers and d != a] for a in moving}
        # A dependency cycle stays one move group even when one of its members does not move.
        for cycle in self.ig.dependency_cycles():
            in_cycle = [a for a in cycle if a in movers]
            for a, b in zip(in_cycle, in_cycle[1:] + in_cycle[:1]):
                graph[a].append(b)
        if self.options.group_by_flows:
            for flow in self.ig.inventory.flows:
                if flow.source in movers and flow.target in movers and flow.source != flow.target:
                    graph[flow.source].append(flow.target)
                    graph[flow.target].append(flow.source)
        components = sorted((tuple(sorted(c)) for c in strongly_connected(graph)), key=lambda c: c[0])
        index = {app: key for key, members in enumerate(components) for app in members}
        groups: dict[int, _Group] = {}
        for key, members in enumerate(components):
            pins = sorted({wave for wave in (self.apps[a].wave for a in members) if wave is not None})
            if len(pins) > 1:
                self.warnings.append(self.say("warn_group_pins", group=members, pins=tuple(pins), wave=pins[-1]))
            worst = max(CRITICALITY_RANK[self.apps[a].criticality] for a in members)
            readiness = max(READINESS_RANK.get(self.verdicts[a].readiness, 1) for a in members)
            effort = sum(self.effort[a] for a in members)
            # Vital and not pinned to the pilot itself: keeps its whole group out of wave 1.
            vital = [a for a in members if self.apps[a].criticality == "vital" and self.apps[a].wave != 1]
            pin = pins[-1] if pins else None
            if pin == 1 and vital:
                self.warnings.append(self.say("warn_pin_vital", app=next(a for a in members if self.apps[a].wave == 1),
                                              vital=vital[0]))
                pin = None
            pinned_by = tuple(a for a in members if pin is not None and self.apps[a].wave == pin)
            groups[key] = _Group(key, members, effort, pin, bool(vital), (readiness, worst, effort, members[0]),
                                 pinned_by, self._pilot_bar(members))
        for a, successors in graph.items():
            for d in successors:
                if index[a] != index[d]:
                    groups[index[a]].deps.add(index[d])
        return groups

    def _pilot_bar(self, members: tuple[str, ...]) -> Phrase | None:
        """Why these members are no pilot material, or None: the pilot moves the simplest, least
        risky applications first, so neither a high-criticality member nor a member with a
        high-severity finding (vital ones are kept out by their own rule)."""
        for member in members:
            if self.apps[member].criticality == "high":
                return self.say("reason_not_pilot_critical", app=member)
        for member in members:
            rule = next((f.rule for f in decided(self.verdicts[member]) if f.severity == "high"), None)  # unworded
            if rule is not None:
                return self.say("reason_not_pilot_finding", app=member, rule=rule)
        return None

    def schedule(self, groups: dict[int, _Group]) -> None:
        """List scheduling by waves: a group is eligible once what it depends on is placed in an
        earlier wave; eligible groups fill the wave in preference order, within capacity."""
        max_size, max_effort = self.options.max_wave_size, self.options.max_wave_effort
        dependents: dict[int, list[int]] = defaultdict(list)
        missing = {k: len(g.deps) for k, g in groups.items()}
        for key, group in groups.items():
            for dep in group.deps:
                dependents[dep].append(key)
            group.earliest = max(1, group.pin or 1)
            if group.vital and self.options.pilot_size is not None:  # kept out of the pilot
                group.earliest = max(group.earliest, 2)
        # No pilot when only vital groups can start the plan (everything else waits for them): the
        # first wave moves what must go first, with no pilot's size, rather than an empty wave 1.
        starters = [g for g in groups.values() if not g.deps]
        if self.pilot and starters and all(g.earliest > 1 for g in starters) and any(
                g.vital and g.pin is None for g in starters):
            self.pilot = False
            first = [g for g in starters if g.vital and g.pin is None]
            for group in first:
                group.earliest = 1
            self.warnings.append(self.say("warn_no_pilot", vital=tuple(a for g in first for a in g.members
                                                                       if self.apps[a].criticality == "vital")))
        ready: list[tuple[int, tuple[int, int, float, str], int]] = []
        for key, group in groups.items():
            if not group.deps:
                heapq.heappush(ready, (group.earliest, group.rank, key))
        wave, placed = 0, 0
        while placed < len(groups):
            wave += 1
            size, effort = 0, 0.0
            limit = max_size
            if wave == 1 and self.pilot and self.options.pilot_size is not None:
                limit = min(limit or self.options.pilot_size, self.options.pilot_size)
            deferred: list[tuple[int, tuple[int, int, float, str], int]] = []
            chosen: list[int] = []
            candidates = []
            while ready and ready[0][0] <= wave:
                candidates.append(heapq.heappop(ready))
            # Pinned groups first; then ready, low-criticality, small groups (the pilot's preference,
            # which also moves the easiest first in later waves).
            candidates.sort(key=lambda c: (0 if groups[c[2]].pin == wave else 1, groups[c[2]].rank))
            if wave == 1 and self.pilot and any(groups[c[2]].bar is None for c in candidates):
                # The pilot takes no group barred from it while a simpler one can move first.
                barred = [c for c in candidates if groups[c[2]].bar is not None and groups[c[2]].pin != 1]
                for item in barred:
                    groups[item[2]].kept_out = True
                deferred.extend(barred)
                candidates = [c for c in candidates if c not in barred]
            for item in candidates:
                group = groups[item[2]]
                n = len(group.members)
                fits = (limit is None or size + n <= limit) and (max_effort is None or effort + group.effort <= max_effort)
                if fits or not chosen:
                    if not fits and ((max_size is not None and n > max_size) or (max_effort is not None
                                     and group.effort > max_effort)):  # alone and still too big
                        self.warnings.append(self.say("warn_group_too_big", group=group.members, wave=wave))
                    chosen.append(group.key)
                    size, effort = size + n, effort + group.effort
                else:
                    if group.pin == wave:
                        self.warnings.extend(self.say("warn_pin_capacity", app=app, pin=wave, wave=wave + 1)
                                             for app in group.pinned_by)
                    deferred.append(item)
            for item in deferred:
                heapq.heappush(ready, (wave + 1, item[1], item[2]))
            for key in chosen:
                group = groups[key]
                group.wave = wave
                group.reasons = self._reasons(group, groups, wave)
                placed += 1
                for dependent in dependents[key]:
                    missing[dependent] -= 1
                    if missing[dependent] == 0:
                        other = groups[dependent]
                        earliest = max([other.earliest] + [groups[d].wave + 1 for d in other.deps])
                        if other.pin is not None and other.pin < earliest:
                            blockers, dep_wave = self._awaited(other, groups)
                            self.warnings.extend(self.say(
                                "warn_pin_conflict", app=app, pin=other.pin, dependency=tuple(blockers),
                                dep_wave=dep_wave, wave=earliest)
                                for app in other.pinned_by)
                        other.earliest = earliest
                        heapq.heappush(ready, (earliest, other.rank, dependent))

    def _awaited(self, group: _Group, groups: dict[int, _Group]) -> tuple[list[str], int]:
        """The applications outside the group that its members depend on and that move last,
        with their wave: what the group actually waits for."""
        latest = max(groups[d].wave for d in group.deps)
        members = set(group.members)
        awaited = sorted({d for a in group.members for d in self.apps[a].depends_on
                          if d not in members and any(d in groups[g].members for g in group.deps if groups[g].wave == latest)})
        return awaited, latest

    def _reasons(self, group: _Group, groups: dict[int, _Group], wave: int) -> dict[str, Phrase]:
        """Why each member of `group` moves in `wave` (`_reason`). What the members share (the
        dependency cycle they form, what the group waits for) is found once per group: per
        member, a large group made the plan quadratic."""
        cycle = False
        if len(group.members) > 1:
            if self._cycle_of is None:
                self._cycle_of = {a: frozenset(c) for c in self.ig.dependency_cycles() for a in c}
            cycle = group.members[0] in self._cycle_of and set(group.members) <= self._cycle_of[group.members[0]]
        awaited = self._awaited(group, groups) if group.deps else ([], 0)
        return {member: self._reason(group, wave, member, cycle, awaited) for member in group.members}

    def _reason(self, group: _Group, wave: int, member: str, cycle: bool, awaited: tuple[list[str], int]) -> Phrase:
        """Why `member` moves in `wave`: each part true of this member and the plan (checked by
        tests/test_plan_reasons.py): whom it moves with (`cycle`: the group is one dependency
        cycle), its own pin or the member that pins its group, the applications it waits for
        (`awaited`: those and their wave), or the pilot and capacity rules."""
        parts = []
        if len(group.members) > 1:
            others = tuple(m for m in group.members if m != member)
            parts.append(self.say("reason_group" if cycle else "reason_group_flows", members=others))
        if group.pin == wave:
            if self.apps[member].wave == wave:
                parts.append(self.say("reason_pinned", wave=wave))
            else:
                parts.append(self.say("reason_pinned_by", apps=group.pinned_by, wave=wave))
        if group.deps:
            waited, latest = awaited
            if latest == wave - 1 or not parts:
                parts.append(self.say("reason_after", dependency=tuple(waited), wave=latest))
        if wave == 1 and not group.deps and group.pin != 1 and self.pilot:
            parts.append(self.say("reason_pilot" if group.bar is None else "reason_pilot_only"))
        elif wave == 1 and group.vital and not group.deps and group.pin is None and self.options.pilot_size is not None:
            parts.append(self.say("reason_no_pilot"))
        if group.kept_out and wave == 2 and not group.deps and group.pin is None and group.bar is not None:
            parts.append(group.bar)
        if group.vital and wave == 2 and not group.deps and group.pin is None and self.pilot:
            parts.append(self.say("reason_vital"))
        if not parts and wave == 2 and group.earliest == 1 and self.pilot:
            parts.append(self.say("reason_pilot_full", size=self.options.pilot_size))
        if not parts:
            parts.append(self.say("reason_capacity", wave=wave) if wave > group.earliest else self.say("reason_free"))
        return Phrase.joined(parts)

    def _dated(self, app_id: str, reason: Phrase) -> Phrase:
        date = self.not_before.get(app_id)
        if date is None:
            return reason
        return Phrase.joined((*reason.params["parts"], self.say("reason_not_before", date=date)))

    def waves(self, groups: dict[int, _Group]) -> list[Wave]:
        by_wave: dict[int, list[_Group]] = defaultdict(list)
        for group in groups.values():
            by_wave[group.wave].append(group)
        held_by_app = self.ig.inventory.applications_by_id
        moved: set[str] = set()
        waves = []
        for number in sorted(by_wave):
            members = sorted(by_wave[number], key=lambda g: g.members[0])
            apps = sorted(a for g in members for a in g.members)
            datasets = sorted({d for a in apps for d in held_by_app[a].datasets} - moved)
            moved.update(datasets)
            placements = tuple(Placement(a, self._dated(a, g.reasons[a]), self.not_before.get(a))
                               for g in members for a in g.members)
            waves.append(Wave(number, tuple(apps), tuple(datasets), tuple(g.members for g in members),
                              round(sum(g.effort for g in members), 1), tuple(sorted(placements, key=lambda p: p.id)),
                              pilot=number == 1 and self.pilot))
        return waves

    # -- what crosses waves ----------------------------------------------------------------

    def hybrid_links(self, wave_of: dict[str, int]) -> list[HybridLink]:
        # Only links with a moving end can cross waves: the others (most of a large estate, where
        # few applications move) are never collected nor sorted.
        links: dict[tuple[str, str, str], set[str]] = {}
        for app in self.ig.inventory.applications:
            moves = app.id in wave_of
            for dep in app.depends_on:
                if dep != app.id and (moves or dep in wave_of):
                    links.setdefault((app.id, dep, "depends_on"), set())
        for flow in self.ig.inventory.flows:
            if flow.source != flow.target and (flow.source in wave_of or flow.target in wave_of):
                links.setdefault((flow.source, flow.target, "flow"), set()).update(flow.datasets)
        out = []
        for (source, target, kind), datasets in sorted(links.items()):
            a, b = wave_of.get(source), wave_of.get(target)
            if a != b:
                out.append(HybridLink(source, target, kind, tuple(sorted(datasets)), a, b))
        return out

    def split_datasets(self, wave_of: dict[str, int]) -> list[tuple[str, tuple[int, ...]]]:
        holders: dict[str, set[int]] = defaultdict(set)
        for app in self.ig.inventory.applications:
            if app.id in wave_of:
                for dataset in app.datasets:
                    holders[dataset].add(wave_of[app.id])
        return [(d, tuple(sorted(w))) for d, w in sorted(holders.items()) if len(w) > 1]


def plan(scan: ScanResult, ig: InventoryGraph, options: PlanOptions | None = None) -> PlanResult:
    """Waves, held and staying applications, hybrid links and split datasets."""
    with gcpause.paused():
        return _Planner(scan, ig, options or PlanOptions()).run()


def parse_effort_days(text: str) -> dict[str, float]:
    """`XS=1,S=3,M=10,L=30,XL=60` over the defaults. Raises a UsageError (`usage.effort_*`,
    worded in the command's language)."""
    from bleu_assess.errors import option_error

    mapping = dict(DEFAULT_EFFORT_DAYS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        size, _, days = part.partition("=")
        if size.strip() not in mapping:
            raise option_error("effort_unknown_size", size=size.strip(), sizes=tuple(mapping))
        try:
            value = float(days)
        except ValueError:
            value = math.nan
        if not value >= 0:
            raise option_error("effort_bad_days", size=size.strip(), days=days.strip())
        mapping[size.strip()] = value
    return mapping

