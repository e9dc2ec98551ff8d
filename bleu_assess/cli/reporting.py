"""`bleu-assess report`: the readiness report."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from bleu_assess.cli import command
from bleu_assess.cli.assess import LANG_HELP, RULES_DIR_HELP, RULESET_HELP, as_of_option, load_and_assess
from bleu_assess.cli.inventory import PATH_HELP, Lang
from bleu_assess.cli.planning import (EFFORT_DAYS, GROUP_BY_FLOWS, MAX_WAVE_EFFORT, MAX_WAVE_SIZE, PILOT_SIZE,
                                      plan_options)


class ReportFormat(str, Enum):
    html = "html"
    markdown = "markdown"


class Audience(str, Enum):
    executive = "executive"
    technical = "technical"


@command("report")
def report(
    path: str = typer.Argument(..., help=PATH_HELP),
    format: Optional[ReportFormat] = typer.Option(None, "--format", "-f",
                                                  help="html or markdown (default: from the -o suffix, else html)."),
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
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    as_of: Optional[str] = as_of_option(),
) -> None:
    """Write the readiness report: one self-contained HTML file (or Markdown), in French or English."""
    from bleu_assess import api
    from bleu_assess.output import emit
    from bleu_assess.report import render

    fmt = format.value if format else ("markdown" if output and output.endswith((".md", ".markdown")) else "html")
    options = plan_options(max_wave_size, max_wave_effort, effort_days, group_by_flows, pilot_size)
    result, ig, _ = load_and_assess(path, ruleset, rules_dir, lang, as_of=as_of)
    planned = api.plan(result, ig, options)
    emit(render(result, planned, ig.inventory, fmt, audience.value, template_dir), output, [path])
