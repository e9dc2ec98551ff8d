"""--suggest-mapping proposes only the sheets that list items: a sheet whose header row names no
field of any section (the template's « Lisez-moi » / « Read me », a client's instructions) is not
proposed as a table — it is said, in the mapping and at the sheet, named alone (no cell: the
note is about the whole sheet) — while the real sections are
all found. A lone table whose headers match nothing is still proposed, as applications, for its
columns to be placed by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import workbook

from bleu_assess.cli import app
from bleu_assess.intake.columns import SHEETS, sheet_title


@pytest.mark.parametrize("lang, readme, said", [
    ("fr", "Lisez-moi", "Lisez-moi: feuille non proposée comme table : aucun en-tête n'y nomme un champ d'une section"),
    ("en", "Read me", "Read me: sheet not proposed as a table: no header names a field of any section"),
])
def test_the_template_s_instructions_sheet_is_not_proposed_its_sections_are(
        runner: Any, tmp_path: Path, lang: str, readme: str, said: str) -> None:
    template = tmp_path / "modele.xlsx"
    assert runner.invoke(app, ["export", "template", "-o", str(template), "--lang", lang]).exit_code == 0
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["import", "table", str(template), "--suggest-mapping", "-o", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    tables = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"]
    assert [(t["section"], t["sheets"]) for t in tables] == [(s, [sheet_title(s, lang)]) for s in SHEETS]
    assert readme not in [name for t in tables for name in t["sheets"]]
    assert said in result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert readme in out.read_text(encoding="utf-8")  # the mapping says which sheet it left out, in a comment


def test_a_lone_table_whose_headers_match_nothing_is_still_proposed(runner: Any, tmp_path: Path) -> None:
    table = tmp_path / "export.csv"
    table.write_text("Zorglub;Plouf\n1;2\n", encoding="utf-8")
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["import", "table", str(table), "--suggest-mapping", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    tables = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"]
    assert [(t["section"], t["sheets"]) for t in tables] == [("applications", ["export"])]
    assert "not proposed" not in result.output


def test_a_sheet_of_free_text_beside_a_table_is_left_out(runner: Any, tmp_path: Path) -> None:
    book = workbook(tmp_path / "carto.xlsx", {
        "Consignes": [["Remplir une ligne par application."], [], ["Contact : DSI, poste 1234."]],
        "Parc": [["Nom", "Criticité", "Hébergement"], ["DPI", "Vitale", "Sur site"]],
    })
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["import", "table", str(book), "--suggest-mapping", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    tables = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"]
    assert [(t["section"], t["sheets"]) for t in tables] == [("applications", ["Parc"])]
    assert "Consignes: sheet not proposed as a table" in result.output
