"""An auditor's reading of a realistic hospital-group inventory (tests/data/domains/ght-exemple.yaml):
the verdicts a qualified reviewer expects, each argued from the inventory and the texts, not
copied from an output. Dated: the catalogue's facts are judged on 1 December 2026."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api

GHT = Path(__file__).parent / "data" / "domains" / "ght-exemple.yaml"
DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def ght() -> Any:
    inventory = api.load(GHT, as_of=DAY).inventory
    return api.scan(inventory, lang="en", as_of=DAY.isoformat())


def _rules(item: Any, *severities: str) -> set[str]:
    return {r for f in item.findings if not severities or f.severity in severities for r in f.rules or (f.rule,)}


def test_the_patient_record_mailed_to_a_host_without_hds_blocks_the_dpi(ght: Any) -> None:
    # The DPI stays on the GHT's own datacentre (a public body's shared service, exempt as a GHT
    # host), but it sends the patient record to the warehouse on Azure (HDS declared) and, by
    # e-mail, to Microsoft 365, for which the catalogue declares no HDS: CSP L.1111-8 makes the
    # second a blocker, whichever recipient comes first.
    dpi = ght.item("dpi")
    assert "EXT-FLOW-001" in _rules(dpi, "blocker") and dpi.readiness == "not-ready"
    assert "HDS-EXM-001" in _rules(dpi)  # the GHT exemption is named, with its ANS conditions
    mail = ght.item("messagerie")
    assert {"HDS-HOST-001", "EXT-FLOW-004"} <= _rules(mail, "blocker")


def test_health_data_stored_in_the_us_is_a_blocker_and_never_required_scope_for_a_hospital(ght: Any) -> None:
    # The tele-expertise SaaS is US-controlled and stores in the US (regions [US, FR]): HDS EXI 28
    # wants storage in the EEA. The establishment is public but not declared under the State's
    # supervision: SecNumCloud is recommended for its health data, never required.
    tele = ght.item("teleexpertise")
    assert "RES-HDS-001" in _rules(tele, "blocker")
    assert tele.residency == "non-compliant" and tele.exposure.level == "critical"
    assert {i.secnumcloud_scope for i in ght.items if i.kind == "application"} <= {"recommended", "not-required"}
    assert tele.secnumcloud_scope == "recommended"


def test_a_lab_without_hds_certificate_is_blocked_and_no_more_exposed_than_the_sil_it_shares_with(ght: Any) -> None:
    # The partner lab's portal holds the SIL's results without any HDS certificate: a blocker.
    # Its exposure comes only from the SIL, exposed through its host's Moroccan helpdesk (a
    # subprocessor): it cannot be more exposed than the SIL itself.
    lab, sil = ght.item("labo-externe"), ght.item("sil")
    assert "HDS-HOST-001" in _rules(lab, "blocker")
    assert "SNC-UNK-003" in _rules(lab)  # its provider's kind is not declared
    assert 0 < lab.exposure.score <= sil.exposure.score
    assert "RES-GDPR-004" in _rules(sil, "high")  # health data reached from Morocco, no transfer basis


def test_what_the_client_left_out_is_unknown_never_green(ght: Any) -> None:
    # gmao declares no hosting; the quality tool's dataset has no classification; the old web
    # site's host declares neither headquarters nor regions.
    gmao, quality, web = ght.item("gmao"), ght.item("qualite"), ght.item("site-web")
    assert gmao.readiness == quality.readiness == web.readiness == "unknown"
    assert "GOV-UNK-001" in gmao.unknown_reasons and "exposure" in gmao.undecided
    assert "SNC-UNK-002" in quality.unknown_reasons and "secnumcloud_scope" in quality.undecided
    assert "EXT-UNK-001" in web.unknown_reasons and "exposure" in web.undecided
    assert all(i.readiness != "ready" for i in ght.items if i.unknown_reasons)


def test_occupational_health_files_are_not_in_secnumcloud_scope_by_themselves(ght: Any) -> None:
    # Staff occupational-health records are special-category data (GDPR art. 9), not care
    # data: DINUM's FAQ says art. 9 data alone do not make particular sensitivity.
    files = ght.item("sante-travail")
    assert files.secnumcloud_scope == "not-required" and "SNC-SCOPE-005" in _rules(files)


def test_the_pilot_does_not_claim_that_the_pmsi_has_no_dependency(ght: Any) -> None:
    # PMSI depends on the retained DPI: it may start the plan, but not « with no dependencies ».
    from bleu_assess.render import words

    ig = api.graph(api.load(GHT, as_of=DAY).inventory)
    planned = words.plan(api.plan(ght, ig))
    assert "dpi" in {s.id for s in planned.staying}
    reason = next(p.reason for w in planned.waves for p in w.placements if p.id == "pmsi")
    assert reason.startswith("pilot:") and "no dependencies" not in reason
