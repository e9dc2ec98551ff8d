"""The Python API: what the CLI calls, and what a notebook can call too.

    from bleu_assess import api
    loaded = api.load("examples/chu-exemple.yaml")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from bleu_assess.load import Loaded, load_inventory

if TYPE_CHECKING:
    from bleu_assess.graph import InventoryGraph
    from bleu_assess.model import Inventory


def load(path: str | os.PathLike[str]) -> Loaded:
    """Read and validate an inventory (file or directory): the inventory and its warnings."""
    return load_inventory(path)


def graph(inventory: "Inventory") -> "InventoryGraph":
    from bleu_assess.graph import build_graph

    return build_graph(inventory)
