"""Assessment commands: scan, explain, rules."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from bleu_assess.cli import app, command
from bleu_assess.cli.inventory import OUTPUT_HELP, PATH_HELP, Lang


class ScanFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"
    sarif = "sarif"
    junit = "junit"


class FailOn(str, Enum):
    blocker = "blocker"
    high = "high"
    medium = "medium"
    low = "low"


class CsvDialect(str, Enum):
    excel_fr = "excel-fr"
    excel = "excel"
    rfc4180 = "rfc4180"


# Shared by every command that writes CSV (scan, plan, export findings, diff): bleu_assess.render.tabular.
CSV_DIALECT = typer.Option(None, "--csv-dialect",
                           help="CSV for: excel-fr (UTF-8 with BOM, ';', decimal comma), excel (BOM, ','), "
                                "rfc4180 (no BOM, ','). Default: excel-fr in French, else excel.")

RULESET_HELP = ("Ruleset version to use, ID@VERSION (or ID for its latest stable version); the other rulesets "
                "stay at their defaults (repeatable; default: latest stable of each).")
ONLY_HELP = "Apply only this ruleset, ID or ID@VERSION (repeatable): the others are left out."
RULES_DIR_HELP = "Directory of extra rulesets (<id>/<version>.yaml), added to the shipped ones."
LANG_HELP = "Language of messages (default: from the organisation's country)."
AS_OF_HELP = ("Assessment date, YYYY-MM-DD: qualifications are judged on it (default: today, or the date of "
              "SOURCE_DATE_EPOCH). Recorded in the results.")


def as_of_option() -> Optional[str]:
    return typer.Option(None, "--as-of", help=AS_OF_HELP, metavar="DATE")  # type: ignore[no-any-return]

rules_app = typer.Typer(help="List, show and compare rulesets.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def load_and_assess(path: str, ruleset: Optional[List[str]], rules_dir: Optional[str], lang: Optional[Lang],
                    machine_output: bool = False, only: Optional[List[str]] = None,
                    as_of: Optional[str] = None):  # type: ignore[no-untyped-def]
    """Shared by every command that assesses an inventory: warnings to stderr, then verdicts,
    with a progress bar on a terminal for large inventories."""
    from bleu_assess import api
    from bleu_assess.cli import console
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import default_language, t
    from bleu_assess.inventory.validate import parse_date

    if as_of is not None and parse_date(as_of) is None:
        raise UsageError(t("cli.bad_as_of", default_language(), value=as_of))

    with console.progress(console.progress_wanted(path, machine_output)) as stage:
        loaded_stage = stage(t("cli.progress_load", default_language()), 1)
        # The catalogue's qualifications are judged on the assessment date too.
        loaded = api.load(path, console.settings.catalogue, parse_date(as_of) if as_of else None)
        loaded_stage(1)
        inventory = loaded.inventory
        language = lang.value if lang else default_language(inventory.organisation.country)
        selected = api.select_rulesets(ruleset or None, rules_dir, only or None)
        ig = api.graph(inventory)
        advance = stage(t("cli.progress_assess", language), len(inventory.applications) + len(inventory.datasets))
        result = api.assess(inventory, selected, language, ig, advance, as_of)
    console.diagnostics(loaded.warnings, language, limit=10)
    return result, ig, selected


@command("scan")
def scan(
    path: str = typer.Argument(..., help=PATH_HELP),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    only_ruleset: Optional[List[str]] = typer.Option(None, "--only-ruleset", help=ONLY_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    format: ScanFormat = typer.Option(ScanFormat.table, "--format", "-f", help="Output format."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help=OUTPUT_HELP),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="Exit 1 when a finding reaches this severity."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    template_dir: Optional[str] = typer.Option(None, "--template-dir", help="Templates overriding the shipped ones."),
    csv_dialect: Optional[CsvDialect] = CSV_DIALECT,
    as_of: Optional[str] = as_of_option(),
    every: bool = typer.Option(False, "--all", help="Table: every item, even in a large estate (by default, "
                               "above 100 items, the summary and the 30 items that matter most)."),
) -> None:
    """Assess every application and dataset: readiness, SecNumCloud scope, residency, exposure, target."""
    from bleu_assess.cli import console
    from bleu_assess.render import scan as scan_render
    from bleu_assess.render.i18n import t
    from bleu_assess.output import emit

    result, _, selected = load_and_assess(path, ruleset, rules_dir, lang, machine_output=format is not ScanFormat.table,
                                          only=only_ruleset, as_of=as_of)
    if format is ScanFormat.table:
        console.show_table(lambda width: scan_render.table(result, width, every), output, [path])
    elif format is ScanFormat.sarif:
        from bleu_assess.render import ci

        text, summarised = ci.sarif_log(result, path, selected)
        emit(text, output, [path])
        if summarised:
            console.err().print(t("scan.sarif_summarised", result.lang, count=summarised, limit=ci.MAX_RESULTS),
                                style="yellow")
    else:
        from bleu_assess.render import ci

        render = {ScanFormat.json: scan_render.json_text, ScanFormat.csv: lambda r: scan_render.csv_text(r, csv_dialect and csv_dialect.value),
                  ScanFormat.markdown: lambda r: scan_render.markdown(r, template_dir),
                  ScanFormat.junit: lambda r: ci.junit(r, path, fail_on.value if fail_on else "high")}[format]
        emit(render(result), output, [path])
    if fail_on is not None:
        count = scan_render.worst_severity_at_least(result, fail_on.value)
        if count:
            console.err().print(t("scan.fail_on_reached", result.lang, level=fail_on.value, count=count),
                                style="bold red")
            raise typer.Exit(1)


@command("explain")
def explain(
    path: str = typer.Argument(..., help=PATH_HELP),
    item: str = typer.Argument(..., help="Application or dataset id."),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    only_ruleset: Optional[List[str]] = typer.Option(None, "--only-ruleset", help=ONLY_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    as_of: Optional[str] = as_of_option(),
) -> None:
    """Explain one item: its facts, every finding with the condition that matched, its exposure paths."""
    from bleu_assess.cli import console
    from bleu_assess.assess import explain as explainer
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import t
    from bleu_assess.inventory.validate import suggest

    result, ig, selected = load_and_assess(path, ruleset, rules_dir, lang, only=only_ruleset, as_of=as_of)
    verdict = result.item(item)
    if verdict is None:
        raise UsageError(t("scan.unknown_item", result.lang, item=item, path=path)
                         + suggest(item, [i.id for i in result.items], result.lang))
    console.out().print(explainer.render(verdict, ig, selected, result.lang, result.as_of))


@command("list", parent=rules_app)
def rules_list(
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of titles."),
) -> None:
    """List the rulesets and their rules."""
    from bleu_assess.cli import console
    from bleu_assess.render import rules as rules_render

    terminal = console.out()
    terminal.print(rules_render.listing(rules_dir, lang.value, terminal.size.width))


@command("show", parent=rules_app)
def rules_show(
    rule_id: str = typer.Argument(..., help="Rule id, e.g. SNC-SCOPE-001."),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language."),
) -> None:
    """Show one rule: condition, effects, messages, references with their URLs."""
    from bleu_assess.cli import console
    from bleu_assess.render import rules as rules_render

    console.out().print(rules_render.show(rule_id, ruleset or None, rules_dir, lang.value))


@command("diff", parent=rules_app)
def rules_diff(
    old: str = typer.Argument(..., help="ID@VERSION, e.g. secnumcloud@1.0."),
    new: str = typer.Argument(..., help="ID@VERSION, e.g. secnumcloud@1.1."),
    inventory: Optional[str] = typer.Option(None, "--inventory", help="Also list the items whose verdicts change."),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language."),
) -> None:
    """Compare two ruleset versions: rules added, removed, changed; with --inventory, verdict changes."""
    from bleu_assess.cli import console
    from bleu_assess.render import rules as rules_render

    console.out().print(rules_render.diff(old, new, inventory, rules_dir, lang.value))


@command("schema", parent=rules_app)
def rules_schema(output: Optional[str] = typer.Option(None, "-o", "--output", help=OUTPUT_HELP)) -> None:
    """Print the JSON Schema of ruleset files."""
    import json

    from bleu_assess.output import emit
    from bleu_assess.rules.load import schema

    emit(json.dumps(schema(), ensure_ascii=False, indent=2) + "\n", output)
