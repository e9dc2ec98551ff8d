"""The report's overview diagram: applications, their hosts and the hosts' subprocessors (not only
those on an exposure path)."""

from __future__ import annotations

from typing import Any

from bleu_assess import api
from bleu_assess.render.diagram import diagrams

TITLES = {"exposure": "Exposure", "overview": "Overview", "item": "{name}"}


def test_the_overview_draws_a_host_s_subprocessors(write_inventory: Any) -> None:
    path = write_inventory({
        "format": "bleu-assess/v2",
        "organisation": {"name": "Mairie", "type": "local-authority"},
        "providers": [
            {"id": "saas-fr", "kind": "commercial", "headquarters": "FR", "regions": ["FR"],
             "subprocessors": [{"id": "hyperscaler", "role": "infrastructure", "data_access": "data"}]},
            {"id": "hyperscaler", "kind": "commercial", "headquarters": "DE", "regions": ["FR"]},
        ],
        "applications": [{"id": "etat-civil", "name": "État civil", "hosting": {"model": "saas", "provider": "saas-fr"},
                          "datasets": ["actes"]}],
        "datasets": [{"id": "actes", "classification": "personal"}],
    })
    inventory = api.load(path).inventory
    result = api.scan(inventory)
    overview = next(d for d in diagrams(result.items, inventory, TITLES)
                    if d.key == "overview")
    assert overview.edges[("application:etat-civil", "provider:saas-fr")] == "hosted_by"
    assert overview.edges[("provider:saas-fr", "provider:hyperscaler")] == "subprocessor"
