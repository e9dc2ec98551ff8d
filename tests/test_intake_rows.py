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
