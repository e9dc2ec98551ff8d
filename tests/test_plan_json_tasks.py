"""The JSON plan gives each wave its checklist, as the Markdown and the CSV do: for a ticket
tracker, one task per finding to clear before the wave (high, medium or low), with the
application, the rule, its severity, title and remediation in the plan's language."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from bleu_assess.cli import app

INVENTORY = """\
format: bleu-assess/v2
organisation: {name: Mairie, country: FR, type: local-authority}
providers:
  - {id: nuage, name: Nuage, headquarters: FR, regions: [FR]}
  - {id: ancien, name: Ancien hébergeur, headquarters: FR, regions: [FR], support_regions: [US]}
platforms:
  - {id: iaas, provider: nuage, models: [iaas]}
applications:
  - {id: annuaire, name: Annuaire, hosting: {model: iaas, provider: ancien}, datasets: [comptes], effort: 10}
  - {id: intranet, name: Intranet, hosting: {model: on-premises}, datasets: [pages], effort: 10,
     depends_on: [annuaire]}
datasets:
  - {id: comptes, name: Comptes, classification: personal}
  - {id: pages, name: Pages, classification: internal}
"""


def test_each_wave_of_the_json_plan_lists_its_tasks(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "mairie.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    outputs = {fmt: tmp_path / f"plan.{fmt}" for fmt in ("json", "csv")}
    for fmt, out in outputs.items():
        result = runner.invoke(app, ["plan", str(inventory), "-f", fmt, "-o", str(out), "--csv-dialect", "rfc4180"])
        assert result.exit_code == 0, result.output
    waves = json.loads(outputs["json"].read_text(encoding="utf-8"))["waves"]
    # The annuaire's support works from the US today (EXT-SUP-001, medium): a task of its wave.
    first = next(w for w in waves if "annuaire" in w["applications"])
    assert [(task["app"], task["rule"], task["severity"]) for task in first["tasks"]] == [
        ("annuaire", "EXT-SUP-001", "medium")]
    assert first["tasks"][0]["title"] == "Personnel de support hors de l'EEE"
    # The same tasks as the CSV's, application by application.
    rows = list(csv.reader(io.StringIO(outputs["csv"].read_text(encoding="utf-8"))))
    tasks_column = rows[0].index("tâches")
    from_csv = {row[0]: row[tasks_column].splitlines() for row in rows[1:] if row[0] in first["applications"]}
    from_json = {a: [f"{t['rule']}: {t['remediation']}" for t in first["tasks"] if t["app"] == a]
                 for a in first["applications"]}
    assert from_json == from_csv
    assert all("tasks" in wave for wave in waves)
