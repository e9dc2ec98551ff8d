"""Stage 4: apply rulesets to every item and derive its verdicts (spec/results.md).

Rules run in two passes: the first sets scope, residency, target and landing requirements; the
platform is chosen; the second pass runs the rules that test `verdict.*` or `platform.*` facts.
The rules of a pass are tested by one function compiled from their conditions (`tester`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from operator import attrgetter, itemgetter
from typing import Any

from bleu_assess import __version__, gcpause
from bleu_assess.assess.analysis import Analysis, derogation_active
from bleu_assess.assess.confidence import Marks, rests_on_catalogue
from bleu_assess.assess.landing import Expiry, LandingZones
from bleu_assess.assess.merge import Merger
from bleu_assess.assess.naming import Referrer, placeholders, sources
from bleu_assess.assess.results import Exposure, Finding, InventoryRef, ItemVerdict, RulesetRef, ScanResult
from bleu_assess.assess.trace import Trace
from bleu_assess.clock import assessment_date
from bleu_assess.inventory.graph import InventoryGraph
from bleu_assess.inventory.model import Inventory
from bleu_assess.rules.conditions import tester
from bleu_assess.rules.facts import FACTS, NAMES
from bleu_assess.rules.model import Rule, Ruleset
from bleu_assess.rules.refdata import verdict_model
from bleu_assess.vocab import SEVERITY_RANK, Readiness, Severity


class _Check:
    """One rule, ready to run (its condition is tested by its pass's function, `tester`); its
    evidence and findings are cached by the values of the facts they show, so items alike share
    one."""

    __slots__ = (
        "catalogue",
        "evidence_cache",
        "finding_key",
        "findings",
        "key",
        "order",
        "ref",
        "rule",
        "ruleset",
        "shares_evidence",
        "texts",
        "uses_exposure",
    )

    def __init__(self, ruleset: Ruleset, rule: Rule) -> None:
        self.ruleset, self.rule = ruleset, rule
        self.ref = ruleset.ref  # one string shared by its findings (Ruleset.ref formats a new one)
        names = rule.facts_used
        self.key = _values(names)
        self.evidence_cache: dict[Any, dict[str, Any]] = {}
        self.uses_exposure = any(name.startswith("exposure.") for name in names)
        self.catalogue = rests_on_catalogue(names)  # its findings may rest on catalogue facts
        self.order = (SEVERITY_RANK[rule.severity], rule.id)  # its findings' place (_finding_order)
        self.texts: tuple[str, ...] | None = None  # the facts its texts name (Evaluator._texts)
        # Whether findings that differ may show the same evidence (their texts name other facts
        # than those tested): else a new finding's evidence is new too, not worth remembering.
        self.shares_evidence = True
        # The findings of items alike (one object), keyed by the values of every fact their
        # parameters and evidence show (set with texts), and by the first exposure path when the
        # rule tests exposure.
        self.findings: dict[Any, Finding] = {}
        self.finding_key: Callable[[dict[str, Any]], Any] = self.key

    def evidence(self, facts: dict[str, Any], exposure: Exposure) -> dict[str, Any]:
        path = exposure.paths[0] if exposure.paths and self.uses_exposure else None
        if not self.shares_evidence:
            return self._shown(facts, path)
        key = (self.key(facts), path)
        evidence = self.evidence_cache.get(key)
        if evidence is None:
            evidence = self.evidence_cache[key] = self._shown(facts, path)
        return evidence

    def _shown(self, facts: dict[str, Any], path: tuple[str, ...] | None) -> dict[str, Any]:
        evidence = {name: _jsonable(facts.get(name)) for name in self.rule.facts_used}
        if path is not None:
            evidence["path"] = list(path)
        return evidence


# How the findings of the checks that fired are shown (Evaluator._order).
_Shown = tuple[tuple[_Check, ...] | None, str, tuple[int, ...]]


def _values(names: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """A key of the values of the facts `names` in an item's facts. 1, 1.0 and True are equal
    keys but print differently: where a fact is a number, the key holds the values' types too."""
    if not names:
        return lambda facts: ()
    get = itemgetter(*[NAMES.get(name, name) for name in names])  # the facts' own key objects
    if not any(name in FACTS and FACTS[name].type == "number" for name in names):
        return get
    if len(names) == 1:
        return lambda facts: (value := get(facts), value.__class__)
    return lambda facts: (values := get(facts), tuple([value.__class__ for value in values]))


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# Why no offer fits, in the order an offer is tested: the furthest stage any offer reached names
# what is missing (a label in the values catalogue, `landing_gap`).


class Evaluator:
    def __init__(self, ig: InventoryGraph, rulesets: list[Ruleset], lang: str, as_of: str, marked: bool = False) -> None:
        self.inventory: Inventory = ig.inventory
        self.marks = Marks(self.inventory) if marked else None
        self.as_of = as_of
        # The facts the rules test or name: the analysis may leave the others out.
        reads = {name for ruleset in rulesets for rule in ruleset.rules
                 for name in (*rule.facts_used, *placeholders(rule))}
        self.analysis = Analysis(ig, as_of, reads)
        # Derogations in force, by item: rule id -> what the finding shows.
        self.waivers: dict[str, dict[str, dict[str, Any]]] = {}
        for derogation in self.inventory.derogations:
            if not derogation_active(derogation, self.analysis.as_of):
                continue
            shown = {"id": derogation.id, "basis": derogation.basis, "until": derogation.until,
                     "reference": derogation.reference, "granted_by": derogation.granted_by}
            for item_id in derogation.items:
                for rule_id in derogation.rules:
                    self.waivers.setdefault(item_id, {}).setdefault(rule_id, shown)
        self.rulesets = rulesets
        self.lang = lang
        self.model = verdict_model()
        self._derived: dict[tuple[_Check, ...], Any] = {}
        # By the first pass's unknown reasons and the second pass's checks: the reasons of both.
        self._unknown: dict[tuple[tuple[str, ...], tuple[_Check, ...]], tuple[str, ...]] = {}
        self.merger = Merger()
        # By the checks that fired: how their findings are shown (`_order`).
        self._shown: dict[tuple[_Check, ...], _Shown] = {}
        self.landing = LandingZones(self.inventory, self.analysis, as_of)
        self.expiry = Expiry(self.inventory, self.model, as_of)
        self.refer = Referrer(self.inventory)
        by_kind: dict[str, list[_Check]] = {"application": [], "dataset": []}
        for ruleset in rulesets:
            for rule in ruleset.rules:
                check = _Check(ruleset, rule)
                for kind in rule.applies_to:
                    by_kind[kind].append(check)
        # Rule id -> the verdicts it leaves undecided when it finds a fact missing (`verdict.undecided`).
        self._leaves = {c.rule.id: tuple(c.rule.verdict.get("undecided") or ()) for v in by_kind.values() for c in v}
        self._undecided: dict[tuple[str, ...], tuple[str, ...]] = {}
        # Application id -> whether its exposure is undecided: a dataset it holds or receives inherits it.
        self._exposure_undecided: dict[str, bool] = {}
        self.first = {k: [c for c in v if not c.rule.second_pass] for k, v in by_kind.items()}
        self.second = {k: [c for c in v if c.rule.second_pass] for k, v in by_kind.items()}
        # One function per pass and kind tests every rule's condition (rules/conditions.py).
        self._first = {kind: tester([c.rule for c in checks], checks) for kind, checks in self.first.items()}
        self._second = {kind: tester([c.rule for c in checks], checks) for kind, checks in self.second.items()}

    def run(self, advance: Callable[[int], None] | None = None) -> ScanResult:
        items = []
        evaluate, done = self.evaluate, 0
        for kind, todo in (("application", self.inventory.applications), ("dataset", self.inventory.datasets)):
            for item in todo:
                items.append(evaluate(item, kind)[0])
                done += 1
                if advance is not None and done % 500 == 0:
                    advance(500)
        items.sort(key=lambda i: i.id)
        inv = self.inventory
        return ScanResult(
            tool_version=__version__,
            inventory=InventoryRef(inv.path, inv.sha256, inv.organisation.name, inv.organisation.country,
                                   inv.organisation.type, inv.catalogue.to_dict() if inv.catalogue else None),
            rulesets=tuple(RulesetRef(r.id, r.version, r.sha256, r.status, r.superseded_by) for r in self.rulesets),
            items=tuple(items),
            lang=self.lang,
            as_of=self.as_of,
            sources=sources(self.rulesets),
            worded=False,
        )

    def trace(self, item: Any, kind: str) -> Trace:
        """What the evaluation of one item used: its verdict, every fact a rule evaluated on it
        tests (first and second pass, `verdict.*` and `platform.*` included) with its value, and
        the rules evaluated and those that fired, in evaluation order."""
        verdict, facts, fired = self.evaluate(item, kind)
        evaluated = [*self.first[kind], *self.second[kind]]
        used = sorted({name for check in evaluated for name in check.rule.facts_used})
        return Trace(verdict, {name: facts.get(name) for name in used},
                     tuple(c.rule.id for c in evaluated), tuple(c.rule.id for c in fired),
                     {c.rule.id: c.rule.facts_used for c in evaluated})

    def evaluate(self, item: Any, kind: str) -> tuple[ItemVerdict, dict[str, Any], list[_Check]]:
        """The item's verdict, its facts (second-pass ones included) and the checks that fired."""
        facts, exposure, fired, unknown = self.decide(item, kind)
        key = tuple(fired)
        shown = self._shown.get(key)
        if shown is None:
            shown = self._shown[key] = self._order(fired, unknown)
        waivers = self.waivers.get(item.id)
        fast = shown[0] is not None and not waivers
        if fast:
            # One finding per check, in the order they are shown; readiness known from the checks.
            ordered = tuple(self.findings(shown[0], facts, exposure))  # type: ignore[arg-type]
            readiness = shown[1]
        else:
            made = self.findings(fired, facts, exposure)
            findings = self.merger.merge([(c.ruleset, c.rule, f) for c, f in zip(fired, made)])
            if waivers:  # a merged finding is derogated when a derogation covers any of its rules
                findings = [_derogated(f, waivers) for f in findings]
            findings.sort(key=_finding_order)
            readiness = self.readiness(findings, bool(unknown))
            ordered = tuple(findings)
        reasons = unknown if readiness == "unknown" else ()
        confidence = None
        if self.marks is not None:
            hosted = (facts["hosting.provider"], facts["hosting.platform"]) \
                if kind == "application" and item.hosting is not None else None
            ordered, confidence = self.marks.item(item.id, ordered, facts["platform.id"], shown[2] if fast else None,
                                                  hosted)
        undecided = self.undecided(unknown)
        if kind == "application":
            self._exposure_undecided[item.id] = "exposure" in undecided
        elif "exposure" not in undecided and self._reached_undecided(item.id):
            undecided = tuple(d for d in ("secnumcloud_scope", "residency", "exposure", "target")
                              if d in undecided or d == "exposure")
        # Positional, in ItemVerdict's field order (a plain call: quicker than one with *args).
        if kind == "application":
            hosting = item.hosting
            owner, criticality, classification = item.owner, item.criticality, None
            model, tags, extra = hosting.model if hosting else None, item.tags, item.extra
        else:
            owner, criticality, classification = None, None, item.classification
            model, tags, extra = None, (), {}
        verdict = ItemVerdict(item.id, kind, item.name, readiness, facts["verdict.secnumcloud_scope"],
                              facts["verdict.residency"], exposure, facts["verdict.target"], facts["platform.id"],
                              ordered, facts["platform.pending"], owner, criticality, classification, model, tags,
                              extra, reasons, confidence, undecided)
        return verdict, facts, fired

    def undecided(self, unknown: tuple[str, ...]) -> tuple[str, ...]:
        """The verdicts left undecided by `unknown`, the rules that found a fact missing (`decide`):
        every such rule counts, whatever the readiness."""
        undecided = self._undecided.get(unknown)
        if undecided is None:
            undecided = self._undecided[unknown] = tuple(
                d for d in ("secnumcloud_scope", "residency", "exposure", "target")
                if any(d in self._leaves[r] for r in unknown))
        return undecided

    def _reached_undecided(self, dataset_id: str) -> bool:
        """Whether an application holding or receiving the dataset has an undecided exposure (its
        hosting not declared, ...): the dataset's exposure, read from theirs, is undecided too."""
        for app_id in sorted(self.analysis.exposure.reach.get(dataset_id, ())):
            known = self._exposure_undecided.get(app_id)
            if known is None:  # a dataset evaluated alone (explain): decide the application once
                unknown = self.decide(self.inventory.applications_by_id[app_id], "application")[3]
                known = self._exposure_undecided[app_id] = any("exposure" in self._leaves[r] for r in unknown)
            if known:
                return True
        return False

    def decide(self, item: Any, kind: str) -> tuple[dict[str, Any], Exposure, list[_Check], tuple[str, ...]]:
        """What the rules decide for the item, before any finding is made: its facts with the
        decisions among them (`verdict.secnumcloud_scope`, `verdict.target`, `verdict.residency`,
        `platform.id`, `platform.pending`, ...), its exposure, the checks that fired (first pass,
        then second) and the rules that leave readiness unknown."""
        if kind == "application":
            facts, exposure = self.analysis.application_facts(item)
        else:
            facts, exposure = self.analysis.dataset_facts(item)
        fired = self._first[kind](facts)
        key = tuple(fired)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = self.derive(fired)
        scope, residency, target, qualifications, regions, unknown = derived
        strategy = getattr(item, "strategy", None)
        target = self.model.strategy_targets.get(strategy, target) if strategy else target
        app = item if kind == "application" else None
        platform, pending, missing, models = self.landing(app, target, qualifications, regions)
        fallback = self.model.scope_fallbacks.get(scope)
        if platform is None and fallback and target == self.model.scope_targets[scope]:
            # Recommended, not required: an EU platform is accepted when no qualified one fits.
            found, _, _, found_models = self.landing(app, fallback, qualifications, regions)
            if found is not None:
                target, platform, pending, missing, models = fallback, found, (), None, found_models
        # Set one by one, in this order: no dict made and dropped per item.
        facts["verdict.secnumcloud_scope"], facts["verdict.target"], facts["verdict.residency"] = scope, target, residency
        facts["platform.id"], facts["platform.pending"], facts["platform.missing"] = platform, pending, missing
        facts["platform.models"] = models
        facts["platform.expiring"], facts["platform.expires_on"] = self.expiry(platform, target, qualifications)
        second = self._second[kind](facts)
        if second:
            # A second-pass rule can find a fact missing too (the host's kind, once scope is known).
            # Remembered by the rules that fired: items alike repeat it.
            both = (unknown, tuple(second))
            merged = self._unknown.get(both)
            if merged is None:
                merged = self._unknown[both] = tuple(sorted({*unknown, *(
                    c.rule.id for c in second if c.rule.verdict.get("readiness") == "unknown")}))
            unknown = merged
            fired += second
        return facts, exposure, fired, unknown

    def derive(self, fired: list[_Check]) -> tuple[str, str, str, frozenset[str], frozenset[str] | None,
                                                   tuple[str, ...]]:
        """What the first-pass rules that fired decide: scope, residency, target (before the
        item's own strategy), qualifications and regions required, and the rules that make
        readiness unknown (facts missing to decide)."""
        effects: dict[str, list[Any]] = {}
        for check in fired:
            for key, value in check.rule.verdict.items():
                effects.setdefault(key, []).append(value)
        scope = self.model.strongest("secnumcloud_scope", effects.get("secnumcloud_scope", []))
        residency = self.model.strongest("residency", effects.get("residency", []))
        target = self.model.strongest("target", [*effects.get("target", []), self.model.scope_targets[scope]])
        qualifications = frozenset(q for values in effects.get("requires_qualifications", []) for q in values)
        regions: frozenset[str] | None = None
        for allowed in effects.get("requires_regions", []):
            regions = allowed if regions is None else regions & allowed
        unknown = tuple(sorted({c.rule.id for c in fired if c.rule.verdict.get("readiness") == "unknown"}))
        return scope, residency, target, qualifications, regions, unknown

    def _order(self, fired: list[_Check], unknown: tuple[str, ...]) -> _Shown:
        """How the findings of these checks are shown, when none merges with another (`merge.py`):
        the checks in the findings' order (`_finding_order`), the readiness they give an item no
        derogation covers, and the positions of the findings that may rest on catalogue facts
        (confidence.py); (None, "", ()) when some do merge."""
        abouts = [c.rule.about for c in fired if c.rule.about is not None]
        if len(abouts) != len(set(abouts)):
            return None, "", ()
        ordered = sorted(fired, key=attrgetter("order"))
        severities = {c.rule.severity for c in fired}
        return (tuple(ordered), self.readiness_of(severities, bool(unknown)),
                tuple(i for i, c in enumerate(ordered) if c.catalogue))

    @staticmethod
    def readiness(findings: Iterable[Finding], unknown: bool) -> str:
        """Blockers first, then missing facts, then conditions; findings under a derogation in
        force do not count."""
        return Evaluator.readiness_of({f.severity for f in findings if f.counts}, unknown)

    @staticmethod
    def readiness_of(severities: set[str], unknown: bool) -> str:
        """Readiness from the severities of the findings that count."""
        if Severity.BLOCKER in severities:
            return Readiness.NOT_READY
        if unknown:
            return Readiness.UNKNOWN
        if severities & {Severity.HIGH, Severity.MEDIUM}:
            return Readiness.READY_WITH_CONDITIONS
        return Readiness.READY

    def findings(self, checks: Iterable[_Check], facts: dict[str, Any], exposure: Exposure) -> list[Finding]:
        """The decisions of the rules `checks` about one item, in order: codes, evidence, their
        texts' parameters (worded by render/findings_words.py); one object for items alike."""
        path = exposure.paths[0] if exposure.paths else None
        out = []
        for check in checks:
            names = check.texts
            if names is None:
                names = self._texts(check)
            key = check.finding_key(facts)
            if check.uses_exposure:
                key = (key, path)
            found = check.findings.get(key)
            if found is None:
                found = check.findings[key] = self._finding(check, names, facts, exposure)
            out.append(found)
        return out

    def _finding(self, check: _Check, names: tuple[str, ...], facts: dict[str, Any], exposure: Exposure) -> Finding:
        rule = check.rule
        # Positional: ~30% quicker than keywords (texts are empty until worded).
        return Finding(rule.id, check.ref, rule.dimension, rule.severity, "", "", (),
                       check.evidence(facts, exposure), "", None, None, (), (), None,
                       self.refer.params(names, rule, facts))

    def _texts(self, check: _Check) -> tuple[str, ...]:
        """The facts the check's texts name; its findings are shared by the items that show the
        same values of those and of the facts it tests."""
        names = check.texts = placeholders(check.rule)
        check.finding_key = _values(tuple(dict.fromkeys([*check.rule.facts_used, *names])))
        check.shares_evidence = not set(names).issubset(check.rule.facts_used)
        return names


def _derogated(finding: Finding, waivers: Mapping[str, Any]) -> Finding:
    """`finding` marked with the first derogation (by rule id) that covers one of its rules."""
    waiver = next((waivers[r] for r in finding.rule_ids if r in waivers), None)
    return finding if waiver is None else replace(finding, derogation=waiver)


def _finding_order(finding: Finding) -> tuple[int, str]:
    # One finding per rule (a merged one under its first rule): severity and rule order them all.
    return (SEVERITY_RANK[finding.severity], finding.rule)


def assess(ig: InventoryGraph, rulesets: list[Ruleset], lang: str = "en",
           advance: Callable[[int], None] | None = None, as_of: str | None = None, marked: bool = False) -> ScanResult:
    """`advance(n)` is told every few hundred items (for a progress bar); `as_of` (YYYY-MM-DD,
    default `assessment_date()`) is the date qualifications are judged on; `marked`: findings and
    items get the confidence of the catalogue facts they rest on (confidence.py; the inventory
    must have been resolved from the catalogue)."""
    with gcpause.paused():
        return Evaluator(ig, rulesets, lang, as_of or assessment_date(), marked).run(advance)


def trace(ig: InventoryGraph, rulesets: list[Ruleset], lang: str, as_of: str, item_id: str, kind: str) -> Trace:
    """The evaluation of one item (an `application` or `dataset` id of `ig`) with these rulesets on
    `as_of`, as `assess` makes it, with what it used (Evaluator.trace)."""
    inventory = ig.inventory
    item = (inventory.applications_by_id if kind == "application" else inventory.datasets_by_id)[item_id]
    return Evaluator(ig, rulesets, lang, as_of).trace(item, kind)
