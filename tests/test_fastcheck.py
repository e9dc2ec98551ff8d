"""The compiled validator (inventory/fastcheck.py) is a fast path only: on every input it gives
the inventory, warnings and errors the located walker gives, and scan's output is byte-identical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.errors import InputError
from bleu_assess.inventory import fastcheck
from bleu_assess.inventory.load import load_inventory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

HEAD = "format: bleu-assess/v2\norganisation: {name: Test, country: FR, type: other}\n"


def outcome(path: Path, setting: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    monkeypatch.setenv(fastcheck.ENV, setting)
    try:
        loaded = load_inventory(path)
    except InputError as exc:
        return "refused", list(exc.diagnostics)
    return "loaded", (loaded.inventory, loaded.warnings)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("estate") / "estate.yaml"
    path.write_text(generate(400), encoding="utf-8")
    return path


def test_a_generated_estate_is_large_enough_for_the_fast_path_and_loads_the_same(
        estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert estate.stat().st_size >= fastcheck.FAST_MIN_BYTES
    walker = outcome(estate, "off", monkeypatch)
    fast = outcome(estate, "on", monkeypatch)
    assert walker[0] == "loaded" and walker == fast


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_the_examples_load_the_same_either_way(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert outcome(example, "off", monkeypatch) == outcome(example, "always", monkeypatch)


# What the editor's JSON Schema cannot say, and the walker refuses: each must leave the fast path.
APP = "applications:\n  - id: a\n    name: A\n    hosting: {model: on-premises}\n"
REFUSED = {
    "control-character": HEAD + APP.replace("name: A", 'name: "A\\e[31m"'),
    "line-break-in-a-name": HEAD + APP.replace("name: A", 'name: "A\\nB"'),
    "impossible-date": HEAD + "derogations:\n  - {id: d, items: [a], reason: r, until: 2026-02-30}\n" + APP,
    "duplicate-id": HEAD + APP + "  - id: a\n    name: Again\n    hosting: {model: on-premises}\n",
    "unknown-reference": HEAD + APP + "    depends_on: [nowhere]\n",
    # A reference's id pattern is not searched on the fast path (it must name a declared id).
    "reference-not-an-id": HEAD + APP + '    depends_on: ["A\\n"]\n',
    "not-finite": HEAD + APP + "    effort: .nan\n",
    "free-data-too-deep": HEAD + APP + "    extra: " + "[" * 70 + "]" * 70 + "\n",
    "hosting-without-provider": HEAD + APP.replace("on-premises", "iaas"),
    "unknown-field": HEAD + APP + "    colour: blue\n",
    "wrong-type": HEAD + APP + "    users: many\n",
    "effort-of-no-size": HEAD + APP + "    effort: XXL\n",
    "effort-below-zero": HEAD + APP + "    effort: -1\n",
    "effort-a-boolean": HEAD + APP + "    effort: true\n",
    "control-character-in-free-data": HEAD + APP + '    extra: {note: "a\\x07"}\n',
    "line-break-in-a-free-key": HEAD + APP + '    extra: {"a\\nb": 1}\n',
    # JSON Schema's `$` ends the text (Python's would let a final line break through).
    "final-line-break-in-an-id": HEAD + APP.replace("id: a", 'id: "a\\n"'),
    "final-line-break-in-a-country": HEAD.replace("country: FR", 'country: "FR\\n"') + APP,
    "final-line-break-in-an-effort-size": HEAD + APP + '    effort: "XL\\n"\n',
}

# Values the compiled validator's schema merges (effort's choices, free-form data's kinds): both
# paths must agree on each, accepted or refused.
EDGES = {
    "effort-size": "    effort: XL\n",
    "effort-number": "    effort: 12.5\n",
    "effort-null": "    effort: null\n",
    "effort-upper-bound": "    effort: 1000001\n",
    "free-nested": "    extra: {a: [1, {b: null}], c: true}\n",
    "free-multiline-text": '    tags: {note: "two\\nlines"}\n',
    "free-integer-key": "    extra: {1: one}\n",
    "count-as-a-whole-float": "    users: 10.0\n",
    "count-beyond-64-bits": "    users: 123456789012345678901234567890\n",
    "count-below-zero": "    users: -1\n",
    "multiline-text-ending-in-a-line-break": '    blockers: ["wait\\n"]\n',
}


@pytest.mark.parametrize("case", sorted(EDGES))
def test_merged_schema_choices_decide_as_the_walker(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(HEAD + APP + EDGES[case], encoding="utf-8")
    assert outcome(path, "always", monkeypatch) == outcome(path, "off", monkeypatch)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_invalid_inventory_gets_the_walkers_located_messages(case: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(REFUSED[case], encoding="utf-8")
    walker = outcome(path, "off", monkeypatch)
    assert walker[0] == "refused", walker
    assert outcome(path, "always", monkeypatch) == walker


def test_scan_output_is_byte_identical_with_the_compiled_validator_or_the_walker(estate: Path) -> None:
    def scan(setting: str) -> bytes:
        env = {**os.environ, fastcheck.ENV: setting, "COLUMNS": "120"}
        done = subprocess.run([sys.executable, "-m", "bleu_assess", "scan", str(estate), "--as-of", "2026-06-30",
                               "--format", "json"], capture_output=True, env=env, check=False)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout + done.stderr

    assert scan("off") == scan("on")


def test_a_valid_generated_estate_takes_the_fast_path(estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast path must accept what is valid, or every large inventory pays the walker.
    from bleu_assess.inventory import validate as located

    def walker(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the walker ran on a valid estate")

    monkeypatch.delenv(fastcheck.ENV, raising=False)
    monkeypatch.setattr(located, "validate", walker)
    assert load_inventory(estate).inventory.applications


@pytest.mark.parametrize("setting", ["off", "on"])
def test_validate_without_the_model_reports_what_the_model_says(setting: str, estate: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # `bleu-assess validate` checks without building every entry (api.check): same warnings,
    # counts, servers and dependency cycles as the loaded inventory, by either path.
    from bleu_assess import api
    from bleu_assess.inventory.graph import dependency_cycles

    monkeypatch.setenv(fastcheck.ENV, setting)
    loaded, checked = api.load(estate), api.check(estate)
    inventory, outline = loaded.inventory, checked.outline
    assert checked.warnings == loaded.warnings and loaded.warnings
    assert {s: outline.count(s) for s in ("applications", "datasets", "flows", "providers", "platforms")} == {
        "applications": len(inventory.applications), "datasets": len(inventory.datasets),
        "flows": len(inventory.flows), "providers": len(inventory.providers), "platforms": len(inventory.platforms)}
    assert outline.organisation == inventory.organisation and outline.servers == inventory.servers
    assert frozenset(outline.hosting_from_servers) == inventory.hosting_from_servers
    assert dependency_cycles(outline.dependencies()) == api.graph(inventory).dependency_cycles()



def test_ids_read_a_few_entries_at_a_time_decide_as_the_walker(estate: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Ids are collected by columns CHUNK entries at a time: a duplicate or an unknown reference
    # across chunks is still found, and a valid estate still loads as the walker loads it.
    monkeypatch.setattr(fastcheck, "CHUNK", 3)
    assert outcome(estate, "on", monkeypatch) == outcome(estate, "off", monkeypatch)
    others = "".join(APP.replace("id: a", f"id: a{i}") for i in range(5))
    for case in ("duplicate-id", "unknown-reference"):
        path = tmp_path / f"{case}.yaml"
        path.write_text(REFUSED[case].replace(APP, others + APP, 1), encoding="utf-8")
        walker = outcome(path, "off", monkeypatch)
        assert walker[0] == "refused" and outcome(path, "always", monkeypatch) == walker


@pytest.mark.parametrize("setting", ["off", "on"])
def test_a_check_without_warnings_finds_the_same_errors(setting: str, estate: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # `validate -q` shows no warning: api.check(warnings=False) looks for none, and refuses
    # exactly what the full check refuses.
    from bleu_assess import api

    monkeypatch.setenv(fastcheck.ENV, setting)
    quiet, full = api.check(estate, warnings=False), api.check(estate)
    assert quiet.warnings == [] and full.warnings
    assert quiet.outline.count("flows") == full.outline.count("flows")
    assert_same_errors(api.check, REFUSED["unknown-reference"], tmp_path)


def assert_same_errors(read: Any, text: str, folder: Path) -> None:
    """`read(path, warnings=...)` refuses `text` with the same errors whether it looks for
    warnings or not."""
    path = folder / "i.yaml"
    path.write_text(text, encoding="utf-8")
    errors = []
    for warnings in (False, True):
        with pytest.raises(InputError) as refused:
            read(path, warnings=warnings)
        errors.append(refused.value.diagnostics)
    assert errors[0] == errors[1] and errors[0]


@pytest.mark.parametrize("setting", ["off", "on"])
def test_a_load_without_warnings_builds_the_same_inventory_and_finds_the_same_errors(
        setting: str, estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `scan -q` (and every assessing command with -q) shows no warning: api.load(warnings=False)
    # looks for none, builds the same inventory and refuses exactly what the full load refuses.
    from bleu_assess import api

    monkeypatch.setenv(fastcheck.ENV, setting)
    quiet, full = api.load(estate, warnings=False), api.load(estate)
    assert quiet.warnings == [] and full.warnings
    assert quiet.inventory == full.inventory
    assert_same_errors(api.load, REFUSED["duplicate-id"], tmp_path)


def test_scan_quiet_prints_no_warning_and_writes_the_same_results(estate: Path) -> None:
    def scan(*quiet: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "bleu_assess", *quiet, "scan", str(estate), "--as-of",
                               "2026-06-30", "--format", "json"], capture_output=True, check=False)

    loud, quiet = scan(), scan("-q")
    assert loud.returncode == quiet.returncode == 0
    assert loud.stderr and quiet.stderr == b""
    assert loud.stdout == quiet.stdout
