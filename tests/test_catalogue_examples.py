"""The examples refer to the catalogue for their public providers: their scans equal the scans
with the facts written inline, except where the catalogue's facts differ on purpose."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess import api
from bleu_assess.cli import app

from conftest import EXAMPLES, ROOT

DAY = dt.date(2026, 11, 30)
INLINE = yaml.safe_load((ROOT / "tests" / "data" / "catalogue" / "inline-facts.yaml").read_text(encoding="utf-8"))
GOLDEN = ROOT / "tests" / "golden" / "fit"

# Where the catalogue's facts differ on purpose (docs/catalogue.md, "The examples"): the rules
# that appear or disappear, by item.
DIFFERENCES = {
    "chu-exemple": {
        # HDS is sourced for Microsoft Azure, not for Microsoft 365: the messaging and the patient
        # file data it holds lose their certified host.
        # (Its scope is recommended under secnumcloud 2.0: no declared platform fits any more.)
        "messagerie": {"HDS-HOST-001", "SNC-PLT-003", "SNC-REC-002"},
        "dossier-patient": {"HDS-HOST-001"},
        # No public source found for Bleu's HDS certificate: its Microsoft 365 offer is no longer a
        # landing zone waiting only for SecNumCloud for health data in SaaS.
        "archivage": {"SNC-PLT-001", "SNC-PLT-002"},
        # Its scope is recommended, not required (secnumcloud 2.0): without Bleu's HDS, no declared
        # platform fits, where the inline facts chose an EU target.
        "prise-rdv": {"SNC-PLT-003", "SNC-REC-002"},
        "teleconsultation": {"SNC-PLT-001", "SNC-PLT-002"},
        "teleradiologie": {"SNC-PLT-001", "SNC-PLT-002"},
    },
    "ministere-exemple": {},
}


def _id(item: dict[str, Any], section: str) -> str:
    """The id a `ref:` entry gets: its own, else the catalogue's (docs/catalogue.md)."""
    if "id" in item:
        return item["id"]
    target = item["ref"].removeprefix("catalogue:")
    return target.split("/")[0] if section == "providers" else target.replace("/", "-")


def _inline(name: str, tmp_path: Path) -> Path:
    """The example with each `ref:` entry replaced by the entry it had inline."""
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    for section in ("providers", "platforms"):
        twins = {entry["id"]: entry for entry in INLINE[name][section]}
        data[section] = [twins[_id(item, section)] if "ref" in item else item for item in data[section]]
        assert len({i["id"] for i in data[section]}) == len(data[section])
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _rules(item: Any) -> set[str]:
    return {f.rule for f in item.findings}


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_the_examples_refer_to_the_catalogue_for_public_providers(name: str) -> None:
    text = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
    assert text.count("ref: catalogue:") >= 5
    assert api.load(EXAMPLES / f"{name}.yaml", as_of=DAY).inventory.catalogue is not None


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_scans_with_references_equal_scans_with_inline_facts(name: str, tmp_path: Path) -> None:
    inline = api.scan(api.load(_inline(name, tmp_path), as_of=DAY).inventory, lang="en")
    referred = api.scan(api.load(EXAMPLES / f"{name}.yaml", as_of=DAY).inventory, lang="en")
    assert [i.id for i in inline.items] == [i.id for i in referred.items]
    changed = {}
    for before, after in zip(inline.items, referred.items):
        if _rules(before) != _rules(after):
            changed[before.id] = _rules(before) ^ _rules(after)
            continue
        # Same rules: same verdicts, same messages; evidence may only lose iso27001, which the
        # catalogue does not record (no rule reads it).
        for key in ("readiness", "secnumcloud_scope", "residency", "exposure", "target", "platform"):
            assert getattr(before, key) == getattr(after, key), (before.id, key)
        for f, g in zip(before.findings, after.findings):
            assert (f.rule, f.severity, f.message) == (g.rule, g.severity, g.message), before.id
            for key, value in f.evidence.items():
                if g.evidence[key] != value:
                    assert key == "provider.qualifications", (before.id, key)
                    assert set(value) ^ set(g.evidence[key]) <= {"iso27001"}, (before.id, value)
    assert changed == DIFFERENCES[name]


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_fit_matrix_golden(runner, name: str, fmt: str, update_golden: bool) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = runner.invoke(app, ["fit", f"examples/{name}.yaml", "-f", fmt, "--as-of", "2026-11-30"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{name}.{'md' if fmt == 'markdown' else 'csv'}"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_fit_tells_for_every_application_which_offers_fit_and_why_not(runner) -> None:
    result = runner.invoke(app, ["fit", str(EXAMPLES / "chu-exemple.yaml"), "-f", "json", "--as-of", "2026-11-30"])
    assert result.exit_code == 0, result.output
    import json

    matrix = json.loads(result.stdout)
    assert matrix["offers"] == ["bleu-azure", "bleu-m365", "ovh-snc", "s3ns-premi3ns"]
    dpi = next(a for a in matrix["applications"] if a["id"] == "dpi")["offers"]
    # The hosted private cloud's qualification expires 2026-12-29, within 90 days of the date.
    assert dpi["ovh-snc"] == {"status": "fits-with-conditions", "reason": "expires",
                              "qualification": "secnumcloud-3.2", "until": "2026-12-29"}
    assert dpi["bleu-azure"]["status"] == "does-not-fit"
    for application in matrix["applications"]:
        for cell in application["offers"].values():
            assert cell["status"] in ("fits", "fits-with-conditions", "does-not-fit", "not-moving")


def test_fit_refuses_an_unknown_offer(runner) -> None:
    result = runner.invoke(app, ["fit", str(EXAMPLES / "chu-exemple.yaml"), "--offers", "ovh-sn"])
    assert result.exit_code == 2
    assert "ovh-snc" in result.output


def test_the_report_includes_the_fit_matrix_and_the_catalogue(runner, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(EXAMPLES / "chu-exemple.yaml"), "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert 'id="fit"' in html and 'id="catalogue"' in html
    assert "secnumcloud-3.2 expires 2026-12-29" in html
    assert "github-file-id:69855413370" in html  # a secondary source, named
    assert "Ready with conditions †" in html or "Not ready †" in html
