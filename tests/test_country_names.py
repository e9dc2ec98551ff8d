"""Imports read countries as clients type them: ISO codes, French and English names (CLDR,
through Babel) and common aliases (country_aliases.yaml), each so read listed in the report;
an unknown or ambiguous name is refused at its cell with the closest names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from bleu_assess.cli import app


def _said(result: Any) -> str:
    return result.output.replace("\u202f", " ").replace("\xa0", " ")


def _tables(folder: Path, headquarters: list[str], country: str = "France") -> Path:
    folder.mkdir()
    (folder / "organisation.csv").write_text(f"name,country,type\nCHU,{country},other\n", encoding="utf-8")
    rows = "".join(f'p{n},P{n},commercial,"{place}"\n' for n, place in enumerate(headquarters))
    (folder / "providers.csv").write_text("id,name,kind,headquarters\n" + rows, encoding="utf-8")
    (folder / "applications.csv").write_text("id,name,hosting.model,hosting.provider\na,A,saas,p0\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("typed, code", [
    ("France", "FR"), ("Allemagne", "DE"), ("États-Unis", "US"), ("etats-unis", "US"), ("USA", "US"),
    ("United States", "US"), ("UK", "GB"), ("Royaume-Uni", "GB"), ("germany", "DE"), ("de", "DE"),
])
def test_country_names_and_aliases_become_codes(runner: Any, tmp_path: Path, typed: str, code: str) -> None:
    tables = _tables(tmp_path / "t", [typed])
    out = tmp_path / "inventory.yaml"
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["providers"][0]["headquarters"] == code


def test_each_country_read_from_a_name_is_listed_in_the_report(runner: Any, tmp_path: Path) -> None:
    tables = _tables(tmp_path / "t", ["Allemagne", "FR"], country="France")
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", "fr", "-o", str(tmp_path / "i.yaml")])
    said = _said(result)
    assert "organisation.csv:2: colonne country: « France » lu comme 'FR'" in said
    assert "providers.csv:2: colonne headquarters: « Allemagne » lu comme 'DE'" in said
    assert "« FR » lu comme" not in said  # a code is taken as it is, without a word


@pytest.mark.parametrize("lang, words", [
    ("fr", "organisation!B2: country: pays attendu : son code à deux lettres (FR, DE, US…) ou son nom en français "
           "ou en anglais, trouvé : « Allemange » (vouliez-vous dire Allemagne (DE) ?)"),
    ("en", "organisation!B2: country: expected a country: its two-letter code (FR, DE, US…) or its name in French "
           "or English, got 'Allemange' (did you mean Germany (DE)?)"),
])
def test_a_country_misspelt_in_a_workbook_is_refused_at_its_cell_with_the_closest_names_in_the_readers_language(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "organisation"
    sheet.append(["name", "country", "type"])
    sheet.append(["CHU", "Allemange", "other"])
    book.create_sheet("applications").append(["id", "name"])
    book["applications"].append(["a", "A"])
    path = tmp_path / "inventaire.xlsx"
    book.save(path)
    out = tmp_path / "i.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(path), "--lang", lang, "-o", str(out)])
    assert result.exit_code == 2
    assert f"{path}: {words}" in _said(result)
    assert not out.exists()


def test_a_misspelt_english_name_is_suggested_in_french_to_a_french_reader(runner: Any, tmp_path: Path) -> None:
    tables = _tables(tmp_path / "t", ["Germny"])
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", "fr", "-o", str(tmp_path / "i.yaml")])
    assert result.exit_code == 2
    assert "« Germny » (vouliez-vous dire Allemagne (DE) ?)" in _said(result)


@pytest.mark.parametrize("lang, words", [
    ("en", "column headquarters: 'Congo' may name several countries (Congo - Kinshasa (CD) or Congo - Brazzaville "
           "(CG)): write the two-letter code of the one meant"),
    ("fr", "colonne headquarters: « Congo » peut désigner plusieurs pays (Congo-Kinshasa (CD) ou Congo-Brazzaville "
           "(CG)) : écrivez le code à deux lettres de celui que vous voulez dire"),
])
def test_an_ambiguous_name_asks_for_the_code_naming_the_candidates_in_the_readers_language(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    tables = _tables(tmp_path / "t", ["Congo"])
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", lang, "-o", str(tmp_path / "i.yaml")])
    assert result.exit_code == 2
    assert f"providers.csv:2: {words}" in _said(result)
    assert not (tmp_path / "i.yaml").exists()


def test_an_ambiguous_organisation_country_in_a_workbook_names_both_countries(runner: Any, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "organisation"
    sheet.append(["name", "country", "type"])
    sheet.append(["CHU", "Corée", "other"])
    book.create_sheet("applications").append(["id", "name"])
    book["applications"].append(["a", "A"])
    path = tmp_path / "inventaire.xlsx"
    book.save(path)
    result = runner.invoke(app, ["import", "xlsx", str(path), "--lang", "fr", "-o", str(tmp_path / "i.yaml")])
    assert result.exit_code == 2
    assert ("organisation!B2: country: « Corée » peut désigner plusieurs pays (Corée du Nord (KP) ou Corée du Sud (KR))"
            in _said(result))


def test_a_name_close_to_none_is_refused_without_a_suggestion(runner: Any, tmp_path: Path) -> None:
    tables = _tables(tmp_path / "t", ["Zzyzx"])
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", "en", "-o", str(tmp_path / "i.yaml")])
    assert result.exit_code == 2
    assert ("column headquarters: expected a country: its two-letter code (FR, DE, US…) or its name in French or "
            "English, got 'Zzyzx'\n") in _said(result)


def _regions(folder: Path, regions: list[str]) -> Path:
    folder.mkdir()
    (folder / "organisation.csv").write_text("name,country,type\nCHU,FR,other\n", encoding="utf-8")
    rows = "".join(f'p{n},P{n},commercial,FR,"{cell}"\n' for n, cell in enumerate(regions))
    (folder / "providers.csv").write_text("id,name,kind,headquarters,regions\n" + rows, encoding="utf-8")
    (folder / "applications.csv").write_text("id,name,hosting.model,hosting.provider\na,A,saas,p0\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("lang, said", [
    ("en", ["providers.csv:2: column regions: 'UK; Royaume-Uni' read as ['GB'], each country once",
            "providers.csv:3: column regions: 'FR, France, DE' read as ['FR', 'DE'], each country once",
            "providers.csv:4: column regions: 'FR, FR' read as ['FR'], each country once"]),
    ("fr", ["providers.csv:2: colonne regions: « UK; Royaume-Uni » lu comme ['GB'], chaque pays une fois",
            "providers.csv:3: colonne regions: « FR, France, DE » lu comme ['FR', 'DE'], chaque pays une fois",
            "providers.csv:4: colonne regions: « FR, FR » lu comme ['FR'], chaque pays une fois"]),
])
def test_a_country_written_twice_in_a_list_is_listed_once_in_first_order_and_said(runner: Any, tmp_path: Path,
                                                                                 lang: str, said: list[str]) -> None:
    tables = _regions(tmp_path / "t", ["UK; Royaume-Uni", "FR, France, DE", "FR, FR", "DE, FR"])
    out = tmp_path / "i.yaml"
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", lang, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [p["regions"] for p in yaml.safe_load(out.read_text(encoding="utf-8"))["providers"]] == [
        ["GB"], ["FR", "DE"], ["FR"], ["DE", "FR"]]
    for line in said:
        assert line in _said(result)
    assert "providers.csv:5" not in _said(result)  # a list without repeats, of codes: nothing to say


@pytest.mark.parametrize("lang, words", [
    ("fr", "organisation.country: « Corée » peut désigner plusieurs pays (Corée du Nord (KP) ou Corée du Sud (KR)) : "
           "écrivez le code ISO 3166-1 alpha-2 de celui que vous voulez dire"),
    ("en", "organisation.country: 'Corée' may name several countries (North Korea (KP) or South Korea (KR)): "
           "write the ISO 3166-1 alpha-2 code of the one meant"),
])
def test_an_ambiguous_country_name_in_an_inventory_names_the_candidates(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    path = tmp_path / "h.yaml"
    path.write_text("format: bleu-assess/v2\norganisation:\n  name: H\n  country: Corée\n  type: other\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--lang", lang])
    assert result.exit_code == 2
    assert f"{path}:4:12: {words}" in _said(result)


def test_a_country_name_in_an_inventory_suggests_its_code(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "h.yaml"
    path.write_text("format: bleu-assess/v2\norganisation:\n  name: H\n  country: FR\n  type: other\n"
                    "providers:\n  - {id: p, regions: [FR, Allemagne]}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--lang", "fr"])
    assert result.exit_code == 2
    assert "providers[0].regions[1]: code pays « Allemagne » invalide" in _said(result)
    assert "(vouliez-vous dire « DE » ?)" in _said(result)
