"""A command's own refusals (an output over an input, a malformed option value...) are worded in
the command's language: --lang, else the organisation's country. No English in French output,
no French in English output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

INVENTORY = ("format: bleu-assess/v2\norganisation:\n  name: Hôpital\n  country: {country}\n  type: other\n"
             "applications:\n  - id: app\n    name: App\n    hosting: {{model: on-premises}}\n")


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def _said(result: Any) -> str:
    return result.output.replace("\u202f", " ").replace("\xa0", " ")


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
