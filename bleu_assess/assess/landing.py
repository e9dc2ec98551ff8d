"""Landing zones: which declared offer an item can move to for its target (rulesets/verdicts.yaml:
`target_requirements`, `landing_models`, `strategy_models`), which would once a pending
qualification is granted, and what is missing when none fits; and the qualifications of the
chosen offer that end soon.

An offer fits when it offers a service model the item can land on (a SaaS offer only for an
application whose service it provides), its regions lie within the target's, non-EU law cannot
reach it unless it is SecNumCloud-qualified, its provider's seat is where the target wants it
(SecNumCloud 3.2 §19.6.a), and it holds the qualifications needed on that model, in force on the
assessment date (SecNumCloud 3.2 §2 and annex 2; HDS by activities, CSP R.1111-9).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bleu_assess.assess.analysis import SNC, Analysis
from bleu_assess.assess.offers import HDS, certified_activities, count
from bleu_assess.inventory.model import Application, Inventory
from bleu_assess.rules.refdata import hds_activities, region_groups, verdict_model

# What is missing when no offer fits, by the furthest stage any offer reached.
# `lapsed`: an offer of the right model held what was needed until a day now past (check the renewal);
# `kind-unknown`: one would do if its host were not a commercial offer, and its kind is not declared.
_GAPS = ("model", "service", "region", "exposed", "qualification", "lapsed", "kind-unknown")


class LandingZones:
    """`zones(app, target, qualifications, regions)` -> (chosen offer id or None, offers pending a
    qualification, the gap code when none fits, the service models wanted); `app` None for a
    dataset. Remembered per kind of item, target, needs and regions."""

    def __init__(self, inventory: Inventory, analysis: Analysis, as_of: str) -> None:
        self.inventory, self.analysis, self.as_of = inventory, analysis, as_of
        self.model = verdict_model()
        self.groups = region_groups()
        self.hds_table = hds_activities()
        self.memo: dict[Any, tuple[str | None, tuple[str, ...], str | None, tuple[str, ...]]] = {}

    def __call__(self, app: Application | None, target: str, qualifications: frozenset[str],
                 regions: frozenset[str] | None) -> tuple[str | None, tuple[str, ...], str | None, tuple[str, ...]]:
        """The first declared offer (by id) that satisfies the item, those that would if their
        pending qualifications were granted, what is missing when none fits (a `_GAPS` code),
        and the service models it may land on."""
        requirement = self.model.target_requirements.get(target)
        if requirement is None:  # on-premises, retire
            return None, (), None, ()
        if app is None:
            kind: Any = None
        elif app.strategy in self.model.strategy_models:
            kind = ("strategy", app.strategy, app.service)
        else:
            kind = ("hosting", app.hosting.model if app.hosting else "unknown", app.service)
        key = (kind, target, qualifications, regions)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._platform(app, requirement, qualifications, regions)
        return found

    def _platform(self, app: Application | None, requirement: dict[str, Any], qualifications: frozenset[str],
                  regions: frozenset[str] | None) -> tuple[str | None, tuple[str, ...], str | None, tuple[str, ...]]:
        needed = set(requirement["qualifications"]) | qualifications
        allowed = regions
        if requirement["regions"]:
            group = self.groups[requirement["regions"].lstrip("@")]
            allowed = group if allowed is None else allowed & group
        if app is None:
            wanted = list(dict.fromkeys(m for ms in self.model.landing_models.values() for m in ms if m != "saas"))
        elif app.strategy in self.model.strategy_models:
            wanted = list(self.model.strategy_models[app.strategy])
        else:
            wanted = list(self.model.landing_models[app.hosting.model if app.hosting else "unknown"])
        service = app.service if app is not None else None
        chosen: str | None = None
        pending: list[str] = []
        reached = -1
        inv = self.inventory
        for offer in sorted(inv.platforms, key=lambda p: p.id):
            provider = inv.provider(offer.provider)
            if provider is None:
                continue
            stage = 0
            # The service models this offer can host the item on, the item's preferred first;
            # a SaaS offer only for an application whose service it provides.
            models = [m for m in wanted if m in offer.models
                      and (m != "saas" or app is None or (service is not None and service in offer.services))]
            if models:
                stage = 2
            elif any(m in offer.models for m in wanted):
                stage = 1
            if stage == 2:
                offer_regions = offer.regions or provider.regions
                if allowed is None or (offer_regions and allowed.issuperset(offer_regions)):
                    stage = 3
            model = models[0] if models else None
            counted = count(offer.qualifications or (), model, self.as_of)
            if stage == 3:
                qualified_snc = SNC in counted.held
                seat = requirement.get("seat")  # SecNumCloud §19.6.a: an EU seat, whatever the offer says
                if not (requirement["not_exposed"] and self.analysis.providers[provider.id].exposed
                        and not qualified_snc) and not (seat and provider.headquarters is not None
                                                        and provider.headquarters not in self.groups[seat[1:]]):
                    stage = 4
            if stage == 4 and model is not None:
                held = set(counted.held)
                # `hds` as a requirement: certified for the activities of the model it lands on.
                certified = certified_activities(offer.hds_activities, offer.qualifications or (), self.as_of)
                if self.hds_table.by_hosting[model] <= certified:
                    held.add(HDS)
                else:
                    held.discard(HDS)
                if provider.kind not in (None, "commercial"):
                    # The doctrine's qualification requirement (R9, SREN art. 31) concerns
                    # commercial cloud offers: the State's cloud or a public shared service meets it.
                    held.add(SNC)
                missing = needed.difference(held)
                if not missing:
                    chosen = chosen or offer.id
                    stage = 7
                elif missing.issubset({q.id for q in offer.pending_qualifications or ()}):
                    pending.append(offer.id)
                    stage = 7
                elif (missing == {SNC} and provider.kind is None
                      and provider.headquarters in (None, *self.groups["fr"])
                      and SNC not in {q.id for q in offer.qualifications or ()}
                      and SNC not in {q.id for q in offer.pending_qualifications or ()}):
                    # A French host of undeclared kind, selling no SecNumCloud service (that would be
                    # a commercial offer), may be the State's cloud (SNC-UNK-003): whether the offer
                    # would do cannot be said, so neither can "no offer fits".
                    stage = 6
                elif missing.issubset({q.id for q in offer.qualifications or ()
                                       if q.until is not None and q.until < self.as_of and q.covers(model)}):
                    stage = 5
            reached = max(reached, stage)
        gap = None if chosen or pending else ("service-undeclared" if reached == 1 and service is None and app is not None
                                              and "saas" in wanted else _GAPS[max(reached, 0)])
        return chosen, tuple(pending), gap, tuple(wanted)


class Expiry:
    """The `platform.expiring` and `platform.expires_on` facts: the qualifications an item needs on
    its chosen offer (its target's and its rules') that are in force on the assessment date and
    end within `expiry_warning_days` of it (rulesets/verdicts.yaml), and the first such end
    (YYYY-MM-DD). A qualification is valid for a period (SecNumCloud 3.2 annex 2); a migration
    planned on one about to end needs its renewal checked. Remembered per offer and needs."""

    def __init__(self, inventory: Inventory, model: Any, as_of: str) -> None:
        self.platforms = inventory.platforms_by_id
        self.model, self.as_of = model, as_of
        self.horizon = (dt.date.fromisoformat(as_of) + dt.timedelta(days=model.expiry_warning_days)).isoformat()
        self.memo: dict[tuple[str, str, frozenset[str]], tuple[tuple[str, ...], str | None]] = {}

    def __call__(self, platform: str | None, target: str, needs: frozenset[str]) -> tuple[tuple[str, ...], str | None]:
        if platform is None:
            return (), None
        key = (platform, target, needs)
        found = self.memo.get(key)
        if found is None:
            requirement = self.model.target_requirements.get(target) or {}
            needed = set(requirement.get("qualifications") or ()) | needs
            ending = sorted((q.until, q.id) for q in self.platforms[platform].qualifications or ()
                            if q.id in needed and q.until and q.in_force(self.as_of) and q.until <= self.horizon)
            found = self.memo[key] = (tuple(dict.fromkeys(i for _, i in ending)), ending[0][0] if ending else None)
        return found
