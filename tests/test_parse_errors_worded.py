"""YAML and JSON syntax errors are worded in the reader's language, the parser's own words
quoted, at the line and column where the mistake is to be fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app


def _said(result: Any) -> str:
    return result.output.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("lang, words", [
    ("fr", "3:11: erreur de syntaxe YAML : « did not find expected ',' or ']' » : le [ ouvert ici n'est jamais refermé"),
    ("en", "3:11: YAML syntax error: did not find expected ',' or ']': the [ opened here is never closed"),
])
def test_an_unclosed_bracket_is_located_where_it_opens(runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    inventory = tmp_path / "bad.yaml"
    inventory.write_text("applications:\n  - id: a\n    name: [x\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", lang, str(inventory)])
    assert result.exit_code == 2
    assert f"{inventory}:{words}" in _said(result)


@pytest.mark.parametrize("lang, words", [
    ("fr", "2:4: erreur de syntaxe YAML : « mapping values are not allowed in this context »"),
    ("en", "2:4: YAML syntax error: mapping values are not allowed in this context"),
])
def test_a_misplaced_key_is_located_on_its_line(runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    inventory = tmp_path / "bad.yaml"
    inventory.write_text("a: 1\n  b: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", lang, str(inventory)])
    assert f"{inventory}:{words}" in _said(result)


@pytest.mark.parametrize("lang, words", [
    ("fr", "2:10: erreur de syntaxe JSON : « Expecting value »"),
    ("en", "2:10: JSON syntax error: Expecting value"),
])
def test_json_syntax_errors_are_worded_too(runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    inventory = tmp_path / "bad.json"
    inventory.write_text('{"applications": [\n  {"id": }\n]}\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", lang, str(inventory)])
    assert result.exit_code == 2
    assert f"{inventory}:{words}" in _said(result)


def test_duplicate_keys_and_an_empty_directory_are_worded_in_french(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "dup.yaml"
    inventory.write_text("format: bleu-assess/v1\nformat: bleu-assess/v1\n", encoding="utf-8")
    said = _said(runner.invoke(app, ["validate", "--lang", "fr", str(inventory)]))
    assert "2:1: format: clé « format » en double (la valeur précédente serait perdue sans avertissement)" in said
    empty = tmp_path / "vide"
    empty.mkdir()
    said = _said(runner.invoke(app, ["validate", "--lang", "fr", str(empty)]))
    assert f"{empty}: le répertoire ne contient aucun fichier d'inventaire .yaml, .yml ou .json" in said


@pytest.mark.parametrize("lang, words", [
    ("fr", "2:4: b: nombre de 5 000 chiffres hors limites"),
    ("en", "2:4: b: number with 5,000 digits is out of range"),
])
def test_a_number_too_long_to_read_is_worded_in_the_readers_language(runner: Any, tmp_path: Path, lang: str,
                                                                      words: str) -> None:
    inventory = tmp_path / "long.yaml"
    inventory.write_text("a: 1\nb: " + "9" * 5000 + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", lang, str(inventory)])
    assert result.exit_code == 2
    assert f"{inventory}:{words}" in _said(result)


def test_a_value_the_yaml_parser_refuses_quotes_its_words_in_french(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "binary.yaml"
    inventory.write_text("a: 1\nb: !!binary zz\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", "fr", str(inventory)])
    assert result.exit_code == 2
    assert f"{inventory}:2:4: b: valeur YAML invalide : « failed to decode base64 data" in _said(result)


@pytest.mark.parametrize("lang, words", [
    ("fr", "8:1: caractère de tabulation : YAML n'indente qu'avec des espaces"),
    ("en", "8:1: tab character: YAML indents with spaces only"),
])
def test_a_tab_in_the_indentation_is_named_in_the_organisation_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    inventory = tmp_path / "tab.yaml"
    inventory.write_text("format: bleu-assess/v2\norganisation:\n  name: X\n  country: "
                         f"{'FR' if lang == 'fr' else 'DE'}\n  type: other\napplications:\n  - id: a\n\tname: b\n",
                         encoding="utf-8")
    said = _said(runner.invoke(app, ["validate", str(inventory)]))
    assert f"{inventory}:{words}" in said and "found" not in said


@pytest.mark.parametrize("environment, words", [
    ({"BLEU_ASSESS_LANG": "fr"}, ["fichier vide", "1 erreur"]), ({"LANG": "fr_FR.UTF-8"}, ["fichier vide", "1 erreur"]),
    ({}, ["empty file", "1 error"]),
])
def test_an_empty_file_names_no_organisation_and_is_refused_in_the_default_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str],
        words: list[str]) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    empty = tmp_path / "vide.yaml"
    empty.write_text("", encoding="utf-8")
    for arguments in (["validate", str(empty)], ["scan", str(tmp_path / "absent.yaml")]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2
        assert words[1] in _said(result)
    assert words[0] in _said(runner.invoke(app, ["validate", str(empty)]))
