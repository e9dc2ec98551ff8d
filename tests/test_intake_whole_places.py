"""A note or an error about a whole sheet or a whole file names it alone: no row or cell is made
up for it (`Lisez-moi!1:1` read as a place in the sheet). One about a table's header is at its
header row, a CSV's line, with no column made up. The same in both languages, in the import
report and on the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import workbook

from bleu_assess.cli import app

MAPPING = """mapping: m
format: bleu-assess/v2
tables:
  - section: applications
    sheets: [Parc]
{header_row}    columns:
      Nom: name
"""


def _book(tmp_path: Path) -> Path:
    return workbook(tmp_path / "carto.xlsx", {"Parc": [["Nom"], ["DPI"]], "Notes": [["Une ligne par application."]]})


def _words(output: str) -> str:
    return output.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("lang, said", [("en", "carto.xlsx: Parc: no header row 9\n"),
                                        ("fr", "carto.xlsx: Parc: pas de ligne d'en-tête 9\n")])
def test_a_header_row_the_sheet_does_not_have_names_the_sheet_alone(runner: Any, tmp_path: Path, lang: str,
                                                                   said: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.format(header_row="    header_row: 9\n"), encoding="utf-8")
    out = tmp_path / "inventaire.yaml"
    result = runner.invoke(app, ["import", "table", str(_book(tmp_path)), "--mapping", str(mapping),
                                 "--organisation", "CHU", "--lang", lang, "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert said in _words(result.output)


@pytest.mark.parametrize("lang, said", [("en", "carto.xlsx: Notes | | no table of the mapping reads this sheet"),
                                        ("fr", "carto.xlsx: Notes | | aucune table de la correspondance ne lit")])
def test_a_sheet_left_out_is_named_alone_in_the_report(runner: Any, tmp_path: Path, lang: str, said: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.format(header_row=""), encoding="utf-8")
    report = tmp_path / "rapport.md"
    result = runner.invoke(app, ["import", "table", str(_book(tmp_path)), "--mapping", str(mapping), "--organisation",
                                 "CHU", "--lang", lang, "-o", str(tmp_path / "inventaire.yaml"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert said in _words(report.read_text(encoding="utf-8")).replace("|  |", "| |")


@pytest.mark.parametrize("text, said", [
    ("", "export.csv: empty file"),  # the whole file: no line
    ("name,owner\nx,y\n", "export.csv:1: not an AWS Application Discovery Service import template"),  # its header
])
def test_a_file_refused_whole_has_no_cell_made_up(runner: Any, tmp_path: Path, text: str, said: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    out = tmp_path / "inventaire.yaml"
    result = runner.invoke(app, ["import", "aws-ads", str(export), "--organisation", "CHU", "--lang", "en",
                                 "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert said in result.output and ":1:1" not in result.output
