"""Diffusion Restreinte and accreditation (II 901 art. 13: every DR system is accredited before
it is put into service; secnumcloud@2.2): an accreditation below DR or expired blocks the move,
one the inventory does not declare leaves readiness unknown, never « ready with conditions »."""

from __future__ import annotations

from typing import Any

import pytest

from bleu_assess import api


def security_app(homologation: dict[str, Any] | None) -> dict[str, Any]:
    app: dict[str, Any] = {"id": "dr-app", "name": "Application DR", "datasets": ["plans"], "network_class": 1,
                           "approved_encryption": True,
                           "hosting": {"model": "iaas", "provider": "fr-host"}}
    if homologation is not None:
        app["homologation"] = homologation
    return {
        "format": "bleu-assess/v2",
        "organisation": {"name": "Ministère", "type": "state-administration"},
        "providers": [{"id": "fr-host", "kind": "commercial", "headquarters": "FR", "regions": ["FR"],
                       "qualifications": ["secnumcloud-3.2"]}],
        "applications": [app],
        "datasets": [{"id": "plans", "classification": "restricted"}],
    }


def findings(result: Any) -> dict[str, str]:
    return {rule: f.severity for f in result.item("dr-app").findings for rule in f.rule_ids}


@pytest.mark.parametrize(("homologation", "rule", "severity", "readiness"), [
    (None, "SNC-DR-HOM-002", "high", "unknown"),
    ({"level": "standard", "granted_on": "2025-01-15"}, "SNC-DR-HOM-001", "blocker", "not-ready"),
    ({"level": "dr", "granted_on": "2022-01-15", "until": "2025-01-15"}, "SNC-DR-HOM-001", "blocker", "not-ready"),
])
def test_a_dr_system_without_a_valid_dr_accreditation_cannot_be_ready(
        write_inventory: Any, homologation: dict[str, Any] | None, rule: str, severity: str, readiness: str) -> None:
    result = api.scan(write_inventory(security_app(homologation)), as_of="2026-12-02")
    found = findings(result)
    assert found.get(rule) == severity, found
    assert result.item("dr-app").readiness == readiness
    assert {"SNC-DR-HOM-001", "SNC-DR-HOM-002"} & found.keys() == {rule}, "one of the two, never both"


def test_a_valid_dr_accreditation_raises_neither(write_inventory: Any) -> None:
    inventory = security_app({"level": "dr", "granted_on": "2025-01-15", "until": "2028-01-15"})
    result = api.scan(write_inventory(inventory), as_of="2026-12-02")
    assert not {"SNC-DR-HOM-001", "SNC-DR-HOM-002"} & findings(result).keys()
