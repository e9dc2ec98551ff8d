"""The Python API: what the CLI calls, and what a notebook can call too.

    from bleu_assess import api
    loaded = api.load("examples/chu-exemple.yaml")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from bleu_assess.load import Loaded, load_inventory

if TYPE_CHECKING:
    from bleu_assess.graph import InventoryGraph
    from bleu_assess.model import Inventory
    from bleu_assess.plan import PlanOptions
    from bleu_assess.results import PlanResult, ScanResult
    from bleu_assess.rules.model import Ruleset


def load(path: str | os.PathLike[str]) -> Loaded:
    """Read and validate an inventory (file or directory): the inventory and its warnings."""
    return load_inventory(path)


def graph(inventory: "Inventory") -> "InventoryGraph":
    from bleu_assess.graph import build_graph

    return build_graph(inventory)


def select_rulesets(selectors: list[str] | None = None,
                    rules_dir: str | os.PathLike[str] | None = None) -> list["Ruleset"]:
    """The rulesets to apply: `ID` or `ID@VERSION` selectors, else the latest stable of each."""
    from bleu_assess.rules.load import select

    return select(selectors, rules_dir)


def assess(inventory: "Inventory", rulesets: list["Ruleset"] | None = None, lang: str = "en",
           ig: "InventoryGraph | None" = None, advance: "Callable[[int], None] | None" = None,
           as_of: str | None = None) -> "ScanResult":
    """Verdicts for every application and dataset of a validated inventory, on the assessment
    date `as_of` (YYYY-MM-DD; default today, or SOURCE_DATE_EPOCH's date)."""
    from bleu_assess.evaluate import assess as run

    return run(ig or graph(inventory), select_rulesets() if rulesets is None else rulesets, lang, advance, as_of)


def scan(path: "str | os.PathLike[str] | Inventory", rulesets: list[str] | None = None,
         rules_dir: str | os.PathLike[str] | None = None, lang: str = "en", as_of: str | None = None) -> "ScanResult":
    """Load (if given a path), validate and assess: `api.scan("examples/chu-exemple.yaml")`."""
    from bleu_assess.model import Inventory as _Inventory

    inventory = path if isinstance(path, _Inventory) else load(path).inventory
    return assess(inventory, select_rulesets(rulesets, rules_dir), lang, as_of=as_of)


def plan(scan_result: "ScanResult", ig: "InventoryGraph", options: "PlanOptions | None" = None) -> "PlanResult":
    """Migration waves for an assessed inventory."""
    from bleu_assess.plan import plan as run

    return run(scan_result, ig, options)
