"""Validation of large inventories through a compiled validator, the located walker only for
documents it rejects.

The located walker (inventory/validate.py) checks every scalar in Python: about a third of
`scan` at 10,000 applications. Here a validator compiled by fastjsonschema from the inventory's
JSON Schema -- the one `bleu-assess schema` gives editors, from the same format description
(inventory/schema.py) -- checks types, enums, required and unknown fields, patterns and bounds;
made stricter than the editor's where the walker checks what a JSON Schema cannot say plainly:

- every string refuses the control characters the walker refuses, and line breaks outside the
  fields that may span lines (same character classes as validate.py's);
- free-form values (tags, extra) may nest MAX_FREE_DEPTH levels, as the walker allows;
- the top level requires nothing (a directory's files split the sections; the checks of the
  whole inventory say what is missing), and catalogue `ref:` entries are not accepted (they are
  resolved before validation).

What the schema does not express is then checked on the accepted data: ids (duplicates and
references, collected as the walker collects them), real calendar dates, finite numbers, and
every check of validate.py outside the walker (called as they are). When the compiled
validator rejects a document, or any of these checks finds anything, the document is validated
again by `validate.validate` from the start: every message is the walker's, as precise as ever.
So this module only decides whether the fast path may be taken; it words nothing.

Used above FAST_MIN_BYTES of input (below, the walker is quicker than importing the compiled
validator); `BLEU_ASSESS_FASTCHECK=off` always takes the walker, `always` tries the compiled
validator whatever the size (tests compare both).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from bleu_assess.errors import Diagnostic
from bleu_assess.inventory import model
from bleu_assess.inventory import validate as located
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
    """Whether to try the compiled validator: large enough input (`large`, when the documents
    were not read from text, e.g. made by an importer), not turned off."""
    setting = os.environ.get(ENV, "").strip().lower()
    if setting in ("off", "0", "no", "false"):
        return False
    return setting == "always" or (large if large is not None else sum(len(d.text) for d in docs) >= FAST_MIN_BYTES)


def validate(docs: list[Document], path: str = "", sha256: str = "", catalogue: Any = None,
             as_of: Any = None, large: bool | None = None) -> tuple[model.Inventory, list[Diagnostic]]:
    """Same contract and results as `validate.validate` (the inventory and its located warnings,
    or InventoryError with every error located), through the compiled validator when it
    accepts every document and nothing else is found; else through `validate.validate`.
    `large` says whether documents made without text are large enough for it (`wanted`)."""
    from dataclasses import replace

    from bleu_assess.inventory import catalogue_refs

    if wanted(docs, large):
        resolved, resolution, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
        fast = _fast(resolved, path, sha256)
        if fast is not None:
            inventory, warnings = fast
            if resolution is None:
                return inventory, warnings
            return replace(inventory, catalogue=resolution), ref_warnings + warnings
    return located.validate(docs, path, sha256, catalogue, as_of)


def _fast(docs: list[Document], path: str, sha256: str) -> tuple[model.Inventory, list[Diagnostic]] | None:
    """The inventory and warnings when every check passes, else None (the walker decides)."""
    check = compiled()
    c = Collector(docs)
    for index, doc in enumerate(docs):
        data = doc.data
        if not isinstance(data, dict) or data.get("format") not in model.FORMATS:
            return None
        try:
            check(data)
        except Exception:  # rejected (or a value the generated code cannot handle): the walker words it
            return None
        if not _root_checker()(data, _Sink(c, index)):
            return None
        located.check_in_words(c, index, data)
        if c.issues:
            return None
    located.cross_check(c)
    if c.issues:
        return None
    return located.build_checked(c, path, sha256)


# --- The compiled validator ---------------------------------------------------------------

@cache
def compiled() -> Callable[[Any], Any]:
    """fastjsonschema's validator of `strict_schema()`. Its code object is kept in the compiled
    cache (bleu_assess.cache, keyed by Python's version among others), marshalled: a run neither
    compiles the schema nor the ~1 MB of Python source generated from it."""
    import json
    import marshal

    import fastjsonschema

    from bleu_assess import cache as compiled_cache

    schema = strict_schema()
    text = json.dumps(schema, sort_keys=True)

    def build() -> bytes:
        # use_default=False: the validator must not write the schema's defaults into the data it
        # checks (an importer writes that data out; the model applies the defaults itself).
        source = _unnamed(fastjsonschema.compile_to_code(schema, use_default=False))
        return marshal.dumps(compile(source, "<bleu-assess inventory validator>", "exec"))

    code = marshal.loads(compiled_cache.cached("fastcheck-code", (fastjsonschema.VERSION, "no-defaults", text), build))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own generated code
    return namespace["validate"]


# The path of a nested value, which fastjsonschema's generated code formats (through
# `str.format(**locals())`) for every call of a `$ref` definition, for an error message this
# module never shows: every value of a free-form field pays it. Passed unchanged instead.
_REF_NAME = re.compile(r'custom_formats, \(name_prefix or "data"\) \+ "[^"\n]*"(?:\.format\(\*\*locals\(\)\))?\)')


def _unnamed(source: str) -> str:
    """The generated `source` without the naming of `$ref` calls (`_REF_NAME`)."""
    return _REF_NAME.sub("custom_formats, name_prefix)", source)


def strict_schema() -> dict[str, Any]:
    """The inventory's JSON Schema (schema.json_schema's, without its catalogue `ref:` alternative
    and top-level requirements), made as strict as the walker (see the module docstring)."""
    from bleu_assess.inventory.schema import spec_json

    schema = spec_json(INVENTORY)
    schema["properties"]["format"] = {"enum": list(model.FORMATS)}
    schema.pop("required", None)
    strict = _stricter(schema, ())
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


# --- What the schema does not say: ids, dates, finite numbers ------------------------------

@cache
def _residual() -> Spec:
    """INVENTORY pruned to the fields that declare or refer to ids, hold dates or numbers."""
    pruned = _prune(INVENTORY)
    assert pruned is not None
    return pruned


def _prune(spec: Spec) -> Spec | None:
    from dataclasses import replace

    if spec.type in ("object", "list"):
        fields = {name: kept for name, child in spec.fields.items() if (kept := _prune(child)) is not None}
        item = _prune(spec.item) if spec.item is not None else None
        return replace(spec, fields=fields, item=item) if fields or item is not None else None
    interesting = spec.ref or spec.defines or spec.type in ("date", "integer", "number", "effort")
    return spec if interesting else None


class _Sink:
    """Where the collectors record ids: the collector's `refs` and `defined`, for one document.
    Paths are not built on this path (they only word errors, and any error goes to the walker):
    each declaration gets a unique (doc, token) instead."""

    __slots__ = ("defined", "doc", "refs")

    def __init__(self, c: Collector, doc: int) -> None:
        self.refs, self.defined, self.doc = c.refs, c.defined, doc


Check = Callable[[Any, _Sink], bool]


def _checker(spec: Spec) -> Check:
    """A function (value, sink) -> ok for a pruned spec, built once: records ids as the walker
    does (validate._Walker.walk_scalar), False on a duplicate id, an impossible date, a number
    that is not finite."""
    kind = spec.type
    if kind == "object":
        fields = tuple((name, _checker(child)) for name, child in spec.fields.items())
        shorthand = _checker(spec.fields["id"]) if spec.shorthand and "id" in spec.fields else None

        def check_object(value: Any, sink: _Sink) -> bool:
            if value is None:
                return True
            if shorthand is not None and isinstance(value, str):
                return shorthand(value, sink)
            for name, check in fields:
                if name in value and not check(value[name], sink):
                    return False
            return True
        return check_object
    if kind == "list":
        item = _checker(spec.item) if spec.item is not None else None
        if spec.item is not None and spec.item.type == "id" and spec.item.ref and not spec.item.defines:
            section = spec.item.ref

            def check_refs(value: Any, sink: _Sink) -> bool:  # a list of references, the commonest list
                if value:
                    sink.refs.extend([(section, v, sink.doc, ()) for v in value if isinstance(v, str)])
                return True
            return check_refs

        def check_list(value: Any, sink: _Sink) -> bool:
            return value is None or item is None or all(item(element, sink) for element in value)
        return check_list
    if kind == "date":
        return lambda value, sink: value is None or parse_date(value) is not None
    if kind == "id":
        ref, defines = spec.ref, spec.defines

        def check_id(value: Any, sink: _Sink) -> bool:
            if not isinstance(value, str):
                return True
            if ref:
                sink.refs.append((ref, value, sink.doc, ()))
            if defines:
                token: tuple[int, tuple[Any, ...]] = (sink.doc, (object(),))  # unique: compared by identity
                return sink.defined.setdefault(defines, {}).setdefault(value, token) is token
            return True
        return check_id
    return lambda value, sink: not isinstance(value, float) or math.isfinite(value)


@cache
def _root_checker() -> Check:
    return _checker(_residual())
