"""`explain ITEM` shows what the evaluation used: every fact any evaluated rule tests (fired or
not, `verdict.*` and `platform.*` included) with its value, and the rules that fired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, minimal_inventory

from bleu_assess import api
from bleu_assess.assess.explain import explain, find
from bleu_assess.cli import app
from bleu_assess.rules.facts import FACTS


@pytest.mark.parametrize("example", ["chu-exemple.yaml", "ministere-exemple.yaml"])
def test_the_trace_holds_every_fact_every_evaluated_rule_tests_and_the_rules_that_fired(example: str) -> None:
    loaded = api.load(EXAMPLES / example).inventory
    ig = api.graph(loaded)
    rulesets = api.select_rulesets()
    result = api.assess(loaded, rulesets, "en", ig=ig)
    rules = {rule.id: rule for ruleset in rulesets for rule in ruleset.rules}
    second_pass_seen = set()
    for verdict in result.items:
        trace = explain(ig, rulesets, result, verdict)
        applicable = [r for r in rules.values() if verdict.kind in r.applies_to]
        assert set(trace.evaluated) == {r.id for r in applicable}
        assert set(trace.facts) == {name for r in applicable for name in r.facts_used}
        # The rules that fired are those behind the item's findings, and each fired on its facts.
        assert {rid for f in trace.verdict.findings for rid in f.rule_ids} == set(trace.fired)
        for rule_id in trace.fired:
            assert rules[rule_id].predicate(dict(trace.facts))
        assert trace.verdict.findings == verdict.findings or loaded.catalogue is not None
        second_pass_seen |= {n for n in trace.facts if FACTS[n].second_pass}
    assert {"verdict.secnumcloud_scope", "verdict.target", "platform.id"} <= second_pass_seen


def test_explain_lists_each_tested_fact_with_its_value_and_the_rules_that_fired_on_it(runner: Any) -> None:
    path = EXAMPLES / "chu-exemple.yaml"
    result = runner.invoke(app, ["explain", str(path), "dpi", "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    loaded = api.load(path).inventory
    scan = api.assess(loaded, api.select_rulesets(), "en")
    trace = explain(api.graph(loaded), api.select_rulesets(), scan, scan.item("dpi"))
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") == 4}
    for name in trace.facts:
        assert name in rows, name
        for rule_id in trace.fired_using(name):
            assert rule_id in rows[name]
    assert any(name.startswith(("verdict.", "platform.")) and trace.fired_using(name) for name in trace.facts)


def test_explain_by_name_prefers_the_application_to_a_dataset_of_that_name(runner: Any,
                                                                             write_inventory: Any) -> None:
    inventory = minimal_inventory(
        applications=[{"id": "paie-app", "name": "Paie", "hosting": {"model": "on-premises"}, "datasets": ["paie"]}],
        datasets=[{"id": "paie", "name": "Paie", "classification": "personal", "personal_data": True}])
    path = write_inventory(inventory)
    scan = api.scan(path, lang="en")
    assert [i.id for i in find(scan, " paie ")] == ["paie"]  # an id first: the dataset's
    assert [(i.kind, i.id) for i in find(scan, "PAIE")] == [("application", "paie-app")]
    result = runner.invoke(app, ["explain", str(path), "Paie", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "(paie-app)" in result.stdout


def test_explain_names_every_item_of_an_ambiguous_name(runner: Any, write_inventory: Any) -> None:
    twins = [{"id": f"gestion-{n}", "name": "Gestion", "hosting": {"model": "on-premises"}, "datasets": ["data"]}
             for n in (1, 2)]
    path = write_inventory(minimal_inventory(applications=twins))
    result = runner.invoke(app, ["explain", str(path), "gestion", "--lang", "fr"])
    assert result.exit_code == 2
    assert "« gestion »" in result.output and "gestion-1, gestion-2" in result.output


def test_explain_runs_as_a_real_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "bleu_assess", "explain", str(EXAMPLES / "minimal.yaml"),
                           "etat-civil", "--lang", "fr"], capture_output=True, text=True, env={
                              "COLUMNS": "160", "PATH": "", "SOURCE_DATE_EPOCH": "1795996800"})
    assert done.returncode == 0, done.stderr
    assert "Faits testés par les règles" in done.stdout and "platform.pending" in done.stdout
