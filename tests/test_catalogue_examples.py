"""The examples refer to the catalogue for their public providers: their scans equal the scans
with the facts written inline, except where the catalogue's facts differ on purpose."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, ROOT

from bleu_assess import api
from bleu_assess.cli import app

DAY = dt.date(2026, 11, 30)
INLINE = yaml.safe_load((ROOT / "tests" / "data" / "catalogue" / "inline-facts.yaml").read_text(encoding="utf-8"))
GOLDEN = ROOT / "tests" / "golden" / "fit"

# Where the catalogue's facts differ on purpose (docs/catalogue.md, "The examples"): the rules
# that appear or disappear, by item.
DIFFERENCES = {
    "chu-exemple": {
        # HDS is sourced for Microsoft Azure, not for Microsoft 365; nor is it for Bleu: the
        # messaging (and the patient file sent to it) lose their certified host, and Bleu's
        # Microsoft 365 offer is no longer a landing zone for it (no declared platform fits).
        "messagerie": {"HDS-HOST-001", "EXT-FLOW-004", "EXT-FLOW-005", "SNC-PLT-003", "SNC-REC-002"},
        "dossier-patient": {"HDS-HOST-001"},
        # No public source found for S3NS's HDS certificate: the patient file's replatforming
        # lands on OVHcloud's public cloud (an EU offer, its scope being recommended) instead;
        # and the DPI sending the patient file to that uncertified messaging is a blocker
        # (EXT-FLOW-001), no longer the high EXT-FLOW-003.
        "dpi": {"SNC-REC-002", "EXT-FLOW-001", "EXT-FLOW-003"},
        # The catalogue records when OVHcloud Hosted Private Cloud's SecNumCloud qualification ends
        # (2026-12-29, within 90 days of the date); the inline facts give no end: the applications
        # landing on it carry OFR-QUAL-003 (renewal to check).
        **{app: {"OFR-QUAL-003"} for app in ("bloc", "entrepot-sante", "gam", "pacs", "pharmacie", "pmsi", "ris",
                                             "serveur-identite", "sil", "urgences")},
    },
    "ministere-exemple": {
        # Bleu's SecNumCloud milestone J1 is sourced for its Azure services, not for Microsoft 365:
        # the messaging no longer waits for a pending qualification (SNC-PLT-002 becomes SNC-PLT-001).
        "messagerie": {"SNC-PLT-001", "SNC-PLT-002"},
    },
}
# Evidence may differ in the host's qualifications only: the catalogue records no ISO 27001
# certificates (no rule reads them) and states HDS certification as activities (hds_activities),
# which the rules read, rather than as an `hds` qualification.
QUALIFICATION_KEYS = ("provider.qualifications", "hosting.qualifications")
NOT_RECORDED = {"iso27001", "hds"}


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


def test_the_examples_show_format_v2_at_the_offer_grain() -> None:
    """Between them, the examples show what format v2 brought (issues 13 and 14)."""
    shown: dict[str, set[str]] = {}
    for name in sorted(DIFFERENCES):
        inventory = api.load(EXAMPLES / f"{name}.yaml", as_of=DAY).inventory
        result = api.scan(inventory, lang="en")
        assert inventory.format == "bleu-assess/v2"
        assert "sensitive" not in {d.classification for d in inventory.datasets}  # v1 only (issue 14)
        for offer in inventory.platforms:
            if any(q.since and q.until and q.scope for q in offer.qualifications or ()):
                shown.setdefault("an offer qualified on a scope between two dates", set()).add(offer.id)
        for provider in inventory.providers:
            if provider.hds_activities:
                shown.setdefault("certified HDS activities", set()).add(provider.id)
            if provider.kind == "colocation":
                shown.setdefault("a colocation site", set()).add(provider.id)
        for application in inventory.applications:
            offer = inventory.platform(result.item(application.id).platform)
            if offer is None:
                continue
            if inventory.provider(offer.provider).kind != "commercial":
                shown.setdefault("a landing zone that is not a commercial offer", set()).add(offer.id)
            if "saas" in offer.models:
                assert application.service in offer.services, (name, application.id, offer.id)
                shown.setdefault("a SaaS offer chosen for the service it provides", set()).add(offer.id)
    assert sorted(shown) == ["a SaaS offer chosen for the service it provides", "a colocation site",
                             "a landing zone that is not a commercial offer",
                             "an offer qualified on a scope between two dates", "certified HDS activities"], shown


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
        # Same rules: same verdicts, same messages; evidence may only lose what the catalogue
        # does not record as a qualification (NOT_RECORDED).
        for key in ("readiness", "secnumcloud_scope", "residency", "exposure", "target", "platform"):
            assert getattr(before, key) == getattr(after, key), (before.id, key)
        for f, g in zip(before.findings, after.findings):
            assert (f.rule, f.severity, f.message) == (g.rule, g.severity, g.message), before.id
            for key, value in f.evidence.items():
                if g.evidence[key] != value:
                    assert key in QUALIFICATION_KEYS, (before.id, key)
                    assert set(value) ^ set(g.evidence[key]) <= NOT_RECORDED, (before.id, value)
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
    assert matrix["offers"] == ["bleu-azure", "bleu-m365", "gcs-messagerie-sante", "ovh-public-cloud", "ovh-snc",
                                "s3ns-premi3ns"]
    offers = {a["id"]: a["offers"] for a in matrix["applications"]}
    # The hosted private cloud's qualification expires 2026-12-29, within 90 days of the date.
    assert offers["pacs"]["ovh-snc"] == {"status": "fits-with-conditions", "reason": "expires",
                                         "qualification": "secnumcloud-3.2", "until": "2026-12-29"}
    assert offers["pacs"]["bleu-azure"] == {"status": "does-not-fit", "reason": "qualification",
                                            "qualifications": "secnumcloud-3.2, hds", "model": "iaas"}
    # Replatforming needs PaaS or CaaS, which the hosted private cloud does not sell.
    assert offers["dpi"]["ovh-snc"]["reason"] == "model"
    # A SaaS offer hosts only the services it provides; a public shared service meets the doctrine.
    assert offers["archivage"]["bleu-m365"] == {"status": "does-not-fit", "reason": "service", "service": "archiving",
                                                "services": "mail, office-suite, visio"}
    assert offers["messagerie-sante"]["gcs-messagerie-sante"]["status"] == "fits"
    assert offers["messagerie"]["bleu-m365"] == {"status": "does-not-fit", "reason": "qualification",
                                                 "qualifications": "secnumcloud-3.2, hds", "model": "saas"}
    for cells in offers.values():
        for cell in cells.values():
            assert cell["status"] in ("fits", "fits-with-conditions", "undecided", "does-not-fit", "not-moving")


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
    assert "SecNumCloud 3.2 expires 29 December 2026" in html
    assert "repository not identified (research index no. 69855413370)" in html  # a secondary source, named as what it is
    assert "Ready with conditions †" in html or "Not ready †" in html


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "**activités HDS certifiées**\u00a0: 1, 2, 3, 4, 5, 6 (incertaine\u00a0: "),
    ("en", "**certified HDS activities**: 1, 2, 3, 4, 5, 6 (uncertain: ")])
def test_the_catalogue_section_follows_the_reader_s_typography(runner, tmp_path: Path, lang: str, said: str) -> None:
    # French puts a no-break space before a colon (« incertaine : »), English none.
    target = tmp_path / "report.md"
    result = runner.invoke(app, ["report", str(EXAMPLES / "chu-exemple.yaml"), "-f", "markdown", "-o", str(target),
                                 "--lang", lang])
    assert result.exit_code == 0, result.output
    section = target.read_text(encoding="utf-8").split("\n## ")
    catalogue = next(part for part in section if "catalogue:" in part)
    assert said in catalogue
    if lang == "fr":
        assert "**: " not in catalogue


def test_the_executive_report_leaves_the_matrix_and_the_catalogue_to_the_technical_one(runner, tmp_path: Path) -> None:
    target = tmp_path / "synthese.html"
    result = runner.invoke(app, ["report", str(EXAMPLES / "chu-exemple.yaml"), "-o", str(target), "--lang", "en",
                                 "--audience", "executive", "--as-of", "2026-11-30"])
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert 'id="fit"' not in html and 'id="catalogue"' not in html


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_exposure_paths_name_their_steps(runner, tmp_path: Path, fmt: str) -> None:
    # A path reads « Messagerie → Microsoft », not `messagerie → provider:microsoft-365`.
    target = tmp_path / f"report.{'md' if fmt == 'markdown' else 'html'}"
    result = runner.invoke(app, ["report", str(EXAMPLES / "chu-exemple.yaml"), "-f", fmt, "-o", str(target),
                                 "--audience", "technical", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "→" in text and "provider:" not in text
