"""Stage 4: apply rulesets to every item and derive its verdicts (spec/results.md).

Rules run in two passes: the first sets scope, residency, target and landing requirements; the
platform is chosen; the second pass runs the rules that test `verdict.*` or `platform.*` facts.
Each rule's result is cached by the values of the facts it tests, so items alike cost one test.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable, Iterable

from bleu_assess import __version__
from bleu_assess.analysis import Analysis
from bleu_assess.graph import InventoryGraph
from bleu_assess.model import Application, Inventory
from bleu_assess.refdata import region_groups, verdict_model
from bleu_assess.results import (Exposure, Finding, InventoryRef, ItemVerdict, RulesetRef, ScanResult)
from bleu_assess.rules.load import PLACEHOLDER
from bleu_assess.rules.model import Rule, Ruleset

class _Check:
    """One rule, ready to run: its results are cached by the values of the facts it tests, so
    items alike cost one evaluation."""

    __slots__ = ("ruleset", "rule", "key", "cache")

    def __init__(self, ruleset: Ruleset, rule: Rule) -> None:
        self.ruleset, self.rule = ruleset, rule
        names = rule.facts_used
        self.key: Callable[[dict[str, Any]], Any] = itemgetter(*names) if names else (lambda facts: ())
        self.cache: dict[Any, bool] = {}

    def fires(self, facts: dict[str, Any]) -> bool:
        key = self.key(facts)
        result = self.cache.get(key)
        if result is None:
            result = self.cache[key] = bool(self.rule.predicate(facts))
        return result


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (tuple, list)):
        return ", ".join(_text(v) for v in value) if value else "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _format(template: str, facts: dict[str, Any]) -> str:
    return PLACEHOLDER.sub(lambda m: _text(facts.get(m.group(1))), template)


class _Text:
    """A message in one language, formatted once per distinct set of placeholder values."""

    def __init__(self, template: str) -> None:
        self.template = template
        names = tuple(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(template)))
        self.key: Callable[[dict[str, Any]], Any] | None = itemgetter(*names) if names else None
        self.cache: dict[Any, str] = {}

    def __call__(self, facts: dict[str, Any]) -> str:
        if self.key is None:
            return self.template
        key = self.key(facts)
        text = self.cache.get(key)
        if text is None:
            text = self.cache[key] = _format(self.template, facts)
        return text


class _Texts:
    def __init__(self, ruleset: Ruleset, rule: Rule, lang: str) -> None:
        self.ref = ruleset.ref
        self.message = _Text(rule.message[lang])
        self.remediation = _Text(rule.remediation[lang])
        self.title = _Text(rule.title[lang])
        self.references = tuple(ruleset.reference_text(r) for r in rule.references)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class Evaluator:
    def __init__(self, ig: InventoryGraph, rulesets: list[Ruleset], lang: str) -> None:
        self.inventory: Inventory = ig.inventory
        self.analysis = Analysis(ig)
        self.rulesets = rulesets
        self.lang = lang
        self.model = verdict_model()
        self.groups = region_groups()
        self._texts: dict[int, _Texts] = {}
        by_kind: dict[str, list[_Check]] = {"application": [], "dataset": []}
        for ruleset in rulesets:
            for rule in ruleset.rules:
                check = _Check(ruleset, rule)
                for kind in rule.applies_to:
                    by_kind[kind].append(check)
        self.first = {k: [c for c in v if not c.rule.second_pass] for k, v in by_kind.items()}
        self.second = {k: [c for c in v if c.rule.second_pass] for k, v in by_kind.items()}

    def run(self, advance: Callable[[int], None] | None = None) -> ScanResult:
        todo = [(app, "application") for app in self.inventory.applications]
        todo += [(dataset, "dataset") for dataset in self.inventory.datasets]
        items = []
        for index, (item, kind) in enumerate(todo, 1):
            items.append(self.item(item, kind))
            if advance is not None and index % 500 == 0:
                advance(500)
        items.sort(key=lambda i: i.id)
        inv = self.inventory
        return ScanResult(
            tool_version=__version__,
            inventory=InventoryRef(inv.path, inv.sha256, inv.organisation.name, inv.organisation.country,
                                   inv.organisation.type),
            rulesets=tuple(RulesetRef(r.id, r.version, r.sha256, r.status) for r in self.rulesets),
            items=tuple(items),
            lang=self.lang,
        )

    def item(self, item: Any, kind: str) -> ItemVerdict:
        if kind == "application":
            facts, exposure = self.analysis.application_facts(item)
        else:
            facts, exposure = self.analysis.dataset_facts(item)
        fired = [c for c in self.first[kind] if c.fires(facts)]
        effects: dict[str, list[Any]] = {}
        for check in fired:
            for key, value in check.rule.verdict.items():
                effects.setdefault(key, []).append(value)
        scope = self.model.strongest("secnumcloud_scope", effects.get("secnumcloud_scope", []))
        residency = self.model.strongest("residency", effects.get("residency", []))
        target = self.model.strongest("target", [*effects.get("target", []), self.model.scope_targets[scope]])
        strategy = getattr(item, "strategy", None)
        target = self.model.strategy_targets.get(strategy, target) if strategy else target
        qualifications = {q for values in effects.get("requires_qualifications", []) for q in values}
        regions: frozenset[str] | None = None
        for allowed in effects.get("requires_regions", []):
            regions = allowed if regions is None else regions & allowed
        platform, pending = self.platform(item if kind == "application" else None, target, qualifications, regions)
        facts.update({"verdict.secnumcloud_scope": scope, "verdict.target": target, "verdict.residency": residency,
                      "platform.id": platform, "platform.pending": pending})
        fired += [c for c in self.second[kind] if c.fires(facts)]
        findings = sorted((self.finding(c.ruleset, c.rule, facts, exposure) for c in fired), key=Finding.sort_key)
        readiness = self.readiness(findings, any(v == "unknown" for v in effects.get("readiness", [])))
        common = dict(id=item.id, kind=kind, name=item.name, readiness=readiness, secnumcloud_scope=scope,
                      residency=residency, exposure=exposure, target=target, platform=platform,
                      findings=tuple(findings))
        if kind == "application":
            app: Application = item
            return ItemVerdict(**common, owner=app.owner, criticality=app.criticality,
                               hosting_model=app.hosting.model if app.hosting else None, tags=app.tags,
                               extra=app.extra)
        return ItemVerdict(**common, classification=item.classification)

    @staticmethod
    def readiness(findings: Iterable[Finding], unknown: bool) -> str:
        severities = {f.severity for f in findings}
        if "blocker" in severities:
            return "not-ready"
        if unknown:
            return "unknown"
        if severities & {"high", "medium"}:
            return "ready-with-conditions"
        return "ready"

    def platform(self, app: Application | None, target: str, qualifications: set[str],
                 regions: frozenset[str] | None) -> tuple[str | None, tuple[str, ...]]:
        """The first declared platform (by id) that satisfies the item, and those that would if
        their provider's pending qualifications were granted."""
        requirement = self.model.target_requirements.get(target)
        if requirement is None:  # on-premises, retire
            return None, ()
        needed = set(requirement["qualifications"]) | qualifications
        allowed = regions
        if requirement["regions"]:
            group = self.groups[requirement["regions"].lstrip("@")]
            allowed = group if allowed is None else allowed & group
        if app is None:
            models = {m for ms in self.model.landing_models.values() for m in ms}
        elif app.strategy in self.model.strategy_models:
            models = set(self.model.strategy_models[app.strategy])
        else:
            models = set(self.model.landing_models[app.hosting.model if app.hosting else "unknown"])
        chosen: str | None = None
        pending: list[str] = []
        for platform in sorted(self.inventory.platforms, key=lambda p: p.id):
            provider = self.inventory.provider(platform.provider)
            if provider is None or not models.intersection(platform.models):
                continue
            if allowed is not None and (not provider.regions or not allowed.issuperset(provider.regions)):
                continue
            if requirement["not_exposed"] and self.analysis.providers[provider.id].exposed:
                continue
            missing = needed.difference(provider.qualifications)
            if not missing:
                chosen = chosen or platform.id
            elif missing.issubset(provider.pending_qualifications):
                pending.append(platform.id)
        return chosen, tuple(pending)

    def finding(self, ruleset: Ruleset, rule: Rule, facts: dict[str, Any], exposure: Exposure) -> Finding:
        evidence = {name: _jsonable(facts.get(name)) for name in rule.facts_used}
        if exposure.paths and any(name.startswith("exposure.") for name in rule.facts_used):
            evidence["path"] = list(exposure.paths[0])
        texts = self.texts(ruleset, rule)
        return Finding(
            rule=rule.id, ruleset=texts.ref, dimension=rule.dimension, severity=rule.severity,
            message=texts.message(facts), remediation=texts.remediation(facts), references=texts.references,
            evidence=evidence, title=texts.title(facts),
        )

    def texts(self, ruleset: Ruleset, rule: Rule) -> "_Texts":
        key = id(rule)
        texts = self._texts.get(key)
        if texts is None:
            texts = self._texts[key] = _Texts(ruleset, rule, self.lang)
        return texts


def assess(ig: InventoryGraph, rulesets: list[Ruleset], lang: str = "en",
           advance: Callable[[int], None] | None = None) -> ScanResult:
    """`advance(n)` is told every few hundred items (for a progress bar)."""
    return Evaluator(ig, rulesets, lang).run(advance)


