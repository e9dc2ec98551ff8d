"""A table given where an inventory is expected (`validate clients.xlsx`, `scan export.csv`):
the inventory's reader refuses it as a workbook or a CSV table (`inputs.looks_like_table`,
codes `input.table_workbook` and `input.table_csv`); the CLI then names the command that
turns it into an inventory (`explain`). The table is read as the importers read it and each of
them says whether it is theirs (their own predicates: `rvtools.recognises`,
`azure_discovery.recognises`, `aws.kind_of`, `azure_migrate.kind_of`), then whether a shipped
mapping preset finds its sheets or headers, and in them what names its items (the import's
own `engine.tables_for` and `engine.names_items`); else the refusal says how to write a
mapping from its headers."""

from __future__ import annotations

import shlex
from pathlib import Path

from bleu_assess.errors import Diagnostic, InputError

TABLE_CODES = ("input.table_workbook", "input.table_csv")
# The discovery importers, by what their predicate recognises: (source as named, command).
_EXPORTS = {
    "rvtools": ("RVTools", "bleu-assess import rvtools {file} -o inventory.yaml"),
    "azure-migrate-discovery": ("Azure Migrate", "bleu-assess import azure-migrate-discovery {file} -o inventory.yaml"),
    "aws-ads": ("AWS Application Discovery Service", "bleu-assess import aws-ads {file} -o inventory.yaml"),
    "aws-cmf": ("AWS Cloud Migration Factory", "bleu-assess import aws-ads {file} -o inventory.yaml"),
    "azure-dependencies": ("Azure Migrate", "bleu-assess import azure-migrate {file} --inventory INVENTORY "
                                            "-o inventory.yaml"),
}


def explain(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` with each refusal of a table given as an inventory replaced by one naming
    the command that reads it (`intake.error.workbook_not_inventory…`); the others unchanged."""
    return [_explained(d) if d.code in TABLE_CODES else d for d in diagnostics]


def _explained(refused_table: Diagnostic) -> Diagnostic:
    from bleu_assess.intake.said import problem

    display = refused_table.file
    kind = "workbook" if refused_table.code == "input.table_workbook" else "csv"
    found = recognised(display)
    if found is None:
        suggest, command = mapping_advice(display)
        return problem(display, None, None, "", f"{kind}_not_inventory", suggest=suggest, command=command)
    source, command = found
    return problem(display, None, None, "", f"{kind}_not_inventory_known", source=source, command=command)


def recognised(display: str) -> tuple[str, str] | None:
    """(source as named, the command that makes the inventory from it) of the table file at
    `display` when an importer or a mapping preset recognises it; None for a client's own table
    (or a directory). Also said where a mapping is asked for such a file (`import xlsx`, `import
    table --suggest-mapping`): its own import reads it without one to write."""
    path = Path(display)
    found = _source(path, display) if path.is_file() else None
    return None if found is None else (found[0], found[1].format(file=shlex.quote(display)))


def mapping_advice(display: str) -> tuple[str, str]:
    """The two commands that turn a client's own table at `display` into an inventory: write a
    mapping from its headers, then import through it (the parameters `suggest` and `command` of
    `intake.error.workbook_not_inventory` and `…_not_template`)."""
    file = shlex.quote(display)
    return (f"bleu-assess import table {file} --suggest-mapping -o mapping.yaml",
            f"bleu-assess import table {file} --mapping mapping.yaml -o inventory.yaml")


def _source(path: Path, display: str) -> tuple[str, str] | None:
    """(source as named, command) of a table an importer or a mapping preset recognises, else None."""
    from bleu_assess.intake import aws, azure_discovery, azure_migrate, mapping, rvtools
    from bleu_assess.intake.engine import names_items, tables_for
    from bleu_assess.intake.reader import read_file
    from bleu_assess.intake.sheets import tables_of

    try:
        sheets = [sheet for sheet in read_file(path, display) if sheet.rows]
    except InputError:
        return None  # unreadable as a table too: the general advice
    tables = tables_of(sheets)
    kinds = ["rvtools"] if rvtools.recognises(rvtools.tabs(tables)) else []
    kinds += ["azure-migrate-discovery"] if azure_discovery.recognises(tables) else []
    for table in tables.values():
        kinds += [k for k in (aws.kind_of(table),) if k]
        kinds += ["azure-dependencies"] if azure_migrate.kind_of(table) else []
    if kinds:
        return _EXPORTS[kinds[0]]
    for name in mapping.presets():
        preset = mapping.load(name)
        # a sheet the preset reads and whose header names its items (carto.xlsx's « Flux » sheet,
        # Source and Cible, is not the template's)
        if any(names_items(table, sheet) for sheet in sheets for table in tables_for(sheet, preset, alone=False)):
            if name != mapping.TEMPLATE:
                return name, f"bleu-assess import table {{file}} --mapping {name} -o inventory.yaml"
            return "bleu-assess export template", "bleu-assess import {} {{file}} -o inventory.yaml".format(
                "csv" if sheets[0].is_csv else "xlsx")
    return None
