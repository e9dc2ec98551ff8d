"""The fidelity probes of issue 14 (../shared/cases/fidelity/), each fault's right value as a test:
a recommended scope never reads as a duty, and a classified system run by a cleared contractor is
an accreditation matter, not a blocker."""

from __future__ import annotations

from pathlib import Path

import pytest

from bleu_assess import api

FIDELITY = Path("/work/shared/cases/fidelity")


def probe(name: str) -> Path:
    path = FIDELITY / name
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path


def test_a_recommended_scope_prefers_a_qualified_offer_but_never_says_must() -> None:
    result = api.scan(probe("probe-recommended-scope.yaml"))
    social = result.item("social")  # a Région's social-aid data (v1 `sensitive`)
    assert social.secnumcloud_scope == "recommended"
    # No qualified platform is declared: the EU platform is accepted, with a medium finding.
    assert (social.target, social.platform) == ("eu-cloud", "eu-host-iaas")
    assert {f.rule: f.severity for f in social.findings if f.severity != "info"} == {"SNC-REC-002": "medium"}
    for item in result.items:
        if item.secnumcloud_scope != "recommended":
            continue
        for finding in item.findings:
            if finding.dimension == "secnumcloud":
                assert finding.severity not in ("blocker", "high"), (item.id, finding.rule)
                assert " must " not in finding.message, (item.id, finding.message)
    scope = next(f for f in social.findings if f.rule == "SNC-SCOPE-004")
    assert scope.message.startswith("SecNumCloud recommended by DINUM")
    assert any("FAQ" in r for r in scope.references)


def test_a_classified_system_at_a_cleared_contractor_needs_accreditation_not_a_blocker() -> None:
    result = api.scan(probe("probe-state-colo-dr-classified.yaml"))
    cls = result.item("app-cls")
    assert cls.secnumcloud_scope == "excluded"
    assert cls.readiness == "ready-with-conditions"
    assert not [f for f in cls.findings if f.severity == "blocker"]
    accreditation = next(f for f in cls.findings if f.rule == "SNC-CLS-003")
    assert accreditation.severity == "high"
    assert "accreditation at level" in accreditation.message


def test_the_same_system_on_a_shared_offer_is_still_a_blocker(tmp_path: Path) -> None:
    text = probe("probe-state-colo-dr-classified.yaml").read_text(encoding="utf-8")
    shared = tmp_path / "shared.yaml"
    shared.write_text(text.replace("hosting: {model: private-cloud, provider: habilite}",
                                   "hosting: {model: iaas, provider: habilite}"), encoding="utf-8")
    cls = api.scan(shared).item("app-cls")
    assert cls.readiness == "not-ready"
    assert [f.rule for f in cls.findings if f.severity == "blocker"] == ["SNC-CLS-002"]


def test_a_finding_whose_basis_is_secondary_says_so(tmp_path: Path) -> None:
    """Circular 6519/SG was read in one law firm's summary only: its findings carry the rule's
    `uncertain` note into the results."""
    inventory = tmp_path / "ministry.yaml"
    inventory.write_text("""\
format: bleu-assess/v2
organisation: {name: Ministère, type: state-administration}
applications:
  - {id: medecine, name: Médecine de prévention, hosting: {model: on-premises}, datasets: [visites]}
datasets:
  - {id: visites, classification: health}
""", encoding="utf-8")
    finding = next(f for f in api.scan(inventory).item("medecine").findings if f.rule == "SNC-SCOPE-007")
    assert "6519/SG" in finding.to_dict()["uncertain"]
