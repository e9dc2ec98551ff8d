"""Names for what a message refers to by code: countries by their name in the reader's language
(CLDR territory names, via Babel, when a finding is worded), applications, datasets, providers and
offers by the name the inventory gives them (when the finding is made). Messages show names,
never ids or ISO codes (« le droit des États-Unis », « reçoit de Annuaire Active Directory »)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bleu_assess.rules.facts import FACTS
from bleu_assess.rules.load import PLACEHOLDER
from bleu_assess.rules.model import Rule, Ruleset

# Placeholders that differ from item to item: filled from the item when a finding is worded.
OWN = ("id", "name")


def placeholders(rule: Rule) -> tuple[str, ...]:
    """The facts the rule's texts name in any language, the item's own id and name apart: the
    parameters its findings record (in order of first appearance)."""
    texts = [text for field in (rule.title, rule.message, rule.remediation) for text in field.values()]
    return tuple(dict.fromkeys(n for text in texts for n in PLACEHOLDER.findall(text) if n not in OWN))


def sources(rulesets: list[Ruleset]) -> dict[str, tuple[Ruleset, Rule]]:
    """Rule id -> the ruleset and rule applied (the first ruleset's, should two share an id):
    where findings take their words from (ScanResult.sources)."""
    return {rule.id: (ruleset, rule) for ruleset in reversed(rulesets) for rule in ruleset.rules}


# Facts whose values are ids or country codes: a message shows the name they refer to
# (Referrer below), never the code (« le droit des États-Unis », not « de US »).
REFERENCES: dict[str, str] = {
    "provider.headquarters": "country", "data.transfer_regions": "country", "support.transfer_regions": "country",
    "support.non_eu_regions": "country", "data.regions": "country", "data.storage_regions": "country",
    "data.non_eu_regions": "country", "data.admin_regions": "country", "provider.non_eu_jurisdictions": "country",
    "providers.non_adequate_jurisdiction": "provider", "provider.contract_law": "country",
    "hosting.provider": "provider", "providers.involved": "provider", "providers.hds_exempt": "provider",
    "providers.without_hds": "provider", "providers.unknown_headquarters": "provider",
    "providers.support_outside_eea": "provider",
    "dependencies.unknown_providers": "provider",
    "flows.sends_to_exposed": "application", "flows.receives_from": "application",
    "data.shared_with_exposed": "application", "platform.id": "platform", "platform.pending": "platform",
    "exposure.path": "path",
}


def country(code: str, lang: str) -> str:
    """The name of an ISO 3166-1 alpha-2 country in `lang` (CLDR territory names, via Babel):
    `US` -> « États-Unis »; the code itself when CLDR does not know it."""
    from bleu_assess.locales import territories

    return territories(lang).get(str(code).upper(), str(code))


class Referrer:
    """Names for the ids a finding's parameters refer to (the entry's name in the inventory, its
    id when it has none): `application`, `provider`, `platform`, or `path` (an exposure path
    element: `provider:aws` names the provider, other elements an application or dataset).
    Names do not depend on the reader's language; country codes are kept as codes and named
    when the finding is worded (render/finding_texts.py)."""

    def __init__(self, inventory: Any) -> None:
        self.names: dict[str, dict[str, str]] = {
            "application": {a.id: a.name for a in inventory.applications} | {d.id: d.name for d in inventory.datasets},
            "provider": {p.id: p.name for p in inventory.providers},
            "platform": {p.id: getattr(p, "name", None) or p.id for p in inventory.platforms},
        }
        self.memo: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
        self.plans: dict[int, Any] = {}  # id(rule) -> Referrer._plan (the rules outlive the referrer)
        self.resolved: dict[tuple[str, Any], Any] = {}  # (kind, ids) -> names
        self.ids: dict[str, dict[Any, str]] = {}  # kind -> id -> name

    def __call__(self, kind: str, code: Any) -> str:
        text = str(code)
        if kind == "path":
            prefix, _, rest = text.partition(":")
            return self.names["provider"].get(rest, rest) if prefix == "provider" and rest else \
                self.names["application"].get(text, text)
        return self.names.get(kind, {}).get(text, text)

    def params(self, names: tuple[str, ...], rule: Rule, facts: Mapping[str, Any]) -> dict[str, Any]:
        """A finding's parameters: for each fact its texts name (`names`), the part of its value
        they show (Rule.shown), ids replaced by names (REFERENCES but countries), codes kept; a
        tuple stays a tuple, a single value a single value. Findings of a rule that show the same
        values share one dict (the wording step words each distinct one once), unless a number is
        among them: 1 and 1.0 are equal keys but are written differently in the results."""
        plan = self.plans.get(id(rule))
        if plan is None:
            plan = self.plans[id(rule)] = self._plan(names, rule)
        numeric, steps = plan
        if numeric:
            return self._params(steps, facts)
        key = (rule.id, tuple([facts.get(name) for name in names]))
        try:
            found = self.memo.get(key)
        except TypeError:  # an unhashable value: not remembered
            return self._params(steps, facts)
        if found is None:
            found = self.memo[key] = self._params(steps, facts)
        return found

    @staticmethod
    def _plan(names: tuple[str, ...], rule: Rule) -> tuple[bool, tuple[tuple[str, Any, str | None], ...]]:
        """How a rule's parameters are made, once per rule: whether its texts name a number, and
        for each fact named, the part of its value shown (Rule.shown, None: all) and the kind of
        id it holds (None: kept as it is, countries included)."""
        numeric = any(FACTS[n].type == "number" for n in names if n in FACTS)
        kinds = {name: REFERENCES.get(name) for name in names}
        return numeric, tuple((name, rule.shown.get(name), None if kinds[name] == "country" else kinds[name])
                              for name in names)

    def _params(self, steps: tuple[tuple[str, Any, str | None], ...], facts: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, pick, kind in steps:
            value = facts.get(name)
            if pick is not None:
                value = pick(value)
            if kind is not None and value is not None:
                value = self.named(kind, value)
            out[name] = value
        return out

    def named(self, kind: str, value: Any) -> Any:
        """`value` (an id, or a tuple of them) with names for ids, remembered per value and per
        id: the same providers and applications appear in the findings of many rules and items
        (and in exposure paths that rarely repeat whole)."""
        if isinstance(value, list):  # not hashable: not remembered
            return self._each(kind, value)
        key = (kind, value)
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self._each(kind, value) if isinstance(value, tuple) \
                else self._one(kind, value)
        return found

    def _each(self, kind: str, codes: Any) -> tuple[str, ...]:
        table = self._table(kind)
        try:  # every id known: the inventory's, or met before
            return tuple([table[code] for code in codes])
        except (KeyError, TypeError):
            return tuple([self._one(kind, code) for code in codes])

    def _table(self, kind: str) -> dict[Any, str]:
        """The names of the ids of `kind`, as `self(kind, id)` gives them: first those of the
        inventory's entries (an exposure path's elements: applications and datasets, and
        `provider:ID`), then each other id when first met."""
        table = self.ids.get(kind)
        if table is None:
            names = self.names
            if kind == "path":  # an id that reads as `provider:…` names a provider, whatever it is
                table = {code: name for code, name in names["application"].items() if not code.startswith("provider:")}
                table.update({f"provider:{code}": name for code, name in names["provider"].items()})
            else:
                table = dict(names.get(kind, {}))
            self.ids[kind] = table
        return table

    def _one(self, kind: str, code: Any) -> str:
        table = self._table(kind)
        try:
            found = table.get(code)
        except TypeError:  # not hashable: not remembered
            return self(kind, code)
        if found is None:
            found = table[code] = self(kind, code)
        return found
