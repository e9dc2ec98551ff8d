"""Results of `scan` and `plan`: typed records and their JSON form (spec/results.md, v1).

Lists are sorted deterministically (items by id, findings by severity then rule id), so the same
inputs give byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring as _string  # the C one, as the encoder uses
from typing import Any

from bleu_assess.assess.finding import Finding, quick_init
from bleu_assess.vocab import ExposureLevel, Readiness, Residency, Scope, Severity, Target

RESULTS_FORMAT = "bleu-assess-results/v1"



@dataclass(frozen=True, slots=True)
class Exposure:
    level: str = "none"
    score: int = 0
    paths: tuple[tuple[str, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "score": self.score, "paths": [list(p) for p in self.paths]}


@quick_init
@dataclass(frozen=True, slots=True)
class ItemVerdict:
    id: str
    kind: str  # application | dataset
    name: str
    readiness: str
    secnumcloud_scope: str
    residency: str
    exposure: Exposure
    target: str
    platform: str | None
    findings: tuple[Finding, ...] = ()
    pending_platforms: tuple[str, ...] = ()  # offers that would fit once a pending qualification is granted
    # Facts carried for renderers (not required by the contract, listed after the required keys).
    owner: str | None = None
    criticality: str | None = None
    classification: str | None = None
    hosting_model: str | None = None
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Rules that found facts missing to decide (readiness `unknown`), in rule id order.
    unknown_reasons: tuple[str, ...] = ()
    confidence: str | None = None  # the worst of its findings' and its platform's (see Finding)

    @property
    def top_finding(self) -> Finding | None:
        """The most severe finding that is more than information and not derogated, if any."""
        first = next((f for f in self.findings if f.counts), None)
        return first if first is not None and first.severity != "info" else None

    def to_dict(self) -> dict[str, Any]:
        out = self.head_dict()
        out["findings"] = [f.to_dict() for f in self.findings]
        out.update(self.tail_dict())
        return out

    def head_dict(self) -> dict[str, Any]:
        """The keys before `findings`."""
        return {
            "id": self.id, "kind": self.kind, "name": self.name, "readiness": self.readiness,
            "secnumcloud_scope": self.secnumcloud_scope, "residency": self.residency,
            "exposure": self.exposure.to_dict(), "target": self.target, "platform": self.platform,
            "pending_platforms": list(self.pending_platforms),
        }

    def tail_dict(self) -> dict[str, Any]:
        """The keys after `findings`."""
        if self.kind == "application":
            out: dict[str, Any] = {"owner": self.owner, "criticality": self.criticality,
                                   "hosting_model": self.hosting_model}
        else:
            out = {"classification": self.classification}
        out.update(tags=list(self.tags), extra=dict(self.extra), unknown_reasons=list(self.unknown_reasons))
        if self.confidence:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True, slots=True)
class RulesetRef:
    id: str
    version: str
    sha256: str
    status: str = "stable"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256, "status": self.status}


@dataclass(frozen=True, slots=True)
class InventoryRef:
    path: str
    sha256: str
    organisation: str
    country: str = "FR"
    organisation_type: str = "other"
    # The catalogue its `ref:` entries were resolved with (path, version, as_of, sha256,
    # assessed_on), like a ruleset's id, version and sha256; absent when it has none.
    catalogue: Mapping[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "organisation": self.organisation,
                               "country": self.country, "organisation_type": self.organisation_type}
        if self.catalogue is not None:
            out["catalogue"] = dict(self.catalogue)
        return out


@dataclass(frozen=True, slots=True)
class ScanResult:
    tool_version: str
    inventory: InventoryRef
    rulesets: tuple[RulesetRef, ...]
    items: tuple[ItemVerdict, ...]  # sorted by id
    lang: str = "en"
    as_of: str = ""  # the assessment date (YYYY-MM-DD) qualifications were judged on
    # Where findings take their words from: rule id -> (ruleset, rule) applied (rules.model).
    # None: the texts recorded in the findings are the only ones (render/findings_words.py).
    sources: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    # False while findings are decisions only (the evaluation's output); True once worded in `lang`.
    worded: bool = field(default=True, compare=False)

    @property
    def applications(self) -> tuple[ItemVerdict, ...]:
        return tuple(i for i in self.items if i.kind == "application")

    @property
    def datasets(self) -> tuple[ItemVerdict, ...]:
        return tuple(i for i in self.items if i.kind == "dataset")

    def item(self, item_id: str) -> ItemVerdict | None:
        return next((i for i in self.items if i.id == item_id), None)

    def summary(self) -> dict[str, Any]:
        apps = self.applications
        return {
            "applications": len(apps),
            "datasets": len(self.items) - len(apps),
            "readiness": _count(apps, "readiness", Readiness),
            "secnumcloud_scope": _count(apps, "secnumcloud_scope", Scope),
            "residency": _count(apps, "residency", Residency),
            "exposure": _count([i.exposure for i in apps], "level", ExposureLevel),
            "target": _count(apps, "target", Target),
            "findings": _count([f for i in self.items for f in i.findings], "severity", Severity),
            "cannot_assess": cannot_assess(apps),
        }

    def unknown_reasons(self) -> list[tuple[str, str, int]]:
        """Why applications cannot be assessed: (rule, title in the results' language, count of
        applications), most frequent first."""
        counts = cannot_assess(self.applications)["reasons"]
        titles = {f.rule: f.title for i in self.applications for f in i.findings if f.rule in counts}
        return sorted(((rule, titles.get(rule, rule), n) for rule, n in counts.items()), key=lambda r: (-r[2], r[0]))

    def to_dict(self, items: bool = True) -> dict[str, Any]:
        """The JSON document (`items=False`: with an empty list of items)."""
        return {
            "format": RESULTS_FORMAT,
            "tool": {"name": "bleu-assess", "version": self.tool_version},
            "inventory": self.inventory.to_dict(),
            "rulesets": [r.to_dict() for r in self.rulesets],
            "lang": self.lang,
            "as_of": self.as_of,
            "summary": self.summary(),
            "items": [i.to_dict() for i in self.items] if items else [],
        }


def cannot_assess(items: Iterable[ItemVerdict]) -> dict[str, Any]:
    """Items whose readiness is `unknown`: how many, and how many for each rule that found facts
    missing ({"applications": 412, "reasons": {"SNC-UNK-002": 400, ...}}), rules in id order."""
    unknown = [i for i in items if i.readiness == "unknown"]
    reasons: dict[str, int] = {}
    for item in unknown:
        for rule in item.unknown_reasons:
            reasons[rule] = reasons.get(rule, 0) + 1
    return {"applications": len(unknown), "reasons": dict(sorted(reasons.items()))}


def _count(items: Any, attribute: str, values: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(map(str, values), 0)  # plain strings as keys, in the vocabulary's order
    for item in items:
        counts[getattr(item, attribute)] += 1
    return counts


def _compact_encoder() -> Callable[[Any], str]:
    """`JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode`, the same text, without
    its set-up on every call (its one-shot path makes a C encoder per call; this one is made
    once, with no check for cycles: results hold none). A scan of 10,000 applications encodes
    some 60,000 values apart (item heads and tails, evidence, parameters)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    if c_make_encoder is None:  # no C accelerator (another Python implementation)
        return encoder.encode
    encode = c_make_encoder(None, encoder.default, _string, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))


_compact = _compact_encoder()


def to_json(document: Mapping[str, Any]) -> str:
    """Top-level keys one per line, and each element of a top-level list (an item, a wave) on a
    line of its own: diffs in git show which items changed, and the C encoder stays in use
    (an indented dump is several times slower on large estates)."""
    return "".join(_json_parts(document))


def _json_parts(document: Mapping[str, Any], encoded: Mapping[str, Iterable[str]] | None = None) -> Iterator[str]:
    """The text of `to_json` in parts; `encoded` gives the elements of non-empty top-level lists
    already encoded, made as they are needed."""
    compact = _compact
    yield "{\n"
    keys = list(document)
    for index, key in enumerate(keys):
        value = document[key]
        comma = ",\n" if index < len(keys) - 1 else "\n"
        elements = encoded.get(key) if encoded else None
        if elements is None and isinstance(value, list) and value:
            elements = (compact(element) for element in value)
        if elements is not None:
            yield f"  {compact(key)}: [\n    "
            separator = ""
            for element in elements:
                yield separator
                yield element
                separator = ",\n    "
            yield "\n  ]" + comma
        else:
            yield f"  {compact(key)}: {compact(value)}{comma}"
    yield "}\n"


def scan_json_parts(result: ScanResult) -> Iterator[str]:
    """`to_json(result.to_dict())`, byte for byte, in parts: each item's line is made when it is
    needed, without a dict per finding. A scan of 10,000 applications has some 100,000 findings
    whose rule fields, references and evidence repeat; their JSON is made once and item lines are
    assembled from the parts (see _ItemEncoder)."""
    document = result.to_dict(items=False)
    encoded = {"items": _ItemEncoder().lines(result.items)} if result.items else None
    return _json_parts(document, encoded)


class _ItemEncoder:
    """Encodes items as the C encoder would with separators (", ", ": "): a mapping is
    `{` + `"key": value` joined by ", " + `}`, so parts encoded apart join into the same text."""

    def __init__(self) -> None:
        # A finding's JSON but its message (and optional keys), per finding alike: see `finding`.
        self.findings: dict[tuple[Any, ...], tuple[Any, Any, str, str]] = {}
        self.prefixes: dict[tuple[Any, ...], str] = {}
        self.references: dict[tuple[Any, ...], str] = {}
        self.pairs: dict[tuple[int, int], tuple[Mapping[str, Any], Mapping[str, Any] | None, str]] = {}
        self.mappings: dict[int, tuple[Mapping[str, Any], str]] = {}
        # Titles and remediations repeat from item to item (messages name their item): encoded once.
        self.strings: dict[str, str] = {}

    def finding(self, f: Finding) -> str:
        params = f.params
        if params is None:
            before, after = self.parts(f)
        else:
            # A params mapping belongs to the findings of one rule (or one merge) alike (evaluate.py,
            # merge.py): with the rule, severity, evidence, title and remediation it fixes every
            # part but the message. The entry holds the mappings, so their ids stay theirs.
            key = (f.rule, f.severity, id(params), id(f.evidence), f.title, f.remediation)
            found = self.findings.get(key)
            if found is None:
                found = self.findings[key] = (params, f.evidence, *self.parts(f))
            before, after = found[2], found[3]
        tail = ""  # the optional keys, in to_dict's order
        if f.derogation is not None:
            tail += f', "derogation": {_compact(dict(f.derogation))}'
        if f.confidence:
            tail += f', "confidence": {_string(f.confidence)}'
        return f"{before}{_string(f.message)}{after}{tail}}}"

    def parts(self, f: Finding) -> tuple[str, str]:
        """The JSON of `f` before its message's text, and after it up to the optional keys."""
        string = _string
        key = (f.rule, f.rules, f.ruleset, f.dimension, f.severity)
        prefix = self.prefixes.get(key)
        if prefix is None:
            prefix = self.prefixes[key] = (f'{{"rule": {string(f.rule)}, "rules": {_compact(list(f.rule_ids))}, '
                                           f'"ruleset": {string(f.ruleset)}, '
                                           f'"dimension": {string(f.dimension)}, "severity": {string(f.severity)}, '
                                           '"title": ')
        refs_key = (f.references, f.method_references, f.uncertain)
        references = self.references.get(refs_key)
        if references is None:
            references = self.references[refs_key] = (
                f'{_compact(list(f.references))}, "method_references": {_compact(list(f.method_references))}, '
                f'"uncertain": {_compact(f.uncertain)}')
        # Evidence and parameters are shared by findings alike (evaluate.py): encoded once per pair.
        evidence, params = f.evidence, f.params
        pair = (id(evidence), id(params))
        found = self.pairs.get(pair)
        if found is None or found[0] is not evidence or found[1] is not params:
            text = self.encoded(evidence) if params is None else f'{self.encoded(evidence)}, "params": {self.encoded(params)}'
            found = self.pairs[pair] = (evidence, params, text)
        strings = self.strings
        title = strings.get(f.title)
        if title is None:
            title = strings[f.title] = string(f.title)
        remediation = strings.get(f.remediation)
        if remediation is None:
            remediation = strings[f.remediation] = string(f.remediation)
        return (f'{prefix}{title}, "message": ',
                f', "remediation": {remediation}, "references": {references}, "evidence": {found[2]}')

    def encoded(self, mapping: Mapping[str, Any]) -> str:
        """One evidence or parameters mapping encoded (shared by findings alike: once each)."""
        found = self.mappings.get(id(mapping))
        if found is None or found[0] is not mapping:
            found = self.mappings[id(mapping)] = (mapping, _compact(mapping))
        return found[1]

    def lines(self, items: tuple[ItemVerdict, ...]) -> Iterator[str]:
        finding = self.finding
        for item in items:
            head = _compact(item.head_dict())
            tail = _compact(item.tail_dict())
            findings = ", ".join([finding(f) for f in item.findings])
            yield f'{head[:-1]}, "findings": [{findings}], {tail[1:]}'


# The plan's records live in assess/plan_results.py; importable from here as before.
from bleu_assess.assess.plan_results import (  # noqa: E402
    FINDING_MESSAGE,
    PLAN_FORMAT,
    Held,
    HybridLink,
    Phrase,
    Placement,
    PlanResult,
    Said,
    Staying,
    Text,
    Wave,
)

__all__ = ["FINDING_MESSAGE", "PLAN_FORMAT", "RESULTS_FORMAT", "Exposure", "Finding", "Held", "HybridLink", "InventoryRef", "ItemVerdict",
           "Phrase", "Placement", "PlanResult", "RulesetRef", "Said", "ScanResult", "Staying", "Text", "Wave",
           "cannot_assess", "scan_json_parts", "to_json"]

