"""Findings back to the client: one row per finding, as a workbook (filterable, with a summary
sheet) or CSV."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from bleu_assess.assess.results import ScanResult
from bleu_assess.render.i18n import label, t
from bleu_assess.render.tabular import csv_bytes, default_dialect, workbook_cell
from bleu_assess.vocab import Readiness, Severity

COLUMNS = ("item", "kind", "name", "owner", "rule", "ruleset", "severity", "dimension", "readiness", "message",
           "remediation", "references", "method_references", "uncertain")


def rows(result: ScanResult) -> list[list[Any]]:
    lang = result.lang
    out = []
    for item in result.items:
        for finding in item.findings:
            out.append([item.id, label("kind", item.kind, lang), item.name, item.owner or "", finding.rule,
                        finding.ruleset, label("severity", finding.severity, lang), finding.dimension,
                        label("readiness", item.readiness, lang), finding.message, finding.remediation,
                        t("cli.list_separator", lang).join(finding.references),
                        t("cli.list_separator", lang).join(finding.method_references), finding.uncertain or ""])
    return out


def headers(lang: str) -> list[str]:
    return [t(f"interop.col_{c}", lang) for c in COLUMNS]


def to_csv(result: ScanResult, dialect: str | None = None) -> bytes:
    """The findings as CSV in `dialect` (bleu_assess.render.tabular; default from the results' language)."""
    return csv_bytes(headers(result.lang), rows(result), dialect or default_dialect(result.lang))


def to_xlsx(result: ScanResult) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    lang = result.lang
    book = Workbook()
    sheet = book.active
    sheet.title = t("interop.sheet.findings", lang)
    sheet.append(headers(lang))
    for row in rows(result):
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            workbook_cell(cell)  # '@finances' and '=x' stay text, shown as written
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0B4F9C")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = {"A": 22, "B": 14, "C": 30, "D": 24, "E": 16, "F": 20, "G": 12, "H": 16, "I": 20, "J": 70, "K": 60, "L": 50, "M": 30, "N": 40}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=14):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    summary = book.create_sheet(t("interop.sheet.summary", lang))
    summary.append([t("interop.summary_severity", lang), t("interop.count", lang)])
    severity = Counter(f.severity for i in result.items for f in i.findings)
    for level in Severity:
        summary.append([label("severity", level, lang), severity.get(level, 0)])
    summary.append([])
    summary.append([t("interop.summary_readiness", lang), t("interop.count", lang)])
    readiness = Counter(i.readiness for i in result.applications)
    for state in Readiness:
        summary.append([label("readiness", state, lang), readiness.get(state, 0)])
    for cell in (summary["A1"], summary[f"A{len(Severity) + 3}"]):
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
