"""Facts about transfers outside the EEA and about who may be compelled by non-EU law: the
GDPR chapter V basis of each transfer, EU versus EEA, and the SecNumCloud §19.6 facts of the
hosting provider (seat, veto, board majority, candidate offer).

Sources: GDPR arts. 44-49 (a transfer needs an art. 45 adequacy decision, art. 46 safeguards such
as standard contractual clauses, or art. 47 binding corporate rules; remote access from a third
country is a transfer); HDS 2024 EXI 29 (access from outside the EEA under art. 45 or 46) and
EXI 30 (a host subject to the law of a country without adequacy); SecNumCloud 3.2 §19.2 (storage,
processing and administration in the EU; support from outside the EU for listed operations) and
§19.6 (seat in the EU, caps on non-EU holdings, veto and board majority).

EU versus EEA (rulesets/regions.yaml): data protection uses the EEA (`data_protection_group`),
the immunity test of SecNumCloud uses the EU (`immunity_group`).

The facts are computed from an item's other facts (`providers.involved`, `data.regions`,
`data.support_regions`), so they follow however those are established, and are cached per
distinct set of values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bleu_assess.inventory.model import Inventory, Platform, Provider
from bleu_assess.rules.refdata import group_of, region_groups, verdict_model

# The facts this module computes are declared, with the others, in rules/facts.py.


class Transfers:
    """Transfer and jurisdiction facts for the items of one inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self.providers = inventory.providers_by_id
        self.eea = group_of("data_protection_group")
        self.eu = group_of("immunity_group")
        self.adequate = region_groups()["adequacy"]
        model = verdict_model()
        self.order = model.transfer_bases  # weakest first
        self.limited = {basis: frozenset(countries) for basis, countries in model.transfer_basis_countries.items()}
        self.candidates = {p.provider for p in inventory.platforms}
        self._item_cache: dict[Any, dict[str, Any]] = {}
        self._app_cache: dict[Any, dict[str, Any]] = {}
        self._region_cache: dict[tuple[tuple[str, ...], tuple[str, ...]],
                                 tuple[frozenset[str], frozenset[str], dict[str, Any]]] = {}
        self._provider_traits: dict[str, tuple[Provider, frozenset[str], frozenset[str], bool, bool, bool]] = {}

    def basis(self, provider: Provider, countries: frozenset[str], declared: str | None = None) -> str:
        """The basis of `provider`'s transfers to `countries` (outside the EEA): as declared (the
        offer's, else the provider's), else `adequacy` when every country has an adequacy decision
        (regions.yaml `@adequacy`), else `unknown`. A declared basis that holds for some countries
        only (verdicts.yaml `transfer_basis_countries`: the DPF, for the US) covers those; the
        others have the basis they would have without it, and the weakest of both counts."""
        declared = declared or provider.transfer_basis
        if declared and declared not in self.limited:
            return declared
        covered = countries & self.limited[declared] if declared else frozenset()
        rest = countries - covered
        if declared and not rest:
            return declared
        found = "adequacy" if rest <= self.adequate else "unknown"
        return self._weakest([declared, found]) or found if declared and covered else found

    def _weakest(self, bases: list[str]) -> str | None:
        return min(bases, key=self.order.index) if bases else None

    def item_facts(self, facts: dict[str, Any], offers: Iterable[Platform] = ()) -> dict[str, Any]:
        """Facts for one item (application or dataset) from its other facts; `offers` are the
        offers its data is hosted on, whose own `transfer_basis` replaces their provider's (the
        weakest one when a provider's offers declare several)."""
        involved = facts.get("providers.involved") or ()
        regions = facts.get("data.regions") or ()
        support = facts.get("data.support_regions") or ()
        declared: dict[str, str] = {}
        for offer in offers:
            if offer.transfer_basis:
                known = declared.get(offer.provider)
                declared[offer.provider] = offer.transfer_basis if known is None else self._weakest(
                    [known, offer.transfer_basis])  # type: ignore[assignment]
        key = (involved, regions, support, tuple(sorted(declared.items())))
        found = self._item_cache.get(key)
        if found is not None:
            return found
        stored, reached, named = self._regions(regions, support)
        storage, access = [], []
        if stored or reached:  # most data stays in the EEA: no provider to look at
            uncovered = stored
            for provider, stores, supports, _, _, _ in [self._traits(p) for p in involved if p in self.providers]:
                if stored & stores:
                    storage.append(self.basis(provider, stored & stores, declared.get(provider.id)))
                    uncovered = uncovered - stores
                if reached & supports:
                    access.append(self.basis(provider, reached & supports, declared.get(provider.id)))
            # Countries outside the EEA that no provider's regions name (a hosting's own `region`,
            # servers on premises abroad): adequate countries need no other basis (art. 45).
            if uncovered:
                storage.append("adequacy" if uncovered <= self.adequate else "unknown")
        found = self._item_cache[key] = {
            **named,
            "transfer.basis": self._weakest(storage),
            "transfer.access_basis": self._weakest(access),
        }
        return found

    def subsets(self) -> dict[str, Callable[[str], bool]]:
        """The providers.* facts naming those of an item's providers (by id) subject to a
        non-adequate jurisdiction, seated outside the EU, subject to declared non-EU
        jurisdictions, whose support staff work from outside the EEA: by the test a provider
        passes (an item's facts hold the providers involved that pass it, in order: analysis.py)."""
        def passes(at: int) -> Callable[[str], bool]:
            return lambda pid: pid in self.providers and bool(self._traits(pid)[at])

        tests = {name: passes(at) for at, name in enumerate(("providers.non_adequate_jurisdiction",
                                                               "providers.non_eu_seat",
                                                               "providers.non_eu_jurisdictions"), 3)}
        tests["providers.support_outside_eea"] = lambda pid: pid in self.providers and bool(
            self._traits(pid)[2] - self.eea)
        return tests

    def _regions(self, regions: tuple[str, ...], support: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str],
                                                                                  dict[str, Any]]:
        """The countries outside the EEA where data is stored or processed and from where it is
        reached, with the facts that name them (remembered: places differ, their regions repeat)."""
        found = self._region_cache.get((regions, support))
        if found is None:
            stored, reached = frozenset(regions) - self.eea, frozenset(support) - self.eea
            found = self._region_cache[(regions, support)] = (stored, reached, {
                "data.transfer_regions": tuple(sorted(stored)),
                "data.non_eu_regions": tuple(sorted(frozenset(regions) - self.eu)),
                "support.transfer_regions": tuple(sorted(reached)),
                "support.non_eu_regions": tuple(sorted(frozenset(support) - self.eu)),
            })
        return found

    def _traits(self, provider_id: str) -> tuple[Provider, frozenset[str], frozenset[str], bool, bool, bool]:
        """What item_facts reads of one provider, computed once: the provider, its regions, its
        support regions, whether it is subject to a non-adequate jurisdiction, seated outside the
        EU, subject to declared non-EU jurisdictions. Datasets reach many sets of providers
        (their key rarely repeats), made of a few providers."""
        found = self._provider_traits.get(provider_id)
        if found is None:
            provider = self.providers[provider_id]
            found = self._provider_traits[provider_id] = (
                provider, frozenset(provider.regions), frozenset(_support(provider)), self._non_adequate(provider),
                provider.headquarters is not None and provider.headquarters not in self.eu,
                bool(self._foreign(provider)))
        return found

    def application_facts(self, provider: Provider | None, platform_basis: str | None = None) -> dict[str, Any]:
        """Facts about an application's hosting provider (and the offer it is hosted on, if known)."""
        key = (provider.id if provider else None, platform_basis)
        found = self._app_cache.get(key)
        if found is not None:
            return found
        own = provider.ownership if provider else None
        found = self._app_cache[key] = {
            "provider.eu_seat": None if provider is None or provider.headquarters is None
            else provider.headquarters in self.eu,
            "provider.transfer_basis": (platform_basis or provider.transfer_basis) if provider else None,
            "provider.non_eu_jurisdictions": tuple(sorted(self._foreign(provider))) if provider else (),
            "provider.offers_platform": bool(provider and provider.id in self.candidates),
            "provider.ownership.non_eu_veto": own.non_eu_veto if own else None,
            "provider.ownership.non_eu_board_majority": own.non_eu_board_majority if own else None,
        }
        return found

    def _foreign(self, provider: Provider) -> frozenset[str]:
        """Declared non-EU jurisdictions outside the EEA."""
        return frozenset(provider.non_eu_jurisdictions) - self.eea

    def _non_adequate(self, provider: Provider) -> bool:
        """Subject to the law of a third country without an adequacy decision (HDS EXI 30): its
        headquarters or a declared jurisdiction outside the EEA and the adequate countries."""
        countries = set(self._foreign(provider))
        if provider.headquarters is not None and provider.headquarters not in self.eea:
            countries.add(provider.headquarters)
        if provider.non_eu_control and not countries:
            return True  # controlled from outside the EU, from a country not declared
        return bool(countries - self.adequate)


def public_only(classes: tuple[str, ...]) -> bool:
    """Whether an item's data (its `data.classifications`) is all public: no transfer rule
    concerns it."""
    return bool(classes) and all(c == "public" for c in classes)


def _support(provider: Provider) -> tuple[str, ...]:
    return provider.effective_support_regions
