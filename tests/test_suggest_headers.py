"""--suggest-mapping places a header on a field only when it says that field: a header naming a
field of another section (`Données personnelles`, a dataset's personal data, in a table of
applications) or lacking a synonym's qualifier (`Éditeur`, the software's vendor, is not
`éditeur SaaS`, its host; `Sensibilité`, of data, is not `sensibilité métier`, a criticality)
is left unplaced (kept under extra) rather than given a wrong field with a full score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess.cli import app


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def test_a_header_is_placed_only_on_the_field_it_names(runner: Any, tmp_path: Path) -> None:
    table = tmp_path / "applications.csv"
    table.write_text("Nom appli;Éditeur;Hébergeur;Sensibilité;Criticité métier;Données personnelles;"
                     "Dépendances applicatives\nDPI;Dedalus;HDS Lyon;Élevée;Haute;Oui;Annuaire\n", encoding="utf-8")
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["import", "table", str(table), "--suggest-mapping", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    columns = yaml.safe_load(out.read_text(encoding="utf-8"))["tables"][0]["columns"]
    assert columns == {"Nom appli": "name", "Hébergeur": "hosting.provider", "Criticité métier": "criticality",
                       "Dépendances applicatives": "depends_on"}
    for header in ("Éditeur", "Sensibilité", "Données personnelles"):
        assert f"column '{header}' not placed" in result.output
