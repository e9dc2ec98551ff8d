"""Rulesets as loaded and compiled: plain records plus a compiled predicate per rule."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bleu_assess.rules.references import Citation

Facts = Mapping[str, Any]
Predicate = Callable[[Facts], bool]


@dataclass(frozen=True, slots=True)
class Source:
    """A text rules cite: its title, primary address (Légifrance, EUR-Lex, cyber.gouv.fr…) and
    date; `kind` is `legal` (law, regulation, official guidance) or `method` (our own docs)."""

    key: str
    title: str
    url: str
    date: str | None = None
    kind: str = "legal"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    applies_to: tuple[str, ...]
    dimension: str
    severity: str
    title: Mapping[str, str]
    when: Any  # the condition as written (for `explain` and `rules show`)
    message: Mapping[str, str]
    remediation: Mapping[str, str]
    references: tuple[str, ...]
    verdict: Mapping[str, Any] = field(default_factory=dict)
    uncertain: Mapping[str, str] | None = None  # why the basis is uncertain, per language
    about: str | None = None  # the fact a finding is about: findings about one fact are merged
    # Compiled at load time (rules/conditions.py): the condition as source with placeholders,
    # the facts it tests ({f0}, {f1}…, in order of appearance) and the values it compares them
    # with ({k0}, {k1}…).
    condition: str = field(default="False", compare=False, repr=False)
    constants: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    facts_used: tuple[str, ...] = ()
    second_pass: bool = False
    # fact -> the values of it a message shows (those that triggered the rule; see Compiler.shown)
    shown: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def predicate(self) -> Predicate:
        """The condition as a function of an item's facts (compiled when first asked for: the
        evaluator compiles every rule of a pass into one function instead)."""
        from bleu_assess.rules.conditions import tester

        holds = tester([self], [True])
        return lambda facts: bool(holds(facts))


@dataclass(frozen=True)
class Ruleset:
    id: str
    version: str
    status: str
    effective: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]
    path: str
    sha256: str
    # The newest non-draft version of the same ruleset when this one is older (set when
    # selected, rules/load.py): a run on it does not apply the rules in force.
    superseded_by: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def source(self, key: str) -> Source | None:
        return self._sources.get(key)

    @cached_property
    def _sources(self) -> dict[str, Source]:
        return {s.key: s for s in self.sources}

    def citations(self, rule: Rule) -> tuple[Citation, ...]:
        """The rule's references as (source, pinpoint) pairs (the loader checked every key)."""
        from bleu_assess.rules.references import Citation, parse

        out = []
        for reference in rule.references:
            key, pinpoint = parse(reference)
            source = self.source(key) or Source(key, key, "")
            out.append(Citation(source, pinpoint))
        return tuple(out)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
