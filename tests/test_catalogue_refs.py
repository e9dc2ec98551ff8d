"""Inventory entries that refer to the catalogue: resolved before validation, overridable,
honest about the assessment date and about the confidence of the facts they bring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import minimal_inventory

from bleu_assess import api
from bleu_assess.assess.results import scan_json_parts
from bleu_assess.cli import app
from bleu_assess.errors import InventoryError
from bleu_assess.inventory import catalogue as cat
from bleu_assess.inventory import catalogue_refs
from bleu_assess.inventory.validate import Document

DAY = dt.date(2026, 11, 30)


def _inventory(providers: list, platforms: list | None = None, hosting: dict | None = None) -> dict:
    return minimal_inventory(
        providers=providers, platforms=platforms or [],
        applications=[{"id": "app", "name": "App", "hosting": hosting or {"model": "on-premises"},
                       "datasets": ["data"]}])


def test_a_provider_reference_becomes_the_catalogue_provider(write_inventory) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:s3ns"}], [{"ref": "catalogue:s3ns/premi3ns"}]))
    inv = api.load(path, as_of=DAY).inventory
    (provider,) = inv.providers
    assert (provider.id, provider.name, provider.headquarters) == ("s3ns", "S3NS", "FR")
    # v1: the provider's qualifications come from the offers the inventory uses (premi3ns only).
    assert provider.qualification_ids == ("secnumcloud-3.2",) and provider.regions == ("FR",)
    (platform,) = inv.platforms
    assert (platform.id, platform.provider, platform.models) == ("s3ns-premi3ns", "s3ns", ("iaas", "paas"))


def test_inline_fields_override_the_catalogue_and_are_recorded(write_inventory) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:s3ns", "id": "thales", "regions": ["FR", "DE"]}],
                                      [{"ref": "catalogue:s3ns/premi3ns", "id": "landing"}]))
    inv = api.load(path, as_of=DAY).inventory
    assert inv.providers[0].regions == ("FR", "DE")
    assert inv.platforms[0].provider == "thales"  # follows the provider that refers to the same entry
    entry = inv.catalogue.entry("providers", "thales")
    assert entry.overrides == ("regions",) and "regions" not in entry.facts


def test_an_unknown_reference_is_located_with_a_suggestion(write_inventory, runner) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:ovhcloud"}], [{"ref": "catalogue:ovhcloud/bare-metal-pods"}]))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "bare-metal-pods" in text)
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert f"{path}:{line}:" in result.output
    assert "platforms[0].ref: unknown catalogue offer (PROVIDER/OFFER) 'ovhcloud/bare-metal-pods' " \
           "(did you mean 'ovhcloud/bare-metal-pod'?)" in result.output


def test_a_reference_refused_is_worded_in_the_organisation_s_language(write_inventory, runner) -> None:
    # A French operator's inventory (country FR) mistypes a catalogue provider: its refusal is
    # French, like every other diagnostic of the file (domains trial: it was English).
    path = write_inventory(_inventory([{"ref": "catalogue:s3nss"}]))
    result = runner.invoke(app, ["validate", str(path)])
    said = result.output.replace("\u202f", " ").replace("\xa0", " ")
    assert result.exit_code == 2
    assert "providers[0].ref: fournisseur inconnu du catalogue (FOURNISSEUR ou FOURNISSEUR/OFFRE) : " \
           "« s3nss » (vouliez-vous dire « s3ns » ?)" in said
    assert "unknown" not in said and "1 erreur" in said


@pytest.mark.parametrize(("typed", "meant"), [("ovh", "ovhcloud"), ("outscale", "3ds-outscale"), ("s3nss", "s3ns")])
def test_a_shortened_provider_name_gets_the_catalogue_s_one(write_inventory, runner, typed: str, meant: str) -> None:
    # People write a provider by its short name: the catalogue's id that starts or ends with it.
    path = write_inventory(_inventory([{"ref": f"catalogue:{typed}"}]))
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert f"'{typed}' (did you mean '{meant}'?)" in result.output


def test_a_refused_reference_does_not_hide_the_file_s_other_errors(write_inventory, runner) -> None:
    # Every error at once: fixing the reference first only to meet the next ones was the
    # new-user trial's complaint. Nothing is said of the fields the catalogue was to give.
    inventory = _inventory([{"ref": "catalogue:ovh"}])
    inventory["applications"][0]["criticality"] = "haute"
    inventory["applications"][0]["depends_on"] = ["nowhere"]
    path = write_inventory(inventory)
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2
    said = result.output
    assert "providers[0].ref: unknown catalogue provider" in said and "(did you mean 'ovhcloud'?)" in said
    assert "applications[0].criticality: unknown value 'haute' (did you mean 'high'?)" in said
    assert "applications[0].depends_on[0]: unknown application 'nowhere'" in said
    assert "providers[0]." not in said.replace("providers[0].ref", "") and "3 errors" in said


@pytest.mark.parametrize("ref", ["ovhcloud", "catalog:ovhcloud", 3])
def test_a_malformed_reference_is_refused(write_inventory, ref) -> None:
    path = write_inventory(_inventory([{"ref": ref}]))
    with pytest.raises(InventoryError) as caught:
        api.load(path, as_of=DAY)
    assert caught.value.diagnostics[0].path == "providers[0].ref"


def test_a_platform_must_refer_to_an_offer(write_inventory) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:ovhcloud"}], [{"ref": "catalogue:ovhcloud"}]))
    with pytest.raises(InventoryError, match="1 catalogue reference error"):
        api.load(path, as_of=DAY)


def test_a_provider_seen_through_one_offer_has_that_offer_s_facts_only(write_inventory) -> None:
    """Microsoft's HDS certificate is sourced for Azure only: Microsoft 365 does not inherit it."""
    path = write_inventory(_inventory([{"ref": "catalogue:microsoft/microsoft-365", "id": "m365"},
                                       {"ref": "catalogue:microsoft", "id": "ms"}]))
    m365, ms = api.load(path, as_of=DAY).inventory.providers
    assert (m365.headquarters, m365.qualification_ids) == ("US", ())
    assert ms.qualification_ids == ("hds",)


@pytest.mark.parametrize(("day", "held"), [(dt.date(2026, 11, 30), ("secnumcloud-3.2",)), (dt.date(2026, 12, 1), ())])
def test_a_v1_provider_keeps_a_qualification_up_to_its_until_day_only(write_inventory, day, held) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:3ds-outscale"}], [{"ref": "catalogue:3ds-outscale/iaas-cloud-on-demand"}]))
    loaded = api.load(path, as_of=day)
    assert ("secnumcloud-3.2" in loaded.inventory.providers[0].qualification_ids) == bool(held)
    expired = [w for w in loaded.warnings if "expired on 2026-11-30" in w.message]
    assert len(expired) == (0 if held else 1)


def test_an_expired_qualification_changes_the_verdict_on_the_next_day(write_inventory) -> None:
    inventory = _inventory([{"ref": "catalogue:3ds-outscale", "id": "outscale"}],
                           hosting={"model": "iaas", "provider": "outscale"})
    inventory["datasets"][0]["classification"] = "sensitive"
    inventory["organisation"]["type"] = "state-administration"
    path = write_inventory(inventory)
    before = api.scan(api.load(path, as_of=DAY).inventory).item("app")
    after = api.scan(api.load(path, as_of=DAY + dt.timedelta(days=1)).inventory).item("app")
    rules = lambda item: {f.rule for f in item.findings}  # noqa: E731
    assert rules(after) - rules(before), "the lapsed qualification must be visible in the findings"


def test_results_record_the_catalogue_like_a_ruleset(write_inventory) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:ovhcloud"}]))
    result = api.scan(api.load(path, as_of=DAY).inventory)
    recorded = json.loads(json.dumps(result.to_dict()))["inventory"]["catalogue"]
    shipped = cat.load()
    assert recorded == {"path": "catalogue", "version": shipped.version, "as_of": shipped.as_of,
                        "sha256": shipped.sha256, "assessed_on": "2026-11-30"}


def test_an_inventory_without_references_records_no_catalogue(write_inventory) -> None:
    result = api.scan(write_inventory(minimal_inventory()))
    assert "catalogue" not in result.to_dict()["inventory"]


def test_a_newer_catalogue_is_used_with_the_root_option(write_inventory, runner, tmp_path: Path) -> None:
    import shutil

    newer = tmp_path / "newer"
    shutil.copytree(cat.default_path(), newer)
    index = newer / "catalogue.yaml"
    index.write_text(index.read_text().replace('version: "2026.11.1"', 'version: "2027.01.0"'))
    path = write_inventory(_inventory([{"ref": "catalogue:ovhcloud"}]))
    result = runner.invoke(app, ["--catalogue", str(newer), "scan", str(path), "-f", "json"],
                           env={"SOURCE_DATE_EPOCH": "1796083200"})
    assert result.exit_code == 0, result.output
    recorded = json.loads(result.stdout)["inventory"]["catalogue"]
    assert (recorded["path"], recorded["version"]) == (str(newer), "2027.01.0")


def test_a_stale_catalogue_warns_once(write_inventory) -> None:
    path = write_inventory(_inventory([{"ref": "catalogue:ovhcloud"}, {"ref": "catalogue:s3ns"}]))
    loaded = api.load(path, as_of=dt.date(2027, 7, 1))
    stale = [w for w in loaded.warnings if "days before the assessment date" in w.message]
    assert len(stale) == 1 and stale[0].line is not None


def test_findings_on_secondary_facts_carry_their_confidence(write_inventory) -> None:
    inventory = _inventory([{"ref": "catalogue:microsoft", "id": "ms", "regions": ["FR"], "support_regions": ["US"]}],
                           hosting={"model": "saas", "provider": "ms"})
    inventory["datasets"][0]["classification"] = "health"
    result = api.scan(api.load(write_inventory(inventory), as_of=DAY).inventory)
    item = result.item("app")
    on_provider = [f for f in item.findings if any(k.startswith("provider") for k in f.evidence)]
    assert on_provider and all(f.confidence in ("secondary", "unverified", "uncertain") for f in on_provider)
    assert item.confidence is not None
    encoded = json.loads(b"".join(scan_json_parts(result)))
    assert encoded == json.loads(json.dumps(result.to_dict()))


def test_v2_inventories_get_offers_at_their_own_grain() -> None:
    """The v2 offer shape (issue 13): qualifications with scope and dates, judged by the rules."""
    data = {"format": "bleu-assess/v2", "organisation": {"name": "T"},
            "providers": [{"ref": "catalogue:bleu"}, {"ref": "catalogue:its-integra"}],
            "platforms": [{"ref": "catalogue:bleu/azure"}, {"ref": "catalogue:its-integra/itsecurecloud"}]}
    docs, resolution, _ = catalogue_refs.resolve([Document("v2.yaml", "", data)], None, DAY)
    bleu, its = docs[0].data["platforms"]
    assert bleu == {"id": "bleu-azure", "provider": "bleu", "models": ["iaas", "caas", "paas"], "regions": ["FR"],
                    "pending_qualifications": [{"id": "secnumcloud-3.2", "milestone": "J1", "since": "2025-11-17"}]}
    # A month-precise start counts from the month's end: never a day the source does not cover.
    assert its["qualifications"][0]["id"] == "hds"
    assert its["pending_qualifications"][0]["since"] == "2025-12-01"
    assert "qualifications" not in docs[0].data["providers"][0]
    assert resolution.entry("platforms", "bleu-azure").confidence == "secondary"


def test_v2_references_validate_and_land_at_the_offer_grain(write_inventory) -> None:
    """The catalogue's offers validate as v2 platforms, with their dates."""
    path = write_inventory({
        "format": "bleu-assess/v2", "organisation": {"name": "CHU", "country": "FR", "type": "health-establishment"},
        "providers": [{"ref": "catalogue:ovhcloud"}, {"ref": "catalogue:bleu"}],
        "platforms": [{"ref": "catalogue:ovhcloud/hosted-private-cloud-snc", "id": "ovh-snc"},
                      {"ref": "catalogue:bleu/azure"}],
        "applications": [{"id": "dpi", "name": "DPI", "hosting": {"model": "iaas", "platform": "ovh-snc"},
                          "datasets": ["dp"]}],
        "datasets": [{"id": "dp", "name": "DP", "classification": "health"}]})
    inventory = api.load(path, as_of=DAY).inventory
    ovh = inventory.platforms_by_id["ovh-snc"]
    assert [(q.id, q.since, q.until) for q in ovh.qualifications] == [("secnumcloud-3.2", "2023-12-28", "2026-12-29")]
    assert api.scan(inventory).item("dpi").platform == "ovh-snc"


def test_a_v2_provider_carries_the_facts_of_the_offers_it_stands_for() -> None:
    """A hosting or a subprocessor that names a provider only is judged on that provider's offers:
    Microsoft seen through Azure holds Azure's HDS certificate, seen through Microsoft 365 nothing."""
    data = {"format": "bleu-assess/v2", "organisation": {"name": "T"},
            "providers": [{"ref": "catalogue:microsoft/azure", "id": "azure"},
                          {"ref": "catalogue:microsoft/microsoft-365", "id": "m365"},
                          {"ref": "catalogue:ovhcloud"}],
            "platforms": [{"ref": "catalogue:ovhcloud/hosted-private-cloud-snc"}]}
    docs, resolution, _ = catalogue_refs.resolve([Document("v2.yaml", "", data)], None, DAY)
    azure, m365, ovh = docs[0].data["providers"]
    assert [(q["id"], q["scope"]) for q in azure["qualifications"]] == [("hds", ["iaas", "paas"])]
    assert "qualifications" not in m365 and "hds_activities" not in m365
    # The whole provider: the offers the inventory uses (the hosted private cloud), with their dates.
    assert [(q["id"], q["until"]) for q in ovh["qualifications"]] == [("secnumcloud-3.2", "2026-12-29")]
    assert ovh["hds_activities"] == [1, 2, 3, 4, 5, 6]
    assert resolution.entry("providers", "azure").facts["qualifications"][0].mark == "uncertain"


def test_findings_on_a_v2_hosting_offer_carry_its_confidence(write_inventory) -> None:
    """An application on a catalogue offer (hosting.platform, format v2): findings about the
    offer's qualifications rest on the catalogue's facts, and say how sure they are."""
    path = write_inventory({
        "format": "bleu-assess/v2", "organisation": {"name": "CHU", "country": "FR", "type": "health-establishment"},
        "providers": [{"ref": "catalogue:ovhcloud"}],
        "platforms": [{"ref": "catalogue:ovhcloud/hosted-private-cloud-snc", "id": "ovh-snc"}],
        "applications": [{"id": "rh", "name": "RH", "hosting": {"model": "private-cloud", "platform": "ovh-snc"},
                          "datasets": ["agents"]}],
        "datasets": [{"id": "agents", "name": "Agents", "classification": "personal"}]})
    item = api.scan(api.load(path, as_of=DAY).inventory).item("rh")
    on_offer = [f for f in item.findings if any(k.startswith("hosting.qualifications") for k in f.evidence)]
    # The qualification's version is disputed by a third-party table: uncertain.
    assert on_offer and {f.confidence for f in on_offer} == {"uncertain"}


def test_an_offer_whose_provider_is_not_declared_says_which_entry_to_add(write_inventory, runner) -> None:
    # A water operator lists Bleu's Microsoft 365 among its landing zones but not Bleu among its
    # providers: the refusal names the entry to add, at the offer's ref, not an unknown 'bleu'.
    path = write_inventory(_inventory([{"ref": "catalogue:s3ns"}], [{"ref": "catalogue:bleu/microsoft-365"}]))
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert ("platforms[0].ref: the offer 'bleu/microsoft-365' is sold by the catalogue provider 'bleu', which "
            "providers does not declare: add '- ref: catalogue:bleu' under providers") in result.output
    declared = write_inventory(_inventory([{"ref": "catalogue:bleu", "id": "bleu-fr"}],
                                          [{"ref": "catalogue:bleu/microsoft-365"}]))
    assert api.load(declared, as_of=DAY).inventory.platforms[0].provider == "bleu-fr"
