"""An imported inventory whose organisation gives no type (a client's table rarely says « we
are a hospital ») says so under « À compléter »: the rules proper to a ministry, a State
operator or a health establishment depend on it; one that gives it is not asked again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.mark.parametrize("organisation, asked", [
    ("name\nCHU de Rivebelle\n", True),
    ("name;type\nCHU de Rivebelle;health-establishment\n", False),
])
def test_the_organisation_type_is_to_fill_when_the_source_gives_none(
        runner: Any, tmp_path: Path, organisation: str, asked: bool) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "organisation.csv").write_text(organisation, encoding="utf-8")
    (tables / "applications.csv").write_text("id;name;hosting.model\ndpi;DPI;on-premises\n", encoding="utf-8")
    report = tmp_path / "rapport.md"
    result = runner.invoke(app, ["import", "csv", str(tables), "-o", str(tmp_path / "i.yaml"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8").replace("\u202f", " ").replace("\xa0", " ")
    to_fill = text[text.index("## À compléter"):]
    assert ("l'organisation ne déclare pas son type (organisation.type : state-administration, state-operator, "
            "local-authority, health-establishment, private-company)" in to_fill) is asked
