"""A derogation in force keeps its findings visible ("derogated until DATE") but stops them
weighing on readiness; once expired they count again, with SNC-DER-001 saying so."""

from __future__ import annotations

from typing import Any

from bleu_assess.cli import app

INVENTORY = """\
format: bleu-assess/v2
organisation: {name: Ministère, type: state-administration}
providers:
  - {id: us-cloud, headquarters: US, regions: [FR]}
applications:
  - {id: messagerie, name: Messagerie, hosting: {model: saas, provider: us-cloud}, datasets: [courriels]}
datasets:
  - {id: courriels, classification: internal, particular_sensitivity: "yes"}
derogations:
  - id: pm-2025-01
    rules: [SNC-HOST-001, SNC-PLT-001, EXT-JUR-001, EXT-SUP-001, EXT-LAW-001]
    applications: [messagerie]
    basis: circ-6404-r9
    reference: Décision n° 2025-17
    granted_by: Premier ministre
    until: 2027-06-30
"""



def test_a_derogation_in_force_then_expired(write_inventory: Any) -> None:
    from bleu_assess import api

    path = write_inventory(INVENTORY)
    inventory = api.load(path).inventory
    before = api.assess(inventory, as_of="2026-11-30").item("messagerie")
    host = next(f for f in before.findings if f.rule == "SNC-HOST-001")
    assert host.derogation == {"id": "pm-2025-01", "basis": "circ-6404-r9", "until": "2027-06-30",
                               "reference": "Décision n° 2025-17", "granted_by": "Premier ministre"}
    assert host.to_dict()["derogation"]["until"] == "2027-06-30"
    assert not [f for f in before.findings if f.rule == "SNC-DER-001"]
    assert before.readiness == "ready"  # its two high findings are derogated
    after = api.assess(inventory, as_of="2027-07-01").item("messagerie")
    assert [f.rule for f in after.findings if f.severity == "high"] == ["SNC-DER-001", "SNC-HOST-001", "SNC-PLT-001"]
    assert "pm-2025-01" in after.findings[0].message
    assert all(f.derogation is None for f in after.findings)
    assert after.readiness == "ready-with-conditions"


def test_explain_shows_derogated_until(runner: Any, write_inventory: Any) -> None:
    result = runner.invoke(app, ["explain", str(write_inventory(INVENTORY)), "messagerie", "--lang", "en"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "SNC-HOST-001 · derogated until 30 June 2027 (pm-2025-01)" in result.stdout


def test_the_json_assembled_in_parts_keeps_derogations_and_uncertain_notes(write_inventory: Any) -> None:
    from bleu_assess import api
    from bleu_assess.assess.results import to_json
    from bleu_assess.render.scan import json_text

    result = api.assess(api.load(write_inventory(INVENTORY)).inventory, as_of="2026-11-30")
    assert any(f.derogation for i in result.items for f in i.findings)
    assert bytes(json_text(result)) == to_json(result.to_dict()).encode("utf-8")
