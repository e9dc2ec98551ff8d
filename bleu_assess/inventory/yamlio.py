"""Reading YAML safely and fast: libyaml when available, the GC paused during the parse,
duplicate keys rejected, alias bombs refused, YAML 1.2 booleans (so `NO`, Norway, stays a
string). Errors are located diagnostics, never tracebacks."""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

import yaml

from bleu_assess import gcpause, inputs
from bleu_assess.errors import Diagnostic, InputError, format_path  # noqa: F401 (yamlio.format_path stays importable)

# Re-exported: callers read YAML files with yamlio.read_bytes, yamlio.decode, yamlio.max_bytes.
from bleu_assess.inputs import max_bytes as max_bytes
from bleu_assess.inputs import position as _position
from bleu_assess.inputs import read_bytes as read_bytes
from bleu_assess.inventory import scalars

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Aliases may repeat a node; refuse documents whose expansion is out of proportion.
_MAX_EXPANSION_FACTOR = 10
_MAX_EXPANSION_FLOOR = 200_000


class _Loader(_Base):  # type: ignore[misc, valid-type]
    # Plain scalars are typed by the YAML 1.2 core schema (bleu_assess.inventory.scalars), as the fast
    # parser does; only the merge key is kept from YAML 1.1.
    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML reads this class attribute)
        first: [r for r in resolvers if r[0] == "tag:yaml.org,2002:merge"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[yaml.Node] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                self.duplicate_keys.append(key_node)
            seen.add(key)
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]

    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        try:
            return scalars.to_int(node.value)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise yaml.constructor.ConstructorError(
                None, None, f"number with {len(node.value):,} digits is out of range", node.start_mark) from None

    def construct_core_float(self, node: yaml.ScalarNode) -> float:
        try:
            return scalars.to_float(node.value)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"number '{node.value[:40]}' is out of range", node.start_mark) from None


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", scalars.NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", scalars.BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", scalars.INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", scalars.FLOAT, list("-+.0123456789")),
):
    _Loader.add_implicit_resolver(_tag, _pattern, _first)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_core_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_core_float)


def _fail(file: str, message: str, line: int | None = None, column: int | None = None, path: str = "") -> InputError:
    return InputError(message, [Diagnostic(file, line, column, path, message)])


def decode(raw: bytes, file: str) -> str:
    """The text of a YAML or JSON file: UTF-8 (a BOM is allowed), no NUL (bleu_assess/inputs.py)."""
    return inputs.decode(raw, file)[0]


def parse(text: str, file: str) -> Any:
    """Parse one YAML (or JSON) document into plain Python data."""
    if file.endswith(".json"):
        return _parse_json(text, file)
    if parser() == "rapidyaml":
        data = _parse_fast(text)
        if data is not _FALLBACK:
            return data
    loader = _Loader(text)
    enabled = gc.isenabled()
    gc.disable()  # the parse allocates millions of objects that no cycle collection can free
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text:
            _check_expansion(node, file)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        path = path_of_line(text, line) if line else ""
        raise _fail(file, f"invalid YAML value: {exc.problem or exc.context}", line, column, path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise _fail(file, f"YAML syntax error: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise _fail(file, f"YAML error: {exc}") from None
    except RecursionError:
        raise _fail(file, "nesting too deep") from None
    finally:
        loader.dispose()
        if enabled:
            gc.enable()
    if loader.duplicate_keys:
        raise _duplicates(file, text, loader.duplicate_keys)
    return data


def parser() -> str:
    """`rapidyaml` when installed (the fast path), else `libyaml`; BLEU_ASSESS_PARSER forces one."""
    wanted = os.environ.get("BLEU_ASSESS_PARSER", "auto")
    if wanted == "libyaml":
        return "libyaml"
    return "rapidyaml" if _ryml() is not None else "libyaml"


@functools.cache
def _ryml() -> Any:
    try:
        import ryml  # type: ignore[import-not-found]
    except ImportError:
        return None
    return ryml


_FALLBACK = object()
# Anchors, aliases, tags and merge keys: rare in inventories, left to the precise parser.
_RISKY = re.compile(r"(?:^|[\s\[{,])[&*!][^\s,\[\]{}]|<<")


class _Duplicate(Exception):
    pass


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Duplicate
    return mapping


def _parse_fast(text: str) -> Any:
    """rapidyaml parses, emits JSON, json.loads builds the objects: several times faster than
    libyaml. Whatever it cannot vouch for goes to the precise parser (`_FALLBACK`): anchors,
    tags, duplicate keys, several documents, syntax errors, and any string that would have been
    typed had it been written plain — JSON no longer says whether it was quoted."""
    ryml = _ryml()
    if (_might_be_risky(text) and _RISKY.search(text)) or _lenient(text):
        return _FALLBACK
    try:
        with _quiet_stderr():  # rapidyaml prints its parse errors; the precise parser reports them
            tree = ryml.parse_in_arena(text.encode("utf-8"))
        root = tree.root_id()
        if tree.is_stream(root):
            if tree.num_children(root) != 1:
                return _FALLBACK
            root = tree.first_child(root)
        with _quiet_stderr():
            emitted = ryml.emit_json_malloc(tree, root)
        if emitted is None:
            return _FALLBACK
        emitted = emitted if isinstance(emitted, str) else bytes(emitted).decode("utf-8")
        if _ambiguous(emitted):
            return _FALLBACK
        with gcpause.paused():
            data = json.loads(emitted, object_pairs_hook=_pairs)
        # Every document we read is a mapping; anything else (a root block scalar, which
        # rapidyaml indents more leniently) is an error the precise parser reports.
        return data if isinstance(data, dict) else _FALLBACK
    except (_Duplicate, ValueError, RecursionError, RuntimeError, TypeError):
        return _FALLBACK
    except Exception as exc:  # ryml's own parse errors
        if type(exc).__module__.startswith("ryml"):
            return _FALLBACK
        raise


# Where rapidyaml is more lenient than YAML (it takes them, libyaml rejects them or reads them
# otherwise), found by tests/test_parsers.py: tabs and Unicode line separators, and plain scalars
# starting with a reserved or closing indicator, `?`, `:` or a lone anchor, alias or tag
# (`value: @x`, `- ]x`, `[?x]`, `[k:]`, `value: *`), `:?` and comments inside a flow collection
# that opened on the same line (`{a: b #}`).
# A superset again: a false alarm only costs the precise parser. One pattern per literal
# prefix: the regular expression engine skips ahead to a literal quickly, which makes the check
# four times faster than one alternation (0.4 s on 70 MB).
_ODD_SPACE = ("\t", "\x85", "\u2028", "\u2029", "\ufeff")
_BLOCK_START = r"[\]}?:@`%&*!]"  # after indentation, `key: `, `- ` or `? `
_FLOW_START = r"[?:@`%&*!]"  # after `[`, `{` or `,`
_ODD_STARTS = tuple(re.compile(p) for p in (
    r"\A[ \t]*" + _BLOCK_START, r"\n[ \t]*" + _BLOCK_START, ": +" + _BLOCK_START, "- +" + _BLOCK_START,
    r"\? +" + _BLOCK_START, r"\[ *" + _FLOW_START, r"\{ *" + _FLOW_START, ", *" + _FLOW_START, r":[\]},?]",
    r"\[[^\n\]]* #", r"\{[^\n}]* #",  # a comment before the collection closes on its line
))


def _lenient(text: str) -> bool:
    return any(c in text for c in _ODD_SPACE) or any(p.search(text) for p in _ODD_STARTS)


def _might_be_risky(text: str) -> bool:
    # A quick look before the regular expression, which is slow on megabytes of text.
    return "&" in text or "*" in text or "!" in text or "<<" in text


# A JSON string (or key) whose text YAML would have typed had it been written plain: the emitted
# JSON no longer says whether it was quoted. Found in the emitted text (a superset: a match
# inside a longer string only costs a fallback to the precise parser).
_AMBIGUOUS = re.compile('"(?:' + "|".join(p.pattern[1:-1] for p in (scalars.NULL, scalars.BOOL, scalars.INT,
                                                                    scalars.FLOAT)) + ')"')
# Where one could start: a quote then a sign, dot, digit or `~`, or a whole null or boolean word,
# or an empty string. Quicker to look for, then checked with the full pattern.
_CANDIDATE = re.compile(r'"(?:[-+.0-9]|~"|"|[nN]ull"|NULL"|[tT]rue"|TRUE"|[fF]alse"|FALSE")')


def _ambiguous(emitted: str) -> bool:
    return any(_AMBIGUOUS.match(emitted, m.start()) for m in _CANDIDATE.finditer(emitted))


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a valid number")


class _JSONDuplicate(Exception):
    pass


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _JSONDuplicate
    return mapping


_JSON_CONSTANT = re.compile(r"(?<![\w\"])-?(?:NaN|Infinity)(?![\w\"])")
_LONG_NUMBER = re.compile(r"[0-9]{4000,}")


def _parse_json(text: str, file: str) -> Any:
    """JSON with the same guarantees as YAML: duplicate keys, NaN/Infinity, numbers out of
    range and deep nesting are located errors."""
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as exc:
        raise _fail(file, f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except _JSONDuplicate:
        pass  # located below by the YAML loader (JSON is YAML), which records every duplicate
    except RecursionError:
        raise _fail(file, "nesting too deep") from None
    except ValueError as exc:  # NaN, Infinity, or more digits than Python converts
        found = _JSON_CONSTANT.search(text) or _LONG_NUMBER.search(text)
        line, column = _position(text, found.start()) if found else (None, None)
        message = str(exc) if "NaN" in str(exc) or "Infinity" in str(exc) else "number out of range"
        raise _fail(file, message, line, column, path_of_line(text, line) if line else "") from None
    loader = _Loader(text)
    try:
        loader.get_single_data()
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        loader.dispose()
    if not loader.duplicate_keys:
        raise _fail(file, "duplicate key (the earlier value would be silently lost)")
    raise _duplicates(file, text, loader.duplicate_keys)


def _duplicates(file: str, text: str, keys: list[yaml.Node]) -> InputError:
    return InputError("duplicate keys", [
        Diagnostic(file, k.start_mark.line + 1, k.start_mark.column + 1, path_of_line(text, k.start_mark.line + 1),
                   f"duplicate key '{k.value}' (the earlier value would be silently lost)")
        for k in keys
    ])


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Count the nodes the document expands to, sharing nothing; refuse alias bombs."""
    sizes: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        children = list(_children(node))
        if not done:
            distinct += 1
            sizes[key] = -1  # in progress
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        for child in children:
            if sizes.get(id(child)) == -1:  # still in progress: the child is an ancestor
                raise _fail(file, "recursive YAML alias: a node contains itself", child.start_mark.line + 1,
                            child.start_mark.column + 1)
        sizes[key] = 1 + sum(max(sizes.get(id(child), 1), 1) for child in children)
    total = sizes[id(root)]
    limit = max(_MAX_EXPANSION_FLOOR, _MAX_EXPANSION_FACTOR * distinct)
    if total > limit:
        raise _fail(file, f"YAML aliases expand to {total:,} nodes from {distinct:,} (limit {limit:,}): "
                    "refusing a possible alias bomb", root.start_mark.line + 1, root.start_mark.column + 1)


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def compose(text: str) -> yaml.Node | None:
    """The node tree with marks, for locating diagnostics (only on the error path)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def locate(root: yaml.Node | None, path: tuple[Any, ...], at_key: bool = False) -> tuple[int | None, int | None]:
    """1-based line and column of the node at `path`, or of its deepest existing parent."""
    node = root
    if node is None:
        return 1, 1
    for index, part in enumerate(path):
        last = index == len(path) - 1
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                    child = key_node if (last and at_key) else value_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1, node.start_mark.column + 1


def path_of_line(text: str, line: int) -> str:
    """The field path of the deepest node that starts on `line` (for duplicate keys)."""
    root = compose_unchecked(text)
    found: list[str] = []

    def walk(node: yaml.Node, path: list[str]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.start_mark.line + 1 == line:
                    found[:] = [*path, str(key.value)]
                    return
                if key.start_mark.line + 1 <= line <= value.end_mark.line + 1:
                    walk(value, [*path, str(key.value)])
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                if value.start_mark.line + 1 <= line <= value.end_mark.line + 1:
                    walk(value, [*path[:-1], f"{path[-1]}[{index}]"] if path else [f"[{index}]"])

    if root is not None:
        walk(root, [])
    return ".".join(found)


def compose_unchecked(text: str) -> yaml.Node | None:
    try:
        return compose(text)
    except yaml.YAMLError:
        return None


