"""Missing facts never read as green: an estate imported from infrastructure tools, whose datasets
are not classified yet, is `unknown` item by item, and every summary says how many applications
cannot be assessed and why."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess.cli import app
from bleu_assess.errors import RulesetError
from bleu_assess.rules.load import load_ruleset

# 3 servers lifted from a discovery export (no data, or data not classified yet) and one
# application whose data is classified.
IMPORTED = {
    "format": "bleu-assess/v2",
    "organisation": {"name": "GHT de test", "type": "health-establishment"},
    "applications": [
        {"id": "vm-001", "name": "VM 001", "hosting": {"model": "on-premises"}, "datasets": ["disk-001"]},
        {"id": "vm-002", "name": "VM 002", "hosting": {"model": "on-premises"}, "datasets": ["disk-002"]},
        {"id": "vm-003", "name": "VM 003", "hosting": {"model": "on-premises"}},
        {"id": "wiki", "name": "Wiki", "hosting": {"model": "on-premises"}, "datasets": ["pages"]},
    ],
    "datasets": [{"id": "disk-001"}, {"id": "disk-002"}, {"id": "pages", "classification": "public"}],
}


def scan_json(runner: Any, path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["scan", str(path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_unclassified_data_and_applications_without_data_are_unknown_never_ready(runner: Any,
                                                                                 write_inventory: Any) -> None:
    document = scan_json(runner, write_inventory(IMPORTED))
    items = {i["id"]: i for i in document["items"]}
    assert {k: items[k]["readiness"] for k in ("vm-001", "vm-002", "vm-003", "disk-001", "wiki")} == {
        "vm-001": "unknown", "vm-002": "unknown", "vm-003": "unknown", "disk-001": "unknown", "wiki": "ready"}
    assert items["vm-001"]["unknown_reasons"] == ["SNC-UNK-002"]
    assert items["vm-003"]["unknown_reasons"] == ["SNC-UNK-001"]
    unk = next(f for f in items["vm-001"]["findings"] if f["rule"] == "SNC-UNK-002")
    assert "disk-001" in unk["message"] and "no classification" in unk["message"]
    assert document["summary"]["readiness"]["ready"] == 1
    assert document["summary"]["cannot_assess"] == {"applications": 3, "reasons": {"SNC-UNK-001": 1, "SNC-UNK-002": 2}}


def test_the_table_summary_and_the_markdown_say_how_many_cannot_be_assessed(runner: Any, write_inventory: Any) -> None:
    path = write_inventory(IMPORTED)
    table = runner.invoke(app, ["scan", str(path), "--lang", "en"], env={"COLUMNS": "200"})
    assert "Applications that cannot be assessed: 3 (Unclassified data: 2; No data declared: 1)" in table.stdout
    french = runner.invoke(app, ["scan", str(path), "--lang", "fr", "--format", "markdown"])
    assert "**Applications non évaluables : 3 (Données non classées : 2 ; Aucune donnée déclarée : 1)**" in french.stdout


def test_the_report_first_page_counts_unknowns_first(runner: Any, monkeypatch: Any, write_inventory: Any) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = runner.invoke(app, ["report", str(write_inventory(IMPORTED)), "--format", "markdown", "--lang", "en"])
    assert result.exit_code == 0, result.output
    summary = result.stdout.split("## Executive summary", 1)[1]
    first = next(line for line in summary.splitlines() if line.strip())
    assert first.lstrip("- ").startswith("3 applications cannot be assessed for lack of facts: Unclassified data (2); "
                                         "No data declared (1).")


def test_a_fully_classified_estate_shows_no_unknown_line(runner: Any, write_inventory: Any) -> None:
    known = dict(IMPORTED, applications=IMPORTED["applications"][3:], datasets=IMPORTED["datasets"][2:])
    table = runner.invoke(app, ["scan", str(write_inventory(known)), "--lang", "en"])
    assert "cannot be assessed" not in table.stdout


# An item whose verdicts rest on facts missing: each rule that found them missing names the
# verdicts it leaves undecided (rulesets' `verdict.undecided`), shown as provisional everywhere.
MISSING = {
    "format": "bleu-assess/v2",
    "organisation": {"name": "Ministère", "type": "state-administration"},
    "providers": [{"id": "us", "name": "US Cloud", "kind": "commercial", "headquarters": "US", "regions": ["US"]}],
    "applications": [
        {"id": "a-nodata", "name": "No data", "hosting": {"model": "on-premises"}},
        {"id": "a-unclass", "name": "Unclassified", "hosting": {"model": "saas", "provider": "us"},
         "datasets": ["d-unclass"]},
        {"id": "a-health", "name": "Health", "hosting": {"model": "on-premises"}, "datasets": ["d-health"]},
        {"id": "a-nohost", "name": "No hosting", "datasets": ["d-pub"]},
        {"id": "wiki", "name": "Wiki", "hosting": {"model": "on-premises"}, "datasets": ["d-pub"]},
    ],
    "datasets": [{"id": "d-unclass"},
                 {"id": "d-health", "classification": "health", "particular_sensitivity": "unknown"},
                 {"id": "d-pub", "classification": "public", "particular_sensitivity": "no"}],
}


def test_verdicts_resting_on_missing_facts_are_listed_as_undecided_in_the_json(runner: Any,
                                                                              write_inventory: Any) -> None:
    items = {i["id"]: i for i in scan_json(runner, write_inventory(MISSING))["items"]}
    # No data or unclassified data: the scope (and the target it implies) cannot be told.
    assert items["a-nodata"]["undecided"] == ["secnumcloud_scope", "target"]
    assert items["a-unclass"]["undecided"] == ["secnumcloud_scope", "target"]
    assert items["d-unclass"]["undecided"] == ["secnumcloud_scope", "target"]
    # Particular sensitivity not qualified: « recommended until qualified » is provisional.
    assert items["a-health"]["undecided"] == ["secnumcloud_scope", "target"]
    # Hosting not declared: where it runs is unknown, so is its exposure.
    assert items["a-nohost"]["undecided"] == ["exposure"]
    # Every fact known: no key, the JSON of a decided item is unchanged.
    assert "undecided" not in items["wiki"]


def test_the_table_the_markdown_and_the_report_mark_provisional_verdicts(runner: Any, write_inventory: Any,
                                                                        tmp_path: Path) -> None:
    path = write_inventory(MISSING)
    table = runner.invoke(app, ["scan", str(path), "--lang", "en"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    # Each row by its id, the last word of its first cell (after the mark of its kind).
    rows = {line.split("│")[1].split()[-1]: line for line in table.stdout.splitlines() if line.startswith("│ ")
            and line.split("│")[1].strip()}
    assert "Not required ?" in rows["a-nodata"] and "Any cloud ?" in rows["a-nodata"]
    assert "None (0) ?" in rows["a-nohost"] and "Not required ?" not in rows["a-nohost"]
    assert " ?" not in rows["wiki"]
    assert "? provisional: the verdict rests on facts missing from the inventory" in table.stdout
    markdown = runner.invoke(app, ["scan", str(path), "--lang", "fr", "-f", "markdown"]).stdout
    assert "| Non requis ? |" in markdown and "? provisoire : le verdict repose" in markdown
    report = tmp_path / "report.html"
    done = runner.invoke(app, ["report", str(path), "--lang", "en", "--audience", "technical", "-o", str(report)])
    assert done.exit_code == 0, done.output
    html = report.read_text(encoding="utf-8")
    assert "<td>Not required ?</td>" in html and "None (0) ?</td>" in html
    assert "? provisional: the verdict rests on facts missing" in html


def test_undecided_is_only_for_a_rule_that_leaves_readiness_unknown(tmp_path: Path) -> None:
    local = {"fr": "texte", "en": "text"}
    path = tmp_path / "test" / "1.0.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({
        "ruleset": {"id": "test", "version": "1.0", "status": "draft", "effective": "2024-01-01", "title": local,
                    "sources": [{"key": "src", "title": "Loi", "url": "https://example.org"}]},
        "rules": [{"id": "TST-UNK-001", "name": "test.unk", "applies_to": ["application"], "dimension": "test",
                   "severity": "low", "title": local, "when": {"fact": "id", "equals": "x"}, "message": local,
                   "remediation": local, "references": ["src"], "verdict": {"undecided": ["exposure"]}}]}),
        encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert "also sets 'readiness: unknown'" in caught.value.diagnostics[0].message


def test_explain_and_csv_show_provisional_verdicts_too(runner: Any, write_inventory: Any) -> None:
    path = write_inventory(MISSING)
    explained = runner.invoke(app, ["explain", str(path), "a-nohost", "--lang", "en"], env={"COLUMNS": "160"})
    assert explained.exit_code == 0, explained.output
    assert "None ?" in explained.stdout and "? provisional:" in explained.stdout
    text = runner.invoke(app, ["scan", str(path), "-f", "csv", "--lang", "en"]).stdout.lstrip("\ufeff")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["a-nodata"]["undecided"] == "secnumcloud_scope target" and rows["wiki"]["undecided"] == ""


def test_summary_counts_say_how_many_of_them_are_provisional(runner: Any, write_inventory: Any,
                                                             monkeypatch: Any) -> None:
    path = write_inventory(MISSING)
    summary = scan_json(runner, path)["summary"]
    assert summary["secnumcloud_scope"]["not-required"] == 4
    assert summary["provisional"] == {"secnumcloud_scope": {"not-required": 2, "recommended": 1},
                                      "exposure": {"none": 1}, "target": {"any-cloud": 2, "secnumcloud": 1}}
    table = runner.invoke(app, ["scan", str(path), "--lang", "fr"], env={"COLUMNS": "200"}).stdout
    assert "Périmètre SecNumCloud : Recommandé 1 (dont 1 ?), Non requis 4 (dont 2 ?)" in table
    markdown = runner.invoke(app, ["scan", str(path), "--lang", "en", "-f", "markdown"]).stdout
    assert "Not required: 4 (2 of them ?)" in markdown
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    report = runner.invoke(app, ["report", str(path), "--format", "markdown", "--lang", "en"]).stdout
    assert ("Provisional verdicts, resting on facts missing from the inventory: SecNumCloud: Not required 2, "
            "Recommended 1; Exposure: None 1; Target: Any cloud 2, SecNumCloud 1.") in report


def test_summary_counts_of_a_decided_estate_carry_no_mark(runner: Any, write_inventory: Any) -> None:
    known = dict(IMPORTED, applications=IMPORTED["applications"][3:], datasets=IMPORTED["datasets"][2:])
    assert scan_json(runner, write_inventory(known))["summary"]["provisional"] == {}
    table = runner.invoke(app, ["scan", str(write_inventory(known)), "--lang", "en"]).stdout
    assert "of them ?" not in table


def test_a_dataset_held_by_an_application_of_unknown_hosting_has_a_provisional_exposure(
        runner: Any, write_inventory: Any) -> None:
    path = write_inventory(MISSING)
    items = {i["id"]: i for i in scan_json(runner, path)["items"]}
    # d-pub is held by a-nohost, whose hosting (so exposure) is unknown: its exposure is read from it.
    assert items["d-pub"]["undecided"] == ["exposure"]
    explained = runner.invoke(app, ["explain", str(path), "d-pub", "--lang", "en"], env={"COLUMNS": "160"})
    assert explained.exit_code == 0, explained.output
    assert "None ?" in explained.stdout
    # Held only by applications whose hosting is known: decided.
    hosted = dict(MISSING, applications=[a for a in MISSING["applications"] if a["id"] != "a-nohost"])
    items = {i["id"]: i for i in scan_json(runner, write_inventory(hosted))["items"]}
    assert "undecided" not in items["d-pub"]
