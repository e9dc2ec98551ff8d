"""A run on a ruleset that is not in force (a draft, a deprecated version, or a stable version a
newer one replaces) says so: a warning on stderr in the command's language, `status` and
`superseded_by` in the results JSON, a mark in the scan summary, the plan, and the report's
first page and audit trail. A run on the rules in force says nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from bleu_assess.cli import app
from bleu_assess.rules.load import select

MINIMAL = str(EXAMPLES / "minimal.yaml")


def _ruleset(document: dict[str, Any], ruleset_id: str) -> dict[str, Any]:
    return next(r for r in document["rulesets"] if r["id"] == ruleset_id)


def test_selection_tells_each_older_version_the_newest_version_not_a_draft() -> None:
    default = select()
    assert all(r.superseded_by is None for r in default)
    chosen = {r.id: r for r in select(["offers@1.0", "secnumcloud@1.1"])}
    assert chosen["offers"].superseded_by == "1.1" and chosen["offers"].status == "stable"
    assert chosen["secnumcloud"].superseded_by == "2.2" and chosen["secnumcloud"].status == "draft"
    assert {r.id: r for r in select(["secnumcloud@1.0"])}["secnumcloud"].superseded_by == "2.2"


def test_a_draft_is_warned_on_stderr_and_marked_in_the_json(runner: Any) -> None:
    result = runner.invoke(app, ["scan", MINIMAL, "-f", "json", "--lang", "en", "-r", "secnumcloud@1.1"])
    assert result.exit_code == 0, result.output
    assert ("warning: ruleset secnumcloud@1.1 is a draft, not in force: its verdicts are not those of the rules "
            "in force (version in force: 2.2)") in result.stderr
    assert "{" not in result.stderr  # the JSON alone on stdout
    document = json.loads(result.stdout)
    assert _ruleset(document, "secnumcloud") | {"sha256": ""} == {
        "id": "secnumcloud", "version": "1.1", "sha256": "", "status": "draft", "superseded_by": "2.2"}


@pytest.mark.parametrize(("selector", "said"), [
    ("secnumcloud@1.0", "avertissement : le référentiel secnumcloud@1.0 est obsolète, plus en vigueur"),
    ("offers@1.0", "avertissement : le référentiel offers@1.0 n'est pas la version en vigueur"),
])
def test_a_deprecated_or_superseded_version_is_warned_in_the_commands_language(runner: Any, selector: str,
                                                                                 said: str) -> None:
    result = runner.invoke(app, ["scan", MINIMAL, "--lang", "fr", "-r", selector], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert said in result.stderr.replace("\u00a0", " ")  # French typography: a no-break space before ':'
    assert "(version en vigueur\u00a0: " in result.stderr
    assert f"{selector} (" in result.stdout  # the summary's rulesets line marks it too


def test_the_rules_in_force_are_not_warned_and_their_json_is_unchanged(runner: Any) -> None:
    result = runner.invoke(app, ["scan", MINIMAL, "-f", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert all(set(r) == {"id", "version", "sha256", "status"} and r["status"] == "stable"
               for r in json.loads(result.stdout)["rulesets"])


def test_quiet_shows_no_warning(runner: Any) -> None:
    result = runner.invoke(app, ["-q", "scan", MINIMAL, "-f", "json", "-r", "secnumcloud@1.1"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_the_report_says_it_first_and_in_its_audit_trail(runner: Any, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    result = runner.invoke(app, ["report", MINIMAL, "--lang", "fr", "-r", "secnumcloud@1.1", "-o", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    banner = ("> **Le référentiel secnumcloud@1.1 est un brouillon, pas en vigueur : ses verdicts ne sont pas ceux "
              "des règles en vigueur (version en vigueur : 2.2)**")
    assert banner in text and text.index(banner) < text.index("### ")  # before the first answer
    assert "`secnumcloud@1.1` (brouillon, pas en vigueur)" in text
    plain = tmp_path / "plain.md"
    assert runner.invoke(app, ["report", MINIMAL, "--lang", "fr", "-o", str(plain)]).exit_code == 0
    assert "pas en vigueur" not in plain.read_text(encoding="utf-8")


def test_the_html_report_and_the_plan_mark_it(runner: Any, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["report", MINIMAL, "--lang", "en", "--audience", "technical", "-r", "offers@1.0",
                                 "-o", str(html)])
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "<p><strong>Ruleset offers@1.0 is not the version in force" in text
    assert "<td>offers</td><td>1.0</td><td>superseded by version 1.1</td>" in text
    plan = runner.invoke(app, ["plan", MINIMAL, "--lang", "en", "-f", "markdown", "-r", "offers@1.0"])
    assert plan.exit_code == 0, plan.output
    assert "offers@1.0 (superseded by version 1.1)" in plan.stdout
