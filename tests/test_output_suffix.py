"""Without -f, the -o file's name chooses the format: `scan -o resultats.json` writes the results
contract, not a terminal table in a file named .json; a name no format of the command matches
(`report -o rapport.pdf`, `plan -o vagues.xlsx`) is refused (exit 2, nothing written), in the
command's language, with the formats it writes. -f, when given, is what is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

INVENTORY = ("format: bleu-assess/v2\norganisation:\n  name: Hôpital\n  country: {country}\n  type: other\n"
             "applications:\n  - id: app\n    name: App\n    hosting: {{model: on-premises}}\n    datasets: [d]\n"
             "datasets:\n  - id: d\n    name: D\n    classification: internal\n")


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def inventory(tmp_path: Path, country: str = "FR") -> str:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(country=country), encoding="utf-8")
    return str(path)


def _said(result: Any) -> str:
    return result.output.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("command, name, starts", [
    ("scan", "resultats.json", '{\n  "format": "bleu-assess-results/v1"'),
    ("scan", "bleu-assess.sarif", '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json"'),
    ("scan", "resultats.sarif.json", '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json"'),
    ("scan", "junit.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'),
    ("scan", "verdicts.md", "# "),
    ("plan", "vagues.csv", "\ufeffapplication;nom;"),
    ("plan", "plan.json", '{\n  "format": "bleu-assess-plan/v1"'),
    ("diff", "progression.json", "{"),
    ("graph", "graphe.dot", "digraph"),
    ("graph", "graphe.json", "{"),
])
def test_the_output_name_chooses_the_format(runner: Any, tmp_path: Path, command: str, name: str, starts: str) -> None:
    path = inventory(tmp_path)
    arguments = [command, path, path] if command == "diff" else [command, path]
    dated = ["--as-of", "2026-11-30"] if command in ("scan", "plan") else []
    result = runner.invoke(app, [*arguments, "-o", str(tmp_path / name), *dated])
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)


def test_the_format_option_wins_over_the_name(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", inventory(tmp_path), "-f", "csv", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 0, result.output
    with pytest.raises(json.JSONDecodeError):
        json.loads((tmp_path / "x.json").read_text(encoding="utf-8-sig"))


def test_a_name_without_a_known_suffix_gets_the_default_format(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", inventory(tmp_path), "-o", str(tmp_path / "vagues-2027")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vagues-2027").read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("command, name, country, words, hint", [
    ("report", "rapport.pdf", "FR", "-o {out} : report n'écrit pas de PDF ; ses formats : html, markdown, docx",
     "conseil : écrivez le rapport en HTML (-o rapport.html), ouvrez-le dans un navigateur et imprimez-le en PDF"),
    ("report", "report.pdf", "DE", "-o {out}: report does not write PDF; its formats: html, markdown, docx",
     "hint: write the report as HTML (-o report.html), open it in a browser and print it to PDF"),
    ("plan", "vagues.xlsx", "FR", "-o {out} : plan n'écrit pas de fichier .xlsx ; ses formats : markdown, json, csv, table",
     "conseil : choisissez le format avec -f, ou un nom de fichier en .md, .markdown, .json, .csv, .txt"),
    ("scan", "verdicts.html", "DE", "-o {out}: scan does not write .html files; its formats: table, json",
     "hint: choose the format with -f, or a file name ending in .sarif"),
])
def test_a_name_the_command_cannot_write_is_refused(runner: Any, tmp_path: Path, command: str, name: str, country: str,
                                                    words: str, hint: str) -> None:
    out = tmp_path / name
    result = runner.invoke(app, [command, inventory(tmp_path, country), "-o", str(out)])
    assert result.exit_code == 2
    assert words.format(out=out) in _said(result) and hint in _said(result)
    assert "Traceback" not in result.output and not out.exists()
