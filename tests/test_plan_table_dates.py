"""A dated plan in the terminal (`plan --start … -f table`) says when: the roadmap's line
(period, capacity, what is skipped) and each wave's first and last working day, as the Markdown
plan does; an undated plan shows no dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bleu_assess.cli import app

INVENTORY = """\
format: bleu-assess/v2
organisation: {name: Mairie, country: FR, type: local-authority}
providers:
  - {id: nuage, name: Nuage, headquarters: FR, regions: [FR]}
platforms:
  - {id: iaas, provider: nuage, models: [iaas]}
applications:
  - {id: annuaire, name: Annuaire, hosting: {model: on-premises}, datasets: [comptes], effort: 10}
  - {id: intranet, name: Intranet, hosting: {model: on-premises}, datasets: [pages], effort: 10,
     depends_on: [annuaire]}
datasets:
  - {id: comptes, name: Comptes, classification: internal}
  - {id: pages, name: Pages, classification: internal}
"""


def test_a_dated_plan_table_gives_each_wave_its_dates(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "mairie.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    out = tmp_path / "plan.txt"
    result = runner.invoke(app, ["plan", str(inventory), "--start", "2027-05-03", "--capacity", "10",
                                 "--freeze", "2027-05-17:2027-05-21", "-f", "table", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(out.read_text(encoding="utf-8").split())
    # 10 person-days at 10 a week: five working days each. Ascension (6 May 2027) and the weekend
    # are skipped, and so is the freeze, which holds Whit Monday (17 May).
    assert "Du 3 mai 2027 au 24 mai 2027, à 10 jours-homme par semaine" in text
    assert "Vague 1 — pilote — du 3 mai 2027 au 10 mai 2027" in text
    assert "Vague 2 — du 11 mai 2027 au 24 mai 2027" in text
    undated = tmp_path / "undated.txt"
    assert runner.invoke(app, ["plan", str(inventory), "-f", "table", "-o", str(undated)]).exit_code == 0
    assert "2027" not in undated.read_text(encoding="utf-8")
