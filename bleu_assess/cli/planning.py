"""`bleu-assess plan`: migration waves."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from bleu_assess.cli import command
from bleu_assess.cli.assess import (CSV_DIALECT, LANG_HELP, ONLY_HELP, RULES_DIR_HELP, RULESET_HELP, CsvDialect,
                                    as_of_option, load_and_assess)
from bleu_assess.cli.inventory import OUTPUT_HELP, PATH_HELP, Lang


class PlanFormat(str, Enum):
    markdown = "markdown"
    json = "json"
    csv = "csv"
    table = "table"


def plan_options(max_wave_size: Optional[int], max_wave_effort: Optional[float], effort_days: Optional[str],
                 group_by_flows: bool, pilot_size: Optional[int]):  # type: ignore[no-untyped-def]
    from bleu_assess.errors import UsageError
    from bleu_assess.plan.waves import DEFAULT_EFFORT_DAYS, PlanOptions, parse_effort_days

    try:
        days = parse_effort_days(effort_days) if effort_days else dict(DEFAULT_EFFORT_DAYS)
    except ValueError as exc:
        raise UsageError(f"--effort-days: {exc}", hint="for example --effort-days XS=1,S=3,M=10,L=30,XL=60") from None
    return PlanOptions(max_wave_size, max_wave_effort, pilot_size, days, group_by_flows)


# Planning options, shared by `plan` and `report` (a report's waves are the plan's).
MAX_WAVE_SIZE = typer.Option(None, "--max-wave-size", min=1, help="At most N applications per wave.")
MAX_WAVE_EFFORT = typer.Option(None, "--max-wave-effort", min=0.0, help="At most DAYS person-days per wave.")
PILOT_SIZE = typer.Option(5, "--pilot-size", min=1, help="Applications in the first (pilot) wave, at most.")
EFFORT_DAYS = typer.Option(None, "--effort-days", help="Person-days per T-shirt size, e.g. XS=2,S=5,M=15,L=40,XL=80.")
GROUP_BY_FLOWS = typer.Option(False, "--group-by-flows", help="Move applications linked by flows together.")
START = typer.Option(None, "--start", help="Date the first wave may start (YYYY-MM-DD): dates every wave.")
CAPACITY = typer.Option(None, "--capacity",
                        help="Person-days a week (default 10), or wave by wave: 20,40 (the last holds for later waves).")
FREEZE = typer.Option(None, "--freeze", help="FROM:TO, a period without migration work (repeatable).")


def roadmap_options(start: Optional[str], capacity: Optional[str], freeze: Optional[List[str]]):  # type: ignore[no-untyped-def]
    """Roadmap options from the command line; None without --start (--capacity and --freeze need it)."""
    import datetime

    from bleu_assess.errors import UsageError
    from bleu_assess.plan.roadmap import DEFAULT_CAPACITY, RoadmapOptions, parse_capacity, parse_freeze

    if start is None:
        if capacity or freeze:
            raise UsageError("--capacity and --freeze date the waves: give --start too", hint="--start 2027-01-04")
        return None
    try:
        first = datetime.date.fromisoformat(start)
    except ValueError:
        raise UsageError(f"--start: '{start}' is not a date", hint="--start 2027-01-04") from None
    try:
        weekly = parse_capacity(capacity) if capacity else (DEFAULT_CAPACITY,)
        freezes = tuple(sorted(parse_freeze(f) for f in freeze or ()))
    except ValueError as exc:
        raise UsageError(f"--capacity/--freeze: {exc}", hint="--capacity 40 --freeze 2027-07-14:2027-08-31") from None
    return RoadmapOptions(first, weekly, freezes)


@command("plan")
def plan(
    path: str = typer.Argument(..., help=PATH_HELP),
    format: PlanFormat = typer.Option(PlanFormat.markdown, "--format", "-f", help="Output format."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help=OUTPUT_HELP),
    max_wave_size: Optional[int] = MAX_WAVE_SIZE,
    max_wave_effort: Optional[float] = MAX_WAVE_EFFORT,
    pilot_size: int = PILOT_SIZE,
    effort_days: Optional[str] = EFFORT_DAYS,
    group_by_flows: bool = GROUP_BY_FLOWS,
    start: Optional[str] = START,
    capacity: Optional[str] = CAPACITY,
    freeze: Optional[List[str]] = FREEZE,
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    template_dir: Optional[str] = typer.Option(None, "--template-dir", help="Templates overriding the shipped ones."),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    only_ruleset: Optional[List[str]] = typer.Option(None, "--only-ruleset", help=ONLY_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    csv_dialect: Optional[CsvDialect] = CSV_DIALECT,
    as_of: Optional[str] = as_of_option(),
) -> None:
    """Plan migration waves: move groups, dependency order, pilot, held and staying applications."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.render import plan as plan_render
    from bleu_assess.output import emit

    options = plan_options(max_wave_size, max_wave_effort, effort_days, group_by_flows, pilot_size)
    dated = roadmap_options(start, capacity, freeze)
    result, ig, _ = load_and_assess(path, ruleset, rules_dir, lang, machine_output=format is PlanFormat.json,
                                   only=only_ruleset, as_of=as_of)
    planned = api.plan(result, ig, options, dated)
    if format is PlanFormat.table:
        console.show_table(lambda width: plan_render.table(planned, ig.inventory, width), output, [path])
        return
    render = {PlanFormat.json: plan_render.json_text, PlanFormat.markdown: plan_render.markdown,
              PlanFormat.csv: lambda plan, inventory, _templates: plan_render.csv_text(
                  plan, inventory, csv_dialect and csv_dialect.value)}[format]
    emit(render(planned, ig.inventory, template_dir), output, [path])
