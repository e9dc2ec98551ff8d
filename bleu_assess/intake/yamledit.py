"""Add to a user's inventory file without touching anything else in it.

Imports that update an existing inventory (discovered dependencies, servers, external endpoints)
must keep the file as the user wrote it: indentation, comments, quoting, key order, anchors. The
file is read with ruamel.yaml's round-trip loader, which knows where every key and item starts,
which values are anchored, aliased or inherited through a merge key (`<<: *defaults`); the edits
are then spliced into the text as whole new lines (or, for a one-line `[a, b]` list, that one
line), so that `git diff` shows only what was added.

Never written into: an anchored or aliased node, or a value inherited through a merge key
(another item would silently change too). The application then gets its own list, written in
full, and the edit says so (`notes`). A flow-style application (`- {id: a, name: A}`) is not
edited (`left_out`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bleu_assess.errors import Diagnostic, InputError

# A plain scalar is written unquoted only when it reads back as the same string.
_PLAIN = re.compile(r"^[A-Za-z0-9_./@()][A-Za-z0-9 _./@()'+-]*$")
_SECTIONS = ("organisation", "providers", "platforms", "applications", "datasets", "flows", "servers")


def scalar(value: Any) -> str:
    """One YAML scalar, quoted when a plain scalar would read back as something else (a number,
    a boolean, null, or YAML 1.1's yes/no, which other tools still apply)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and not text.endswith(" ") and yaml.safe_load(text) == text and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    """A value in YAML flow style on one line: `[a, b]`, `{k: v}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def block_item(item: dict[str, Any], dash: int, indent: int) -> list[str]:
    """A mapping as a block sequence item: `- key: value` at column `dash`, its other keys at
    column `indent`; values that are lists or mappings are written in flow style."""
    lines = []
    for position, (key, value) in enumerate(item.items()):
        prefix = " " * dash + "- " + " " * (indent - dash - 2) if position == 0 else " " * indent
        lines.append(f"{prefix}{scalar(key)}: {flow(value)}\n")
    return lines


@dataclass
class Edit:
    """What an edit did: notes (materialised lists) and what it could not do, with reasons."""

    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


class InventoryEditor:
    """Edits of one inventory file's text, applied together by `text()`.

    Positions come from the original text: every edit is an insertion of whole lines before an
    original line, or the replacement of one original line.
    """

    def __init__(self, text: str, file: str) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        self.file = file
        self.original = text
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        try:
            self.doc = YAML().load(text)
        except YAMLError as error:  # the inventory was validated before: only a YAML 1.1/1.2 corner case
            raise InputError("cannot edit", [Diagnostic(file, None, None, "", f"cannot edit this file: {error}")]) from None
        self.inserts: dict[int, list[str]] = {}
        self.inside_count: dict[int, int] = {}
        self.replaced: dict[int, str] = {}
        self.edit = Edit()
        self._apps = {str(a.get("id")): (i, a) for i, a in enumerate(self.doc.get("applications") or [])
                      if hasattr(a, "get")}

    # -- reading positions ---------------------------------------------------------------------
    def _content_end(self, start: int, boundary: int) -> int:
        """The index of the last line in [start, boundary) that is not blank or a comment."""
        end = boundary - 1
        while end > start and (not self.lines[end].strip() or self.lines[end].lstrip().startswith("#")):
            end -= 1
        return end

    def _section_boundary(self, key: str) -> int:
        """The line where the top-level key after `key` starts (or the end of the file)."""
        keys = list(self.doc.keys())
        here = self.doc.lc.key(key)[0]
        after = [self.doc.lc.key(k)[0] for k in keys if self.doc.lc.key(k)[0] > here]
        return min(after) if after else len(self.lines)

    def _item_end(self, section: str, index: int) -> int:
        seq = self.doc[section]
        boundary = seq.lc.item(index + 1)[0] if index + 1 < len(seq) else self._section_boundary(section)
        return self._content_end(seq.lc.item(index)[0], boundary)

    def _dash_and_indent(self, section: str) -> tuple[int, int]:
        """Columns of the `-` and of the keys of a section's items (its first item's, else the
        applications' or 2 and 4)."""
        for name in (section, "applications", "providers", "datasets", "flows", "servers"):
            seq = self.doc.get(name)
            if seq and hasattr(seq, "lc") and hasattr(seq[0], "fa") and not seq[0].fa.flow_style():
                line, column = seq.lc.item(0)
                dash = self.lines[line].rfind("-", 0, column)
                if dash >= 0:
                    return dash, column
        return 2, 4

    # -- edits ---------------------------------------------------------------------------------
    def _insert(self, before: int, lines: list[str], inside: bool = False) -> None:
        """Insert lines before line `before`; lines that belong to the item ending just above
        (`inside`) go before any new item inserted at the same place."""
        pending = self.inserts.setdefault(before, [])
        if inside:
            at = self.inside_count.get(before, 0)
            pending[at:at] = lines
            self.inside_count[before] = at + len(lines)
        else:
            pending.extend(lines)

    def append_items(self, section: str, items: list[dict[str, Any]]) -> None:
        """Append items to a top-level list (created at the end of the file when missing)."""
        if not items:
            return
        dash, indent = self._dash_and_indent(section)
        lines = [line for item in items for line in block_item(item, dash, indent)]
        seq = self.doc.get(section)
        if section in self.doc and seq:
            self._insert(self._item_end(section, len(seq) - 1) + 1, lines)
        elif section in self.doc:  # `section:` or `section: []`, with nothing in it
            line = self.doc.lc.key(section)[0]
            self.replaced[line] = f"{section}:\n"
            self._insert(line + 1, lines)
        else:
            self._insert(len(self.lines), ["\n", f"{section}:\n", *lines])

    def add_to_list(self, app_id: str, key: str, values: list[str]) -> list[str]:
        """Add `values` (ids) to an application's list `key` (`depends_on`, `datasets`); the
        values actually added (those not already there)."""
        found = self._apps.get(app_id)
        if found is None:
            return []
        index, app = found
        current = list(app.get(key) or [])
        new = [v for v in dict.fromkeys(values) if v not in current]
        if not new:
            return []
        own = key in getattr(app, "_ok", set(app.keys()))
        if not own and app.fa.flow_style():
            return new if self._add_flow_key(app_id, app, key, current + new) else []
        value = app.get(key)
        if not own:
            if key in app:  # inherited through a merge key: give the application its own list
                self.edit.notes.append(f"{app_id}: '{key}' was inherited through a merge key (<<); the application "
                                       f"now has its own list, with the inherited values")
            self._add_key(index, app, key, current + new)
            return new
        key_line = app.lc.key(key)[0]
        if value is None or not current and not hasattr(value, "lc"):
            self._rewrite_value(key_line, key, current + new)
            return new
        anchored = getattr(getattr(value, "anchor", None), "value", None)
        aliased = value.lc.line < key_line
        if aliased:
            self._rewrite_value(key_line, key, current + new)
            self.edit.notes.append(f"{app_id}: '{key}' was an alias (*{anchored}) shared with other items; the "
                                   "application now has its own list")
            return new
        if anchored:
            self.edit.left_out.append(f"{app_id}: {key} += {', '.join(new)} (its list is anchored (&{anchored}) and "
                                      "shared with other items; add it by hand where it belongs)")
            return []
        if value.fa.flow_style():
            self._extend_flow(value, new)
        else:
            last_line, column = value.lc.item(len(value) - 1)
            dash = self.lines[last_line].rfind("-", 0, column)
            self._insert(last_line + 1, [" " * dash + "- " + scalar(v) + "\n" for v in new], inside=True)
        return new

    def _add_flow_key(self, app_id: str, app: Any, key: str, values: list[str]) -> bool:
        """`- {id: a, name: A}` on one line gets `, key: [...]` before its closing brace."""
        line = app.lc.line
        text = self.replaced.get(line, self.lines[line])
        close = text.rfind("}")
        if close < 0 or text.count("{") != text.count("}"):
            self.edit.left_out.append(f"{app_id}: {key} += {', '.join(values)} (the application is a flow mapping "
                                      "{…} over several lines; add it by hand)")
            return False
        self.replaced[line] = text[:close].rstrip() + f", {key}: {flow(values)}" + text[close:]
        return True

    def _add_key(self, index: int, app: Any, key: str, values: list[str]) -> None:
        column = app.lc.col
        self._insert(self._item_end("applications", index) + 1, [" " * column + f"{key}: {flow(values)}\n"], inside=True)

    def _rewrite_value(self, line: int, key: str, values: list[str]) -> None:
        text = self.replaced.get(line, self.lines[line])
        indent = len(text) - len(text.lstrip())
        comment = re.search(r"\s+#.*$", text.rstrip("\n"))
        self.replaced[line] = " " * indent + f"{key}: {flow(values)}" + (comment.group() if comment else "") + "\n"

    def _extend_flow(self, value: Any, new: list[str]) -> None:
        line, column = value.lc.line, value.lc.col
        text = self.replaced.get(line, self.lines[line])
        close = text.find("]", column)
        while close < 0:  # a flow list over several lines: its last line holds the bracket
            line += 1
            text = self.replaced.get(line, self.lines[line])
            close = text.find("]")
        head = text[:close].rstrip()
        separator = "" if head.endswith(("[", ",")) else ", "
        self.replaced[line] = head + separator + ", ".join(scalar(v) for v in new) + text[close:]

    def text(self) -> str:
        """The edited text: the original lines, with insertions and replacements applied."""
        out = []
        for number, line in enumerate(self.lines):
            out.extend(self.inserts.get(number, ()))
            out.append(self.replaced.get(number, line))
        out.extend(self.inserts.get(len(self.lines), ()))
        result = "".join(out)
        if self.original and not self.original.endswith("\n") and len(self.lines) not in self.inserts:
            result = result[:-1]  # the file had no final line break and nothing was added after it
        return result
