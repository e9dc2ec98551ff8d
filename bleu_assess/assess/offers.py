"""Hosting at the grain of the offer (inventory format v2, docs/inventory.md).

For one application's hosting, on the assessment date: the kind of host, the qualifications that
count (in force, and whose scope covers the service model used: SecNumCloud 3.2 §2 and annex 2
(c) qualify a service on a scope, not a company), the HDS activities it needs and which party
fails to hold them (Code de la santé publique R.1111-9, rulesets/hds-activities.yaml), and where
its data is stored, processed, administered and supported from, kept apart (SecNumCloud 3.2
§19.2.b, c, e; HDS EXI 28, 29).

Subprocessors with `data_access: none` reach no data: they are not in the chain (SecNumCloud 3.2
§19.6.c speaks of the technical ability to obtain data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bleu_assess.inventory.model import (
    Application,
    Hosting,
    Inventory,
    PendingQualification,
    Platform,
    Provider,
    Qualification,
)
from bleu_assess.rules.refdata import hds_activities

HDS = "hds"
ALL_HDS = frozenset(range(1, 7))
# Roles whose subprocessor stores the data it reaches (a role not listed only processes it).
_STORING_ROLES = frozenset({None, "datacenter", "hardware", "infrastructure", "platform", "backup"})


@dataclass(frozen=True, slots=True)
class Counted:
    """Qualifications of a holder (offer or provider) sorted by whether they count."""

    held: tuple[str, ...]  # in force on the date, scope covering the model: these count
    not_in_force: tuple[str, ...]  # `until` passed, or `since` still ahead
    out_of_scope: tuple[str, ...]  # in force, but not for the service model used


def count(qualifications: Iterable[Qualification], model: str | None, as_of: str) -> Counted:
    """Sort qualifications into those that count for `model` on `as_of` (YYYY-MM-DD) and why the
    others do not. An id held by one entry that counts is not listed as not counting."""
    held: set[str] = set()
    stale: set[str] = set()
    outside: set[str] = set()
    for q in qualifications:
        if not q.in_force(as_of):
            stale.add(q.id)
        elif not q.covers(model):
            outside.add(q.id)
        else:
            held.add(q.id)
    return Counted(tuple(sorted(held)), tuple(sorted(stale - held)), tuple(sorted(outside - held - stale)))


def certified_activities(declared: tuple[int, ...] | None, qualifications: Iterable[Qualification],
                         as_of: str) -> frozenset[int]:
    """HDS activities a holder is certified for on `as_of`: those declared (`hds_activities`), or
    all six for a bare `hds` qualification (v1); none when every `hds` entry is out of force."""
    hds = [q for q in qualifications if q.id == HDS]
    if hds and not any(q.in_force(as_of) for q in hds):
        return frozenset()
    if declared:
        return frozenset(declared)
    return ALL_HDS if hds else frozenset()


@dataclass(frozen=True, slots=True)
class Profile:
    """One application's hosting, as the rules see it (the `hosting.*` and `hds.*` facts)."""

    kind: str | None  # on-premises | colocation | commercial | state-internal | public-community; None: unknown
    qualifications: Counted
    pending: tuple[PendingQualification, ...]
    regions: tuple[str, ...]  # where the host stores and processes the data
    support_regions: tuple[str, ...]
    admin_regions: tuple[str, ...]
    involved: tuple[str, ...]  # providers that can reach the data: host, then subprocessors with access
    storage_regions: frozenset[str]  # host and subprocessors that store the data
    all_regions: frozenset[str]  # storage and processing, subprocessors included
    all_support: frozenset[str]  # support and administration, subprocessors included
    all_admin: frozenset[str]  # administration, subprocessors with access included (default: their regions)
    known: bool  # every party with access declares where it is
    hds_needed: tuple[int, ...]
    hds_missing: tuple[int, ...]
    hds_uncovered: tuple[str, ...]  # providers that perform an activity they are not certified for


UNKNOWN = Profile(None, Counted((), (), ()), (), (), (), (), (), frozenset(), frozenset(), frozenset(), frozenset(), False,
                  (), (), ())


class Profiles:
    """Profiles of an inventory's applications on one date, each distinct hosting computed once."""

    def __init__(self, inventory: Inventory, as_of: str) -> None:
        self.inventory = inventory
        self.as_of = as_of
        self.table = hds_activities()
        self._cache: dict[Hosting, Profile] = {}  # by hosting: applications hosted alike share one

    def of(self, app: Application) -> Profile:
        hosting = app.hosting
        if hosting is None:
            return UNKNOWN
        found = self._cache.get(hosting)
        if found is None:
            found = self._cache[hosting] = self._profile(app)
        return found

    def _profile(self, app: Application) -> Profile:
        inv = self.inventory
        hosting = app.hosting
        assert hosting is not None
        provider = inv.hosting_provider(app)
        offer = inv.platform(hosting.platform)
        regions = inv.hosting_regions(app)
        kind: str | None
        if provider is None:
            kind = "on-premises"
        elif hosting.model == "on-premises" or provider.kind == "colocation":
            kind = "colocation"
        else:
            kind = provider.kind
        holder: Platform | Provider | None = offer or provider
        quals = tuple(holder.qualifications or ()) if holder is not None else ()
        counted = count(quals, hosting.model, self.as_of)
        pending = tuple(holder.pending_qualifications or ()) if holder is not None else ()
        support = _first(offer.support_regions if offer else None,
                         provider.support_regions if provider else None) or regions
        # Administered from where it runs unless declared: support from elsewhere is not
        # administration (SecNumCloud 3.2 §19.2.c vs §19.2.e; issue 15, one fact one finding).
        admin = _first(offer.admin_regions if offer else None, provider.admin_regions if provider else None) or regions
        needed = set(self.table.by_hosting["colocation" if kind == "colocation" else hosting.model])
        if hosting.provider_administers:
            needed |= self.table.administers
        if hosting.provider_backs_up:
            needed |= self.table.backs_up
        if provider is None:
            needed = set()
        host_cert = certified_activities(offer.hds_activities if offer else provider.hds_activities if provider else (),
                                         quals, self.as_of)
        walk = _Chain(self, frozenset(needed))
        if provider is not None:
            walk.host(provider, host_cert)
        return Profile(
            kind=kind, qualifications=counted, pending=pending, regions=tuple(sorted(regions)),
            support_regions=tuple(sorted(support)), admin_regions=tuple(sorted(admin)),
            involved=tuple(walk.involved), storage_regions=frozenset(walk.storage) | frozenset(regions),
            all_regions=frozenset(walk.regions) | frozenset(regions),
            all_support=frozenset(walk.support) | frozenset(support),
            all_admin=frozenset(walk.admin) | frozenset(admin),
            known=bool(regions) and walk.known, hds_needed=tuple(sorted(needed)),
            hds_missing=tuple(sorted(walk.missing)), hds_uncovered=tuple(walk.uncovered),
        )


def _first(*values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return next((v for v in values if v is not None), None)


class _Chain:
    """Walks a host and its subprocessors with access to the data, assigning HDS activities."""

    def __init__(self, profiles: Profiles, needed: frozenset[int]) -> None:
        self.profiles = profiles
        self.needed = needed
        self.involved: list[str] = []
        self.storage: set[str] = set()
        self.regions: set[str] = set()
        self.support: set[str] = set()
        self.admin: set[str] = set()
        self.missing: set[int] = set()
        self.uncovered: list[str] = []
        self.known = True

    def host(self, provider: Provider, certified: frozenset[int]) -> None:
        self.involved.append(provider.id)
        delegated = self._subprocessors(provider, self.needed)
        self._check(provider.id, self.needed - delegated, certified)

    def _subprocessors(self, provider: Provider, assigned: frozenset[int]) -> frozenset[int]:
        """Visit the subprocessors with access; return the activities they take over by role."""
        providers = self.profiles.inventory.providers_by_id
        roles = self.profiles.table.roles
        delegated: set[int] = set()
        for link in provider.subprocessors:
            if link.data_access == "none" or link.id in self.involved:
                continue
            sub = providers[link.id]
            self.involved.append(sub.id)
            self.known = self.known and bool(sub.regions)
            self.support.update(sub.effective_support_regions if sub.admin_regions is None
                                else (*sub.effective_support_regions, *sub.admin_regions))
            self.admin.update(sub.regions if sub.admin_regions is None else sub.admin_regions)
            if link.data_access == "data":
                self.regions.update(sub.regions)
                if link.role in _STORING_ROLES:
                    self.storage.update(sub.regions)
            # No role (v1): it may perform any activity it is given, so it must hold them all.
            own = assigned if link.role is None else assigned & roles.get(link.role, frozenset())
            if link.role is not None:
                delegated |= own
            certified = certified_activities(sub.hds_activities, sub.qualifications, self.profiles.as_of)
            self._check(sub.id, own - self._subprocessors(sub, own), certified)
        return frozenset(delegated)

    def _check(self, provider_id: str, performs: frozenset[int], certified: frozenset[int]) -> None:
        lacking = performs - certified
        if lacking:
            self.missing |= lacking
            self.uncovered.append(provider_id)

