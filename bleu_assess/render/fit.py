"""Renderings of the fit matrix: terminal table, Markdown (template), CSV, JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bleu_assess.assess.fit import Cell, FitMatrix, Row
from bleu_assess.render import l10n
from bleu_assess.render.i18n import label, label_or_code, t
from bleu_assess.render.scan import confidence_mark, confidence_meaning

if TYPE_CHECKING:
    from rich.console import RenderableType

MARKS = {"fits": "✓", "fits-with-conditions": "~", "undecided": "?", "does-not-fit": "✗", "not-moving": "–"}
_STYLES = {"fits": "green", "fits-with-conditions": "yellow", "undecided": "magenta", "does-not-fit": "red",
           "not-moving": "dim"}


# The vocabulary of each reason's values (codes joined by ", " in the matrix, whose JSON keeps
# them): worded by their label, a country by its name.
_VOCABULARY = {"needs": "hosting", "offers": "hosting", "model": "hosting", "qualification": "qualification",
               "qualifications": "qualification", "service": "service", "services": "service"}
_COUNTRIES = ("seat", "regions")


def reason(cell: Cell, lang: str) -> str:
    """The cell's reason in one phrase, in `lang`: targets, models, qualifications and services
    by their label, countries by their name, dates in words, lists as the language writes them
    (« n'a ni SecNumCloud 3.2 ni HDS », « une fois SecNumCloud 3.2 et HDS obtenues »)."""
    values: dict[str, Any] = dict(cell.values)
    for key in ("target", "preferred"):
        if key in values:
            values[key] = label("target", values[key], lang)
    if "until" in values:
        values["until"] = l10n.date(values["until"], lang)
    words: dict[str, list[str]] = {}
    for key, kind in _VOCABULARY.items():
        if values.get(key):
            words[key] = [label_or_code(kind, code, lang) for code in values[key].split(", ")]
            values[key] = ", ".join(words[key])
    for key in _COUNTRIES:
        if values.get(key):
            words[key] = [l10n.country(code, lang) for code in values[key].split(", ")]
            values[key] = l10n.join(words[key], lang)
    if cell.reason == "qualification":  # each of them missing: « n'a ni A ni B »
        values["count"] = len(words["qualifications"])
        values["qualifications"] = t("fit.nor", lang).join(words["qualifications"])
    elif cell.reason == "pending":
        values["count"] = len(words["qualifications"])
        values["qualifications"] = l10n.join(words["qualifications"], lang)
    elif cell.reason == "model":
        values["offers"] = l10n.join(words["offers"], lang)
        values["needs"] = l10n.join(words["needs"], lang, "or")
    return t(f"fit.reason.{cell.reason}", lang, **values)


def target_label(row: Row, lang: str) -> str:
    """The row's target in words, ' ?' after it when it is provisional (as `scan` shows it)."""
    mark = " " + t("scan.undecided_mark", lang) if row.provisional else ""
    return label("target", row.target, lang) + mark


def legend(matrix: FitMatrix, lang: str) -> list[str]:
    """The legend of the marks, of the provisional mark when a row shows it, and of the
    catalogue's († after an offer resting on catalogue facts not all official) when one shows."""
    lines = [t("fit.legend", lang)]
    if any(r.provisional for r in matrix.rows):
        lines.append(t("scan.undecided_legend", lang, mark=t("scan.undecided_mark", lang)))
    if matrix.confidence:
        lines.append(confidence_meaning(lang))
    return lines


def offer_mark(matrix: FitMatrix, offer: str, lang: str) -> str:
    """' †' after an offer whose catalogue facts (its own, its provider's) are not all official."""
    return confidence_mark(matrix.confidence.get(offer), lang)


def table(matrix: FitMatrix, lang: str, width: int = 100) -> RenderableType:
    """The matrix for a terminal of `width` columns, words never cut: a grid (an application a
    row, an offer a column, each cell its mark and reason) when every column can be as wide as
    its longest word; otherwise an application a paragraph, its offers grouped by status with
    the reason of those that do not simply fit."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from bleu_assess.render.tables import ALWAYS, Column, fits, fitted

    title = t("fit.title", lang, day=matrix.day)
    columns = [Column(t("fit.col_application", lang), [Text(r.id) for r in matrix.rows], ALWAYS, no_wrap=True),
               Column(t("fit.col_target", lang), [Text(target_label(r, lang)) for r in matrix.rows], ALWAYS)]
    columns += [Column(offer + offer_mark(matrix, offer, lang), [Text(f"{MARKS[r.cells[i].status]} {reason(r.cells[i], lang)}", style=_STYLES[r.cells[i].status])
                               for r in matrix.rows], ALWAYS) for i, offer in enumerate(matrix.offers)]
    foot = legend(matrix, lang)
    if matrix.catalogue:
        foot.append(t("scan.catalogue_line", lang, **matrix.catalogue))
    if fits(columns, width):
        return Group(fitted(title, columns, width, lang), Text("\n".join(foot)))
    parts: list[Any] = [Text(title, style="bold"), Text("")]
    for row in matrix.rows:
        parts.append(Text(f"{row.id} — {target_label(row, lang)}", style="bold"))
        # Offers with the same status and reason on one line; what simply fits, by name only.
        said: dict[tuple[str, str], list[str]] = {}
        for offer, cell in zip(matrix.offers, row.cells):
            said.setdefault((cell.status, "" if cell.status == "fits" else reason(cell, lang)),
                            []).append(offer + offer_mark(matrix, offer, lang))
        lines = Table.grid(padding=(0, 1))
        lines.add_column(no_wrap=True)
        lines.add_column()
        for (status, why), offers in sorted(said.items(), key=lambda kv: list(MARKS).index(kv[0][0])):
            named = t("cli.list_separator", lang).join(offers)
            lines.add_row(Text(f"  {MARKS[status]}", style=_STYLES[status]),
                          Text(t("report.field", lang, name=named) + f" {why}" if why else named, style=_STYLES[status]))
        parts += [lines, Text("")]
    return Group(*parts, Text("\n".join(foot)))


def markdown(matrix: FitMatrix, lang: str, template_dir: str | None = None) -> str:
    from bleu_assess.render.templating import render

    return render("fit/fit.md.j2", {"matrix": matrix, "mark": MARKS.__getitem__,
                                    "reason": lambda cell: reason(cell, lang),
                                    "label": lambda kind, value: label(kind, value, lang),
                                    "target": lambda row: target_label(row, lang),
                                    "offer_mark": lambda offer: offer_mark(matrix, offer, lang),
                                    "legend": legend(matrix, lang)}, template_dir, lang)


def csv_text(matrix: FitMatrix, lang: str, dialect: str | None = None) -> bytes:
    """One row per application, in `dialect` (bleu_assess.render.tabular; default from `lang`),
    headed in `lang`: its target, then per offer its status and the reason, each in words then
    as its code (`does-not-fit`, `seat`: the JSON's), the convention of every CSV for people. The
    status words of an offer resting on catalogue facts not all official are marked † (the
    JSON's `offer_confidence` gives its code)."""
    from bleu_assess.render.tabular import Coded, coded_columns, csv_bytes, default_dialect

    columns = [(t("fit.csv.application", lang), False), (t("fit.csv.name", lang), False),
               (t("fit.csv.target", lang), True)]
    for offer in matrix.offers:
        columns += [(t("fit.csv.status", lang, offer=offer), True), (t("fit.csv.reason", lang, offer=offer), True)]
    marks = [offer_mark(matrix, offer, lang) for offer in matrix.offers]

    def status(cell: Any, mark: str) -> Coded:
        return Coded(cell.status, t(f"fit.status.{cell.status}", lang) + mark)

    rows = [[row.id, row.name, Coded(row.target, target_label(row, lang)),
             *(value for c, mark in zip(row.cells, marks) for value in (status(c, mark), Coded(c.reason, reason(c, lang))))]
            for row in matrix.rows]
    header, table = coded_columns(columns, rows, lang)
    return csv_bytes(header, table, dialect or default_dialect(lang))


def json_text(matrix: FitMatrix) -> str:
    return json.dumps(matrix.to_dict(), ensure_ascii=False, indent=2) + "\n"


def report_context(matrix: FitMatrix, lang: str) -> dict[str, Any]:
    """What the report's fit section (templates/report/fit.*.j2) reads."""
    return {"offers": list(matrix.offers), "legend": " · ".join(legend(matrix, lang)),
            "offer_marks": {offer: offer_mark(matrix, offer, lang) for offer in matrix.offers},
            "title": t("fit.title", lang, day=matrix.day),
            "rows": [{"id": r.id, "name": r.name, "target": target_label(r, lang),
                      "cells": [{"status": c.status, "mark": MARKS[c.status], "text": reason(c, lang)}
                                for c in r.cells]} for r in matrix.rows]}
