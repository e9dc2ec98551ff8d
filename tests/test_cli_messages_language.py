"""A command's own refusals (an output over an input, a malformed option value...) are worded in
the command's language: --lang, else the organisation's country. No English in French output,
no French in English output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _cli_language import INVENTORY, no_language_from_the_environment  # noqa: F401 (autouse fixture)
from _cli_language import said as _said

from bleu_assess.cli import app


def inventory(tmp_path: Path, country: str = "FR") -> Path:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(country=country), encoding="utf-8")
    return path


@pytest.mark.parametrize("country, flag, words", [
    ("FR", [], ["écriture de h.yaml refusée : ce fichier est une entrée de cette commande",
                "conseil : choisissez un autre fichier de sortie avec -o"]),
    ("DE", [], ["refusing to write h.yaml: it is an input of this command", "hint: choose another output file with -o"]),
    ("DE", ["--lang", "fr"], ["écriture de h.yaml refusée"]),
])
def test_writing_over_the_input_is_refused_in_the_command_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, country: str, flag: list[str],
        words: list[str]) -> None:
    inventory(tmp_path, country)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan", "h.yaml", "-o", "h.yaml", *flag])
    assert result.exit_code == 2
    for said in words:
        assert said in _said(result)


@pytest.mark.parametrize("lang, words", [("fr", "le dossier"), ("en", "does not exist")])
def test_an_output_in_a_missing_directory_is_refused_in_the_command_language(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    result = runner.invoke(app, ["scan", str(inventory(tmp_path)), "--lang", lang, "-o", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 2
    assert words in _said(result)


@pytest.mark.parametrize("option, fr, en", [
    (["--capacity", "0"], "--capacity : « 0 » n'est pas un nombre positif de jours-homme par semaine",
     "--capacity: '0' is not a positive number of person-days a week"),
    (["--capacity", "beaucoup"], "« beaucoup » n'est pas un nombre positif", "'beaucoup' is not a positive number"),
    (["--freeze", "2027-08-31:2027-07-14"], "--freeze : « 2027-08-31:2027-07-14 » finit avant de commencer",
     "--freeze: '2027-08-31:2027-07-14' ends before it starts"),
    (["--freeze", "14 juillet"], "« 14 juillet » n'est pas DÉBUT:FIN", "'14 juillet' is not FROM:TO"),
    (["--effort-days", "XXL=3"], "--effort-days : taille inconnue « XXL » (tailles : XS, S, M, L, XL)",
     "--effort-days: unknown size 'XXL' (sizes: XS, S, M, L, XL)"),
    (["--effort-days", "S=trois"], "« trois » n'est pas un nombre de jours pour S", "'trois' is not a number of days for S"),
])
def test_malformed_plan_options_are_refused_in_the_organisation_language(
        runner: Any, tmp_path: Path, option: list[str], fr: str, en: str) -> None:
    for country, words, other in (("FR", fr, en), ("DE", en, fr)):
        result = runner.invoke(app, ["plan", str(inventory(tmp_path, country)), "--start", "2027-01-04", *option])
        assert result.exit_code == 2
        assert words in _said(result) and other not in _said(result)


@pytest.mark.parametrize("level", ["blocker", "bloquant", "Bloquant", "BLOCKER"])
def test_fail_on_takes_a_severity_code_or_its_french_word(runner: Any, tmp_path: Path, level: str) -> None:
    example = Path(__file__).parents[1] / "examples" / "chu-exemple.yaml"  # it has blocking findings
    result = runner.invoke(app, ["scan", str(example), "--fail-on", level, "-f", "json", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 1
    assert "--fail-on blocker" in _said(result)


@pytest.mark.parametrize("country, words, other", [
    ("FR", "--fail-on : « grave » n'est pas une gravité : blocker, high, medium ou low", "is not a severity"),
    ("DE", "--fail-on: 'grave' is not a severity: blocker, high, medium or low", "n'est pas une gravité"),
])
def test_an_unknown_fail_on_level_is_refused_in_the_organisation_language(
        runner: Any, tmp_path: Path, country: str, words: str, other: str) -> None:
    result = runner.invoke(app, ["scan", str(inventory(tmp_path, country)), "--fail-on", "grave"])
    assert result.exit_code == 2
    assert words in _said(result) and other not in _said(result) and "Invalid value" not in _said(result)


@pytest.mark.parametrize("option, fr, en", [
    (["-r", "secnumclod"], "jeu de règles inconnu « secnumclod » (vouliez-vous dire « secnumcloud » ?)",
     "unknown ruleset 'secnumclod' (did you mean 'secnumcloud'?)"),
    (["-r", "secnumcloud@9.9"], "le jeu de règles secnumcloud n'a pas de version 9.9 ; versions :",
     "ruleset secnumcloud has no version 9.9; versions:"),
    (["-r", "secnumcloud@1.0", "-r", "secnumcloud@2.0"], "le jeu de règles secnumcloud est choisi deux fois",
     "ruleset secnumcloud is selected twice"),
    (["--rules-dir", "absent"], "--rules-dir : le dossier absent n'existe pas", "--rules-dir: directory absent does not exist"),
])
def test_a_ruleset_option_is_refused_in_the_organisation_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: list[str], fr: str, en: str) -> None:
    monkeypatch.chdir(tmp_path)
    for country, words, other in (("FR", fr, en), ("DE", en, fr)):
        result = runner.invoke(app, ["scan", str(inventory(tmp_path, country)), *option])
        assert result.exit_code == 2
        assert words in _said(result) and other not in _said(result)


@pytest.mark.parametrize("lang, words", [
    ("fr", "n'est pas une feuille de qualification (la ligne 2 doit porter les codes des colonnes)"),
    ("en", "is not a qualify worksheet (row 2 must hold the column codes)"),
])
def test_a_workbook_that_is_no_qualify_worksheet_is_refused_in_the_command_language(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["a"])
    book.save(tmp_path / "other.xlsx")
    result = runner.invoke(app, ["qualify", str(inventory(tmp_path)), "--from-worksheet", str(tmp_path / "other.xlsx"),
                                 "--lang", lang])
    assert result.exit_code == 2
    assert words in _said(result)


@pytest.mark.parametrize("lang, words", [("fr", "--template-dir : le dossier absent n'existe pas"),
                                         ("en", "--template-dir: directory absent does not exist")])
def test_a_missing_template_directory_is_refused_in_the_command_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan", str(inventory(tmp_path)), "--template-dir", "absent", "--lang", lang,
                                 "-f", "markdown", "-o", "s.md"])
    assert result.exit_code == 2
    assert words in _said(result)
