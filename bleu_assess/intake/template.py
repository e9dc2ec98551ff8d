"""Inventories as spreadsheets: the workbook template (`export template`). Importing it back is
`import table --mapping template` (bleu_assess/intake)."""

from __future__ import annotations

import io
import os
from typing import Any

from bleu_assess.intake.columns import (
    SHEETS,
    Column,
    columns,
    header,
    sheet_title,
)
from bleu_assess.inventory import model
from bleu_assess.render.i18n import t


def export_template(path: str | os.PathLike[str], lang: str) -> bytes:
    """The workbook, as bytes (written atomically by the caller)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    readme = book.active
    readme.title = sheet_title("readme", lang)[:31]
    readme["A1"] = t("interop.readme_title", lang)
    readme["A1"].font = Font(bold=True, size=14)
    readme["A3"] = t("interop.readme_lines", lang)
    readme["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    readme["A5"] = t("interop.readme_doc", lang)
    readme.column_dimensions["A"].width = 120
    readme.row_dimensions[3].height = 80
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0B4F9C")
    for sheet in SHEETS:
        ws = book.create_sheet(sheet_title(sheet, lang)[:31])
        cols = columns(sheet)
        for index, column in enumerate(cols, 1):
            cell = ws.cell(row=1, column=index, value=header(sheet, column, lang))
            cell.font, cell.fill = bold, fill
            ws.column_dimensions[get_column_letter(index)].width = max(14, len(str(cell.value)) + 4)
            choices = _choices(column)
            if choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
                validation.error = t("interop.allowed_values", lang, column=cell.value, values=", ".join(choices))
                ws.add_data_validation(validation)
                validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choices(column: Column) -> list[str] | None:
    spec = column.spec
    if spec.enum:
        return list(model.offered(spec.enum))
    if spec.type == "boolean":
        return ["true", "false"]
    if spec.type == "effort":
        return list(model.EFFORT_SIZES)
    return None


def counts(data: dict[str, Any]) -> dict[str, int]:
    """Items per section of inventory data, for the import summary."""
    return {key: len(data.get(key, [])) for key in ("applications", "datasets", "flows")}


