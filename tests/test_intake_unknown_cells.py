"""Cells that say the value is not known (`?`, `N/C`, `à déterminer`, `—`…) are read as not
declared in every field column of a table import, without a mapping: the field stays absent
(the rules then say unknown), never a guess, and the report counts them per column. A mapping's
own `values:` come first; a word that is a code of its field (`NC`, New Caledonia, in a country
column) is read as that code, and the report says it could have meant "not known"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app
from bleu_assess.intake import mapping
from bleu_assess.intake.engine import import_tables

# One word per row, in a column of each kind of field: free text, a closed list of codes, a
# number, a country, a list of ids; and for datasets a boolean and a classification.
APPLICATIONS = "id,name,owner,criticality,users,hosting.model,hosting.region,depends_on\n"
DATASETS = "id,name,classification,personal_data,location\n"
WORDS = ["?", "NC", "N/C", "N/A", "NA", "inconnu", "à déterminer", "TBD", "-", "—", " Inconnue ", "n.c.", "À DÉTERMINER"]


def _import(tmp_path: Path, applications: str, datasets: str | None = None, using: str = "template") -> Any:
    files = [tmp_path / "applications.csv"]
    files[0].write_text(applications, encoding="utf-8")
    if datasets is not None:
        files.append(tmp_path / "datasets.csv")
        files[1].write_text(datasets, encoding="utf-8")
    return import_tables([str(f) for f in files], mapping.load(using), "CHU")


def _notes(imported: Any, code: str) -> dict[str, tuple[int, str]]:
    """Column -> (count, words) of the report's notes of `code`, one per column."""
    found = [n for n in imported.notes if n.code == code]
    by_field = {dict(n.where.params)["csv_column"]: (n.params["count"], n.params["words"]) for n in found}
    assert len(by_field) == len(found)  # one note per column
    return by_field


@pytest.mark.parametrize("word", WORDS)
def test_a_cell_saying_the_value_is_not_known_leaves_every_kind_of_field_undeclared(tmp_path: Path, word: str) -> None:
    cells = f'"{word}"'
    imported = _import(tmp_path, APPLICATIONS + f"dpi,DPI,{cells},{cells},{cells},{cells},,{cells}\n",
                       DATASETS + f"dossiers,Dossiers,{cells},{cells},{cells}\n")
    assert imported.data["applications"] == [{"id": "dpi", "name": "DPI"}]
    # NC and NA are also country codes (New Caledonia, Namibia): a country column reads them so.
    country = {"location": word.strip()} if word.strip() in ("NC", "NA") else {}
    assert imported.data["datasets"] == [{"id": "dossiers", "name": "Dossiers", **country}]


def test_the_report_counts_them_per_column_with_the_words_used(tmp_path: Path) -> None:
    imported = _import(tmp_path, APPLICATIONS
                       + "dpi,DPI,?,haute,N/A,on-premises,FR,\n"
                       + "rh,RH,N/C,TBD,-,on-premises,FR,?\n"
                       + "paie,Paie,DSI,?,1200,on-premises,FR,rh\n"
                       + "web,Site,à déterminer,—,NA,on-premises,FR,-\n")
    apps = {a["id"]: a for a in imported.data["applications"]}
    assert "owner" not in apps["dpi"] and apps["paie"]["owner"] == "DSI" and apps["dpi"]["criticality"] == "high"
    assert "users" not in apps["web"] and apps["paie"]["users"] == 1200 and apps["paie"]["depends_on"] == ["rh"]
    assert _notes(imported, "unknown_cells") == {
        "owner": (3, "?, N/C, à déterminer"), "criticality": (3, "TBD, ?, —"), "users": (3, "N/A, -, NA"),
        "depends_on": (2, "?, -")}


def test_a_word_that_is_a_code_of_its_field_is_that_code_and_said_ambiguous(tmp_path: Path) -> None:
    imported = _import(tmp_path, APPLICATIONS + "dpi,DPI,NC,NC,NC,on-premises,NC,\n"
                                               "rh,RH,,,,on-premises,N/C,\n")
    dpi, rh = imported.data["applications"]
    assert dpi["hosting"] == {"model": "on-premises", "region": "NC"}  # New Caledonia: a country code first
    assert rh["hosting"] == {"model": "on-premises"}  # N/C is no country code: not known
    assert _notes(imported, "unknown_code") == {"hosting.region": (1, "NC")}
    assert _notes(imported, "unknown_cells") == {"owner": (1, "NC"), "criticality": (1, "NC"), "users": (1, "NC"),
                                                 "hosting.region": (1, "N/C")}


def test_a_mapping_s_own_translation_of_the_word_comes_first(tmp_path: Path) -> None:
    own = tmp_path / "correspondance.yaml"
    own.write_text("mapping: carto\nformat: bleu-assess-mapping/v1\ntables:\n  - section: applications\n"
                   "    by_field_name: true\n    fallback: true\n    values: {criticality: {NC: low, TBD: null}}\n",
                   encoding="utf-8")
    imported = _import(tmp_path, APPLICATIONS + "dpi,DPI,NC,NC,,on-premises,,\nrh,RH,,TBD,,on-premises,,\n",
                       using=str(own))
    dpi, rh = imported.data["applications"]
    assert dpi["criticality"] == "low" and "owner" not in dpi and "criticality" not in rh
    assert _notes(imported, "unknown_cells") == {"owner": (1, "NC")}
    assert [n.params["text"] for n in imported.notes if n.code == "means_unknown"] == ["TBD"]


def test_extra_columns_keep_what_the_cell_says(tmp_path: Path) -> None:
    imported = _import(tmp_path, "id,name,Commentaire\ndpi,DPI,?\n")
    assert imported.data["applications"] == [{"id": "dpi", "name": "DPI", "extra": {"Commentaire": "?"}}]


def test_the_import_report_says_it_in_the_reader_s_language(runner: Any, tmp_path: Path) -> None:
    source = tmp_path / "applications.csv"
    source.write_text(APPLICATIONS + "dpi,DPI,?,N/C,,on-premises,,\nrh,RH,inconnu,haute,,on-premises,,\n",
                      encoding="utf-8")
    out, report = tmp_path / "inventaire.yaml", tmp_path / "rapport.md"
    result = runner.invoke(app, ["import", "csv", str(source), "--organisation", "CHU", "-o", str(out),
                                 "--report", str(report), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8").replace("\u00a0", " ")  # French spaces before colons
    assert "## Laissés inconnus (2)" in text
    assert ("applications.csv:1 | colonne owner | 2 cellules disent la valeur inconnue (?, inconnu) : lues comme "
            "non renseignées (l'évaluation dit inconnu tant qu'elles ne le sont pas) |") in text
    assert "| colonne criticality | 1 cellule dit la valeur inconnue (N/C) : lue comme non renseignée" in text


def test_a_suggested_mapping_asks_no_translation_of_them(runner: Any, tmp_path: Path) -> None:
    source = tmp_path / "applications.csv"
    source.write_text("Nom appli;Criticité\nDPI;P1\nRH;?\nPaie;N/C\nWeb;à déterminer\n", encoding="utf-8")
    out = tmp_path / "correspondance.yaml"
    result = runner.invoke(app, ["import", "table", str(source), "--suggest-mapping", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    import yaml

    assert yaml.safe_load(out.read_text(encoding="utf-8"))["tables"][0]["values"] == {"criticality": {"P1": "?"}}


def test_a_field_whose_code_says_unknown_reads_it_as_its_code_without_a_word(tmp_path: Path) -> None:
    imported = _import(tmp_path, APPLICATIONS + "dpi,DPI,,,,on-premises,,\n",
                       DATASETS.replace("\n", ",particular_sensitivity\n") + "dossiers,Dossiers,,,,unknown\n"
                                                                             "rh,RH,,,,Inconnu\n")
    dossiers, rh = imported.data["datasets"]
    assert dossiers["particular_sensitivity"] == "unknown" and "particular_sensitivity" not in rh
    assert _notes(imported, "unknown_code") == {} and _notes(imported, "unknown_cells") == {
        "particular_sensitivity": (1, "Inconnu")}
