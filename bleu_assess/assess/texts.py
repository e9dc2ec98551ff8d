"""The words of a finding, as the evaluator still makes them in the language of the assessment:
each rule's title, message and remediation, split once into literal parts and placeholders, and
filled per item with the facts it names (values worded once per value: country names, labels,
item names). Findings worded at render time are the next step of issue 12 (render/words.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from bleu_assess.assess.naming import REFERENCES
from bleu_assess.render.citations import render as render_references
from bleu_assess.render.i18n import label
from bleu_assess.rules.facts import LABELLED
from bleu_assess.rules.load import PLACEHOLDER
from bleu_assess.rules.model import Rule, Ruleset


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (tuple, list)):
        return ", ".join(_text(v) for v in value) if value else "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label_in_text(kind: str, code: Any, lang: str) -> str:
    text = label(kind, code, lang)
    # Lower-cased inside a sentence, unless an acronym or a proper term (IaaS, OIV, NIS 2).
    return text if any(c.isupper() for c in text[1:]) else text[:1].lower() + text[1:]


def _shown(name: str, value: Any, lang: str, refer: Callable[[str, Any], str]) -> str:
    """A fact as a message shows it: codes with a label in the values catalogue are labelled,
    ids and country codes named (REFERENCES)."""
    if value is None or value == ():
        return _text(value)
    codes = value if isinstance(value, (tuple, list)) else (value,)
    kind = LABELLED.get(name)
    if kind is not None:
        return ", ".join(_label_in_text(kind, code, lang) for code in codes)
    refers = REFERENCES.get(name)
    if refers is not None:
        return ", ".join(refer(refers, code) for code in codes)
    return _text(value)


class Shown:
    """`_shown` in one language, remembered per fact and value: the same providers, countries and
    codes appear in the messages of many rules and items."""

    def __init__(self, lang: str, refer: Callable[[str, Any], str]) -> None:
        self.lang, self.refer = lang, refer
        self.memo: dict[tuple[str, type, Any], str] = {}

    def __call__(self, name: str, value: Any) -> str:
        try:
            key = (name, type(value), value)
            found = self.memo.get(key)
        except TypeError:  # a list: not remembered
            return _shown(name, value, self.lang, self.refer)
        if found is None:
            found = self.memo[key] = _shown(name, value, self.lang, self.refer)
        return found


# Placeholders that differ from item to item: left as slots in the cached text.
OWN = ("id", "name")


class TextTemplate:
    """A message in one language. The template is split once into literal parts and
    placeholders; the placeholders other than the item's own id and name are filled once per
    distinct set of values (items alike share them), and the id and name are put in last."""

    def __init__(self, template: str, shown: Mapping[str, Callable[[Any], Any]], show: Shown) -> None:
        self.template = template
        self.show = show
        self.shown = shown  # fact -> the part of its value a message shows (Rule.shown)
        parts = PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
        self.literals = parts[0::2]
        self.names = parts[1::2]
        shared = tuple(dict.fromkeys(n for n in self.names if n not in OWN))
        self.key: Callable[[dict[str, Any]], Any] = itemgetter(*shared) if shared else (lambda facts: ())
        self.cache: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def __call__(self, facts: dict[str, Any]) -> str:
        if not self.names:
            return self.template
        return fill(self.parts(facts), facts)

    def parts(self, facts: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The text split for these facts (`split`), made once per distinct set of shared values."""
        key = self.key(facts)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self.split(facts)
        return found

    def split(self, facts: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The text with the shared placeholders filled: literal runs, and the slots between them."""
        texts = [self.literals[0]]
        slots = []
        for name, literal in zip(self.names, self.literals[1:]):
            if name in OWN:
                slots.append(name)
                texts.append(literal)
            else:
                value = facts.get(name)
                pick = self.shown.get(name)
                texts[-1] += self.show(name, value if pick is None else pick(value)) + literal
        return tuple(texts), tuple(slots)


def fill(split: tuple[tuple[str, ...], tuple[str, ...]], facts: dict[str, Any]) -> str:
    """A text split by `TextTemplate.split`, with the item's own id and name put in its slots."""
    texts, slots = split
    if not slots:
        return texts[0]
    if len(slots) == 1:
        value = facts.get(slots[0])
        return texts[0] + (value if type(value) is str else _text(value)) + texts[1]
    out = [texts[0]]
    for slot, text in zip(slots, texts[1:]):
        out.append(_text(facts.get(slot)))
        out.append(text)
    return "".join(out)


class RuleTexts:
    def __init__(self, ruleset: Ruleset, rule: Rule, lang: str, show: Shown) -> None:
        self.ref = ruleset.ref
        self.message = TextTemplate(rule.message[lang], rule.shown, show)
        self.remediation = TextTemplate(rule.remediation[lang], rule.shown, show)
        self.title = TextTemplate(rule.title[lang], rule.shown, show)
        self.references, self.method_references = render_references(ruleset.citations(rule), lang)
        self.uncertain = rule.uncertain[lang] if rule.uncertain else None
