"""Hosting at the grain of the offer (inventory format v2): the right values of the fidelity cases
of issue 13, built as small inventories here and, when the shared probes are present, read from
them as they stand (v1) — plus what each kind of fault stands for."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.assess.results import ItemVerdict, ScanResult
from bleu_assess.inventory import yamlio
from bleu_assess.inventory.load import load_inventory
from bleu_assess.render import words

PROBES = Path("/work/shared/cases/fidelity")
AS_OF = "2026-06-01"


def scan(write_inventory: Any, doc: dict[str, Any], as_of: str = AS_OF) -> ScanResult:
    return api.assess(load_inventory(write_inventory(doc)).inventory, lang="en", as_of=as_of)


def rules(item: ItemVerdict | None) -> set[str]:
    """The rules of the item's findings that are more than information."""
    assert item is not None
    return {f.rule for f in item.findings if f.severity != "info"}


def probe(name: str) -> dict[str, Any]:
    path = PROBES / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return yamlio.parse(path.read_text(encoding="utf-8"), str(path))  # YAML 1.2: NO is Norway


GLOBAL_PROVIDER = {"id": "hyperscaler", "headquarters": "US", "regions": ["FR", "DE", "US"], "contract_law": "IE",
                   "qualifications": ["iso27001"]}
HEALTH = {"format": "bleu-assess/v2", "organisation": {"name": "CHU", "type": "health-establishment"},
          "providers": [GLOBAL_PROVIDER],
          "platforms": [{"id": "vms", "provider": "hyperscaler", "models": ["iaas"], "hds_activities": [1, 2, 3, 4, 5, 6]}],
          "applications": [{"id": "app-fr-region", "name": "Imaging", "datasets": ["patients"],
                            "hosting": {"model": "iaas", "platform": "vms", "region": "FR"}}],
          "datasets": [{"id": "patients", "classification": "health"}]}


def test_a_declared_region_is_where_the_data_is_not_every_region_of_the_provider(write_inventory: Any) -> None:
    result = scan(write_inventory, HEALTH)
    app = result.item("app-fr-region")
    assert "HDS-HOST-001" not in rules(app) and "RES-HDS-001" not in rules(app)
    assert not {r for r in rules(app) if r.startswith("RES-")}, "no residency finding for data in France"
    assert app.residency == "compliant"
    elsewhere = copy.deepcopy(HEALTH)
    elsewhere["applications"][0]["hosting"]["region"] = "US"
    assert "RES-HDS-001" in rules(scan(write_inventory, elsewhere).item("app-fr-region"))


def test_fidelity_fr_region_from_the_v1_probe(write_inventory: Any) -> None:
    result = scan(write_inventory, probe("probe-regions-adequacy.yaml"))
    app = result.item("app-fr-region")
    assert not any(f.severity == "blocker" for f in app.findings)
    assert not {r for r in rules(app) if r.startswith(("RES-", "HDS-HOST"))}


def test_messages_name_only_the_countries_that_triggered_them(write_inventory: Any) -> None:
    doc = copy.deepcopy(HEALTH)
    doc["providers"][0]["support_regions"] = ["FR", "IE", "US"]
    doc["applications"][0]["hosting"]["region"] = None
    result = scan(write_inventory, doc)
    messages = [f.message for f in result.item("app-fr-region").findings if "outside the EEA" in f.message
                or "accessed from" in f.message]
    assert messages, "the hosting outside the EEA is reported"
    for message in messages:
        assert "France" not in message and "Ireland" not in message and "United States" in message, message
    evidence = next(f.evidence for f in result.item("app-fr-region").findings if f.rule == "RES-HDS-001")
    assert evidence["data.storage_regions"] == ["DE", "FR", "US"]  # the evidence keeps every fact tested


# Format v2 (issue 14): a class, and the answer on particular sensitivity (v1 said "sensitive").
SENSITIVE = {"classification": "special-category", "particular_sensitivity": "yes"}
STATE = {"format": "bleu-assess/v2", "organisation": {"name": "Ministère", "type": "state-administration"},
         "providers": [
             {"id": "colo", "headquarters": "FR", "regions": ["FR"], "kind": "colocation"},
             {"id": "state-cloud", "headquarters": "FR", "regions": ["FR"], "kind": "state-internal"},
             {"id": "snc-multi", "headquarters": "FR", "regions": ["FR", "DE"], "kind": "commercial"},
         ],
         "platforms": [
             {"id": "nubo", "provider": "state-cloud", "models": ["iaas", "paas"]},
             {"id": "snc-iaas", "provider": "snc-multi", "models": ["iaas"],
              "qualifications": [{"id": "secnumcloud-3.2", "scope": ["iaas"], "since": "2023-01-01",
                                  "until": "2027-01-01"}]},
         ],
         "applications": [
             {"id": "app-colo", "name": "Servers in colocation", "hosting": {"model": "on-premises", "provider": "colo"},
              "datasets": ["sens1"]},
             {"id": "app-nubo", "name": "State cloud", "hosting": {"model": "iaas", "platform": "nubo"},
              "datasets": ["sens2"]},
             {"id": "app-dr", "name": "DR in FR", "hosting": {"model": "iaas", "platform": "snc-iaas", "region": "FR"},
              "datasets": ["dr1"]},
         ],
         "datasets": [{"id": "sens1", **SENSITIVE}, {"id": "sens2", **SENSITIVE},
                      {"id": "dr1", "classification": "restricted"}]}


def test_non_commercial_hosts_are_not_non_qualified_clouds(write_inventory: Any) -> None:
    result = scan(write_inventory, STATE)
    for app_id in ("app-colo", "app-nubo"):
        assert not rules(result.item(app_id)) & {"SNC-HOST-001", "SNC-CLS-002"}, app_id
    assert result.item("app-colo").secnumcloud_scope == "required"  # still in scope: the data decide
    # The State's cloud meets the doctrine: it is a landing zone for data that must be on SecNumCloud.
    assert result.item("app-colo").platform == "nubo"


def test_diffusion_restreinte_in_the_french_region_is_compliant(write_inventory: Any) -> None:
    app = scan(write_inventory, STATE).item("app-dr")
    assert app.residency == "compliant" and "RES-DR-001" not in rules(app)
    # The offer is qualified for IaaS, used as IaaS. (secnumcloud 2.0: Diffusion Restreinte puts the
    # system in scope, SNC-DR-001, and SNC-HOST-001 says when its host is not qualified.)
    assert "SNC-HOST-001" not in rules(app)


def test_fidelity_state_probe_v1(write_inventory: Any) -> None:
    doc = probe("probe-state-colo-dr-classified.yaml")
    result = scan(write_inventory, doc)
    assert "SNC-HOST-001" not in rules(result.item("app-colo")), "on premises at a provider is colocation"
    assert result.item("app-dr").residency == "compliant" and "RES-DR-001" not in rules(result.item("app-dr"))
    # v1 cannot say that a provider is the State's own cloud: declared in v2, it is not flagged.
    doc["format"] = "bleu-assess/v2"
    for dataset in doc["datasets"]:  # as `bleu-assess upgrade` writes v1 "sensitive" data in v2
        if dataset["classification"] == "sensitive":
            dataset.update(SENSITIVE)
    next(p for p in doc["providers"] if p["id"] == "state-cloud")["kind"] = "state-internal"
    assert "SNC-HOST-001" not in rules(scan(write_inventory, doc).item("app-nubo"))


def test_an_undeclared_kind_of_host_is_commercial_only_where_it_cannot_be_anything_else(write_inventory: Any) -> None:
    # The v1 probe declares no kind (v1 had none): a French host may be the State's own cloud, so
    # whether R9 applies is unknown, never a "not qualified" finding it may not deserve.
    nubo = scan(write_inventory, probe("probe-state-colo-dr-classified.yaml")).item("app-nubo")
    assert "SNC-HOST-001" not in rules(nubo) and "SNC-UNK-003" in rules(nubo)
    assert nubo.readiness == "unknown" and "SNC-UNK-003" in nubo.unknown_reasons
    # Headquartered outside France, it cannot be the State's cloud nor a French public body's
    # shared service: presumed commercial, and flagged as before.
    doc = copy.deepcopy(STATE)
    doc["providers"][1] = {"id": "state-cloud", "headquarters": "US", "regions": ["FR"]}
    moved = scan(write_inventory, doc).item("app-nubo")
    assert "SNC-HOST-001" in rules(moved) and "SNC-UNK-003" not in rules(moved)


def test_a_qualification_counts_on_its_scope_and_dates_and_says_why_not(write_inventory: Any) -> None:
    doc = copy.deepcopy(STATE)
    doc["applications"].append({"id": "app-saas", "name": "SaaS on an IaaS qualification", "service": "mail",
                                "hosting": {"model": "saas", "platform": "snc-iaas"}, "datasets": ["sens3"]})
    doc["platforms"][1]["models"] = ["iaas", "saas"]
    doc["datasets"].append({"id": "sens3", **SENSITIVE})
    on_date = scan(write_inventory, doc)
    assert {"SNC-HOST-001", "OFR-QUAL-002"} <= rules(on_date.item("app-saas"))
    assert not rules(on_date.item("app-dr")) & {"SNC-DR-HOST-001", "SNC-HOST-001", "OFR-QUAL-001"}
    later = scan(write_inventory, doc, as_of="2027-01-02")
    # Diffusion Restreinte off a qualified offer: the same fact as SNC-HOST-001, as a blocker.
    assert {"SNC-DR-HOST-001", "OFR-QUAL-001"} <= rules(later.item("app-dr"))
    assert later.as_of == "2027-01-02" and on_date.to_dict()["as_of"] == AS_OF


def test_a_qualified_provider_s_unqualified_offer_does_not_count(write_inventory: Any) -> None:
    doc = copy.deepcopy(STATE)
    doc["platforms"].append({"id": "plain-iaas", "provider": "snc-multi", "models": ["iaas"]})
    doc["applications"][2]["hosting"]["platform"] = "plain-iaas"
    assert "SNC-DR-HOST-001" in rules(scan(write_inventory, doc).item("app-dr"))
    # v1: the provider's qualification covers all its offers, with one warning saying so.
    v1 = copy.deepcopy(doc)
    v1["format"] = "bleu-assess/v1"
    v1["datasets"] = [{"id": d["id"], "classification": "sensitive"} if d.get("particular_sensitivity") == "yes" else d
                      for d in v1["datasets"]]
    v1["providers"][2]["qualifications"] = ["secnumcloud-3.2"]
    del v1["platforms"][1]["qualifications"]
    loaded = load_inventory(write_inventory(v1))
    assert [w.field for w in loaded.warnings if "v1 meaning" in w.message] == ["format"]
    assert "SNC-HOST-001" not in rules(api.assess(loaded.inventory, lang="en", as_of=AS_OF).item("app-dr"))


def test_hds_activities_follow_the_hosting_and_the_chain_of_subprocessors(write_inventory: Any) -> None:
    doc = {"format": "bleu-assess/v2", "organisation": {"name": "CHU", "type": "health-establishment"},
           "providers": [
               {"id": "physical", "headquarters": "FR", "regions": ["FR"], "hds_activities": [1, 2, 3]},
               {"id": "managed", "headquarters": "FR", "regions": ["FR"], "hds_activities": [4, 5, 6],
                "subprocessors": [{"id": "physical", "role": "infrastructure", "data_access": "data"},
                                  {"id": "monitoring", "role": "software", "data_access": "none"}]},
               {"id": "monitoring", "headquarters": "US", "regions": ["US"]},
           ],
           "applications": [
               {"id": "vm-self-run", "name": "VMs we run", "datasets": ["d1"],
                "hosting": {"model": "iaas", "provider": "physical"}},
               {"id": "vm-managed", "name": "VMs the provider runs", "datasets": ["d2"],
                "hosting": {"model": "iaas", "provider": "physical", "provider_administers": True}},
               {"id": "via-managed", "name": "Managed on certified sites", "datasets": ["d3"],
                "hosting": {"model": "iaas", "provider": "managed", "provider_administers": True}},
           ],
           "datasets": [{"id": f"d{i}", "classification": "health"} for i in (1, 2, 3)]}
    result = scan(write_inventory, doc)
    assert "HDS-HOST-001" not in rules(result.item("vm-self-run"))  # IaaS needs 1-3
    finding = next(f for f in result.item("vm-managed").findings if f.rule == "HDS-HOST-001")
    assert finding.evidence["providers.without_hds"] == ["physical"]  # administration (5) is not certified
    assert "activities 5 (needed: 1, 2, 3, 5)" in finding.message
    managed = result.item("via-managed")
    # The infrastructure subprocessor covers 1-3; the monitoring tool reaches no data: neither
    # a missing certification nor an exposure.
    assert "HDS-HOST-001" not in rules(managed) and managed.exposure.level == "none"
    assert "RES-HDS-001" not in rules(managed)


def test_saas_lands_only_on_an_offer_that_provides_its_service(write_inventory: Any) -> None:
    doc = {"format": "bleu-assess/v2", "organisation": {"name": "Commune", "type": "local-authority"},
           "providers": [{"id": "m365", "headquarters": "FR", "regions": ["FR"]},
                         {"id": "gis-co", "headquarters": "FR", "regions": ["FR"]}],
           "platforms": [{"id": "a-suite", "provider": "m365", "models": ["saas"], "services": ["mail", "visio"]},
                         {"id": "b-gis", "provider": "gis-co", "models": ["saas"], "services": ["gis"]}],
           "applications": [{"id": app, "name": app, "service": service, "hosting": {"model": "saas", "provider": "m365"}}
                            for app, service in (("webmail", "mail"), ("sig", "gis"), ("etat-civil", "civil-registry"))],
           "datasets": []}
    result = scan(write_inventory, doc)
    assert [result.item(a).platform for a in ("webmail", "sig", "etat-civil")] == ["a-suite", "b-gis", None]
    gap = next(f for f in result.item("etat-civil").findings if f.rule == "OFR-LZ-001")
    assert "no declared SaaS offer provides this service" in gap.message and "civil-registry" in gap.message


def test_plan_holds_what_has_nowhere_to_land_and_dates_what_waits_for_a_qualification(write_inventory: Any) -> None:
    doc = copy.deepcopy(STATE)
    doc["providers"].append({"id": "bleu", "headquarters": "FR", "regions": ["FR"]})
    doc["platforms"] = [{"id": "bleu-iaas", "provider": "bleu", "models": ["iaas"], "pending_qualifications": [
        {"id": "secnumcloud-3.2", "milestone": "J1", "since": "2025-11-01", "expected": "2026-12-01"}]}]
    doc["applications"] = [doc["applications"][0],
                           {"id": "ticketing", "name": "Tickets", "service": "ticketing", "strategy": "repurchase",
                            "hosting": {"model": "on-premises"}, "datasets": ["internal"]}]
    doc["datasets"] = [doc["datasets"][0], {"id": "internal", "classification": "internal"}]
    inventory = load_inventory(write_inventory(doc)).inventory
    ig = api.graph(inventory)
    planned = words.plan(api.plan(api.assess(inventory, lang="en", ig=ig, as_of=AS_OF), ig))
    held = {h.id: h for h in planned.held}
    assert held["ticketing"].reason == "no-landing-zone" and "ticketing" in held["ticketing"].detail
    placement = next(p for w in planned.waves for p in w.placements if p.id == "app-colo")
    assert placement.not_before == "2026-12-01" and "2026-12-01" in placement.reason
    assert any("bleu-iaas" in w and "2026-12-01" in w for w in planned.warnings)


@pytest.mark.parametrize("text, message", [
    ("since: 2026-02-30", "no such date '2026-02-30': February 2026 has 28 days"),
    ("milestone: J4", "unknown value 'J4'"),
    ("since: '2027-01-01', until: '2026-01-01'", "'until' (2026-01-01) is before 'since' (2027-01-01)"),
])
def test_bad_dates_and_milestones_are_located_errors(write_inventory: Any, runner: Any, text: str, message: str) -> None:
    from bleu_assess.cli import app

    body = ("format: bleu-assess/v2\norganisation: {name: T}\nproviders:\n  - {id: p, regions: [FR]}\n"
            "platforms:\n  - id: o\n    provider: p\n    models: [iaas]\n    hds_activities: [1, 2]\n"
            f"    pending_qualifications: [{{id: secnumcloud-3.2, {text}}}]\n")
    path = write_inventory(body)
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])  # the French organisation's are French
    assert result.exit_code == 2 and f"{path}:10:" in result.output and message in result.output, result.output
    bad = write_inventory(body.replace("[1, 2]", "[1, 7]"))
    result = runner.invoke(app, ["validate", str(bad), "--lang", "en"])
    assert result.exit_code == 2 and "hds_activities[1]: unknown value 7" in result.output, result.output


def test_the_documented_example_is_a_valid_v2_inventory(write_inventory: Any) -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "inventory.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = load_inventory(write_inventory(example))
    assert loaded.inventory.format == "bleu-assess/v2" and loaded.inventory.platforms


def test_the_assessment_date_defaults_to_source_date_epoch_and_is_recorded(runner: Any, monkeypatch: Any) -> None:
    import json

    from bleu_assess.cli import app

    example = str(Path(__file__).resolve().parent.parent / "examples" / "minimal.yaml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21 UTC
    result = runner.invoke(app, ["scan", example, "-f", "json"])
    assert json.loads(result.stdout)["as_of"] == "2026-09-21"
    dated = runner.invoke(app, ["plan", example, "-f", "json", "--as-of", "2027-01-31"])
    assert json.loads(dated.stdout)["as_of"] == "2027-01-31"
    bad = runner.invoke(app, ["scan", example, "--as-of", "31/01/2027"])
    assert bad.exit_code == 2 and "31/01/2027" in bad.output and "Traceback" not in bad.output


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ALL_EXAMPLES = [EXAMPLES / "chu-exemple.yaml", EXAMPLES / "ministere-exemple.yaml", EXAMPLES / "par-service",
                Path(__file__).parent / "data" / "v1" / "chu-exemple.yaml",
                Path(__file__).parent / "data" / "v1" / "ministere-exemple.yaml"]


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_land_saas_only_on_offers_of_their_service_and_name_only_triggering_countries(
        example: Path) -> None:
    import re

    inventory = api.load(example).inventory
    result = api.assess(inventory, lang="fr", as_of=AS_OF)
    shown = {rule.id: rule.shown for ruleset in api.select_rulesets() for rule in ruleset.rules}
    for app in inventory.applications:
        verdict = result.item(app.id)
        offer = inventory.platform(verdict.platform)
        if offer is not None and set(offer.models) == {"saas"}:
            assert app.service in offer.services, f"{app.id} lands on {offer.id} without its service"
    for item in result.items:
        for finding in item.findings:
            for fact, pick in shown[finding.rule].items():
                values = finding.evidence.get(fact)
                if not isinstance(values, list):
                    continue
                for silent in set(values) - set(pick(values)):
                    assert not re.search(rf"\b{silent}\b", finding.message), (finding.rule, finding.message)


def test_an_application_on_an_offer_is_checked_against_it(write_inventory: Any, runner: Any) -> None:
    from bleu_assess.cli import app

    body = ("format: bleu-assess/v2\norganisation: {name: T}\nproviders:\n  - {id: p, regions: [FR]}\n"
            "  - {id: q, regions: [FR]}\nplatforms:\n  - {id: o, provider: p, models: [iaas]}\n"
            "applications:\n  - {id: a, name: A, hosting: {model: saas, platform: o}}\n")
    warned = runner.invoke(app, ["validate", str(write_inventory(body)), "--lang", "en"])
    assert warned.exit_code == 0 and "offer 'o' does not sell saas (it sells iaas)" in warned.output
    wrong = write_inventory(body.replace("{model: saas, platform: o}", "{model: iaas, platform: o, provider: q}"))
    result = runner.invoke(app, ["validate", str(wrong), "--lang", "en"])
    assert result.exit_code == 2 and f"{wrong}:9:" in result.output
    assert "offer 'o' is sold by 'p', not 'q'" in result.output


def test_a_v2_provider_qualification_that_no_offer_repeats_is_pointed_out(write_inventory: Any) -> None:
    doc = {"format": "bleu-assess/v2", "organisation": {"name": "T"},
           "providers": [{"id": "p", "headquarters": "FR", "regions": ["FR"], "qualifications": ["secnumcloud-3.2"]}],
           "platforms": [{"id": "o", "provider": "p", "models": ["iaas"]}]}
    warnings = load_inventory(write_inventory(doc)).warnings
    assert [w.field for w in warnings if "do not cover its offers" in w.message] == ["providers[0].qualifications"]
    doc["platforms"][0]["qualifications"] = [{"id": "secnumcloud-3.2", "scope": ["iaas"]}]
    assert not [w for w in load_inventory(write_inventory(doc)).warnings if "do not cover" in w.message]


def test_a_target_offer_whose_needed_qualification_ends_soon_is_a_condition_said_with_its_date(
        write_inventory: Any) -> None:
    # SecNumCloud required (particular sensitivity), one qualified offer whose qualification ends
    # on 2027-01-01: flagged within `expiry_warning_days` (90) of the assessment date, not before,
    # and no longer once it has ended (the offer then fits no more).
    doc = copy.deepcopy(STATE)
    doc["platforms"] = [doc["platforms"][1]]
    doc["applications"] = [doc["applications"][0]]
    doc["datasets"] = [doc["datasets"][0]]
    early = scan(write_inventory, doc).item("app-colo")
    assert early.platform == "snc-iaas" and "OFR-QUAL-003" not in rules(early)
    soon = scan(write_inventory, doc, as_of="2026-11-15").item("app-colo")
    assert soon.platform == "snc-iaas" and "OFR-QUAL-003" in rules(soon)
    assert soon.readiness == "ready-with-conditions"
    finding = next(f for f in soon.findings if f.rule == "OFR-QUAL-003")
    assert "SecNumCloud 3.2" in finding.message and "2027-01-01" in finding.message
    ended = scan(write_inventory, doc, as_of="2027-01-02").item("app-colo")
    assert ended.platform is None and "OFR-QUAL-003" not in rules(ended)
