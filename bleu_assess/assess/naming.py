"""Names for what a message refers to by code: countries by their name in the reader's language
(CLDR territory names, via Babel), applications, datasets, providers and offers by the name the
inventory gives them. Messages show names, never ids or ISO codes (« le droit des États-Unis »,
« reçoit de Annuaire Active Directory »)."""

from __future__ import annotations

from typing import Any

# Facts whose values are ids or country codes: a message shows the name they refer to
# (Referrer below), never the code (« le droit des États-Unis », not « de US »).
REFERENCES: dict[str, str] = {
    "provider.headquarters": "country", "data.transfer_regions": "country", "support.transfer_regions": "country",
    "support.non_eu_regions": "country", "data.regions": "country", "data.storage_regions": "country",
    "data.non_eu_regions": "country", "data.admin_regions": "country", "provider.non_eu_jurisdictions": "country",
    "providers.non_adequate_jurisdiction": "country", "provider.contract_law": "country",
    "hosting.provider": "provider", "providers.involved": "provider", "providers.hds_exempt": "provider",
    "providers.without_hds": "provider", "providers.unknown_headquarters": "provider",
    "dependencies.unknown_providers": "provider",
    "flows.sends_to_exposed": "application", "flows.receives_from": "application",
    "data.shared_with_exposed": "application", "platform.id": "platform", "platform.pending": "platform",
    "exposure.path": "path",
}


def country(code: str, lang: str) -> str:
    """The name of an ISO 3166-1 alpha-2 country in `lang` (CLDR territory names, via Babel):
    `US` -> « États-Unis »; the code itself when CLDR does not know it."""
    from bleu_assess.locales import locale

    return locale(lang).territories.get(str(code).upper(), str(code))


class Referrer:
    """Names for the ids and codes a message refers to, in one language: `refer(kind, code)`
    with kind `country` (a country name), `application`, `provider`, `platform` (the entry's
    name in the inventory, its id when it has none) or `path` (an exposure path element:
    `provider:aws` names the provider, other elements an application or dataset)."""

    def __init__(self, inventory: Any, lang: str) -> None:
        self.lang = lang
        self.names: dict[str, dict[str, str]] = {
            "application": {a.id: a.name for a in inventory.applications} | {d.id: d.name for d in inventory.datasets},
            "provider": {p.id: p.name for p in inventory.providers},
            "platform": {p.id: getattr(p, "name", None) or p.id for p in inventory.platforms},
        }

    def __call__(self, kind: str, code: Any) -> str:
        text = str(code)
        if kind == "country":
            return country(text, self.lang)
        if kind == "path":
            prefix, _, rest = text.partition(":")
            return self.names["provider"].get(rest, rest) if prefix == "provider" and rest else \
                self.names["application"].get(text, text)
        return self.names.get(kind, {}).get(text, text)
