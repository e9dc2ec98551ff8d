"""The one step that words findings: a finding is a decision (rule ids, severity, evidence and
the parameters its texts need, assess/finding.py); here it gets its title, message, remediation,
references and uncertainty note in the reader's language, just before rendering. One ScanResult
renders in French and in English: `scan(result, "fr")`, `scan(result, "en")`.

Wording is on the hot path (some 100,000 findings at 10,000 applications): items alike share
their decision findings and parameters (assess/evaluate.py), so each distinct finding is worded
once per language, split around the item's own id and name, which are put in last. `scan` words
nothing yet: its items (results.WordedItem) word their findings when first read, and the JSON
encoder puts each item's own id and name straight into its findings' JSON, made once per
decided finding from the same split words (results.scan_json_parts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from operator import attrgetter
from typing import Any

from bleu_assess import gcpause
from bleu_assess.assess.naming import sources
from bleu_assess.assess.results import Finding, ItemVerdict, ScanResult, Split, WordedItem, Words, decided
from bleu_assess.render.citations import render as render_references
from bleu_assess.render.finding_texts import RuleTexts, Shown, fill, own_texts
from bleu_assess.rules.model import Rule, Ruleset

# A distinct finding's words (results.Words): title and message split around the item's id and
# name, its remediations (one per rule, each once), legal and method references, uncertainty note.
_References = tuple[tuple[str, ...], tuple[str, ...], str | None]


_FIELDS = [f.name for f in fields(ItemVerdict)]
_FINDINGS = _FIELDS.index("findings")
# An item's values before and after its findings (which a WordedItem words when read).
_HEAD, _TAIL = attrgetter(*_FIELDS[:_FINDINGS]), attrgetter(*_FIELDS[_FINDINGS + 1:])


class FindingWords:
    """Words findings in `lang` with the rules of `sources` (rule id -> (ruleset, rule)); a
    finding without parameters, or whose rule is not in `sources` (a results file read back),
    keeps the texts it has."""

    def __init__(self, sources: Mapping[str, tuple[Ruleset, Rule]], lang: str) -> None:
        self.sources, self.lang = sources, lang
        self.show = Shown(lang)
        self.texts: dict[str, RuleTexts] = {}
        # Keyed by the identity of the parameters (kept with the words, to check the key): the
        # evaluator shares one dict per rule and values shown (assess.naming.Referrer.params),
        # merge.py and a results file one per finding.
        self.memo: dict[int, tuple[Mapping[str, Any], Words]] = {}
        # Per rule ids of a finding: their texts, then the finding's references (`_references`).
        self.rules: dict[tuple[str, ...], tuple[list[RuleTexts], tuple[str, ...], tuple[str, ...], str | None]] = {}

    def finding(self, f: Finding, own: Mapping[str, Any]) -> Finding:
        """`f` worded, `own` giving the item's `id` and `name`."""
        found = self.splits(f)
        if found is None:
            return f
        title, message, remediations, legal, method, uncertain = found
        remediation = _remediation(remediations, own)
        # Positional, in Finding's field order (see evaluate.Evaluator._finding).
        return Finding(f.rule, f.ruleset, f.dimension, f.severity, fill(message, own), remediation, legal, f.evidence,
                       fill(title, own), f.derogation, f.confidence, f.rules, method, uncertain, f.params)

    def text(self, f: Finding, own: Mapping[str, Any], part: str) -> str:
        """The `message` or `remediation` of `f` worded as `finding` words it, alone."""
        found = self.splits(f)
        if found is None:
            return str(getattr(f, part))
        return fill(found[1], own) if part == "message" else _remediation(found[2], own)

    def splits(self, f: Finding) -> Words | None:
        """The words of `f` split around the item's own id and name (results.Wording): title,
        message, remediations, legal and method references, uncertainty note; None when it
        keeps the texts it has."""
        params = f.params
        if params is None:
            return None
        found = self.memo.get(id(params))
        if found is None or found[0] is not params:
            words = self._words(f, params)
            if words is None:
                return None
            found = self.memo[id(params)] = (params, words)
        return found[1]

    def _words(self, f: Finding, params: Mapping[str, Any]) -> Words | None:
        ids = f.rules or (f.rule,)
        found = self.rules.get(ids)
        if found is None:
            try:
                texts = [self._texts(rule_id) for rule_id in ids]
            except KeyError:  # a rule this tool does not know (a results file read back)
                return None
            found = self.rules[ids] = (texts, *self._references(ids, texts))
        texts, legal, method, uncertain = found
        if len(ids) == 1:
            text = texts[0]
            return (text.title.split(params), text.message.split(params), (text.remediation.split(params),),
                    legal, method, uncertain)
        # A merged finding's rules may each show their own part of a fact (merge.py: `RULE:fact`).
        title, message = texts[0].title.split(params, ids[0]), texts[0].message.split(params, ids[0])
        remediations = tuple(dict.fromkeys(t.remediation.split(params, rule_id) for rule_id, t in zip(ids, texts)))
        return title, message, remediations, legal, method, uncertain

    def _references(self, ids: tuple[str, ...], texts: list[RuleTexts]) -> _References:
        """The legal and method references and the uncertainty note of a finding of rules `ids`."""
        lang = self.lang
        legal, method = references(self.sources, ids, lang)
        if len(ids) > 1:
            notes = [f"{rule_id} : {t.uncertain}" if lang == "fr" else f"{rule_id}: {t.uncertain}"
                     for rule_id, t in zip(ids, texts) if t.uncertain]
            return legal, method, " ".join(notes) or None
        return legal, method, texts[0].uncertain

    def _texts(self, rule_id: str) -> RuleTexts:
        found = self.texts.get(rule_id)
        if found is None:
            found = self.texts[rule_id] = RuleTexts(self.sources[rule_id][1], self.lang, self.show)
        return found

    def findings(self, item: ItemVerdict) -> tuple[Finding, ...]:
        """The decided findings of `item` worded (results.Wording)."""
        own = {"id": item.id, "name": item.name}
        word = self.finding
        return tuple([word(f, own) for f in decided(item)])

    @staticmethod
    def own(item: ItemVerdict) -> dict[str, str]:
        """The texts of `item`'s own id and name in its findings' texts (results.Wording)."""
        ident, name = item.id, item.name
        if type(ident) is str and type(name) is str:  # shown as they are (finding_texts._text)
            return {"id": ident, "name": name}
        return own_texts({"id": ident, "name": name})

    def item(self, item: ItemVerdict) -> ItemVerdict:
        """`item` with its findings worded."""
        if not decided(item):
            return item
        values = [*_HEAD(item), self.findings(item), *_TAIL(item)]  # quicker than dataclasses.replace
        return ItemVerdict(*values)

    def later(self, item: ItemVerdict) -> ItemVerdict:
        """`item` with its findings to be worded when first read (results.WordedItem)."""
        findings = decided(item)
        if not findings:
            return item
        return WordedItem.made((*_HEAD(item), findings, *_TAIL(item)), self)


def references(sources: Mapping[str, tuple[Ruleset, Rule]], ids: Iterable[str], lang: str
               ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The legal and method references of rules `ids` (each in `sources`), as one finding of
    them cites them: each source once, with the pinpoints of all of them (citations.render)."""
    return render_references([c for rule_id in ids for c in sources[rule_id][0].citations(sources[rule_id][1])],
                             lang)


def _remediation(remediations: tuple[Split, ...], own: Mapping[str, Any]) -> str:
    """A finding's remediation: those of its rules (`remediations`, split), each once."""
    if len(remediations) == 1:
        return fill(remediations[0], own)
    return " ".join(dict.fromkeys(fill(split, own) for split in remediations))


def scan(result: ScanResult, lang: str | None = None) -> ScanResult:
    """`result` with every finding worded in `lang` (default: the result's language), each
    item's when first read (results.WordedItem). A result already worded in `lang` comes back
    as it is; one whose rules are not known (`sources`: a results file read back) keeps its
    recorded texts and language."""
    lang = lang or result.lang
    if (result.worded and result.lang == lang) or not result.sources:
        return result
    words = FindingWords(result.sources, lang)
    with gcpause.paused():  # an item record each: acyclic, some 130,000 at 10,000 applications
        return replace(result, items=tuple([words.later(item) for item in result.items]), lang=lang, worded=True)


def verdict(item: ItemVerdict, sources: Mapping[str, tuple[Ruleset, Rule]], lang: str) -> ItemVerdict:
    """One item's verdict (an evaluation trace's) with its findings worded in `lang`."""
    return FindingWords(sources, lang).item(item)


def recorded_sources(refs: Iterable[Mapping[str, Any]], rules_dir: str | None = None
                     ) -> dict[str, tuple[Ruleset, Rule]]:
    """Where the findings of a results file take their words from: the rulesets it records
    (`[{id, version, sha256}]`) that this tool has, with the same sha256; a ruleset it does not
    have, or whose file changed since, gives none (its findings keep their recorded texts)."""
    from bleu_assess.errors import BleuError
    from bleu_assess.rules.load import resolve

    found = []
    for ref in refs:
        try:
            ruleset = resolve(f"{ref.get('id')}@{ref.get('version')}", rules_dir)
        except BleuError:
            continue
        if ruleset.sha256 == ref.get("sha256"):
            found.append(ruleset)
    return sources(found)


def titles(document: Mapping[str, Any], wanted: set[tuple[str, str]], lang: str) -> dict[tuple[str, str], str]:
    """The titles of the findings `wanted` ((item id, rule id) pairs) of a results document, in
    `lang`: worded again from their `params` when the document was written in another language,
    else as recorded (a results file without parameters, or of rules this tool does not have)."""
    out: dict[tuple[str, str], str] = {}
    words = None
    if document.get("lang") != lang:
        words = FindingWords(recorded_sources(document.get("rulesets") or ()), lang)
    for item in document["items"]:
        for data in item["findings"]:
            key = (item["id"], data["rule"])
            if key in wanted:
                finding = Finding.from_dict(data)
                if words is not None:
                    finding = words.finding(finding, {"id": item["id"], "name": item.get("name")})
                out[key] = finding.title or finding.rule
    return out


def uncertain_rules(finding: Finding) -> tuple[str, ...]:
    """The rules of `finding` whose legal basis is uncertain: its rule, for a finding of one rule
    with a note; for a merged finding (one fact, one finding: assess/merge.py), those its note
    names, as FindingWords._references writes it (« RULE : note » for each such rule, nothing
    for the others), so that a verified rule merged with an uncertain one is never marked."""
    note, ids = finding.uncertain, finding.rule_ids
    if not note:
        return ()
    if len(ids) == 1:
        return ids
    return tuple(r for r in ids if re.search(rf"(?<![\w-]){re.escape(r)}(?![\w-])", note)) or ids
