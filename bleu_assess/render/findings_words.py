"""The one step that words findings: a finding is a decision (rule ids, severity, evidence and
the parameters its texts need, assess/results.py); here it gets its title, message, remediation,
references and uncertainty note in the reader's language, just before rendering. One ScanResult
renders in French and in English: `scan(result, "fr")`, `scan(result, "en")`.

Wording is on the hot path (some 100,000 findings at 10,000 applications): items alike share
their decision findings and parameters (assess/evaluate.py), so each distinct finding is worded
once per language, split around the item's own id and name, which are put in last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bleu_assess.assess.results import Finding, ItemVerdict, ScanResult
from bleu_assess.render.citations import render as render_references
from bleu_assess.render.finding_texts import RuleTexts, Shown, Split, fill
from bleu_assess.rules.model import Rule, Ruleset

# What a distinct finding's words are made of: its parameters (kept to check the memo's key),
# title and message split around the item's id and name, its remediations (one per rule, each
# once), legal and method references, uncertainty note.
_Words = tuple[Mapping[str, Any], Split, Split, tuple[Split, ...], tuple[str, ...], tuple[str, ...], str | None]


class FindingWords:
    """Words findings in `lang` with the rules of `sources` (rule id -> (ruleset, rule)); a
    finding without parameters, or whose rule is not in `sources` (a results file read back),
    keeps the texts it has."""

    def __init__(self, sources: Mapping[str, tuple[Ruleset, Rule]], lang: str) -> None:
        self.sources, self.lang = sources, lang
        self.show = Shown(lang)
        self.texts: dict[str, RuleTexts] = {}
        self.memo: dict[tuple[tuple[str, ...], int], _Words | None] = {}

    def finding(self, f: Finding, own: Mapping[str, Any]) -> Finding:
        """`f` worded, `own` giving the item's `id` and `name`."""
        params = f.params
        if params is None:
            return f
        key = (f.rules or (f.rule,), id(params))
        found = self.memo.get(key)
        if found is None or found[0] is not params:
            found = self.memo[key] = self._words(f, params)
            if found is None:
                return f
        _, title, message, remediations, legal, method, uncertain = found
        if len(remediations) == 1:
            remediation = fill(remediations[0], own)
        else:
            remediation = " ".join(dict.fromkeys(fill(split, own) for split in remediations))
        # Positional, in Finding's field order (see evaluate.Evaluator._finding).
        return Finding(f.rule, f.ruleset, f.dimension, f.severity, fill(message, own), remediation, legal, f.evidence,
                       fill(title, own), f.derogation, f.confidence, f.rules, method, uncertain, params)

    def _words(self, f: Finding, params: Mapping[str, Any]) -> _Words | None:
        ids = f.rules or (f.rule,)
        if any(rule_id not in self.sources for rule_id in ids):
            return None
        lang = self.lang
        texts = [self._texts(rule_id) for rule_id in ids]
        merged = len(ids) > 1
        # A merged finding's rules may each show their own part of a fact (merge.py: `RULE:fact`).
        first = ids[0] if merged else None
        title, message = texts[0].title.split(params, first), texts[0].message.split(params, first)
        remediations = tuple(dict.fromkeys(t.remediation.split(params, rule_id if merged else None)
                                           for rule_id, t in zip(ids, texts)))
        citations = [c for rule_id in ids for c in self.sources[rule_id][0].citations(self.sources[rule_id][1])]
        legal, method = render_references(citations, lang)
        if merged:
            notes = [f"{rule_id} : {t.uncertain}" if lang == "fr" else f"{rule_id}: {t.uncertain}"
                     for rule_id, t in zip(ids, texts) if t.uncertain]
            uncertain = " ".join(notes) or None
        else:
            uncertain = texts[0].uncertain
        return params, title, message, remediations, legal, method, uncertain

    def _texts(self, rule_id: str) -> RuleTexts:
        found = self.texts.get(rule_id)
        if found is None:
            found = self.texts[rule_id] = RuleTexts(self.sources[rule_id][1], self.lang, self.show)
        return found

    def item(self, item: ItemVerdict) -> ItemVerdict:
        """`item` with its findings worded."""
        if not item.findings:
            return item
        own = {"id": item.id, "name": item.name}
        word = self.finding
        return replace(item, findings=tuple([word(f, own) for f in item.findings]))


def scan(result: ScanResult, lang: str | None = None) -> ScanResult:
    """`result` with every finding worded in `lang` (default: the result's language). A result
    already worded in `lang` comes back as it is; one whose rules are not known (`sources`:
    a results file read back) keeps its recorded texts and language."""
    lang = lang or result.lang
    if (result.worded and result.lang == lang) or not result.sources:
        return result
    words = FindingWords(result.sources, lang)
    return replace(result, items=tuple([words.item(item) for item in result.items]), lang=lang, worded=True)


def verdict(item: ItemVerdict, sources: Mapping[str, tuple[Ruleset, Rule]], lang: str) -> ItemVerdict:
    """One item's verdict (an evaluation trace's) with its findings worded in `lang`."""
    return FindingWords(sources, lang).item(item)
