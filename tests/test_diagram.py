"""The report's overview diagram: applications, their hosts and the hosts' subprocessors (not only
those on an exposure path)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.render.diagram import diagrams, dot_available

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


@pytest.mark.skipif(not dot_available(), reason="Graphviz (dot) is not installed")
def test_a_layout_is_read_back_from_the_cache_and_a_failure_is_not_kept(
        write_inventory: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bleu_assess.render import diagram

    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path))
    path = write_inventory({
        "format": "bleu-assess/v2",
        "organisation": {"name": "Mairie", "type": "local-authority"},
        "providers": [{"id": "saas-fr", "kind": "commercial", "headquarters": "FR", "regions": ["FR"]}],
        "applications": [{"id": "etat-civil", "name": "État civil", "hosting": {"model": "saas", "provider": "saas-fr"}}],
    })
    inventory = api.load(path).inventory
    pictures = [(d, "Titre", "Description") for d in diagrams(api.scan(inventory).items, inventory, TITLES)]
    calls: list[Any] = []
    run = subprocess.run

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return run(*args, **kwargs)

    monkeypatch.setattr(diagram.subprocess, "run", counted)
    laid_out = diagram.render_svgs(pictures)
    assert len(calls) == 1 and all(svg and svg.startswith("<svg ") for svg in laid_out)
    assert diagram.render_svgs(pictures) == laid_out and len(calls) == 1  # from the cache: no `dot` process
    fresh = tmp_path / "other"
    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(fresh))

    def failing(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 1, "", "Error: syntax error")

    monkeypatch.setattr(diagram.subprocess, "run", failing)
    assert diagram.render_svgs(pictures) == [None] * len(pictures)
    monkeypatch.setattr(diagram.subprocess, "run", run)
    assert diagram.render_svgs(pictures) == laid_out  # the failure was not kept
