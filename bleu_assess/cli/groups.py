"""The command groups (`bleu-assess rules …`, `catalogue …`, `import …`, `export …`), declared once:
several command modules add commands to the same group. Typer only."""

from __future__ import annotations

import typer

from bleu_assess.cli import root

rules_app = typer.Typer(help="List, show and compare rulesets.", no_args_is_help=True)
catalogue_app = typer.Typer(help="The dated, sourced catalogue of trusted-cloud offers.", no_args_is_help=True)
import_app = typer.Typer(help="Import inventories from spreadsheets and discovery tools.", no_args_is_help=True)
export_app = typer.Typer(help="Export the workbook template or the findings.", no_args_is_help=True)
for _group, _name in ((rules_app, "rules"), (import_app, "import"), (export_app, "export"),
                      (catalogue_app, "catalogue")):
    root.add_typer(_group, name=_name)
