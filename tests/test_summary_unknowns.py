"""The one-page summary of a hospital whose hosts' kind and data are partly undeclared: an
application held for missing facts is listed under what is missing (« Nature de l'hébergeur
non déclarée »), not under the readiness word « Indéterminé »; every rule that leaves readiness
unknown for a missing fact names it among the unknowns; and the headline figures count
applications only, so that they add up to the applications' total."""

from __future__ import annotations

from typing import Any

from bleu_assess import api
from bleu_assess.render.summary import one_page


def hospital() -> dict[str, Any]:
    return {
        "format": "bleu-assess/v2",
        "organisation": {"name": "CHU", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "hds-lyon", "name": "Hébergeur HDS Lyon", "headquarters": "FR", "regions": ["FR"],
                       "qualifications": ["hds"]},
                      {"id": "us-mail", "name": "Mail Corp.", "headquarters": "US", "regions": ["US"]}],
        "applications": [
            {"id": "dpi", "name": "Dossier patient", "criticality": "vital",
             "hosting": {"model": "iaas", "provider": "hds-lyon"}, "datasets": ["dossiers"]},
            {"id": "mail", "name": "Messagerie", "hosting": {"model": "saas", "provider": "us-mail"}},
            {"id": "lits", "name": "Gestion des lits", "datasets": ["occupation"]},
        ],
        "datasets": [{"id": "dossiers", "name": "Dossiers patients", "classification": "health"},
                     {"id": "occupation", "name": "Occupation des lits", "classification": "health"}],
    }


def test_held_for_missing_facts_says_which_and_the_figures_add_up(write_inventory: Any) -> None:
    inventory = api.load(write_inventory(hospital())).inventory
    scan = api.assess(inventory, lang="fr")
    page = one_page(scan, api.plan(scan, api.graph(inventory)), inventory)
    cannot = {group["why"]: group["names"] for group in page["cannot"]}
    assert cannot.get("Nature de l'hébergeur non déclarée") == "Dossier patient"
    assert "Indéterminé" not in cannot
    unknowns = " ".join(page["unknowns"]["lines"])
    assert "Nature de l'hébergeur non déclarée : Dossier patient" in unknowns.replace("\u202f", " ").replace("\xa0", " ")
    assert "Données non déclarées hors de l'EEE" in unknowns
    figures = {kind: value for value, _, kind in page["figures"]}
    assert figures["unknown"] == 3 and page["unknowns"]["count"] == 4  # the beds' dataset too, named
    assert figures["ready"] + figures["not-ready"] + figures["neutral"] + figures["unknown"] == figures["total"] == 3


def test_data_to_qualify_is_data_not_classified_not_data_whose_location_is_unknown(write_inventory: Any) -> None:
    # The beds' health data is classified: only where it lives is unknown (its application
    # declares no hosting), which the unknowns say; the mail's data is not classified at all.
    data = hospital()
    data["applications"][1]["datasets"] = ["courriels"]
    data["datasets"].append({"id": "courriels", "name": "Courriels"})
    inventory = api.load(write_inventory(data)).inventory
    scan = api.assess(inventory, lang="fr")
    page = one_page(scan, api.plan(scan, api.graph(inventory)), inventory)
    sensitivity = " ".join(next(d for d in page["decisions"] if d["kind"] == "sensitivity")["lines"])
    assert "Données non classées : Courriels" in sensitivity.replace("\u202f", " ").replace("\xa0", " ")
    assert "Occupation des lits" not in sensitivity and "Indéterminé" not in sensitivity
    assert any("Occupation des lits" in line for line in page["unknowns"]["lines"])


def test_the_headline_counts_as_unknown_only_what_cannot_be_assessed(write_inventory: Any) -> None:
    # The mail stays (strategy retain) and is not ready (health data at a host without HDS); where its
    # data lives is not declared (its
    # residency is provisional): it is one of the applications staying, as the plan says, and is
    # named among the unknowns, not counted as an application that cannot be assessed.
    inventory_data = hospital()
    inventory_data["applications"][1]["strategy"] = "retain"
    inventory_data["applications"][1]["datasets"] = ["courriels"]
    inventory_data["applications"].pop()  # the beds, which cannot be assessed
    inventory_data["datasets"] = [inventory_data["datasets"][0],
                                  {"id": "courriels", "name": "Courriels", "classification": "health"}]
    inventory_data["providers"][1].pop("regions")
    inventory = api.load(write_inventory(inventory_data)).inventory
    scan = api.assess(inventory, lang="fr")
    plan = api.plan(scan, api.graph(inventory))
    page = one_page(scan, plan, inventory)
    figures = {kind: value for value, _, kind in page["figures"]}
    mail = scan.item("mail")
    assert mail.readiness == "not-ready"
    assert figures["neutral"] == len(plan.staying) == 1
    assert figures["unknown"] == scan.summary()["cannot_assess"]["applications"]
    assert any("Messagerie" in line for line in page["unknowns"]["lines"])
    assert figures["ready"] + figures["not-ready"] + figures["neutral"] + figures["unknown"] == figures["total"] == 2
