"""Every output format of every command, behind one signature: `renderer(subject, choices)`.

The command line's registry (bleu_assess/cli/formats.py) names, for each command and format,
the function of this module that renders it; a test checks that every registered format has
one. A renderer returns the document (text or bytes), or for a terminal table a function of
the width that gives the table (rich renderable), shown on the terminal or written as plain text.

Subjects: `scan`, `findings` a ScanResult; `plan` a (PlanResult, Inventory) pair; `report` a
Report; `diff` a render.diff.Diff; `fit` an assess.fit.FitMatrix; `graph` an InventoryGraph.
Renderers import their module when called, so naming them costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bleu_assess.assess.results import PlanResult, ScanResult
    from bleu_assess.inventory.model import Inventory
    from bleu_assess.rules.model import Ruleset

Rendered = str | bytes | bytearray | Iterator[str] | Iterator[bytes] | Callable[[int], "RenderableType | str"]


@dataclass(slots=True)
class Choices:
    """What the user chose besides the format: `lang` ("fr" or "en"), `template_dir`,
    `csv_dialect` (render/tabular.py names), `source` (the input path, for SARIF/JUnit locations),
    `rulesets` applied, `fail_on` (severity threshold, JUnit), `audience` (report), `every` (scan
    table: all items). Renderers add
    to `notes` what the user should be told on stderr (already worded)."""

    lang: str = "en"
    template_dir: str | None = None
    csv_dialect: str | None = None
    source: str = ""
    rulesets: Sequence[Ruleset] = ()
    fail_on: str | None = None
    audience: str = "technical"
    every: bool = False  # scan table: every item, even in a large estate (--all)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Report:
    """What a report shows: the verdicts, the plan, the inventory and the fit matrix (or None)."""

    scan: ScanResult
    plan: PlanResult
    inventory: Inventory
    fit: Any = None


# --- scan ------------------------------------------------------------------------------------

def _worded(result: ScanResult, choices: Choices) -> ScanResult:
    """`result` with its findings worded in the chosen language (render/findings_words.py): every
    renderer gets words, never decisions."""
    from bleu_assess.render.findings_words import scan

    return scan(result, choices.lang)


def scan_table(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import scan

    return lambda width: scan.table(result, width, choices.every)


def scan_json(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import scan

    return scan.scan_json_parts(result)  # in parts: a file takes them as they come (output.write_atomic)


def scan_markdown(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import scan

    return scan.markdown(result, choices.template_dir)


def scan_csv(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import scan

    return scan.csv_text(result, choices.csv_dialect)


def scan_sarif(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import ci
    from bleu_assess.render.i18n import t

    text, summarised = ci.sarif_log(result, choices.source, choices.rulesets)
    if summarised:
        choices.notes.append(t("scan.sarif_summarised", result.lang, count=summarised, limit=ci.MAX_RESULTS))
    return text


def scan_junit(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import ci

    return ci.junit(result, choices.source, choices.fail_on or "high")


# --- export findings -------------------------------------------------------------------------

def findings_csv(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import findings

    return findings.to_csv(result, choices.csv_dialect)


def findings_xlsx(result: ScanResult, choices: Choices) -> Rendered:
    result = _worded(result, choices)
    from bleu_assess.render import findings

    return findings.to_xlsx(result)


# --- plan ------------------------------------------------------------------------------------

def plan_markdown(subject: tuple[PlanResult, Inventory], choices: Choices) -> Rendered:
    from bleu_assess.render import plan

    return plan.markdown(subject[0], subject[1], choices.template_dir)


def plan_json(subject: tuple[PlanResult, Inventory], choices: Choices) -> Rendered:
    from bleu_assess.render import plan

    return plan.json_text(subject[0], subject[1])


def plan_csv(subject: tuple[PlanResult, Inventory], choices: Choices) -> Rendered:
    from bleu_assess.render import plan

    return plan.csv_text(subject[0], subject[1], choices.csv_dialect)


def plan_table(subject: tuple[PlanResult, Inventory], choices: Choices) -> Rendered:
    from bleu_assess.render import plan

    return lambda width: plan.table(subject[0], subject[1], width)


# --- report ----------------------------------------------------------------------------------

def report_html(subject: Report, choices: Choices) -> Rendered:
    return _report(subject, choices, "html")


def report_markdown(subject: Report, choices: Choices) -> Rendered:
    return _report(subject, choices, "markdown")


def _report(subject: Report, choices: Choices, fmt: str) -> Rendered:
    from bleu_assess.render.report import stream

    # Streamed to its atomic file as it is generated (issue 21: bounded memory for large reports).
    return stream(_worded(subject.scan, choices), subject.plan, subject.inventory, fmt, choices.audience, choices.template_dir,
                  subject.fit)


def report_docx(subject: Report, choices: Choices) -> Rendered:
    from bleu_assess.render import docx

    return docx.render(_worded(subject.scan, choices), subject.plan, subject.inventory, choices.template_dir)


# --- diff ------------------------------------------------------------------------------------

def diff_table(subject: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import diff

    return lambda width: diff.table(subject, choices.lang, width)


def diff_markdown(subject: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import diff

    return diff.markdown(subject, choices.lang)


def diff_json(subject: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import diff

    return diff.json_text(subject)


def diff_csv(subject: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import diff

    return diff.csv_text(subject, choices.lang, choices.csv_dialect)


# --- fit -------------------------------------------------------------------------------------

def fit_table(matrix: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import fit

    return lambda width: fit.table(matrix, choices.lang, width)


def fit_markdown(matrix: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import fit

    return fit.markdown(matrix, choices.lang, choices.template_dir)


def fit_csv(matrix: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import fit

    return fit.csv_text(matrix, choices.lang, choices.csv_dialect)


def fit_json(matrix: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import fit

    return fit.json_text(matrix)


# --- graph -----------------------------------------------------------------------------------

def graph_mermaid(ig: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import graph_export

    return graph_export.to_mermaid(ig, choices.lang)


def graph_dot(ig: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import graph_export

    return graph_export.to_dot(ig, choices.lang)


def graph_json(ig: Any, choices: Choices) -> Rendered:
    from bleu_assess.render import graph_export

    return graph_export.to_json(ig, choices.lang)
