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

from bleu_assess import model, yamlio
from bleu_assess.errors import UsageError
from bleu_assess.intake.tally import ImportReport
from bleu_assess.intake.yamledit import InventoryEditor, scalar

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

    def link(self, app_id: str, key: str, target: str) -> None:
        values = self.lists.setdefault((app_id, key), [])
        if target not in values:
            values.append(target)


def new_inventory(organisation: str | None, source: str, kind: str) -> str:
    """The text of a new inventory, with a comment naming its source file and its sha256."""
    if not organisation:
        raise UsageError("a new inventory needs the organisation's name",
                         hint="give --organisation NAME, or merge into an inventory with --inventory FILE")
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest() if Path(source).is_file() else ""
    return (f"# Imported by bleu-assess import {kind} from {Path(source).name} (sha256 {digest[:16]}).\n"
            "# Discovered items are tagged `discovered`; suggestions are tagged `suggested`: check them.\n"
            f"format: {model.FORMAT_V1}\n\norganisation:\n  name: {scalar(organisation)}\n")


def _fold(additions: Additions) -> None:
    """New applications carry their own lists (datasets, depends_on), written before their tags
    and extra, rather than as edits after them."""
    apps = {a["id"]: a for a in additions.items.get("applications", ())}
    for (app_id, key), values in list(additions.lists.items()):
        app = apps.get(app_id)
        if app is None:
            continue
        tail = {k: app.pop(k) for k in ("tags", "extra") if k in app}
        app[key] = list(dict.fromkeys([*app.get(key, []), *values]))
        app.update(tail)
        del additions.lists[(app_id, key)]


def _key(section: str, item: dict[str, Any]) -> tuple[str, ...]:
    return (str(item.get("from")), str(item.get("to"))) if section == "flows" else (str(item.get("id")),)


def apply(text: str, file: str, additions: Additions, report: ImportReport) -> str:
    """`text` with the additions spliced in; counts of what was added go to `report.added`."""
    editor = InventoryEditor(text, file)
    doc = editor.doc
    _fold(additions)
    for section in SECTIONS:
        existing = {_key(section, i) for i in (doc.get(section) or []) if hasattr(i, "get")}
        fresh = []
        for item in additions.items.get(section, ()):
            key = _key(section, item)
            if key in existing:
                report.notes.append(f"{section}: {' -> '.join(key)} is already in the inventory (kept as written)")
                continue
            existing.add(key)
            fresh.append(item)
        editor.append_items(section, fresh)
        if fresh:
            report.added[section] = report.added.get(section, 0) + len(fresh)
    for (app_id, key), values in sorted(additions.lists.items()):
        added = editor.add_to_list(app_id, key, values)
        if added:
            report.added[key] = report.added.get(key, 0) + len(added)
    report.notes.extend(editor.edit.notes)
    report.not_done.extend(editor.edit.left_out)
    return editor.text()


def write_result(text: str, output: str) -> None:
    """Validate the merged text as an inventory (located errors, nothing written on failure)."""
    from bleu_assess.validate import Document, validate

    validate([Document(output, text, yamlio.parse(text, output))], output)


def base_text(inventory: str | None, organisation: str | None, source: str, kind: str) -> tuple[str, str]:
    """(text, display name) of the inventory to add to: the user's single-file inventory as
    written, or a new one."""
    if inventory is None:
        return new_inventory(organisation, source, kind), source
    path = Path(inventory)
    if path.is_dir():
        raise UsageError(f"cannot merge into {inventory}: it is a directory inventory",
                         hint="imports merge into a single-file inventory, whose comments and layout are kept")
    from bleu_assess import api

    api.load(inventory)  # the inventory must be valid before anything is added to it
    return yamlio.decode(yamlio.read_bytes(path, inventory), inventory), inventory


def import_into(inventory: str | None, organisation: str | None, source: str, kind: str, additions: Additions,
                report: ImportReport, output: str) -> str:
    """The inventory text with `additions` (into `inventory` as written, or a new one), validated."""
    text, display = base_text(inventory, organisation, source, kind)
    merged = apply(text, display, additions, report)
    write_result(merged, output)
    return merged
