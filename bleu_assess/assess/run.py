"""One assessment of a validated inventory: the rules applied on the assessment date, then each
finding marked with the confidence of the catalogue facts it rests on. Called by `api.assess`
and by the fit matrix (one assessment per candidate offer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bleu_assess.assess.results import ScanResult
    from bleu_assess.inventory.graph import InventoryGraph
    from bleu_assess.inventory.model import Inventory
    from bleu_assess.rules.model import Ruleset


def assess_inventory(inventory: Inventory, rulesets: list[Ruleset], lang: str = "en",
                     ig: InventoryGraph | None = None, advance: Callable[[int], None] | None = None,
                     as_of: str | None = None) -> ScanResult:
    """Verdicts for every application and dataset, on `as_of` (YYYY-MM-DD; default the day the
    inventory's catalogue references were resolved on, else the tool's clock: `clock.py`)."""
    from bleu_assess.assess.evaluate import assess
    from bleu_assess.inventory.graph import build_graph

    if as_of is None and inventory.catalogue is not None:
        # The day its catalogue references were resolved on: one date for catalogue and rules.
        as_of = inventory.catalogue.day.isoformat()
    return assess(ig or build_graph(inventory), rulesets, lang, advance, as_of, marked=inventory.catalogue is not None)
