"""The rule language and the verdicts it produces, with small rulesets written in each test."""

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
from bleu_assess.errors import RulesetError
from bleu_assess.rules.load import load_ruleset, select

LOCAL = {"fr": "texte {name}", "en": "text {name}"}


def rule(rule_id: str, when: Any, severity: str = "high", applies_to: tuple[str, ...] = ("application",),
         **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "name": "test." + rule_id.lower(), "applies_to": list(applies_to), "dimension": "test",
            "severity": severity, "title": LOCAL, "when": when, "message": LOCAL, "remediation": LOCAL,
            "references": ["src"], **extra}


def write_ruleset(root: Path, rules: list[dict[str, Any]], ruleset_id: str = "test", version: str = "1.0",
                  status: str = "stable") -> Path:
    path = root / ruleset_id / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"ruleset": {"id": ruleset_id, "version": version, "status": status, "effective": "2024-01-01",
                       "title": LOCAL, "sources": [{"key": "src", "title": "Source", "url": "https://example.org"}]},
           "rules": rules}
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


INVENTORY = {
    "format": "bleu-assess/v2",
    "organisation": {"name": "Ministère", "type": "state-administration"},
    "providers": [
        {"id": "us-saas", "name": "US SaaS", "headquarters": "US", "regions": ["FR", "IE"], "qualifications": ["hds"]},
        {"id": "snc", "name": "Qualified", "headquarters": "FR", "regions": ["FR"],
         "qualifications": ["secnumcloud-3.2", "hds"]},
        {"id": "pending", "name": "Pending", "headquarters": "FR", "regions": ["FR"]},
    ],
    # v2: a qualification, pending or granted, is the offer's (issue 13).
    "platforms": [{"id": "p-pending", "provider": "pending", "models": ["iaas", "saas"], "services": ["mail"],
                   "pending_qualifications": ["secnumcloud-3.2"]}],
    "applications": [
        {"id": "mail", "name": "Messagerie", "service": "mail", "hosting": {"model": "saas", "provider": "us-saas"}, "datasets": ["mails"]},
        {"id": "grh", "name": "GRH", "hosting": {"model": "on-premises"}, "datasets": ["agents"], "criticality": "high"},
        {"id": "old", "name": "Ancien", "hosting": {"model": "on-premises"}, "strategy": "retire"},
    ],
    "datasets": [
        {"id": "mails", "name": "Courriels", "classification": "special-category"},
        {"id": "agents", "name": "Agents", "classification": "personal"},
    ],
}


@pytest.fixture
def inventory(write_inventory: Any) -> Any:
    return api.load(write_inventory(INVENTORY)).inventory


def run(inventory: Any, tmp_path: Path, rules: list[dict[str, Any]]) -> Any:
    write_ruleset(tmp_path / "rules", rules)
    return api.assess(inventory, select(None, tmp_path / "rules", only=["test"]), "en")


@pytest.mark.parametrize("when, expected", [
    ({"fact": "hosting.model", "equals": "saas"}, {"mail"}),
    ({"fact": "hosting.model", "not_equals": "saas"}, {"grh", "old"}),
    ({"fact": "criticality", "in": ["high", "vital"]}, {"grh"}),
    ({"fact": "strategy", "not_in": ["retire"]}, {"mail", "grh"}),  # null strategy: not_in holds
    ({"fact": "strategy", "exists": True}, {"old"}),
    ({"fact": "data.classifications", "contains": "special-category"}, {"mail"}),
    ({"fact": "data.classifications", "intersects": ["personal", "health"]}, {"grh"}),
    ({"fact": "data.classifications", "disjoint": ["personal"]}, {"mail", "old"}),
    ({"fact": "data.regions", "not_subset_of": "@fr"}, {"mail"}),
    ({"fact": "data.regions", "subset_of": "@eu-eea"}, {"mail", "grh", "old"}),
    ({"fact": "exposure.score", "gte": 90}, {"mail"}),
    ({"fact": "exposure.score", "lt": 1}, {"grh", "old"}),
    ({"all": [{"fact": "provider.declared", "equals": True}, {"fact": "provider.exposed", "equals": True}]}, {"mail"}),
    ({"any": [{"fact": "id", "equals": "grh"}, {"fact": "id", "equals": "old"}]}, {"grh", "old"}),
    ({"not": {"fact": "id", "equals": "grh"}}, {"mail", "old"}),
    ({"all": []}, {"mail", "grh", "old"}),
])
def test_operators(inventory: Any, tmp_path: Path, when: Any, expected: set[str]) -> None:
    result = run(inventory, tmp_path, [rule("TST-OPS-001", when)])
    assert {i.id for i in result.applications if i.findings} == expected


def test_effects_take_the_strongest_value_and_scope_implies_a_target(inventory: Any, tmp_path: Path) -> None:
    result = run(inventory, tmp_path, [
        rule("TST-SCOPE-001", {"fact": "data.classifications", "contains": "special-category"}, "info",
             verdict={"secnumcloud_scope": "required"}),
        rule("TST-SCOPE-002", {"fact": "kind", "equals": "application"}, "info",
             verdict={"secnumcloud_scope": "recommended", "residency": "at-risk"}),
        rule("TST-RES-001", {"fact": "id", "equals": "mail"}, "info", verdict={"residency": "non-compliant"}),
    ])
    mail, grh, old = (result.item(i) for i in ("mail", "grh", "old"))
    assert (mail.secnumcloud_scope, mail.residency, mail.target) == ("required", "non-compliant", "secnumcloud")
    # Recommended, not required: with no qualified platform, the EU platform (qualification pending) is accepted.
    assert (grh.secnumcloud_scope, grh.residency, grh.target, grh.platform) == ("recommended", "at-risk", "eu-cloud",
                                                                               "p-pending")
    assert old.target == "retire" and old.platform is None  # the declared strategy decides


def test_readiness_follows_the_most_severe_finding(inventory: Any, tmp_path: Path) -> None:
    result = run(inventory, tmp_path, [
        rule("TST-RDY-001", {"fact": "id", "equals": "mail"}, "blocker"),
        rule("TST-RDY-002", {"fact": "id", "in": ["mail", "grh"]}, "medium"),
        rule("TST-RDY-003", {"fact": "id", "equals": "old"}, "low", verdict={"readiness": "unknown"}),
    ])
    assert [result.item(i).readiness for i in ("mail", "grh", "old")] == ["not-ready", "ready-with-conditions", "unknown"]
    assert [f.rule for f in result.item("mail").findings] == ["TST-RDY-001", "TST-RDY-002"]  # severity order


def test_platforms_pending_qualification_never_count_but_are_named(inventory: Any, tmp_path: Path) -> None:
    result = run(inventory, tmp_path, [
        rule("TST-SCOPE-001", {"fact": "id", "equals": "mail"}, "info", verdict={"secnumcloud_scope": "required"}),
        rule("TST-PLT-001", {"all": [{"fact": "platform.id", "exists": False},
                                     {"fact": "platform.pending", "exists": True}]}, "high"),
    ])
    mail = result.item("mail")
    assert mail.platform is None
    assert [f.rule for f in mail.findings] == ["TST-PLT-001", "TST-SCOPE-001"]
    assert mail.findings[0].evidence == {"platform.id": None, "platform.pending": ["p-pending"]}
    assert result.item("grh").platform == "p-pending"  # any-cloud: the pending provider is fine


def test_facts_no_shipped_rule_reads_are_there_for_a_rule_that_tests_or_names_them(inventory: Any,
                                                                                  tmp_path: Path) -> None:
    # The evaluator leaves out of an item's facts the costly ones no loaded rule reads
    # (assess/analysis.py, _OPTIONAL_*): a rule reading one, in its condition or its texts, has it.
    result = run(inventory, tmp_path, [
        rule("TST-OPT-001", {"all": [{"fact": "data.held_classifications", "contains": "personal"},
                                     {"fact": "dependencies.count", "lt": 1}]}),
        rule("TST-OPT-002", {"fact": "holders", "contains": "mail"}, applies_to=("dataset",)),
        rule("TST-OPT-003", {"fact": "id", "equals": "mail"}, message={"fr": "{tags} {servers}", "en": "{tags} {servers}"}),
        rule("TST-OPT-004", {"fact": "recipients", "exists": False}, applies_to=("dataset",))])
    assert [f.rule for f in result.item("grh").findings] == ["TST-OPT-001"]
    assert [f.rule for f in result.item("mails").findings] == ["TST-OPT-002", "TST-OPT-004"]
    assert result.item("mail").findings[0].params == {"tags": (), "servers": ()}


def test_messages_fill_placeholders_in_the_chosen_language(inventory: Any, tmp_path: Path) -> None:
    write_ruleset(tmp_path / "rules", [rule("TST-MSG-001", {"fact": "id", "equals": "mail"}, message={
        "fr": "{name} chez {hosting.provider} ({provider.regions})", "en": "{name} at {hosting.provider}"})])
    result = api.assess(inventory, select(None, tmp_path / "rules", only=["test"]), "fr")
    assert result.item("mail").findings[0].message == "Messagerie chez US SaaS (FR, IE)"  # the provider named, not its id
    assert result.item("mail").findings[0].references == ("Source",)


def test_coded_values_are_labelled_in_the_reader_language_but_kept_as_codes_in_evidence(
        inventory: Any, tmp_path: Path) -> None:
    message = {"fr": "{name} ({data.classifications}, criticité {criticality}, {hosting.model})",
               "en": "{name} ({data.classifications}, criticality {criticality}, {hosting.model})"}
    write_ruleset(tmp_path / "rules", [rule("TST-MSG-001", {"fact": "data.classifications", "intersects": ["special-category", "personal"]},
                                            message=message)])
    french = api.assess(inventory, select(None, tmp_path / "rules", only=["test"]), "fr")
    assert french.item("mail").findings[0].message == "Messagerie (catégorie particulière, criticité moyenne, SaaS)"
    assert french.item("grh").findings[0].message == "GRH (personnelle, criticité élevée, sur site)"
    english = api.assess(inventory, select(None, tmp_path / "rules", only=["test"]), "en")
    assert english.item("grh").findings[0].message == "GRH (personal, criticality high, on premises)"
    assert english.item("grh").findings[0].evidence["data.classifications"] == ["personal"]


@pytest.mark.parametrize("rules, needle, path, message", [
    ([rule("TST-BAD-001", {"fact": "hosting.modle", "equals": "saas"})], "fact: hosting.modle", "rules[0].when.fact",
     "unknown fact 'hosting.modle' (did you mean 'hosting.model'?)"),
    ([rule("TST-BAD-001", {"fact": "hosting.model", "equal": "saas"})], "equal: saas", "rules[0].when.equal",
     "unknown operator 'equal' (did you mean 'equals'?)"),
    ([rule("TST-BAD-001", {"fact": "classification", "equals": "health"})], "fact: classification",
     "rules[0].when.fact", "fact 'classification' does not exist for application items (restrict applies_to)"),
    ([rule("bad id", {"fact": "id", "equals": "x"})], "id: bad id", "rules[0].id", "invalid rule id 'bad id'"),
    ([rule("TST-BAD-001", {"fact": "id", "equals": "x"}, severity="fatal")], "severity: fatal", "rules[0].severity",
     "unknown value 'fatal'"),
    ([rule("TST-BAD-001", {"fact": "id", "equals": "x"}, references=["nowhere"])], "- nowhere",
     "rules[0].references[0]", "unknown source 'nowhere'"),
    ([rule("TST-BAD-001", {"fact": "id", "equals": "x"}, message={"fr": "{nom}", "en": "x"})], "fr: '{nom}'",
     "rules[0].message.fr", "unknown placeholder '{nom}'"),
    ([rule("TST-BAD-001", {"fact": "platform.id", "exists": False}, verdict={"target": "eu-cloud"})],
     "target: eu-cloud", "rules[0].verdict.target", "cannot set 'target'"),
    ([rule("TST-BAD-001", {"fact": "id", "equals": "x"}), rule("TST-BAD-001", {"fact": "id", "equals": "y"})],
     "- id: TST-BAD-001\n", "rules[1].id", "duplicate rule id 'TST-BAD-001'"),
])
def test_broken_rulesets_are_refused_with_located_errors(tmp_path: Path, rules: Any, needle: str, path: str,
                                                        message: str) -> None:
    file = write_ruleset(tmp_path, rules)
    text = file.read_text(encoding="utf-8")
    # The line where the faulty value stands (the last occurrence, for the duplicate).
    line = text[: text.rindex(needle)].count("\n") + 1
    with pytest.raises(RulesetError) as caught:
        load_ruleset(file)
    formatted = [d.format() for d in caught.value.diagnostics]
    assert any(f.startswith(f"{file}:{line}:") and f": {path}: " in f and message in f for f in formatted), formatted


def test_a_ruleset_must_live_at_its_id_and_version(tmp_path: Path) -> None:
    file = write_ruleset(tmp_path, [rule("TST-A-001", {"fact": "id", "equals": "x"})])
    moved = tmp_path / "other" / "2.0.yaml"
    moved.parent.mkdir()
    file.rename(moved)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(moved)
    messages = " ".join(d.message for d in caught.value.diagnostics)
    assert "does not match its directory 'other'" in messages and "does not match the file name '2.0.yaml'" in messages


def test_default_selection_is_the_latest_stable_version(tmp_path: Path) -> None:
    for version, status in (("1.0", "stable"), ("1.2", "stable"), ("1.10", "draft")):
        write_ruleset(tmp_path, [rule("TST-A-001", {"fact": "id", "equals": "x"})], version=version, status=status)
    chosen = [r for r in select(None, tmp_path) if r.id == "test"]
    assert [r.version for r in chosen] == ["1.2"]
    chosen = {r.id: r for r in select(["test@1.10"], tmp_path)}
    assert chosen["test"].status == "draft"
    assert {"hds", "residency", "secnumcloud"} <= chosen.keys(), "naming one version keeps the other rulesets"


def test_user_rulesets_via_cli_are_applied_and_broken_ones_refused(tmp_path: Path, runner: Any,
                                                                   write_inventory: Any) -> None:
    inventory_path = write_inventory(INVENTORY)
    write_ruleset(tmp_path / "rules", [rule("TST-CLI-001", {"fact": "id", "equals": "mail"}, "blocker")])
    result = runner.invoke(app, ["scan", str(inventory_path), "--rules-dir", str(tmp_path / "rules"), "--only-ruleset", "test",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rulesets"][0]["id"] == "test"
    mail = next(i for i in document["items"] if i["id"] == "mail")
    assert mail["readiness"] == "not-ready" and mail["findings"][0]["rule"] == "TST-CLI-001"
    broken = write_ruleset(tmp_path / "broken", [rule("TST-CLI-001", {"fact": "nope", "equals": 1})])
    result = runner.invoke(app, ["scan", str(inventory_path), "--rules-dir", str(tmp_path / "broken")])
    assert result.exit_code == 2
    assert f"{broken}:" in result.output and "rules[0].when.fact: unknown fact 'nope'" in result.output


def test_fail_on_gates_a_pipeline_with_exit_code_1(tmp_path: Path, runner: Any, write_inventory: Any) -> None:
    inventory_path = write_inventory(INVENTORY)
    write_ruleset(tmp_path / "rules", [rule("TST-CLI-001", {"fact": "id", "equals": "mail"}, "medium")])
    base = ["scan", str(inventory_path), "--rules-dir", str(tmp_path / "rules"), "--only-ruleset", "test", "--format", "csv"]
    assert runner.invoke(app, [*base, "--fail-on", "high"]).exit_code == 0
    failed = runner.invoke(app, [*base, "--fail-on", "medium"])
    assert failed.exit_code == 1
    french = runner.invoke(app, [*base, "--fail-on", "medium", "--lang", "fr"])
    assert "1 constat de gravité « moyenne » ou plus" in french.output, french.output


def test_scan_output_is_byte_identical_across_runs_and_processes(tmp_path: Path, write_inventory: Any) -> None:
    inventory_path = write_inventory(INVENTORY)
    outputs = []
    for name in ("a.json", "b.json"):
        subprocess.run([sys.executable, "-m", "bleu_assess", "scan", str(inventory_path), "--format", "json",
                        "-o", str(tmp_path / name)], check=True, capture_output=True)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("example", ["chu-exemple.yaml", "ministere-exemple.yaml"])
def test_a_message_never_shows_an_empty_list_of_the_values_that_triggered_it(example: str, lang: str) -> None:
    # A rule tests one fact in several branches (any: restricted or classified… or health); the
    # message shows the values its positive tests matched, never « des données (—) ».
    result = api.scan(Path(__file__).parent.parent / "examples" / example, lang=lang)
    empty = [(i.id, f.rule) for i in result.items for f in i.findings if "(—)" in f.message or "()" in f.message]
    assert not empty
