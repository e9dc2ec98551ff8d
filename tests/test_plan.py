"""The wave planner: its invariants (spec/results.md) on random graphs, its choices on small
estates, and golden Markdown plans for the examples."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bleu_assess import api
from bleu_assess.assess.results import Exposure, Finding, InventoryRef, ItemVerdict, ScanResult
from bleu_assess.cli import app as cli_app
from bleu_assess.inventory.graph import InventoryGraph
from bleu_assess.inventory.model import (
    Application,
    Dataset,
    Hosting,
    Inventory,
    Organisation,
    PendingQualification,
    Platform,
    Provider,
)
from bleu_assess.plan.waves import PlanOptions
from bleu_assess.plan.waves import plan as plan_codes
from bleu_assess.render import words
from bleu_assess.render.plan import markdown, table

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "plan"


def plan(*args, **options):
    """The plan worded in its scan's language, as renderers see it."""
    return words.plan(plan_codes(*args, **options))


# Offers in every estate: one that fits, one pending with a date, one pending with none.
PENDING = {"p-dated": "2027-03-01", "p-undated": None}
OFFERS = tuple(Platform(offer, "x", ("iaas",), pending_qualifications=(PendingQualification("secnumcloud-3.2", "J1",
                                                                                            expected=date),))
               for offer, date in PENDING.items())


def estate(apps: list[dict[str, Any]], lang: str = "en") -> tuple[ScanResult, InventoryGraph]:
    """An inventory and hand-made verdicts: each dict gives id and optionally depends_on,
    readiness, target, criticality, strategy, wave, effort, datasets, and `landing`: the offer
    it lands on (default "p"), None for none, or "p-dated" / "p-undated" for a pending one."""
    applications = tuple(Application(
        id=a["id"], name=a["id"].upper(), criticality=a.get("criticality", "medium"),
        hosting=Hosting("on-premises"), datasets=tuple(a.get("datasets", ())), depends_on=tuple(a.get("depends_on", ())),
        strategy=a.get("strategy"), wave=a.get("wave"), effort=a.get("effort")) for a in apps)
    datasets = tuple(Dataset(d, d, "internal") for d in sorted({d for a in apps for d in a.get("datasets", ())}))
    inventory = Inventory(Organisation("Test"), providers=(Provider("x", "X"),), platforms=OFFERS,
                          applications=applications, datasets=datasets, path="t.yaml", sha256="0" * 64)
    items = []
    for a in apps:
        readiness = a.get("readiness", "ready")
        findings = (Finding("TST-001", "t@1", "test", "blocker", "blocked", "fix"),) if readiness == "not-ready" else ()
        landing = a.get("landing", "p")
        pending = (landing,) if landing in PENDING else ()
        items.append(ItemVerdict(a["id"], "application", a["id"].upper(), readiness, "not-required", "compliant",
                                 Exposure(), a.get("target", "any-cloud"), None if pending else landing, findings,
                                 pending_platforms=pending, criticality=a.get("criticality", "medium")))
    scan = ScanResult("0", InventoryRef("t.yaml", "0" * 64, "Test"), (), tuple(sorted(items, key=lambda i: i.id)), lang)
    return scan, InventoryGraph(inventory)


def check_invariants(apps: list[dict[str, Any]], options: PlanOptions) -> None:
    scan, ig = estate(apps)
    result = plan(scan, ig, options)
    wave_of = {a: w.number for w in result.waves for a in w.applications}
    held = {h.id: h for h in result.held}
    staying = {s.id for s in result.staying}
    everyone = [a for w in result.waves for a in w.applications] + list(held) + list(staying)
    assert sorted(everyone) == sorted(a["id"] for a in apps), "every application exactly once"
    by_id = {a["id"]: a for a in apps}
    for a in apps:
        for dep in a.get("depends_on", ()):
            if a["id"] in wave_of and dep in wave_of:
                assert wave_of[dep] <= wave_of[a["id"]], f"{dep} must not move after {a['id']}"
            if a["id"] in wave_of and dep != a["id"]:
                assert dep not in held, f"{a['id']} moves while {dep} is held"
        if a.get("readiness", "ready") == "not-ready" and a["id"] not in staying:
            assert held[a["id"]].reason == "not-ready"
        landing = a.get("landing", "p")
        if a["id"] in wave_of:
            placement = next(p for w in result.waves for p in w.placements if p.id == a["id"])
            assert landing == "p" or PENDING.get(landing), f"{a['id']} moves with nowhere to land"
            assert placement.not_before == PENDING.get(landing), "a pending landing zone dates the move"
            if placement.not_before:
                assert any(a["id"].upper() in w and placement.not_before in w for w in result.warnings)
        elif a["id"] in held and a.get("readiness", "ready") in ("ready", "ready-with-conditions") \
                and held[a["id"]].reason != "depends-on-held":
            assert held[a["id"]].reason == "no-landing-zone" and landing not in ("p", "p-dated")
        if a["id"] in wave_of and a.get("criticality") == "vital" and a.get("wave") != 1:
            assert wave_of[a["id"]] != 1 or not result.waves[0].pilot, "no vital application in the pilot unless pinned"
    first = result.waves[0] if result.waves else None
    if first and first.number == 1 and not first.pilot and options.pilot_size is not None:  # only vital could start
        assert any(by_id[m].get("criticality") == "vital" for g in first.move_groups for m in g)
        assert any("no pilot wave" in w for w in result.warnings)
        pin = a.get("wave")
        if pin is not None and a["id"] in wave_of and wave_of[a["id"]] != pin:
            assert any(a["id"].upper() in w for w in result.warnings), f"broken pin of {a['id']} not reported"
    graph = nx.DiGraph()
    graph.add_edges_from((a["id"], d) for a in apps for d in a.get("depends_on", ()) if d != a["id"])
    for cycle in nx.strongly_connected_components(graph):
        waves = {wave_of[m] for m in cycle if m in wave_of}
        assert len(waves) <= 1, f"cycle {sorted(cycle)} split across waves {waves}"
    for wave in result.waves:
        groups = wave.move_groups
        if options.max_wave_size is not None and len(wave.applications) > options.max_wave_size:
            assert len(groups) == 1, "only a single oversized move group may exceed the limit"
        for dataset in wave.datasets:
            assert any(dataset in by_id[a].get("datasets", ()) for a in wave.applications)
    for a in wave_of:
        for dataset in by_id[a].get("datasets", ()):
            assert any(dataset in w.datasets and w.number <= wave_of[a] for w in result.waves)


@st.composite
def estates(draw: Any) -> tuple[list[dict[str, Any]], PlanOptions]:
    n = draw(st.integers(1, 18))
    ids = [f"a{i}" for i in range(n)]
    apps = []
    for i, app_id in enumerate(ids):
        apps.append({
            "id": app_id,
            "depends_on": sorted(set(draw(st.lists(st.sampled_from(ids), max_size=3)))),
            "readiness": draw(st.sampled_from(["ready", "ready", "ready-with-conditions", "not-ready", "unknown"])),
            "target": draw(st.sampled_from(["secnumcloud", "eu-cloud", "any-cloud", "any-cloud", "on-premises"])),
            "criticality": draw(st.sampled_from(["low", "medium", "high", "vital"])),
            "strategy": draw(st.sampled_from([None, None, None, "rehost", "retain", "retire"])),
            "wave": draw(st.sampled_from([None, None, None, 1, 2, 3])),
            "effort": draw(st.sampled_from([None, "XS", "M", "XL", 3, 12.5])),
            "datasets": sorted(set(draw(st.lists(st.sampled_from(["d1", "d2", "d3", "d4"]), max_size=2)))),
            "landing": draw(st.sampled_from(["p", "p", "p", None, "p-dated", "p-undated"])),
        })
    options = PlanOptions(max_wave_size=draw(st.sampled_from([None, 1, 2, 4])),
                          max_wave_effort=draw(st.sampled_from([None, 20.0, 100.0])),
                          pilot_size=draw(st.sampled_from([None, 1, 5])),
                          group_by_flows=False)
    return apps, options


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_plan_invariants_hold_on_random_estates(case: tuple[list[dict[str, Any]], PlanOptions]) -> None:
    apps, options = case
    check_invariants(apps, options)


def test_dependencies_move_first_and_cycles_move_together() -> None:
    scan, ig = estate([
        {"id": "ad", "criticality": "low"},
        {"id": "dpi", "depends_on": ["ad", "pacs"]},
        {"id": "pacs", "depends_on": ["dpi"]},
    ])
    result = plan(scan, ig, PlanOptions())
    assert [w.applications for w in result.waves] == [("ad",), ("dpi", "pacs")]
    assert result.waves[1].move_groups == (("dpi", "pacs"),)
    reasons = {p.id: p.reason for w in result.waves for p in w.placements}
    assert reasons["dpi"] == "moves with PACS (dependency cycle); after AD (wave 1)"
    assert reasons["pacs"] == "moves with DPI (dependency cycle); after AD (wave 1)"


def test_not_ready_applications_hold_their_dependents_unless_what_they_need_stays() -> None:
    scan, ig = estate([
        {"id": "core", "readiness": "not-ready"},
        {"id": "app", "depends_on": ["core"]},
        {"id": "mainframe", "strategy": "retain"},
        {"id": "batch", "depends_on": ["mainframe"]},
    ])
    result = plan(scan, ig, PlanOptions())
    held = {h.id: h for h in result.held}
    assert held["core"].reason == "not-ready" and held["core"].detail == "TST-001: blocked"
    assert held["app"].reason == "depends-on-held" and held["app"].detail == "depends on CORE (held: Not ready)"
    assert [w.applications for w in result.waves] == [("batch",)]
    assert [(s.id, s.target) for s in result.staying] == [("mainframe", "any-cloud")]  # a retained application keeps its target
    link = result.hybrid_links[0]
    assert (link.source, link.target, link.source_wave, link.target_wave) == ("batch", "mainframe", 1, None)


def test_the_pilot_is_small_easy_and_never_vital_unless_pinned() -> None:
    scan, ig = estate([{"id": f"low{i}", "criticality": "low"} for i in range(3)] + [
        {"id": "big", "criticality": "high"}, {"id": "core", "criticality": "vital"},
        {"id": "pinned-core", "criticality": "vital", "wave": 1}])
    result = plan(scan, ig, PlanOptions(pilot_size=4))
    assert result.waves[0].applications == ("low0", "low1", "low2", "pinned-core")
    assert set(result.waves[1].applications) == {"big", "core"}


def test_when_everything_depends_on_a_vital_application_there_is_no_pilot_and_waves_start_at_one() -> None:
    scan, ig = estate([{"id": "directory", "criticality": "vital"}] + [
        {"id": f"app{i}", "depends_on": ["directory"]} for i in range(7)])
    result = plan(scan, ig, PlanOptions(pilot_size=2))
    assert [w.number for w in result.waves] == [1, 2]
    assert [w.pilot for w in result.waves] == [False, False]
    assert result.waves[0].applications == ("directory",)
    assert len(result.waves[1].applications) == 7  # the pilot's size bounds no wave
    assert any("no pilot wave" in w and "DIRECTORY" in w for w in result.warnings)
    # One application that can start without the vital one is a pilot again.
    scan, ig = estate([{"id": "directory", "criticality": "vital"}, {"id": "site"},
                       {"id": "app", "depends_on": ["directory"]}])
    result = plan(scan, ig, PlanOptions())
    assert [(w.number, w.pilot, w.applications) for w in result.waves] == [
        (1, True, ("site",)), (2, False, ("directory",)), (3, False, ("app",))]


def test_wave_limits_split_layers_and_report_oversized_groups() -> None:
    scan, ig = estate([{"id": f"a{i}", "effort": 10} for i in range(5)] + [
        {"id": "x", "depends_on": ["y"]}, {"id": "y", "depends_on": ["x"]}, {"id": "z", "depends_on": ["x"]}])
    result = plan(scan, ig, PlanOptions(max_wave_size=1, pilot_size=None))
    assert all(len(w.applications) <= 1 or len(w.move_groups) == 1 for w in result.waves)
    assert any("X, Y" in w for w in result.warnings)
    by_effort = plan(scan, ig, PlanOptions(max_wave_effort=20, pilot_size=None))
    assert all(w.effort_days <= 20 or len(w.move_groups) == 1 for w in by_effort.waves)


def test_pin_conflicts_are_reported_with_both_ends() -> None:
    scan, ig = estate([{"id": "base", "wave": 3}, {"id": "top", "depends_on": ["base"], "wave": 1}])
    result = plan(scan, ig, PlanOptions())
    assert {a: w.number for w in result.waves for a in w.applications} == {"base": 3, "top": 4}
    assert result.warnings == ("TOP is pinned to wave 1 but depends on BASE in wave 3; it moves in wave 4",)


def test_datasets_held_across_waves_are_flagged() -> None:
    scan, ig = estate([{"id": "a", "datasets": ["shared"]}, {"id": "b", "depends_on": ["a"], "datasets": ["shared"]}])
    result = plan(scan, ig, PlanOptions())
    assert result.waves[0].datasets == ("shared",) and result.waves[1].datasets == ()
    assert result.split_datasets == (("shared", (1, 2)),)


def test_names_are_escaped_in_markdown() -> None:
    scan, ig = estate([{"id": "a"}])
    inventory = ig.inventory
    evil = Application(id="a", name="<script>x</script> | {{ 7*7 }} `tick`", hosting=Hosting("on-premises"))
    ig = InventoryGraph(Inventory(inventory.organisation, applications=(evil,), path="t.yaml", sha256="0" * 64))
    text = markdown(plan(scan, ig), ig.inventory)
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\| \\{\\{ 7\\*7 \\}\\}" in text and "49" not in text
    assert '#60;script#62;' in text  # the Mermaid label too


EXAMPLES = {"chu": ROOT / "examples" / "chu-exemple.yaml", "ministere": ROOT / "examples" / "ministere-exemple.yaml"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_golden_markdown_plans(runner: Any, name: str, lang: str, update_golden: bool) -> None:
    path = EXAMPLES[name].relative_to(ROOT)
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # the plan names the inventory path as given
    try:
        result = runner.invoke(cli_app, ["plan", str(path), "--lang", lang])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{name}.{lang}.md"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_plan_json_follows_the_contract(runner: Any) -> None:
    result = runner.invoke(cli_app, ["plan", str(EXAMPLES["chu"]), "--format", "json", "--max-wave-size", "3"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format"] == "bleu-assess-plan/v1"
    assert {"tool", "inventory", "rulesets", "waves", "held", "staying"} <= document.keys()
    for wave in document["waves"]:
        assert {"number", "applications", "datasets", "move_groups", "effort_days"} <= wave.keys()
        assert len(wave["applications"]) <= 3 or len(wave["move_groups"]) == 1
    for held in document["held"]:
        assert {"id", "reason", "detail"} <= held.keys()
    for staying in document["staying"]:
        assert {"id", "target"} <= staying.keys()
    ids = [a for w in document["waves"] for a in w["applications"]] + [h["id"] for h in document["held"]] + \
        [s["id"] for s in document["staying"]]
    assert sorted(ids) == sorted(a.id for a in api.load(EXAMPLES["chu"]).inventory.applications)


def test_plan_options_are_checked(runner: Any) -> None:
    result = runner.invoke(cli_app, ["plan", str(EXAMPLES["chu"]), "--effort-days", "XXL=3", "--lang", "en"])
    assert result.exit_code == 2 and "unknown size 'XXL'" in result.output
    assert runner.invoke(cli_app, ["plan", str(EXAMPLES["chu"]), "--max-wave-size", "0"]).exit_code == 2


def test_effort_days_option_sets_each_application_effort_and_the_wave_totals() -> None:
    scan, ig = estate([{"id": "small", "effort": "S"}, {"id": "big", "effort": "XL"}, {"id": "own", "effort": 4}])
    result = plan(scan, ig, PlanOptions(effort_days={"XS": 1, "S": 2, "M": 5, "L": 20, "XL": 40, "unknown": 7}))
    assert dict(result.effort) == {"big": 40.0, "own": 4.0, "small": 2.0}
    assert sum(w.effort_days for w in result.waves) == 46.0
    text = markdown(result, ig.inventory)
    assert "| 40 |" in text and "| 2 |" in text  # each application's row shows the days the waves count


def test_csv_plan_lists_every_application_once_with_its_wave_for_a_ticket_tracker(runner: Any) -> None:
    import csv
    import io

    result = runner.invoke(cli_app, ["plan", str(EXAMPLES["chu"]), "--format", "csv", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    loaded = api.load(EXAMPLES["chu"])
    planned = api.plan(api.assess(loaded.inventory, lang="fr"), api.graph(loaded.inventory))
    assert sorted(r["application"] for r in rows) == sorted(a.id for a in loaded.inventory.applications)
    # Headers and coded values in the reader's language (French here).
    waves = {r["application"]: int(r["vague"]) for r in rows if r["statut"] == "vague"}
    assert waves == {a: w.number for w in planned.waves for a in w.applications}
    assert {r["application"] for r in rows if r["statut"] == "en attente"} == {h.id for h in planned.held}
    readiness = {r["préparation"].removesuffix(" †") for r in rows}
    assert all(r["motif"] for r in rows) and readiness <= {"Prêt", "Prêt sous conditions", "Non prêt", "Indéterminé"}
    # A readiness resting on catalogue facts not all official is marked, its confidence coded beside.
    assert all(r["préparation"].endswith(" †") == bool(r["confiance du catalogue (code)"]) for r in rows)
    assert any(r["confiance du catalogue (code)"] for r in rows)
    with_tasks = [r for r in rows if r["tâches"]]
    assert with_tasks and all(line.split(":")[0].count("-") >= 1 for r in with_tasks for line in r["tâches"].split("\n"))


def test_every_pinned_member_of_a_cycle_is_told_when_its_pin_breaks() -> None:
    # Found by the property test: a3 and a4 share a cycle with a2 and are both pinned to wave 2,
    # but the cycle needs a5 (wave 2) first; the warning named a3 only.
    scan, ig = estate([{"id": "a0"}, {"id": "a2", "depends_on": ["a3"]}, {"id": "a3", "depends_on": ["a4"], "wave": 2},
                       {"id": "a4", "depends_on": ["a2", "a5"], "wave": 2}, {"id": "a5", "depends_on": ["a0"]}])
    result = plan(scan, ig, PlanOptions(pilot_size=None))
    assert {a for w in result.waves if w.number == 3 for a in w.applications} == {"a2", "a3", "a4"}
    assert [w.split(" ")[0] for w in result.warnings] == ["A3", "A4"]


def test_the_checklist_shows_a_remediations_code_as_code_and_escapes_the_rest() -> None:
    scan, ig = estate([{"id": "a", "readiness": "ready-with-conditions"}])
    finding = Finding("TST-002", "t@1", "test", "medium", "keys", "then declare `customer_held_keys: true` | *now*")
    scan = dataclasses.replace(scan, items=(dataclasses.replace(scan.items[0], findings=(finding,)),))
    text = markdown(plan(scan, ig), ig.inventory)
    assert "then declare `customer_held_keys: true` \\| \\*now\\*" in text


@pytest.mark.parametrize(("apps", "lang", "sentence"), [
    ([{"id": "a", "readiness": "not-ready"}], "en", "No wave: every application is held (not ready, readiness unknown, "
                                                    "no target platform that fits, or depending on a held application); the section "
                                                    "“Held applications” gives each one's reason."),
    ([{"id": "a", "strategy": "retain"}], "fr", "Aucune vague : toutes les applications restent en place"),
    ([{"id": "a", "readiness": "not-ready"}, {"id": "b", "strategy": "retire"}], "fr",
     "Aucune vague : chaque application est en attente ou reste en place"),
    ([], "en", "No wave: the inventory declares no application."),
])
def test_a_plan_without_waves_says_why_instead_of_an_empty_table(apps: list[dict[str, Any]], lang: str,
                                                                 sentence: str) -> None:
    scan, ig = estate(apps, lang=lang)
    text = markdown(plan(scan, ig), ig.inventory)
    assert sentence in text
    assert "| Wave | Application |" not in text and "| Vague | Application |" not in text  # no empty table
    console = Console(width=400, record=True)
    console.print(table(plan_codes(scan, ig), ig.inventory, width=400))
    assert sentence in console.export_text()  # the terminal says it too


def test_the_pilot_leaves_high_criticality_and_high_severity_findings_to_wave_2_and_says_why() -> None:
    scan, ig = estate([{"id": "menus", "criticality": "low"}, {"id": "eds", "criticality": "high", "effort": "L"},
                       {"id": "flows", "criticality": "low", "readiness": "ready-with-conditions"}])
    risky = Finding("EXT-FLOW-005", "t@1", "test", "high", "flows to the US", "document them")
    scan = dataclasses.replace(scan, items=tuple(dataclasses.replace(i, findings=(risky,)) if i.id == "flows" else i
                                                 for i in scan.items))
    result = plan(scan, ig, PlanOptions(pilot_size=5))  # room for all three: the pilot still takes the simple one only
    assert [w.applications for w in result.waves] == [("menus",), ("eds", "flows")]
    reasons = {p.id: p.reason for w in result.waves for p in w.placements}
    assert reasons == {"menus": "pilot: waits for no other application to move, without high criticality or a high-severity finding",
                       "eds": "kept out of the pilot wave: high criticality (EDS)",
                       "flows": "kept out of the pilot wave: high-severity finding (EXT-FLOW-005, FLOWS)"}


def test_when_nothing_simpler_can_move_the_pilot_says_so_rather_than_easiest_first() -> None:
    scan, ig = estate([{"id": "eds", "criticality": "high"}, {"id": "report", "depends_on": ["eds"]}], lang="fr")
    result = plan(scan, ig, PlanOptions())
    assert result.waves[0].applications == ("eds",)
    assert result.waves[0].placements[0].reason == ("pilote : n'attend la migration d'aucune autre application, et "
                                                    "aucune application plus simple ne peut migrer d'abord")


def test_an_application_depending_only_on_one_that_stays_is_not_said_to_have_no_dependency() -> None:
    # A GHT's PMSI depends on the DPI, which is retained: it can start the plan, but its reason
    # must not tell the direction it has « no dependencies » (domains trial).
    scan, ig = estate([{"id": "dpi", "strategy": "retain"}, {"id": "pmsi", "depends_on": ["dpi"]}])
    result = plan(scan, ig, PlanOptions())
    assert result.waves[0].applications == ("pmsi",)
    reason = result.waves[0].placements[0].reason
    assert reason.startswith("pilot: waits for no other application to move")
    assert "no dependencies" not in reason
