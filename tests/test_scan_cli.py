"""scan, explain and rules as a user runs them, and the JSON results contract (spec/results.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.vocab import ExposureLevel, Readiness, Residency, Scope, Severity, Target

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml")) + [ROOT / "examples" / "par-service"]

SAMPLE = {
    "format": "bleu-assess/v1",
    "organisation": {"name": "CHU Test", "type": "health-establishment", "designations": ["ose"]},
    "providers": [
        {"id": "us-cloud", "name": "US cloud", "headquarters": "US", "regions": ["FR"], "support_regions": ["US"],
         "qualifications": ["hds", "iso27001"]},
        {"id": "snc", "name": "SNC", "headquarters": "FR", "regions": ["FR"],
         "qualifications": ["secnumcloud-3.2", "hds"]},
    ],
    "platforms": [{"id": "snc-iaas", "provider": "snc", "models": ["iaas", "paas"]}],
    "applications": [
        {"id": "dpi", "name": "Dossier patient <b>", "owner": "DSI", "criticality": "vital",
         "hosting": {"model": "on-premises"}, "datasets": ["dossier"]},
        {"id": "mail", "name": "Messagerie", "hosting": {"model": "saas", "provider": "us-cloud"},
         "datasets": ["courriels"]},
    ],
    "datasets": [
        {"id": "dossier", "name": "Dossier patient", "classification": "health"},
        {"id": "courriels", "name": "Courriels", "classification": "personal"},
    ],
    "flows": [{"from": "dpi", "to": "mail", "datasets": ["dossier"], "description": "Courriers de sortie"}],
}


def check_contract(document: dict[str, Any]) -> None:
    """Every required key and enumeration of the scan results contract."""
    assert document["format"] == "bleu-assess-results/v1"
    assert document["tool"]["name"] == "bleu-assess" and document["tool"]["version"]
    assert {"path", "sha256", "organisation"} <= document["inventory"].keys()
    assert len(document["inventory"]["sha256"]) == 64
    for ruleset in document["rulesets"]:
        assert {"id", "version", "sha256"} <= ruleset.keys() and len(ruleset["sha256"]) == 64
    summary = document["summary"]
    apps = [i for i in document["items"] if i["kind"] == "application"]
    assert summary["applications"] == len(apps)
    assert summary["datasets"] == len(document["items"]) - len(apps)
    assert set(summary["readiness"]) == set(Readiness) and sum(summary["readiness"].values()) == len(apps)
    assert set(summary["secnumcloud_scope"]) == set(Scope)
    ids = [i["id"] for i in document["items"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for item in document["items"]:
        assert item["kind"] in ("application", "dataset")
        assert item["readiness"] in set(Readiness) and item["secnumcloud_scope"] in set(Scope)
        assert item["residency"] in set(Residency) and item["target"] in set(Target)
        exposure = item["exposure"]
        assert exposure["level"] in set(ExposureLevel) and 0 <= exposure["score"] <= 100
        assert (exposure["level"] == "none") == (exposure["score"] == 0)
        for path in exposure["paths"]:
            assert path[0] == item["id"] and path[-1].startswith("provider:")
        assert item["platform"] is None or isinstance(item["platform"], str)
        ranks = [Severity(f["severity"]).rank for f in item["findings"]]
        assert ranks == sorted(ranks)
        for finding in item["findings"]:
            assert {"rule", "ruleset", "dimension", "severity", "message", "remediation", "references",
                    "evidence"} <= finding.keys()
            assert (finding["references"] or finding["method_references"]) and finding["message"]
            assert "@" in finding["ruleset"] and finding["rule"] == finding["rules"][0]
        if any(f["severity"] == "blocker" for f in item["findings"]):
            assert item["readiness"] == "not-ready"


@pytest.fixture
def sample(write_inventory: Any) -> Path:
    return write_inventory(SAMPLE)


def test_scan_json_follows_the_contract(runner: Any, sample: Path) -> None:
    result = runner.invoke(app, ["scan", str(sample), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    check_contract(json.loads(result.stdout))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_scan_to_the_contract_in_both_languages(runner: Any, example: Path) -> None:
    for lang in ("fr", "en"):
        result = runner.invoke(app, ["scan", str(example), "--format", "json", "--lang", lang])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        check_contract(document)
        assert document["summary"]["applications"] >= 1


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_every_scan_format_renders_names_as_text(runner: Any, sample: Path, fmt: str) -> None:
    result = runner.invoke(app, ["scan", str(sample), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "dpi" in result.stdout
    if fmt == "markdown":
        assert "Dossier patient \\<b\\>" in result.stdout  # escaped, never interpreted


def test_scan_writes_atomically_and_refuses_to_overwrite_its_input(runner: Any, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert runner.invoke(app, ["scan", str(sample), "--format", "json", "-o", str(out)]).exit_code == 0
    check_contract(json.loads(out.read_text(encoding="utf-8")))
    before = sample.read_bytes()
    result = runner.invoke(app, ["scan", str(sample), "--format", "json", "-o", str(sample), "--lang", "en"])
    assert result.exit_code == 2 and "input" in result.output
    assert sample.read_bytes() == before


def test_a_command_keeps_its_estate_until_the_process_ends_and_one_command_s_only(
        runner: Any, sample: Path, tmp_path: Path) -> None:
    # The records of an estate outlive the command (the process ends with os._exit, which frees
    # them at once), but only the last command's: under a test runner or a notebook, no leak.
    from bleu_assess.cli.console import settings

    assert runner.invoke(app, ["scan", str(sample), "--format", "json"]).exit_code == 0
    (scanned,) = settings.kept
    assert "dpi" in {i.id for i in scanned.result.items}
    assert runner.invoke(app, ["plan", str(sample), "--format", "json", "-o", str(tmp_path / "p.json")]).exit_code == 0
    done, planned = settings.kept
    assert done is not scanned and planned.waves


def test_explain_shows_findings_conditions_and_exposure_paths(runner: Any, sample: Path) -> None:
    result = runner.invoke(app, ["explain", str(sample), "dpi", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "provider:us-cloud" in result.stdout  # dpi sends health data to the exposed mail SaaS
    assert "Exposure paths" in result.stdout and "data.classifications" in result.stdout
    unknown = runner.invoke(app, ["explain", str(sample), "dpii", "--lang", "en"])
    assert unknown.exit_code == 2 and "did you mean 'dpi'" in unknown.output
    # The hint is in the message's language (the sample organisation is French).
    french = runner.invoke(app, ["explain", str(sample), "dpii"])
    assert french.exit_code == 2 and "« dpii » dans" in french.output and "(vouliez-vous dire « dpi » ?)" in french.output


def test_explain_wraps_long_messages_instead_of_cutting_them(runner: Any, sample: Path) -> None:
    result = runner.invoke(app, ["explain", str(sample), "dpi", "--lang", "en"], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    verdict = next(i for i in api.scan(sample, lang="en").items if i.id == "dpi")
    words = " ".join(line.strip("│ ╭╮╰╯─") for line in result.stdout.splitlines()).split()
    for finding in verdict.findings:  # every word of every message reaches the reader
        assert " ".join(finding.message.split()) in " ".join(words)


def test_unknown_ruleset_is_a_usage_error(runner: Any, sample: Path) -> None:
    result = runner.invoke(app, ["scan", str(sample), "--ruleset", "secnumclud", "--lang", "en"])
    assert result.exit_code == 2 and "unknown ruleset 'secnumclud'" in result.output


def test_rules_commands(runner: Any) -> None:
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0 and "secnumcloud" in listed.stdout
    schema = runner.invoke(app, ["rules", "schema"])
    assert schema.exit_code == 0 and json.loads(schema.stdout)["title"] == "bleu-assess ruleset"
    assert runner.invoke(app, ["rules", "show", "NOPE-000"]).exit_code == 2


@pytest.mark.parametrize("lang, said, unsaid", [
    ("fr", ["Référentiels", "gravité", "s'applique à", "oui", "Bloquant", "5 févr. 2026"], ["Rulesets", "severity", "yes"]),
    ("en", ["Rulesets", "severity", "applies to", "yes", "Blocker", "5 Feb 2026"], ["Référentiels", "gravité"]),
])
def test_rules_list_speaks_the_readers_language(runner: Any, lang: str, said: list[str], unsaid: list[str]) -> None:
    """Headers, statuses, severities and dates of `rules list` from the catalogue, not in English only."""
    listed = runner.invoke(app, ["rules", "list", "--lang", lang], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert [w for w in said if w not in listed.stdout] == [] and [w for w in unsaid if w in listed.stdout] == []


def test_scan_as_a_real_process_exits_2_on_invalid_input_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: bleu-assess/v1\norganisation: {name: X}\napplications:\n  - id: A\n    name: a\n",
                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "scan", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    # No country: the format's default, France, so French words at the same place.
    assert f"{bad}:4:9: applications[0].id: identifiant « A » invalide" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "scan", str(bad), "--lang", "en"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and f"{bad}:4:9: applications[0].id: invalid id 'A'" in done.stderr


@pytest.mark.parametrize("name", ["chu-exemple.yaml", "ministere-exemple.yaml"])
def test_json_assembled_from_parts_is_the_plain_encoding_of_the_results(name: str) -> None:
    from bleu_assess import api
    from bleu_assess.assess.results import to_json
    from bleu_assess.render.scan import json_text

    result = api.scan(ROOT / "examples" / name)
    assert bytes(json_text(result)) == to_json(result.to_dict()).encode("utf-8")


def test_json_assembled_from_parts_escapes_the_item_names_its_findings_name(write_inventory: Any) -> None:
    """Each item's name goes into its findings' JSON made once per finding (results._ItemEncoder):
    quotes, backslashes, a tab, characters beyond the BMP and a dash come out as the plain encoder
    writes them."""
    from bleu_assess import api
    from bleu_assess.assess.results import to_json
    from bleu_assess.render.scan import json_text

    data = yaml.safe_load((ROOT / "examples" / "chu-exemple.yaml").read_text(encoding="utf-8"))
    names = ['Dossier "patient" \\ C:\\temp', "Tab\there", "Émoji 🏥 — « santé »"]
    for index, application in enumerate(data["applications"]):
        application["name"] = f"{names[index % len(names)]} {index}"
    result = api.scan(write_inventory(data))
    named = {item.name.rsplit(" ", 1)[0] for item in result.applications
             if any(item.name in f.message for f in item.findings)}
    assert named == set(names)
    assert bytes(json_text(result)) == to_json(result.to_dict()).encode("utf-8")


def test_a_bug_exits_3_with_a_message_not_a_traceback(runner: Any, sample: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Exit 2 means "fix your file"; a bug must not be mistaken for it.
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "assess", broken)
    result = runner.invoke(app, ["scan", str(sample), "--lang", "en"])
    assert result.exit_code == 3
    assert "boom" in result.output and "Traceback" not in result.output
