"""Findings back to the client: one row per finding, as a workbook (filterable, with a summary
sheet) or CSV."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from bleu_assess.assess.results import ScanResult
from bleu_assess.render.findings_words import uncertain_rules
from bleu_assess.render.i18n import label, label_or_code, t
from bleu_assess.render.tabular import Coded, coded, coded_columns, csv_bytes, default_dialect, workbook_cell
from bleu_assess.vocab import Readiness, Severity

# (column, its values are decision codes: words then code, render/tabular.py) and its width in the workbook.
COLUMNS = (("item", False, 22), ("kind", True, 14), ("name", False, 30), ("owner", False, 24), ("rule", False, 16),
           ("ruleset", False, 20), ("severity", True, 12), ("dimension", True, 16), ("readiness", True, 20),
           ("message", False, 70), ("remediation", False, 60), ("references", False, 50),
           ("method_references", False, 30), ("uncertain", False, 40), ("uncertain_rules", False, 18),
           ("confidence", True, 16))
# Long texts, wrapped in the workbook.
_WRAPPED = {"message", "remediation", "references", "method_references", "uncertain"}


def rows(result: ScanResult) -> list[list[Any]]:
    """One row per finding, in the results' order; coded values as `Coded` (COLUMNS). Its
    uncertainty: the note of an uncertain legal basis, the rules it concerns (scan's
    `uncertain_rules`), and the confidence of the catalogue facts it rests on when not all
    official (words, then code)."""
    lang = result.lang
    out = []
    for item in result.items:
        for finding in item.findings:
            # A ruleset may bring its own dimension: shown as its code when the catalogue has no label.
            out.append([item.id, coded("kind", item.kind, lang), item.name, item.owner or "", finding.rule,
                        finding.ruleset, coded("severity", finding.severity, lang),
                        Coded(finding.dimension, label_or_code("dimension", finding.dimension, lang)), coded("readiness", item.readiness, lang),
                        finding.message, finding.remediation, t("cli.list_separator", lang).join(finding.references),
                        t("cli.list_separator", lang).join(finding.method_references), finding.uncertain or "",
                        " ".join(uncertain_rules(finding)), coded("confidence", finding.confidence, lang, "catalogue")])
    return out


def table(result: ScanResult) -> tuple[list[str], list[list[Any]]]:
    """The header, in the results' language, and the rows, each coded value as its words then its code."""
    return coded_columns([(t(f"interop.col_{key}", result.lang), has_code) for key, has_code, _ in COLUMNS], rows(result),
                         result.lang)


def to_csv(result: ScanResult, dialect: str | None = None) -> bytes:
    """The findings as CSV in `dialect` (bleu_assess.render.tabular; default from the results' language)."""
    return csv_bytes(*table(result), dialect or default_dialect(result.lang))


def to_xlsx(result: ScanResult) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = result.lang
    book = Workbook()
    sheet = book.active
    sheet.title = t("interop.sheet.findings", lang)
    header, body = table(result)
    sheet.append(header)
    for row in body:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            workbook_cell(cell)  # '@finances' and '=x' stay text, shown as written
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0B4F9C")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    # Each column's width, its code column's narrower; long texts wrapped.
    layout: list[tuple[int, bool]] = []
    for key, has_code, width in COLUMNS:
        layout += [(width, key in _WRAPPED), (14, False)] if has_code else [(width, key in _WRAPPED)]
    for number, (width, wrapped) in enumerate(layout, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
        if wrapped:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
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
