"""Inventories as spreadsheets: the workbook template, and importing xlsx or csv into a
commented YAML inventory that validates."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from bleu_assess import model
from bleu_assess.errors import Diagnostic, InputError, InventoryError
from bleu_assess.i18n import t
from bleu_assess.interop.columns import SHEETS, Column, columns, header, header_index, normalise, sheet_index, sheet_title
from bleu_assess.validate import Document, validate

TRUE = {"true", "vrai", "oui", "yes", "1", "x"}
FALSE = {"false", "faux", "non", "no", "0"}


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
                validation.error = f"{column.key}: " + ", ".join(choices)
                ws.add_data_validation(validation)
                validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choices(column: Column) -> list[str] | None:
    spec = column.spec
    if spec.enum:
        return list(spec.enum)
    if spec.type == "boolean":
        return ["true", "false"]
    if spec.type == "effort":
        return list(model.EFFORT_SIZES)
    return None


# --- reading ---------------------------------------------------------------------------------

Rows = Iterator[tuple[int, list[Any]]]  # (row number, cells)


def read_xlsx(path: Path) -> dict[str, tuple[str, Rows]]:
    """Sheet -> (its title, its rows), for the sheets that are recognised."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError("unreadable workbook", [Diagnostic(str(path), None, None, "",
                                                            f"not a readable .xlsx workbook ({type(exc).__name__})")]) from None
    known = sheet_index()
    found = {}
    for ws in book.worksheets:
        sheet = known.get(normalise(ws.title))
        if sheet:
            found[sheet] = (ws.title, ((i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1)))
    return found


def read_csv_files(path: Path) -> dict[str, tuple[str, Rows]]:
    """A directory of CSV files named after the sheets (applications.csv, fournisseurs.csv, ...),
    or one CSV file of applications."""
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    known = sheet_index()
    found = {}
    for file in files:
        sheet = known.get(normalise(file.stem)) or ("applications" if not path.is_dir() else None)
        if sheet:
            text = file.read_text(encoding="utf-8-sig")
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
            rows = list(csv.reader(io.StringIO(text), dialect))
            found[sheet] = (file.name, ((i, r) for i, r in enumerate(rows, 1)))
    return found


def _cell_name(column_index: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column_index + 1)}{row}"


def to_inventory(source: str, sheets: dict[str, tuple[str, Rows]], organisation: str | None = None) -> tuple[dict[str, Any], dict[tuple[str, int], tuple[str, int, dict[str, int]]]]:
    """The inventory mapping, and where each item came from: (section, index) -> (sheet title,
    row, column index by field key)."""
    problems: list[Diagnostic] = []
    data: dict[str, Any] = {"format": model.FORMAT}
    origins: dict[tuple[str, int], tuple[str, int, dict[str, int]]] = {}
    for sheet in SHEETS:
        if sheet not in sheets:
            continue
        title, rows = sheets[sheet]
        index = header_index(sheet)
        header_row: list[Any] | None = None
        mapping: dict[int, Column] = {}
        items = []
        for number, cells in rows:
            if header_row is None:
                header_row = cells
                for position, name in enumerate(cells):
                    if name is None or str(name).strip() == "":
                        continue
                    column = index.get(normalise(str(name)))
                    if column is None:
                        from bleu_assess.validate import suggest

                        problems.append(Diagnostic(source, None, None, f"{title}!{_cell_name(position, number)}",
                                                   f"unknown column '{name}'" + suggest(str(name), [c.key for c in columns(sheet)])))
                    else:
                        mapping[position] = column
                continue
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            item: dict[str, Any] = {}
            for position, column in mapping.items():
                raw = cells[position] if position < len(cells) else None
                try:
                    value = _convert(raw, column)
                except ValueError as exc:
                    problems.append(Diagnostic(source, None, None, f"{title}!{_cell_name(position, number)}",
                                               f"{column.key}: {exc}"))
                    continue
                if value is not None:
                    target = item
                    for part in column.path[:-1]:
                        target = target.setdefault(part, {})
                    target[column.path[-1]] = value
            origins[(sheet, len(items))] = (title, number, {c.key: p for p, c in mapping.items()})
            items.append(item)
        if sheet == "organisation":
            if items:
                data["organisation"] = items[0]
        elif items:
            data[sheet] = items
    if "organisation" not in data:
        if not organisation:
            problems.append(Diagnostic(source, None, None, sheet_title("organisation", "en"),
                                       "no organisation row: fill in the organisation sheet, or pass --organisation NAME"))
        data["organisation"] = {"name": organisation or ""}
    elif organisation:
        data["organisation"]["name"] = organisation
    if problems:
        raise InventoryError(f"cannot import {source}", problems)
    return data, origins


def _convert(raw: Any, column: Column) -> Any:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    spec = column.spec
    kind = spec.type if spec.type != "list" else "list"
    if column.path[-1] == "extra":
        return _mapping(raw)
    if kind == "list" or spec.type == "free":
        if isinstance(raw, (int, float)):
            raw = str(raw)
        parts = [part.strip() for part in str(raw).split(";") if part.strip()]
        if spec.item is not None and spec.item.type == "integer":  # HDS activities: 1; 2; 3
            return [int(p) if p.isdigit() else p for p in parts]
        if spec.item is not None and spec.item.shorthand:  # hds; {id: secnumcloud-3.2, scope: [iaas]}
            return [_flow_mapping(p) if p.startswith("{") else p for p in parts]
        return parts
    if kind == "boolean":
        text = str(raw).strip().lower()
        if isinstance(raw, bool):
            return raw
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(f"expected true or false (oui/non), got '{raw}'")
    if kind in ("integer", "number") or (kind == "effort" and not str(raw).strip().upper() in model.EFFORT_SIZES):
        if isinstance(raw, bool):
            raise ValueError(f"expected a number, got '{raw}'")
        try:
            number = float(str(raw).strip().replace(",", ".")) if not isinstance(raw, (int, float)) else float(raw)
        except ValueError:
            raise ValueError(f"expected a number, got '{raw}'") from None
        if not math.isfinite(number):
            raise ValueError(f"expected a finite number, got '{raw}'")
        return int(number) if number.is_integer() and kind != "number" else number
    if kind == "effort":
        return str(raw).strip().upper()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _flow_mapping(text: str) -> Any:
    """A list item written as a YAML flow mapping in a cell (`{id: hds, until: 2027-01-01}`)."""
    from bleu_assess import yamlio
    from bleu_assess.errors import InputError

    try:
        return yamlio.parse(text, "cell")
    except InputError:
        raise ValueError(f"expected an id or a mapping such as {{id: hds, until: 2027-01-01}}, got '{text}'") from None


def _mapping(raw: Any) -> dict[str, Any]:
    """The free-form `extra` cell: a JSON object, the one unambiguous way to put a mapping in a cell."""
    try:
        value = json.loads(str(raw))
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValueError('expected a JSON object such as {"editor": "Acme", "version": "2.1"}, got ' + f"'{raw}'")
    return value


def check(source: str, data: dict[str, Any], origins: dict[tuple[str, int], tuple[str, int, dict[str, int]]]) -> None:
    """Validate; errors name the sheet, row and column they come from."""
    try:
        validate([Document(source, "", data)], source)
    except InventoryError as exc:
        raise InventoryError(exc.message, [_relocate(source, d, origins) for d in exc.diagnostics]) from None


def _relocate(source: str, diag: Diagnostic, origins: dict[tuple[str, int], tuple[str, int, dict[str, int]]]) -> Diagnostic:
    import re

    match = re.match(r"^(\w+)\[(\d+)\]\.?(.*)$", diag.path)
    if match and (match.group(1), int(match.group(2))) in origins:
        title, row, positions = origins[(match.group(1), int(match.group(2)))]
        field = re.sub(r"\[\d+\]$", "", match.group(3))
        position = positions.get(field)
        cell = _cell_name(position, row) if position is not None else f"{row}:{row}"
        return Diagnostic(source, None, None, f"{title}!{cell}", f"{match.group(3) or 'row'}: {diag.message}")
    if diag.path.startswith("organisation") and ("organisation", 0) in origins:
        title, row, positions = origins[("organisation", 0)]
        field = diag.path.partition(".")[2]
        position = positions.get(field)
        cell = _cell_name(position, row) if position is not None else f"{row}:{row}"
        return Diagnostic(source, None, None, f"{title}!{cell}", f"{field or 'organisation'}: {diag.message}")
    return Diagnostic(source, None, None, diag.path, diag.message)


def to_yaml(data: dict[str, Any], source: str, lang: str) -> str:
    """A commented YAML inventory, sections in the order of the format."""
    out = [f"# {t('interop.generated_from', lang, source=os.path.basename(source))}",
           "# yaml-language-server: $schema=./bleu-assess-inventory.schema.json"]
    for key in ("format", "organisation", *SHEETS[1:]):
        if key not in data:
            continue
        if key != "format":
            out.append("")
            out.append(f"# --- {sheet_title(key, lang)} ---")
        out.append(yaml.safe_dump({key: data[key]}, allow_unicode=True, sort_keys=False, width=120,
                                  default_flow_style=False).rstrip())
    return "\n".join(out) + "\n"


def import_spreadsheet(path: str, kind: str, lang: str, organisation: str | None = None) -> tuple[str, dict[str, Any]]:
    source = Path(path)
    if not source.exists():
        raise InputError("missing", [Diagnostic(path, None, None, "", "no such file or directory")])
    sheets = read_xlsx(source) if kind == "xlsx" else read_csv_files(source)
    if not sheets:
        raise InputError("nothing to import", [Diagnostic(path, None, None, "", "no sheet or file named after a "
                                                          "section (organisation, providers, platforms, applications, "
                                                          "datasets, flows)")])
    data, origins = to_inventory(path, sheets, organisation)
    check(path, data, origins)
    return to_yaml(data, path, lang), data


def counts(data: dict[str, Any]) -> dict[str, int]:
    return {key: len(data.get(key, [])) for key in ("applications", "datasets", "flows")}


