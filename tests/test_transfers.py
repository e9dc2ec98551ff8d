"""Transfers, exposure and findings at the right severity (issue 15): the fidelity probes of the
shared cases, each right value as a test, and the kind of fault each stands for on small
inventories built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from bleu_assess import api
from bleu_assess.assess.results import ItemVerdict
from bleu_assess.rules.refdata import region_groups
from bleu_assess.vocab import SEVERITY_RANK

FIDELITY = Path(__file__).resolve().parents[3] / "shared" / "cases" / "fidelity"
if not FIDELITY.is_dir():
    FIDELITY = Path("/work/shared/cases/fidelity")


def probe(name: str) -> Any:
    path = FIDELITY / name
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    return api.scan(path)


def worst(item: ItemVerdict, rules: set[str] | None = None) -> int:
    """Rank of the most severe finding (0 = blocker), optionally among findings naming `rules`."""
    ranks = [SEVERITY_RANK[f.severity] for f in item.findings if rules is None or rules & set(f.rule_ids)]
    return min(ranks, default=len(SEVERITY_RANK))


def rules_of(item: ItemVerdict) -> set[str]:
    return {rule for f in item.findings for rule in f.rule_ids}


# -- probe-regions-adequacy.yaml ------------------------------------------------------------------

def test_a_swiss_host_is_not_non_compliant_adequacy_is_a_transfer_basis() -> None:
    result = probe("probe-regions-adequacy.yaml")
    for item_id in ("app-ch", "pers2"):
        item = result.item(item_id)
        assert item.residency != "non-compliant"
        assert not rules_of(item) & {"RES-GDPR-001", "RES-GDPR-004", "RES-LOC-001"}


def test_support_from_morocco_at_a_qualified_offer_gets_no_high_finding() -> None:
    result = probe("probe-regions-adequacy.yaml")
    for item_id in ("app-snc-support", "patients2"):
        item = result.item(item_id)
        assert worst(item) > SEVERITY_RANK["high"], [(f.severity, f.rule_ids) for f in item.findings]
        support = [f for f in item.findings if "RES-SNC-002" in f.rule_ids]
        assert len(support) == 1, "one support-location fact, one finding"
        assert {"EXT-SUP-001", "HDS-EXI29-001", "RES-GDPR-002"} <= set(support[0].rule_ids)


def test_a_norwegian_parent_is_not_a_secnumcloud_capable_host() -> None:
    result = probe("probe-regions-adequacy.yaml")
    item = result.item("app-no")
    assert "EXT-SEAT-001" in rules_of(item)
    assert item.residency == "compliant", "Norway is in the EEA: no transfer under the GDPR"


def test_no_provider_seated_outside_the_eu_is_chosen_for_a_secnumcloud_target(write_inventory: Any) -> None:
    inventory = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "Ministère", "type": "state-administration"},
        "providers": [
            {"id": "a-norway", "headquarters": "NO", "regions": ["NO"], "qualifications": ["secnumcloud-3.2"]},
            {"id": "b-france", "headquarters": "FR", "regions": ["FR"], "qualifications": ["secnumcloud-3.2"]},
        ],
        "platforms": [{"id": "a-no-iaas", "provider": "a-norway", "models": ["iaas"]},
                      {"id": "b-fr-iaas", "provider": "b-france", "models": ["iaas"]}],
        "applications": [{"id": "app", "name": "App", "hosting": {"model": "on-premises"}, "datasets": ["d"]}],
        "datasets": [{"id": "d", "classification": "restricted"}],
    }
    result = api.scan(write_inventory(inventory))
    assert result.item("app").target == "secnumcloud"
    assert result.item("app").platform == "b-fr-iaas"


# -- probe-recommended-scope.yaml ------------------------------------------------------------------

def test_a_flow_to_an_exposed_saas_is_not_a_blocker_on_the_sender_alone() -> None:
    result = probe("probe-recommended-scope.yaml")
    sender, recipient = result.item("sender"), result.item("us-saas")
    flows = {"EXT-FLOW-001", "EXT-FLOW-003"}
    assert worst(sender, flows) > SEVERITY_RANK["blocker"], "no text forbids this flow for a Région"
    assert sender.readiness != "not-ready"
    assert worst(recipient) <= worst(sender, flows), "the recipient carries at least the sender's consequence"


@pytest.mark.parametrize("org_type, classification, blocker", [
    ("private-company", "health", False),  # HDS-certified host in the EEA: regulated by EXI 29-31, not forbidden
    ("private-company", "restricted", True),
    ("local-authority", "sensitive", False),
])
def test_flow_severity_follows_the_regime_and_the_recipient_carries_it(
        write_inventory: Any, org_type: str, classification: str, blocker: bool) -> None:
    inventory = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "Org", "type": org_type},
        "providers": [{"id": "us", "headquarters": "US", "regions": ["FR"], "qualifications": ["hds"]}],
        "applications": [{"id": "sender", "name": "Sender", "hosting": {"model": "on-premises"}, "datasets": ["d"]},
                         {"id": "recipient", "name": "Recipient", "hosting": {"model": "saas", "provider": "us"}}],
        "datasets": [{"id": "d", "classification": classification}],
        "flows": [{"from": "sender", "to": "recipient", "datasets": ["d"]}],
    }
    result = api.scan(write_inventory(inventory))
    sender, recipient = result.item("sender"), result.item("recipient")
    flows = {"EXT-FLOW-001", "EXT-FLOW-003"}
    assert (worst(sender, flows) == SEVERITY_RANK["blocker"]) is blocker
    assert worst(sender, flows) <= SEVERITY_RANK["high"]
    assert worst(recipient) <= worst(sender, flows)


@pytest.mark.parametrize("certified, uncertified", [("a-hds", "z-mail"), ("z-hds", "a-mail")])
def test_health_data_sent_to_an_uncertified_host_is_a_blocker_whichever_exposed_recipient_comes_first(
        write_inventory: Any, certified: str, uncertified: str) -> None:
    # A GHT's patient record goes to a US-controlled, HDS-certified warehouse and, by e-mail, to a
    # US SaaS without HDS: the second is what CSP L.1111-8 forbids, whatever the ids' order.
    inventory = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "GHT", "type": "health-establishment"},
        "providers": [{"id": "us-hds", "headquarters": "US", "regions": ["FR"], "qualifications": ["hds"]},
                      {"id": "us-mail", "headquarters": "US", "regions": ["FR"]}],
        "applications": [{"id": "dpi", "name": "DPI", "hosting": {"model": "on-premises"}, "datasets": ["dossier"]},
                         {"id": certified, "name": "Entrepôt", "hosting": {"model": "saas", "provider": "us-hds"}},
                         {"id": uncertified, "name": "Messagerie", "hosting": {"model": "saas", "provider": "us-mail"}}],
        "datasets": [{"id": "dossier", "classification": "health"}],
        "flows": [{"from": "dpi", "to": certified, "datasets": ["dossier"]},
                  {"from": "dpi", "to": uncertified, "datasets": ["dossier"]}],
    }
    sender = api.scan(write_inventory(inventory)).item("dpi")
    blocker = [f for f in sender.findings if f.rule == "EXT-FLOW-001"]
    assert blocker and blocker[0].severity == "blocker"
    assert sender.readiness == "not-ready"
    assert "Messagerie" in blocker[0].message and "Entrepôt" in blocker[0].message  # every exposed recipient named


# -- transfer bases and EU versus EEA --------------------------------------------------------------

def test_adequacy_group_lists_each_decision_with_its_reference_and_date() -> None:
    from bleu_assess.rules.refdata import read

    regions = read("regions.yaml")
    adequacy = regions["groups"]["adequacy"]
    assert set(adequacy["decisions"]) == set(adequacy["countries"]) == region_groups()["adequacy"]
    for country, decision in adequacy["decisions"].items():
        assert decision["reference"] and decision["date"] and decision["checked"] in ("eur-lex", "secondary", "list")
    assert "US" not in adequacy["countries"], "the DPF covers certified organisations only: declared per provider"
    assert "C-703/25 P" in adequacy["dpf"]["uncertain"]
    assert regions["immunity_group"] == "eu" and regions["data_protection_group"] == "eu-eea"


def test_transfer_basis_and_new_fields_work_on_an_offer_and_a_provider(write_inventory: Any) -> None:
    inventory = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "Org", "type": "private-company"},
        "providers": [{"id": "us", "headquarters": "FR", "regions": ["US"], "support_regions": ["FR"],
                       "transfer_basis": "scc", "non_eu_jurisdictions": ["US"], "admin_regions": ["FR"],
                       "ownership": {"non_eu_veto": True, "non_eu_board_majority": False}}],
        "platforms": [{"id": "us-saas", "provider": "us", "models": ["saas"], "transfer_basis": "scc"}],
        "applications": [{"id": "crm", "name": "CRM", "hosting": {"model": "saas", "provider": "us"},
                          "datasets": ["clients"]}],
        "datasets": [{"id": "clients", "classification": "personal"}],
    }
    result = api.scan(write_inventory(inventory))
    crm = result.item("crm")
    assert crm.residency == "at-risk"
    assert "RES-GDPR-005" in rules_of(crm), "SCC: a transfer impact assessment is due"
    assert "EXT-JUR-004" in rules_of(crm) and crm.exposure.level != "none"


# -- one fact, one finding ----------------------------------------------------------------------

@pytest.mark.parametrize("example", ["chu-exemple.yaml", "ministere-exemple.yaml"])
def test_findings_about_one_fact_are_merged_and_keep_every_rule(example: str) -> None:
    rulesets = api.select_rulesets()
    about = {rule.id: rule.about for ruleset in rulesets for rule in ruleset.rules}
    result = api.scan(EXAMPLES / example)
    merged = 0
    for item in result.items:
        seen: dict[str, str] = {}
        for finding in item.findings:
            topics = {about[r] for r in finding.rule_ids}
            assert len(topics) == 1, f"{item.id}: one finding, one fact ({finding.rule_ids})"
            topic = topics.pop()
            if topic is not None:
                assert topic not in seen, f"{item.id}: two findings about {topic}"
                seen[topic] = finding.rule
            assert finding.rule == finding.rule_ids[0]
            assert SEVERITY_RANK[finding.severity] == min(SEVERITY_RANK[s] for s in
                                                          [next(r.severity for rs in rulesets for r in rs.rules
                                                                if r.id == rule) for rule in finding.rule_ids])
            merged += len(finding.rule_ids) > 1
    assert merged, "the example has repeated facts to merge"


def test_no_extraterritorial_or_ownership_finding_on_public_only_items(write_inventory: Any) -> None:
    inventory = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "Org", "type": "local-authority"},
        "providers": [{"id": "us", "headquarters": "US", "regions": ["US"], "support_regions": ["US"],
                       "ownership": {"largest_non_eu_pct": 100, "total_non_eu_pct": 100}, "contract_law": "US"},
                      {"id": "eu", "headquarters": "FR", "regions": ["FR"], "subprocessors": ["us"]}],
        "platforms": [{"id": "us-saas", "provider": "us", "models": ["saas"]}],
        "applications": [{"id": "opendata", "name": "Open data", "hosting": {"model": "saas", "provider": "us"},
                          "datasets": ["open"]},
                         {"id": "portal", "name": "Portal", "hosting": {"model": "saas", "provider": "eu"},
                          "datasets": ["open"]}],
        "datasets": [{"id": "open", "classification": "public"}],
    }
    result = api.scan(write_inventory(inventory))
    for item_id in ("opendata", "portal"):
        assert not {r for r in rules_of(result.item(item_id)) if r.startswith("EXT-")}, item_id


def test_a_declared_hds_exemption_replaces_the_certification_blocker_by_its_conditions(write_inventory: Any) -> None:
    inventory = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "GHT", "type": "health-establishment"},
        "providers": [{"id": "ght", "headquarters": "FR", "regions": ["FR"], "hds_exemption": "ght"},
                      {"id": "plain", "headquarters": "FR", "regions": ["FR"]}],
        "applications": [{"id": "dpi", "name": "DPI", "hosting": {"model": "iaas", "provider": "ght"}, "datasets": ["p"]},
                         {"id": "lab", "name": "Lab", "hosting": {"model": "iaas", "provider": "plain"}, "datasets": ["q"]}],
        "datasets": [{"id": "p", "classification": "health"}, {"id": "q", "classification": "health"}],
    }
    result = api.scan(write_inventory(inventory))
    assert "HDS-HOST-001" not in rules_of(result.item("dpi")) and "HDS-EXM-001" in rules_of(result.item("dpi"))
    assert "HDS-HOST-001" in rules_of(result.item("lab"))


@pytest.mark.parametrize(("region", "residency", "unknown_basis"), [
    ("CH", "compliant", False),  # adequacy decision 2000/518/CE
    ("GB", "compliant", False),  # adequacy decision 2021/1772
    ("US", "unknown", True),  # no decision for the country: the basis must be declared
])
def test_a_hosting_region_no_provider_region_names_is_judged_by_its_country(
        write_inventory: Any, region: str, residency: str, unknown_basis: bool) -> None:
    # The hosting says where the data is; the provider lists no regions (the case of a SaaS
    # described by its seat only): an adequate country is no transfer to justify.
    inventory = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "Région", "type": "local-authority"},
        "providers": [{"id": "saas", "kind": "commercial", "headquarters": region}],
        "applications": [{"id": "app", "name": "App", "datasets": ["d"],
                          "hosting": {"model": "saas", "provider": "saas", "region": region}}],
        "datasets": [{"id": "d", "classification": "personal"}],
    }
    result = api.scan(write_inventory(inventory), as_of="2026-11-30")
    for item_id in ("app", "d"):
        item = result.item(item_id)
        assert item.residency == residency
        assert ("RES-GDPR-004" in rules_of(item)) is unknown_basis


# -- a basis valid for some countries only -------------------------------------------------------

@pytest.mark.parametrize(("support", "storage", "access_finding", "storage_finding"), [
    (["US"], ["US"], False, False),  # the DPF covers a certified US organisation
    (["US", "IN"], ["US"], True, False),  # staff in India: no adequacy, no other basis declared
    (["FR"], ["US", "JP"], False, False),  # Japan has its own adequacy decision
    (["FR"], ["US", "IN"], False, True),  # India has none: stored there without a basis
])
def test_the_dpf_covers_transfers_to_the_united_states_only(
        write_inventory: Any, support: list[str], storage: list[str], access_finding: bool,
        storage_finding: bool) -> None:
    # Decision (EU) 2023/1795 is an adequacy decision for self-certified US organisations: a
    # provider's `transfer_basis: dpf` justifies nothing of its support staff or data elsewhere.
    inventory = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "GHT", "type": "health-establishment"},
        "providers": [{"id": "rdv", "kind": "commercial", "headquarters": "US", "regions": storage,
                       "support_regions": support, "transfer_basis": "dpf"}],
        "applications": [{"id": "rdv-app", "name": "Rendez-vous", "datasets": ["patients"],
                          "hosting": {"model": "saas", "provider": "rdv"}}],
        "datasets": [{"id": "patients", "classification": "personal"}],
    }
    result = api.scan(write_inventory(inventory), as_of="2026-11-30")
    for item_id in ("rdv-app", "patients"):
        found = rules_of(result.item(item_id))
        assert ("RES-GDPR-002" in found) is access_finding, found
        assert ("RES-GDPR-001" in found or "RES-GDPR-004" in found) is storage_finding, found


def test_the_support_finding_names_only_the_providers_whose_staff_work_outside_the_eea(
        write_inventory: Any) -> None:
    # The patient file is shared by an application at a French host and one at a US SaaS with
    # staff in India: the French host's staff work in France, and the message says so by not
    # naming it (extraterritorial@1.2; 1.1 named every provider involved).
    inventory = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "GHT", "type": "health-establishment"},
        "providers": [{"id": "gcs", "name": "GCS e-santé", "kind": "public-community", "headquarters": "FR",
                       "regions": ["FR"], "support_regions": ["FR"]},
                      {"id": "rdv", "name": "SchedulePro", "kind": "commercial", "headquarters": "US",
                       "regions": ["IE"], "support_regions": ["US", "IN"], "transfer_basis": "scc"}],
        "applications": [{"id": "dpi", "name": "DPI", "datasets": ["patients"],
                          "hosting": {"model": "iaas", "provider": "gcs"}},
                         {"id": "agenda", "name": "Agenda", "datasets": ["patients"],
                          "hosting": {"model": "saas", "provider": "rdv"}}],
        "datasets": [{"id": "patients", "name": "Patients", "classification": "personal"}],
    }
    result = api.scan(write_inventory(inventory), as_of="2026-12-02", lang="en")
    support = [f for f in result.item("patients").findings if "EXT-SUP-001" in f.rule_ids]
    assert len(support) == 1
    assert "SchedulePro" in support[0].message and "GCS" not in support[0].message, support[0].message


def test_the_providers_under_a_third_country_s_law_are_named_not_coded(write_inventory: Any) -> None:
    # HDS EXI 30 names the providers subject to a law without adequacy (here the US subprocessor
    # of a French host): by their names, as every provider list of a message (assess/naming.py),
    # never by their inventory ids.
    inventory = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "CHU", "type": "health-establishment"},
        "providers": [{"id": "hds-fr", "name": "Hébergeur HDS", "kind": "commercial", "headquarters": "FR",
                       "regions": ["FR"], "hds_activities": [1, 2, 3, 4, 5, 6],
                       "subprocessors": [{"id": "cdnus", "role": "cdn", "data_access": "data"}]},
                      {"id": "cdnus", "name": "EdgeCache Inc.", "kind": "commercial", "headquarters": "US",
                       "regions": ["FR"]}],
        "applications": [{"id": "portail", "name": "Portail patients", "datasets": ["rdv"],
                          "hosting": {"model": "saas", "provider": "hds-fr"}}],
        "datasets": [{"id": "rdv", "name": "Rendez-vous", "classification": "health"}],
    }
    result = api.scan(write_inventory(inventory), as_of="2026-12-02", lang="fr")
    exi30 = [f for f in result.item("portail").findings if "HDS-EXI30-001" in f.rule_ids]
    assert exi30 and "EdgeCache Inc." in exi30[0].message and "cdnus" not in exi30[0].message, \
        [f.message for f in exi30]
