"""The facts rules are written against (rules/facts.py), computed once for every item of an
inventory: organisation, data, hosting, providers, flows, transfers, contracts, and the
exposure to non-EU law that assess/exposure.py computes.

Most facts are shared by the items that share a hosting (or a set of hostings): they are
computed once per hosting profile or distinct union and copied into each item's facts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any

from bleu_assess.assess import contract_facts
from bleu_assess.assess.exposure import SNC, Exposures, immune
from bleu_assess.assess.offers import Profile, Profiles
from bleu_assess.assess.results import Exposure
from bleu_assess.assess.transfers import Transfers, public_only
from bleu_assess.clock import assessment_date
from bleu_assess.inventory.graph import InventoryGraph
from bleu_assess.inventory.model import Application, Dataset, Derogation, Provider
from bleu_assess.rules.facts import FACTS
from bleu_assess.rules.refdata import VerdictModel, home_countries, verdict_model

# The columns of a place's bits (Analysis._profile_bits): the providers involved, exposed, without
# secnumcloud, the regions, storage, support and administration regions, HDS activities needed and
# missing, the providers not covered, whether a party's location is unknown, the offers.
(_INVOLVED, _EXPOSED, _WITHOUT_SNC, _REGIONS, _STORAGE, _SUPPORT, _ADMIN, _NEEDED, _MISSING, _UNCOVERED, _UNKNOWN,
 _OFFERS) = range(12)
# The columns of a dataset's bits (Analysis.data_bits): its class, its answer on particular
# sensitivity, its class while that answer is unknown, its classified level, whether it is not
# classified, whether it holds personal data.
_CLASS, _ANSWER, _UNQUALIFIED, _LEVEL, _UNCLASSIFIED, _PERSONAL = range(6)
# Shared by every item without derogation (copied into its facts, never changed).
_NO_DEROGATION: dict[str, Any] = {"derogations.active": (), "derogations.expired": (),
                                  "derogations.months_since_compliant_offer": None}
# Facts of an item's own that no shipped rule reads, each costing a sort or a pass per item: set
# only when a loaded rule reads (tests or names) one of them (Analysis `reads`).
_OPTIONAL_APPLICATION = frozenset({"data.held_classifications", "tags", "dependencies.count", "servers"})
_OPTIONAL_DATASET = frozenset({"holders", "recipients"})


class _Columns:
    """Sets of values in numbered columns, all held as the bits of one int: uniting the sets of
    many items is one `|` each, and a column's values are read back sorted, remembered per
    content (items differ, each of their columns repeats)."""

    def __init__(self, columns: int) -> None:
        self._bits: dict[tuple[int, Any], int] = {}
        self._meanings: list[Any] = []  # by bit: its value
        self.masks = [0] * columns  # by column: its bits
        self._decoded: dict[int, tuple[Any, ...]] = {0: ()}  # a column's bits -> its values

    def of(self, column: int, values: Iterable[Any]) -> int:
        """The bits of `values` in `column` (each value given its bit on first sight)."""
        bits = 0
        for value in values:
            bit = self._bits.get((column, value))
            if bit is None:
                bit = self._bits[(column, value)] = 1 << len(self._meanings)
                self._meanings.append(value)
                self.masks[column] |= bit
            bits |= bit
        return bits

    def values(self, bits: int, column: int) -> tuple[Any, ...]:
        """The values of one column of `bits`, sorted."""
        return self.decode(bits & self.masks[column])

    def decode(self, part: int) -> tuple[Any, ...]:
        """The values of `part` (bits of one column, or of a `subset` of one), sorted."""
        found = self._decoded.get(part)
        if found is None:
            meanings, values, rest = self._meanings, [], part
            while rest:
                low = rest & -rest
                values.append(meanings[low.bit_length() - 1])
                rest ^= low
            found = self._decoded[part] = tuple(sorted(values))
        return found

    def subset(self, column: int, keep: Callable[[Any], bool]) -> int:
        """The bits of the values of `column` seen so far that `keep` keeps."""
        return sum(bit for (at, value), bit in self._bits.items() if at == column and keep(value))


class Analysis:
    """Facts of every item, computed once for the whole inventory."""

    def __init__(self, ig: InventoryGraph, as_of: str | None = None, reads: Collection[str] | None = None) -> None:
        """`reads`: the facts the rules to run test or name (None: any fact); the others of
        `_OPTIONAL_APPLICATION` and `_OPTIONAL_DATASET` may be left out of the items' facts."""
        self.ig = ig
        self._application_extras = reads is None or not _OPTIONAL_APPLICATION.isdisjoint(reads)
        # Every first-pass fact an application's facts will hold: its hosting's facts start with
        # them all (None until set), so that an item's own are set in place, in a table already
        # large enough for them and the second pass's (no table grown for each item).
        self._application_keys = dict.fromkeys(
            name for name, fact in FACTS.items() if "application" in fact.kinds and not fact.second_pass
            and (self._application_extras or name not in _OPTIONAL_APPLICATION))
        self._dataset_extras = reads is None or not _OPTIONAL_DATASET.isdisjoint(reads)
        self.inventory = inv = ig.inventory
        self.as_of = as_of = as_of or assessment_date()
        self.model: VerdictModel = verdict_model()
        self.profiles = Profiles(inv, as_of)
        self.datasets = inv.datasets_by_id
        self.apps = inv.applications_by_id
        # Flow edges per dataset: dataset -> sender -> its receivers, in the flows' order.
        self.forward: dict[str, dict[str, list[str]]] = defaultdict(dict)
        self.received: dict[str, set[str]] = defaultdict(set)
        self.senders: dict[str, set[str]] = defaultdict(set)
        forward, received, senders = self.forward, self.received, self.senders
        for flow in inv.flows:
            source, target = flow.source, flow.target
            senders[target].add(source)
            for d in flow.datasets:
                by_sender = forward[d]
                if source in by_sender:
                    by_sender[source].append(target)
                else:
                    by_sender[source] = [target]
                received[target].add(d)
        self.holders: dict[str, list[str]] = defaultdict(list)
        for app in inv.applications:
            for d in app.datasets:
                self.holders[d].append(app.id)
        self.app_profile: dict[str, Profile] = {a.id: self.profiles.of(a) for a in inv.applications}
        self.transfers = Transfers(inv)
        self.exposure = Exposures(inv, as_of, self.model, self.app_profile, self.holders, self.forward)
        self.providers = self.exposure.providers
        self.in_cycle = {a for group in ig.dependency_cycles() for a in group}
        org = inv.organisation
        self._organisation_facts = {"organisation.type": org.type, "organisation.country": org.country,
                                    "organisation.designations": tuple(sorted(org.designations)),
                                    "organisation.legal_status": org.legal_status,
                                    "organisation.state_supervised": org.state_supervised,
                                    "organisation.sren_listed": org.sren_listed,
                                    "organisation.policy.secnumcloud_for": tuple(sorted(org.secnumcloud_for))}
        self.policy = frozenset(org.secnumcloud_for)
        self._dataset_facts = {**self._organisation_facts, **_NO_DEROGATION}  # shared by datasets alike
        self.derogations: dict[str, list[Derogation]] = defaultdict(list)
        for derogation in inv.derogations:
            for item_id in derogation.items:
                self.derogations[item_id].append(derogation)
        self._places = _Columns(_OFFERS + 1)
        self._provider_sets: dict[int, dict[str, Any]] = {}
        self._parts: dict[int, int] = {}  # by profile
        self._groups: dict[tuple[int, str | None], dict[str, Any]] = {}  # by places and location
        platforms = inv.platforms_by_id
        # Each application's place: its hosting and the offer it runs on (the offer is part of
        # the hosting: one place per hosting profile).
        places: dict[int, int] = {}
        self.app_bits: dict[str, int] = {}
        for a in inv.applications:
            profile = self.app_profile[a.id]
            bits = places.get(id(profile))
            if bits is None:
                bits = places[id(profile)] = self._profile_bits(profile) | self._places.of(
                    _OFFERS, (a.hosting.platform,) if a.hosting and a.hosting.platform in platforms else ())
            self.app_bits[a.id] = bits
        # The providers.* facts that name some of the providers involved (or not covered), as the
        # bits of those providers: a place's are one `&` away (every place has its bits by now).
        providers = inv.providers_by_id
        involved = [(name, lambda pid, keep=keep: keep(providers[pid])) for name, keep in (
            ("providers.unknown_headquarters", lambda p: p.headquarters is None),
            *contract_facts.PROVIDER_SUBSETS.items())]
        involved += [(name, lambda pid, keep=keep: keep(pid)) for name, keep in self.transfers.subsets().items()]
        self._subsets = [(name, self._places.subset(_INVOLVED, keep)) for name, keep in involved]
        self._subsets.append(("providers.without_hds", self._places.subset(
            _UNCOVERED, lambda pid: providers[pid].hds_exemption is None)))
        self._exemptions: dict[tuple[str, ...], tuple[str, ...]] = {}  # by the providers exempt
        self._data = _Columns(_PERSONAL + 1)
        self.data_bits = {d.id: self._dataset_bits(d) for d in inv.datasets}
        self._data_blocks: dict[int, tuple[dict[str, Any], tuple[str, ...]]] = {}
        self._provider_blocks: dict[str | None, dict[str, Any]] = {}
        self._hosting_blocks: dict[int, dict[str, Any]] = {}
        # By hosting profile (one per distinct hosting): most applications share a few.
        self._app_groups: dict[int, dict[str, Any]] = {}
        self._unknown_hosted: set[str] | None = None

    # -- facts ------------------------------------------------------------------------------
    # Most facts are the same for every item that shares a hosting (or a set of hostings): they
    # are computed once per hosting profile or distinct union, and copied into each item's facts.

    def _profile_bits(self, p: Profile) -> int:
        """What one hosting contributes to an item's facts, as bits to unite, one column each
        (the `_COLUMNS`; the offer its applications run on is set apart, in `app_bits`)."""
        bits = self._parts.get(id(p))
        if bits is None:
            providers = self.inventory.providers_by_id
            immune_host = SNC in p.qualifications.held
            exposed = [pid for index, pid in enumerate(p.involved)
                       if self.providers[pid].exposed and not (index == 0 and immune_host)]
            without_snc = [pid for index, pid in enumerate(p.involved)
                           if not (immune_host if index == 0 else immune(providers[pid], self.as_of))]
            columns = (p.involved, exposed, without_snc, p.all_regions, p.storage_regions, p.all_support, p.all_admin,
                       p.hds_needed, p.hds_missing, p.hds_uncovered, () if p.known else (True,))
            bits = 0
            for column, values in enumerate(columns):
                bits |= self._places.of(column, values)
            self._parts[id(p)] = bits
        return bits

    def _place_facts(self, bits: int, location: str | None = None, kept: bool = True) -> dict[str, Any]:
        """The facts of the places an item's data is at (one application's hosting, or every
        application a dataset reaches: their `app_bits` united) and of a dataset's own `location`:
        the providers and regions involved, HDS, and the transfers they make (the offers' own
        transfer basis replacing their provider's). `kept`: computed once per distinct union and
        shared (not to be changed); else a dict of the caller's own, not kept (a dataset's: the
        applications each dataset reaches rarely repeat, at 10,000 applications 80 times in 3,333)."""
        key = (bits, location)
        facts = self._groups.get(key)
        if facts is not None:
            return facts if kept else facts.copy()
        column = self._places.values
        regions, storage = column(bits, _REGIONS), column(bits, _STORAGE)
        if location:
            regions, storage = tuple(sorted({*regions, location})), tuple(sorted({*storage, location}))
        facts = {
            **self._providers_facts(bits), "providers.exposed": column(bits, _EXPOSED),
            "providers.without_secnumcloud": column(bits, _WITHOUT_SNC),
            "data.regions": regions, "data.storage_regions": storage,
            "data.support_regions": column(bits, _SUPPORT), "data.admin_regions": column(bits, _ADMIN),
            "data.regions_known": not bits & self._places.masks[_UNKNOWN],
            "hds.activities_needed": column(bits, _NEEDED), "hds.activities_missing": column(bits, _MISSING),
        }
        platforms = self.inventory.platforms_by_id
        facts.update(self.transfers.item_facts(facts, [platforms[o] for o in column(bits, _OFFERS)]))
        if kept:
            self._groups[key] = facts
        return facts

    def _providers_facts(self, bits: int) -> dict[str, Any]:
        """The facts of the providers involved in a place and of those not covered for HDS (each
        the providers of a subset, in order: datasets reach many sets of providers, whose
        subsets repeat)."""
        masks = self._places.masks
        key = bits & (masks[_INVOLVED] | masks[_UNCOVERED])
        found = self._provider_sets.get(key)
        if found is None:
            decode = self._places.decode
            found = self._provider_sets[key] = {name: decode(bits & subset) for name, subset in self._subsets}
            found["providers.involved"] = decode(bits & masks[_INVOLVED])
            exempt = found["providers.hds_exempt"]
            exemptions = self._exemptions.get(exempt)
            if exemptions is None:
                providers = self.inventory.providers_by_id
                exemptions = self._exemptions[exempt] = tuple(sorted({e for p in exempt if (e := providers[p].hds_exemption)}))
            found["providers.hds_exemptions"] = exemptions
        return found

    def _dataset_bits(self, d: Dataset) -> int:
        """What one dataset contributes to the data facts of the items it reaches, as bits to
        unite (the columns `_CLASS`... `_PERSONAL`)."""
        data, classification = self._data, d.classification
        bits = data.of(_ANSWER, (d.particular_sensitivity,)) | data.of(_PERSONAL, (True,) if d.personal_data else ())
        if classification is None:
            return bits | data.of(_UNCLASSIFIED, (True,))
        bits |= data.of(_CLASS, (classification,))
        if d.particular_sensitivity == "unknown":
            bits |= data.of(_UNQUALIFIED, (classification,))
        if classification == "classified":
            bits |= data.of(_LEVEL, (d.level or "unspecified",))
        return bits

    def _data_facts(self, bits: int) -> tuple[dict[str, Any], tuple[str, ...]]:
        """What the data (datasets' `data_bits` united) says about sensitivity: answers on
        particular sensitivity, the classes still to be qualified, those the organisation's
        policy names, personal data (`_unclassified` names what is not classified at all); with
        the classes its exposure is weighed by (unclassified and particularly sensitive data
        included)."""
        block = self._data_blocks.get(bits)
        if block is None:
            values = self._data.values
            classes, answers = values(bits, _CLASS), values(bits, _ANSWER)
            unclassified = bool(bits & self._data.masks[_UNCLASSIFIED])
            block = self._data_blocks[bits] = ({
                "data.classifications": classes,
                "data.particular_sensitivity": answers,
                "data.unqualified_classifications": values(bits, _UNQUALIFIED),
                "data.policy_classifications": tuple(c for c in classes if c in self.policy),
                "data.classified_levels": values(bits, _LEVEL),
                "data.public_only": public_only(classes),
                "data.personal": bool(bits & self._data.masks[_PERSONAL]),
            }, (*classes, *(("unclassified",) if unclassified else ()),
                *(("particular-sensitivity",) if "yes" in answers else ())))
        return block

    def _unclassified(self, bits: int, ids: tuple[str, ...]) -> tuple[str, ...]:
        """Those of the datasets `ids` (their `data_bits` united: `bits`) not classified yet."""
        unclassified = self._data.masks[_UNCLASSIFIED]
        if not bits & unclassified:
            return ()
        data_bits = self.data_bits
        return tuple([d for d in ids if data_bits[d] & unclassified])

    def _derogation_facts(self, item_id: str) -> dict[str, Any]:
        found = self.derogations.get(item_id)
        if not found:
            return _NO_DEROGATION
        expired = tuple(sorted(d.id for d in found if not derogation_active(d, self.as_of)))
        months = [_months(d.compliant_offer_since, self.as_of) for d in found if d.compliant_offer_since]
        return {
            "derogations.active": tuple(sorted(d.id for d in found if d.id not in expired)),
            "derogations.expired": expired,
            "derogations.months_since_compliant_offer": max(months) if months else None,
        }

    def _application_provider_facts(self, provider: Provider | None) -> dict[str, Any]:
        key = provider.id if provider else None
        facts = self._provider_blocks.get(key)
        if facts is not None:
            return facts
        own = provider.ownership if provider else None
        facts = self._provider_blocks[key] = {
            "provider.declared": provider is not None,
            "provider.headquarters": provider.headquarters if provider else None,
            "provider.contract_law": provider.contract_law if provider else None,
            "provider.non_eu_control": self._non_eu_control(provider),
            "provider.kind": provider.kind if provider else None,
            "provider.qualifications": tuple(sorted(set(provider.qualification_ids))) if provider else (),
            "provider.clearance": tuple(sorted(provider.clearance)) if provider else (),
            "provider.pending_qualifications": tuple(sorted({q.id for q in provider.pending_qualifications}))
            if provider else (),
            "provider.regions": tuple(sorted(provider.regions)) if provider else (),
            "provider.support_regions": tuple(sorted(provider.effective_support_regions)) if provider else (),
            "provider.subprocessors": tuple(sorted(s.id for s in provider.subprocessors)) if provider else (),
            "provider.ownership.largest_non_eu_pct": own.largest_non_eu_pct if own else None,
            "provider.ownership.total_non_eu_pct": own.total_non_eu_pct if own else None,
        }
        return facts

    def application_facts(self, app: Application) -> tuple[dict[str, Any], Exposure]:
        inv = self.inventory
        data_bits = self.data_bits
        held = received = 0
        for d in app.datasets:
            held |= data_bits[d]
        received_ids = self.received.get(app.id)
        if received_ids:
            for d in received_ids:
                received |= data_bits[d]
            ids = tuple(sorted({*app.datasets, *received_ids}))
        else:
            ids = tuple(sorted(set(app.datasets)))
        data = held | received
        data_facts, classifications = self._data_facts(data)
        # Where the application stores and processes data; datasets stored elsewhere (`location`)
        # are assessed as datasets, so as not to lend one dataset's location to another; the
        # exposure factor: the most sensitive data involved.
        exposure, via = self.exposure.app_exposure(app, classifications)
        homologation = app.homologation
        exposures = self.exposure
        sends = exposures.sends_to_exposed.get(app.id)
        classes = exposures.classes_to_exposed.get(app.id)
        senders = self.senders.get(app.id)
        shared = exposures.classes_shared.get(app.id)
        # Its hosting's facts copied (one table, cloned), then its own set one by one: quicker than
        # a dict display of them all, and any key set twice keeps the last value, as before.
        facts = self._hosted_facts(app).copy()
        facts["kind"], facts["id"], facts["name"] = "application", app.id, app.name
        if app.id in self.derogations:  # else those of no derogation, in its hosting's facts
            facts.update(self._derogation_facts(app.id))
        facts.update(data_facts)
        facts["data.datasets"], facts["data.unclassified"] = ids, self._unclassified(data, ids)
        if not ids:  # no data declared: whether it is personal is unknown, not "no"
            facts["data.personal"] = None
        facts["siiv"], facts["sie"] = app.siiv, app.sie
        facts["homologation.level"] = homologation.level if homologation else None
        facts["homologation.expired"] = bool(homologation and homologation.until and homologation.until < self.as_of)
        facts["network_class"], facts["approved_encryption"] = app.network_class, app.approved_encryption
        facts["exposure.level"], facts["exposure.score"] = exposure.level, exposure.score
        facts["exposure.exposed"], facts["exposure.via"] = exposure.level != "none", via
        facts["exposure.path"] = exposure.paths[0] if exposure.paths else ()
        facts["criticality"], facts["strategy"] = app.criticality, app.strategy
        facts["owner"], facts["users"] = app.owner, app.users
        facts["blockers"], facts["service"] = tuple(app.blockers), app.service
        facts["flows.sends_to_exposed"] = tuple(sorted(sends)) if sends else ()
        facts["flows.classifications_to_exposed"] = tuple(sorted(classes)) if classes else ()
        facts["flows.receives_from"] = tuple(sorted(senders)) if senders else ()
        facts["data.shared_with_exposed"] = tuple(sorted(shared)) if shared else ()
        # A dataset not classified yet (None) has no class to report here; it is `unknown` on its own.
        facts["flows.received_classifications"] = self._data.values(received, _CLASS)
        facts["flows.health_to_uncertified"] = app.id in exposures.health_to_uncertified
        facts["dependencies.in_cycle"] = app.id in self.in_cycle
        facts["keys.customer_held"], facts["exit.plan"] = contract_facts.application_facts(app)
        servers = inv.servers_by_application.get(app.id, ())
        facts["servers.os_out_of_support"] = tuple(sorted(s.id for s in servers if s.os_support == "out-of-support")) \
            if servers else ()
        if self._application_extras:
            facts["data.held_classifications"] = self._data.values(held, _CLASS)
            facts["tags"] = tuple(sorted(app.tags))
            facts["dependencies.count"] = len([d for d in app.depends_on if d != app.id])
            facts["servers"] = tuple(sorted(s.id for s in servers)) if servers else ()
        facts["hosting.from_servers"] = app.id in inv.hosting_from_servers
        facts["dependencies.unknown_providers"] = self._unknown_dependencies(app)
        return facts, exposure

    def _hosted_facts(self, app: Application) -> dict[str, Any]:
        """The facts an application owes to its hosting alone (organisation, hosting profile,
        provider and its contract, the offer, the transfers they make; and no derogation): one dict per distinct
        hosting (one profile each), copied into each application's facts in one step."""
        profile = self.app_profile[app.id]
        facts = self._app_groups.get(id(profile))
        if facts is None:
            inv = self.inventory
            hosting = app.hosting
            provider = inv.hosting_provider(app)
            offer = inv.platform(hosting.platform) if hosting else None
            facts = self._application_keys.copy()
            facts.update(self._organisation_facts)
            facts.update(_NO_DEROGATION)  # an application under a derogation has its own (application_facts)
            facts.update(self._place_facts(self.app_bits[app.id]))
            facts.update(self._hosting_facts(profile))
            facts.update(self._application_provider_facts(provider))
            facts.update(self.transfers.application_facts(provider, offer.transfer_basis if offer else None))
            facts.update(contract_facts.contract_facts(provider))
            exposures = self.exposure
            facts.update({
                "hosting.model": hosting.model if hosting else None, "hosting.region": inv.hosting_region(app),
                "hosting.provider": provider.id if provider else None,
                "hosting.platform": hosting.platform if hosting else None,
                "provider.exposed": exposures.exposed_app(app.id),  # a qualified offer makes its applications immune
                "provider.hds_or_eea_gap": exposures.hds_or_eea_gap(app.id),
            })
            self._app_groups[id(profile)] = facts
        return facts

    def _unknown_dependencies(self, app: Application) -> tuple[str, ...]:
        """Applications this one needs that run at a provider declaring neither headquarters nor
        control (an external endpoint found by discovery, not yet classified)."""
        unknown = self._unknown_hosted
        if unknown is None:  # once: which applications are so hosted
            inv = self.inventory
            unknown = self._unknown_hosted = set()
            for target in inv.applications:
                provider = inv.provider(target.hosting.provider) if target.hosting else None
                if provider is not None and provider.headquarters is None and provider.non_eu_control is None:
                    unknown.add(target.id)
        return tuple(sorted(dep for dep in app.depends_on if dep in unknown)) if unknown else ()

    def _hosting_facts(self, profile: Profile) -> dict[str, Any]:
        facts = self._hosting_blocks.get(id(profile))
        if facts is None:
            counted = profile.qualifications
            facts = self._hosting_blocks[id(profile)] = {
                "hosting.kind": profile.kind, "hosting.qualifications": counted.held,
                "hosting.qualifications_not_in_force": counted.not_in_force,
                "hosting.qualifications_out_of_scope": counted.out_of_scope,
                "hosting.pending_qualifications": tuple(sorted({q.id for q in profile.pending})),
            }
        return facts

    def _non_eu_control(self, provider: Provider | None) -> bool | None:
        if provider is None:
            return None
        if provider.non_eu_control is not None:
            return provider.non_eu_control
        return None if provider.headquarters is None else provider.headquarters not in home_countries()

    def dataset_facts(self, dataset: Dataset) -> tuple[dict[str, Any], Exposure]:
        reach = self.exposure.reach.get(dataset.id, set())
        exposure, via = self.exposure.dataset_exposure(dataset)
        # Where its data is: the hostings (and offers) of every application it reaches, united;
        # those facts (its own dict), then its own set one by one.
        bits = 0
        app_bits = self.app_bits
        for app_id in reach:
            bits |= app_bits[app_id]
        facts = self._place_facts(bits, dataset.location, kept=False)
        facts.update(self._dataset_facts)  # its organisation's, and no derogation
        if dataset.id in self.derogations:
            facts.update(self._derogation_facts(dataset.id))
        facts.update(self._data_facts(self.data_bits[dataset.id])[0])
        facts["kind"], facts["id"], facts["name"] = "dataset", dataset.id, dataset.name
        own = (dataset.classification,) if dataset.classification else ()
        facts["data.datasets"], facts["data.unclassified"] = (dataset.id,), () if own else (dataset.id,)
        facts["data.held_classifications"], facts["data.personal"] = own, dataset.personal_data
        facts["data.regions_known"] = facts["data.regions_known"] and (bool(reach) or dataset.location is not None)
        facts["exposure.level"], facts["exposure.score"] = exposure.level, exposure.score
        facts["exposure.exposed"], facts["exposure.via"] = exposure.level != "none", via
        facts["exposure.path"] = exposure.paths[0] if exposure.paths else ()
        facts["classification"], facts["personal_data"] = dataset.classification, dataset.personal_data
        facts["volume_gb"], facts["location"] = dataset.volume_gb, dataset.location
        if self._dataset_extras:
            holders = sorted(self.holders.get(dataset.id, ()))
            facts["holders"], facts["recipients"] = tuple(holders), tuple(sorted(reach.difference(holders)))
        return facts, exposure


def derogation_active(derogation: Derogation, as_of: str) -> bool:
    """A derogation holds until the end of its `until` day (ISO dates compare as text); one
    without `until` holds until withdrawn."""
    return derogation.until is None or derogation.until >= as_of


def _months(since: str, as_of: str) -> int:
    """Whole months from `since` to `as_of`, both YYYY-MM-DD (0 when `since` is later)."""
    start, end = datetime.date.fromisoformat(since), datetime.date.fromisoformat(as_of)
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)
