"""`import table` reads a column's numeric dates in one order, decided from all its values as the
dependency imports decide it (intake/dates.py): a value whose first number is above 12 proves the
column day-first, one whose second number is month-first; a column of ambiguous values only
follows the order the table's other date columns agree on, else is read day-first (the French
default), said either way; a column proving both orders is refused at the cell of the later
proof, naming both, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import workbook

from bleu_assess import api
from bleu_assess.cli import app

HEADER = ["identifiant", "nom", "homologation - niveau", "homologation - prononcée le"]


def _book(tmp_path: Path, *dates: str) -> Path:
    """A template-shaped workbook: one application per date, its homologation granted on it."""
    rows = [["app-" + str(n), f"App {n}", "standard", date] for n, date in enumerate(dates, 1)]
    return workbook(tmp_path / "carto.xlsx", {"applications": [HEADER, *rows]})


def _import(runner: Any, path: Path, out: Path, lang: str = "en") -> Any:
    return runner.invoke(app, ["import", "table", str(path), "--mapping", "template", "--organisation", "CHU",
                               "--lang", lang, "-o", str(out)])


def _granted(runner: Any, tmp_path: Path, *dates: str) -> tuple[list[str], str]:
    out = tmp_path / "inventaire.yaml"
    result = _import(runner, _book(tmp_path, *dates), out)
    assert result.exit_code == 0, result.output
    api.load(out)  # the result validates
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    return [a["homologation"]["granted_on"] for a in data["applications"]], result.output


def test_a_month_first_column_is_read_month_first_throughout(runner: Any, tmp_path: Path) -> None:
    # 11/24/2026 proves the column American: 12/01/2026 (and 12-02-2026) are December, not January.
    granted, said = _granted(runner, tmp_path, "11/24/2026", "12/01/2026", "12-02-2026")
    assert granted == ["2026-11-24", "2026-12-01", "2026-12-02"]
    assert "read day-first" not in said


def test_a_day_first_column_is_read_day_first_throughout(runner: Any, tmp_path: Path) -> None:
    granted, said = _granted(runner, tmp_path, "01/12/2026", "24/11/2026", "02.12.2026")
    assert granted == ["2026-12-01", "2026-11-24", "2026-12-02"]
    assert "read day-first" not in said


def test_a_column_of_ambiguous_dates_is_read_day_first_and_said(runner: Any, tmp_path: Path) -> None:
    granted, said = _granted(runner, tmp_path, "05/02/2026", "06/02/2026")
    assert granted == ["2026-02-05", "2026-02-06"]
    assert "applications!D2: homologation.granted_on: dates such as '05/02/2026' read day-first" in said


@pytest.mark.parametrize("lang, words", [
    ("en", "applications!D3: homologation.granted_on: dates written day-first ('31/01/2026', row 2) and month-first "
           "('11/24/2026', row 3) in one column: write them all one way"),
    ("fr", "applications!D3: homologation.granted_on: dates écrites jour en premier (« 31/01/2026 », ligne 2) et mois "
           "en premier (« 11/24/2026 », ligne 3) dans une même colonne : les écrire toutes d'une seule façon"),
])
def test_a_column_proving_both_orders_is_refused_at_its_cell(runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    out = tmp_path / "inventaire.yaml"
    result = _import(runner, _book(tmp_path, "31/01/2026", "11/24/2026", "05/02/2026"), out, lang)
    assert result.exit_code == 2, result.output
    assert words in result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert "Traceback" not in result.output and not out.exists()
    # refused once, at the column: its other cells are not read one way or the other
    assert result.output.count("homologation.granted_on") == 1


def _homologations(runner: Any, tmp_path: Path, *rows: list[str]) -> tuple[list[dict[str, str]], str]:
    path = workbook(tmp_path / "carto.xlsx", {"applications": [[*HEADER, "homologation - valide jusqu'au"], *rows]})
    out = tmp_path / "inventaire.yaml"
    result = _import(runner, path, out)
    assert result.exit_code == 0, result.output
    return [a["homologation"] for a in yaml.safe_load(out.read_text(encoding="utf-8"))["applications"]], result.output


def test_a_column_of_ambiguous_dates_follows_the_order_another_date_column_proves(runner: Any, tmp_path: Path) -> None:
    # One American export: its validity dates hold no day above 12, its grant dates prove the order.
    read, said = _homologations(runner, tmp_path, ["a", "A", "standard", "11/24/2026", "12/01/2029"],
                                ["b", "B", "standard", "12/01/2026", "01/05/2030"])
    assert [(h["granted_on"], h["until"]) for h in read] == [("2026-11-24", "2029-12-01"), ("2026-12-01", "2030-01-05")]
    assert ("applications!E2: homologation.until: dates such as '12/01/2029' read month-first (month/day/year): none "
            "has a number above 12 to tell, and column 'homologation - prononcée le' of the table proves it "
            "('11/24/2026')") in said
    assert "read day-first" not in said


def test_each_column_proving_its_own_order_is_read_in_it(runner: Any, tmp_path: Path) -> None:
    # Two columns proving opposite orders: each read as it proves (nothing for a third to follow).
    read, said = _homologations(runner, tmp_path, ["a", "A", "standard", "11/24/2026", "24/11/2029"],
                                ["b", "B", "standard", "12/01/2026", "01/12/2029"])
    assert [(h["granted_on"], h["until"]) for h in read] == [("2026-11-24", "2029-11-24"), ("2026-12-01", "2029-12-01")]
    assert "dates such as" not in said


# A shorthand list cell (a qualification with its dates, docs/interop.md) holds dates too: they are
# read in the order of the cell's column, decided from all the dates its mappings write.
PROVIDERS = ["identifiant", "nom", "siège", "qualifications"]


def _providers_csv(tmp_path: Path, *cells: str) -> Path:
    """A template-shaped directory of CSV files: one provider per qualifications cell."""
    tables = tmp_path / "tables"
    tables.mkdir()
    rows = [",".join(PROVIDERS), *(f'p{n},P{n},FR,"{cell}"' for n, cell in enumerate(cells, 1))]
    (tables / "fournisseurs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tables


def _qualifications(runner: Any, tmp_path: Path, *cells: str) -> tuple[list[Any], str]:
    out = tmp_path / "inventaire.yaml"
    result = runner.invoke(app, ["import", "csv", str(_providers_csv(tmp_path, *cells)), "--organisation", "CHU",
                                 "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    api.load(out)
    return [p["qualifications"] for p in yaml.safe_load(out.read_text(encoding="utf-8"))["providers"]], result.output


def test_the_dates_of_a_shorthand_cell_follow_the_order_their_column_proves(runner: Any, tmp_path: Path) -> None:
    # `11/24/2026` in one provider's cell proves the column American: the other's `12/01/2024` is December.
    read, said = _qualifications(runner, tmp_path, "{id: hds, until: 11/24/2026}",
                                 "hds; {id: secnumcloud-3.2, since: 12/01/2024, until: 01/02/2027}")
    assert read == [[{"id": "hds", "until": "2026-11-24"}],
                    ["hds", {"id": "secnumcloud-3.2", "since": "2024-12-01", "until": "2027-01-02"}]]
    assert "dates such as" not in said


def test_the_ambiguous_dates_of_a_shorthand_column_are_read_day_first_and_said(runner: Any, tmp_path: Path) -> None:
    read, said = _qualifications(runner, tmp_path, "{id: hds, since: 05/02/2026}")
    assert read == [[{"id": "hds", "since": "2026-02-05"}]]
    assert "fournisseurs.csv:2: column qualifications: dates such as '05/02/2026' read day-first" in said


@pytest.mark.parametrize("cells, words", [
    (("{id: hds, until: 31/01/2026}", "{id: hds, until: 11/24/2026}"),
     "fournisseurs!D3: qualifications: dates written day-first ('31/01/2026', row 2) and month-first ('11/24/2026', "
     "row 3) in one column: write them all one way"),
    (("{id: hds, since: 31/31/2026}",), "fournisseurs!D2: qualifications: no such date '31/31/2026': there is no month 31"),
    (("{id: hds, until: 11/24/2026}", "{id: hds, until: 02/30/2027}"),
     "fournisseurs!D3: qualifications: no such date '02/30/2027': February 2027 has 28 days"),
])
def test_a_shorthand_cell_s_contradictory_or_impossible_date_is_refused_at_its_cell(
        runner: Any, tmp_path: Path, cells: tuple[str, ...], words: str) -> None:
    rows = [[f"p{n}", f"P{n}", "FR", cell] for n, cell in enumerate(cells, 1)]
    path = workbook(tmp_path / "carto.xlsx", {"fournisseurs": [PROVIDERS, *rows]})
    out = tmp_path / "inventaire.yaml"
    result = _import(runner, path, out)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output and not out.exists()
