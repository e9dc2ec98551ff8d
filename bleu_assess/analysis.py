"""Graph analysis: who is exposed to non-EU law and how, and the facts rules are written against.

Exposure semantics (spec/inventory.md): a provider is exposed when its headquarters are outside
the EU/EEA, it is under non-EU control, staff with access work from outside the EU/EEA, or one
of its subprocessors is exposed — unless it holds `secnumcloud-3.2`. Data is exposed wherever
an application hosted by an exposed provider holds or receives it; exposure follows flows in the
direction data moves, transitively. An application is exposed through its own hosting and
through the datasets it holds.

Everything here is linear in the size of the inventory: provider closures are computed once,
and each dataset's flows are walked once, backwards from the exposed applications.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from bleu_assess.graph import InventoryGraph
from bleu_assess.model import Application, Dataset, Inventory, Provider
from bleu_assess.refdata import VerdictModel, home_countries, verdict_model
from bleu_assess.results import Exposure

SNC = "secnumcloud-3.2"
MAX_PATHS = 5

# The facts rules may test (docs/rulesets.md): name -> (kinds it exists for, type).
BOTH = ("application", "dataset")
APP = ("application",)
DATA = ("dataset",)
FACTS: dict[str, tuple[tuple[str, ...], str]] = {
    "kind": (BOTH, "string"), "id": (BOTH, "string"), "name": (BOTH, "string"),
    "organisation.type": (BOTH, "string"), "organisation.country": (BOTH, "string"),
    "organisation.designations": (BOTH, "list"),
    "data.classifications": (BOTH, "list"), "data.held_classifications": (BOTH, "list"),
    "data.personal": (BOTH, "bool"), "data.regions": (BOTH, "list"), "data.support_regions": (BOTH, "list"),
    "data.regions_known": (BOTH, "bool"),
    "providers.involved": (BOTH, "list"), "providers.exposed": (BOTH, "list"),
    "providers.without_hds": (BOTH, "list"), "providers.without_secnumcloud": (BOTH, "list"),
    "providers.unknown_headquarters": (BOTH, "list"),
    "exposure.level": (BOTH, "string"), "exposure.score": (BOTH, "number"), "exposure.exposed": (BOTH, "bool"),
    "exposure.via": (BOTH, "list"), "exposure.path": (BOTH, "list"),
    "criticality": (APP, "string"), "strategy": (APP, "string"), "owner": (APP, "string"),
    "users": (APP, "number"), "blockers": (APP, "list"), "tags": (APP, "list"),
    "hosting.model": (APP, "string"), "hosting.region": (APP, "string"), "hosting.provider": (APP, "string"),
    "provider.declared": (APP, "bool"), "provider.headquarters": (APP, "string"),
    "provider.contract_law": (APP, "string"), "provider.non_eu_control": (APP, "bool"),
    "provider.qualifications": (APP, "list"), "provider.pending_qualifications": (APP, "list"),
    "provider.regions": (APP, "list"), "provider.support_regions": (APP, "list"),
    "provider.subprocessors": (APP, "list"), "provider.exposed": (APP, "bool"),
    "provider.ownership.largest_non_eu_pct": (APP, "number"), "provider.ownership.total_non_eu_pct": (APP, "number"),
    "flows.sends_to_exposed": (APP, "list"), "flows.classifications_to_exposed": (APP, "list"),
    "flows.receives_from": (APP, "list"), "data.shared_with_exposed": (APP, "list"),
    "dependencies.count": (APP, "number"), "dependencies.in_cycle": (APP, "bool"),
    "classification": (DATA, "string"), "personal_data": (DATA, "bool"), "volume_gb": (DATA, "number"),
    "location": (DATA, "string"), "holders": (DATA, "list"), "recipients": (DATA, "list"),
    # Servers (optional section): what runs the application.
    "servers": (APP, "list"), "servers.os_out_of_support": (APP, "list"), "hosting.from_servers": (APP, "bool"),
    "dependencies.unknown_providers": (APP, "list"),
    # Second pass: known once the first pass has set verdicts.
    "verdict.secnumcloud_scope": (BOTH, "string"), "verdict.target": (BOTH, "string"),
    "verdict.residency": (BOTH, "string"), "platform.id": (BOTH, "string"), "platform.pending": (BOTH, "list"),
}
SECOND_PASS_PREFIXES = ("verdict.", "platform.")
# Facts whose values are codes with a label in the values catalogue (templates/i18n/values.*):
# messages show the label in the reader's language ("santé", not "health").
LABELLED: dict[str, str] = {
    "data.classifications": "classification", "data.held_classifications": "classification",
    "flows.classifications_to_exposed": "classification", "classification": "classification",
    "criticality": "criticality", "hosting.model": "hosting", "organisation.designations": "designation",
    "exposure.level": "exposure", "verdict.secnumcloud_scope": "secnumcloud_scope",
    "verdict.target": "target", "verdict.residency": "residency",
}


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    exposed: bool
    via: str | None  # hosting | support | subprocessor
    chain: tuple[str, ...]  # provider ids from this one to the root cause
    closure: tuple[str, ...]  # this provider and its subprocessors, transitively


@dataclass(frozen=True, slots=True)
class _ProviderGroup:
    """The facts of a set of providers (with their subprocessors), shared by the items they serve."""

    facts: dict[str, Any]  # providers.*
    regions: frozenset[str]
    support: tuple[str, ...]  # sorted
    known: bool  # every provider involved declares its regions


_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Path:
    score: int
    via: str
    ids: tuple[str, ...]


def provider_statuses(inventory: Inventory) -> dict[str, ProviderStatus]:
    home = home_countries()
    providers = inventory.providers_by_id
    direct: dict[str, str] = {}
    for p in inventory.providers:
        if SNC in p.qualifications:
            continue
        hq_outside = p.headquarters is not None and p.headquarters not in home
        if hq_outside or p.non_eu_control:
            direct[p.id] = "hosting"
        elif any(region not in home for region in p.effective_support_regions):
            direct[p.id] = "support"
    # Backwards from the directly exposed providers along "relies on" edges, skipping
    # SecNumCloud-qualified ones (immune by qualification): the first hop found is the shortest.
    users: dict[str, list[str]] = defaultdict(list)
    for p in inventory.providers:
        for sub in p.subprocessors:
            users[sub].append(p.id)
    chains: dict[str, tuple[str, ...]] = {pid: (pid,) for pid in direct}
    queue = deque(sorted(direct))
    while queue:
        current = queue.popleft()
        for user in sorted(users[current]):
            if user not in chains and SNC not in providers[user].qualifications:
                chains[user] = (user, *chains[current])
                queue.append(user)
    statuses = {}
    for p in inventory.providers:
        chain = chains.get(p.id, ())
        via = direct.get(p.id) or ("subprocessor" if chain else None)
        statuses[p.id] = ProviderStatus(bool(chain), via, chain, _closure(p.id, providers))
    return statuses


def _closure(root: str, providers: dict[str, Provider]) -> tuple[str, ...]:
    seen = [root]
    stack = [root]
    while stack:
        for sub in providers[stack.pop()].subprocessors:
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return tuple(seen)


class Analysis:
    """Facts of every item, computed once for the whole inventory."""

    def __init__(self, ig: InventoryGraph) -> None:
        self.ig = ig
        self.inventory = inv = ig.inventory
        self.model: VerdictModel = verdict_model()
        self.providers = provider_statuses(inv)
        self.datasets = inv.datasets_by_id
        self.apps = inv.applications_by_id
        # Flow edges per dataset: dataset -> list of (sender, receiver).
        self.edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.received: dict[str, set[str]] = defaultdict(set)
        self.senders: dict[str, set[str]] = defaultdict(set)
        for flow in inv.flows:
            self.senders[flow.target].add(flow.source)
            for d in flow.datasets:
                self.edges[d].append((flow.source, flow.target))
                self.received[flow.target].add(d)
        self.holders: dict[str, list[str]] = defaultdict(list)
        for app in inv.applications:
            for d in app.datasets:
                self.holders[d].append(app.id)
        self.app_provider_status = {
            a.id: self.providers[a.hosting.provider] for a in inv.applications
            if a.hosting is not None and a.hosting.provider
        }
        self.in_cycle = {a for group in ig.dependency_cycles() for a in group}
        self._propagate()
        org = inv.organisation
        self._organisation_facts = {"organisation.type": org.type, "organisation.country": org.country,
                                    "organisation.designations": tuple(sorted(org.designations))}
        self._groups: dict[frozenset[str], _ProviderGroup] = {}
        self._provider_blocks: dict[str | None, dict[str, Any]] = {}
        self._region_lists: dict[tuple[frozenset[str], frozenset[str]], tuple[str, ...]] = {}

    # -- exposure ---------------------------------------------------------------------------

    def _weight(self, via: str, hops: int = 1) -> float:
        weights = self.model.exposure["via_weights"]
        if via in ("flow", "dataset"):
            return weights["flow"] - self.model.exposure["flow_hop_penalty"] * max(hops - 1, 0)
        return float(weights[via])

    def _factor(self, classifications: Any) -> float:
        factors = self.model.exposure["data_factors"]
        return max((factors[c] for c in classifications), default=factors["none"])

    def _provider_tail(self, app_id: str) -> tuple[str, ...]:
        status = self.app_provider_status[app_id]
        return tuple(f"provider:{p}" for p in status.chain)

    def _exposed_app(self, app_id: str) -> bool:
        status = self.app_provider_status.get(app_id)
        return bool(status and status.exposed)

    def _propagate(self) -> None:
        """Per dataset, walk its flows backwards from the applications where it is exposed: each
        application learns its next hop towards exposure (one pass per dataset's flows)."""
        self.dataset_paths: dict[str, list[_Path]] = {}
        self.app_data_paths: dict[str, list[_Path]] = defaultdict(list)
        self.sends_to_exposed: dict[str, set[str]] = defaultdict(set)
        self.classes_to_exposed: dict[str, set[str]] = defaultdict(set)
        self.classes_shared: dict[str, set[str]] = defaultdict(set)
        self.reach: dict[str, set[str]] = {}
        for d, dataset in self.datasets.items():
            holders = self.holders.get(d, [])
            edges = self.edges.get(d, [])
            forward: dict[str, list[str]] = defaultdict(list)
            backward: dict[str, list[str]] = defaultdict(list)
            for u, v in edges:
                forward[u].append(v)
                backward[v].append(u)
            # Where the data is: holders, then onwards along the flows that carry it.
            reach = set(holders)
            queue = deque(holders)
            while queue:
                for v in forward[queue.popleft()]:
                    if v not in reach:
                        reach.add(v)
                        queue.append(v)
            self.reach[d] = reach
            exposed_at = sorted(a for a in reach if self._exposed_app(a))
            factor = self._factor((dataset.classification,))
            paths = []
            for app_id in exposed_at:
                status = self.app_provider_status[app_id]
                weight = self._weight(status.via or "hosting")
                paths.append(_Path(round(weight * factor), status.via or "hosting",
                                   (d, app_id, *self._provider_tail(app_id))))
            self.dataset_paths[d] = paths
            if not exposed_at:
                continue
            # Backwards from the exposed places: next hop and distance for every sender upstream.
            next_hop: dict[str, str | None] = {a: None for a in exposed_at}
            distance = {a: 0 for a in exposed_at}
            queue = deque(exposed_at)
            while queue:
                v = queue.popleft()
                for u in sorted(backward[v]):
                    if u not in next_hop:
                        next_hop[u], distance[u] = v, distance[v] + 1
                        queue.append(u)
            nearest = exposed_at[0]
            for holder in holders:
                if self._exposed_app(holder):
                    continue  # its own hosting already says it, with a stronger weight
                if holder in next_hop:
                    chain = [holder]
                    while next_hop[chain[-1]] is not None:
                        chain.append(next_hop[chain[-1]])  # type: ignore[arg-type]
                    via, hops, end = "flow", distance[holder], chain[-1]
                    self.sends_to_exposed[holder].add(end)
                    self.classes_to_exposed[holder].add(dataset.classification)
                else:  # the dataset is exposed where another application holds it
                    chain, via, hops, end = [holder, nearest], "dataset", 1, nearest
                    self.classes_shared[holder].add(dataset.classification)
                score = round(self._weight(via, hops) * factor)
                self.app_data_paths[holder].append(_Path(score, via, (*chain, *self._provider_tail(end))))

    def app_exposure(self, app: Application, classifications: tuple[str, ...]) -> tuple[Exposure, tuple[str, ...]]:
        paths = list(self.app_data_paths.get(app.id, ()))
        status = self.app_provider_status.get(app.id)
        if status and status.exposed:
            via = status.via or "hosting"
            score = round(self._weight(via) * self._factor(classifications))
            paths.append(_Path(score, via, (app.id, *self._provider_tail(app.id))))
        return self._exposure(paths)

    def dataset_exposure(self, dataset: Dataset) -> tuple[Exposure, tuple[str, ...]]:
        return self._exposure(self.dataset_paths.get(dataset.id, []))

    def _exposure(self, paths: list[_Path]) -> tuple[Exposure, tuple[str, ...]]:
        if not paths:
            return Exposure(), ()
        paths.sort(key=lambda p: (-p.score, len(p.ids), p.ids))
        score = min(100, max(0, paths[0].score))
        unique = tuple(dict.fromkeys(p.ids for p in paths))[:MAX_PATHS]
        exposure = Exposure(self.model.exposure_level(score), score, unique)
        return exposure, tuple(sorted({p.via for p in paths}))

    # -- facts ------------------------------------------------------------------------------
    # Most facts are the same for every item that shares a provider (or a set of providers):
    # they are computed once per provider or provider set, and copied into each item's facts.

    def _provider_facts(self, provider_ids: frozenset[str]) -> _ProviderGroup:
        group = self._groups.get(provider_ids)
        if group is not None:
            return group
        providers = self.inventory.providers_by_id
        involved = sorted({p for pid in provider_ids for p in self.providers[pid].closure})
        regions: set[str] = set()
        support: set[str] = set()
        known = True
        for pid in involved:
            p = providers[pid]
            regions.update(p.regions)
            support.update(p.effective_support_regions)
            known = known and bool(p.regions)
        facts = {
            "providers.involved": tuple(involved),
            "providers.exposed": tuple(p for p in involved if self.providers[p].exposed),
            "providers.without_hds": tuple(p for p in involved if "hds" not in providers[p].qualifications),
            "providers.without_secnumcloud": tuple(p for p in involved if SNC not in providers[p].qualifications),
            "providers.unknown_headquarters": tuple(p for p in involved if providers[p].headquarters is None),
        }
        group = self._groups[provider_ids] = _ProviderGroup(facts, frozenset(regions), tuple(sorted(support)), known)
        return group

    def _sorted_regions(self, regions: frozenset[str], extra: frozenset[str]) -> tuple[str, ...]:
        key = (regions, extra)
        found = self._region_lists.get(key)
        if found is None:
            found = self._region_lists[key] = tuple(sorted(regions | extra))
        return found

    def _common(self, kind: str, item_id: str, name: str) -> dict[str, Any]:
        facts = {"kind": kind, "id": item_id, "name": name}
        facts.update(self._organisation_facts)
        return facts

    def _application_provider_facts(self, provider: Provider | None) -> dict[str, Any]:
        key = provider.id if provider else None
        facts = self._provider_blocks.get(key)
        if facts is not None:
            return facts
        status = self.providers.get(provider.id) if provider else None
        own = provider.ownership if provider else None
        facts = self._provider_blocks[key] = {
            "provider.declared": provider is not None,
            "provider.headquarters": provider.headquarters if provider else None,
            "provider.contract_law": provider.contract_law if provider else None,
            "provider.non_eu_control": self._non_eu_control(provider),
            "provider.qualifications": tuple(sorted(provider.qualifications)) if provider else (),
            "provider.pending_qualifications": tuple(sorted(provider.pending_qualifications)) if provider else (),
            "provider.regions": tuple(sorted(provider.regions)) if provider else (),
            "provider.support_regions": tuple(sorted(provider.effective_support_regions)) if provider else (),
            "provider.subprocessors": tuple(sorted(provider.subprocessors)) if provider else (),
            "provider.exposed": bool(status and status.exposed),
            "provider.ownership.largest_non_eu_pct": own.largest_non_eu_pct if own else None,
            "provider.ownership.total_non_eu_pct": own.total_non_eu_pct if own else None,
        }
        return facts

    def application_facts(self, app: Application) -> tuple[dict[str, Any], Exposure]:
        inv = self.inventory
        datasets = self.datasets
        held = [datasets[d] for d in app.datasets]
        received_ids = self.received.get(app.id)
        data = held + [datasets[d] for d in sorted(received_ids)] if received_ids else held
        classifications = tuple(sorted({d.classification for d in data}))
        hosting = app.hosting
        provider = inv.provider(hosting.provider) if hosting else None
        group = self._provider_facts(frozenset((provider.id,)) if provider else frozenset())
        region = inv.hosting_region(app)
        # Where the application stores and processes data; datasets stored elsewhere (`location`)
        # are assessed as datasets, so as not to lend one dataset's location to another.
        exposure, via = self.app_exposure(app, classifications)
        facts = self._common("application", app.id, app.name)
        facts.update(group.facts)
        facts.update({
            "data.classifications": classifications,
            "data.held_classifications": tuple(sorted({d.classification for d in held})),
            "data.personal": any(d.personal_data for d in data),
            "data.regions": self._sorted_regions(group.regions, frozenset((region,)) if region else _NONE),
            "data.support_regions": group.support,
            "data.regions_known": hosting is not None and group.known and region is not None,
            "exposure.level": exposure.level, "exposure.score": exposure.score,
            "exposure.exposed": exposure.level != "none", "exposure.via": via,
            "exposure.path": exposure.paths[0] if exposure.paths else (),
            "criticality": app.criticality, "strategy": app.strategy, "owner": app.owner, "users": app.users,
            "blockers": tuple(app.blockers), "tags": tuple(sorted(app.tags)),
            "hosting.model": hosting.model if hosting else None, "hosting.region": region,
            "hosting.provider": hosting.provider if hosting else None,
        })
        facts.update(self._application_provider_facts(provider))
        sends = self.sends_to_exposed.get(app.id)
        classes = self.classes_to_exposed.get(app.id)
        senders = self.senders.get(app.id)
        shared = self.classes_shared.get(app.id)
        facts.update({
            "flows.sends_to_exposed": tuple(sorted(sends)) if sends else (),
            "flows.classifications_to_exposed": tuple(sorted(classes)) if classes else (),
            "flows.receives_from": tuple(sorted(senders)) if senders else (),
            "data.shared_with_exposed": tuple(sorted(shared)) if shared else (),
            "dependencies.count": len([d for d in app.depends_on if d != app.id]),
            "dependencies.in_cycle": app.id in self.in_cycle,
        })
        servers = inv.servers_by_application.get(app.id, ())
        facts.update({
            "servers": tuple(sorted(s.id for s in servers)),
            "servers.os_out_of_support": tuple(sorted(s.id for s in servers if s.os_support == "out-of-support")),
            "hosting.from_servers": app.id in inv.hosting_from_servers,
            "dependencies.unknown_providers": self._unknown_dependencies(app),
        })
        return facts, exposure

    def _unknown_dependencies(self, app: Application) -> tuple[str, ...]:
        """Applications this one needs that run at a provider declaring neither headquarters nor
        control (an external endpoint found by discovery, not yet classified)."""
        inv = self.inventory
        out = []
        for dep in app.depends_on:
            target = inv.applications_by_id.get(dep)
            provider = inv.provider(target.hosting.provider) if target and target.hosting else None
            if provider is not None and provider.headquarters is None and provider.non_eu_control is None:
                out.append(dep)
        return tuple(sorted(out))

    def _non_eu_control(self, provider: Provider | None) -> bool | None:
        if provider is None:
            return None
        if provider.non_eu_control is not None:
            return provider.non_eu_control
        return None if provider.headquarters is None else provider.headquarters not in home_countries()

    def dataset_facts(self, dataset: Dataset) -> tuple[dict[str, Any], Exposure]:
        inv = self.inventory
        holders = sorted(self.holders.get(dataset.id, ()))
        reach = self.reach.get(dataset.id, set())
        places = [self.apps[a] for a in sorted(reach)]
        provider_ids = frozenset(a.hosting.provider for a in places if a.hosting is not None and a.hosting.provider)
        group = self._provider_facts(provider_ids)
        extra = {r for r in (inv.hosting_region(a) for a in places) if r}
        if dataset.location:
            extra.add(dataset.location)
        exposure, via = self.dataset_exposure(dataset)
        facts = self._common("dataset", dataset.id, dataset.name)
        facts.update(group.facts)
        known = group.known and all(a.hosting is not None for a in places)
        facts.update({
            "data.classifications": (dataset.classification,),
            "data.held_classifications": (dataset.classification,),
            "data.personal": dataset.personal_data,
            "data.regions": self._sorted_regions(group.regions, frozenset(extra)),
            "data.support_regions": group.support,
            "data.regions_known": known and (bool(places) or dataset.location is not None),
            "exposure.level": exposure.level, "exposure.score": exposure.score,
            "exposure.exposed": exposure.level != "none", "exposure.via": via,
            "exposure.path": exposure.paths[0] if exposure.paths else (),
            "classification": dataset.classification, "personal_data": dataset.personal_data,
            "volume_gb": dataset.volume_gb, "location": dataset.location,
            "holders": tuple(holders), "recipients": tuple(sorted(reach.difference(holders))),
        })
        return facts, exposure
