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


@dataclass(frozen=True, slots=True)
class Operator:
    """`types`: fact types it applies to; `value`: `scalar`, `set` (list or @group), `bool` or
    `number`; `test(value)` -> predicate over a fact's value; `shown(value)`, for a list fact,
    -> the part of the fact's value that made the test true (what a message shows: the countries
    outside the group, the classes in common), None when the whole value is shown."""

    name: str
    types: tuple[str, ...]
    value: str
    test: Callable[[Any], Callable[[Any], bool]]
    shown: Callable[[frozenset[Any]], Callable[[Any], tuple[Any, ...]]] | None = None


def _compare(method: Callable[[float, float], bool]) -> Callable[[Any], Callable[[Any], bool]]:
    return lambda value: (lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool)
                          and method(float(v), float(value)))


def _outside(group: frozenset[Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda values: tuple(v for v in values or () if v not in group)


def _inside(group: frozenset[Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda values: tuple(v for v in values or () if v in group)


SCALARS = ("string", "number", "bool")
_TABLE = (
    Operator("equals", SCALARS, "scalar", lambda value: lambda v: v is not None and v == value),
    Operator("not_equals", SCALARS, "scalar", lambda value: lambda v: v is None or v != value),
    Operator("in", ("string", "number"), "set", lambda value: lambda v: v is not None and v in value),
    Operator("not_in", ("string", "number"), "set", lambda value: lambda v: v is None or v not in value),
    Operator("exists", (*SCALARS, "list"), "bool", lambda value: lambda v: (v is not None and v != ()) is value),
    Operator("contains", ("list",), "scalar", lambda value: lambda v: v is not None and value in v),
    Operator("intersects", ("list",), "set", lambda value: lambda v: bool(v) and not value.isdisjoint(v), _inside),
    Operator("disjoint", ("list",), "set", lambda value: lambda v: not v or value.isdisjoint(v)),
    Operator("subset_of", ("list",), "set", lambda value: lambda v: v is not None and value.issuperset(v)),
    Operator("not_subset_of", ("list",), "set", lambda value: lambda v: bool(v) and not value.issuperset(v),
             _outside),
    Operator("gt", ("number",), "number", _compare(float.__gt__)),
    Operator("gte", ("number",), "number", _compare(float.__ge__)),
    Operator("lt", ("number",), "number", _compare(float.__lt__)),
    Operator("lte", ("number",), "number", _compare(float.__le__)),
)
OPERATORS: dict[str, Operator] = {op.name: op for op in _TABLE}
