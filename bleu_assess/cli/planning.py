"""`bleu-assess plan`: migration waves."""

from __future__ import annotations

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
    CsvDialect,
    Lang,
    as_of_option,
    csv_dialect_option,
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

PlanFormat = formats.choices("plan")


@command("plan")
def plan(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    format: PlanFormat | None = format_option("plan"),  # type: ignore[valid-type]
    output: str | None = output_option(),
    max_wave_size: int | None = MAX_WAVE_SIZE,
    max_wave_effort: float | None = MAX_WAVE_EFFORT,
    pilot_size: int = PILOT_SIZE,
    effort_days: str | None = EFFORT_DAYS,
    group_by_flows: bool = GROUP_BY_FLOWS,
    start: str | None = START,
    capacity: str | None = CAPACITY,
    freeze: list[str] | None = FREEZE,
    lang: Lang | None = lang_option(),
    template_dir: str | None = template_dir_option(),
    ruleset: list[str] | None = ruleset_option(),
    only_ruleset: list[str] | None = only_ruleset_option(),
    rules_dir: str | None = rules_dir_option(),
    csv_dialect: CsvDialect | None = csv_dialect_option(),
    as_of: str | None = as_of_option(),
) -> None:
    """Plan migration waves: move groups, dependency order, pilot, held and staying applications."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.render.outputs import Choices

    fmt = formats.chosen("plan", format, output)
    language(lang, api.country_of(path))  # the options' mistakes are said in the organisation's language
    options = plan_options(max_wave_size, max_wave_effort, effort_days, group_by_flows, pilot_size)
    dated = roadmap_options(start, capacity, freeze)
    as_of = dated_as_of(as_of, dated)
    done = console.load_and_assess(path, lang, ruleset, rules_dir, only_ruleset, as_of, machine_output=fmt == "json")
    planned = api.plan(done.result, done.ig, options, dated)
    console.keep(done, planned)
    formats.deliver("plan", fmt, (planned, done.ig.inventory),
                    Choices(done.result.lang, template_dir, csv_dialect and csv_dialect.value, path), output, [path])
