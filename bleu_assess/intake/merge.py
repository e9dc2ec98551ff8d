"""Writing what an import found: into an existing inventory (touching only the lines it adds,
`yamledit`) or into a new one; the result is validated before anything is written.

Items whose id the inventory already has are not written again (the user's version wins) and
are counted in the report's notes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bleu_assess import inputs
from bleu_assess.intake.said import usage
from bleu_assess.intake.tally import ImportReport, said
from bleu_assess.intake.yamledit import InventoryEditor, scalar
from bleu_assess.inventory import model, yamlio
from bleu_assess.inventory.schema import EDITOR_LINE

# Sections in the order they are appended when missing.
SECTIONS = ("providers", "applications", "datasets", "flows", "servers")


@dataclass
class Additions:
    """Items to add per section (mappings as they will be written), and ids to add to
    applications' lists (`depends_on`, `datasets`)."""

    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lists: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (app id, key) -> ids

    def add(self, section: str, item: dict[str, Any]) -> None:
        self.items.setdefault(section, []).append(item)

    def extend(self, section: str, items: list[dict[str, Any]]) -> None:
        """`add` of each item (in one call: thousands of discovered flows)."""
        if items:
            self.items.setdefault(section, []).extend(items)

    def link(self, app_id: str, key: str, target: str) -> None:
        self.link_all(key, [(app_id, target)])

    def link_all(self, key: str, pairs: list[tuple[str, str]]) -> None:
        """`link` of each (application id, target) pair."""
        lists = self.lists
        for app_id, target in pairs:
            values = lists.setdefault((app_id, key), [])
            if target not in values:
                values.append(target)


def new_inventory(organisation: str | None, source: str, kind: str, lang: str = "en") -> str:
    """The text of a new inventory, with a comment in `lang` naming its source file and its sha256."""
    from bleu_assess.render.i18n import t

    if not organisation:
        raise usage("new_inventory_needs_organisation", hint=True)
    digest = hashlib.sha256(inputs.read_bytes(Path(source), source)).hexdigest() if Path(source).is_file() else ""
    head = t("discovery.new_inventory", lang, kind=kind, file=Path(source).name, sha256=digest[:16])
    return "".join(f"# {line}\n" for line in head.splitlines()) + f"{EDITOR_LINE}\n" + \
        f"format: {model.FORMAT}\n\norganisation:\n  name: {scalar(organisation)}\n"


def _fold(additions: Additions) -> None:
    """New applications carry their own lists (datasets, depends_on), written before their tags
    and extra, rather than as edits after them."""
    apps = {a["id"]: a for a in additions.items.get("applications", ())}
    for (app_id, key), values in list(additions.lists.items()):
        app = apps.get(app_id)
        if app is None:
            continue
        tail: dict[str, Any] = {k: app.pop(k) for k in ("tags", "extra") if k in app}
        app[key] = list(dict.fromkeys([*app.get(key, []), *values]))
        app.update(tail)
        del additions.lists[(app_id, key)]


def _keys(section: str, items: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """What tells the items of a section apart: (from, to) of a flow, (id,) of any other item."""
    if section == "flows":
        return [(str(i.get("from")), str(i.get("to"))) for i in items]
    return [(str(i.get("id")),) for i in items]


@dataclass
class Merged:
    """The edited text, and the same inventory as data (the parsed input plus what was added),
    validated without parsing the text again."""

    text: str
    data: dict[str, Any]


def apply(text: str, file: str, additions: Additions, report: ImportReport, data: Any = None) -> Merged:
    """`text` (parsed: `data`) with the additions spliced in; counts of what was added go to
    `report.added`."""
    editor = InventoryEditor(text, file, data)
    merged = dict(editor.data)
    _fold(additions)
    for section in SECTIONS:
        existing = set(_keys(section, editor.values(section)))
        fresh = []
        items = additions.items.get(section, [])
        for item, key in zip(items, _keys(section, items)):
            if key in existing:
                report.notes.append(said("already-known", section=section, field=" -> ".join(key)))
                continue
            existing.add(key)
            fresh.append(item)
        editor.append_items(section, fresh)
        if fresh:
            report.added[section] = report.added.get(section, 0) + len(fresh)
            merged[section] = [*(merged.get(section) or []), *fresh]
    apps = {a.get("id"): i for i, a in enumerate(merged.get("applications") or []) if isinstance(a, dict)}
    for (app_id, list_name), values in sorted(additions.lists.items()):
        added = editor.add_to_list(app_id, list_name, values)
        if added:
            report.added[list_name] = report.added.get(list_name, 0) + len(added)
            if merged["applications"] is editor.data.get("applications"):
                merged["applications"] = list(merged["applications"])
            app = dict(merged["applications"][apps[app_id]])
            app[list_name] = [*(app.get(list_name) or []), *added]
            merged["applications"][apps[app_id]] = app
    report.notes.extend(editor.edit.notes)
    report.not_done.extend(editor.edit.left_out)
    _unknowns(merged, report)
    return Merged(editor.text(), merged)


def _unknowns(data: dict[str, Any], report: ImportReport) -> None:
    """Say what the inventory, as merged, still does not know about its applications: an
    infrastructure import alone cannot tell what data they hold or, without servers, where they run."""
    apps = [a for a in data.get("applications") or [] if isinstance(a, dict)]
    hosted = {app for s in data.get("servers") or [] if isinstance(s, dict) and s.get("hosting")
              for app in s.get("applications") or []}
    for code, missing in (("unknown-data", [a["id"] for a in apps if not a.get("datasets")]),
                          ("unknown-hosting", [a["id"] for a in apps if not a.get("hosting") and a["id"] not in hosted])):
        if missing:
            shown = ", ".join(str(m) for m in missing[:5]) + (", …" if len(missing) > 5 else "")
            report.notes.append(said(code, count=len(missing), examples=shown))


def write_result(merged: Merged, output: str, inventory: str | None) -> None:
    """Validate the merged inventory (nothing is written on failure; errors located in its
    text). When it is invalid because the inventory it was merged into is, that inventory's own
    located errors are raised instead. Checked as `validate -q` checks (fastcheck.check: the
    compiled validator on a large inventory, the walker's located errors on an invalid one; no
    model built, no warning looked for: neither is used here)."""
    from bleu_assess.errors import InventoryError
    from bleu_assess.inventory import fastcheck
    from bleu_assess.inventory.walker import Document

    try:
        fastcheck.check([Document(output, merged.text, merged.data)], warnings=False)
    except InventoryError:
        if inventory is not None:
            from bleu_assess.inventory.load import load_inventory

            load_inventory(inventory)
        raise


def base_text(inventory: str | None, organisation: str | None, source: str, kind: str,
              lang: str = "en") -> tuple[str, str, Any]:
    """(text, display name, parsed data) of the inventory to add to: the user's single-file
    inventory as written (validated with the result, see `write_result`), or a new one (its
    top comment in `lang`)."""
    if inventory is None:
        text = new_inventory(organisation, source, kind, lang)
        return text, source, yamlio.parse(text, source)
    path = Path(inventory)
    if path.is_dir():
        raise usage("directory_inventory", hint=True, inventory=inventory)
    from bleu_assess import output
    from bleu_assess.inventory.load import read_file

    output.register_input(inventory)
    _, text, data = read_file(path, inventory)  # a table given as the inventory is refused as one
    return text, inventory, data


def format_of(inventory: str | None) -> str:
    """The format version an import writes in: that of `inventory` (a single file), or the
    current one (model.FORMAT) for a new inventory. Raises UsageError/InputError as base_text."""
    if inventory is None:
        return model.FORMAT
    fmt = base_text(inventory, None, inventory, "")[2]
    fmt = fmt.get("format") if isinstance(fmt, dict) else None
    return fmt if fmt in model.FORMATS else model.FORMAT


def import_into(inventory: str | None, organisation: str | None, source: str, kind: str, additions: Additions,
                report: ImportReport, output: str, lang: str = "en") -> str:
    """The inventory text with `additions` (into `inventory` as written, or a new one, its top
    comment in `lang`), validated."""
    text, display, data = base_text(inventory, organisation, source, kind, lang)
    merged = apply(text, display, additions, report, data)
    write_result(merged, output, inventory)
    return merged.text
