"""Column mappings as data: which sheet feeds which section of the inventory, which source
column feeds which field, value translations, constants, and the relationships between rows.
Shipped presets live in `bleu_assess/intake/presets/NAME.yaml`; a user's mapping file has the
same form (documented in docs/interop.md, "Mapping files"). Errors in a mapping file are
located at its line and column."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake import said
from bleu_assess.intake.columns import columns
from bleu_assess.intake.said import refused
from bleu_assess.intake.values import plain
from bleu_assess.inventory import yamlio
from bleu_assess.inventory.walker import closest

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
SECTIONS = ("organisation", "providers", "platforms", "applications", "datasets", "flows")
LINK_KINDS = ("depends_on", "used_by", "flow_to", "flow_from", "ignore")
FORMAT = "bleu-assess-mapping/v1"
TEMPLATE = "template"  # the preset of our own workbook (`export template`): `import xlsx` and `import csv`


@dataclass(frozen=True, slots=True)
class Pair:
    """Numbered column pairs folded into one mapping field: `Tag Category 3` / `Tag 3` -> tags."""

    key: re.Pattern[str]
    value: re.Pattern[str]
    field: str


@dataclass(frozen=True, slots=True)
class Links:
    """Rows that link two items (a relationship table): `source` and `target` columns name
    applications (by id or name); `kind` holds the relation, translated by `kinds`
    (depends_on, used_by, flow_to, flow_from, ignore)."""

    source: str
    target: str
    kind: str | None
    kinds: dict[str, str]
    default: str | None


@dataclass(frozen=True, slots=True)
class Table:
    """One source table -> one section. Header names and values are compared by `plain()`."""

    section: str  # an inventory section, or "links"
    sheets: tuple[str, ...] = ()  # plain names the sheet or file name must equal or contain; () = any
    requires: tuple[str, ...] = ()  # plain headers that must be present
    header_row: int | None = None  # None: the first row with a value
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)  # plain header -> plain accepted values
    columns: dict[str, str] = field(default_factory=dict)  # plain header -> field path, "extra.KEY" or "ignore"
    headers: dict[str, str] = field(default_factory=dict)  # plain header -> as written in the mapping
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> plain source value -> value
    constants: dict[str, Any] = field(default_factory=dict)
    by_field_name: bool = False  # headers named after the format's fields (English or French) are placed
    group_by: str | None = None  # rows with the same value of this field are one item
    pairs: tuple[Pair, ...] = ()
    links: Links | None = None
    extra: bool = True  # columns not placed go to `extra` (else they are reported as ignored)
    fallback: bool = False  # takes a lone table whose name matches no table
    sheet_names: tuple[str, ...] = ()  # `sheets` as written, for messages


@dataclass(frozen=True, slots=True)
class Mapping:
    name: str
    description: str
    source: str  # "preset NAME" or the file's path
    sha256: str
    tables: tuple[Table, ...]


def presets() -> list[str]:
    """Names of the shipped presets."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def load(name_or_path: str) -> Mapping:
    """A preset by name, or a mapping file. Raises InputError, located in the file."""
    path = Path(name_or_path)
    if not path.exists() and (PRESETS_DIR / f"{name_or_path}.yaml").is_file():
        return _load(PRESETS_DIR / f"{name_or_path}.yaml", f"preset {name_or_path}")
    if not path.exists() and not name_or_path.endswith((".yaml", ".yml")):
        raise refused(name_or_path, "unknown_mapping", hint=closest(name_or_path, presets()), presets=tuple(presets()))
    return _load(path, name_or_path)


def _load(path: Path, display: str) -> Mapping:
    shown = display if not display.startswith("preset ") else str(path)
    raw = yamlio.read_bytes(path, shown)
    text = yamlio.decode(raw, shown)
    data = yamlio.parse(text, shown)
    problems: list[Diagnostic] = []
    nodes: list[Any] = []  # the text composed once a problem needs locating (a valid mapping never does)

    def problem(where: tuple[Any, ...], code: str, **params: Any) -> None:
        if not nodes:
            nodes.append(yamlio.compose_unchecked(text))
        line, column = yamlio.locate(nodes[0], where)
        problems.append(said.problem(shown, line, column, yamlio.format_path(where), code, **params))

    tables: list[Table] = []
    if not isinstance(data, dict) or not isinstance(data.get("tables"), list) or not data["tables"]:
        problem(("tables",), "mapping_tables")
    else:
        for index, entry in enumerate(data["tables"]):
            table = _table(entry, ("tables", index), problem)
            if table:
                tables.append(table)
    if problems:
        raise InputError(problems[0].message, problems)
    name = str(data.get("mapping") or path.stem)
    return Mapping(name, str(data.get("description") or ""), display, hashlib.sha256(raw).hexdigest(), tuple(tables))


def _fields(section: str) -> dict[str, Any]:
    return {c.key: c for c in columns(section)}


def _names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else ([] if value is None else [value])
    return tuple(plain(v) for v in items)


def _table(entry: Any, where: tuple[Any, ...], problem: Any) -> Table | None:
    if not isinstance(entry, dict):
        problem(where, "mapping_table")
        return None
    known = {"section", "sheets", "requires", "header_row", "where", "columns", "values", "constants",
             "by_field_name", "group_by", "pairs", "links", "extra", "fallback", "description"}
    for key in entry:
        if key not in known:
            problem((*where, key), "mapping_unknown_key", name=str(key), hint=closest(str(key), sorted(known)))
    section = entry.get("section")
    if section not in (*SECTIONS, "links"):
        problem((*where, "section"), "expected_one_of", options=(*SECTIONS, "links"))
        return None
    fields = {} if section == "links" else _fields(section)

    def check_field(target: str, at: tuple[Any, ...]) -> bool:
        if target == "ignore" or target.startswith("extra.") or target in fields:
            return True
        problem(at, "mapping_unknown_field", field=target, section=section, hint=closest(target, sorted(fields)))
        return False

    def mapping_at(key: str) -> dict[Any, Any]:
        value = entry.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            problem((*where, key), "mapping_expected_mapping", name=key)
            return {}
        return value

    def list_at(key: str) -> list[Any]:
        value = entry.get(key)
        if value is None:
            return []
        if isinstance(value, (str, int, float)) and key in ("sheets", "requires"):
            return [value]
        if not isinstance(value, list):
            problem((*where, key), "mapping_expected_list")
            return []
        return value

    mapped: dict[str, str] = {}
    headers: dict[str, str] = {}
    for header, target in mapping_at("columns").items():
        if check_field(str(target), (*where, "columns", header)):
            mapped[plain(header)] = str(target)
            headers[plain(header)] = str(header)
    values: dict[str, dict[str, Any]] = {}
    for target, table in mapping_at("values").items():
        if not isinstance(table, dict):
            problem((*where, "values", target), "mapping_expected_values")
        elif check_field(str(target), (*where, "values", target)):
            values[str(target)] = {plain(k): v for k, v in table.items()}
    constants = {}
    for target, value in mapping_at("constants").items():
        if check_field(str(target), (*where, "constants", target)):
            constants[str(target)] = value
    pairs = []
    for index, pair in enumerate(list_at("pairs")):
        try:
            found = Pair(re.compile(pair["key"], re.I), re.compile(pair["value"], re.I), str(pair["field"]))
        except (KeyError, TypeError, re.error) as exc:
            problem((*where, "pairs", index), "mapping_expected_pair", error=str(exc))
            continue
        if check_field(found.field, (*where, "pairs", index, "field")):
            pairs.append(found)
    links = None
    if section == "links":
        spec = entry.get("links")
        if not isinstance(spec, dict) or "from" not in spec or "to" not in spec:
            problem((*where, "links"), "mapping_links")
            return None
        declared = spec.get("kinds") or {}
        if not isinstance(declared, dict):
            problem((*where, "links", "kinds"), "mapping_link_kinds", options=LINK_KINDS)
            declared = {}
        kinds = {plain(k): str(v) for k, v in declared.items()}
        for source_kind, kind in declared.items():
            if str(kind) not in LINK_KINDS:
                problem((*where, "links", "kinds", source_kind), "expected_one_of", options=LINK_KINDS)
        default = spec.get("default")
        if default is not None and default not in LINK_KINDS:
            problem((*where, "links", "default"), "expected_one_of", options=LINK_KINDS)
        links = Links(plain(spec["from"]), plain(spec["to"]), plain(spec["kind"]) if spec.get("kind") else None,
                      kinds, default)
        headers.update({plain(spec[k]): str(spec[k]) for k in ("from", "to", "kind") if spec.get(k)})
    header_row = entry.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        problem((*where, "header_row"), "mapping_header_row")
        header_row = None
    where_rows = {plain(k): _names(v) for k, v in mapping_at("where").items()}
    headers.update({plain(k): str(k) for k in mapping_at("where")})
    requires = list_at("requires")
    headers.update({plain(k): str(k) for k in requires})
    return Table(section, _names(list_at("sheets")), _names(requires), header_row, where_rows,
                 mapped, headers, values, constants, bool(entry.get("by_field_name")),
                 str(entry["group_by"]) if entry.get("group_by") else None, tuple(pairs), links,
                 entry.get("extra", "keep") != "ignore", bool(entry.get("fallback")),
                 tuple(str(name) for name in list_at("sheets")))
