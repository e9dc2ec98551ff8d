"""Facts for the contract, key-management and sectoral rules (rulesets `contracts` and
`sectoral`): what the contract with the hosting provider states, whether the organisation holds
its own keys, HDS exemptions and certificate référentiels.

Sources: SecNumCloud 3.2 §3.3.2 (no technical guarantee against the provider itself), §19.6.f and
§19.1.g (contract clauses); DORA (Regulation (EU) 2022/2554) arts. 28(8), 30(2)(b); the ANS's
HDS exemptions (GHT, electronic archiving) and the HDS 2024 référentiel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bleu_assess.inventory.model import Application, Provider

# The facts this module computes are declared, with the others, in rules/facts.py.


def application_facts(app: Application) -> tuple[bool | None, bool | None]:
    """An application's own key and exit facts: `keys.customer_held`, `exit.plan` (a pair, set
    by the caller into the application's facts: no dict per application)."""
    return app.customer_held_keys, app.exit_plan


def contract_facts(provider: Provider | None) -> dict[str, Any]:
    """What the contract with an application's hosting provider states (cached by the caller per
    hosting)."""
    contract = provider.contract if provider else None
    return {
        "provider.contract.change_notice": contract.change_notice if contract else None,
        "provider.contract.exit_without_penalty": contract.exit_without_penalty if contract else None,
        "provider.contract.locations_stated": contract.locations_stated if contract else None,
    }


# The providers.* facts naming some of the providers involved in an item (analysis.py), by the
# test a provider passes; `providers.hds_exemptions` lists the exemptions of the exempt ones.
PROVIDER_SUBSETS: dict[str, Callable[[Provider], bool]] = {
    "providers.hds_exempt": lambda p: bool(p.hds_exemption),
    "providers.hds_2018": lambda p: p.hds_referential == "2018",
}
