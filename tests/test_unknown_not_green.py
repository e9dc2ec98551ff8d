"""Missing facts never read as green: an estate imported from infrastructure tools, whose datasets
are not classified yet, is `unknown` item by item, and every summary says how many applications
cannot be assessed and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bleu_assess.cli import app

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
