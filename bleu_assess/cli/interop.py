"""Interoperability commands: import, export, diff."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from bleu_assess.cli import app, command
from bleu_assess.cli.assess import LANG_HELP, RULES_DIR_HELP, RULESET_HELP, as_of_option, load_and_assess
from bleu_assess.cli.inventory import PATH_HELP, Lang

import_app = typer.Typer(help="Import inventories from spreadsheets and discovery tools.", no_args_is_help=True)
export_app = typer.Typer(help="Export the workbook template or the findings.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


class DiffFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _lang(lang: Optional[Lang]) -> str:
    from bleu_assess.i18n import default_language

    return lang.value if lang else default_language()


def _spreadsheet(kind: str, file: str, output: str, lang: Optional[Lang], organisation: Optional[str]) -> None:
    from bleu_assess import console
    from bleu_assess.i18n import t
    from bleu_assess.interop.workbook import counts, import_spreadsheet
    from bleu_assess.output import write_atomic

    language = _lang(lang)
    text, data = import_spreadsheet(file, kind, language, organisation)
    write_atomic(output, text, [file])
    console.info(t("interop.imported", language, path=output, **counts(data)))


@command("xlsx", parent=import_app)
def import_xlsx(
    file: str = typer.Argument(..., help="Workbook (.xlsx) made from `bleu-assess export template`."),
    output: str = typer.Option(..., "-o", "--output", help="Inventory to write (YAML)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the comments written."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Organisation name, if no such sheet."),
) -> None:
    """Turn a filled workbook into a commented YAML inventory (errors name sheet, row and column)."""
    _spreadsheet("xlsx", file, output, lang, organisation)


@command("csv", parent=import_app)
def import_csv(
    path: str = typer.Argument(..., help="A directory of CSV files named after the sheets, or one CSV of applications."),
    output: str = typer.Option(..., "-o", "--output", help="Inventory to write (YAML)."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of the comments written."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Organisation name, if no such file."),
) -> None:
    """Turn CSV files (one per sheet, or one of applications) into a YAML inventory."""
    _spreadsheet("csv", path, output, lang, organisation)


@command("azure-migrate", parent=import_app)
def import_azure(
    dependencies: str = typer.Argument(..., help="Azure Migrate dependency analysis export (CSV)."),
    mapping: str = typer.Option(..., "--map", help="YAML mapping of server names to application ids (and flows)."),
    inventory: str = typer.Option(..., "--inventory", help="Inventory to merge into (never modified)."),
    output: str = typer.Option(..., "-o", "--output", help="Merged inventory to write."),
    lang: Optional[Lang] = typer.Option(None, "--lang", help="Language of messages."),
) -> None:
    """Add the dependencies (and mapped flows) that Azure Migrate observed to an inventory."""
    from bleu_assess import console
    from bleu_assess.i18n import t
    from bleu_assess.interop.azure import import_dependencies
    from bleu_assess.output import check_target, write_atomic

    language = _lang(lang)
    check_target(output, [dependencies, mapping, inventory])
    text, found, added_deps, added_flows = import_dependencies(dependencies, mapping, inventory, output)
    write_atomic(output, text, [dependencies, mapping, inventory])
    if found.unmapped:
        console.err().print(t("interop.unmapped", language, servers=", ".join(sorted(found.unmapped))), style="yellow")
    console.info(t("interop.azure_summary", language, connections=found.connections, dependencies=added_deps,
                   flows=added_flows))


@command("template", parent=export_app)
def export_template(
    output: str = typer.Option(..., "-o", "--output", help="Workbook to write (.xlsx)."),
    lang: Lang = typer.Option(Lang.fr, "--lang", help="Language of sheet names and headers."),
) -> None:
    """Write the workbook template: one sheet per section, drop-down lists for every enumeration."""
    from bleu_assess import console
    from bleu_assess.i18n import t
    from bleu_assess.interop.workbook import export_template as build
    from bleu_assess.output import write_atomic

    write_atomic(output, build(output, lang.value))
    console.info(t("interop.template_written", lang.value, path=output))


@command("findings", parent=export_app)
def export_findings(
    path: str = typer.Argument(..., help=PATH_HELP),
    output: str = typer.Option(..., "-o", "--output", help="findings.xlsx or findings.csv"),
    lang: Optional[Lang] = typer.Option(None, "--lang", help=LANG_HELP),
    ruleset: Optional[List[str]] = typer.Option(None, "--ruleset", "-r", help=RULESET_HELP),
    rules_dir: Optional[str] = typer.Option(None, "--rules-dir", help=RULES_DIR_HELP),
    as_of: Optional[str] = as_of_option(),
) -> None:
    """One row per finding (item, owner, rule, severity, message, remediation, references)."""
    from bleu_assess import console
    from bleu_assess.i18n import t
    from bleu_assess.interop.findings import to_csv, to_xlsx
    from bleu_assess.output import check_target, write_atomic

    check_target(output, [path])
    result, _, _ = load_and_assess(path, ruleset, rules_dir, lang, as_of=as_of)
    content = to_xlsx(result) if Path(output).suffix.lower() == ".xlsx" else to_csv(result)
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
) -> None:
    """What changed between two assessments: items, verdicts, findings resolved and new."""
    from bleu_assess import console
    from bleu_assess.interop import diff as differ
    from bleu_assess.output import emit

    language = _lang(lang)
    result = differ.compare(differ.load_results(old, language), differ.load_results(new, language), old, new)
    if format is DiffFormat.table and not output:
        console.show_table(lambda width: differ.table(result, language, width), None, [])
        return
    text = differ.json_text(result) if format is DiffFormat.json else differ.markdown(result, language)
    emit(text, output, [old, new])
