"""`explain` given the short name of an application (`dpi` for `dpi-orbis`, as people say it)
suggests the applications whose id holds that word, not difflib's closest string."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

INVENTORY = """\
format: bleu-assess/v2
organisation: {name: CHU, country: FR, type: health-establishment}
applications:
  - {id: dpi-orbis, name: DPI Orbis, hosting: {model: on-premises}, datasets: [dpi-orbis-donnees]}
  - {id: gestion-des-lits, name: Gestion des lits, hosting: {model: on-premises}, datasets: [lits]}
  - {id: gestion-des-temps, name: Gestion des temps, hosting: {model: on-premises}, datasets: [temps]}
  - {id: restauration, name: Restauration, hosting: {model: on-premises}, datasets: [menus]}
datasets:
  - {id: dpi-orbis-donnees, name: Dossiers, classification: health}
  - {id: lits, name: Lits, classification: internal}
  - {id: temps, name: Temps, classification: personal}
  - {id: menus, name: Menus, classification: internal}
"""


@pytest.mark.parametrize("item, hint", [
    ("dpi", " (vouliez-vous dire « dpi-orbis » ?)"),
    ("gestion", " (vouliez-vous dire l'une de celles-ci : gestion-des-lits, gestion-des-temps ?)"),
    ("restoration", " (vouliez-vous dire « restauration » ?)"),
])
def test_an_unknown_item_suggests_the_applications_it_may_mean(runner: Any, tmp_path: Path, item: str,
                                                                hint: str) -> None:
    inventory = tmp_path / "chu.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["explain", str(inventory), item])
    assert result.exit_code == 2
    said = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert f"aucune application ni aucun jeu de données « {item} » dans {inventory}{hint}" in said
