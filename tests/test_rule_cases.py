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
from bleu_assess.load import load_inventory
from bleu_assess.rules.load import discover, load_ruleset

CASES = Path(__file__).parent / "rules" / "cases"


def _shipped_rules() -> dict[str, Any]:
    rules = {}
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


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_rule_case(case_file: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    rule_id = case["rule"]
    assert rule_id == _rule_of(case_file), "the case file is named after its rule"
    assert rule_id in RULES, f"{rule_id} is not a shipped rule"
    assert case["fires"] and case["passes"], "each rule needs a positive and a negative case"
    inventory_file = tmp_path / "inventory.yaml"
    inventory_file.write_text(yaml.safe_dump(case["inventory"], allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        inventory = load_inventory(inventory_file).inventory
    except InputError as exc:  # a broken case should say why
        pytest.fail("case inventory is invalid:\n" + "\n".join(d.format() for d in exc.diagnostics))
    ruleset = RULES[rule_id]
    # The rule's ruleset alone, plus the others at their defaults (second-pass rules depend on them).
    others = [r for r in api.select_rulesets() if r.id != ruleset.id]
    result = api.assess(inventory, sorted([*others, ruleset], key=lambda r: r.id), "en", as_of=case.get("as_of"))
    fired = {item.id for item in result.items if any(f.rule == rule_id for f in item.findings)}
    for item_id in case["fires"]:
        assert result.item(item_id) is not None, f"no item {item_id} in the case"
        assert item_id in fired, f"{rule_id} should fire on {item_id}"
    for item_id in case["passes"]:
        assert result.item(item_id) is not None, f"no item {item_id} in the case"
        assert item_id not in fired, f"{rule_id} should not fire on {item_id}"
