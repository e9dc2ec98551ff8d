"""The Python API: what the CLI calls, and what a notebook can call too.

    from bleu_assess import api
    loaded = api.load("examples/chu-exemple.yaml")
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bleu_assess.errors import InputError
from bleu_assess.inventory.load import Checked, Loaded, check_inventory, load_inventory

if TYPE_CHECKING:
    from datetime import date

    from bleu_assess.assess.results import PlanResult, ScanResult
    from bleu_assess.errors import Diagnostic
    from bleu_assess.inventory.graph import InventoryGraph
    from bleu_assess.inventory.model import Inventory
    from bleu_assess.plan.roadmap import RoadmapOptions
    from bleu_assess.plan.waves import PlanOptions
    from bleu_assess.rules.model import Ruleset

# A progress stage: `stage(label, total)` starts it and returns `advance(n)`.
Stage = Callable[[str, int], Callable[[int], None]]


def load(path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None,
         as_of: date | None = None, warnings: bool = True) -> Loaded:
    """Read and validate an inventory (file or directory): the inventory and its warnings (none
    looked for unless `warnings`; the errors are the same). `ref: catalogue:...` entries are
    resolved with `catalogue` (default: the shipped one) on the assessment date `as_of`
    (default: SOURCE_DATE_EPOCH's day, else today)."""
    return load_inventory(path, catalogue, as_of, warnings)


def check(path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None,
          as_of: date | None = None, warnings: bool = True) -> Checked:
    """`load` without building the model of every entry, as `bleu-assess validate` checks: the
    same errors (InputError) and warnings (none looked for unless `warnings`), with the
    inventory's outline (counts, organisation, dependencies)."""
    return check_inventory(path, catalogue, as_of, warnings)


def graph(inventory: Inventory) -> InventoryGraph:
    from bleu_assess.inventory.graph import build_graph

    return build_graph(inventory)


def select_rulesets(selectors: list[str] | None = None, rules_dir: str | os.PathLike[str] | None = None,
                    only: list[str] | None = None) -> list[Ruleset]:
    """The rulesets to apply: the latest stable of each (or only those named in `only`), with the
    versions named by `selectors` (`ID` or `ID@VERSION`) in place of their defaults."""
    from bleu_assess.rules.load import select

    return select(selectors, rules_dir, only)


def assess(inventory: Inventory, rulesets: list[Ruleset] | None = None, lang: str = "en",
           ig: InventoryGraph | None = None, advance: Callable[[int], None] | None = None,
           as_of: str | None = None) -> ScanResult:
    """Verdicts for every application and dataset of a validated inventory, on the assessment
    date `as_of` (YYYY-MM-DD; default the day the inventory's catalogue references were resolved
    on, else today, or SOURCE_DATE_EPOCH's date). Findings are worded in `lang`;
    `render.findings_words.scan(result, other)` words the same result in another language."""
    from bleu_assess.assess.run import assess_inventory
    from bleu_assess.render.findings_words import scan as word

    return word(assess_inventory(inventory, select_rulesets() if rulesets is None else rulesets, lang, ig, advance,
                                 as_of))


def scan(path: str | os.PathLike[str] | Inventory, rulesets: list[str] | None = None,
         rules_dir: str | os.PathLike[str] | None = None, lang: str = "en", as_of: str | None = None) -> ScanResult:
    """Load (if given a path), validate and assess: `api.scan("examples/chu-exemple.yaml")`."""
    from bleu_assess.inventory.model import Inventory as _Inventory

    inventory = path if isinstance(path, _Inventory) else load(path).inventory
    return assess(inventory, select_rulesets(rulesets, rules_dir), lang, as_of=as_of)


def plan(scan_result: ScanResult, ig: InventoryGraph, options: PlanOptions | None = None,
         roadmap: RoadmapOptions | None = None) -> PlanResult:
    """Migration waves for an assessed inventory; dated (`start`, `end` per wave, deadlines)
    when `roadmap` options are given."""
    from bleu_assess.plan.waves import plan as run

    planned = run(scan_result, ig, options)
    if roadmap is None:
        return planned
    from bleu_assess.plan.roadmap import schedule

    return schedule(planned, ig.inventory, roadmap)


@dataclass(frozen=True, slots=True)
class Assessed:
    """An inventory loaded and assessed: `result` (its verdicts, in `result.lang`), `ig` (its
    graph; `ig.inventory` the inventory), `rulesets` applied, `warnings` from validation."""

    result: ScanResult
    ig: InventoryGraph
    rulesets: list[Ruleset]
    warnings: list[Diagnostic]


def load_and_assess(path: str | os.PathLike[str], lang: str | None = None, selectors: list[str] | None = None,
                    rules_dir: str | os.PathLike[str] | None = None, only: list[str] | None = None,
                    catalogue: str | os.PathLike[str] | None = None, as_of: str | None = None,
                    stage: Stage | None = None, labels: Callable[[str, str], str] | None = None,
                    warnings: bool = True) -> Assessed:
    """Load, validate and assess an inventory, as every assessing command does: in `lang`, else
    the language of the organisation's country (render.i18n.default_language). `as_of` is the
    assessment date YYYY-MM-DD (the catalogue's qualifications are judged on it too); `stage`
    reports progress, with labels worded by `labels(code, lang)` (codes `load`, `assess`); no
    validation warning is looked for unless `warnings` (`-q` shows none).
    Raises UsageError for a malformed `as_of`, InputError for an invalid inventory or ruleset."""
    from bleu_assess.errors import option_error
    from bleu_assess.inventory.validate import parse_date
    from bleu_assess.inventory.walker import no_such_day
    from bleu_assess.render.i18n import default_language

    day = parse_date(as_of) if as_of is not None else None
    if as_of is not None and day is None:
        raise no_such_day("--as-of", as_of) or option_error("bad_as_of", value=as_of)
    start: Stage = stage or (lambda label, total: lambda n: None)
    word: Callable[[str, str], str] = labels or (lambda code, language: code)
    loaded_stage = start(word("load", lang or default_language()), 1)
    loaded = load(path, catalogue, day, warnings)
    loaded_stage(1)
    inventory = loaded.inventory
    language = lang or default_language(inventory.organisation.country)
    selected = select_rulesets(selectors or None, rules_dir, only or None)
    ig = graph(inventory)
    advance = start(word("assess", language), len(inventory.applications) + len(inventory.datasets))
    result = assess(inventory, selected, language, ig, advance, as_of)
    return Assessed(result, ig, selected, loaded.warnings)


@cache  # compiled by the commands that look (plan, report, error messages), not at import
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`country: FR` inside the top-level `organisation:` block (block or flow style), or
    "country": "FR" in JSON; and the `organisation:` block itself."""
    return (re.compile(r"""^organisation:(?:[^\n]*\n(?:[ \t#][^\n]*\n|\n)*?[ \t]+|[^\n]*?[{,][ \t]*)country:"""
                       r"""[ \t]*["']?([A-Za-z]{2})\b|"country"[ \t]*:[ \t]*"([A-Za-z]{2})\"""", re.MULTILINE),
            re.compile(r"""^organisation:|"organisation"[ \t]*:""", re.MULTILINE))


# The inventory format's default organisation country (docs/inventory.md, inventory.model).
DEFAULT_COUNTRY = "FR"


def country_of(path: str | os.PathLike[str]) -> str | None:
    """The organisation's country an inventory declares, found in the first 64 KiB of its files
    without parsing them: the format's default (FR) for an organisation that names none, None
    when no organisation is found: the language of the diagnostics of an inventory
    that may be invalid, malformed or hostile, at no cost."""
    from pathlib import Path

    from bleu_assess.inputs import peek
    from bleu_assess.inventory.load import inventory_files

    display = os.fspath(path)
    try:
        files = inventory_files(Path(display), display, [])
    except (InputError, OSError):
        return None
    declared = False
    country, organisation = _patterns()
    for file, _ in files:
        head = peek(file, 65536).decode("utf-8", "replace")
        found = country.search(head)
        if found:
            return (found.group(1) or found.group(2)).upper()
        declared = declared or bool(organisation.search(head))
    return DEFAULT_COUNTRY if declared else None
