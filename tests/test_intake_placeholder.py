"""A mapping from --suggest-mapping translates the values it cannot place to « ? », to be
replaced: importing it before they are names the cell's own value, says that the mapping's
« ? » is what remains to replace, and with what (an allowed value, or null for unknown), in the
command's language; nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.mark.parametrize("lang, words", [
    ("fr", "t.csv:3: colonne Hébergement: hosting.model: « HDS externalisé » est encore traduit par « ? » dans la "
           "correspondance : remplacer ce « ? » par l'une des valeurs admises (on-premises, private-cloud, iaas, caas, "
           "paas, saas), ou par null (inconnu)"),
    ("en", "t.csv:3: column Hébergement: hosting.model: 'HDS externalisé' is still translated as '?' in the mapping: "
           "replace that '?' with one of the allowed values (on-premises, private-cloud, iaas, caas, paas, saas), "
           "or with null (unknown)"),
])
def test_a_suggested_placeholder_left_in_the_mapping_names_the_cell_value(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text("Nom;Hébergement\nDPI;Sur site\nPACS;HDS externalisé\n", encoding="utf-8")
    suggested = runner.invoke(app, ["import", "table", "t.csv", "--suggest-mapping", "-o", "m.yaml", "--lang", lang])
    assert suggested.exit_code == 0, suggested.output
    assert 'HDS externalisé: "?"' in Path("m.yaml").read_text(encoding="utf-8")
    result = runner.invoke(app, ["import", "table", "t.csv", "--mapping", "m.yaml", "-o", "i.yaml",
                                 "--organisation", "CHU", "--lang", lang])
    assert result.exit_code == 2
    said = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert words in said and "« ? » (" not in said and "'?' (" not in said
    assert not Path("i.yaml").exists()
