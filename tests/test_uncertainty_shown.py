"""Every rendering of a scan shows the uncertainty of a finding's legal basis and of the catalogue
facts it rests on (docs/rulesets.md, docs/catalogue.md): the table and the Markdown with the same
words (« [incertain] », « [base incertaine : RULE] », `†`), the CSV in columns of codes, a JUnit
failure with the same mark."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.render.i18n import t
from bleu_assess.render.markdown import md_escape
from bleu_assess.render.scan import uncertain_mark


def estate() -> dict[str, Any]:
    """A hospital's care records at a US-controlled HDS host: their application's finding on the
    host's jurisdiction (EXT-JUR-001, verified) merges HDS-EXI30-001 (its basis uncertain); an
    office suite at Microsoft taken from the catalogue, whose facts are not all official (†)."""
    return {
        "format": "bleu-assess/v2", "organisation": {"name": "Hôpital", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "us-cloud", "name": "US Cloud", "headquarters": "US", "regions": ["FR"],
                       "hds_activities": [1, 2, 3, 4, 5, 6]},
                      {"ref": "catalogue:microsoft", "id": "ms", "regions": ["FR"], "support_regions": ["US"]}],
        "applications": [
            {"id": "sante", "name": "Dossiers de soins", "hosting": {"model": "iaas", "provider": "us-cloud"},
             "datasets": ["dossiers"], "owner": "DSI"},
            {"id": "bureau", "name": "Bureautique", "hosting": {"model": "saas", "provider": "ms"},
             "datasets": ["notes"]}],
        "datasets": [{"id": "dossiers", "name": "Dossiers", "classification": "health"},
                     {"id": "notes", "name": "Notes", "classification": "personal"}],
    }


def rows_of(markdown: str) -> dict[str, str]:
    """The Markdown table's rows by the item id in their first cell."""
    return {line.split("(`", 1)[1].split("`)", 1)[0]: line for line in markdown.splitlines()
            if line.startswith("| ") and "(`" in line}


@pytest.mark.parametrize("lang, mark", [("fr", "[base incertaine : HDS-EXI30-001]"),
                                        ("en", "[uncertain basis: HDS-EXI30-001]")])
def test_the_markdown_marks_the_top_finding_as_the_table_does(write_inventory: Any, runner: Any, lang: str,
                                                               mark: str) -> None:
    path = write_inventory(estate())
    scan = api.scan(path, lang=lang)
    top = scan.item("sante").top_finding
    assert top is not None and top.rule == "EXT-JUR-001" and uncertain_mark(top, lang) == f" {mark}"
    result = runner.invoke(app, ["scan", str(path), "-f", "markdown", "--lang", lang])
    assert result.exit_code == 0, result.output
    rows = rows_of(result.stdout)
    assert rows["sante"].endswith(md_escape(mark) + " |")
    # A finding whose rules are all verified is not marked, in no row.
    unmarked = [rows[i] for i in ("bureau", "dossiers", "notes")]
    assert not any(md_escape(f"[{t('scan.uncertain_mark', lang)}]") in row or "HDS-EXI30-001" in row
                   for row in unmarked)
    # The catalogue's secondary facts: the mark after the readiness, and its legend.
    assert rows["bureau"].split(" | ")[2].endswith(f" {t('scan.confidence_mark', lang)}")
    assert t("scan.confidence_mark", lang) not in rows["sante"]
    assert t("scan.confidence_legend", lang, mark="†") in result.stdout


def test_the_csv_names_the_uncertain_rules_and_the_confidence_as_codes(write_inventory: Any, runner: Any) -> None:
    path = write_inventory(estate())
    tables = {}
    for lang in ("fr", "en"):
        result = runner.invoke(app, ["scan", str(path), "-f", "csv", "--lang", lang, "--csv-dialect", "rfc4180"])
        assert result.exit_code == 0, result.output
        tables[lang] = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    for rows in tables.values():
        assert rows["sante"]["top_uncertain"] == "HDS-EXI30-001" and rows["sante"]["confidence"] == ""
        assert rows["bureau"]["top_uncertain"] == "" and rows["bureau"]["confidence"] in ("secondary", "unverified",
                                                                                          "uncertain")
    assert {k: (r["confidence"], r["top_uncertain"]) for k, r in tables["fr"].items()} == \
        {k: (r["confidence"], r["top_uncertain"]) for k, r in tables["en"].items()}, "codes in every language"


def test_a_junit_failure_marks_an_uncertain_basis(write_inventory: Any, runner: Any) -> None:
    path = write_inventory(estate())
    result = runner.invoke(app, ["scan", str(path), "-f", "junit", "--fail-on", "medium", "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "EXT-JUR-001: Dossiers de soins is hosted by US Cloud" in result.stdout
    assert "[uncertain basis: HDS-EXI30-001]" in result.stdout
    assert "HDS-EXI30-001: Dossiers" in result.stdout and "[uncertain]" in result.stdout


def on_premises(inventory: dict[str, Any]) -> dict[str, Any]:
    """The same estate before its move: every application on premises (no finding of a host)."""
    return {**inventory, "applications": [{**a, "hosting": {"model": "on-premises"}} for a in inventory["applications"]]}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_diff_marks_new_findings_of_uncertain_basis_and_verdicts_on_catalogue_facts(write_inventory: Any,
                                                                                   runner: Any, lang: str) -> None:
    before, after = write_inventory(on_premises(estate()), "before.yaml"), write_inventory(estate(), "after.yaml")
    args = ["diff", str(before), str(after), "--lang", lang]
    confidence, legend = t("scan.confidence_mark", lang), t("scan.confidence_legend", lang, mark="†")
    markdown = runner.invoke(app, [*args, "-f", "markdown"])
    assert markdown.exit_code == 0, markdown.output
    lines = markdown.stdout.splitlines()
    # The merged finding names the uncertain rule, not its own (verified) one.
    merged = next(line for line in lines if "| sante |" in line and "EXT-JUR-001" in line)
    assert md_escape(uncertain_mark(api.scan(after, lang=lang).item("sante").top_finding, lang)) in merged  # type: ignore[arg-type]
    assert not any("EXT-DATA-001" in line and "[" in line for line in lines), "verified findings are not marked"
    # The office suite's verdict rests on the catalogue: its new values and findings carry †.
    bureau = [line for line in lines if line.startswith("| bureau |")]
    assert bureau and all(line.endswith(f" {confidence} |") for line in bureau)
    assert not any(confidence in line for line in lines if line.startswith("| notes |"))
    assert legend in markdown.stdout
    table = runner.invoke(app, [*args, "-f", "table"], env={"COLUMNS": "400"})
    assert table.exit_code == 0 and legend in table.stdout
    assert any("EXT-JUR-001" in line and "HDS-EXI30-001" in line for line in table.stdout.splitlines())
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv", "--csv-dialect", "rfc4180"]).stdout)))
    uncertain = t("interop.diff_uncertain", lang)
    confident = t("interop.code_column", lang, name=t("interop.diff_confidence_after", lang))
    by_rule = {(r[t("interop.diff_item", lang)], r[t("interop.diff_rule", lang)]): r for r in rows}
    assert by_rule[("sante", "EXT-JUR-001")][uncertain] == "HDS-EXI30-001"
    assert by_rule[("notes", "EXT-DATA-002")][uncertain] == "" and by_rule[("notes", "EXT-DATA-002")][confident] == ""
    assert by_rule[("bureau", "EXT-SUP-001")][confident] in ("secondary", "unverified", "uncertain")


def test_diff_json_keeps_the_marks_as_codes_on_both_sides(write_inventory: Any, runner: Any) -> None:
    before, after = write_inventory(on_premises(estate()), "before.yaml"), write_inventory(estate(), "after.yaml")
    new = runner.invoke(app, ["diff", str(before), str(after), "-f", "json"])
    assert new.exit_code == 0, new.output
    found = {(f["item"], f["rule"]): f for f in json.loads(new.stdout)["new_findings"]}
    assert found[("sante", "EXT-JUR-001")]["uncertain_rules"] == ["HDS-EXI30-001"]
    assert "uncertain_rules" not in found[("sante", "SNC-REC-001")] and "confidence" not in found[("notes", "EXT-DATA-002")]
    assert found[("bureau", "EXT-SUP-001")]["confidence"] in ("secondary", "unverified", "uncertain")
    changes = [c for c in json.loads(new.stdout)["changes"] if c["item"] == "bureau" and c["field"] == "readiness"]
    assert changes and changes[0]["confidence"]["before"] is None and changes[0]["confidence"]["after"]
    # Going back, the same findings are resolved and keep their marks; the † is on the before side.
    back = json.loads(runner.invoke(app, ["diff", str(after), str(before), "-f", "json"]).stdout)
    resolved = {(f["item"], f["rule"]): f for f in back["resolved_findings"]}
    assert resolved[("sante", "EXT-JUR-001")]["uncertain_rules"] == ["HDS-EXI30-001"]
    bureau = next(c for c in back["changes"] if c["item"] == "bureau" and c["field"] == "readiness")
    assert bureau["confidence"]["before"] and bureau["confidence"]["after"] is None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sarif_carries_the_uncertainty_as_codes_and_in_the_message(write_inventory: Any, runner: Any,
                                                                   lang: str) -> None:
    path = write_inventory(estate())
    result = runner.invoke(app, ["scan", str(path), "-f", "sarif", "--lang", lang])
    assert result.exit_code == 0, result.output
    alerts = {(a["properties"]["item"], a["ruleId"]): a for a in json.loads(result.stdout)["runs"][0]["results"]}
    legend = t("scan.confidence_legend", lang, mark=t("scan.confidence_mark", lang))
    merged = alerts[("sante", "EXT-JUR-001")]
    assert merged["properties"]["uncertain_rules"] == ["HDS-EXI30-001"]
    assert "confidence" not in merged["properties"] and legend not in merged["message"]["text"]
    office = alerts[("bureau", "EXT-SUP-001")]
    assert office["properties"]["confidence"] in ("secondary", "unverified", "uncertain")
    assert office["properties"]["item_confidence"] and "uncertain_rules" not in office["properties"]
    assert office["message"]["text"].endswith(f"({legend})")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_junit_marks_findings_on_catalogue_facts_with_the_legend(write_inventory: Any, runner: Any,
                                                                 lang: str) -> None:
    import xml.etree.ElementTree as ET

    path = write_inventory(estate())
    result = runner.invoke(app, ["scan", str(path), "-f", "junit", "--fail-on", "medium", "--lang", lang])
    assert result.exit_code == 1, result.output
    cases = {case.get("name", "").split(" — ")[0]: case for case in ET.fromstring(result.stdout.encode()).iter("testcase")}
    mark = t("scan.confidence_mark", lang)
    legend = t("scan.confidence_legend", lang, mark=mark)
    office = cases["bureau"].find("failure")
    assert office is not None and office.text is not None
    assert "EXT-SUP-001: " in office.text and f" {mark}\n" in office.text and office.text.endswith(legend)
    assert legend in (cases["bureau"].findtext("system-out") or "")
    care = cases["sante"].find("failure")
    assert care is not None and care.text is not None and mark not in care.text
    assert legend not in (cases["sante"].findtext("system-out") or "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_explain_marks_the_readiness_and_the_findings_as_the_scan_does(write_inventory: Any, runner: Any,
                                                                      lang: str) -> None:
    path = write_inventory(estate())
    mark, legend = t("scan.confidence_mark", lang), t("scan.confidence_legend", lang, mark="†")
    office = runner.invoke(app, ["explain", str(path), "bureau", "--lang", lang], env={"COLUMNS": "400"})
    assert office.exit_code == 0, office.output
    readiness = next(line for line in office.stdout.splitlines() if t("scan.col_readiness", lang) in line)
    assert readiness.rstrip(" │").endswith(f" {mark}") and legend in office.stdout
    care = runner.invoke(app, ["explain", str(path), "sante", "--lang", lang], env={"COLUMNS": "400"})
    assert care.exit_code == 0, care.output
    # Panel titles are text, not rich markup: the mark in square brackets is printed whole.
    assert "· EXT-JUR-001 " + t("scan.uncertain_rules_mark", lang, rules="HDS-EXI30-001").join("[]") in care.stdout
    assert mark not in care.stdout and legend not in care.stdout


CHU = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_plan_marks_readiness_on_catalogue_facts_and_tasks_of_uncertain_basis(runner: Any, lang: str) -> None:
    # The CHU's applications at Bleu rest on catalogue facts not all official; its health data
    # warehouse's EXT-FLOW-005 merges HDS-EXI30-001, whose basis is uncertain.
    scan = api.scan(CHU, lang=lang)
    markdown = runner.invoke(app, ["plan", str(CHU), "-f", "markdown", "--lang", lang])
    assert markdown.exit_code == 0, markdown.output
    mark = t("scan.confidence_mark", lang)
    rows = {item: row for item, row in rows_of(markdown.stdout).items() if row.count(" | ") == 6}  # the waves'
    assert rows and all(row.split(" | ")[5].endswith(f" {mark}") == bool(scan.item(item).confidence)
                        for item, row in rows.items())
    task = next(line for line in markdown.stdout.splitlines() if "**entrepot-sante** — EXT-FLOW-005" in line)
    assert md_escape(t("scan.uncertain_rules_mark", lang, rules="HDS-EXI30-001").join("[]")) in task
    assert t("scan.confidence_legend", lang, mark=mark) in markdown.stdout
    document = json.loads(runner.invoke(app, ["plan", str(CHU), "-f", "json", "--lang", lang]).stdout)
    tasks = {(task["app"], task["rule"]): task for wave in document["waves"] for task in wave["tasks"]}
    assert tasks[("entrepot-sante", "EXT-FLOW-005")]["uncertain_rules"] == ["HDS-EXI30-001"]
    assert all("uncertain_rules" not in task for key, task in tasks.items() if key[1] == "SNC-REC-001")
    assert {task.get("confidence") for task in tasks.values()} > {None}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_findings_export_names_the_uncertain_rules_and_the_catalogue_confidence(write_inventory: Any, runner: Any,
                                                                                   tmp_path: Any, lang: str) -> None:
    path, out = write_inventory(estate()), tmp_path / "findings.csv"
    result = runner.invoke(app, ["export", "findings", str(path), "-o", str(out), "--lang", lang,
                                 "--csv-dialect", "rfc4180"])
    assert result.exit_code == 0, result.output
    rows = {(r[t("interop.col_item", lang)], r[t("interop.col_rule", lang)]): r
            for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    rules, confidence = t("interop.col_uncertain_rules", lang), t("interop.col_confidence", lang)
    code = t("interop.code_column", lang, name=confidence)
    assert rows[("sante", "EXT-JUR-001")][rules] == "HDS-EXI30-001" and rows[("sante", "EXT-JUR-001")][code] == ""
    office = rows[("bureau", "EXT-SUP-001")]
    assert office[rules] == "" and office[code] in ("secondary", "unverified", "uncertain")
    assert office[confidence] == t(f"catalogue.confidence.{office[code]}", lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_report_marks_an_item_of_a_findings_group_on_catalogue_facts(write_inventory: Any, runner: Any,
                                                                             tmp_path: Any, lang: str) -> None:
    path, out = write_inventory(estate()), tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(path), "-f", "html", "--no-fit", "--lang", lang, "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    # The findings by rule: EXT-SUP-001 holds the office suite (catalogue: †) and the notes (inline facts).
    group = html.split('id="rule-EXT-SUP-001"', 1)[1].split("</article>", 1)[0]
    assert "<td>Bureautique †<br>" in group and "<td>Notes<br>" in group
    legend = t("scan.confidence_legend", lang, mark="†")
    assert f'<p class="meta">{legend}</p>' in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fit_marks_an_offer_resting_on_catalogue_facts_not_all_official(runner: Any, lang: str) -> None:
    # The CHU's Bleu offer comes from the catalogue (secondary facts); its MSSanté offer is typed in.
    document = json.loads(runner.invoke(app, ["fit", str(CHU), "-f", "json", "--lang", lang]).stdout)
    assert document["offer_confidence"]["bleu-azure"] in ("secondary", "unverified", "uncertain")
    assert "gcs-messagerie-sante" not in document["offer_confidence"]
    markdown = runner.invoke(app, ["fit", str(CHU), "-f", "markdown", "--lang", lang]).stdout
    mark = t("scan.confidence_mark", lang)
    header = next(line for line in markdown.splitlines() if line.startswith(f"| {t('fit.col_application', lang)} |"))
    assert f"| bleu-azure {mark} |" in header and "| gcs-messagerie-sante |" in header
    assert t("scan.confidence_legend", lang, mark=mark) in markdown
    rows = list(csv.reader(io.StringIO(runner.invoke(app, ["fit", str(CHU), "-f", "csv", "--lang", lang,
                                                           "--csv-dialect", "rfc4180"]).stdout)))
    column = rows[0].index(t("fit.csv.status", lang, offer="bleu-azure"))
    typed_in = rows[0].index(t("fit.csv.status", lang, offer="gcs-messagerie-sante"))
    assert all(row[column].endswith(f" {mark}") and not row[typed_in].endswith(mark) for row in rows[1:])
