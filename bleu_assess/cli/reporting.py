"""`bleu-assess report`: the readiness report."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from bleu_assess.cli import command
from bleu_assess.cli.assess import LANG_HELP, RULES_DIR_HELP, RULESET_HELP, load_and_assess
from bleu_assess.cli.inventory import PATH_HELP, Lang


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
    max_wave_size: Optional[int] = typer.Option(None, "--max-wave-size", min=1, help="At most N applications per wave."),
    max_wave_effort: Optional[float] = typer.Option(None, "--max-wave-effort", min=0.0, help="At most DAYS per wave."),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
) -> None:
    """Write the readiness report: one self-contained HTML file (or Markdown), in French or English."""
    from bleu_assess import api
    from bleu_assess.cli.planning import plan_options
    from bleu_assess.output import emit
    from bleu_assess.report import render

    fmt = format.value if format else ("markdown" if output and output.endswith((".md", ".markdown")) else "html")
    options = plan_options(max_wave_size, max_wave_effort, None, False, 5)
    result, ig, _ = load_and_assess(path, ruleset, rules_dir, lang)
    planned = api.plan(result, ig, options)
    emit(render(result, planned, ig.inventory, fmt, audience.value, template_dir), output, [path])
