"""The Python API: what the CLI calls, and what a notebook can call too.

    from bleu_assess import api
    loaded = api.load("examples/chu-exemple.yaml")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from bleu_assess.inventory.load import Loaded, load_inventory

if TYPE_CHECKING:
    from datetime import date

    from bleu_assess.inventory.graph import InventoryGraph
    from bleu_assess.inventory.model import Inventory
    from bleu_assess.plan.waves import PlanOptions
    from bleu_assess.plan.roadmap import RoadmapOptions
    from bleu_assess.assess.results import PlanResult, ScanResult
    from bleu_assess.rules.model import Ruleset


def load(path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None,
         as_of: "date | None" = None) -> Loaded:
    """Read and validate an inventory (file or directory): the inventory and its warnings.
    `ref: catalogue:...` entries are resolved with `catalogue` (default: the shipped one) on the
    assessment date `as_of` (default: SOURCE_DATE_EPOCH's day, else today)."""
    return load_inventory(path, catalogue, as_of)


def graph(inventory: "Inventory") -> "InventoryGraph":
    from bleu_assess.inventory.graph import build_graph

    return build_graph(inventory)


def select_rulesets(selectors: list[str] | None = None, rules_dir: str | os.PathLike[str] | None = None,
                    only: list[str] | None = None) -> list["Ruleset"]:
    """The rulesets to apply: the latest stable of each (or only those named in `only`), with the
    versions named by `selectors` (`ID` or `ID@VERSION`) in place of their defaults."""
    from bleu_assess.rules.load import select

    return select(selectors, rules_dir, only)


def assess(inventory: "Inventory", rulesets: list["Ruleset"] | None = None, lang: str = "en",
           ig: "InventoryGraph | None" = None, advance: "Callable[[int], None] | None" = None,
           as_of: str | None = None) -> "ScanResult":
    """Verdicts for every application and dataset of a validated inventory, on the assessment
    date `as_of` (YYYY-MM-DD; default the day the inventory's catalogue references were resolved
    on, else today, or SOURCE_DATE_EPOCH's date)."""
    from bleu_assess.assess.run import assess_inventory

    return assess_inventory(inventory, select_rulesets() if rulesets is None else rulesets, lang, ig, advance, as_of)


def scan(path: "str | os.PathLike[str] | Inventory", rulesets: list[str] | None = None,
         rules_dir: str | os.PathLike[str] | None = None, lang: str = "en", as_of: str | None = None) -> "ScanResult":
    """Load (if given a path), validate and assess: `api.scan("examples/chu-exemple.yaml")`."""
    from bleu_assess.inventory.model import Inventory as _Inventory

    inventory = path if isinstance(path, _Inventory) else load(path).inventory
    return assess(inventory, select_rulesets(rulesets, rules_dir), lang, as_of=as_of)


def plan(scan_result: "ScanResult", ig: "InventoryGraph", options: "PlanOptions | None" = None,
         roadmap: "RoadmapOptions | None" = None) -> "PlanResult":
    """Migration waves for an assessed inventory; dated (`start`, `end` per wave, deadlines)
    when `roadmap` options are given."""
    from bleu_assess.plan.waves import plan as run

    planned = run(scan_result, ig, options)
    if roadmap is None:
        return planned
    from bleu_assess.plan.roadmap import schedule

    return schedule(planned, ig.inventory, roadmap)
