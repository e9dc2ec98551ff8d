"""Links between the items of an import: references written as names resolved to ids,
providers named but not described declared with their id only, and relationship rows
(`links` tables) turned into `depends_on` or flows to complete."""

from __future__ import annotations

from typing import Any

from bleu_assess.intake.columns import columns
from bleu_assess.intake.items import Origin, Run, get_path, set_path
from bleu_assess.intake.mapping import SECTIONS
from bleu_assess.intake.reader import Sheet
from bleu_assess.intake.values import is_blank, plain, slug, text_of
from bleu_assess.inventory.schema import Spec


def _ref_fields(section: str) -> list[tuple[str, str]]:
    """(field path, kind of id it refers to) of a section."""
    out = []
    for column in columns(section):
        spec: Spec = column.spec.item if column.spec.type == "list" and column.spec.item else column.spec
        if spec.ref:
            out.append((column.key, spec.ref))
    return out


_KINDS = {"providers": "provider", "platforms": "platform", "applications": "application", "datasets": "dataset"}
# The kinds of item a source may name without describing: declared with their id only
# (`_declare_providers`). An item of another kind named must be described by a table of the import.
DECLARED = ("provider",)


def undescribed(section: str, described: set[str] | frozenset[str]) -> dict[str, str]:
    """Field path -> kind of item (`dataset`, `platform`, `application`), for the reference
    fields of `section` whose items no table of the import can describe: their kind is not
    `DECLARED` and its section is not among `described` (the sections the import reads).
    A column placed on one of these names items that cannot resolve."""
    sections = {kind: section for section, kind in _KINDS.items()}
    return {path: kind for path, kind in _ref_fields(section)
            if kind not in DECLARED and sections[kind] not in described}


def _index(run: Run) -> dict[str, dict[str, str]]:
    """Kind -> plain id or name -> id, for the items read."""
    index: dict[str, dict[str, str]] = {}
    for section, kind in _KINDS.items():
        table = index.setdefault(kind, {})
        for item in run.items[section]:
            if item.get("id"):
                for name in (item.get("name"), item["id"]):
                    if name:
                        table.setdefault(plain(name), item["id"])
    return index


def resolve_references(run: Run) -> None:
    """A reference written as a name (`Dossier patient`) becomes the id of the item of that name."""
    index: dict[str, dict[str, str]] = {}

    def names() -> dict[str, dict[str, str]]:
        # Built on first need: a reference written as an id (the common case) needs no names.
        if not index:
            index.update(_index(run))
        return index

    known = {kind: {str(i.get("id")) for i in run.items.get(kind + "s", [])} for kind in _KINDS.values()}
    described = {section for section in SECTIONS if run.items[section]}
    for section in SECTIONS[1:]:
        refs = [(path, "." in path, kind, known.get(kind, set())) for path, kind in _ref_fields(section)]
        nowhere = undescribed(section, described)
        named: dict[str, list[Origin]] = {}  # field path -> the cells naming items described nowhere
        for position, item in enumerate(run.items[section]):
            for path, nested, kind, ids in refs:
                value = get_path(item, path) if nested else item.get(path)
                if value is None:
                    continue
                values = list(map(str, value)) if isinstance(value, list) else [str(value)]
                if ids.issuperset(values):
                    continue  # ids of items read (the common case): nothing to resolve or declare
                if path in nowhere:
                    named.setdefault(path, []).append(run.origins[(section, position)])
                    continue
                resolved = [v if v in ids else names().get(kind, {}).get(plain(v), v) for v in values]
                origin = run.origins[(section, position)]
                if resolved != values:
                    run.note("renamed", origin.sheet, origin.row, origin.positions.get(path), path, "renamed",
                             count=len(values), names=", ".join(values), ids=", ".join(resolved))
                    set_path(item, path, resolved if isinstance(value, list) else resolved[0])
                unknown = [v for v in resolved if v not in ids]
                if kind in DECLARED and unknown:
                    _declare_providers(run, names(), unknown, origin, path)
        for path, origins in named.items():
            _nowhere(run, origins, path, nowhere[path])


# At most this many of the names a column gives are quoted when no table describes them.
QUOTED = 3


def _nowhere(run: Run, origins: list[Origin], path: str, kind: str) -> None:
    """One error for a column naming items that no table of the import describes (`datasets`
    with no table of datasets), at its first cell, quoting its first names as written: rather
    than one per name, each saying « unknown id », say what to do
    (`intake.error.undescribed.KIND`)."""
    first = origins[0]
    column = first.positions.get(path)
    header = first.sheet.headers.get(column, path) if column is not None else path
    names: dict[str, None] = {}
    rows = dict(first.sheet.rows) if column is not None else {}  # on this error's path only
    for origin in origins:
        cells = rows.get(origin.row, []) if origin.sheet is first.sheet else []
        if column is not None and column < len(cells) and not is_blank(cells[column]):
            names.update((name.strip(), None) for name in text_of(cells[column]).split(";") if name.strip())
        if len(names) > QUOTED:
            break
    shown = tuple(list(names)[:QUOTED]) + (("…",) if len(names) > QUOTED else ())
    run.problems.append(first.sheet.problem(first.row, column, path, f"undescribed.{kind}", column=header,
                                            names=shown, key=slug(header).replace("-", "_")))


def _declare_providers(run: Run, index: dict[str, dict[str, str]], named: list[str], origin: Origin, path: str) -> None:
    """A provider the source names but does not describe is declared with its id only: its
    headquarters and regions stay unknown (validate says so), nothing is assumed."""
    for provider in named:
        if provider in index.setdefault("provider", {}).values():
            continue
        index["provider"][plain(provider)] = provider
        written = run.written.get(provider)
        run.items["providers"].append({"id": provider, "name": written} if written else {"id": provider})
        run.origins[("providers", len(run.items["providers"]) - 1)] = origin
        run.note("declared", origin.sheet, origin.row, origin.positions.get(path), path, "declared", provider=provider)


def apply_links(run: Run) -> None:
    apps = {a["id"]: a for a in run.items["applications"] if a.get("id")}
    index = _index(run)["application"] if apps and run.links else {}
    ignored: dict[str, list[tuple[Sheet, int]]] = {}
    for table, sheet, number, cells, positions in run.links:
        assert table.links is not None

        def cell(role: str, cells: list[Any] = cells, positions: dict[str, int] = positions) -> Any:
            position = positions.get(role)
            return cells[position] if position is not None and position < len(cells) else None

        kind_text = text_of(cell("link.kind")) if not is_blank(cell("link.kind")) else ""
        kind = table.links.kinds.get(plain(kind_text), table.links.default) if kind_text else table.links.default
        if kind in (None, "ignore"):
            ignored.setdefault(kind_text or "(none)", []).append((sheet, number))
            continue
        ends = []
        for role in ("link.from", "link.to"):
            raw = cell(role)
            found = index.get(plain(raw)) if not is_blank(raw) else None
            if found is None:
                run.note("unresolved", sheet, number, positions.get(role), role[5:], "unresolved",
                         name=text_of(raw) if not is_blank(raw) else "", kind=kind_text or kind)
            ends.append(found)
        source, target = ends
        if source is None or target is None or source == target:
            continue
        if kind in ("used_by", "flow_from"):
            source, target = target, source
        if kind in ("depends_on", "used_by"):
            listed = apps[source].setdefault("depends_on", [])
            if target not in listed:
                listed.append(target)
                run.note("link", sheet, number, None, "depends_on", "depends", source=source, target=target)
        else:
            run.note("pending-flow", sheet, number, None, "flows", "pending_flow", source=source, target=target)
            run.result.pending_flows.append((source, target, run.result.notes[-1].where))
    for kind_text, rows in sorted(ignored.items(), key=lambda entry: entry[0]):
        first_sheet, first_row = rows[0]
        run.note("ignored-rows", first_sheet, first_row, None, "", "relations", count=len(rows), kind=kind_text)
