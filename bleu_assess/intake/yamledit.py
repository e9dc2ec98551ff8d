"""Add to a user's inventory file without touching anything else in it.

Imports that update an existing inventory (discovered dependencies, servers, external endpoints)
must keep the file as the user wrote it: indentation, comments, quoting, key order, anchors. The
file is not re-emitted: libyaml's node tree (the same parser that validates it) gives where every
key and item starts and ends, which values are aliases of an anchored node or inherited through a
merge key (`<<: *defaults`). A plain block-style applications section (no anchors, tags, flow
items, quoted or multi-line scalars...) is instead read from the text where the edits look, and
checked against the parsed data: that spares loading PyYAML at all (importing it cost a third as
much as composing the section) on the common case. The edits are spliced into the text as whole
new lines (or, for a one-line `[a, b]` list, that one line), so that `git diff` shows only what
was added. (A
round-trip library re-emits the whole document, and ruamel.yaml's pure-Python loader alone took
longer than scanning the result on the 50,000-row benchmark.)

Never written into while shared: a value inherited through a merge key or an alias gives way to
the application's own list, written in full; a list that is the anchor others alias is extended
only after each alias has become its own copy. Each such edit is said (`notes`); what cannot be
done safely is left alone and listed (`left_out`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from bleu_assess.intake import emit
from bleu_assess.intake.said import usage
from bleu_assess.intake.tally import Said, said

_MERGE = "tag:yaml.org,2002:merge"
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*:(?:\s|$)")
_ITEM = re.compile(r"( *)(-\s+)\S")
# The same after each "\n" of a text whose lines end with "\n" alone: one search over the text
# instead of one match a line (and quick, as it starts with a literal).
_TOP_KEYS = re.compile(r"\n([A-Za-z_][A-Za-z0-9_-]*)[^\S\n]*:(?:\s|$)", re.M)
_MATCHED = itemgetter(1)  # of (line number, match or None)
# What str.splitlines() also takes for a line break.
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]")


class _Unusual(Exception):
    """The applications section uses YAML the text reading does not vouch for: compose it."""


class Node:
    """A node of the applications section with its position (0-based line and column).

    `kind` is "scalar" (value: the string), "seq" (value: the nodes), "map" (value: (key, value)
    node pairs; merge keys marked `merge`; a nested mapping the line reading keeps whole has none)
    or "lazy" (an application read from the text: value, its `_ItemText`, finds a key when asked).
    `start` and `end` are (line, column); `end` is read only for scalars and flow collections (a
    flow collection's end is just after its closing bracket).
    A node aliased in several places is the same object there.
    """

    __slots__ = ("end", "flow", "kind", "merge", "start", "value")

    def __init__(self, kind: str, value: Any, start: tuple[int, int], end: tuple[int, int],
                 flow: bool = False, merge: bool = False) -> None:
        self.kind, self.value, self.start, self.end, self.flow, self.merge = kind, value, start, end, flow, merge


def _composed(text: str) -> Node | None:
    """The `applications` node of `text` as composed by libyaml (None: not a mapping with that key).
    Raises yaml.YAMLError."""
    import yaml

    tags = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
            yaml.MappingNode: "tag:yaml.org,2002:map"}

    class Positions(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """libyaml's node tree with positions; scalars are not typed (only positions, ids and
        merge keys are read), which makes it several times faster on large inventories."""

        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode and value == "<<" and implicit[0]:
                return _MERGE
            return tags[kind]

    memo: dict[int, Node] = {}

    def convert(node: Any) -> Node:
        done = memo.get(id(node))
        if done is None:
            start, end = (node.start_mark.line, node.start_mark.column), (node.end_mark.line, node.end_mark.column)
            if isinstance(node, yaml.ScalarNode):
                done = Node("scalar", node.value, start, end, merge=node.tag == _MERGE)
            elif isinstance(node, yaml.SequenceNode):
                done = Node("seq", [], start, end, bool(node.flow_style))
            else:
                done = Node("map", [], start, end, bool(node.flow_style))
            memo[id(node)] = done  # before the children: an alias inside its own anchor
            if isinstance(node, yaml.SequenceNode):
                done.value.extend(convert(n) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                done.value.extend((convert(k), convert(v)) for k, v in node.value)
        return done

    root = yaml.compose(text, Loader=Positions)
    found = _own(convert(root), "applications") if isinstance(root, yaml.MappingNode) else None
    return found[1] if found else None


# What the reading does not vouch for, anywhere in the section (each search is quick alone):
# tabs and carriage returns, anchors, aliases, tags, block scalars, directives, merge keys...
_UNUSUAL_CHARACTERS = ("\t", "\r", "&", "*", "!", "|", ">", "%", "@", "`", "<<")
# ... flow collections as entries or going on past their line (searches that start with a
# literal are the quick ones) ...
_UNUSUAL_FLOW = (re.compile(r"\n *- +[\[{]"), re.compile(r"\[[^\n\]]*\n"), re.compile(r"\{[^\n}]*\n"))
# ... quoted keys or values (at a line's start, `\n`: the section starts with its own key) ...
# (A search that starts with a class of characters is quick too; `^|` made it try every position.)
_UNUSUAL_QUOTE = re.compile(r"[\n:\-\[,{] *['\"]")
# ... and any line that is not blank, a comment, `key: value`, `- key: value` or `- value` (keys
# that are plain words): plain scalars going on over several lines, `? ` keys, document markers.
# (The key taken whole, `*+`: backtracking into it could only find a shorter one.)
_UNUSUAL_LINE = re.compile(r"\n *(?:-(?! )|[^-\s#A-Za-z_]|[A-Za-z_][A-Za-z0-9_-]*+(?! *:(?: |\n)))")
_ENTRY = re.compile(r"( *)(- +)(.+?) *$")  # a sequence entry, `- value`
_PLAIN_ITEM = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^,\[\]{}#:'\"]*")


@functools.lru_cache(maxsize=256)
def _pattern(text: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(text, flags)


def _scalar(text: str, column: int, line: int) -> Node:
    """The plain scalar `text` (its comment included) starting at `column` and ending on its line
    (as the section passed the `_UNUSUAL_*` checks). Raises _Unusual for what is not one."""
    if text[0] in ",[]{}#" or (text[0] in "-?:" and text[1:2] in ("", " ")):
        raise _Unusual
    comment = text.find(" #")
    value = text if comment < 0 else text[:comment].rstrip()
    if ": " in value or value.endswith(":"):
        raise _Unusual
    return Node("scalar", value, (line, column), (line, column + len(value)))


def _flow_list(text: str, column: int, line: int) -> Node:
    """`[a, b]` (plain items, on its line) starting at `column`; raises _Unusual for anything else."""
    close = text.find("]")
    rest = text[close + 1:]
    if close < 0 or (rest and not rest.lstrip().startswith("#")) or rest[:1] not in ("", " "):
        raise _Unusual
    items = []
    at = column + 1
    if text[1:close].strip():
        for piece in text[1:close].split(","):
            stripped = piece.strip()
            if not _PLAIN_ITEM.fullmatch(stripped):
                raise _Unusual
            begin = at + len(piece) - len(piece.lstrip())
            items.append(Node("scalar", stripped, (line, begin), (line, begin + len(stripped))))
            at += len(piece) + 1
    return Node("seq", items, (line, column), (line, column + close + 1), flow=True)


class _ItemText:
    """One application of a plain block-style section, read only where an edit looks (`own`)."""

    def __init__(self, lines: list[str], section: str, begin: int, end: int, line: int, column: int,
                 parsed: dict[str, Any]) -> None:
        self.lines, self.section, self.begin, self.end = lines, section, begin, end
        self.line, self.column, self.parsed = line, column, parsed

    def own(self, key: str) -> tuple[Node, Node] | None:
        """(key node, value node) of the item's `key`, as libyaml composes it; raises _Unusual
        when the text does not say what the parsed item says."""
        # From the line break ending the line before: a search that starts with a literal is quick.
        found = _pattern(rf"\n[ -]{{{self.column}}}{re.escape(key)} *:(?: +(.*?))? *$", re.M).search(
            self.section, self.begin - 1, self.end)
        if found is None:
            if key in self.parsed:
                raise _Unusual
            return None
        number = self.line + self.section.count("\n", self.begin, found.start() + 1)
        node = Node("scalar", key, (number, self.column), (number, self.column + len(key)))
        rest = found.group(1) or ""
        column = found.start(1) - found.start() - 1
        if not rest or rest[0] == "#":
            value = self._block(number)
        elif rest[0] == "[":
            value = _flow_list(rest, column, number)
        elif rest[0] == "{":
            value = Node("map", [], (number, column), (number, found.end() - found.start() - 1))
        else:
            value = _scalar(rest, column, number)
        parsed = self.parsed.get(key)
        if (value.kind == "seq") != isinstance(parsed, list) or \
                (value.kind == "seq" and [v.value for v in value.value] != [str(v) for v in parsed]):  # type: ignore[union-attr]
            raise _Unusual
        return node, value

    def _block(self, number: int) -> Node:
        """The value of `key:` on line `number`, on the lines below: `- a` entries, a nested
        mapping (kept whole: edits do not read inside it) or nothing (null)."""
        entries: list[Node] = []
        column = -1
        for below in range(number + 1, len(self.lines)):
            text = self.lines[below].rstrip("\n")
            content = text.lstrip(" ")
            if not content or content[0] == "#":
                continue
            indent = len(text) - len(content)
            if indent < self.column or (indent == self.column and content[:2] != "- "):
                break
            entry = _ENTRY.match(text)
            if entry is None or (entries and indent != column):
                if entries:
                    raise _Unusual
                return Node("map", [], (below, indent), (below, indent))
            column = indent
            entries.append(_scalar(entry.group(3), entry.end(2), below))
        if not entries:
            return Node("scalar", "", (number, self.column), (number, self.column))
        return Node("seq", entries, (entries[0].start[0], column), entries[-1].end)


def _read_applications(lines: list[str], start: int, boundary: int, data: Any) -> Node:
    """The applications section (`lines[start]` is `applications:`, up to line `boundary`) as a
    sequence of "lazy" items (`_ItemText`) holding their first line and key column, read only
    where an edit looks: the positions libyaml's composer gives, for a plain block sequence of
    block mappings (see `_UNUSUAL_*`) whose items are those parsed (`data`), with string ids.
    Raises _Unusual otherwise: the caller composes the section with libyaml instead."""
    section = "".join(lines[start:boundary])
    header = lines[start].split(":", 1)[1].split(" #", 1)[0].strip()
    if header or not isinstance(data, list) or not data or any(c in section for c in _UNUSUAL_CHARACTERS) or \
            any(p.search(section) for p in _UNUSUAL_FLOW) or _UNUSUAL_LINE.search(section) or \
            (("'" in section or '"' in section) and _UNUSUAL_QUOTE.search(section)):
        raise _Unusual
    first = re.search(r"^( *)- ", section, re.M)
    dash = len(first.group(1)) if first else 0
    # Items and dedented lines from the line break before them (the section's first line is its key).
    found = list(_pattern(rf"\n {{{dash}}}(- +)").finditer(section))
    if len(found) != len(data) or (dash and _pattern(rf"\n {{0,{dash - 1}}}[^ #\n]").search(
            section, len(lines[start]) - 1)):
        raise _Unusual
    items = []
    line = start
    at = 0
    for index, (match, parsed) in enumerate(zip(found, data)):
        if not isinstance(parsed, dict) or not isinstance(parsed.get("id", ""), str):
            raise _Unusual
        line += section.count("\n", at, match.start() + 1)
        at = match.start() + 1
        end = found[index + 1].start() + 1 if index + 1 < len(found) else len(section)
        column = match.end() - at
        text = _ItemText(lines, section, at, end, line, column, parsed)
        items.append(Node("lazy", text, (line, column), (line, column)))
    return Node("seq", items, (items[0].start[0], dash), (boundary, 0))


def scalar(value: Any) -> str:
    """One YAML scalar, quoted when a plain scalar could read back as something else (intake's
    `emit.scalar`; strings cached, as imports write the same ids many times)."""
    return _string(value) if type(value) is str else emit.scalar(value)


_string = functools.lru_cache(maxsize=65536)(emit.scalar)


def flow(value: Any) -> str:
    """A value in YAML flow style on one line: `[a, b]`, `{k: v}`."""
    kind = type(value)
    if kind is str:  # the commonest first: imports write ids, ports and counts by the thousand
        return _string(value)
    if kind is int:
        return str(value)
    # Keys and items that are strings or integers written without a call of their own (tens of
    # thousands: ids, ports, counts, dates).
    if isinstance(value, dict):
        keys = tuple(value)
        template = _FLOW_MAPPINGS.get(keys) or _template(_FLOW_MAPPINGS, keys, keys, "{", "", "", ", ", "}")
        return template % tuple([_string(v) if type(v) is str else str(v) if type(v) is int else flow(v)
                                 for v in value.values()])
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"  # (a flow's datasets, before the user names them)
        return "[" + ", ".join([_string(v) if type(v) is str else str(v) if type(v) is int else flow(v)
                                for v in value]) + "]"
    return scalar(value)


def block_item(item: dict[str, Any], dash: int, indent: int) -> str:
    """A mapping as a block sequence item, one line a key: `- key: value` at column `dash`, its
    other keys at column `indent`; values that are lists or mappings are written in flow style."""
    if not item:
        return ""
    keys = tuple(item)
    template = _BLOCK_ITEMS.get((keys, dash, indent)) or _template(
        _BLOCK_ITEMS, (keys, dash, indent), keys, "", " " * dash + "- " + " " * (indent - dash - 2), " " * indent,
        "\n", "\n")
    return template % tuple([_string(v) if type(v) is str else flow(v) for v in item.values()])


# The text of mappings by their keys (and columns), values left as `%s`: imports write thousands
# of items with the same keys (flows, their evidence), each key then written once.
_FLOW_MAPPINGS: dict[tuple[Any, ...], str] = {}
_BLOCK_ITEMS: dict[tuple[tuple[Any, ...], int, int], str] = {}


def _template(cache: dict[Any, str], key: Any, keys: tuple[Any, ...], start: str, first: str, other: str,
              between: str, end: str) -> str:
    """`start` `first`key1: %s`between` `other`key2: %s ... `end`, the keys as YAML scalars;
    kept in `cache` under `key` when the keys are all strings (1 == True: only text keys equal
    no key of another type)."""
    text = start + between.join(f"{other if position else first}{scalar(k).replace('%', '%%')}: %s"
                                for position, k in enumerate(keys)) + end
    if len(cache) < 4096 and all(type(k) is str for k in keys):
        cache[key] = text
    return text


@dataclass
class Edit:
    """What an edit did: notes (materialised lists) and what it could not do, with reasons."""

    notes: list[Said] = field(default_factory=list)
    left_out: list[Said] = field(default_factory=list)


class InventoryEditor:
    """Edits of one inventory file's text, applied together by `text()`.

    Positions come from the original text: every edit is an insertion of whole lines before an
    original line, or the replacement of one original line.
    """

    def __init__(self, text: str, file: str, data: Any = None) -> None:
        """`data`: the text already parsed (as `yamlio.parse` gives it), to save a parse."""
        from bleu_assess.inventory import yamlio

        self.file = file
        self.original = text
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        self.data = yamlio.parse(text, file) if data is None else data
        first = next((line.strip() for line in self.lines if line.strip() and not line.lstrip().startswith("#")), "")
        if not isinstance(self.data, dict) or first.startswith("{"):
            raise usage("flow_style_inventory", hint=True, file=file)
        # Top-level keys start at column 0 of a block mapping: their lines bound the sections.
        self.plain_breaks = not any(c in text for c in _OTHER_BREAKS)
        if self.plain_breaks:
            self.top = {}
            line = at = 0
            breaks = "\n" + text  # a line break before each line
            for key in _TOP_KEYS.finditer(breaks):
                line += breaks.count("\n", at, key.start())
                at = key.start()
                self.top[key.group(1)] = line
        else:
            self.top = {m.group(1): n for n, line in enumerate(self.lines) if (m := _TOP_KEY.match(line))}
        self._starts: dict[str, list[tuple[int, int, int]]] = {}
        self.inserts: dict[int, list[str]] = {}
        self.inside_count: dict[int, int] = {}
        self.replaced: dict[int, str] = {}
        self.edit = Edit()
        self._positions(self._applications_node())

    # -- reading positions ---------------------------------------------------------------------
    def _positions(self, apps: Node | None) -> None:
        """Index the applications' nodes by id (and find the nodes shared through anchors)."""
        anchored = "&" in self.original and _ANCHOR.search(self.original)  # the regular expression alone: 20 ms a megabyte
        self.shared = _shared_nodes(apps) if apps is not None and anchored else set()
        self.apps_node = apps
        self._apps: dict[str, tuple[int, Node]] = {}
        for index, item in enumerate(apps.value if apps is not None and apps.kind == "seq" else ()):
            if item.kind == "lazy":  # the id as parsed (a string, as the item was read)
                if "id" in item.value.parsed:
                    self._apps[item.value.parsed["id"]] = (index, item)
                continue
            found = _own(item, "id")
            if found is not None and found[1].kind == "scalar":
                self._apps[found[1].value] = (index, item)

    def _applications_node(self, compose: bool = False) -> Node | None:
        """The `applications` list's node tree with positions: read where edits look when the
        section is plain block style and has the parsed items (`_read_applications`), else (or
        when `compose`) composed by libyaml: only that section (the rest of a large inventory is
        not needed), unless it aliases an anchor defined elsewhere."""
        if "applications" not in self.top:
            return None
        start, boundary = self.top["applications"], self._section_boundary("applications")
        if not compose:
            try:
                return _read_applications(self.lines, start, boundary, self.data.get("applications"))
            except _Unusual:
                pass
        import yaml

        for text in ("\n" * start + "".join(self.lines[start:boundary]), self.original):
            try:
                return _composed(text)
            except yaml.YAMLError:
                continue
        return None

    def values(self, section: str) -> list[dict[str, Any]]:
        """The items of a top-level list, as parsed."""
        items = self.data.get(section)
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def _content_end(self, start: int, boundary: int) -> int:
        """The index of the last line in [start, boundary) that is not blank or a comment."""
        end = boundary - 1
        while end > start and (not self.lines[end].strip() or self.lines[end].lstrip().startswith("#")):
            end -= 1
        return end

    def _section_boundary(self, key: str) -> int:
        """The line where the top-level key after `key` starts (or the end of the file)."""
        here = self.top[key]
        after = [line for line in self.top.values() if line > here]
        return min(after) if after else len(self.lines)

    def _item_starts(self, section: str) -> list[tuple[int, int, int]]:
        """(line, dash column, key column) of each item of a block list section (found once per
        section: the original lines never change)."""
        out = self._starts.get(section)
        if out is not None:
            return out
        start, boundary = self.top[section], self._section_boundary(section)
        out = self._starts[section] = []
        # The lines that start an item, matched and picked out in C (thousands: a section of flows).
        numbered = zip(range(start + 1, boundary), map(_ITEM.match, self.lines[start + 1:boundary]))
        found: re.Match[str]
        for number, found in filter(_MATCHED, numbered):  # type: ignore[assignment]  # None filtered out
            if not out or len(found.group(1)) == out[0][1]:
                out.append((number, len(found.group(1)), found.end(2)))
        return out

    def _item_end(self, section: str, index: int) -> int:
        if section == "applications" and self.apps_node is not None and self.apps_node.kind == "seq":
            items = [(i.start[0],) for i in self.apps_node.value]
        else:
            items = [(line,) for line, _, _ in self._item_starts(section)]
        boundary = items[index + 1][0] if index + 1 < len(items) else self._section_boundary(section)
        return self._content_end(items[index][0], boundary)

    def _dash_and_indent(self, section: str) -> tuple[int, int]:
        """Columns of the `-` and of the keys of a section's items (its first item's, else the
        applications' or 2 and 4)."""
        for name in (section, "applications", "providers", "datasets", "flows", "servers"):
            items = self._item_starts(name) if name in self.top and not self._inline(name) else []
            if items and items[0][2] > items[0][1]:
                return items[0][1], items[0][2]
        return 2, 4

    def _inline(self, section: str) -> str:
        """What follows `section:` on its own line (`[]`, `[…]`), without a comment."""
        return self.lines[self.top[section]].split(":", 1)[1].split(" #", 1)[0].strip()

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
        lines = [block_item(item, dash, indent) for item in items]  # each the lines of one item
        if section not in self.top:
            self._insert(len(self.lines), ["\n", f"{section}:\n", *lines])
        elif self._inline(section) in ("", "[]", "null", "~") and not self._item_starts(section):
            line = self.top[section]  # `section:` or `section: []`, with nothing in it
            self.replaced[line] = f"{section}:\n"
            self._insert(line + 1, lines)
        elif self._inline(section):  # a flow-style list of items: not edited
            self.edit.left_out.append(said("flow-section", section=section, count=len(items)))
        else:
            self._insert(self._item_end(section, len(self._item_starts(section)) - 1) + 1, lines)

    def add_to_list(self, app_id: str, key: str, values: list[str]) -> list[str]:
        """Add `values` (ids) to an application's list `key` (`depends_on`, `datasets`); the
        values actually added (those not already there)."""
        found = self._apps.get(app_id)
        if found is None:
            return []
        index, app = found
        try:
            own = _own(app, key)
        except _Unusual:  # the text is not as plain as it looked: libyaml's positions from now on
            self._positions(self._applications_node(compose=True))
            return self.add_to_list(app_id, key, values)
        inherited = _merged(app, key) if own is None else None
        value = own[1] if own else inherited
        current = [v.value for v in value.value if v.kind == "scalar"] \
            if value is not None and value.kind == "seq" else []
        new = [v for v in dict.fromkeys(values) if v not in current]
        if not new:
            return []
        if own is None:
            if inherited is not None:  # inherited through a merge key: give the application its own list
                self.edit.notes.append(said("merge-key-materialised", app=app_id, field=key))
            if app.flow:
                return new if self._add_flow_key(app_id, app, key, current + new) else []
            self._insert(self._item_end("applications", index) + 1,
                         [" " * app.start[1] + f"{key}: {flow(current + new)}\n"], inside=True)
            return new
        key_node, value = own
        if value.kind != "seq" or value.start < key_node.end:  # not a list, or an alias of one defined above
            aliased = value.kind == "seq"
            self._rewrite_value(key_node.start[0], key, current + new)
            if aliased:
                self.edit.notes.append(said("alias-materialised", app=app_id, field=key))
            return new
        if id(value) in self.shared and not self._materialise_aliases(app_id, key, value, current):
            self.edit.left_out.append(said("anchored-list", app=app_id, field=key, values=", ".join(new)))
            return []
        if value.flow:
            self._extend_flow(value, new)
        else:
            last = value.value[-1]
            dash = self.lines[last.start[0]].rfind("-", 0, last.start[1])
            self._insert(last.end[0] + 1, [" " * dash + "- " + scalar(v) + "\n" for v in new], inside=True)
        return new

    def _materialise_aliases(self, app_id: str, key: str, value: Node, current: list[str]) -> bool:
        """Before extending a list that other items alias (`key: &name [...]` here, `key: *name`
        there), give each of them its own copy of the current values, so that only this
        application gains the new ones. False (nothing done) when an alias is written otherwise."""
        found = re.search(r"&([^\s\[\]{},]+)", self.lines[value.start[0]])
        if found is None:
            return False
        alias = re.compile(rf"^(\s*(?:-\s+)?){re.escape(key)}:\s*\*{re.escape(found.group(1))}\s*(#.*)?$")
        uses = re.compile(rf"\*{re.escape(found.group(1))}(?![^\s\[\]{{}},])")
        lines = [n for n, line in enumerate(self.lines) if uses.search(line)]
        if not lines or not all(alias.match(self.lines[n].rstrip("\n")) for n in lines):
            return False
        for number in lines:
            if number in self.replaced:  # already given its own list by an edit of its own
                continue
            head = alias.match(self.lines[number].rstrip("\n")).group(1)  # type: ignore[union-attr]
            self.replaced[number] = f"{head}{key}: {flow(current)}\n"
        self.edit.notes.append(said("aliases-materialised", app=app_id, field=key, count=len(lines)))
        return True

    def _add_flow_key(self, app_id: str, app: Node, key: str, values: list[str]) -> bool:
        """`- {id: a, name: A}` on one line gets `, key: [...]` before its closing brace."""
        line = app.start[0]
        text = self.replaced.get(line, self.lines[line])
        close = text.rfind("}")
        if close < 0 or app.end[0] != line or text.count("{") != text.count("}"):
            self.edit.left_out.append(said("flow-mapping", app=app_id, field=key, values=", ".join(values)))
            return False
        self.replaced[line] = text[:close].rstrip() + f", {key}: {flow(values)}" + text[close:]
        return True

    def _rewrite_value(self, line: int, key: str, values: list[str]) -> None:
        text = self.replaced.get(line, self.lines[line])
        indent = len(text) - len(text.lstrip())
        comment = re.search(r"\s+#.*$", text.rstrip("\n"))
        self.replaced[line] = " " * indent + f"{key}: {flow(values)}" + (comment.group() if comment else "") + "\n"

    def _extend_flow(self, value: Node, new: list[str]) -> None:
        line = value.end[0]  # the closing bracket's line
        text = self.replaced.get(line, self.lines[line])
        close = value.end[1] - 1
        head = text[:close].rstrip()
        separator = "" if head.endswith(("[", ",")) else ", "
        self.replaced[line] = head + separator + ", ".join(scalar(v) for v in new) + text[close:]

    def text(self) -> str:
        """The edited text: the original lines, with insertions and replacements applied."""
        out: list[str] = []
        start = 0  # the first original line not yet copied
        for number in sorted(self.inserts.keys() | self.replaced.keys()):
            out.extend(self.lines[start:number])
            out.extend(self.inserts.get(number, ()))
            if number < len(self.lines):
                out.append(self.replaced.get(number, self.lines[number]))
            start = number + 1
        out.extend(self.lines[start:])
        result = "".join(out)
        if self.original and not self.original.endswith("\n") and len(self.lines) not in self.inserts:
            result = result[:-1]  # the file had no final line break and nothing was added after it
        return result


def _own(node: Node, key: str) -> tuple[Node, Node] | None:
    """(key node, value node) of a mapping's own key (not one inherited through `<<`); raises
    _Unusual when a lazy item's text is not what it looked like."""
    if node.kind == "lazy":
        return node.value.own(key)
    if node.kind == "map":
        for key_node, value_node in node.value:
            if key_node.kind == "scalar" and key_node.value == key and not key_node.merge:
                return key_node, value_node
    return None


def _merged(node: Node, key: str) -> Node | None:
    """The value of `key` a mapping inherits through merge keys (`<<: *a` or `<<: [*a, *b]`)."""
    for key_node, value_node in node.value if node.kind == "map" else ():
        if key_node.kind == "scalar" and key_node.value == "<<":
            sources = value_node.value if value_node.kind == "seq" else [value_node]
            for source in sources:
                found = _own(source, key) or ((None, _merged(source, key)) if _merged(source, key) else None)
                if found:
                    return found[1]
    return None


def _shared_nodes(root: Node) -> set[int]:
    """Ids of the nodes that appear more than once in the tree (anchored and aliased)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if node.kind == "map":
            stack.extend(n for pair in node.value for n in pair)
        elif node.kind == "seq":
            stack.extend(node.value)
    return shared
