"""Property-based fuzzing (hypothesis). In CI a short derandomized run; `HYPOTHESIS_PROFILE=nightly`
or `python tests/hostile/fuzz.py --examples 5000` for the long one."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

from fuzz import NIGHTLY, PROFILE, inventories, mutate, to_yaml_text
from hypothesis import given, settings
from hypothesis import strategies as st

from bleu_assess import api
from bleu_assess.errors import InputError
from bleu_assess.inventory.load import load_inventory
from bleu_assess.plan.waves import PlanOptions
from bleu_assess.render.report import render as render_report

EXAMPLES = int(os.environ.get("BLEU_FUZZ_EXAMPLES", "0")) or None
RULESETS = api.select_rulesets()


def _settings(ci_examples: int) -> Any:
    """The CI profile's short derandomized run, or the nightly profile's long one."""
    return settings(PROFILE, max_examples=EXAMPLES or (PROFILE.max_examples if NIGHTLY else ci_examples))


def _write(tmp: Path, text: str) -> Path:
    path = tmp / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@_settings(25)
@given(inventory=inventories(), max_wave_size=st.one_of(st.none(), st.integers(1, 4)))
def test_valid_inventories_never_crash_and_keep_the_plan_invariants(tmp_path_factory: Any, inventory: dict[str, Any],
                                                                    max_wave_size: int | None) -> None:
    path = _write(tmp_path_factory.mktemp("fuzz"), to_yaml_text(inventory))
    loaded = load_inventory(path)
    ig = api.graph(loaded.inventory)
    scan = api.assess(loaded.inventory, RULESETS, "en", ig)
    plan = api.plan(scan, ig, PlanOptions(max_wave_size=max_wave_size))
    for fmt in ("html", "markdown"):
        assert render_report(scan, plan, loaded.inventory, fmt, "technical", None)
    document = plan.to_dict()
    placed = [a for w in document["waves"] for a in w["applications"]]
    placed += [h["id"] for h in document["held"]] + [s["id"] for s in document["staying"]]
    assert sorted(placed) == sorted(a["id"] for a in inventory["applications"]), "each application exactly once"
    wave_of = {a: w["number"] for w in document["waves"] for a in w["applications"]}
    for app in inventory["applications"]:
        for dependency in app["depends_on"]:
            if app["id"] in wave_of and dependency in wave_of:
                assert wave_of[dependency] <= wave_of[app["id"]], (app["id"], dependency)
    for cycle in ig.dependency_cycles():
        # The members that move do so together (a member may stay on premises: a hybrid link).
        assert len({wave_of[a] for a in cycle if a in wave_of}) <= 1, "a cycle's moving members share one wave"


@_settings(100)
@given(inventory=inventories(), seed=st.integers(0, 2**32 - 1))
def test_mutated_inventories_yield_only_clean_errors(tmp_path_factory: Any, inventory: dict[str, Any], seed: int) -> None:
    mutated = inventory
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 3)):
        mutated = mutate(mutated, rng)
    path = _write(tmp_path_factory.mktemp("fuzz"), to_yaml_text(mutated))
    try:
        loaded = load_inventory(path)
    except InputError as exc:
        assert exc.diagnostics
        for diagnostic in exc.diagnostics:
            assert diagnostic.file == str(path) and diagnostic.format().startswith(str(path))
            assert "\x1b" not in diagnostic.format() and "\u202e" not in diagnostic.format()
        return
    ig = api.graph(loaded.inventory)  # still valid: every stage must work
    scan = api.assess(loaded.inventory, RULESETS, "en", ig)
    api.plan(scan, ig, PlanOptions())
