"""A spreadsheet or CSV table given where an inventory is expected is refused for what it is,
naming the file and the command that turns it into an inventory, in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bleu_assess.cli import app


def _workbook(path: Path, title: str, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_rvtools_workbook_names_its_importer(runner: Any, tmp_path: Path) -> None:
    book = _workbook(tmp_path / "export.xlsx", "vInfo", [["VM", "Powerstate"], ["web01", "poweredOn"]])
    result = runner.invoke(app, ["validate", "--lang", "en", str(book)])
    assert result.exit_code == 2
    assert f"{book}: a spreadsheet workbook, not an inventory (YAML or JSON); recognised format: RVTools" in result.output
    assert f"`bleu-assess import rvtools {book} -o inventory.yaml`" in result.output
    assert "UTF-8" not in result.output


def test_a_workbook_under_any_name_is_recognised_by_its_content(runner: Any, tmp_path: Path) -> None:
    book = _workbook(tmp_path / "book.xlsx", "Apps", [["Nom", "Criticité"], ["Paie", "haute"]])
    disguised = tmp_path / "inventaire.yaml"
    disguised.write_bytes(book.read_bytes())
    result = runner.invoke(app, ["scan", "--lang", "fr", str(disguised)])
    assert result.exit_code == 2
    output = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"{disguised}: un classeur de tableur, pas un inventaire (YAML ou JSON)" in output
    assert f"`bleu-assess import table {disguised} --suggest-mapping -o mapping.yaml`" in output
    assert f"`bleu-assess import table {disguised} --mapping mapping.yaml -o inventory.yaml`" in output


@pytest.mark.parametrize("lang, words", [
    ("fr", "un tableau CSV, pas un inventaire (YAML ou JSON) ; format reconnu : konveyor"),
    ("en", "a CSV table, not an inventory (YAML or JSON); recognised format: konveyor"),
])
def test_a_csv_export_names_the_preset_that_reads_it(runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    table = tmp_path / "apps.csv"
    table.write_text("Record Type 1,Application Name,Description\n1,Paie,Payroll\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", lang, str(table)])
    assert result.exit_code == 2
    assert f"{table}: {words}" in result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"bleu-assess import table {table} --mapping konveyor -o inventory.yaml" in result.output


def test_a_semicolon_table_named_yaml_is_a_table_not_a_yaml_string(runner: Any, tmp_path: Path) -> None:
    table = tmp_path / "inventaire.yaml"
    table.write_text("nom;criticité\nPaie;haute\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "--lang", "en", str(table)])
    assert result.exit_code == 2
    assert f"{table}: a CSV table, not an inventory" in result.output
    assert "top level" not in result.output


def test_the_template_workbook_is_sent_to_import_xlsx(runner: Any, tmp_path: Path) -> None:
    template = tmp_path / "modele.xlsx"
    assert runner.invoke(app, ["export", "template", "-o", str(template)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--lang", "en", str(template)])
    assert result.exit_code == 2
    assert "recognised format: bleu-assess export template" in result.output
    assert f"`bleu-assess import xlsx {template} -o inventory.yaml`" in result.output


def test_a_yaml_inventory_with_commas_in_its_first_line_is_still_read_as_yaml(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("applications: [a, b]\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--lang", "en", str(inventory)])
    assert result.exit_code == 2
    assert "not an inventory" not in result.output


def test_the_python_api_refuses_a_table_as_such_too(tmp_path: Path) -> None:
    from bleu_assess.errors import InputError
    from bleu_assess.inventory.load import load_inventory

    book = _workbook(tmp_path / "export.xlsx", "Sheet", [["a", "b"], [1, 2]])
    with pytest.raises(InputError) as refused:
        load_inventory(book)
    assert [d.code for d in refused.value.diagnostics] == ["input.table_workbook"]
    assert "a spreadsheet workbook, not an inventory" in refused.value.diagnostics[0].message


def test_the_empty_template_imports_nothing_and_says_so_naming_its_sheets(runner: Any, tmp_path: Path) -> None:
    template = tmp_path / "modele.xlsx"
    assert runner.invoke(app, ["export", "template", "--lang", "en", "-o", str(template)]).exit_code == 0
    out = tmp_path / "inventory.yaml"
    result = runner.invoke(app, ["import", "table", str(template), "--mapping", "template", "--organisation", "X",
                                 "--lang", "en", "-o", str(out)])
    assert result.exit_code == 2
    assert f"{template}: headers but no data row under them (sheets: " in result.output
    assert "applications" in result.output.lower()
    assert not out.exists()


@pytest.mark.parametrize("lang, words", [
    ("en", "a header row but no data row under it: nothing to import"),
    ("fr", "une ligne d'en-têtes mais aucune ligne de données dessous : rien à importer"),
])
def test_a_csv_of_headers_only_imports_nothing_and_says_so(runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    table = tmp_path / "applications.csv"
    table.write_text("name,criticality\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(table), "--lang", lang, "-o", str(tmp_path / "inv.yaml")])
    assert result.exit_code == 2
    assert f"{table}: {words}" in result.output.replace("\u202f", " ").replace("\xa0", " ")


def _organisation_and(path: Path, applications: list[list[Any]], datasets: list[list[Any]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "organisation"
    sheet.append(["name", "country", "type"])
    sheet.append(["CHU", "FR", "other"])
    for title, rows in (("applications", applications), ("datasets", datasets)):
        if rows is not None:
            listed = book.create_sheet(title)
            for row in rows:
                listed.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("lang, words", [
    ("en", "headers but no data row under them (sheets: applications): nothing to import"),
    ("fr", "des en-têtes mais aucune ligne de données dessous (feuilles : applications) : rien à importer"),
])
def test_an_organisation_filled_in_above_empty_tables_imports_nothing_and_names_the_empty_sheets(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    book = _organisation_and(tmp_path / "inventaire.xlsx", [["id", "name"]])
    out = tmp_path / "inventory.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(book), "--lang", lang, "-o", str(out)])
    assert result.exit_code == 2
    assert f"{book}: {words}" in result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert not out.exists()


@pytest.mark.parametrize("lang, words", [
    ("en", "a header row but no data row under it: nothing to import"),
    ("fr", "une ligne d'en-têtes mais aucune ligne de données dessous : rien à importer"),
])
def test_an_organisation_csv_beside_a_csv_of_headers_only_imports_nothing(runner: Any, tmp_path: Path, lang: str,
                                                                          words: str) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "organisation.csv").write_text("name,country,type\nCHU,FR,other\n", encoding="utf-8")
    (folder / "applications.csv").write_text("id,name\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(folder), "--lang", lang, "-o", str(tmp_path / "inv.yaml")])
    assert result.exit_code == 2
    said = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"{folder / 'applications.csv'}: {words}" in said
    assert "organisation.csv:" not in said


def test_a_sheet_of_headers_only_beside_applications_is_no_error(runner: Any, tmp_path: Path) -> None:
    book = _organisation_and(tmp_path / "inventaire.xlsx", [["id", "name"], ["a", "A"]], datasets=[["id", "name"]])
    out = tmp_path / "inventory.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(book), "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


@pytest.mark.parametrize("lang, words", [
    ("fr", "un classeur de tableur, pas un inventaire (YAML ou JSON) ; format reconnu : bleu-assess export template"),
    ("en", "a spreadsheet workbook, not an inventory (YAML or JSON); recognised format: bleu-assess export template"),
])
def test_a_workbook_given_as_the_inventory_an_import_adds_to_is_refused_as_a_table(runner: Any, tmp_path: Path,
                                                                                  lang: str, words: str) -> None:
    export = _workbook(tmp_path / "rvtools.xlsx", "vInfo", [["VM", "Powerstate", "Host"], ["web01", "poweredOn", "esx1"]])
    clients = _workbook(tmp_path / "clients.xlsx", "applications", [["id", "name"], ["a", "A"]])
    out = tmp_path / "inventory.yaml"
    result = runner.invoke(app, ["import", "rvtools", str(export), "--inventory", str(clients), "--lang", lang,
                                 "-o", str(out)])
    assert result.exit_code == 2
    said = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"{clients}: {words}" in said
    assert f"`bleu-assess import xlsx {clients} -o inventory.yaml`" in said
    assert "UTF-8" not in said
    assert not out.exists()


def test_a_csv_table_given_as_the_inventory_an_import_adds_to_is_refused_as_a_table(runner: Any,
                                                                                   tmp_path: Path) -> None:
    export = _workbook(tmp_path / "rvtools.xlsx", "vInfo", [["VM", "Powerstate", "Host"], ["web01", "poweredOn", "esx1"]])
    clients = tmp_path / "clients.csv"
    clients.write_text("Record Type 1,Application Name,Description\n1,Paie,Payroll\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "rvtools", str(export), "--inventory", str(clients), "--lang", "en",
                                 "-o", str(tmp_path / "inventory.yaml")])
    assert result.exit_code == 2
    assert f"{clients}: a CSV table, not an inventory (YAML or JSON); recognised format: konveyor" in result.output


# An export an importer or a preset recognises, given where a mapping is wanted (as the template,
# or to write a mapping from its headers), names the command that imports it without one.

@pytest.mark.parametrize("lang, words", [
    ("fr", "ce classeur n'est pas le modèle bleu-assess (bleu-assess export template) ; format reconnu : RVTools. "
           "Faites l'inventaire avec `bleu-assess import rvtools {book} -o inventory.yaml`"),
    ("en", "not the bleu-assess template workbook (bleu-assess export template); recognised format: RVTools. "
           "Make the inventory with `bleu-assess import rvtools {book} -o inventory.yaml`"),
])
def test_an_export_given_as_the_template_names_its_own_import(runner: Any, tmp_path: Path, lang: str,
                                                              words: str) -> None:
    book = _workbook(tmp_path / "export.xlsx", "vInfo", [["VM", "Powerstate"], ["web01", "poweredOn"]])
    out = tmp_path / "inventory.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(book), "--organisation", "CHU", "--lang", lang, "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"{book}: {words.format(book=book)}" in result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert "--suggest-mapping" not in result.output


def test_a_client_s_own_table_given_as_the_template_is_still_told_to_write_a_mapping(runner: Any,
                                                                                    tmp_path: Path) -> None:
    table = tmp_path / "parc.csv"
    table.write_text("Logiciel,Éditeur\nPaie,Acme\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(table), "--organisation", "CHU", "--lang", "en",
                                 "-o", str(tmp_path / "inventory.yaml")])
    assert result.exit_code == 2
    assert f"`bleu-assess import table {table} --suggest-mapping -o mapping.yaml`" in result.output


@pytest.mark.parametrize("lang, words", [
    ("fr", "format reconnu : konveyor, importé sans correspondance à écrire : "
           "`bleu-assess import table {table} --mapping konveyor -o inventory.yaml`"),
    ("en", "recognised format: konveyor, imported without a mapping to write: "
           "`bleu-assess import table {table} --mapping konveyor -o inventory.yaml`"),
])
def test_suggesting_a_mapping_for_a_recognised_export_names_its_own_import(runner: Any, tmp_path: Path, lang: str,
                                                                           words: str) -> None:
    table = tmp_path / "apps.csv"
    table.write_text("Record Type 1,Application Name,Description\n1,Paie,Payroll\n", encoding="utf-8")
    out = tmp_path / "mapping.yaml"
    result = runner.invoke(app, ["import", "table", str(table), "--suggest-mapping", "--lang", lang, "-o", str(out)])
    assert result.exit_code == 0, result.output
    said = words.format(table=table)
    # said on the terminal about the whole file, and in the mapping written (still written: asked for)
    assert f"{table}: {said}" in result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"# {said}" in out.read_text(encoding="utf-8").replace("\u202f", " ").replace("\xa0", " ")
