"""Mistakes in the command line itself, found before the command runs (an unknown option or
command, a value outside the choices, a missing argument...), are refused in the language the
command would have answered in, with click's precision (the option, the values allowed, the
likely option or value meant), exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _cli_language import INVENTORY, no_language_from_the_environment  # noqa: F401 (autouse fixture)
from _cli_language import said as _said

from bleu_assess.cli import app


def inventory(tmp_path: Path, country: str) -> str:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(country=country), encoding="utf-8")
    return str(path)


# (command line after the inventory, or without it: None), French words, English words
MISTAKES = [
    (["scan", "{inv}", "--format", "nope"],
     "--format : « nope » n'est pas une valeur permise ; valeurs : table, json, markdown, csv, sarif ou junit",
     "--format: 'nope' is not an allowed value; values: table, json, markdown, csv, sarif or junit"),
    (["scan", "{inv}", "-f", "jsn"], "« jsn » n'est pas une valeur permise (vouliez-vous dire « json » ?)",
     "'jsn' is not an allowed value (did you mean 'json'?)"),
    (["scan", "{inv}", "--formt", "json"], "option inconnue « --formt » (vouliez-vous dire « --format » ?)",
     "unknown option '--formt' (did you mean '--format'?)"),
    (["scan", "{inv}", "--bogus"], "option inconnue « --bogus »", "unknown option '--bogus'"),
    (["scan", "{inv}", "--format"], "l'option --format attend une valeur", "option --format needs a value"),
    (["plan", "{inv}", "--max-wave-size", "0"], "--max-wave-size : 0 est trop petit (au moins 1)",
     "--max-wave-size: 0 is too small (at least 1)"),
    (["plan", "{inv}", "--pilot-size", "cinq"], "--pilot-size : « cinq » n'est pas un nombre entier",
     "--pilot-size: 'cinq' is not a whole number"),
    (["scan", "{inv}", "autre.yaml"], "argument en trop : autre.yaml", "unexpected extra argument: autre.yaml"),
    (["scan", "{inv}", "--lang", "de"], "--lang : « de » n'est pas une valeur permise ; valeurs : fr ou en",
     "--lang: 'de' is not an allowed value; values: fr or en"),
]


@pytest.mark.parametrize("line, fr, en", MISTAKES)
def test_a_command_line_mistake_is_refused_in_the_organisation_language(
        runner: Any, tmp_path: Path, line: list[str], fr: str, en: str) -> None:
    for country, words, other in (("FR", fr, en), ("DE", en, fr)):
        path = inventory(tmp_path, country)
        result = runner.invoke(app, [word.format(inv=path) for word in line])
        assert result.exit_code == 2, result.output
        assert words in _said(result) and other not in _said(result)
        assert "Usage:" not in result.output and "Error:" not in result.output


@pytest.mark.parametrize("environment, flag", [
    ({"BLEU_ASSESS_LANG": "fr"}, []), ({"LANG": "fr_FR.UTF-8"}, []), ({}, ["--lang", "fr"]),
])
def test_without_an_inventory_the_language_is_the_flag_or_the_environment(
        runner: Any, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], flag: list[str]) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    missing = runner.invoke(app, ["scan", *flag])
    assert missing.exit_code == 2
    assert "erreur : argument PATH manquant" in _said(missing)
    assert "conseil : bleu-assess scan -h montre son usage et ses options" in _said(missing)
    unknown = runner.invoke(app, ["scna", "x.yaml", *flag])
    assert unknown.exit_code == 2
    assert "commande inconnue « scna » (vouliez-vous dire « scan » ?)" in _said(unknown)
    grouped = runner.invoke(app, ["import", "tabel", *flag])
    assert "commande inconnue « tabel » (vouliez-vous dire « table » ?)" in _said(grouped)
    assert "bleu-assess import -h" in _said(grouped)
    rooted = runner.invoke(app, ["--bogus", "scan", *flag])  # a root option: the root's help
    assert "erreur : option inconnue « --bogus »" in _said(rooted)
    assert "conseil : bleu-assess -h montre son usage et ses options" in _said(rooted)


def test_english_without_any_sign_of_french(runner: Any) -> None:
    result = runner.invoke(app, ["scan", "--format", "nope"])
    assert result.exit_code == 2
    assert "error: --format: 'nope' is not an allowed value" in _said(result)


def test_the_program_refuses_in_french_under_a_french_locale(tmp_path: Path) -> None:
    environment = {**os.environ, "LANG": "fr_FR.UTF-8", "PYTHONPATH": str(Path(__file__).parents[1])}
    environment.pop("BLEU_ASSESS_LANG", None)
    run = subprocess.run([sys.executable, "-m", "bleu_assess", "scan", "x.yaml", "--format", "nope"],
                         capture_output=True, text=True, env=environment, cwd=tmp_path, check=False)
    assert run.returncode == 2
    said = run.stderr.replace("\u202f", " ").replace("\xa0", " ")
    assert "erreur : --format : « nope » n'est pas une valeur permise" in said
    assert "Traceback" not in said and "Invalid value" not in said


def test_an_import_answers_for_the_french_organisation_it_creates_unless_told_otherwise(
        runner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["import", "csv", "tables", "--bogus"])
    assert result.exit_code == 2
    assert "erreur : option inconnue « --bogus »" in _said(result)
    monkeypatch.setenv("BLEU_ASSESS_LANG", "en")
    assert "error: unknown option '--bogus'" in _said(runner.invoke(app, ["import", "csv", "tables", "--bogus"]))
