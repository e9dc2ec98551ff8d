"""Validation of large inventories through a compiled validator, the located walker only for
documents it rejects.

The located walker (inventory/validate.py) checks every scalar in Python: about a third of
`scan` at 10,000 applications. Here a compiled validator (jsonschema-rs, in Rust: some 15 ms for
10,000 applications, where fastjsonschema's generated Python took 270 ms) built from the
inventory's JSON Schema -- the one `bleu-assess schema` gives editors, from the same format
description (inventory/schema.py) -- checks types, enums, required and unknown fields, patterns
and bounds; made stricter than the editor's where the walker checks what a JSON Schema cannot say
plainly:

- every string refuses the control characters the walker refuses, and line breaks outside the
  fields that may span lines (same character classes as validate.py's);
- free-form values (tags, extra) may nest MAX_FREE_DEPTH levels, as the walker allows;
- the top level requires nothing (a directory's files split the sections; the checks of the
  whole inventory say what is missing), and catalogue `ref:` entries are not accepted (they are
  resolved before validation).

What the schema does not express is then checked on the accepted data, by columns (each field
of every entry at once, its loop in C): ids (duplicates and references, collected as the walker
collects them), real calendar dates, country codes that name a country, finite numbers; then every check of validate.py outside the
walker (called as they are). When the compiled validator rejects a document, or any of these
checks finds anything, the document is validated again by `validate.validate` from the start:
every message is the walker's, as precise as ever. So this module only decides whether the fast
path may be taken; it words nothing.

Used above FAST_MIN_BYTES of input (below, the walker is quicker than importing the compiled
validator); `BLEU_ASSESS_FASTCHECK=off` always takes the walker, `always` tries the compiled
validator whatever the size (tests compare both).
"""

from __future__ import annotations

import math
import os
import re
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any

from bleu_assess import locales
from bleu_assess.errors import Diagnostic
from bleu_assess.inventory import model
from bleu_assess.inventory import validate as located
from bleu_assess.inventory.build import Outline
from bleu_assess.inventory.schema import ID_PATTERN, INVENTORY, Spec
from bleu_assess.inventory.walker import MAX_FREE_DEPTH, MULTILINE_FIELDS, Collector, Document, parse_date

ENV = "BLEU_ASSESS_FASTCHECK"
FAST_MIN_BYTES = 256 * 1024
# validate.py's _CONTROL and _LINE_BREAK, as the characters a string may not hold.
_CONTROL_CLASS = r"\x00\x07\x08\x0b\x0c\x0e\x0f\x1b\x7f-\x9f"
_BREAK_CLASS = r"\r\n\x85\u2028\u2029"
# Patterns in the dialect of JSON Schema (ECMA-262), where `$` ends the text: a final line break
# does not match it as it would Python's.
MULTILINE_TEXT = f"^[^{_CONTROL_CLASS}]*$"
ONE_LINE_TEXT = f"^[^{_CONTROL_CLASS}{_BREAK_CLASS}]*$"


def wanted(docs: list[Document], large: bool | None = None) -> bool:
    """Whether to try the compiled validator: large enough input (`large`, when the documents
    were not read from text, e.g. made by an importer), not turned off."""
    setting = os.environ.get(ENV, "").strip().lower()
    if setting in ("off", "0", "no", "false"):
        return False
    return setting == "always" or (large if large is not None else sum(len(d.text) for d in docs) >= FAST_MIN_BYTES)


def validate(docs: list[Document], path: str = "", sha256: str = "", catalogue: Any = None,
             as_of: Any = None, large: bool | None = None,
             warnings: bool = True) -> tuple[model.Inventory, list[Diagnostic]]:
    """Same contract and results as `validate.validate` (the inventory and its located warnings,
    or InventoryError with every error located), through the compiled validator when it
    accepts every document and nothing else is found; else through `validate.validate`.
    `large` says whether documents made without text are large enough for it (`wanted`); no
    warning is looked for unless `warnings`."""
    fast = _fast(docs, catalogue, as_of, large)
    if fast is None:
        return located.validate(docs, path, sha256, catalogue, as_of, warnings=warnings)
    c, resolution, ref_warnings = fast
    inventory, found = located.build_checked(c, path, sha256, warnings=warnings)
    return located.with_catalogue(inventory, found, resolution, ref_warnings, warnings)


def check(docs: list[Document], catalogue: Any = None, as_of: Any = None, large: bool | None = None,
          warnings: bool = True) -> tuple[Outline, list[Diagnostic]]:
    """Same contract and results as `validate.check` (the Outline, without the model, and the
    located warnings unless not `warnings`), through the compiled validator as `validate` here."""
    fast = _fast(docs, catalogue, as_of, large)
    if fast is None:
        return located.check(docs, catalogue, as_of, warnings)
    c, _, ref_warnings = fast
    shape, found = located.outline_checked(c, warnings)
    return shape, ref_warnings + found if warnings else []


def _fast(docs: list[Document], catalogue: Any, as_of: Any,
          large: bool | None) -> tuple[Collector, Any, list[Diagnostic]] | None:
    """The collector of the documents with their catalogue references resolved, the resolution
    and its warnings, when the fast path is wanted and every check passes; else None (the
    walker decides)."""
    from bleu_assess.inventory import catalogue_refs

    if not wanted(docs, large):
        return None
    resolved, resolution, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
    check = compiled()
    c = Collector(resolved)
    refs: dict[str, set[str]] = {}
    for index, doc in enumerate(resolved):
        data = doc.data
        if not isinstance(data, dict) or data.get("format") not in model.FORMATS:
            return None
        try:
            if not check.is_valid(data):
                return None  # rejected: the walker words why
        except ValueError:  # a value JSON has no kind for (a date, a key that is no string): the walker's
            return None
        if not _ids_ok(_residual(), [data], c.defined, refs, index):
            return None
        located.check_in_words(c, index, data)
        if c.issues:
            return None
    if any(not values <= c.defined.get(kind, {}).keys() for kind, values in refs.items()):
        return None  # an unknown reference: the walker says which, where, and what was meant
    located.cross_check(c)
    if c.issues:
        return None
    return c, resolution, ref_warnings


# --- The compiled validator ---------------------------------------------------------------

@cache
def compiled() -> Any:
    """jsonschema-rs's validator of `strict_schema()` (`.is_valid(data) -> bool`; ValueError for a
    value with no JSON kind). Built in about 3 ms: nothing to cache. Formats are not asserted
    (`date` is: by its pattern here, then as a calendar date by `_ids_ok`)."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(strict_schema())


def strict_schema() -> dict[str, Any]:
    """The inventory's JSON Schema (schema.json_schema's, without its catalogue `ref:` alternative
    and top-level requirements), made as strict as the walker (see the module docstring)."""
    from bleu_assess.inventory.schema import spec_json

    schema = spec_json(INVENTORY)
    schema["properties"]["format"] = {"enum": list(model.FORMATS)}
    schema.pop("required", None)
    strict = _stricter(schema, ())
    _references_unpatterned(strict, INVENTORY)
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
        elif "pattern" in out:  # an id, a country, a date: ASCII classes
            pass
        else:
            assert "pattern" not in out, out
            multiline = any(isinstance(n, str) and n in MULTILINE_FIELDS for n in names)
            out["pattern"] = MULTILINE_TEXT if multiline else ONE_LINE_TEXT
    return _choices_merged(_null_merged(_kinds_merged(out)))


def _references_unpatterned(node: Any, spec: Spec | None) -> None:
    """Drops, in the strict schema `node` (of the format description `spec`), the id pattern of
    the strings that refer to an id declared elsewhere (`ref`, not `defines`: a flow's `from`,
    an application's `datasets`...): the fast path accepts a reference only when it is one of the
    ids declared, and those match the pattern, so that searching it again in every reference
    (some 200,000 at 10,000 applications) decides nothing. Declared ids keep their pattern."""
    if spec is None or not isinstance(node, dict) or "$ref" in node:
        return
    kind = spec.fields.get("id") if spec.type == "object" and spec.shorthand else spec
    if kind is not None and kind.type == "id" and kind.ref and not kind.defines \
            and node.get("pattern") == ID_PATTERN:
        del node["pattern"]
    for name, child in node.get("properties", {}).items():
        _references_unpatterned(child, spec.fields.get(name))
    if "items" in node:
        _references_unpatterned(node["items"], spec.item)


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
    pattern = "^(?:" + "|".join(re.escape(v) for v in codes["enum"]) + ")$"
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


# --- What the schema does not say: ids, dates, countries, finite numbers, by columns -------

@cache
def _residual() -> Spec:
    """INVENTORY pruned to the fields that declare or refer to ids, hold dates, countries or numbers."""
    pruned = _prune(INVENTORY)
    assert pruned is not None
    return pruned


def _prune(spec: Spec) -> Spec | None:
    from dataclasses import replace

    if spec.type in ("object", "list"):
        fields = {name: kept for name, child in spec.fields.items() if (kept := _prune(child)) is not None}
        item = _prune(spec.item) if spec.item is not None else None
        return replace(spec, fields=fields, item=item) if fields or item is not None else None
    interesting = spec.ref or spec.defines or spec.type in ("date", "country", "integer", "number", "effort")
    return spec if interesting else None


# Entries read together: a column of this many values is still in the processor's cache when
# the next step reads it again (whole columns of 500,000 flows made 100,000 applications about
# twice as slow per entry as 10,000).
CHUNK = 5000


def _ids_ok(spec: Spec, values: list[Any], defined: dict[str, dict[str, Any]], refs: dict[str, set[str]],
            doc: int) -> bool:
    """Records the ids a column of values (the same field of many entries, of the pruned spec,
    already accepted by the schema) declares into `defined` (kind -> id -> (doc, path), as the
    walker's Collector holds them; the path is not built: it only words errors, and any error
    goes to the walker) and those it refers to into `refs` (kind -> ids); False on an id declared
    twice, an impossible date, a number that is not finite, a count written as a fraction (10.0).
    Each step once for the whole column, its loop in C (a type check, a set update), rather than
    once per value in Python."""
    if not values:
        return True
    kind = spec.type
    if kind == "object":
        if len(values) > CHUNK:
            return all(_ids_ok(spec, values[start:start + CHUNK], defined, refs, doc)
                       for start in range(0, len(values), CHUNK))
        mappings = _only(values, dict)
        if spec.shorthand and "id" in spec.fields and not _ids_ok(spec.fields["id"], _only(values, str), defined,
                                                                  refs, doc):
            return False
        keys = set().union(*mappings)
        return all(_ids_ok(child, _column(mappings, name), defined, refs, doc)
                   for name, child in spec.fields.items() if name in keys)
    if kind == "list":
        return spec.item is None or _ids_ok(spec.item, list(chain.from_iterable(_only(values, list))), defined, refs,
                                            doc)
    if kind == "date":
        return all(parse_date(v) is not None for v in set(values) if v is not None)
    if kind == "country":  # two capitals that name a country (the walker's check), as a set
        return {v for v in values if isinstance(v, str)} <= locales.country_codes()
    if kind == "id":
        ids = _only(values, str)
        if spec.ref:
            refs.setdefault(spec.ref, set()).update(ids)
        if spec.defines:
            known = defined.setdefault(spec.defines, {})
            before = len(known)
            known.update(dict.fromkeys(ids, (doc, ())))
            return len(known) == before + len(ids)  # else an id declared twice, here or in another file
        return True
    floats = _only(values, float)
    if kind == "integer":  # JSON Schema takes 10.0 for an integer: the walker does not
        return not floats
    return all(map(math.isfinite, floats))


def _only(values: list[Any], kind: type) -> list[Any]:
    """The values of type `kind` (all of them, the common case, found in C)."""
    return values if set(map(type, values)) <= {kind} else [v for v in values if type(v) is kind]


def _column(mappings: list[dict[Any, Any]], name: Any) -> list[Any]:
    """The values of `name` in the mappings that hold it."""
    try:
        return list(map(itemgetter(name), mappings))  # held by all, the common case: the loop in C
    except KeyError:
        return [m[name] for m in mappings if name in m]
