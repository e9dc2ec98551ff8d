"""The words of one rule's finding in one language: its title, message and remediation, each
split once into literal parts and placeholders, filled with the finding's parameters (values
worded once per value: country names, labels) and, last, with the item's own id and name.

Used by render/findings_words.py, the one step that words findings; the evaluation records the
parameters (assess/evaluate.py: codes, and names already resolved for items, providers, offers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bleu_assess.assess.naming import OWN, REFERENCES, country
from bleu_assess.assess.results import Split
from bleu_assess.render.i18n import label
from bleu_assess.render.l10n import elided_tail
from bleu_assess.rules.facts import LABELLED
from bleu_assess.rules.load import PLACEHOLDER
from bleu_assess.rules.model import Rule


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return "—"
    if isinstance(value, (tuple, list)):
        if not value:
            return "—"
        try:  # names: strings as they are
            return ", ".join(value)
        except TypeError:
            return ", ".join([_text(v) for v in value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label_in_text(kind: str, code: Any, lang: str) -> str:
    text = label(kind, code, lang)
    # Lower-cased inside a sentence, unless an acronym or a proper term (IaaS, OIV, NIS 2).
    return text if any(c.isupper() for c in text[1:]) else text[:1].lower() + text[1:]


def _shown(name: str, value: Any, lang: str) -> str:
    """A parameter as a message shows it: codes with a label in the values catalogue are
    labelled, country codes named; ids of items, providers and offers were already replaced by
    their names when the finding was made (assess.naming.Referrer.params)."""
    if value is None or value == () or value == []:
        return _text(value)
    codes = value if isinstance(value, (tuple, list)) else (value,)
    kind = LABELLED.get(name)
    if kind is not None:
        return ", ".join(_label_in_text(kind, code, lang) for code in codes)
    if REFERENCES.get(name) == "country":
        return ", ".join(country(code, lang) for code in codes)
    return _text(value)


class Shown:
    """`_shown` in one language, remembered per parameter and value: the same countries and
    codes appear in the messages of many rules and items."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.memo: dict[tuple[str, type, Any], str] = {}

    def __call__(self, name: str, value: Any) -> str:
        try:
            key = (name, type(value), value)
            found = self.memo.get(key)
        except TypeError:  # a list (a results file read back): not remembered
            return _shown(name, value, self.lang)
        if found is None:
            found = self.memo[key] = _shown(name, value, self.lang)
        return found


class TextTemplate:
    """A text in one language, split once into literal parts and placeholders; `split(params)`
    fills every placeholder but the item's own id and name, which `fill` puts in last."""

    def __init__(self, template: str, show: Shown) -> None:
        self.show = show
        parts = PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
        self.literals = parts[0::2]
        self.names = parts[1::2]
        self.shared = tuple(dict.fromkeys(n for n in self.names if n not in OWN))
        # Each placeholder, the literal after it, and where its value is in `shared` (None: a slot).
        self.plan = [(name, None if name in OWN else self.shared.index(name), literal)
                     for name, literal in zip(self.names, self.literals[1:])]
        # Texts split per distinct values of the parameters it names (findings of many rules
        # and items show the same ones).
        self.cache: dict[Any, Split] = {}
        # A text that names no parameter (most titles) is split once.
        self.fixed = None if self.shared else self._split(())

    def split(self, params: Mapping[str, Any], rule: str | None = None) -> Split:
        """The text with its parameters filled: literal runs, and the item's slots between them.
        `rule`: the rule of a merged finding, whose own values of a parameter another rule of the
        merge showed differently are recorded as `RULE:name` (merge.py)."""
        if self.fixed is not None:
            return self.fixed
        if rule is None:
            values = tuple(map(params.get, self.shared))
        else:
            values = tuple([params.get(f"{rule}:{n}", params.get(n)) for n in self.shared])
        try:
            found = self.cache.get(values)
        except TypeError:  # a list (a results file read back): not remembered
            return self._split(values)
        if found is None:
            found = self.cache[values] = self._split(values)
        return found

    def _split(self, values: tuple[Any, ...]) -> Split:
        """`values`: those of `shared`, in its order."""
        show = self.show
        texts = [self.literals[0]]
        slots = []
        for name, index, literal in self.plan:
            if index is None:
                slots.append(name)
                texts.append(literal)
            else:
                shown = show(name, values[index])
                texts[-1] = elided_tail(texts[-1], shown, show.lang) + shown + literal
        return tuple(texts), tuple(slots)


def fill(split: Split, own: Mapping[str, Any]) -> str:
    """A text split by `TextTemplate.split`, with the item's own id and name put in its slots."""
    texts, slots = split
    if not slots:
        return texts[0]
    if len(slots) == 1:
        value = own.get(slots[0])
        return texts[0] + (value if type(value) is str else _text(value)) + texts[1]
    out = [texts[0]]
    for slot, text in zip(slots, texts[1:]):
        out.append(_text(own.get(slot)))
        out.append(text)
    return "".join(out)


def own_texts(own: Mapping[str, Any]) -> dict[str, str]:
    """The texts `fill` puts in the slots of the item's own id and name (`own`)."""
    return {slot: _text(own.get(slot)) for slot in OWN}


class RuleTexts:
    """One rule's title, message and remediation templates, and its uncertainty note, in `lang`."""

    def __init__(self, rule: Rule, lang: str, show: Shown) -> None:
        self.message = TextTemplate(rule.message[lang], show)
        self.remediation = TextTemplate(rule.remediation[lang], show)
        self.title = TextTemplate(rule.title[lang], show)
        self.uncertain = rule.uncertain[lang] if rule.uncertain else None
