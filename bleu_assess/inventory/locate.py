"""YAML node trees with their marks: the loader every YAML read goes through (YAML 1.2 core
scalars, duplicate keys recorded), composing a document, and locating a field path or a line in
it, so that diagnostics name a line and column (only on the error path: a parse needs no marks).

yamlio parses with the loader and re-exports compose, compose_unchecked, locate and path_of_line,
where their callers (intake, catalogue, upgrade) reach them."""

from __future__ import annotations

from typing import Any

import yaml

from bleu_assess.inventory import scalars

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class OutOfRange(yaml.constructor.ConstructorError):
    """A number the loader cannot hold: `code` (input.<code> of templates/i18n/input.<lang>.yaml)
    and its `params`, worded in the reader's language when printed."""

    def __init__(self, code: str, mark: Any, **params: Any) -> None:
        super().__init__(None, None, code, mark)
        self.code, self.params = code, params


class Loader(_Base):
    """libyaml's safe loader (PyYAML's when libyaml is missing) whose plain scalars follow the YAML
    1.2 core schema and which records duplicate keys in `duplicate_keys` instead of keeping the
    last value; OutOfRange (a ConstructorError) for a number out of range."""

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
        return super().construct_mapping(node, deep)

    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        try:
            return scalars.to_int(node.value)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            raise OutOfRange("number_digits_out_of_range", node.start_mark, digits=len(node.value)) from None

    def construct_core_float(self, node: yaml.ScalarNode) -> float:
        try:
            return scalars.to_float(node.value)
        except ValueError:
            raise OutOfRange("number_value_out_of_range", node.start_mark, value=node.value[:40]) from None


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", scalars.NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", scalars.BOOL, list("tTfF")),
    ("tag:yaml.org,2002:int", scalars.INT, list("-+0123456789")),
    ("tag:yaml.org,2002:float", scalars.FLOAT, list("-+.0123456789")),
):
    Loader.add_implicit_resolver(_tag, _pattern, _first)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_core_int)
Loader.add_constructor("tag:yaml.org,2002:float", Loader.construct_core_float)


def compose(text: str) -> yaml.Node | None:
    """The node tree with marks, for locating diagnostics (only on the error path)."""
    loader = Loader(text)
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
    """The node tree as `compose` gives it, or None when the text is not valid YAML."""
    try:
        return compose(text)
    except yaml.YAMLError:
        return None
