"""The options several commands share, declared once, and the one language rule.

Typer and the standard library only: every command module imports this one at start-up
(`bleu-assess --help` must stay light). Each `*_option()` returns a fresh `typer.Option`, so a
command declares `lang: Optional[Lang] = lang_option()` and gets the same name, flags and help
as every other command.

The language rule, for every command's output (messages, diagnostics, tables, files):
`--lang`, else the organisation's country (French for FR), else — for `diff` of results files —
the language the results were recorded in, else BLEU_ASSESS_LANG or the locale
(`render.i18n.default_language`). `language()` applies it and remembers the choice, so that an
error raised later in the command is worded in the same language.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from bleu_assess.cli.console import settings

if TYPE_CHECKING:
    from bleu_assess.plan.roadmap import RoadmapOptions
    from bleu_assess.plan.waves import PlanOptions


class Lang(StrEnum):
    fr = "fr"
    en = "en"


class CsvDialect(StrEnum):
    excel_fr = "excel-fr"
    excel = "excel"
    rfc4180 = "rfc4180"


PATH_HELP = "Inventory file (YAML or JSON) or directory of files merged."
OUTPUT_HELP = "Write to this file (atomically) instead of standard output."
LANG_HELP = ("Language of the output and messages: fr or en (default: from the organisation's country, "
             "else BLEU_ASSESS_LANG or the locale).")
RULESET_HELP = ("Ruleset version to use, ID@VERSION (or ID for its latest stable version); the other rulesets "
                "stay at their defaults (repeatable; default: latest stable of each).")
ONLY_HELP = "Apply only this ruleset, ID or ID@VERSION (repeatable): the others are left out."
RULES_DIR_HELP = "Directory of extra rulesets (<id>/<version>.yaml), added to the shipped ones."
AS_OF_HELP = ("Assessment date, YYYY-MM-DD: qualifications are judged on it (default: today, or the date of "
              "SOURCE_DATE_EPOCH). Recorded in the results.")
TEMPLATE_DIR_HELP = "Templates overriding the shipped ones."
CSV_DIALECT_HELP = ("CSV for: excel-fr (UTF-8 with BOM, ';', decimal comma), excel (BOM, ','), "
                    "rfc4180 (no BOM, ','). Default: excel-fr in French, else excel.")


def lang_option(help: str = LANG_HELP) -> Any:
    return typer.Option(None, "--lang", help=help)


def output_option(help: str = OUTPUT_HELP, required: bool = False) -> Any:
    return typer.Option(... if required else None, "-o", "--output", metavar="FILE", help=help)


def as_of_option(help: str = AS_OF_HELP) -> Any:
    return typer.Option(None, "--as-of", help=help, metavar="DATE")


def ruleset_option() -> Any:
    return typer.Option(None, "--ruleset", "-r", metavar="ID[@VERSION]", help=RULESET_HELP)


def only_ruleset_option() -> Any:
    return typer.Option(None, "--only-ruleset", metavar="ID[@VERSION]", help=ONLY_HELP)


def rules_dir_option() -> Any:
    return typer.Option(None, "--rules-dir", metavar="DIR", help=RULES_DIR_HELP)


def template_dir_option() -> Any:
    return typer.Option(None, "--template-dir", metavar="DIR", help=TEMPLATE_DIR_HELP)


def csv_dialect_option() -> Any:
    """Shared by every command that writes CSV (scan, plan, export findings, diff): render/tabular.py."""
    return typer.Option(None, "--csv-dialect", help=CSV_DIALECT_HELP)


def format_option(command: str, help: str = "Output format") -> Any:
    """`-f/--format` over `command`'s registered formats (cli/formats.py); not given, the
    format is the one the -o file's suffix names, else the command's default (formats.chosen)."""
    from bleu_assess.cli.formats import REGISTRY

    return typer.Option(None, "--format", "-f",
                        help=f"{help} (default: from the -o suffix, else {next(iter(REGISTRY[command]))}).")


def language(lang: Lang | None, country: str | None = None, recorded: str | None = None) -> str:
    """The language of a command's output: `lang` (--lang), else the organisation's `country`,
    else the `recorded` language of a results file, else the default (BLEU_ASSESS_LANG, locale).
    Returns "fr" or "en" and remembers it for the messages of errors raised afterwards."""
    from bleu_assess.render.i18n import LANGUAGES, default_language

    if lang is not None:
        chosen = lang.value
    elif country is None and recorded in LANGUAGES:
        chosen = str(recorded)
    else:
        chosen = default_language(country)
    settings.lang = chosen
    return chosen


def current_language() -> str:
    """The language the command settled on (`language()`), else the default."""
    from bleu_assess.render.i18n import default_language

    return settings.lang or default_language()


def as_of_day(value: str | None) -> Any:
    """--as-of as a `datetime.date`: `value` (YYYY-MM-DD), else the tool's one clock
    (SOURCE_DATE_EPOCH's day, else today, UTC: bleu_assess/clock.py). A malformed value is a
    usage error (exit 2), worded in the command's language."""
    import datetime

    from bleu_assess import clock
    from bleu_assess.errors import option_error

    try:
        return datetime.date.fromisoformat(value or clock.assessment_date())
    except ValueError:
        from bleu_assess.inventory.walker import no_such_day

        missing = no_such_day("--as-of", value or "")
        if missing:
            raise missing from None
        raise option_error("bad_as_of", value=value) from None


def import_language(lang: Lang | None, inventory: str | None = None, country: Any = None) -> str:
    """The language of an import, every importer alike (`language`): --lang, else the country of
    the organisation the import writes to: that of the `inventory` it adds to (read leniently,
    `api.country_of`), else the `country` its tables name, else the format's default (FR): the
    organisation an import creates is French unless it says otherwise."""
    from bleu_assess import api

    if inventory:
        country = api.country_of(inventory)
    return language(lang, country if isinstance(country, str) and country else api.DEFAULT_COUNTRY)


def error_language(arguments: dict[str, Any]) -> str:
    """The language of an error raised by a command called with `arguments`: its --lang, else
    the language it had settled on, else that of the organisation of the inventory it was given
    (read leniently: the inventory may be the invalid input), else the default."""
    from bleu_assess.render.i18n import default_language

    lang = arguments.get("lang")
    if isinstance(lang, Lang):
        return lang.value
    if settings.lang:
        return settings.lang
    inventory = arguments.get("path") or arguments.get("inventory")
    if isinstance(inventory, str):
        from bleu_assess import api

        return default_language(api.country_of(inventory))
    return default_language()


def plan_options(max_wave_size: int | None, max_wave_effort: float | None, effort_days: str | None,
                 group_by_flows: bool, pilot_size: int | None) -> PlanOptions:
    """The planning options of `plan` and `report`; a usage error for malformed --effort-days."""
    from bleu_assess.plan.waves import DEFAULT_EFFORT_DAYS, PlanOptions, parse_effort_days

    days = parse_effort_days(effort_days) if effort_days else dict(DEFAULT_EFFORT_DAYS)
    return PlanOptions(max_wave_size, max_wave_effort, pilot_size, days, group_by_flows)


# Planning options, shared by `plan` and `report` (a report's waves are the plan's).
MAX_WAVE_SIZE = typer.Option(None, "--max-wave-size", min=1, metavar="N", help="At most N applications per wave.")
MAX_WAVE_EFFORT = typer.Option(None, "--max-wave-effort", min=0.0, metavar="DAYS", help="At most DAYS person-days per wave.")
PILOT_SIZE = typer.Option(5, "--pilot-size", min=1, metavar="N", help="Applications in the first (pilot) wave, at most.")
EFFORT_DAYS = typer.Option(None, "--effort-days", metavar="SIZE=DAYS,...", help="Person-days per T-shirt size, e.g. XS=2,S=5,M=15,L=40,XL=80.")
GROUP_BY_FLOWS = typer.Option(False, "--group-by-flows", help="Move applications linked by flows together.")
START = typer.Option(None, "--start", metavar="DATE", help="Date the first wave may start (YYYY-MM-DD): dates every wave.")
CAPACITY = typer.Option(None, "--capacity",
                        metavar="DAYS[,DAYS...]", help="Person-days a week (default 10), or wave by wave: 20,40 (the last holds for later waves).")
FREEZE = typer.Option(None, "--freeze", metavar="FROM:TO", help="FROM:TO, a period without migration work (repeatable).")


def roadmap_options(start: str | None, capacity: str | None,
                    freeze: list[str] | None) -> RoadmapOptions | None:
    """Roadmap options from the command line; None without --start (--capacity and --freeze need it).
    Raises a UsageError naming the option and the value for a malformed --capacity, --freeze or
    --start, before saying that --capacity or --freeze need --start: a value given wrong is the
    first thing to fix, whatever else is missing."""
    import datetime

    from bleu_assess.errors import UsageError
    from bleu_assess.plan.roadmap import DEFAULT_CAPACITY, RoadmapOptions, parse_capacity, parse_freeze
    from bleu_assess.render.i18n import t

    tongue = current_language()
    weekly = parse_capacity(capacity) if capacity is not None else (DEFAULT_CAPACITY,)
    freezes = tuple(sorted(parse_freeze(f) for f in freeze or ()))
    if start is None:
        if capacity is not None or freeze:
            raise UsageError(t("usage.dates_need_start", tongue), hint="--start 2027-01-04")
        return None
    try:
        first = datetime.date.fromisoformat(start)
    except ValueError:
        from bleu_assess.inventory.walker import no_such_day

        missing = no_such_day("--start", start)
        if missing:
            raise missing from None
        raise UsageError(t("usage.bad_start", tongue, value=start), hint="--start 2027-01-04") from None
    return RoadmapOptions(first, weekly, freezes)


def dated_as_of(as_of: str | None, dated: RoadmapOptions | None) -> str | None:
    """The assessment date of a plan: `--as-of`, else for a dated plan the day its first wave may
    start (the qualifications and deadlines in force when the work begins: an offer whose
    qualification lapses before then is no landing zone), else None (the tool's clock)."""
    if as_of is None and dated is not None:
        return dated.start.isoformat()
    return as_of
