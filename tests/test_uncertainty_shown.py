"""Every rendering of a scan shows the uncertainty of a finding's legal basis and of the catalogue
facts it rests on (docs/rulesets.md, docs/catalogue.md): the table and the Markdown with the same
words (« [incertain] », « [base incertaine : RULE] », `†`), the CSV in columns of codes, a JUnit
failure with the same mark."""

from __future__ import annotations

import csv
import io
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
