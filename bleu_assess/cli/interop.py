"""Interoperability commands: import, export, diff."""

from __future__ import annotations

import typer

from bleu_assess.cli import command, formats
from bleu_assess.cli.groups import export_app, import_app
from bleu_assess.cli.options import (
    PATH_HELP,
    CsvDialect,
    Lang,
    as_of_option,
    csv_dialect_option,
    format_option,
    lang_option,
    only_ruleset_option,
    output_option,
    rules_dir_option,
    ruleset_option,
)

DiffFormat = formats.choices("diff")
LANG_DIFF_HELP = ("Language of the output (default: from the organisation's country of the later side, else the "
                  "language its results were recorded in); inventories are assessed in it.")


def _import(files: list[str], mapping: str, output: str, lang: Lang | None, organisation: str | None,
            report: str | None = None, as_of: str | None = None) -> None:
    """Read tables through a mapping, write the inventory and the import report (all or nothing)."""
    from bleu_assess.cli import console, options
    from bleu_assess.intake import engine
    from bleu_assess.intake import mapping as mappings
    from bleu_assess.intake import report as reports
    from bleu_assess.inventory import schema
    from bleu_assess.output import check_target, write_atomic
    from bleu_assess.render.i18n import t

    check_target(output, files)
    if report:
        check_target(report, [*files, output])
    date = options.as_of_day(as_of).isoformat()
    # Until the tables name a country, the format's default (France): what goes wrong while
    # reading them is said in that language, as a validation of the inventory would be.
    options.import_language(lang)
    imported = engine.import_tables(files, mappings.load(mapping), organisation)
    source = imported.data.get("organisation")
    language = options.import_language(lang, country=source.get("country") if isinstance(source, dict) else None)
    text = reports.to_yaml(imported, output, language, date)
    write_atomic(output, text, files)
    schema.beside(output, text)
    if report:
        write_atomic(report, reports.markdown(imported, language), [*files, output])
        console.info(t("intake.report_written", language, path=report))
    else:
        console.notes(reports.terminal_lines(imported, language), style="yellow")
    console.info(reports.summary(imported, language))
    from bleu_assess.intake.template import counts

    console.info(t("interop.imported", language, path=output, **counts(imported.data)))


@command("table", parent=import_app)
def import_table(
    files: list[str] = typer.Argument(..., metavar="FILE", help="CSV files, workbooks (.xlsx, .ods, .xls) or directories of them."),
    mapping: str | None = typer.Option(None, "--mapping", "-m", metavar="FILE", help="A preset (konveyor, aws-cmf, servicenow, "
                                          "template) or a mapping file (YAML)."),
    output: str | None = typer.Option(None, "-o", "--output", metavar="FILE", help="Inventory to write (YAML); with "
                                         "--suggest-mapping, the mapping to write (default: standard output)."),
    report: str | None = typer.Option(None, "--report", metavar="FILE", help="Write the import report (Markdown) to this file "
                                         "instead of the terminal."),
    suggest_mapping: bool = typer.Option(False, "--suggest-mapping", help="Write a starting mapping from the "
                                         "tables' headers, and list the columns it could not place."),
    lang: Lang | None = lang_option("Language of the comments and the report."),
    organisation: str | None = typer.Option(None, "--organisation", metavar="NAME", help="Organisation name, if the source has none."),
    as_of: str | None = as_of_option("Date written in the inventory's top comment (YYYY-MM-DD; default "
                                        "SOURCE_DATE_EPOCH's day, else today)."),
) -> None:
    """Turn a client's spreadsheet or CSV export into an inventory, through a column mapping."""
    from bleu_assess.errors import UsageError

    if suggest_mapping:
        from bleu_assess.cli import console
        from bleu_assess.cli.options import import_language
        from bleu_assess.intake.suggest import suggest
        from bleu_assess.output import emit

        text, unplaced = suggest(files, import_language(lang))
        emit(text, output, files)
        console.notes(unplaced, style="yellow")
        return
    if not mapping or not output:
        from bleu_assess.cli.options import import_language
        from bleu_assess.render.i18n import t

        tongue = import_language(lang)
        raise UsageError(t("usage.import_needs_mapping", tongue), hint=t("usage.import_needs_mapping_hint", tongue))
    _import(files, mapping, output, lang, organisation, report, as_of)


@command("xlsx", parent=import_app)
def import_xlsx(
    file: str = typer.Argument(..., metavar="FILE", help="Workbook (.xlsx) made from `bleu-assess export template`."),
    output: str = output_option("Inventory to write (YAML).", required=True),
    lang: Lang | None = lang_option("Language of the comments and the report."),
    organisation: str | None = typer.Option(None, "--organisation", metavar="NAME", help="Organisation name, if no such sheet."),
    report: str | None = typer.Option(None, "--report", metavar="FILE", help="Write the import report (Markdown) here."),
) -> None:
    """`import table FILE --mapping template`: a filled template workbook to a YAML inventory."""
    _import([file], "template", output, lang, organisation, report)


@command("csv", parent=import_app)
def import_csv(
    path: str = typer.Argument(..., metavar="PATH", help="A directory of CSV files named after the sheets, or one CSV of applications."),
    output: str = output_option("Inventory to write (YAML).", required=True),
    lang: Lang | None = lang_option("Language of the comments and the report."),
    organisation: str | None = typer.Option(None, "--organisation", metavar="NAME", help="Organisation name, if no such file."),
    report: str | None = typer.Option(None, "--report", metavar="FILE", help="Write the import report (Markdown) here."),
) -> None:
    """`import table PATH --mapping template`: CSV files (one per sheet, or one of applications)."""
    _import([path], "template", output, lang, organisation, report)


@command("template", parent=export_app)
def export_template(
    output: str = output_option("Workbook to write (.xlsx).", required=True),
    lang: Lang | None = lang_option("Language of sheet names and headers (default: French, or BLEU_ASSESS_LANG)."),
) -> None:
    """Write the workbook template: one sheet per section, drop-down lists for every enumeration."""
    from bleu_assess.cli import console
    from bleu_assess.cli.options import language
    from bleu_assess.intake.template import export_template as build
    from bleu_assess.output import write_atomic
    from bleu_assess.render.i18n import t

    tongue = language(lang, "FR")  # the template is filled in by French organisations
    if not output.lower().endswith(".xlsx"):  # a workbook under another name opens as garbage
        from bleu_assess.errors import UsageError

        raise UsageError(t("interop.template_not_xlsx", tongue, path=output))
    write_atomic(output, build(output, tongue))
    console.info(t("interop.template_written", tongue, path=output))


@command("findings", parent=export_app)
def export_findings(
    path: str = typer.Argument(..., metavar="PATH", help=PATH_HELP),
    output: str = output_option("findings.xlsx or findings.csv", required=True),
    lang: Lang | None = lang_option(),
    ruleset: list[str] | None = ruleset_option(),
    only_ruleset: list[str] | None = only_ruleset_option(),
    rules_dir: str | None = rules_dir_option(),
    csv_dialect: CsvDialect | None = csv_dialect_option(),
    as_of: str | None = as_of_option(),
) -> None:
    """One row per finding (item, owner, rule, severity, message, remediation, references)."""
    from bleu_assess.cli import console
    from bleu_assess.output import check_target
    from bleu_assess.render.i18n import t
    from bleu_assess.render.outputs import Choices

    check_target(output, [path])
    result = console.load_and_assess(path, lang, ruleset, rules_dir, only_ruleset, as_of).result
    formats.deliver("export findings", formats.from_suffix("export findings", output, "csv"), result,
                    Choices(result.lang, csv_dialect=csv_dialect and csv_dialect.value, source=path), output, [path])
    count = sum(len(i.findings) for i in result.items)
    console.info(t("interop.findings_written", result.lang, count=count, path=output))


@command("diff")
def diff(
    old: str = typer.Argument(..., metavar="OLD", help="Earlier results (scan --format json) or inventory."),
    new: str = typer.Argument(..., metavar="NEW", help="Later results or inventory."),
    format: DiffFormat | None = format_option("diff"),  # type: ignore[valid-type]
    output: str | None = output_option(),
    lang: Lang | None = lang_option(LANG_DIFF_HELP),
    csv_dialect: CsvDialect | None = csv_dialect_option(),
) -> None:
    """What changed between two assessments: items, verdicts, findings resolved and new."""
    from bleu_assess.cli.options import language
    from bleu_assess.render import diff as differ
    from bleu_assess.render.outputs import Choices

    earlier, later = differ.read_side(old), differ.read_side(new)
    tongue = language(lang, later.country, later.lang)
    result = differ.compare(earlier.results(tongue), later.results(tongue), old, new, tongue)
    formats.deliver("diff", formats.chosen("diff", format, output), result,
                    Choices(tongue, csv_dialect=csv_dialect and csv_dialect.value), output, [old, new])
