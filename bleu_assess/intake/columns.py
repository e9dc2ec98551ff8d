"""The workbook layout, derived from the inventory format (schema.INVENTORY): one sheet per
section, one column per field (nested fields joined with '.'), lists written `a; b`, the free-form
`extra` mapping written as JSON.
Headers are accepted in English (the field path) or French (templates/i18n/interop.fr.yaml),
whatever their case and accents."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bleu_assess.inventory.schema import INVENTORY, Spec
from bleu_assess.render.i18n import t

SHEETS = ("organisation", "providers", "platforms", "applications", "datasets", "flows")


@dataclass(frozen=True, slots=True)
class Column:
    path: tuple[str, ...]  # ("hosting", "model")
    spec: Spec

    @property
    def key(self) -> str:
        return ".".join(self.path)


def _flatten(spec: Spec, prefix: tuple[str, ...] = ()) -> list[Column]:
    out = []
    for name, child in spec.fields.items():
        if child.type == "object":
            out.extend(_flatten(child, (*prefix, name)))
        else:
            out.append(Column((*prefix, name), child))
    return out


def columns(sheet: str) -> list[Column]:
    spec = INVENTORY.fields[sheet]
    return _flatten(spec if sheet == "organisation" else spec.item)  # type: ignore[arg-type]


def header(sheet: str, column: Column, lang: str) -> str:
    return t(f"interop.col.{column.key.replace('.', '_')}", lang)


def sheet_title(sheet: str, lang: str) -> str:
    return t(f"interop.sheet.{sheet}", lang)


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in decomposed.lower() if ch.isalnum())


def header_index(sheet: str) -> dict[str, Column]:
    """Normalised English or French header -> column."""
    index = {}
    for column in columns(sheet):
        index[normalise(column.key)] = column
        index[normalise(header(sheet, column, "fr"))] = column
    return index


def sheet_index() -> dict[str, str]:
    return {normalise(name): sheet for sheet in SHEETS for name in (sheet, sheet_title(sheet, "fr"), sheet_title(sheet, "en"))}
