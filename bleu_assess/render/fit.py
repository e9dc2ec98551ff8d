"""Renderings of the fit matrix: terminal table, Markdown (template), CSV, JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from bleu_assess.assess.fit import Cell, FitMatrix
from bleu_assess.render.i18n import label, t

if TYPE_CHECKING:
    from rich.console import RenderableType

MARKS = {"fits": "✓", "fits-with-conditions": "~", "does-not-fit": "✗", "not-moving": "–"}
_STYLES = {"fits": "green", "fits-with-conditions": "yellow", "does-not-fit": "red", "not-moving": "dim"}


def reason(cell: Cell, lang: str) -> str:
    """The cell's reason in one phrase, in `lang` (targets by their label)."""
    values = dict(cell.values)
    if "target" in values:
        values["target"] = label("target", values["target"], lang)
    return t(f"fit.reason.{cell.reason}", lang, **values)


def table(matrix: FitMatrix, lang: str) -> "RenderableType":
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=t("fit.title", lang, day=matrix.day.isoformat()), show_lines=True)
    grid.add_column(t("fit.col_application", lang), no_wrap=True)
    grid.add_column(t("fit.col_target", lang))
    for offer in matrix.offers:
        grid.add_column(offer, overflow="fold")
    for row in matrix.rows:
        cells = [Text(f"{MARKS[c.status]} {reason(c, lang)}", style=_STYLES[c.status]) for c in row.cells]
        grid.add_row(Text(row.id), Text(label("target", row.target, lang)), *cells)
    foot = [t("fit.legend", lang)]
    if matrix.catalogue:
        foot.append(t("scan.catalogue_line", lang, **matrix.catalogue))
    return Group(grid, Text("\n".join(foot)))


def markdown(matrix: FitMatrix, lang: str, template_dir: str | None = None) -> str:
    from bleu_assess.render.templating import render

    return render("fit/fit.md.j2", {"matrix": matrix, "mark": MARKS.__getitem__,
                                    "reason": lambda cell: reason(cell, lang),
                                    "label": lambda kind, value: label(kind, value, lang)}, template_dir, lang)


def csv_text(matrix: FitMatrix, lang: str) -> str:
    """One row per application; per offer, its status code and the reason in `lang`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "target", *(f"{o}{suffix}" for o in matrix.offers for suffix in ("", " reason"))])
    for row in matrix.rows:
        writer.writerow([row.id, row.name, row.target,
                         *(value for c in row.cells for value in (c.status, reason(c, lang)))])
    return out.getvalue()


def json_text(matrix: FitMatrix) -> str:
    return json.dumps(matrix.to_dict(), ensure_ascii=False, indent=2) + "\n"


def report_context(matrix: FitMatrix, lang: str) -> dict[str, Any]:
    """What the report's fit section (templates/report/fit.*.j2) reads."""
    return {"offers": list(matrix.offers), "legend": t("fit.legend", lang),
            "title": t("fit.title", lang, day=matrix.day.isoformat()),
            "rows": [{"id": r.id, "name": r.name, "target": label("target", r.target, lang),
                      "cells": [{"status": c.status, "mark": MARKS[c.status], "text": reason(c, lang)}
                                for c in r.cells]} for r in matrix.rows]}
