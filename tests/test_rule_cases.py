"""Every shipped rule has a case file (tests/rules/cases/<RULE-ID>.yaml) with items where it must
fire and items where it must not; each case runs the rule's ruleset on the case's inventory.
More cases for a rule go in <RULE-ID>.<variant>.yaml (e.g. `.v2` for the format v2 input);
`as_of` in a case sets the assessment date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess import api
from bleu_assess.errors import InputError
from bleu_assess.inventory.load import load_inventory
from bleu_assess.rules.load import discover, load_ruleset

CASES = Path(__file__).parent / "rules" / "cases"


def _shipped_rules() -> dict[str, Any]:
    """Each rule id with the ruleset it is tested in: the default selection first, then the
    rules that only older or draft versions have."""
    rules = {rule.id: ruleset for ruleset in api.select_rulesets() for rule in ruleset.rules}
    for versions in discover().values():
        for available in versions.values():
            ruleset = load_ruleset(available.path)
            for rule in ruleset.rules:
                rules.setdefault(rule.id, ruleset)
    return rules


RULES = _shipped_rules()


def _rule_of(case_file: Path) -> str:
    return case_file.name.split(".")[0]

CASE_FILES = sorted(CASES.glob("*.yaml"))


def test_every_stable_rule_has_a_case_file() -> None:
    missing = sorted(set(RULES) - {_rule_of(p) for p in CASE_FILES})
    assert not missing, f"rules without tests/rules/cases/<id>.yaml: {missing}"


def test_at_least_thirty_rules_in_stable_rulesets() -> None:
    stable = {r.id for rs in api.select_rulesets() for r in rs.rules}
    assert len(stable) >= 30


def _scenarios(case: dict[str, Any]) -> list[dict[str, Any]]:
    """A case file holds one scenario (`inventory`, `fires`, `passes`) or several under `cases:`,
    each named, e.g. the same organisation in format v1 and v2, or with and without a policy."""
    return case["cases"] if "cases" in case else [{"name": "case", **case}]


def _run(rule_id: str, scenario: dict[str, Any], tmp_path: Path) -> Any:
    inventory_file = tmp_path / f"{scenario['name']}.yaml"
    inventory_file.write_text(yaml.safe_dump(scenario["inventory"], allow_unicode=True, sort_keys=False),
                              encoding="utf-8")
    try:
        inventory = load_inventory(inventory_file).inventory
    except InputError as exc:  # a broken case should say why
        pytest.fail(f"{scenario['name']}: case inventory is invalid:\n" + "\n".join(d.format() for d in exc.diagnostics))
    ruleset = RULES[rule_id]
    # The rule's ruleset alone, plus the others at their defaults (second-pass rules depend on them).
    others = [r for r in api.select_rulesets() if r.id != ruleset.id]
    as_of = scenario.get("as_of", "2026-11-30")
    return api.assess(inventory, sorted([*others, ruleset], key=lambda r: r.id), "en", as_of=as_of)


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_rule_case(case_file: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    rule_id = case["rule"]
    assert rule_id == _rule_of(case_file), "the case file is named after its rule"
    assert rule_id in RULES, f"{rule_id} is not a shipped rule"
    scenarios = _scenarios(case)
    assert any(s.get("fires") for s in scenarios) and any(s.get("passes") for s in scenarios), \
        "each rule needs a positive and a negative case"
    for scenario in scenarios:
        name = scenario["name"]
        result = _run(rule_id, scenario, tmp_path)
        fired = {item.id for item in result.items if any(rule_id in f.rule_ids for f in item.findings)}
        for item_id in scenario.get("fires", ()):
            assert result.item(item_id) is not None, f"{name}: no item {item_id} in the case"
            assert item_id in fired, f"{name}: {rule_id} should fire on {item_id}"
        for item_id in scenario.get("passes", ()):
            assert result.item(item_id) is not None, f"{name}: no item {item_id} in the case"
            assert item_id not in fired, f"{name}: {rule_id} should not fire on {item_id}"
        # The verdicts an auditor would sign: {item: {secnumcloud_scope: required, readiness: ...}}.
        for item_id, expected in (scenario.get("verdicts") or {}).items():
            item = result.item(item_id)
            assert item is not None, f"{name}: no item {item_id} in the case"
            got = {key: list(v) if isinstance(v := getattr(item, key), tuple) else v for key in expected}
            assert got == expected, f"{name}: {item_id}"
