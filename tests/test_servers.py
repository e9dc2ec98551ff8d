"""The optional `servers:` section: validated like the rest (located errors, references, IP
addresses), published in the JSON Schema, and used by the analysis (hosting derived from the
servers when they agree, out-of-support operating systems as a fact rules test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.errors import InventoryError
from bleu_assess.inventory.load import load_inventory

HEAD = "format: bleu-assess/v1\norganisation:\n  name: Test\n"
PROVIDERS = "providers:\n  - id: azure\n    headquarters: US\n    regions: [FR]\n"
APPS = ("applications:\n  - id: dpi\n    name: DPI\n    strategy: rehost\n"
        "  - id: paie\n    name: Paie\n    hosting: {model: on-premises}\n")


def errors_of(path: Path) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    return [d.format() for d in caught.value.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("servers, expected", [
    ("  - id: srv-1\n    ip_addresses: [10.0.0.300]\n",
     ":13:20: servers[0].ip_addresses[0]: invalid IP address '10.0.0.300'"),
    ("  - id: srv-1\n    applications: [dpii]\n",
     ":13:20: servers[0].applications[0]: unknown application 'dpii' (did you mean 'dpi'?)"),
    ("  - id: srv-1\n    os_support: eol\n", ":13:17: servers[0].os_support: unknown value 'eol'"),
    ("  - id: srv-1\n  - id: srv-1\n", ":13:9: servers[1].id: duplicate server id 'srv-1'"),
    ("  - id: srv-1\n    hosting: {model: iaas}\n",
     ":13:14: servers[0].hosting: missing required field 'provider' (required when the model is iaas, unless 'platform' names the offer)"),
    ("  - id: srv-1\n    hostnme: x\n", ":13:5: servers[0].hostnme: unknown field 'hostnme' (did you mean 'hostname'?)"),
])
def test_server_errors_are_located(write_inventory: Any, servers: str, expected: str) -> None:
    path = write_inventory(HEAD + APPS + "servers:\n" + servers)
    assert any(expected in e for e in errors_of(path)), errors_of(path)


def test_hosting_is_derived_from_servers_that_agree(write_inventory: Any) -> None:
    path = write_inventory(HEAD + PROVIDERS + APPS + "servers:\n"
                           "  - id: srv-dpi-1\n    hosting: {model: iaas, provider: azure}\n    applications: [dpi]\n"
                           "  - id: srv-dpi-2\n    ip_addresses: ['10.0.0.2', 'fe80::1']\n"
                           "    hosting: {model: iaas, provider: azure}\n    applications: [dpi]\n")
    inventory = load_inventory(path).inventory
    dpi = inventory.applications_by_id["dpi"]
    assert dpi.hosting is not None and dpi.hosting.provider == "azure" and inventory.hosting_from_servers == {"dpi"}
    from bleu_assess.assess.analysis import Analysis

    facts, _ = Analysis(api.graph(inventory)).application_facts(dpi)
    assert facts["hosting.from_servers"] is True and facts["servers"] == ("srv-dpi-1", "srv-dpi-2")
    item = next(i for i in api.scan(path).items if i.id == "dpi")
    assert item.hosting_model == "iaas" and "GOV-UNK-001" not in {f.rule for f in item.findings}


def test_servers_that_disagree_leave_hosting_unknown_with_a_warning(write_inventory: Any) -> None:
    path = write_inventory(HEAD + PROVIDERS + APPS + "servers:\n"
                           "  - id: srv-dpi-1\n    hosting: {model: iaas, provider: azure}\n    applications: [dpi]\n"
                           "  - id: srv-dpi-2\n    hosting: {model: on-premises}\n    applications: [dpi]\n")
    loaded = load_inventory(path)
    assert loaded.inventory.applications_by_id["dpi"].hosting is None
    assert any("servers disagree" in w.message and w.field == "applications[0]" for w in loaded.warnings)


def test_out_of_support_os_is_a_finding_for_rehost_with_its_source(write_inventory: Any) -> None:
    path = write_inventory(HEAD + APPS + "servers:\n"
                           "  - id: srv-dpi-1\n    os: Windows Server 2008 R2\n    os_support: out-of-support\n"
                           "    applications: [dpi]\n")
    item = next(i for i in api.scan(path).items if i.id == "dpi")
    finding = next(f for f in item.findings if f.rule == "INF-OS-001")
    assert finding.evidence["servers.os_out_of_support"] == ["srv-dpi-1"]
    assert any("hygiène informatique" in r for r in finding.references)


def test_schema_publishes_the_servers_section() -> None:
    import jsonschema

    from bleu_assess.inventory.schema import json_schema

    schema = json_schema()
    server = schema["properties"]["servers"]["items"]
    assert server["required"] == ["id"] and "os_support" in server["properties"]
    document = {"format": "bleu-assess/v1", "organisation": {"name": "T"},
                "servers": [{"id": "srv-1", "ip_addresses": ["10.0.0.1"], "os_support": "supported"}]}
    jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "servers": [{"id": "srv-1", "os_support": "eol"}]}, schema)


def test_validate_counts_the_servers(runner: Any, write_inventory: Any) -> None:
    from bleu_assess.cli import app

    path = write_inventory(HEAD + APPS + "servers:\n  - id: srv-1\n    hosting: {model: on-premises}\n"
                           "    applications: [dpi]\n")
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Servers: 1; applications taking their hosting from their servers: 1" in result.output
