"""The rule language owns its vocabulary: every fact the evaluator computes is declared in
rules/facts.py (and nothing else), every fact and operator is documented in docs/rulesets.md."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from bleu_assess import api
from bleu_assess.assess.analysis import Analysis
from bleu_assess.rules import conditions
from bleu_assess.rules.facts import FACTS, NAMES, TYPES
from bleu_assess.rules.operators import OPERATORS

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "rulesets.md").read_text(encoding="utf-8")


def _documented(section: str) -> set[str]:
    """Names in the first column of the tables of a docs/rulesets.md section."""
    text = DOC.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return {name for line in text.splitlines() if line.startswith("| `")
            for name in re.findall(r"`([a-z0-9_.]+)`", line.split("|")[1])}


def test_every_fact_is_documented_and_every_documented_fact_exists() -> None:
    assert _documented("Facts") == set(FACTS)
    assert all(f.doc and f.type in TYPES and f.kinds for f in FACTS.values())


def test_every_operator_is_documented() -> None:
    assert _documented("Conditions (`when`)") == set(OPERATORS)


@pytest.mark.parametrize("example", ["chu-exemple.yaml", "ministere-exemple.yaml"])
def test_the_first_pass_computes_exactly_the_declared_facts_of_each_kind(example: str) -> None:
    ig = api.graph(api.load(ROOT / "examples" / example).inventory)
    analysis = Analysis(ig, "2026-11-30")
    inv = ig.inventory
    computed = {"application": analysis.application_facts(inv.applications[0])[0],
                "dataset": analysis.dataset_facts(inv.datasets[0])[0]}
    for kind, facts in computed.items():
        declared = {n for n, f in FACTS.items() if kind in f.kinds and not f.second_pass}
        assert set(facts) == declared, kind


def test_an_application_s_facts_are_keyed_by_the_fact_table_s_own_names() -> None:
    # The rules' testers read them by those names (rules/conditions.py): found by identity.
    ig = api.graph(api.load(ROOT / "examples" / "chu-exemple.yaml").inventory)
    analysis = Analysis(ig, "2026-11-30")
    facts, _ = analysis.application_facts(ig.inventory.applications[0])
    assert all(NAMES[name] is name for name in facts)


@pytest.mark.parametrize(("op", "value", "fact", "expected"), [
    ("equals", "FR", "FR", True), ("equals", "FR", None, False), ("not_equals", "FR", None, True),
    ("in", frozenset({"FR"}), None, False), ("not_in", frozenset({"FR"}), None, True),
    ("exists", False, (), True), ("exists", True, (), False), ("contains", "health", ("health",), True),
    ("intersects", frozenset({"US"}), ("FR", "US"), True), ("disjoint", frozenset({"US"}), (), True),
    ("subset_of", frozenset({"FR"}), ("FR",), True), ("not_subset_of", frozenset({"FR"}), (), False),
    ("gt", 3, 4, True), ("gte", 3, True, False), ("lt", 3, None, False), ("lte", 3, 3.0, True),
])
def test_each_operator_tests_as_documented(op: str, value: object, fact: object, expected: bool) -> None:
    # Through the compiler the evaluator uses: the operator's source inlined into a pass's function.
    rule = SimpleNamespace(facts_used=("x",), constants=(value,),
                           condition="(" + OPERATORS[op].source.format(v="{f0}", k="{k0}") + ")")
    holds = conditions.tester([rule], [True])  # type: ignore[list-item]
    assert bool(holds({"x": fact})) is expected
