"""Every placement reason is true of the plan it explains: each part of a reason is read back
with the wording templates (templates/i18n/plan.<lang>.yaml) and checked against the waves, the
move groups and the inventory — on both examples, in both languages, and on random estates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from test_plan import estate, estates

from bleu_assess import api
from bleu_assess.assess.results import Held, Phrase, Placement, PlanResult, Staying, Wave
from bleu_assess.plan.roadmap import RoadmapOptions
from bleu_assess.plan.waves import CRITICALITY_RANK, PlanOptions
from bleu_assess.plan.waves import plan as plan_codes
from bleu_assess.render import words
from bleu_assess.render.i18n import catalogue, t

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("reason_group", "reason_group_flows", "reason_pinned", "reason_pinned_by", "reason_after", "reason_pilot",
        "reason_pilot_only", "reason_not_pilot_critical", "reason_not_pilot_finding", "reason_vital", "reason_no_pilot", "reason_pilot_full", "reason_capacity", "reason_free", "reason_not_before")
_NUMBERS = ("wave", "size")


def plan(*args, **options):
    """The plan worded in its scan's language, as renderers see it."""
    return words.plan(plan_codes(*args, **options))


def decisions(reason: Phrase) -> list[tuple[str, dict[str, str]]]:
    """The parts of a placement reason as the planner decided them: (catalogue key without
    `plan.`, parameters as text, a list of ids joined by ', ')."""
    return [(part.key.removeprefix("plan."), {k: ", ".join(v) if isinstance(v, tuple) else str(v)
                                              for k, v in part.params.items()}) for part in reason.params["parts"]]


def patterns(lang: str) -> dict[str, re.Pattern[str]]:
    """Each reason template as a regular expression with one named group per placeholder."""
    out = {}
    for key in KEYS:
        template = catalogue(lang)[f"plan.{key}"]
        pieces = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else (rf"(?P<{p}>\d+)" if p in _NUMBERS else rf"(?P<{p}>.+?)")
                        for i, p in enumerate(pieces))
        out[key] = re.compile(regex)
    return out


def parts_of(reason: str, lang: str) -> list[tuple[str, dict[str, str]]]:
    found = []
    for part in reason.split(t("cli.list_separator", lang)):
        matches = [(key, m.groupdict()) for key, p in patterns(lang).items() if (m := p.fullmatch(part))]
        assert len(matches) == 1, f"{part!r} is not exactly one reason wording: {matches}"
        found.append(matches[0])
    return found


def check_reasons(result: PlanResult, apps: dict[str, Any], options: PlanOptions) -> int:
    """Assert every part of every placement reason, as decided (codes, before wording) and as
    worded in the plan's language; returns how many parts were checked. `apps` maps id ->
    object with depends_on, wave (pin), criticality."""
    lang = result.scan.lang
    worded = {p.id: p.reason for w in words.plan(result).waves for p in w.placements}
    wave_of = {a: w.number for w in result.waves for a in w.applications}
    waves = {w.number: w for w in result.waves}
    effort = result.effort
    cycles = nx.DiGraph()
    cycles.add_nodes_from(apps)
    cycles.add_edges_from((a, d) for a, app in apps.items() for d in app.depends_on if d != a and d in apps)
    component = {a: frozenset(c) for c in nx.strongly_connected_components(cycles) for a in c}
    high_findings = {i.id: {f.rule for f in i.findings if f.severity == "high"} for i in result.scan.items}

    def barred(group: tuple[str, ...]) -> bool:  # no pilot material: high criticality or a high-severity finding
        return any(apps[m].criticality == "high" or high_findings.get(m) for m in group)

    checked = 0
    for wave in result.waves:
        group_of = {a: g for g in wave.move_groups for a in g}
        for placement in wave.placements:
            app, group, number = placement.id, group_of[placement.id], wave.number
            needs = {d for m in group for d in apps[m].depends_on if d not in group and d in wave_of}
            vital = any(apps[m].criticality == "vital" and apps[m].wave != 1 for m in group)
            pins = [apps[m].wave for m in group if apps[m].wave is not None]
            earliest = max([1, max(pins, default=1) if not (vital and max(pins, default=0) == 1) else 1,
                            2 if vital and options.pilot_size is not None and (1 not in waves or waves[1].pilot) else 1,
                            *(wave_of[d] + 1 for d in needs)])
            parts = decisions(placement.reason)
            assert [k for k, _ in parts_of(worded[app], lang)] == [k for k, _ in parts], worded[app]
            assert (placement.not_before is not None) == any(k == "reason_not_before" for k, _ in parts), placement
            for key, values in parts:
                checked += 1
                where = f"{app} in wave {number}: {worded[app]!r}"
                if key in ("reason_group", "reason_group_flows"):
                    assert len(group) > 1 and values["members"] == ", ".join(m for m in group if m != app), where
                    assert (key == "reason_group") == (set(group) <= component[app]), where
                elif key == "reason_pinned":
                    assert apps[app].wave == number == int(values["wave"]), f"pin wording for an unpinned member: {where}"
                elif key == "reason_pinned_by":
                    named = values["apps"].split(", ")
                    assert apps[app].wave != number == int(values["wave"]), where
                    assert all(n in group and apps[n].wave == number for n in named), where
                elif key == "reason_after":
                    named, latest = values["dependency"].split(", "), int(values["wave"])
                    assert needs and latest == max(wave_of[d] for d in needs) < number, where
                    assert set(named) == {d for d in needs if wave_of[d] == latest}, f"not what it waits for: {where}"
                elif key == "reason_pilot":
                    assert number == 1 and wave.pilot and not needs and not barred(group), where
                elif key == "reason_no_pilot":  # only vital groups could start: no pilot at all
                    assert number == 1 and not wave.pilot and not needs and vital, where
                elif key == "reason_pilot_only":  # barred, yet nothing simpler could move first
                    assert number == 1 and wave.pilot and not needs and barred(group), where
                    assert all(barred(g) or apps[g[0]].wave == 1 for g in wave.move_groups), where
                elif key == "reason_not_pilot_critical":
                    assert number == 2 and not needs and 1 in waves, where
                    assert values["app"] in (m for m in group if apps[m].criticality == "high"), where
                elif key == "reason_not_pilot_finding":
                    assert number == 2 and not needs and 1 in waves, where
                    assert any(values["rule"] in high_findings.get(m, ()) and values["app"] == m
                               for m in group), where
                elif key == "reason_vital":
                    assert number == 2 and not needs and vital, where
                elif key in ("reason_pilot_full", "reason_capacity"):
                    previous = waves[number - 1]
                    limit = options.max_wave_size
                    if number - 1 == 1 and previous.pilot and options.pilot_size is not None:
                        limit = min(limit or options.pilot_size, options.pilot_size)
                    full = ((limit is not None and len(previous.applications) + len(group) > limit)
                            or (options.max_wave_effort is not None
                                and previous.effort_days + sum(effort[m] for m in group) > options.max_wave_effort + 1e-9))
                    assert earliest < number and full, f"an earlier wave could have taken it: {where}"
                    if key == "reason_pilot_full":
                        assert number == 2 and int(values["size"]) == options.pilot_size, where
                    else:
                        assert int(values["wave"]) == number, where
                elif key == "reason_free":
                    assert not needs and earliest == number, where
                elif key == "reason_not_before":  # its landing zone awaits a qualification expected then
                    assert placement.not_before == values["date"], where
    return checked


EXAMPLES = {"chu": ROOT / "examples" / "chu-exemple.yaml", "ministere": ROOT / "examples" / "ministere-exemple.yaml"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_reason_in_the_examples_plans_is_true(name: str, lang: str) -> None:
    inventory = api.load(EXAMPLES[name]).inventory
    ig = api.graph(inventory)
    options = PlanOptions()
    result = plan_codes(api.assess(inventory, lang=lang, ig=ig), ig, options)
    assert check_reasons(result, inventory.applications_by_id, options) >= sum(len(w.placements) for w in result.waves)


class _App:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.depends_on = tuple(spec.get("depends_on", ()))
        self.wave = spec.get("wave")
        self.criticality = spec.get("criticality", "medium")
        assert self.criticality in CRITICALITY_RANK


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_every_reason_is_true_on_random_estates(case: tuple[list[dict[str, Any]], PlanOptions]) -> None:
    specs, options = case
    scan, ig = estate(specs)
    check_reasons(plan_codes(scan, ig, options), {s["id"]: _App(s) for s in specs}, options)


def test_a_dependent_of_a_cycle_waits_for_the_member_it_needs_and_only_pinned_members_say_pinned() -> None:
    # b and c depend on each other, c needs a; x needs c only; b is pinned to wave 2, c is not.
    scan, ig = estate([{"id": "a"}, {"id": "b", "depends_on": ["c"], "wave": 2}, {"id": "c", "depends_on": ["b", "a"]},
                       {"id": "x", "depends_on": ["c"]}])
    result = plan(scan, ig, PlanOptions())
    reasons = {p.id: p.reason for w in result.waves for p in w.placements}
    assert reasons["x"] == "after C (wave 2)", "the member it depends on, not the group's first"
    assert reasons["b"] == "moves with C (dependency cycle); pinned to wave 2; after A (wave 1)"
    assert reasons["c"] == "moves with B (dependency cycle); its move group is pinned to wave 2 by B; after A (wave 1)"


# The fields of a plan's records that hold a text (a Phrase until worded); `scan` is read to word them.
TEXTS: dict[type, set[str]] = {PlanResult: {"warnings", "scan"}, Wave: set(), Placement: {"reason"}, Held: {"detail"},
                               Staying: {"reason"}}


def _records(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and type(value[0]) in TEXTS


def _marked(record: Any) -> Any:
    """`record` with a marker object of its own in every field that holds no text, at every level."""
    return replace(record, **{f.name: tuple(_marked(r) for r in value) if _records(value) else object()
                              for f in fields(record) if f.name not in TEXTS[type(record)]
                              for value in [getattr(record, f.name)]})


def _check_passed_on(before: Any, after: Any) -> int:
    assert type(after) is type(before)
    checked = 0
    for f in fields(before):
        old, new = getattr(before, f.name), getattr(after, f.name)
        if f.name == "scan":
            assert new is old
        elif f.name in TEXTS[type(before)]:
            assert all(isinstance(text, str) for text in (new if isinstance(new, tuple) else (new,))), f.name
        elif _records(old):
            assert len(new) == len(old)
            checked += sum(_check_passed_on(o, n) for o, n in zip(old, new))
        else:
            assert new is old, f"{type(before).__name__}.{f.name} is not passed on"
            checked += 1
    return checked


def test_wording_a_plan_passes_every_field_that_is_not_a_text_on() -> None:
    """words.plan builds the worded plan field by field (its texts change type): every other
    field of the plan, its waves, placements, held and staying items, fields added later
    included, comes through as it is."""
    inventory = api.load(EXAMPLES["chu"]).inventory
    ig = api.graph(inventory)
    planned = api.plan(api.assess(inventory, lang="en", ig=ig), ig, roadmap=RoadmapOptions(dt.date(2027, 1, 4)))
    assert planned.waves and planned.held and planned.staying and planned.warnings  # deadlines warn
    marked = _marked(planned)
    assert _check_passed_on(marked, words.plan(marked)) > len(fields(PlanResult))
