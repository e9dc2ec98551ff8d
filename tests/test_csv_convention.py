"""Every CSV written for people follows one convention (docs/interop.md, "CSV for spreadsheets
and programs"): headers in the reader's language, and each value that is a decision code in words
under its header, then as the code itself under « header (code) », the same in every language, for
a ticket tracker's filter. The scan CSV stays the results' contract: codes as headers and values."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app
from bleu_assess.render.i18n import catalogue
from bleu_assess.render.scan import CSV_COLUMNS
from bleu_assess.vocab import HeldReason, Readiness, Severity

INVENTORY = """\
format: bleu-assess/v2
organisation: {name: Mairie, country: FR, type: local-authority}
providers:
  - {id: us-saas, name: US SaaS, headquarters: US, regions: [IE]}
  - {id: cloud-fr, name: Cloud FR, headquarters: FR, regions: [FR]}
platforms:
  - {id: us-mail, provider: us-saas, models: [saas], services: [mail]}
  - {id: fr-iaas, provider: cloud-fr, models: [iaas]}
applications:
  - {id: finances, name: Finances, criticality: high, hosting: {model: on-premises}, datasets: [budget]}
  - {id: messagerie, name: Messagerie, hosting: {model: saas, platform: us-mail}, service: mail,
     datasets: [courriels], depends_on: [finances]}
datasets:
  - {id: budget, name: Budget, classification: personal}
  - {id: courriels, name: Courriels, classification: health}
"""

# The codes each code column may hold, by its English header (the results' vocabularies).
VOCABULARIES = {
    "severity (code)": {s.value for s in Severity},
    "readiness (code)": {r.value for r in Readiness},
    "kind (code)": {"application", "dataset"},
    "status (code)": {"wave", "held", "staying"},
    "criticality (code)": {"low", "medium", "high", "vital"},
    "target (code)": {"secnumcloud", "eu-cloud", "any-cloud", "on-premises", "retire", "retain"},
    "Change (code)": {"added", "removed", "changed", "new-finding", "resolved-finding"},
    # Why an application sits where it does: a held one's JSON `reason`, else the keys of the
    # decisions its reason words (`plan.reason_after` → `after`), several space-separated.
    "reason (code)": {h.value for h in HeldReason} | {key.removeprefix(prefix).replace("_", "-")
                                                       for key in catalogue("en")
                                                       for prefix in ("plan.reason_", "plan.staying_")
                                                       if key.startswith(prefix)},
}


def tables(runner: Any, tmp_path: Path, lang: str) -> dict[str, list[list[str]]]:
    after = tmp_path / "after.yaml"
    after.write_text(INVENTORY, encoding="utf-8")
    before = tmp_path / "before.yaml"
    before.write_text(INVENTORY.replace("criticality: high, hosting: {model: on-premises}",
                                        "criticality: high, hosting: {model: saas, platform: us-mail}, service: mail"),
                      encoding="utf-8")
    out = {}
    for name, args in {"plan": ["plan", str(after), "-f", "csv"], "fit": ["fit", str(after), "-f", "csv"],
                       "diff": ["diff", str(before), str(after), "-f", "csv"],
                       "scan": ["scan", str(after), "-f", "csv"],
                       "findings": ["export", "findings", str(after), "-o", str(tmp_path / f"f-{lang}.csv")]}.items():
        result = runner.invoke(app, [*args, "--lang", lang, "--csv-dialect", "rfc4180"])
        assert result.exit_code in (0, 1), result.output
        text = (tmp_path / f"f-{lang}.csv").read_text(encoding="utf-8") if name == "findings" else result.stdout
        out[name] = list(csv.reader(io.StringIO(text)))
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[list[str]]]]:
    from typer.testing import CliRunner

    runner = CliRunner()
    return {lang: tables(runner, tmp_path_factory.mktemp(lang), lang) for lang in ("fr", "en")}


def code_columns(header: list[str]) -> list[int]:
    return [n for n, name in enumerate(header) if name.endswith(" (code)")]


@pytest.mark.parametrize("name", ["plan", "fit", "diff", "findings"])
def test_headers_are_in_the_readers_language_and_each_code_follows_its_words(both: Any, name: str) -> None:
    french, english = both["fr"][name], both["en"][name]
    assert len(french) > 1 and len(french[0]) == len(english[0]), "one table, two languages"
    assert french[0] != english[0], "headers in the reader's language"
    coded = code_columns(english[0])
    assert coded and coded == code_columns(french[0])
    for n in coded:
        assert english[0][n] == f"{english[0][n - 1]} (code)" and french[0][n] == f"{french[0][n - 1]} (code)"


@pytest.mark.parametrize("name", ["plan", "fit", "diff", "findings"])
def test_code_columns_hold_the_same_codes_in_every_language(both: Any, name: str) -> None:
    french, english = both["fr"][name], both["en"][name]
    coded = code_columns(english[0])

    def codes(table: list[list[str]]) -> list[tuple[str, ...]]:
        return sorted((row[0], *(row[n] for n in coded)) for row in table[1:])  # a diff is sorted by its words

    assert codes(french) == codes(english)
    words = [n - 1 for n in coded]
    assert sorted(tuple(r[n] for n in words) for r in french[1:]) != sorted(tuple(r[n] for n in words) for r in english[1:])
    for n in coded:
        allowed = VOCABULARIES.get(english[0][n])
        if allowed is not None:
            assert {code for row in english[1:] for code in row[n].split(" ")} - {""} <= allowed, english[0][n]


def test_the_findings_name_their_rule_severity_and_readiness_by_code(both: Any) -> None:
    table = both["en"]["findings"]
    rows = [dict(zip(table[0], row)) for row in table[1:]]
    assert all(r["rule"] and r["severity (code)"] in VOCABULARIES["severity (code)"] for r in rows)
    assert {r["readiness (code)"] for r in rows if r["item"] == "messagerie"} <= {"not-ready", "ready-with-conditions"}


def test_the_plan_gives_each_row_its_reason_by_code(both: Any, runner: Any, tmp_path: Path) -> None:
    table = both["en"]["plan"]
    assert table[0][table[0].index("reason") + 1] == "reason (code)"
    rows = [dict(zip(table[0], row)) for row in table[1:]]
    assert all(r["reason"] and r["reason (code)"] for r in rows), "every row says why, in words and by code"
    path = tmp_path / "inventaire.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["plan", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    held = {h["id"]: h["reason"] for h in json.loads(result.stdout)["held"]}
    assert held and {r["application"]: r["reason (code)"] for r in rows if r["status (code)"] == "held"} == held


def test_the_diff_names_the_rule_and_the_field_by_code(both: Any) -> None:
    table = both["fr"]["diff"]
    rows = [dict(zip(table[0], row)) for row in table[1:]]
    findings = [r for r in rows if r["Évolution (code)"] in ("new-finding", "resolved-finding")]
    assert findings and all(r["Règle"] and r["Champ"].startswith(r["Règle"]) and r["Champ (code)"] == "" for r in findings)
    changes = [r for r in rows if r["Évolution (code)"] == "changed"]
    assert changes and {r["Champ (code)"] for r in changes} <= {"readiness", "secnumcloud_scope", "residency",
                                                               "exposure", "target", "platform"}


def test_the_scan_csv_keeps_its_documented_columns_in_every_language(both: Any) -> None:
    documented = ("id, kind, name, readiness, secnumcloud_scope, residency, exposure_level, exposure_score, target, "
                  "platform, findings, top_rule, top_severity, top_message, undecided, confidence, top_uncertain"
                  ).split(", ")
    assert list(CSV_COLUMNS) == documented
    assert both["fr"]["scan"][0] == both["en"]["scan"][0] == documented
