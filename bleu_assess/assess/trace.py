"""What the evaluation of one item used (issue 12): `bleu-assess explain` shows exactly this,
never a rebuilt analysis."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bleu_assess.assess.results import ItemVerdict


@dataclass(frozen=True, slots=True)
class Trace:
    """One item's evaluation: `verdict` as the scan gives it; `facts`: every fact any rule
    evaluated on the item tests (fired or not, `verdict.*` and `platform.*` included) -> its
    value, sorted by name; `evaluated` and `fired`: rule ids in evaluation order (first pass,
    then second); `uses`: rule id -> the facts its condition tests."""

    verdict: ItemVerdict
    facts: Mapping[str, Any]
    evaluated: tuple[str, ...]
    fired: tuple[str, ...]
    uses: Mapping[str, tuple[str, ...]]

    def fired_using(self, fact: str) -> tuple[str, ...]:
        """The rules that fired on the item and test `fact`."""
        return tuple(rule for rule in self.fired if fact in self.uses[rule])
