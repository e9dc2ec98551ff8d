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
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bleu_assess import gcpause, inputs
from bleu_assess.errors import Diagnostic, InputError, format_path  # noqa: F401 (yamlio.format_path stays importable)

# Re-exported: callers read YAML files with yamlio.read_bytes, yamlio.decode, yamlio.max_bytes.
from bleu_assess.inputs import max_bytes as max_bytes
from bleu_assess.inputs import position as _position
from bleu_assess.inputs import read_bytes as read_bytes
from bleu_assess.inventory import scalars

if TYPE_CHECKING:
    import yaml

    # Re-exported: yamlio.compose, yamlio.locate, ... stay where callers import them.
    from bleu_assess.inventory.locate import compose as compose
    from bleu_assess.inventory.locate import compose_unchecked as compose_unchecked
    from bleu_assess.inventory.locate import locate as locate
    from bleu_assess.inventory.locate import path_of_line as path_of_line

# PyYAML and our loader (inventory/locate.py) are imported when first needed, not with this
# module: the fast parser (rapidyaml) reads most files, and a run that meets no error, anchor
# or alias never needs them.
_LOCATE = ("compose", "compose_unchecked", "locate", "path_of_line")


def __getattr__(name: str) -> Any:
    """yamlio.compose, .compose_unchecked, .locate, .path_of_line: inventory/locate.py's, imported on first use."""
    if name in _LOCATE:
        from bleu_assess.inventory import locate as locator

        return getattr(locator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# Aliases may repeat a node; refuse documents whose expansion is out of proportion.
_MAX_EXPANSION_FACTOR = 10
_MAX_EXPANSION_FLOOR = 200_000


def _fail(file: str, code: str, line: int | None = None, column: int | None = None, path: str = "",
          **params: Any) -> InputError:
    """A refusal of the parse, `input.<code>` of templates/i18n/input.<lang>.yaml with `params`
    (worded in the reader's language when printed), at `line`, `column` and field `path`."""
    refused = inputs.refusal(file, code, line, column, **params)
    return InputError(refused.message, [replace(d, path=path) for d in refused.diagnostics])


def _syntax(file: str, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    """A YAML syntax error, at the parser's mark, its own words quoted; a bracket or quote left
    open to the end of the text (the parser then stops past the last line) is located where it
    was opened; a tab the parser stopped at is named as such (YAML indents with spaces only)."""
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    if mark is None:
        return _fail(file, "yaml_syntax", problem=problem)
    opening = text[context.index] if context is not None and context.index < len(text) else ""
    if context is not None and opening in _OPENINGS and mark.index >= len(text.rstrip()):
        return _fail(file, "yaml_syntax_unclosed", context.line + 1, context.column + 1, problem=problem,
                     opening=opening)
    if text[mark.index:mark.index + 1] == "\t":  # a tab where YAML wants spaces: said plainly
        return _fail(file, "yaml_tab", mark.line + 1, mark.column + 1)
    return _fail(file, "yaml_syntax", mark.line + 1, mark.column + 1, problem=problem)


_OPENINGS = frozenset("[{\"'")


def decode(raw: bytes, file: str) -> str:
    """The text of a YAML or JSON file: UTF-8 (a BOM is allowed), no NUL (bleu_assess/inputs.py)."""
    return inputs.decode(raw, file)[0]


def parse(text: str, file: str, raw: bytes | None = None) -> Any:
    """Parse one YAML (or JSON) document into plain Python data. `raw`, when given, is the
    file's bytes that `decode` made `text` of: rapidyaml reads them rather than `text` encoded again."""
    if file.endswith(".json"):
        return _parse_json(text, file)
    if parser() == "rapidyaml":
        data = _parse_fast(text, raw)
        if data is not _FALLBACK:
            return data
    import yaml

    from bleu_assess.inventory.locate import Loader, OutOfRange, path_of_line

    loader = Loader(text)
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
        if isinstance(exc, OutOfRange):  # the loader's own refusal, a code
            raise _fail(file, exc.code, line, column, path, **exc.params) from None
        raise _fail(file, "yaml_value", line, column, path, problem=exc.problem or exc.context) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax(file, text, exc) from None
    except yaml.YAMLError as exc:
        raise _fail(file, "yaml_error", error=str(exc)) from None
    except RecursionError:
        raise _fail(file, "too_deep") from None
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
        import ryml
    except ImportError:
        return None
    return ryml


_FALLBACK = object()
_BOM = b"\xef\xbb\xbf"
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


def _parse_fast(text: str, raw: bytes | None = None) -> Any:
    """rapidyaml parses, emits JSON, json.loads builds the objects: several times faster than
    libyaml. Whatever it cannot vouch for goes to the precise parser (`_FALLBACK`): anchors,
    tags, duplicate keys, several documents, syntax errors, and any string that would have been
    typed had it been written plain — JSON no longer says whether it was quoted. A document
    that `_pieces` can cut is parsed piece by piece (`_parse_pieces`); else, or when a piece
    fails, as a whole."""
    ryml = _ryml()
    if (_might_be_risky(text) and _RISKY.search(text)) or _lenient(text):
        return _FALLBACK
    if raw is None or raw.startswith(_BOM):  # decode left the BOM out of the text
        raw = text.encode("utf-8")
    pieces = _pieces(raw)
    if pieces is not None:
        # rapidyaml prints its parse errors; the precise parser reports them.
        with gcpause.paused(), _quiet_stderr():
            data = _parse_pieces(ryml, pieces)
        if data is not None:
            return data
    try:
        tree = ryml.Tree()
        tree.reserve(_nodes(raw))
        with gcpause.paused(), _quiet_stderr():
            return _parse_tree(ryml, tree, raw, bytearray(2 * len(raw) + 4096))
    except (_Duplicate, ValueError, RecursionError, RuntimeError, TypeError):
        return _FALLBACK
    except Exception as exc:  # ryml's own parse errors
        if type(exc).__module__.startswith("ryml"):
            return _FALLBACK
        raise


def _parse_tree(ryml: Any, tree: Any, raw: bytes, buffer: bytearray) -> Any:
    """The document `raw` parsed into the (empty) rapidyaml `tree`, as Python data, or
    `_FALLBACK`; raises what rapidyaml and json.loads raise. Its JSON is emitted into `buffer`
    (`_json`). Called with the cycle collector paused (gcpause: json.loads makes millions of
    acyclic objects) and the standard error quiet (`_quiet_stderr`)."""
    ryml.parse_in_arena(raw, tree=tree)
    root = tree.root_id()
    if tree.is_stream(root):
        if tree.num_children(root) != 1:
            return _FALLBACK
        root = tree.first_child(root)
    emitted = _json(ryml, tree, root, buffer)
    ambiguous = _ambiguous(emitted)
    if ambiguous and not _all_quoted(tree, ambiguous):
        return _FALLBACK
    data = json.loads(emitted, object_pairs_hook=_pairs)
    # Every document we read is a mapping; anything else (a root block scalar, which
    # rapidyaml indents more leniently) is an error the precise parser reports.
    return data if isinstance(data, dict) else _FALLBACK


# A line at the left margin that opens a top-level key: a plain name, then nothing, or a
# comment, or (`inline`) a value on the same line.
_TOP_KEY = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*):(?P<inline>[ ]+[^ #\n][^\n]*)?[ ]*(?:[ ]#[^\n]*)?")
# Lines at the left margin (after the first line) that are neither blank, nor comments, nor
# entries of a sequence at the margin (`key:` then `- entry` lines, as PyYAML and our import
# write them): top-level keys, if all is well. A line break first: the regular expression
# engine skips ahead to it quickly (ten times faster than `^` in multiline mode).
_MARGIN = re.compile(rb"\n(?!-[ \n])[^ \n#]")
_MARGIN_ENTRY = re.compile(rb"\n-[ \n]")
# Text per piece of a long sequence: its tree (some 140 bytes a node) stays in the processor's
# cache, and is allocated once for all pieces.
PIECE_BYTES = 64 * 1024


def _pieces(raw: bytes) -> list[tuple[str, list[bytes]]] | None:
    """The document `raw` cut along its top-level keys, and each long block sequence under
    one into runs of its entries, each run a document of its own (`key:` then the run's
    lines): [(key, [piece, ...]), ...] in the document's order; None when the document is not
    plainly so (no key at the margin, a line at the margin that opens no plain key nor an
    entry of its sequence, a directive, a document marker, a lone carriage return).

    A piece ends where a line opens an entry of the same sequence, at the same indentation:
    by YAML's indentation rules, an entry's own lines are indented deeper, except inside a
    quoted scalar or a flow collection left open, which then ends its piece unterminated:
    rapidyaml refuses such a piece, and the whole document is parsed instead."""
    if b"\r" in raw or raw.startswith((b"%", b"---")) or b"\n---" in raw or b"\n..." in raw:
        return None
    starts = [m.start() + 1 for m in _MARGIN.finditer(raw)]
    if raw[:1] not in (b"", b" ", b"\n", b"#"):
        starts.insert(0, 0)
    if not starts:
        return None
    out: list[tuple[str, list[bytes]]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(raw)
        line_end = raw.find(b"\n", start, end)
        line_end = end if line_end < 0 else line_end
        key = _TOP_KEY.fullmatch(raw, start, line_end)
        if key is None:
            return None
        name = key.group(1).decode("ascii")
        if key.group("inline") is not None and _MARGIN_ENTRY.search(raw, line_end, end):
            return None  # entries after a value: the whole document's parse says what is wrong
        if key.group("inline") is not None or end - start <= PIECE_BYTES:
            out.append((name, [raw[start:end]]))
            continue
        runs = _runs(raw, line_end, end)
        if runs is None:  # not a block sequence: one piece
            out.append((name, [raw[start:end]]))
            continue
        head = raw[start:line_end]
        out.append((name, [head + raw[a:b] for a, b in pairwise(runs)]))
    return out


def _runs(raw: bytes, body: int, end: int) -> list[int] | None:
    """Where the runs of entries of the block sequence in raw[body:end] (a top-level key's
    lines after its own, from its line break) begin, each at the line break before an entry,
    about PIECE_BYTES apart, then `end`; None when its first line that is neither blank nor a
    comment opens no entry."""
    first = _CONTENT.search(raw, body, end)
    if first is None or first.group(2) != b"-":
        return None
    entry = re.compile(rb"\n" + first.group(1) + rb"-[ \n]")
    runs = [body]
    at = first.start() + PIECE_BYTES  # the first run holds the first entry, and what comes before it
    while at < end and (found := entry.search(raw, at, end)) is not None:
        runs.append(found.start())
        at = found.start() + PIECE_BYTES
    runs.append(end)
    return runs


# A line neither blank nor a comment: its indentation, then `-` when it opens an entry.
_CONTENT = re.compile(rb"\n( *)(?:(-)[ \n]|[^ \n#])")


def _parse_pieces(ryml: Any, pieces: list[tuple[str, list[bytes]]]) -> Any:
    """The document of `pieces` (`_pieces`) as Python data, each piece parsed in one reused
    rapidyaml tree, the entries of a sequence's runs put together; `_FALLBACK` when the precise
    parser must decide (a key twice, ambiguous strings, ...), None when a piece fails, for the
    whole document to be parsed as one."""
    largest = max((piece for _, runs in pieces for piece in runs), key=len)
    tree = ryml.Tree()
    tree.reserve(_nodes(largest))  # grows if need be
    buffer = bytearray(2 * len(largest) + 4096)
    data: dict[str, Any] = {}
    try:
        for name, runs in pieces:
            if name in data:
                return _FALLBACK  # a key twice: the precise parser says where
            for piece in runs:
                tree.clear()
                tree.clear_arena()
                parsed = _parse_tree(ryml, tree, piece, buffer)
                if parsed is _FALLBACK:
                    return _FALLBACK
                if len(parsed) != 1 or name not in parsed:
                    return None
                if name not in data:
                    data[name] = parsed[name]
                elif isinstance(data[name], list) and isinstance(parsed[name], list):
                    data[name] += parsed[name]
                else:
                    return None
    except _Duplicate:
        return _FALLBACK
    except (ValueError, RecursionError, RuntimeError, TypeError):
        return None
    except Exception as exc:  # ryml's own parse errors
        if type(exc).__module__.startswith("ryml"):
            return None
        raise
    return data


def _json(ryml: Any, tree: Any, root: int, buffer: bytearray) -> str:
    """The JSON rapidyaml emits of `tree` from `root`, emitted once into `buffer` (again into
    one of the size it needs when too small): emit_json_malloc emits twice, once to measure and
    once to write, then copies. A buffer twice the YAML's size holds the JSON of every inventory
    we met (1.25 times on generated ones); the pieces of a document share one (`_parse_pieces`)."""
    failed, length = ryml.emit_json_to_substr(tree, root, buffer)
    if failed:
        return _json(ryml, tree, root, bytearray(length))
    return str(memoryview(buffer)[:length], "utf-8")


def _nodes(raw: bytes) -> int:
    """About how many nodes rapidyaml's tree of the YAML text `raw` holds (about 10 % more on
    generated and example inventories): one per line, per comma and per bracket or brace (a flow
    collection and its entries), per block sequence entry (`- `, whose mapping is a node of its
    own). Reserved before parsing: a tree grown by doubling as it parses copied and cleared up
    to twice its final size again."""
    return sum(map(raw.count, (b"\n", b",", b"[", b"{", b"- "))) + 2


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
))
# A comment before the collection closes on its line: the last bracket before ` #` opens.
# (No other opening bracket in between: the same matches, in linear time on `[[[[…`.)
# Looked for only in a text with a ` #` (a comment after something on its line): each scans
# from every bracket to its line's end, a third of the time of all these checks.
_FLOW_COMMENTS = tuple(re.compile(p) for p in (r"\[[^\n\[\]]* #", r"\{[^\n{}]* #"))


def _lenient(text: str) -> bool:
    return any(c in text for c in _ODD_SPACE) or any(p.search(text) for p in _ODD_STARTS) \
        or (" #" in text and any(p.search(text) for p in _FLOW_COMMENTS))


def _might_be_risky(text: str) -> bool:
    # A quick look before the regular expression, which is slow on megabytes of text. One
    # character is found at memory speed, two (`<<`) some fifteen times slower: `<` first.
    return "&" in text or "*" in text or "!" in text or ("<" in text and "<<" in text)


# A JSON string (or key) whose text YAML would have typed had it been written plain: the emitted
# JSON no longer says whether it was quoted. Found in the emitted text (a superset: a match
# inside a longer string only costs a fallback to the precise parser).
_AMBIGUOUS = re.compile('"(?:' + "|".join(p.pattern[1:-1] for p in (scalars.NULL, scalars.BOOL, scalars.INT,
                                                                    scalars.FLOAT)) + ')"')
# Where one could start: a quote then a sign, dot, digit or `~`, or a whole null or boolean word,
# or an empty string. Quicker to look for, then checked with the full pattern.
# The lookahead only rejects early the quotes followed by none of these (nearly all of them):
# the same matches, in about two thirds of the time (each alternative tried after every quote took
# 0.05 s of a 0.7 s load at 10,000 applications).
_CANDIDATE = re.compile(r'"(?=[-+.0-9~"nNtTfF])(?:[-+.0-9]|~"|"|[nN]ull"|NULL"|[tT]rue"|TRUE"|[fF]alse"|FALSE")')


def _ambiguous(emitted: str) -> Counter[str]:
    """How many times `emitted` holds each JSON string whose text YAML would type had it been
    written plain (a superset: a match inside a longer string counts too)."""
    found = (_AMBIGUOUS.match(emitted, m.start()) for m in _CANDIDATE.finditer(emitted))
    return Counter(match.group()[1:-1] for match in found if match)


def _all_quoted(tree: Any, ambiguous: Counter[str]) -> bool:
    """Whether each of those JSON strings stands for a key or value written in single or double
    quotes in the rapidyaml `tree` (`version: "2024.2"`): a string then, as JSON says. When
    they are more than the quoted scalars of the same text, some come from scalars written
    without quotes (rapidyaml writes some plain ones as strings, `nan` as ".nan"), which YAML
    may type: the precise parser decides. Block scalars count as unquoted (rapidyaml takes
    headers libyaml refuses, such as `|1:`)."""
    quoted: Counter[str] = Counter()
    for node in range(tree.size()):
        if tree.has_key(node) and (tree.is_key_squo(node) or tree.is_key_dquo(node)):
            text = bytes(tree.key(node)).decode("utf-8")
            if text in ambiguous:
                quoted[text] += 1
        if tree.has_val(node) and (tree.is_val_squo(node) or tree.is_val_dquo(node)):
            text = bytes(tree.val(node)).decode("utf-8")
            if text in ambiguous:
                quoted[text] += 1
    return quoted == ambiguous


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
        raise _fail(file, "json_syntax", exc.lineno, exc.colno, problem=exc.msg) from None
    except _JSONDuplicate:
        pass  # located below by the YAML loader (JSON is YAML), which records every duplicate
    except RecursionError:
        raise _fail(file, "too_deep") from None
    except ValueError:  # NaN, Infinity, or more digits than Python converts
        found = _JSON_CONSTANT.search(text) or _LONG_NUMBER.search(text)
        line, column = _position(text, found.start()) if found else (None, None)
        from bleu_assess.inventory.locate import path_of_line

        where = path_of_line(text, line) if line else ""
        if found is not None and found.re is _JSON_CONSTANT:
            raise _fail(file, "json_constant", line, column, where, value=found.group()) from None
        raise _fail(file, "number_out_of_range", line, column, where) from None
    import yaml

    from bleu_assess.inventory.locate import Loader

    loader = Loader(text)
    try:
        loader.get_single_data()
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        loader.dispose()
    if not loader.duplicate_keys:
        raise _fail(file, "duplicate_key_somewhere")
    raise _duplicates(file, text, loader.duplicate_keys)


def _duplicates(file: str, text: str, keys: list[yaml.Node]) -> InputError:
    from bleu_assess.inventory.locate import path_of_line

    return InputError("duplicate keys", [
        d for k in keys for d in _fail(file, "duplicate_key", k.start_mark.line + 1, k.start_mark.column + 1,
                                       path_of_line(text, k.start_mark.line + 1), key=k.value).diagnostics])


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
                raise _fail(file, "recursive_alias", child.start_mark.line + 1,
                            child.start_mark.column + 1)
        sizes[key] = 1 + sum(max(sizes.get(id(child), 1), 1) for child in children)
    total = sizes[id(root)]
    limit = max(_MAX_EXPANSION_FLOOR, _MAX_EXPANSION_FACTOR * distinct)
    if total > limit:
        raise _fail(file, "alias_bomb", root.start_mark.line + 1, root.start_mark.column + 1,
                    total=f"{total:,}", distinct=f"{distinct:,}", limit=f"{limit:,}")


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value
