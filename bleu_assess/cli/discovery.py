"""Discovery imports: Azure Migrate dependencies, RVTools, Azure Migrate discovery and
assessment workbooks, AWS, ArchiMate (bleu_assess/intake/). Each prints an import report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bleu_assess.cli import command
from bleu_assess.cli.groups import import_app
from bleu_assess.cli.options import Lang, as_of_day, as_of_option, import_language, lang_option, output_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from bleu_assess.intake.merge import Additions
    from bleu_assess.intake.tally import ImportReport

INVENTORY_HELP = "Inventory to add to (single file; never modified unless --in-place)."
# Options every discovery import shares (one declaration each, reused by the commands below).
INVENTORY_OPTION = typer.Option(None, "--inventory", metavar="FILE", help=INVENTORY_HELP)
ORGANISATION_OPTION = typer.Option(None, "--organisation", metavar="NAME", help="Organisation name, for a new inventory (without --inventory).")
OUTPUT_OPTION = output_option("Inventory to write (YAML).")
IN_PLACE_OPTION = typer.Option(False, "--in-place", help="Write the result over --inventory (only the added lines change).")
REPORT_OPTION = typer.Option(None, "--report", metavar="FILE", help="Also write the import report to this file (Markdown, or JSON with a .json name).")
AS_OF_OPTION = as_of_option("Date the OS support status is assessed on (YYYY-MM-DD; default today, or "
                             "SOURCE_DATE_EPOCH's day). Same date, same output.")
LANG_OPTION = lang_option("Language of messages and of the names written (default: from the organisation's "
                          "country of --inventory, French for a new inventory; BLEU_ASSESS_LANG overrides both).")


def _finish(text: str, report: ImportReport, output: str | None, inventory: str | None, in_place: bool,
            report_file: str | None, inputs: list[str], language: str) -> None:
    """Write the result (atomically) and the report; print the report on stderr (not with -q)."""
    import json

    from bleu_assess.cli import console
    from bleu_assess.inventory import schema
    from bleu_assess.output import rewrite_input, write_atomic
    from bleu_assess.render.i18n import t

    target = inventory if in_place and inventory else output
    if in_place:
        rewrite_input(str(target), text)
    else:
        write_atomic(str(target), text, inputs)
    schema.beside(str(target), text)  # the editor line of a new inventory, or of --inventory's copied elsewhere
    if report_file:
        content = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n" \
            if report_file.endswith(".json") else report.markdown(language)
        write_atomic(report_file, content, inputs)
    console.notes(report.lines(language))
    console.info(t("discovery.written", language, path=target))


def _target(output: str | None, inventory: str | None, in_place: bool, inputs: list[str]) -> None:
    from bleu_assess.cli.options import current_language
    from bleu_assess.errors import UsageError
    from bleu_assess.output import check_target
    from bleu_assess.render.i18n import t

    if in_place and not inventory:
        raise UsageError(t("usage.in_place_needs_inventory", current_language()))
    if not in_place and not output:
        raise UsageError(t("usage.missing_output", current_language()),
                         hint=t("usage.missing_output_hint", current_language()))
    if output and not in_place:
        check_target(output, inputs)


@command("azure-migrate", parent=import_app)
def import_azure_migrate(
    dependencies: str = typer.Argument(..., metavar="FILE", help="Azure Migrate dependency export (agentless CSV, or agent-based VMConnection CSV)."),
    inventory: str | None = typer.Option(None, "--inventory", metavar="FILE", help=INVENTORY_HELP + " Its servers: are joined by name, FQDN, short name or IP."),
    mapping: str | None = typer.Option(None, "--map", metavar="FILE", help="YAML mapping of server names to application ids (and flows), for inventories without servers:."),
    output: str | None = output_option("Merged inventory to write."),
    in_place: bool = IN_PLACE_OPTION,
    ports: str | None = typer.Option(None, "--ports", metavar="PORTS", help="Keep only these destination ports (443,1433,8000-8010)."),
    ignore_ports: str | None = typer.Option(None, "--ignore-ports", metavar="PORTS", help="Leave out these ports instead of the default administration ports (RDP, SSH, WinRM, monitoring, backup); 'none' keeps all."),
    skeleton: str | None = typer.Option(None, "--mapping-skeleton", metavar="FILE", help="Write the servers the export names but the inventory lacks, as a servers: section to fill in, and stop."),
    report_file: str | None = REPORT_OPTION,
    lang: Lang | None = LANG_OPTION,
) -> None:
    """Add the dependencies Azure Migrate observed: servers joined to applications, external endpoints listed."""
    from bleu_assess.cli import console
    from bleu_assess.errors import UsageError
    from bleu_assess.intake import azure_migrate
    from bleu_assess.intake.merge import base_text
    from bleu_assess.output import check_target, write_atomic
    from bleu_assess.render.i18n import t

    language = import_language(lang, inventory)
    inputs = [p for p in (dependencies, mapping, inventory) if p]
    if skeleton:
        check_target(skeleton, inputs)
        data = base_text(inventory, None, dependencies, "azure-migrate")[2] if inventory else None
        report, lifted, index, _ = azure_migrate.analyse(dependencies, data, mapping, ports, ignore_ports)
        write_atomic(skeleton, azure_migrate.skeleton(lifted, index, dependencies, language), inputs)
        console.notes(report.lines(language))
        console.info(t("discovery.skeleton_written", language, path=skeleton))
        return
    if not inventory:
        raise UsageError(t("usage.missing_inventory", language), hint=t("usage.missing_inventory_hint", language))
    _target(output, inventory, in_place, inputs)
    text, report = azure_migrate.import_dependencies(dependencies, inventory, mapping, ports, ignore_ports,
                                                     output or inventory, language)
    _finish(text, report, output, inventory, in_place, report_file, inputs, language)


def _servers_import(kind: str, source: str, build: Callable[[], tuple[Additions, ImportReport]],
                    inventory: str | None, organisation: str | None, output: str | None, in_place: bool,
                    report_file: str | None, lang: Lang | None) -> None:
    """Common to the importers that write servers and applications: build, merge, write, report."""
    from bleu_assess.intake.merge import import_into

    language = import_language(lang, inventory)
    inputs = [p for p in (source, inventory) if p]
    _target(output, inventory, in_place, inputs)
    additions, report = build()
    text = import_into(inventory, organisation, source, kind, additions, report, str(output or inventory), language)
    _finish(text, report, output, inventory, in_place, report_file, inputs, language)


@command("rvtools", parent=import_app)
def import_rvtools(
    file: str = typer.Argument(..., metavar="FILE", help="RVTools export: the .xlsx workbook, or RVTools_tabvInfo.csv (its sibling tabs are read too)."),
    inventory: str | None = INVENTORY_OPTION,
    organisation: str | None = ORGANISATION_OPTION,
    output: str | None = OUTPUT_OPTION,
    in_place: bool = IN_PLACE_OPTION,
    group_by: str | None = typer.Option(None, "--group-by", metavar="folder|vapp|tag|pattern", help="Suggest applications from VM folders, vApps, a tag (custom attribute) or a naming pattern: folder | vapp | tag | pattern."),
    pattern: str | None = typer.Option(None, "--pattern", metavar="REGEX", help="With --group-by pattern: a regular expression whose first group is the application in the VM name."),
    tag_column: str | None = typer.Option(None, "--tag-column", metavar="COLUMN", help="With --group-by tag: the vInfo column (custom attribute) naming the application (default: Application)."),
    as_of: str | None = AS_OF_OPTION,
    report_file: str | None = REPORT_OPTION,
    lang: Lang | None = LANG_OPTION,
) -> None:
    """Servers from an RVTools export (OS and its support status, cluster, datacenter, IPs); applications suggested by --group-by."""
    from bleu_assess.intake.grouping import Grouping
    from bleu_assess.intake.rvtools import import_rvtools as build

    grouping = Grouping.parse(group_by, pattern, tag_column)
    day = as_of_day(as_of)
    _servers_import("rvtools", file, lambda: build(file, grouping, day), inventory, organisation, output, in_place,
                    report_file, lang)


@command("archimate", parent=import_app)
def import_archimate(
    file: str = typer.Argument(..., metavar="FILE", help="ArchiMate model in the Open Group exchange format (3.x or 2.1), .xml, or Archi's model file (.archimate)."),
    mapping: str | None = typer.Option(None, "--mapping", metavar="FILE", help="YAML mapping of element properties to inventory fields (applications:, datasets:, values:, defaults:)."),
    inventory: str | None = INVENTORY_OPTION,
    organisation: str | None = ORGANISATION_OPTION,
    output: str | None = OUTPUT_OPTION,
    in_place: bool = IN_PLACE_OPTION,
    report_file: str | None = REPORT_OPTION,
    lang: Lang | None = LANG_OPTION,
) -> None:
    """Application components, data objects and their flow, serving and access relationships from an ArchiMate model."""
    from bleu_assess.intake.archimate import import_archimate as build
    from bleu_assess.intake.merge import format_of

    _servers_import("archimate", file, lambda: build(file, mapping, format_of(inventory)), inventory, organisation,
                    output, in_place, report_file, lang)


@command("azure-migrate-discovery", parent=import_app)
def import_azure_discovery(
    file: str = typer.Argument(..., metavar="FILE", help="Azure Migrate discovery report (.xlsx, sheet Discovery_Report) or assessment core report."),
    assessment: str | None = typer.Option(None, "--assessment", metavar="FILE", help="Assessment core report (.xlsx): support status, groups, SQL instances, web apps."),
    inventory: str | None = INVENTORY_OPTION,
    organisation: str | None = ORGANISATION_OPTION,
    output: str | None = OUTPUT_OPTION,
    in_place: bool = IN_PLACE_OPTION,
    as_of: str | None = AS_OF_OPTION,
    report_file: str | None = REPORT_OPTION,
    lang: Lang | None = LANG_OPTION,
) -> None:
    """Servers from Azure Migrate discovery/assessment workbooks; Azure Migrate groups as applications."""
    from bleu_assess.intake.azure_discovery import import_azure_discovery as build

    day = as_of_day(as_of)
    _servers_import("azure-migrate-discovery", file, lambda: build(file, assessment, day), inventory, organisation,
                    output, in_place, report_file, lang)


@command("aws-ads", parent=import_app)
def import_aws(
    file: str = typer.Argument(..., metavar="FILE", help="AWS Application Discovery Service import template (CSV), or an AWS Cloud Migration Factory intake form."),
    inventory: str | None = INVENTORY_OPTION,
    organisation: str | None = ORGANISATION_OPTION,
    output: str | None = OUTPUT_OPTION,
    in_place: bool = IN_PLACE_OPTION,
    as_of: str | None = AS_OF_OPTION,
    report_file: str | None = REPORT_OPTION,
    lang: Lang | None = LANG_OPTION,
) -> None:
    """Servers, their applications and waves from AWS ADS import templates or CMF intake forms."""
    from bleu_assess.intake.aws import import_aws as build

    day = as_of_day(as_of)
    _servers_import("aws-ads", file, lambda: build(file, day), inventory, organisation, output, in_place,
                    report_file, lang)
