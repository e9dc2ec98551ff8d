"""SARIF and JUnit: findings where a CI system shows them, at the inventory line of their item."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

# The mail application on a US SaaS holds sensitive data; the intranet sends it nothing.
INVENTORY = """\
format: bleu-assess/v1
organisation: {name: "Mairie <test> & co", country: FR, type: local-authority}
providers:
  - id: us-saas
    name: US SaaS
    headquarters: US
    regions: [IE]
applications:
  - id: intranet
    name: Intranet
    hosting: {model: on-premises}
    datasets: [pages]

  - id: messagerie
    name: "Messagerie \\u0001 <b>"
    hosting: {model: saas, provider: us-saas}
    datasets: [courriels]
datasets:
  - id: pages
    name: Pages
    classification: public
  - id: courriels
    name: Courriels
    classification: sensitive
"""


@pytest.fixture
def inventory(write_inventory: Any) -> Path:
    return write_inventory(INVENTORY)


def test_sarif_locates_each_finding_at_its_item_and_leaves_info_out(runner: Any, inventory: Path) -> None:
    result = runner.invoke(app, ["scan", str(inventory), "--format", "sarif", "--lang", "en"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == sorted(rules) and run["results"]
    for alert in run["results"]:
        assert rules[alert["ruleIndex"]] == alert["ruleId"]
        assert alert["level"] in ("error", "warning", "note") and alert["properties"]["severity"] != "info"
        location = alert["locations"][0]
        line = location["physicalLocation"]["region"]["startLine"]
        item = location["logicalLocations"][0]["name"]
        # The inventory lies outside the working directory: its directory is the base.
        assert location["physicalLocation"]["artifactLocation"] == {"uri": "inventory.yaml", "uriBaseId": "%SRCROOT%"}
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == inventory.parent.as_uri() + "/"
        expected = {"intranet": 9, "messagerie": 14, "pages": 19, "courriels": 22}[item]
        assert line == expected, (item, line)
        assert alert["partialFingerprints"]["bleuAssessFinding/v1"].endswith(f":{item}:{alert['ruleId']}")
    assert any(a["ruleId"].startswith("EXT-") and a["properties"]["item"] == "messagerie" for a in run["results"])


def test_sarif_for_a_directory_inventory_names_each_file(runner: Any, tmp_path: Path) -> None:
    head, _, rest = INVENTORY.partition("applications:\n")
    apps, _, datasets = rest.partition("datasets:\n")
    folder = tmp_path / "inventaire"
    folder.mkdir()
    (folder / "a-socle.yaml").write_text(head + "datasets:\n" + datasets, encoding="utf-8")
    (folder / "b-applications.yaml").write_text("format: bleu-assess/v1\napplications:\n" + apps, encoding="utf-8")
    result = runner.invoke(app, ["scan", str(folder), "--format", "sarif"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)["runs"][0]
    where = {a["properties"]["item"]: (a["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                                       a["locations"][0]["physicalLocation"]["region"]["startLine"])
             for a in run["results"]}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == folder.as_uri() + "/"
    assert where["messagerie"] == ("b-applications.yaml", 8)
    assert where["courriels"] == ("a-socle.yaml", 12)


def test_junit_fails_the_items_at_the_threshold(runner: Any, inventory: Path) -> None:
    result = runner.invoke(app, ["scan", str(inventory), "--format", "junit", "--lang", "en"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout.encode())  # parses despite '<', '&' and a control character in names
    assert root.get("name") == "bleu-assess — Mairie <test> & co"
    cases = {c.get("name").split(" — ")[0]: c for c in root.iter("testcase")}
    assert set(cases) == {"intranet", "messagerie", "pages", "courriels"}
    assert cases["messagerie"].find("failure") is not None and cases["intranet"].find("failure") is None
    assert cases["messagerie"].findtext("system-out") == f"{inventory}:14"
    assert all(c.get("file") is None and c.get("line") is None for c in cases.values()), "not in junit-10.xsd"
    assert int(root.get("failures")) == sum(1 for c in cases.values() if c.find("failure") is not None)
    # A lower threshold fails more items, and --fail-on still sets the exit code.
    strict = runner.invoke(app, ["scan", str(inventory), "--format", "junit", "--fail-on", "low"])
    assert strict.exit_code == 1
    assert int(ET.fromstring(strict.stdout.encode()).get("failures")) >= int(root.get("failures"))


def test_ci_formats_are_byte_identical_across_runs(runner: Any, inventory: Path) -> None:
    for fmt in ("sarif", "junit"):
        first = runner.invoke(app, ["scan", str(inventory), "--format", fmt]).stdout
        assert first == runner.invoke(app, ["scan", str(inventory), "--format", fmt]).stdout


def test_sarif_marks_a_rule_uncertain_by_its_own_note_and_words_the_note_in_french(runner: Any, write_inventory: Any) -> None:
    # A hospital's tele-expertise SaaS is US-controlled, DPF-certified, and stores in the US: the
    # HDS rule (EXI 28, verified) merges with the GDPR DPF rule, whose basis is uncertain (appeal
    # C-703/25 P). The alert says so in the reader's language; the HDS rule is not uncertain.
    path = write_inventory({
        "format": "bleu-assess/v2",
        "organisation": {"name": "GHT", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "us", "kind": "commercial", "headquarters": "US", "regions": ["US"],
                       "transfer_basis": "dpf", "hds_activities": [1, 2, 3, 4, 5, 6]}],
        "applications": [{"id": "tele", "name": "Télé-expertise", "hosting": {"model": "saas", "provider": "us"},
                          "datasets": ["photos"]}],
        "datasets": [{"id": "photos", "name": "Photos", "classification": "health"}]})
    result = runner.invoke(app, ["scan", str(path), "--format", "sarif"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)["runs"][0]
    alert = next(a for a in run["results"] if a["ruleId"] == "RES-HDS-001" and a["properties"]["item"] == "tele")
    assert "RES-GDPR-006" in alert["properties"]["rules"] and alert["properties"]["uncertain"]
    text = alert["message"]["text"].replace("\u00a0", " ").replace("\u202f", " ")
    assert "(Base juridique incertaine : RES-GDPR-006" in text
    descriptor = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "RES-HDS-001")
    assert "uncertain" not in descriptor["properties"]["tags"]
