"""`bleu-assess explain ITEM`: which item is meant, and what its evaluation used (assess/trace.py);
render/explain.py shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bleu_assess.assess.results import ItemVerdict, ScanResult
from bleu_assess.vocab import ItemKind

if TYPE_CHECKING:
    from bleu_assess.assess.trace import Trace
    from bleu_assess.inventory.graph import InventoryGraph
    from bleu_assess.rules.model import Ruleset


def find(result: ScanResult, text: str) -> list[ItemVerdict]:
    """The items `text` names: an id first, then a name (case ignored, spaces around trimmed);
    applications before datasets of the same id or name, as a user asking about "DPI" means the
    application. One item, or several applications (else datasets) bearing that name for the
    caller to list, or none."""
    wanted = text.strip()
    for key in (lambda i: i.id == wanted, lambda i: i.name.strip().casefold() == wanted.casefold()):
        for kind in (ItemKind.APPLICATION, ItemKind.DATASET):
            found = [i for i in result.items if i.kind == kind and key(i)]
            if found:
                return found
    return []


def explain(ig: InventoryGraph, rulesets: list[Ruleset], result: ScanResult, verdict: ItemVerdict) -> Trace:
    """The evaluation of `verdict`'s item as the scan that gave `result` made it: same rulesets,
    language and assessment date."""
    from bleu_assess.assess.evaluate import trace

    return trace(ig, rulesets, result.lang, result.as_of, verdict.id, verdict.kind)
