"""A row becomes an item whose fields are in the format's order, whatever the order of the
columns, and whatever is added after them (a derived id, constants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bleu_assess.intake import mapping
from bleu_assess.intake.engine import import_tables


def _items(tmp_path: Path, text: str) -> list[dict[str, object]]:
    table = tmp_path / "applications.csv"
    table.write_text(text, encoding="utf-8")
    return import_tables([str(table)], mapping.load("template"), "Org").data["applications"]


@pytest.mark.parametrize("text", [
    "id,name,criticality,hosting.model,users,Cluster\napp-a,A,high,on-premises,3,c1\n",  # the format's order
    "Cluster,users,hosting.model,criticality,name,id\nc1,3,on-premises,high,A,app-a\n",  # the other way round
    "name,criticality,Cluster,id,users,hosting.model\nA,high,c1,app-a,3,on-premises\n",
])
def test_fields_are_in_the_formats_order_whatever_the_columns_order(tmp_path: Path, text: str) -> None:
    assert list(_items(tmp_path, text)[0]) == ["id", "name", "criticality", "hosting", "users", "extra"]


def test_an_id_made_from_the_name_comes_first_though_columns_are_in_order(tmp_path: Path) -> None:
    items = _items(tmp_path, "name,criticality,users\nDossier patient,high,3\nOrbis,low,4\n")
    assert [list(item) for item in items] == [["id", "name", "criticality", "users"]] * 2
    assert [item["id"] for item in items] == ["dossier-patient", "orbis"]


def test_a_csv_value_split_by_an_unquoted_delimiter_is_refused_at_its_line(tmp_path: Path) -> None:
    # `France; Etats-Unis` unquoted: its second half fell beyond the header and was dropped, the
    # provider read as hosting in France only (new-user trial). RFC 4180: quote such a value.
    from bleu_assess.errors import InventoryError

    table = tmp_path / "providers.csv"
    table.write_text("id;name;headquarters;regions\nmicrosoft;Microsoft;US;France; Etats-Unis\n"
                     "geo;GeoServices;FR;FR\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        import_tables([str(table)], mapping.load("template"), "Org")
    (problem,) = caught.value.diagnostics
    assert problem.line == 2 and "Etats-Unis" in problem.message and "regions" in problem.message
    quoted = tmp_path / "quoted" / "providers.csv"
    quoted.parent.mkdir()
    quoted.write_text('id;name;headquarters;regions\nmicrosoft;Microsoft;US;"France; Etats-Unis"\n'
                      "geo;GeoServices;FR;FR;\n", encoding="utf-8")  # an empty cell after the last: nothing lost
    providers = import_tables([str(quoted)], mapping.load("template"), "Org").data["providers"]
    assert providers[0]["regions"] == ["FR", "US"]


def test_a_workbook_cell_right_of_the_table_is_said_not_imported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "applications"
    sheet.append(["id", "name"])
    sheet.append(["app-a", "A", "à revoir avec la DSI"])
    path = tmp_path / "inventaire.xlsx"
    book.save(path)
    result = import_tables([str(path)], mapping.load("template"), "Org")
    assert result.data["applications"] == [{"id": "app-a", "name": "A"}]
    (said,) = [n for n in result.notes if n.code == "cell_beyond_header"]
    assert said.params["value"] == "à revoir avec la DSI" and (said.where.line, said.where.column) == (2, 3)
