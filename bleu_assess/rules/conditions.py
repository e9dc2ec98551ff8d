"""Compiling `when:` conditions into predicates over an item's facts — a closed set of
operators, never an evaluated expression.

A condition compiles to Python source made only of the operators' own sources
(rules/operators.py), `and`, `or` and `not`: the facts it tests and the values it compares them
with appear in it as placeholders, `{f0}`, `{k0}`…, never as text from the ruleset. `tester`
fills in those of a list of rules (every rule of one evaluation pass: assess/evaluate.py, or a
single rule: Rule.predicate) to make one function, which tests an item's facts without a call
per rule or per test."""

from __future__ import annotations

import marshal
import numbers
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from bleu_assess.rules.facts import NAMES, Fact
from bleu_assess.rules.model import Facts
from bleu_assess.rules.operators import HELPERS, OPERATORS

if TYPE_CHECKING:
    from bleu_assess.rules.model import Rule

T = TypeVar("T")


# The code testing a list of conditions, by its source: the fit matrix makes one evaluator per
# candidate offer, each with the same rules.
_COMPILED: dict[str, Any] = {}


def tester(rules: Sequence[Rule], results: Sequence[T]) -> Callable[[Facts], list[T]]:
    """A function of an item's facts (a fact missing from them is None) returning, in order,
    `results[i]` for each of the `rules` whose condition holds: every condition inlined into one
    function, each fact read once."""
    facts = list(dict.fromkeys(NAMES.get(name, name) for rule in rules for name in rule.facts_used))
    variable = {name: f"f{i}" for i, name in enumerate(facts)}
    # Every fact read in one call when all are present (an item's facts have them all), one by
    # one otherwise (a missing fact is None).
    read = ["get = facts.get", *(f"{variable[name]} = get({name!r})" for name in facts)]
    lines = ["def holds(facts):"]
    if facts:
        lines += ["    try:", f"        {', '.join(variable.values())}, = pick(facts)" if len(facts) > 1
                  else f"        {variable[facts[0]]} = pick(facts)",
                  "    except KeyError:", *(f"        {line}" for line in read)]
    lines.append("    out = []")
    for i, rule in enumerate(rules):
        names = {f"f{j}": variable[NAMES.get(name, name)] for j, name in enumerate(rule.facts_used)}
        names |= {f"k{j}": f"k{i}_{j}" for j in range(len(rule.constants))}
        lines += [f"    if {rule.condition.format(**names)}:", f"        out.append(r{i})"]
    lines.append("    return out")
    source = "\n".join(lines)
    code = _COMPILED.get(source)
    if code is None:  # compiling costs more than assessing a small estate: kept in the compiled cache
        from bleu_assess import cache

        code = _COMPILED[source] = marshal.loads(cache.cached(
            "rules-code", (source,), lambda: marshal.dumps(compile(source, "<rules>", "exec"))))
    namespace: dict[str, Any] = dict(HELPERS)
    if facts:
        namespace["pick"] = itemgetter(*facts)
    namespace.update({f"r{i}": result for i, result in enumerate(results)})
    namespace.update({f"k{i}_{j}": value for i, rule in enumerate(rules) for j, value in enumerate(rule.constants)})
    exec(code, namespace)  # the conditions: the operators' own source, and/or/not (see above)
    holds: Callable[[Facts], list[T]] = namespace["holds"]
    return holds


def _matched(filters: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """The values any of a fact's positive tests matched, in the fact's order; all of them when
    none did (a test in an `any` branch that was not the one that fired must not blank the
    message: « des données (—) »)."""
    def shown(values: Any) -> Any:
        if len(filters) == 1:  # most facts: one test, whose values are those kept, in order
            kept = filters[0](values)
        else:
            found = {v for f in filters for v in f(values)}
            kept = tuple([v for v in values or () if v in found])
        return kept if kept else values
    return shown


class Compiler:
    """Compiles one rule's condition, collecting errors as (path, message) pairs."""

    def __init__(self, facts: Mapping[str, Fact], kinds: tuple[str, ...],
                 groups: dict[str, frozenset[str]], suggest: Callable[[str, Any], str]) -> None:
        self.facts, self.kinds, self.groups, self.suggest = facts, kinds, groups, suggest
        self.errors: list[tuple[tuple[Any, ...], str]] = []
        self.used: list[str] = []
        # The values the condition compares facts with, by placeholder number ({k0}, {k1}…).
        self.constants: list[Any] = []
        # What a message shows of a list fact: the values that made its test true (the countries
        # outside the group, the classes in common), not the whole list. Tests under `not` are
        # left out: there the values that count are the ones that did not match.
        self.shown: dict[str, Callable[[Any], Any]] = {}
        self._filters: dict[str, list[Callable[[Any], Any]]] = {}
        self._negated = 0

    def compile(self, node: Any, path: tuple[Any, ...]) -> str:
        """The condition `node` (found at `path`) as source with placeholders (see `predicate`;
        the facts in order of first appearance, `self.used` deduplicated); errors are collected
        in `self.errors`, a failed part never holds."""
        if not isinstance(node, dict) or not node:
            return self._fail(path, "a condition is a mapping: all, any, not, or a fact test")
        combinators = [k for k in ("all", "any", "not") if k in node]
        if combinators:
            if len(node) != 1:
                extra = sorted(str(k) for k in node if k != combinators[0])
                return self._fail(path, f"'{combinators[0]}' stands alone in its mapping (also found: {', '.join(extra)})")
            key = combinators[0]
            if key == "not":
                self._negated += 1
                inner = self.compile(node["not"], (*path, "not"))
                self._negated -= 1
                return f"(not {inner})"
            children = node[key]
            if not isinstance(children, list):
                return self._fail((*path, key), f"'{key}' takes a list of conditions")
            parts = [self.compile(child, (*path, key, i)) for i, child in enumerate(children)]
            if not parts:  # as all() and any() of nothing
                return "True" if key == "all" else "False"
            return "(" + (" and " if key == "all" else " or ").join(parts) + ")"
        return self._leaf(node, path)

    def _leaf(self, node: dict[Any, Any], path: tuple[Any, ...]) -> str:
        fact = node.get("fact")
        ops = [k for k in node if k != "fact"]
        if fact is None:
            unknown = [str(k) for k in node if k not in OPERATORS]
            hint = self.suggest(unknown[0], ("all", "any", "not", "fact")) if unknown else ""
            return self._fail(path, f"a fact test needs 'fact:' and one operator{hint}")
        if not isinstance(fact, str) or fact not in self.facts:
            return self._fail((*path, "fact"), f"unknown fact '{fact}'{self.suggest(str(fact), self.facts)}")
        spec = self.facts[fact]
        fact_type = spec.type
        missing = [k for k in self.kinds if k not in spec.kinds]
        if missing:
            return self._fail((*path, "fact"), f"fact '{fact}' does not exist for {', '.join(missing)} items "
                              "(restrict applies_to)")
        if len(ops) != 1:
            return self._fail(path, f"a fact test takes exactly one operator, got {len(ops)}: "
                              + (", ".join(map(str, ops)) or "none") + "; operators: " + ", ".join(OPERATORS))
        op = ops[0]
        if op not in OPERATORS:
            return self._fail((*path, op), f"unknown operator '{op}'{self.suggest(str(op), OPERATORS)}")
        operator = OPERATORS[op]
        if fact_type not in operator.types:
            return self._fail((*path, op), f"operator '{op}' does not apply to '{fact}' (a {fact_type})")
        value = self._value(node[op], operator.value, (*path, op))
        if value is _INVALID:
            return "False"
        if fact not in self.used:
            self.used.append(fact)
        if not self._negated and operator.shown is not None:
            self._filters.setdefault(fact, []).append(operator.shown(value))
            self.shown[fact] = _matched(self._filters[fact])
        self.constants.append(value)
        return "(" + operator.source.format(v=f"{{f{self.used.index(fact)}}}", k=f"{{k{len(self.constants) - 1}}}") + ")"

    def _value(self, raw: Any, kind: str, path: tuple[Any, ...]) -> Any:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            return self._invalid(path, "expects true or false")
        if kind == "number":
            if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
                return raw
            return self._invalid(path, "expects a number")
        if kind == "scalar":
            if isinstance(raw, (str, int, float, bool)):
                return raw
            return self._invalid(path, "expects a single value")
        if isinstance(raw, str) and raw.startswith("@"):
            group = self.groups.get(raw[1:])
            if group is None:
                return self._invalid(path, f"unknown country group '{raw}'{self.suggest(raw[1:], self.groups)}")
            return group
        if isinstance(raw, list) and all(isinstance(v, (str, int, float)) for v in raw):
            return frozenset(raw)
        return self._invalid(path, "expects a list of values or a @group")

    def _invalid(self, path: tuple[Any, ...], message: str) -> Any:
        self.errors.append((path, message))
        return _INVALID

    def _fail(self, path: tuple[Any, ...], message: str) -> str:
        self.errors.append((path, message))
        return "False"


_INVALID = object()
