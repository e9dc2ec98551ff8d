"""Interoperability commands: import, export, diff."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from bleu_assess.cli import app, command
from bleu_assess.cli.assess import (CSV_DIALECT, LANG_HELP, ONLY_HELP, RULES_DIR_HELP, RULESET_HELP, CsvDialect,
                                    as_of_option, load_and_assess)
from bleu_assess.cli.inventory import PATH_HELP, Lang

import_app = typer.Typer(help="Import inventories from spreadsheets and discovery tools.", no_args_is_help=True)
export_app = typer.Typer(help="Export the workbook template or the findings.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


class DiffFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


def _lang(lang: Optional[Lang]) -> str:
    from bleu_assess.render.i18n import default_language

    return lang.value if lang else default_language()


def _import(files: List[str], mapping: str, output: str, lang: Optional[Lang], organisation: Optional[str],
            report: Optional[str] = None, as_of: Optional[str] = None) -> None:
    """Read tables through a mapping, write the inventory and the import report (all or nothing)."""
    from bleu_assess.cli import console
    from bleu_assess.errors import UsageError
    from bleu_assess.render.i18n import t
    from bleu_assess.intake import engine
    from bleu_assess.intake import mapping as mappings
    from bleu_assess.intake import report as reports
    from bleu_assess.output import check_target, write_atomic

    language = _lang(lang)
    check_target(output, files)
    if report:
        check_target(report, [*files, output])
    try:
        date = reports.import_date(as_of)
    except ValueError:
        raise UsageError(f"--as-of {as_of}: expected a date YYYY-MM-DD") from None
    imported = engine.import_tables(files, mappings.load(mapping), organisation)
    text = reports.to_yaml(imported, output, language, date)
    write_atomic(output, text, files)
    if report:
        write_atomic(report, reports.markdown(imported, language), [*files, output])
        console.info(t("intake.report_written", language, path=report))
    else:
        for line in reports.terminal_lines(imported, language):
            console.err().print(line, style="yellow")
    console.info(reports.summary(imported, language))
    from bleu_assess.intake.template import counts

    console.info(t("interop.imported", language, path=output, **counts(imported.data)))


@command("table", parent=import_app)
def import_table(
    files: List[str] = typer.Argument(..., help="CSV files, workbooks (.xlsx, .ods, .xls) or directories of them."),
    mapping: Optional[str] = typer.Option(None, "--mapping", "-m", help="A preset (konveyor, aws-cmf, servicenow, "
                                          "template) or a mapping file (YAML)."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Inventory to write (YAML); with "
                                         "--suggest-mapping, the mapping to write (default: standard output)."),
    report: Optional[str] = typer.Option(None, "--report", help="Write the import report (Markdown) to this file "
                                         "instead of the terminal."),
    suggest_mapping: bool = typer.Option(False, "--suggest-mapping", help="Write a starting mapping from the "
                                         "tables' headers, and list the columns it could not place."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the comments and the report."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Organisation name, if the source has none."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date written in the inventory's top comment "
                                        "(YYYY-MM-DD; default SOURCE_DATE_EPOCH, else today)."),
) -> None:
    """Turn a client's spreadsheet or CSV export into an inventory, through a column mapping."""
    from bleu_assess.errors import UsageError

    if suggest_mapping:
        from bleu_assess.cli import console
        from bleu_assess.intake.suggest import suggest
        from bleu_assess.output import emit

        text, unplaced = suggest(files, _lang(lang))
        emit(text, output, files)
        for line in unplaced:
            console.err().print(line, style="yellow")
        return
    if not mapping or not output:
        raise UsageError("import table needs --mapping NAME|FILE and -o INVENTORY.yaml",
                         hint="or --suggest-mapping -o mapping.yaml to write a starting mapping")
    _import(files, mapping, output, lang, organisation, report, as_of)


@command("xlsx", parent=import_app)
def import_xlsx(
    file: str = typer.Argument(..., help="Workbook (.xlsx) made from `bleu-assess export template`."),
    output: str = typer.Option(..., "-o", "--output", help="Inventory to write (YAML)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the comments written."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Organisation name, if no such sheet."),
    report: Optional[str] = typer.Option(None, "--report", help="Write the import report (Markdown) here."),
) -> None:
    """`import table FILE --mapping template`: a filled template workbook to a YAML inventory."""
    _import([file], "template", output, lang, organisation, report)


@command("csv", parent=import_app)
def import_csv(
    path: str = typer.Argument(..., help="A directory of CSV files named after the sheets, or one CSV of applications."),
    output: str = typer.Option(..., "-o", "--output", help="Inventory to write (YAML)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the comments written."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Organisation name, if no such file."),
    report: Optional[str] = typer.Option(None, "--report", help="Write the import report (Markdown) here."),
) -> None:
    """`import table PATH --mapping template`: CSV files (one per sheet, or one of applications)."""
    _import([path], "template", output, lang, organisation, report)


@command("template", parent=export_app)
def export_template(
    output: str = typer.Option(..., "-o", "--output", help="Workbook to write (.xlsx)."),
    lang: Lang = typer.Option(Lang.fr, "--lang", help="Language of sheet names and headers."),
) -> None:
    """Write the workbook template: one sheet per section, drop-down lists for every enumeration."""
    from bleu_assess.cli import console
    from bleu_assess.render.i18n import t
    from bleu_assess.intake.template import export_template as build
    from bleu_assess.output import write_atomic

    write_atomic(output, build(output, lang.value))
    console.info(t("interop.template_written", lang.value, path=output))


@command("findings", parent=export_app)
def export_findings(
    path: str = typer.Argument(..., help=PATH_HELP),
    output: str = typer.Option(..., "-o", "--output", help="findings.xlsx or findings.csv"),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    only_ruleset: Optional[List[str]] = typer.Option(None, "--only-ruleset", help=ONLY_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    csv_dialect: Optional[CsvDialect] = CSV_DIALECT,
    as_of: Optional[str] = as_of_option(),
) -> None:
    """One row per finding (item, owner, rule, severity, message, remediation, references)."""
    from bleu_assess.cli import console
    from bleu_assess.render.i18n import t
    from bleu_assess.render.findings import to_csv, to_xlsx
    from bleu_assess.output import check_target, write_atomic

    check_target(output, [path])
    result, _, _ = load_and_assess(path, ruleset, rules_dir, lang, only=only_ruleset, as_of=as_of)
    content = to_xlsx(result) if Path(output).suffix.lower() == ".xlsx" else to_csv(
        result, csv_dialect and csv_dialect.value)
    write_atomic(output, content, [path])
    count = sum(len(i.findings) for i in result.items)
    console.info(t("interop.findings_written", result.lang, count=count, path=output))


@command("diff")
def diff(
    old: str = typer.Argument(..., help="Earlier results (scan --format json) or inventory."),
    new: str = typer.Argument(..., help="Later results or inventory."),
    format: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f", help="Output format."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Write to this file (atomically)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language (inventories are assessed in it)."),
    csv_dialect: Optional[CsvDialect] = CSV_DIALECT,
) -> None:
    """What changed between two assessments: items, verdicts, findings resolved and new."""
    from bleu_assess.cli import console
    from bleu_assess.render import diff as differ
    from bleu_assess.output import emit

    language = _lang(lang)
    result = differ.compare(differ.load_results(old, language), differ.load_results(new, language), old, new)
    if format is DiffFormat.table and not output:
        console.show_table(lambda width: differ.table(result, language, width), None, [])
        return
    render = {DiffFormat.json: lambda: differ.json_text(result),
              DiffFormat.csv: lambda: differ.csv_text(result, language, csv_dialect and csv_dialect.value)}
    emit(render.get(format, lambda: differ.markdown(result, language))(), output, [old, new])
