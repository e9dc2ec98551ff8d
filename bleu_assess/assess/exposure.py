"""Exposure to non-EU law: which providers are exposed and how, and which applications and
datasets that reaches, with a score and the chains of ids it goes through (spec/results.md).

Semantics (spec/inventory.md): a provider is exposed when its headquarters are outside the
EU/EEA, it is under non-EU control, staff with access work from outside the EU/EEA, or one of
its subprocessors is exposed — unless it holds `secnumcloud-3.2`. Data is exposed wherever an
application hosted by an exposed provider holds or receives it; exposure follows flows in the
direction data moves, transitively. An application is exposed through its own hosting and
through the datasets it holds. Weights, data factors and level thresholds are data
(rulesets/verdicts.yaml, `exposure`).

Everything here is linear in the size of the inventory: provider closures are computed once,
and each dataset's flows are walked once, backwards from the exposed applications.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from bleu_assess.assess.finding import quick_init
from bleu_assess.assess.offers import Profile
from bleu_assess.assess.results import Exposure
from bleu_assess.clock import assessment_date
from bleu_assess.inventory.model import Application, Dataset, Inventory, Provider
from bleu_assess.rules.refdata import VerdictModel, group_of, home_countries

SNC = "secnumcloud-3.2"
MAX_PATHS = 5
_NONE = Exposure()  # no exposure (a frozen record, shared)


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    exposed: bool
    via: str | None  # hosting | support | subprocessor
    chain: tuple[str, ...]  # provider ids from this one to the root cause
    closure: tuple[str, ...]  # this provider and its subprocessors, transitively


@quick_init  # some 20,000 paths at 10,000 applications
@dataclass(frozen=True, slots=True)
class _Path:
    score: int
    via: str
    ids: tuple[str, ...]


def immune(provider: Provider, as_of: str) -> bool:
    """Qualified SecNumCloud as a whole (provider-level, in force): immune to non-EU law (§19.6)."""
    return any(q.id == SNC and q.in_force(as_of) for q in provider.qualifications)


def provider_statuses(inventory: Inventory, as_of: str | None = None) -> dict[str, ProviderStatus]:
    """Exposure of each provider as a whole on `as_of` (YYYY-MM-DD, default today); offer-level
    qualifications are applied per application, in Analysis. A subprocessor with no access to
    data exposes no one."""
    as_of = as_of or assessment_date()
    home = home_countries()
    providers = inventory.providers_by_id
    qualified = {p.id for p in inventory.providers if immune(p, as_of)}
    direct: dict[str, str] = {}
    for p in inventory.providers:
        if p.id in qualified:
            continue
        hq_outside = p.headquarters is not None and p.headquarters not in home
        if hq_outside or p.non_eu_control:
            direct[p.id] = "hosting"
        elif any(region not in home for region in p.effective_support_regions):
            direct[p.id] = "support"
        elif any(country not in home for country in p.non_eu_jurisdictions):
            direct[p.id] = "jurisdiction"  # a separate, lower-weight path (verdicts.yaml)
    # Backwards from the directly exposed providers along "relies on" edges, skipping
    # SecNumCloud-qualified ones (immune by qualification): the first hop found is the shortest.
    users: dict[str, list[str]] = defaultdict(list)
    for p in inventory.providers:
        for link in p.subprocessors:
            if link.data_access != "none":
                users[link.id].append(p.id)
    chains: dict[str, tuple[str, ...]] = {pid: (pid,) for pid in direct}
    # A declared jurisdiction is not followed up the chain: only its own provider is exposed by it.
    queue = deque(sorted(pid for pid, via in direct.items() if via != "jurisdiction"))
    while queue:
        current = queue.popleft()
        for user in sorted(users[current]):
            if user not in chains and user not in qualified:
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
        for link in providers[stack.pop()].subprocessors:
            if link.data_access != "none" and link.id not in seen:
                seen.append(link.id)
                stack.append(link.id)
    return tuple(seen)


class Exposures:
    """Exposure of every provider, application and dataset of one inventory on `as_of`.

    `providers`: provider id -> ProviderStatus (as a whole); `app_provider_status`: application
    id -> the status of its hosting provider, immune on an offer qualified secnumcloud-3.2;
    `reach`: dataset id -> applications holding or receiving it; per application, the
    applications it sends data to that are exposed (`sends_to_exposed`), the classes of data that
    reach them (`classes_to_exposed`), the classes it shares with an exposed holder
    (`classes_shared`), and whether it sends health data to a host lacking HDS or storing outside
    the EEA (`health_to_uncertified`)."""

    def __init__(self, inventory: Inventory, as_of: str, model: VerdictModel, app_profile: dict[str, Profile],
                 holders: dict[str, list[str]], forward: dict[str, dict[str, list[str]]]) -> None:
        self.inventory = inventory
        self.model = model
        self.app_profile = app_profile
        self.holders, self.forward = holders, forward
        self.datasets = inventory.datasets_by_id
        self.providers = provider_statuses(inventory, as_of)
        self.app_provider_status: dict[str, ProviderStatus] = {}
        for a in inventory.applications:
            provider = inventory.hosting_provider(a)
            if provider is not None:
                status = self.providers[provider.id]
                if status.exposed and SNC in app_profile[a.id].qualifications.held:
                    status = ProviderStatus(False, None, (), status.closure)  # a qualified offer: immune
                self.app_provider_status[a.id] = status
        self._tails: dict[str, tuple[str, ...]] = {}  # _provider_tail, by application
        self._levels: dict[int, str] = {}  # exposure level, by score
        self._scores: dict[tuple[str, tuple[str, ...]], int] = {}  # an exposed host's, by way and data classes
        self._propagate()

    def _weight(self, via: str, hops: int = 1) -> float:
        weights = self.model.exposure["via_weights"]
        if via in ("flow", "dataset"):
            return weights["flow"] - self.model.exposure["flow_hop_penalty"] * max(hops - 1, 0)
        return float(weights[via])

    def _factor(self, classifications: Any) -> float:
        factors = self.model.exposure["data_factors"]
        return max((factors[c or "unclassified"] for c in classifications), default=factors["none"])

    def _dataset_factor(self, dataset: Dataset) -> float:
        factor = self._factor((dataset.classification,))
        if dataset.particular_sensitivity == "yes":
            factor = max(factor, self.model.exposure["data_factors"]["particular-sensitivity"])
        return factor

    def _provider_tail(self, app_id: str) -> tuple[str, ...]:
        tail = self._tails.get(app_id)
        if tail is None:
            tail = self._tails[app_id] = tuple(f"provider:{p}" for p in self.app_provider_status[app_id].chain)
        return tail

    def exposed_app(self, app_id: str) -> bool:
        """The application's hosting provider is exposed (and its offer not qualified)."""
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
        self.health_to_uncertified: set[str] = set()
        self.reach: dict[str, set[str]] = {}
        # The exposed applications (exposed_app, once), each with the way its hosting exposes it,
        # that way's weight and the providers its exposure goes through.
        exposed = {a: (status.via or "hosting", self._weight(status.via or "hosting"), self._provider_tail(a))
                   for a, status in self.app_provider_status.items() if status.exposed}
        exposed_ids = set(exposed)
        all_holders, all_forward, everywhere = self.holders, self.forward, self.reach
        factors: dict[tuple[Any, Any], float] = {}  # by classification and particular sensitivity
        for d, dataset in self.datasets.items():
            holders = all_holders.get(d, [])
            forward = all_forward.get(d, {})  # sender -> receivers
            # Where the data is: holders, then onwards along the flows that carry it, a level at a
            # time (set operations: no test per flow; only the set reached is kept, not an order).
            reach = set(holders)
            level = reach if forward else ()
            while level:
                found: set[str] = set()
                for u in level:
                    receivers = forward.get(u)
                    if receivers:
                        found.update(receivers)
                level = found - reach
                reach |= level
            everywhere[d] = reach
            exposed_at = sorted(reach & exposed_ids)
            traits = (dataset.classification, dataset.particular_sensitivity)
            factor = factors.get(traits)
            if factor is None:
                factor = factors[traits] = self._dataset_factor(dataset)
            paths = []
            for app_id in exposed_at:
                via, weight, tail = exposed[app_id]
                paths.append(_Path(round(weight * factor), via, (d, app_id, *tail)))
            self.dataset_paths[d] = paths
            if not exposed_at:
                continue
            backward: dict[str, list[str]] = defaultdict(list)  # only where the data is exposed
            for u, receivers in forward.items():
                for v in receivers:
                    backward[v].append(u)
            # Backwards from the exposed places: next hop and distance for every sender upstream,
            # until every holder is reached (a hop once found never changes).
            next_hop: dict[str, str | None] = {a: None for a in exposed_at}
            distance = {a: 0 for a in exposed_at}
            queue = deque(exposed_at)
            unreached = {h for h in holders if h not in next_hop}
            while queue and unreached:
                v = queue.popleft()
                for u in sorted(backward[v]):
                    if u not in next_hop:
                        next_hop[u], distance[u] = v, distance[v] + 1
                        queue.append(u)
                        unreached.discard(u)
            # A holder sharing the data without a flow is exposed through the most exposed holder.
            nearest = max(exposed_at, key=lambda a: exposed[a][1]) if len(exposed_at) > 1 else exposed_at[0]
            # Every exposed place a holder's data reaches, not only the nearest: health data sent
            # to an uncertified host is not excused by a certified one met first.
            routes = self._routes(exposed_at, backward, holders) if forward and len(exposed_at) > 1 else {}
            for holder in holders:
                if holder in exposed:
                    continue  # its own hosting already says it, with a stronger weight
                if holder in next_hop:
                    reached = routes.get(holder)
                    if reached is None:
                        chain = [holder]
                        while next_hop[chain[-1]] is not None:
                            chain.append(next_hop[chain[-1]])  # type: ignore[arg-type]
                        reached = [(chain[-1], distance[holder], tuple(chain))]
                    ends = [end for end, _, _ in reached]
                    self.sends_to_exposed[holder].update(ends)
                    if dataset.classification:
                        self.classes_to_exposed[holder].add(dataset.classification)
                    if dataset.classification == "health" and any(self.hds_or_eea_gap(e) for e in ends):
                        self.health_to_uncertified.add(holder)
                    for end, hops, chain_ids in reached:
                        self._add_path(holder, "flow", hops, chain_ids, exposed[end], factor)
                else:  # the dataset is exposed where another application holds it
                    if dataset.classification:
                        self.classes_shared[holder].add(dataset.classification)
                    self._add_path(holder, "dataset", 1, (holder, nearest), exposed[nearest], factor)

    def _add_path(self, holder: str, via: str, hops: int, chain: tuple[str, ...],
                  end: tuple[str, float, tuple[str, ...]], factor: float) -> None:
        """A path from `holder` along `chain` to an exposed application (`end`: its way in, that
        way's weight and its providers). Data reaching an application is no more exposed than
        that application's own way in (a declared non-EU jurisdiction weighs 50: a flow there is
        not 90)."""
        score = round(min(self._weight(via, hops), end[1]) * factor)
        self.app_data_paths[holder].append(_Path(score, via, (*chain, *end[2])))

    @staticmethod
    def _routes(exposed_at: list[str], backward: dict[str, list[str]],
                holders: list[str]) -> dict[str, list[tuple[str, int, tuple[str, ...]]]]:
        """Per holder whose data reaches an exposed application of `exposed_at` along the flows,
        each such application with the number of hops and the shortest chain to it."""
        wanted = set(holders)
        routes: dict[str, list[tuple[str, int, tuple[str, ...]]]] = defaultdict(list)
        for end in exposed_at:
            parent: dict[str, str | None] = {end: None}
            hops = {end: 0}
            queue = deque([end])
            while queue:
                v = queue.popleft()
                for u in sorted(backward[v]):
                    if u not in parent:
                        parent[u], hops[u] = v, hops[v] + 1
                        queue.append(u)
            for holder in wanted.intersection(parent):
                if holder == end:
                    continue
                chain = [holder]
                while parent[chain[-1]] is not None:
                    chain.append(parent[chain[-1]])  # type: ignore[arg-type]
                routes[holder].append((end, hops[holder], tuple(chain)))
        return routes

    def hds_or_eea_gap(self, app_id: str) -> bool:
        """The application's hosting chain lacks HDS certification for an activity it performs
        (and is not exempt), or stores outside the EEA (CSP L.1111-8, R.1111-9; HDS EXI 28):
        health data sent there is not merely exposed. Judged on the application's offer, as
        HDS-HOST-001 and RES-HDS-001 judge it."""
        if app_id not in self.app_provider_status:
            return False  # no provider: one's own premises
        profile = self.app_profile[app_id]
        providers = self.inventory.providers_by_id
        eea = group_of("data_protection_group")
        return (any(providers[p].hds_exemption is None for p in profile.hds_uncovered)
                or not eea.issuperset(profile.storage_regions))

    def app_exposure(self, app: Application, classifications: tuple[str, ...]) -> tuple[Exposure, tuple[str, ...]]:
        paths = list(self.app_data_paths.get(app.id, ()))
        status = self.app_provider_status.get(app.id)
        if status and status.exposed:
            via = status.via or "hosting"
            score = self._scores.get((via, classifications))
            if score is None:
                score = self._scores[(via, classifications)] = round(self._weight(via) * self._factor(classifications))
            paths.append(_Path(score, via, (app.id, *self._provider_tail(app.id))))
        return self._exposure(paths)

    def dataset_exposure(self, dataset: Dataset) -> tuple[Exposure, tuple[str, ...]]:
        return self._exposure(self.dataset_paths.get(dataset.id, []))

    def _exposure(self, paths: list[_Path]) -> tuple[Exposure, tuple[str, ...]]:
        if not paths:
            return _NONE, ()
        unique: tuple[tuple[str, ...], ...]
        vias: tuple[str, ...]
        if len(paths) == 1:  # most items: one way in
            first, unique, vias = paths[0], (paths[0].ids,), (paths[0].via,)
        else:
            paths.sort(key=lambda p: (-p.score, len(p.ids), p.ids))
            first, unique = paths[0], tuple(dict.fromkeys(p.ids for p in paths))[:MAX_PATHS]
            vias = tuple(sorted({p.via for p in paths}))
        score = min(100, max(0, first.score))
        level = self._levels.get(score)
        if level is None:
            level = self._levels[score] = self.model.exposure_level(score)
        return Exposure(level, score, unique), vias
