"""The operators of the rule language (docs/rulesets.md, "Conditions"), in one table: the fact
types each accepts, the kind of value it takes, and its test.

A test receives the compiled value (a scalar, a number, a bool, or a frozenset for a list or
`@group`) and returns a predicate over the fact's value. A null fact fails every test except
`exists: false`, `not_equals` and `not_in`; comparisons never match a bool or a null.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _real(v: Any) -> bool:
    """A number that is not a bool: what a comparison accepts. (The facts' own types first: an
    abstract class's isinstance costs more than the comparison, in every item's rules.)"""
    if v is None:
        return False
    kind = v.__class__
    if kind is int or kind is float:
        return True
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


# Names an operator's source may use besides the fact's value `{v}` and its own value `{k}`.
HELPERS: dict[str, Any] = {"_real": _real, "float": float}


@dataclass(frozen=True, slots=True)
class Operator:
    """`types`: fact types it applies to; `value`: `scalar`, `set` (list or @group), `bool` or
    `number`; `source`: its test as a Python expression over the fact's value `{v}` and the
    compiled value `{k}` (both plain names, so the evaluator can inline the rules of a ruleset
    into one function: rules/conditions.py); `shown(value)`, for a list fact, -> the part of the
    fact's value that made the test true (what a message shows: the countries outside the group,
    the classes in common), None when the whole value is shown."""

    name: str
    types: tuple[str, ...]
    value: str
    source: str
    shown: Callable[[frozenset[Any]], Callable[[Any], tuple[Any, ...]]] | None = None


def _compare(symbol: str) -> str:
    return f"_real({{v}}) and float({{v}}) {symbol} float({{k}})"


def _outside(group: frozenset[Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda values: tuple([v for v in values or () if v not in group])


def _inside(group: frozenset[Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda values: tuple([v for v in values or () if v in group])


SCALARS = ("string", "number", "bool")
_TABLE = (
    Operator("equals", SCALARS, "scalar", "{v} is not None and {v} == {k}"),
    Operator("not_equals", SCALARS, "scalar", "{v} is None or {v} != {k}"),
    Operator("in", ("string", "number"), "set", "{v} is not None and {v} in {k}"),
    Operator("not_in", ("string", "number"), "set", "{v} is None or {v} not in {k}"),
    Operator("exists", (*SCALARS, "list"), "bool", "({v} is not None and {v} != ()) is {k}"),
    Operator("contains", ("list",), "scalar", "{v} is not None and {k} in {v}"),
    Operator("intersects", ("list",), "set", "bool({v}) and not {k}.isdisjoint({v})", _inside),
    Operator("disjoint", ("list",), "set", "not {v} or {k}.isdisjoint({v})"),
    Operator("subset_of", ("list",), "set", "{v} is not None and {k}.issuperset({v})"),
    Operator("not_subset_of", ("list",), "set", "bool({v}) and not {k}.issuperset({v})", _outside),
    Operator("gt", ("number",), "number", _compare(">")),
    Operator("gte", ("number",), "number", _compare(">=")),
    Operator("lt", ("number",), "number", _compare("<")),
    Operator("lte", ("number",), "number", _compare("<=")),
)
OPERATORS: dict[str, Operator] = {op.name: op for op in _TABLE}
