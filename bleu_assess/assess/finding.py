"""A finding: what one rule (or several, merged) decided about one item (spec/results.md), kept
as codes and parameters by the evaluation and worded at render time (render/findings_words.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bleu_assess.records import quick_init as quick_init  # re-exported: assess/* imports it from here


@quick_init
@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    ruleset: str  # id@version
    dimension: str
    severity: str
    message: str
    remediation: str
    references: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    # A recorded derogation covering this finding: {id, basis, until, reference, granted_by}. The
    # finding is kept (and shown "derogated until DATE") but no longer counts towards readiness.
    derogation: Mapping[str, Any] | None = None
    # Set when the finding rests on catalogue facts that are not all official: the worst of
    # secondary, unverified, uncertain (docs/catalogue.md). None: inline facts, or official ones.
    confidence: str | None = None
    # A finding merged from several rules about one fact names them all (the first is `rule`).
    rules: tuple[str, ...] = ()
    method_references: tuple[str, ...] = ()  # the tool's own documentation, apart from the law
    uncertain: str | None = None  # why the legal basis is uncertain, in the results' language
    # What its texts name, as language-independent values: labelled codes and country codes as
    # codes, items, providers and offers by name (the item's own id and name apart); merged
    # findings record `RULE:fact` for a value one of their rules shows differently. The texts
    # above are empty until the finding is worded (render/findings_words.py). None: not known
    # (a finding made elsewhere, e.g. by a test): its texts are kept as they are.
    params: Mapping[str, Any] | None = None

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return self.rules or (self.rule,)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """A finding read back from its JSON form (`to_dict`, as a results file holds it; keys an
        older file lacks take their defaults). Lists become tuples, as the evaluation makes them."""
        def listed(key: str) -> tuple[Any, ...]:
            return tuple(data.get(key) or ())

        params = data.get("params")
        return cls(str(data["rule"]), str(data.get("ruleset", "")), str(data.get("dimension", "")),
                   str(data["severity"]), str(data.get("message", "")), str(data.get("remediation", "")),
                   listed("references"), dict(data.get("evidence") or {}), str(data.get("title", "")),
                   data.get("derogation"), data.get("confidence"), listed("rules") if len(listed("rules")) > 1 else (),
                   listed("method_references"), data.get("uncertain"),
                   None if not isinstance(params, dict) else
                   {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})

    @property
    def counts(self) -> bool:
        """Whether the finding weighs on readiness (not covered by a derogation in force)."""
        return self.derogation is None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule, "rules": list(self.rule_ids), "ruleset": self.ruleset, "dimension": self.dimension,
            "severity": self.severity, "title": self.title, "message": self.message, "remediation": self.remediation,
            "references": list(self.references), "method_references": list(self.method_references),
            "uncertain": self.uncertain, "evidence": self.evidence,
        }
        if self.params is not None:  # as JSON holds them: tuples as lists, like evidence
            out["params"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()}
        if self.derogation is not None:
            out["derogation"] = dict(self.derogation)
        if self.confidence:
            out["confidence"] = self.confidence
        return out
