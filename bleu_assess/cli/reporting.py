"""`bleu-assess report`: the readiness report."""

from __future__ import annotations

from enum import StrEnum

import typer

from bleu_assess.cli import command, formats
from bleu_assess.cli.options import (
    CAPACITY,
    EFFORT_DAYS,
    FREEZE,
    GROUP_BY_FLOWS,
    MAX_WAVE_EFFORT,
    MAX_WAVE_SIZE,
    PATH_HELP,
    PILOT_SIZE,
    START,
    Lang,
    as_of_option,
    dated_as_of,
    format_option,
    lang_option,
    only_ruleset_option,
    output_option,
    plan_options,
    roadmap_options,
    rules_dir_option,
    ruleset_option,
    template_dir_option,
)

# The fit matrix costs one assessment per candidate offer, and a matrix of more rows is read in
# `bleu-assess fit -f csv`, not in a report.
FIT_MAX_APPLICATIONS = 1000


ReportFormat = formats.choices("report")


class Audience(StrEnum):
    executive = "executive"
    technical = "technical"


@command("report")
def report(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    format: ReportFormat | None = format_option("report", "html, markdown or docx"),  # type: ignore[valid-type]
    output: str | None = output_option(),
    lang: Lang | None = lang_option(),
    audience: Audience = typer.Option(Audience.technical, "--audience",
                                      help="executive: summary, charts and waves; technical: everything."),
    template_dir: str | None = template_dir_option(),
    max_wave_size: int | None = MAX_WAVE_SIZE,
    max_wave_effort: float | None = MAX_WAVE_EFFORT,
    pilot_size: int = PILOT_SIZE,
    effort_days: str | None = EFFORT_DAYS,
    group_by_flows: bool = GROUP_BY_FLOWS,
    start: str | None = START,
    capacity: str | None = CAPACITY,
    freeze: list[str] | None = FREEZE,
    ruleset: list[str] | None = ruleset_option(),
    only_ruleset: list[str] | None = only_ruleset_option(),
    rules_dir: str | None = rules_dir_option(),
    fit: bool | None = typer.Option(None, "--fit/--no-fit", help="Include the fit matrix of applications against "
                                       f"the inventory's platforms (default: up to {FIT_MAX_APPLICATIONS} applications)."),
    as_of: str | None = as_of_option(),
) -> None:
    """Write the readiness report: one self-contained HTML file (or Markdown, or an editable Word
    note), in French or English."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.render.outputs import Choices, Report

    fmt = formats.chosen("report", format, output)
    language(lang, api.country_of(path))  # the options' mistakes are said in the organisation's language
    options = plan_options(max_wave_size, max_wave_effort, effort_days, group_by_flows, pilot_size)
    dated = roadmap_options(start, capacity, freeze)
    as_of = dated_as_of(as_of, dated)
    done = console.load_and_assess(path, lang, ruleset, rules_dir, only_ruleset, as_of)
    result, inventory = done.result, done.ig.inventory
    planned = api.plan(result, done.ig, options, dated)
    matrix = None
    # By default in the technical report only (the executive one holds on three pages), up to a
    # size; never in the Word note.
    if fmt != "docx" and inventory.platforms and (fit or (fit is None and audience is Audience.technical
                                                          and len(inventory.applications) <= FIT_MAX_APPLICATIONS)):
        import datetime as dt

        from bleu_assess.assess.fit import fit as fitting

        matrix = fitting(inventory, done.rulesets, result.lang, day=dt.date.fromisoformat(result.as_of),
                         targets={i.id: i.target for i in result.items if i.kind == "application"},
                         undecided={i.id for i in result.items if i.kind == "application" and "target" in i.undecided})
    console.keep(done, planned, matrix)
    formats.deliver("report", fmt, Report(result, planned, inventory, matrix),
                    Choices(result.lang, template_dir, source=path, audience=audience.value), output, [path])
