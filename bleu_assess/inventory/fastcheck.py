"""Validation of large inventories by columns against the inventory's JSON Schema, the located
walker only for documents it rejects.

The located walker (inventory/validate.py) checks every scalar in Python: about a third of
`scan` at 10,000 applications. Here the inventory's JSON Schema -- the one `bleu-assess schema`
gives editors, from the same format description (inventory/schema.py) -- is checked by columns
(`Columns`): each keyword once over all the values of one field in every entry (the `name` of
every application, then their `hosting`...), with its loop in C (types as a set of types, enums
and keys by set inclusion, patterns over the strings joined), where a validator generated per
value (fastjsonschema's, used here before) runs Python for every value: about three times
faster at 10,000 applications. It checks types, enums, required and unknown fields, patterns and
bounds; the schema is made stricter than the editor's where the walker checks what a JSON
Schema cannot say plainly:

- every string refuses the control characters the walker refuses, and line breaks outside the
  fields that may span lines (same character classes as validate.py's);
- free-form values (tags, extra) may nest MAX_FREE_DEPTH levels, as the walker allows;
- the top level requires nothing (a directory's files split the sections; the checks of the
  whole inventory say what is missing), and catalogue `ref:` entries are not accepted (they are
  resolved before validation).

What the schema does not express is then checked on the accepted data, by columns too: ids
(duplicates and references, collected as the walker collects them), real calendar dates, finite
numbers, and every check of validate.py outside the walker (called as they are). When the
schema rejects a document, or any of these checks finds anything, the document is validated
again by `validate.validate` from the start: every message is the walker's, as precise as ever.
So this module only decides whether the fast path may be taken; it words nothing.

Used above FAST_MIN_BYTES of input (below, the walker's time hardly differs);
`BLEU_ASSESS_FASTCHECK=off` always takes the walker, `always` tries the column validator
whatever the size (tests compare both).
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from functools import cache
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from bleu_assess.errors import Diagnostic
from bleu_assess.inventory import model
from bleu_assess.inventory import validate as located
from bleu_assess.inventory.build import Outline
from bleu_assess.inventory.schema import COUNTRY_PATTERN, DATE_PATTERN, ID_PATTERN, INVENTORY, Spec
from bleu_assess.inventory.walker import MAX_FREE_DEPTH, MULTILINE_FIELDS, Collector, Document, parse_date

ENV = "BLEU_ASSESS_FASTCHECK"
FAST_MIN_BYTES = 256 * 1024
# validate.py's _CONTROL and _LINE_BREAK, as the characters a string may not hold.
_CONTROL_CLASS = r"\x00\x07\x08\x0b\x0c\x0e\x0f\x1b\x7f-\x9f"
_BREAK_CLASS = r"\r\n\x85\u2028\u2029"
MULTILINE_TEXT = f"^[^{_CONTROL_CLASS}]*\\Z"
ONE_LINE_TEXT = f"^[^{_CONTROL_CLASS}{_BREAK_CLASS}]*\\Z"
_PRINTABLE_PATTERNS = (ID_PATTERN, COUNTRY_PATTERN, DATE_PATTERN)


def wanted(docs: list[Document], large: bool | None = None) -> bool:
    """Whether to try the column validator: large enough input (`large`, when the documents
    were not read from text, e.g. made by an importer), not turned off."""
    setting = os.environ.get(ENV, "").strip().lower()
    if setting in ("off", "0", "no", "false"):
        return False
    return setting == "always" or (large if large is not None else sum(len(d.text) for d in docs) >= FAST_MIN_BYTES)


def validate(docs: list[Document], path: str = "", sha256: str = "", catalogue: Any = None,
             as_of: Any = None, large: bool | None = None) -> tuple[model.Inventory, list[Diagnostic]]:
    """Same contract and results as `validate.validate` (the inventory and its located warnings,
    or InventoryError with every error located), through the column validator when it
    accepts every document and nothing else is found; else through `validate.validate`.
    `large` says whether documents made without text are large enough for it (`wanted`)."""
    from dataclasses import replace

    fast = _fast(docs, catalogue, as_of, large)
    if fast is None:
        return located.validate(docs, path, sha256, catalogue, as_of)
    c, resolution, ref_warnings = fast
    inventory, warnings = located.build_checked(c, path, sha256)
    if resolution is None:
        return inventory, warnings
    return replace(inventory, catalogue=resolution), ref_warnings + warnings


def check(docs: list[Document], catalogue: Any = None, as_of: Any = None,
          large: bool | None = None) -> tuple[Outline, list[Diagnostic]]:
    """Same contract and results as `validate.check` (the Outline, without the model, and the
    located warnings), through the column validator as `validate` here."""
    fast = _fast(docs, catalogue, as_of, large)
    if fast is None:
        return located.check(docs, catalogue, as_of)
    c, _, ref_warnings = fast
    shape, warnings = located.outline_checked(c)
    return shape, ref_warnings + warnings


def _fast(docs: list[Document], catalogue: Any, as_of: Any,
          large: bool | None) -> tuple[Collector, Any, list[Diagnostic]] | None:
    """The collector of the documents with their catalogue references resolved, the resolution
    and its warnings, when the fast path is wanted and every check passes; else None (the
    walker decides)."""
    from bleu_assess.inventory import catalogue_refs

    if not wanted(docs, large):
        return None
    resolved, resolution, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
    schema = strict_schema()
    c = Collector(resolved)
    columns = Columns(schema["$defs"], c.defined)
    for index, doc in enumerate(resolved):
        data = doc.data
        if not isinstance(data, dict) or data.get("format") not in model.FORMATS:
            return None
        columns.doc = index
        if not columns.accepts(schema, [data]):
            return None
        located.check_in_words(c, index, data)
        if c.issues:
            return None
    if any(not values <= c.defined.get(kind, {}).keys() for kind, values in columns.refs.items()):
        return None  # an unknown reference: the walker says which, where, and what was meant
    located.cross_check(c)
    if c.issues:
        return None
    return c, resolution, ref_warnings


# --- The column validator -----------------------------------------------------------------

# The Python types of the parsed data each JSON Schema type accepts (a bool is no number).
_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "number": (int, float),
                                       "boolean": (bool,), "null": (type(None),), "array": (list,),
                                       "object": (dict,)}
# The keywords strict_schema() uses; a node with any other is not decided here (the walker is).
# Where strings are ids: [kind referred to, kind declared] (see _with_ids).
IDS = "x-bleu-assess-ids"
_KEYWORDS = frozenset({"type", "enum", "pattern", "format", "minimum", "maximum", "items", "minItems",
                       "properties", "required", "additionalProperties", "propertyNames", "$ref", "$defs",
                       "description", "default", IDS})


# A pattern that only refuses characters (MULTILINE_TEXT, ONE_LINE_TEXT): its class.
_REFUSED_CHARACTERS = re.compile(r"\^\[\^([^\]]*)\]\*\\Z")
# A pattern of printable ASCII words (ids, countries, dates): no escape, no negated class, no
# anchor or alternative inside, so that what it matches never holds a line break and it means the
# same on each line of a text.
_ONE_LINE_WORDS = re.compile(r"\^([\x20-\x23\x25-\x5b\x5d\x5f-\x7b\x7d\x7e]+)\\Z")


@cache
def _matcher(pattern: str) -> Callable[[list[str]], bool]:
    """Whether every string of a list matches `pattern` (searched, as JSON Schema says), in one
    search over the strings joined where the pattern allows it: one that only refuses characters
    (over the strings joined), one of one-line words (over the strings joined by line breaks: each
    line must match, and there must be as many lines as strings, so that none held a line break)."""
    refused = _REFUSED_CHARACTERS.fullmatch(pattern)
    if refused:
        search = re.compile(f"[{refused.group(1)}]").search
        return lambda strings: search("".join(strings)) is None
    words = _ONE_LINE_WORDS.fullmatch(pattern)
    if words:
        lines = re.compile(f"(?:{words.group(1)})(?:\n(?:{words.group(1)}))*\\Z").match

        def all_lines(strings: list[str]) -> bool:
            text = "\n".join(strings)
            return not strings or (lines(text) is not None and text.count("\n") == len(strings) - 1)
        return all_lines
    each = re.compile(pattern).search
    return lambda strings: all(map(each, set(strings)))  # codes: a few, repeated


# Entries checked together: a column of this many values stays in cache between its keywords
# (every keyword reading all of a column of 500,000 flows made 100,000 applications 20 times
# slower to check than 10,000, not 10).
CHUNK = 5000


class Columns:
    """Documents checked by columns against the strict schema, with the ids they declare and
    refer to: `defined` (kind -> id -> (document, path), as the walker's Collector holds them;
    the path is not built: it only words errors, and any error goes to the walker) and `refs`
    (kind -> ids), found where the schema says (IDS, see `_with_ids`); `doc` is the index of the
    document being checked."""

    __slots__ = ("defined", "definitions", "doc", "refs")

    def __init__(self, definitions: dict[str, Any], defined: dict[str, dict[str, Any]]) -> None:
        self.definitions, self.defined, self.doc = definitions, defined, 0
        self.refs: dict[str, set[str]] = {}

    def accepts(self, node: dict[str, Any], values: list[Any]) -> bool:
        """Whether every value of `values` (a column: the same field of many entries) is valid
        against the JSON Schema `node` (Draft 2020-12 restricted to the keywords of _KEYWORDS;
        `$ref` into the definitions), and declares no id twice. Each keyword is checked once for
        the whole column with its loop in C (types by `set(map(type, ...))`, patterns over the
        strings joined, keys by set operations) rather than once per value in Python, as a
        validator generated from the schema does: several times faster. Stricter than JSON
        Schema where that is simpler (an integer is an int, not 1.0; a float must be finite):
        what it refuses goes to the walker anyway."""
        if not values:
            return True
        if not node.keys() <= _KEYWORDS:
            return False
        if "$ref" in node:
            return self.accepts(self.definitions[node["$ref"].rpartition("/")[2]], values)
        kinds = set(map(type, values))
        declared = node.get("type")
        if declared is not None:
            names = declared if isinstance(declared, list) else [declared]
            if not kinds <= {kind for name in names for kind in _TYPES[name]}:
                return False

        def of(*wanted: type) -> list[Any]:
            return values if kinds <= set(wanted) else [v for v in values if type(v) in wanted]

        if "enum" in node:
            if kinds & {list, dict}:
                return False
            if len(kinds - {type(None)}) <= 1:  # one type (and null): compared as the enum's values of that type
                if not set(values) <= {v for v in node["enum"] if type(v) in kinds}:
                    return False
            elif not set(zip(map(type, values), values)) <= {(type(v), v) for v in node["enum"]}:
                return False  # by (type, value): True is not 1, nor is 1.0
        if str in kinds:
            strings = of(str)
            if "pattern" in node and not _matcher(node["pattern"])(strings):
                return False
            if "format" in node and (node["format"] != "date" or any(parse_date(v) is None for v in set(strings))):
                return False
            if IDS in node and not self._ids(node[IDS], strings):
                return False
        if kinds & {int, float}:
            if float in kinds and not all(map(math.isfinite, of(float))):
                return False
            numbers = of(int, float)
            if ("minimum" in node and min(numbers) < node["minimum"]) or \
                    ("maximum" in node and max(numbers) > node["maximum"]):
                return False
        if list in kinds:
            lists = of(list)
            if "minItems" in node and min(map(len, lists)) < node["minItems"]:
                return False
            if "items" in node and not self.accepts(node["items"], list(chain.from_iterable(lists))):
                return False
        return dict not in kinds or self._mappings(node, of(dict))

    def _mappings(self, node: dict[str, Any], mappings: list[dict[Any, Any]]) -> bool:
        """`accepts` for a column of mappings: required, known and additional properties, names;
        CHUNK mappings at a time, so that each column of a chunk is still in the processor's
        cache when its next keyword reads it again."""
        if len(mappings) > CHUNK:
            return all(self._mappings(node, mappings[start:start + CHUNK]) for start in range(0, len(mappings), CHUNK))
        keys = set().union(*mappings)
        for name in node.get("required", ()):
            if name not in keys or not all(map(dict.__contains__, mappings, repeat(name))):
                return False
        if "propertyNames" in node and not self.accepts(node["propertyNames"], list(keys)):
            return False
        properties = node.get("properties", {})
        extra = keys - properties.keys()
        additional = node.get("additionalProperties", True)
        if extra and additional is False:
            return False
        if extra and additional is not True:
            if not self.accepts(additional, [v for m in mappings for k, v in m.items() if k in extra]):
                return False
        return all(self.accepts(properties[name], _column(mappings, name)) for name in keys & properties.keys())

    def _ids(self, kinds: list[str | None], ids: list[str]) -> bool:
        """Records ids referring to kind `kinds[0]` or declaring kind `kinds[1]` (either None);
        False on an id declared twice, here or in another document."""
        refers, defines = kinds
        if refers:
            self.refs.setdefault(refers, set()).update(ids)
        if defines:
            known = self.defined.setdefault(defines, {})
            before = len(known)
            known.update(dict.fromkeys(ids, (self.doc, ())))
            return len(known) == before + len(ids)
        return True


def _column(mappings: list[dict[Any, Any]], name: Any) -> list[Any]:
    """The values of `name` in the mappings that hold it."""
    try:
        return list(map(itemgetter(name), mappings))  # held by all, the common case: the loop in C
    except KeyError:
        return [m[name] for m in mappings if name in m]


@cache
def strict_schema() -> dict[str, Any]:
    """The inventory's JSON Schema (schema.json_schema's, without its catalogue `ref:` alternative
    and top-level requirements), made as strict as the walker (see the module docstring)."""
    from bleu_assess.inventory.schema import spec_json

    schema = spec_json(INVENTORY)
    schema["properties"]["format"] = {"enum": list(model.FORMATS)}
    schema.pop("required", None)
    strict = _stricter(schema, ())
    _with_ids(strict, INVENTORY)
    strict["$defs"] = _free_definitions()
    return strict


def _stricter(node: Any, names: tuple[Any, ...]) -> Any:
    """`node` with text patterns on its strings and free values bounded; `names` the last two
    path components (property names; 0 for a list item), as the walker's multiline rule reads them."""
    if not isinstance(node, dict):
        return node
    if node == {} or set(node) == {"description"}:  # a free-form value
        return {"$ref": "#/$defs/free0"}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _stricter(child, (*names, name)[-2:]) for name, child in value.items()}
        elif key == "items":
            out[key] = _stricter(value, (*names, 0)[-2:])
        elif key in ("anyOf", "allOf", "oneOf"):
            out[key] = [_stricter(child, names) for child in value]
        else:
            out[key] = value
    if out.get("type") == "string":
        if "enum" in out:  # codes: printable one-line words
            pass
        elif out.get("pattern") in _PRINTABLE_PATTERNS:  # ASCII classes: '$' would still let a final '\n' through
            out["pattern"] = out["pattern"][:-1] + "\\Z"
        else:
            assert "pattern" not in out, out
            multiline = any(isinstance(n, str) and n in MULTILINE_FIELDS for n in names)
            out["pattern"] = MULTILINE_TEXT if multiline else ONE_LINE_TEXT
    return _choices_merged(_null_merged(_kinds_merged(out)))


def _kinds_merged(node: dict[str, Any]) -> dict[str, Any]:
    """{anyOf: [a string schema, an object schema]} (an id, or a mapping: `shorthand`) as one
    schema of type [string, object]: each keyword applies to its own type only (pattern to
    strings; properties, required, additionalProperties to objects), so it accepts the same
    values, and the generated code no longer raises and catches an exception for every mapping."""
    options = node.get("anyOf")
    if not options or len(options) != 2 or set(node) - {"anyOf", "description"}:
        return node
    text, mapping = options
    if text.get("type") != "string" or mapping.get("type") != "object" or set(text) - {"type", "pattern", "description"}:
        return node
    return {**mapping, **{k: v for k, v in text.items() if k != "description"}, "type": ["string", "object"]}


def _null_merged(node: dict[str, Any]) -> dict[str, Any]:
    """{anyOf: [X, {type: null}]} as X with `null` among its types: the same values, without the
    exception the generated code raises and catches for every null (or every non-null) value."""
    options = node.get("anyOf")
    if not options or len(options) != 2 or options[1] != {"type": "null"} or "type" not in options[0] \
            or set(node) - {"anyOf", "description"}:
        return node
    first = dict(options[0])
    first["type"] = [*first["type"], "null"] if isinstance(first["type"], list) else [first["type"], "null"]
    if "enum" in first:
        first["enum"] = [*first["enum"], None]
    return first


def _choices_merged(node: dict[str, Any]) -> dict[str, Any]:
    """{anyOf: [{enum: codes}, {type: number, minimum, maximum}]} (an effort: a size or a number of
    days) as one schema of type [string, number] whose strings match exactly the codes (a pattern
    applies to strings only, the bounds to numbers only): the same values, without an exception
    raised and caught for every number."""
    options = node.get("anyOf")
    if not options or len(options) != 2 or set(node) - {"anyOf", "description"}:
        return node
    codes, number = options
    if set(codes) != {"enum"} or not codes["enum"] or not all(isinstance(v, str) for v in codes["enum"]) \
            or number.get("type") != "number" or set(number) - {"type", "minimum", "maximum"}:
        return node
    pattern = "^(?:" + "|".join(re.escape(v) for v in codes["enum"]) + ")\\Z"
    return {**number, "type": ["string", "number"], "pattern": pattern}


def _free_definitions() -> dict[str, Any]:
    """free<d>: a free-form value whose containers sit at most MAX_FREE_DEPTH - 1 levels deep.
    One schema of several types rather than `anyOf` their schemas: each keyword applies to its
    own type only (pattern to strings, items to lists, the property keywords to mappings), so it
    accepts the same values, and the generated code raises and catches no exception per value."""
    scalar = {"type": ["null", "boolean", "number", "string"], "pattern": MULTILINE_TEXT}
    defs: dict[str, Any] = {f"free{MAX_FREE_DEPTH}": scalar}
    for depth in range(MAX_FREE_DEPTH - 1, -1, -1):
        inner = {"$ref": f"#/$defs/free{depth + 1}"}
        defs[f"free{depth}"] = {"type": [*scalar["type"], "array", "object"], "pattern": MULTILINE_TEXT,
                                "items": inner, "propertyNames": {"pattern": ONE_LINE_TEXT},
                                "additionalProperties": inner}
    return defs


# --- What the schema does not say: ids ----------------------------------------------------

def _with_ids(node: Any, spec: Spec | None) -> None:
    """Marks in the strict schema `node` (of the format description `spec`) the strings that are
    ids referring to or declaring a kind: IDS, [kind referred to, kind declared], on the node of
    an id field, of a list's id items, and of a mapping that may be written as its bare id
    (`shorthand`). An annotation JSON Schema validators ignore."""
    if spec is None or not isinstance(node, dict) or "$ref" in node:
        return
    kind = spec.fields.get("id") if spec.type == "object" and spec.shorthand else spec
    if kind is not None and kind.type == "id" and (kind.ref or kind.defines):
        node[IDS] = [kind.ref, kind.defines]
    for name, child in node.get("properties", {}).items():
        _with_ids(child, spec.fields.get(name))
    if "items" in node:
        _with_ids(node["items"], spec.item)

