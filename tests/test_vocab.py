"""The one vocabulary: the values the results contract allows, checked against verdicts.yaml."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import vocab
from bleu_assess.vocab import ExposureLevel, Readiness, Residency, Scope, Severity, Target, check_verdict_model

SPEC = Path("/work/shared/spec/results.md")


@pytest.mark.parametrize(("field", "enum"), [
    ("readiness", Readiness), ("secnumcloud_scope", Scope), ("residency", Residency),
    ("exposure.level", ExposureLevel), ("target", Target), ("severity", Severity)])
def test_each_vocabulary_is_the_one_the_results_contract_lists(field: str, enum: type[Any]) -> None:
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is absent")
    row = next(line for line in SPEC.read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{field}` |"))
    # The codes the contract lists, in its order; explanations in brackets and after ';' left out.
    cell = re.sub(r"\([^)]*\)", "", row.split("|")[2]).split(";")[0]
    listed = [m.group(1) for m in re.finditer(r"`([a-z-]+)`", cell)]
    assert [m.value for m in enum] == listed


def test_severity_rank_orders_most_severe_first_and_accepts_plain_strings() -> None:
    assert [s.rank for s in Severity] == [0, 1, 2, 3, 4]
    assert vocab.SEVERITY_RANK["blocker"] < vocab.SEVERITY_RANK["info"]
    assert Severity.BLOCKER == "blocker" and f"{Severity.HIGH}" == "high"


def _shipped_model() -> dict[str, Any]:
    from bleu_assess.inventory import yamlio
    from bleu_assess.resources import rulesets_dir

    path = rulesets_dir() / "verdicts.yaml"
    data = yamlio.parse(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(data, dict)
    return data


def test_the_shipped_verdict_model_agrees_with_the_vocabulary() -> None:
    assert check_verdict_model(_shipped_model()) == []


@pytest.mark.parametrize(("change", "path", "needle"), [
    (lambda d: d["orders"]["target"].append("moon"), ("orders", "target"), "'moon' is not a Target"),
    (lambda d: d["orders"]["residency"].remove("unknown"), ("orders", "residency"), "every Residency value"),
    (lambda d: d["defaults"].update(secnumcloud_scope="maybe"), ("defaults", "secnumcloud_scope"), "'maybe'"),
    (lambda d: d["scope_targets"].update(required="retain"), ("scope_targets",), "'retain' is not a Target"),
    (lambda d: d["exposure"]["levels"].update(severe=95), ("exposure", "levels"), "'severe' is not"),
])
def test_a_verdict_model_outside_the_vocabulary_is_refused_by_field(change: Any, path: tuple[str, ...],
                                                                    needle: str) -> None:
    data = copy.deepcopy(_shipped_model())
    change(data)
    problems = check_verdict_model(data)
    assert [p for p, message in problems if needle in message] == [path]


def test_the_cli_reads_its_fail_on_choices_without_heavy_libraries() -> None:
    code = ("import sys, bleu_assess.cli.assess as a; print(sorted(a.FAIL_ON)); "
            "print(sorted(m for m in ('yaml', 'networkx', 'jinja2', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == str(sorted(["blocker", "high", "medium", "low"]))
    assert out[1] == "[]"


def test_loading_a_verdict_model_outside_the_vocabulary_names_the_file_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    from bleu_assess.errors import RulesetError
    from bleu_assess.rules import refdata

    broken = copy.deepcopy(_shipped_model())
    broken["defaults"]["residency"] = "fine"
    monkeypatch.setattr(refdata, "read", lambda name: broken)
    refdata.verdict_model.cache_clear()
    try:
        with pytest.raises(RulesetError) as raised:
            refdata.verdict_model()
    finally:
        refdata.verdict_model.cache_clear()
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.file.endswith("verdicts.yaml") and diagnostic.path == "defaults.residency"
    assert "'fine' is not a Residency value" in diagnostic.message
