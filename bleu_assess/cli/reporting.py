"""`bleu-assess report`: the readiness report."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from bleu_assess.cli import command
from bleu_assess.cli.assess import LANG_HELP, ONLY_HELP, RULES_DIR_HELP, RULESET_HELP, as_of_option, load_and_assess
from bleu_assess.cli.inventory import PATH_HELP, Lang
from bleu_assess.cli.planning import (CAPACITY, EFFORT_DAYS, FREEZE, GROUP_BY_FLOWS, MAX_WAVE_EFFORT, MAX_WAVE_SIZE,
                                      PILOT_SIZE, START, plan_options, roadmap_options)


# The fit matrix costs one assessment per candidate offer, and a matrix of more rows is read in
# `bleu-assess fit -f csv`, not in a report.
FIT_MAX_APPLICATIONS = 1000


class ReportFormat(str, Enum):
    html = "html"
    markdown = "markdown"
    docx = "docx"


class Audience(str, Enum):
    executive = "executive"
    technical = "technical"


@command("report")
def report(
    path: str = typer.Argument(..., help=PATH_HELP),
    format: Optional[ReportFormat] = typer.Option(None, "--format", "-f",
                                                  help="html, markdown or docx (default: from the -o suffix, else html)."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Write to this file (atomically)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    audience: Audience = typer.Option(Audience.technical, "--audience",
                                      help="executive: summary, charts and waves; technical: everything."),
    template_dir: Optional[str] = typer.Option(None, "--template-dir", help="Templates overriding the shipped ones."),
    max_wave_size: Optional[int] = MAX_WAVE_SIZE,
    max_wave_effort: Optional[float] = MAX_WAVE_EFFORT,
    pilot_size: int = PILOT_SIZE,
    effort_days: Optional[str] = EFFORT_DAYS,
    group_by_flows: bool = GROUP_BY_FLOWS,
    start: Optional[str] = START,
    capacity: Optional[str] = CAPACITY,
    freeze: Optional[List[str]] = FREEZE,
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    only_ruleset: Optional[List[str]] = typer.Option(None, "--only-ruleset", help=ONLY_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    fit: Optional[bool] = typer.Option(None, "--fit/--no-fit", help="Include the fit matrix of applications against "
                                       f"the inventory's platforms (default: up to {FIT_MAX_APPLICATIONS} applications)."),
    as_of: Optional[str] = as_of_option(),
) -> None:
    """Write the readiness report: one self-contained HTML file (or Markdown, or an editable Word
    note), in French or English."""
    from bleu_assess import api
    from bleu_assess.output import emit
    from bleu_assess.render.report import stream

    suffixes = {".md": "markdown", ".markdown": "markdown", ".docx": "docx"}
    fmt = format.value if format else next((f for s, f in suffixes.items() if output and output.endswith(s)), "html")
    options = plan_options(max_wave_size, max_wave_effort, effort_days, group_by_flows, pilot_size)
    dated = roadmap_options(start, capacity, freeze)
    result, ig, _ = load_and_assess(path, ruleset, rules_dir, lang, only=only_ruleset, as_of=as_of)
    planned = api.plan(result, ig, options, dated)
    inventory = ig.inventory
    if fmt == "docx":
        from bleu_assess.render import docx as report_docx

        emit(report_docx.render(result, planned, inventory, template_dir), output, [path])
        return
    matrix = None
    # By default in the technical report only (the executive one holds on three pages), up to a size.
    if inventory.platforms and (fit or (fit is None and audience is Audience.technical
                                        and len(inventory.applications) <= FIT_MAX_APPLICATIONS)):
        import datetime as dt

        from bleu_assess.assess.fit import fit as fitting

        matrix = fitting(inventory, api.select_rulesets(ruleset or None, rules_dir, only_ruleset or None), result.lang,
                         day=dt.date.fromisoformat(result.as_of))
    emit(stream(result, planned, inventory, fmt, audience.value, template_dir, matrix), output, [path])
