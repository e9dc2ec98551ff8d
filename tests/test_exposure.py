"""Exposure to non-EU law, as spec/inventory.md defines it: through hosting, subprocessors,
support staff, and data flows in the direction data moves, transitively."""

from __future__ import annotations

from typing import Any

from bleu_assess import api
from bleu_assess.assess.analysis import Analysis
from bleu_assess.assess.exposure import provider_statuses
from bleu_assess.inventory.load import load_inventory


def _provider(pid: str, hq: str = "FR", **kw: Any) -> dict[str, Any]:
    return {"id": pid, "name": pid, "headquarters": hq, "regions": kw.pop("regions", ["FR"]), **kw}


def _app(aid: str, provider: str | None = None, datasets: tuple[str, ...] = (), **kw: Any) -> dict[str, Any]:
    hosting = {"model": "saas", "provider": provider} if provider else {"model": "on-premises"}
    return {"id": aid, "name": aid, "hosting": hosting, "datasets": list(datasets), **kw}


def _inventory(write_inventory: Any, providers: list[Any], apps: list[Any], datasets: list[Any],
               flows: list[Any] | None = None) -> Analysis:
    doc = {"format": "bleu-assess/v1", "organisation": {"name": "T"}, "providers": providers,
           "applications": apps, "datasets": datasets, "flows": flows or []}
    inventory = load_inventory(write_inventory(doc)).inventory
    return Analysis(api.graph(inventory))


def test_us_headquarters_exposes_a_provider_and_secnumcloud_qualification_protects_it(write_inventory: Any) -> None:
    analysis = _inventory(write_inventory, [_provider("us", "US"), _provider("snc", "US", qualifications=["secnumcloud-3.2"]),
                                            _provider("fr")], [_app("a", "us")], [])
    statuses = analysis.providers
    assert statuses["us"].exposed and statuses["us"].via == "hosting"
    assert not statuses["snc"].exposed
    assert not statuses["fr"].exposed


def test_declared_non_eu_control_and_support_staff_outside_the_eea_expose(write_inventory: Any) -> None:
    analysis = _inventory(write_inventory, [_provider("ctrl", non_eu_control=True),
                                            _provider("support", support_regions=["IN"]),
                                            _provider("norway", support_regions=["NO"])], [], [])
    assert analysis.providers["ctrl"].via == "hosting"
    assert analysis.providers["support"].via == "support"
    assert not analysis.providers["norway"].exposed  # Norway is in the EEA (and stays "NO", not false)


def test_exposure_follows_subprocessor_chains_to_the_root_cause(write_inventory: Any) -> None:
    analysis = _inventory(write_inventory, [
        _provider("front", subprocessors=["middle"]), _provider("middle", subprocessors=["cloud"]),
        _provider("cloud", "US")], [_app("a", "front", ("d",))], [{"id": "d", "classification": "health"}])
    assert analysis.providers["front"].chain == ("front", "middle", "cloud")
    facts, exposure = analysis.application_facts(analysis.inventory.applications[0])
    assert exposure.paths[0] == ("a", "provider:front", "provider:middle", "provider:cloud")
    assert facts["exposure.via"] == ("subprocessor",)
    assert exposure.level == "high"  # 85 for a subprocessor, health data: factor 1


def test_data_sent_to_an_exposed_application_exposes_its_holder_transitively(write_inventory: Any) -> None:
    analysis = _inventory(
        write_inventory, [_provider("us", "US")],
        [_app("dpi", datasets=("dossier",)), _app("relay"), _app("saas", "us")],
        [{"id": "dossier", "classification": "health"}],
        [{"from": "dpi", "to": "relay", "datasets": ["dossier"]}, {"from": "relay", "to": "saas", "datasets": ["dossier"]}])
    apps = analysis.inventory.applications_by_id
    facts, exposure = analysis.application_facts(apps["dpi"])
    assert exposure.paths[0] == ("dpi", "relay", "saas", "provider:us")
    assert facts["flows.sends_to_exposed"] == ("saas",)
    assert facts["flows.classifications_to_exposed"] == ("health",)
    assert exposure.score == 85  # flow weight 90, minus 5 for the second hop
    dataset_facts, dataset_exposure = analysis.dataset_facts(analysis.inventory.datasets[0])
    assert dataset_exposure.paths[0] == ("dossier", "saas", "provider:us")
    assert dataset_facts["recipients"] == ("relay", "saas")
    # The relay holds nothing: it is not exposed through data it merely passes on.
    assert analysis.application_facts(apps["relay"])[1].level == "none"


def test_flows_that_do_not_carry_the_data_do_not_expose_it(write_inventory: Any) -> None:
    analysis = _inventory(
        write_inventory, [_provider("us", "US")],
        [_app("a", datasets=("secret", "public-data")), _app("saas", "us")],
        [{"id": "secret", "classification": "sensitive"}, {"id": "public-data", "classification": "public"}],
        [{"from": "a", "to": "saas", "datasets": ["public-data"]}])
    _, secret = analysis.dataset_facts(analysis.inventory.datasets_by_id["secret"])
    _, public = analysis.dataset_facts(analysis.inventory.datasets_by_id["public-data"])
    assert secret.level == "none"
    assert public.level == "low"  # 90 × 0.2 = 18


def test_exposure_against_data_flowing_upstream_is_none(write_inventory: Any) -> None:
    analysis = _inventory(
        write_inventory, [_provider("us", "US")],
        [_app("a", datasets=("d",)), _app("saas", "us")], [{"id": "d", "classification": "personal"}],
        [{"from": "saas", "to": "a", "datasets": ["d"]}])
    # saas receives nothing from a: the data moves the other way. a holds d, and saas does
    # not have it, so a's data is not exposed.
    assert analysis.application_facts(analysis.inventory.applications_by_id["a"])[1].level == "none"


def test_provider_statuses_are_stable_with_subprocessor_cycles(write_inventory: Any) -> None:
    inventory = load_inventory(write_inventory({
        "format": "bleu-assess/v1", "organisation": {"name": "T"},
        "providers": [_provider("a", subprocessors=["b"]), _provider("b", subprocessors=["a", "c"]), _provider("c", "CN")],
    })).inventory
    statuses = provider_statuses(inventory)
    assert statuses["a"].chain == ("a", "b", "c") and statuses["b"].chain == ("b", "c")
    assert set(statuses["a"].closure) == {"a", "b", "c"}


def test_country_groups_are_country_codes() -> None:
    from bleu_assess.rules.refdata import region_groups

    groups = region_groups()
    assert "NO" in groups["eu-eea"] and "NO" not in groups["eu"]
    assert all(isinstance(c, str) and len(c) == 2 and c.isupper() for g in groups.values() for c in g)
    assert len(groups["eu"]) == 27 and len(groups["eu-eea"]) == 30


def test_data_sent_on_is_no_more_exposed_than_where_it_goes(write_inventory: Any) -> None:
    # A Région's billing sends personal data to a German SaaS that declares US operations
    # (non_eu_jurisdictions: the lower-weight path) and to a French one whose support works
    # from India: the sender is exposed through them, never above them.
    analysis = _inventory(write_inventory, [_provider("de", "DE", non_eu_jurisdictions=["US"]),
                                            _provider("fr", support_regions=["IN"])],
                          [_app("sender", None, ("d",)), _app("de-saas", "de"), _app("fr-saas", "fr")],
                          [{"id": "d", "classification": "personal"}],
                          [{"from": "sender", "to": "de-saas", "datasets": ["d"]},
                           {"from": "sender", "to": "fr-saas", "datasets": ["d"]}])
    apps = {a.id: analysis.application_facts(a)[1] for a in analysis.inventory.applications}
    assert apps["de-saas"].score > 0 and apps["fr-saas"].score > apps["de-saas"].score
    assert apps["sender"].score == apps["fr-saas"].score  # its most exposed recipient's, not the flow's 90
