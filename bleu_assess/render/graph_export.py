"""`bleu-assess graph`: the inventory graph as Mermaid, Graphviz DOT or node-link JSON.

Mermaid node ids are made from item ids by an escaping that cannot collide (`mermaid_node_id`):
`portail-agents`, `portail_agents` and `portail.agents` are three nodes. Labels are quoted
strings whose markup characters become Mermaid entities (`mermaid_text`). Each drawing starts
with a one-line legend of what its arrows mean, in the organisation's language."""

from __future__ import annotations

import json

from bleu_assess.inventory.graph import InventoryGraph, split
from bleu_assess.render.i18n import t

_MERMAID_SHAPES = {"application": ("[", "]"), "dataset": ("[(", ")]"), "provider": ("{{", "}}"), "platform": ("[/", "/]")}
_DOT_SHAPES = {"application": "box", "dataset": "cylinder", "provider": "hexagon", "platform": "parallelogram"}
_EDGE_STYLE = {"depends_on": "-->", "flow": "==>", "holds": "-.-", "hosted_by": "-.->", "subprocessor": "-.->",
               "on_platform": "-.->"}
# A prefix per kind, none the beginning of another, so ids of different kinds never meet (and never
# start with `o` or `x`, which Mermaid reads as an edge end after `--`, nor spell `end`).
_KIND_PREFIX = {"application": "app_", "dataset": "data_", "provider": "prov_", "platform": "plat_"}
_ESCAPES = {"_": "__", "-": "_h", ".": "_d"}


def _sorted_edges(ig: InventoryGraph) -> list[tuple[str, str, str, dict[str, object]]]:
    return sorted(((u, v, k, d) for u, v, k, d in ig.graph.edges(keys=True, data=True)), key=lambda e: e[:3])


def mermaid_node_id(kind: str, item_id: str) -> str:
    """A Mermaid node id for an item, injective: letters and digits stay, `_` `-` `.` become
    `__` `_h` `_d`, any other character `_u<hex>_` (a prefix-free code, so it decodes uniquely)."""
    escaped = "".join(ch if ch.isascii() and ch.isalnum() else _ESCAPES.get(ch, f"_u{ord(ch):x}_") for ch in item_id)
    return _KIND_PREFIX[kind] + escaped


def _node_id(node: str) -> str:
    return mermaid_node_id(*split(node))


def mermaid_text(text: str) -> str:
    # Mermaid labels are quoted strings; quotes and markup characters become entities.
    return "".join(f"#{ord(ch)};" if ch in '"<>&#`|{}[]' else ch for ch in text)


def _frontmatter_title(text: str) -> str:
    """Mermaid's front matter (YAML) with a title: JSON is YAML, so a JSON string is a safe scalar."""
    return f"---\ntitle: {json.dumps(text, ensure_ascii=False)}\n---"


def to_mermaid(ig: InventoryGraph, lang: str = "en") -> str:
    lines = [_frontmatter_title(t("cli.graph_legend", lang)), "flowchart LR"]
    for node_id in sorted(ig.graph.nodes):
        attrs = ig.graph.nodes[node_id]
        left, right = _MERMAID_SHAPES[attrs["kind"]]
        lines.append(f'  {_node_id(node_id)}{left}"{mermaid_text(str(attrs["label"]))}"{right}')
    for u, v, kind, data in _sorted_edges(ig):
        label = kind if kind != "flow" else "flow: " + ", ".join(data.get("datasets", []))  # type: ignore[arg-type]
        lines.append(f'  {_node_id(u)} {_EDGE_STYLE[kind]}|"{mermaid_text(label)}"| {_node_id(v)}')
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(ig: InventoryGraph, lang: str = "en") -> str:
    lines = ["digraph inventory {", "  rankdir=LR;", f"  label={_dot_text(t('cli.graph_legend', lang))};",
             "  labelloc=t;", '  node [fontname="Helvetica"];']
    for node_id in sorted(ig.graph.nodes):
        attrs = ig.graph.nodes[node_id]
        lines.append(f"  {_dot_text(node_id)} [label={_dot_text(str(attrs['label']))}, shape={_DOT_SHAPES[attrs['kind']]}];")
    for u, v, kind, data in _sorted_edges(ig):
        label = kind if kind != "flow" else "flow: " + ", ".join(data.get("datasets", []))  # type: ignore[arg-type]
        style = "solid" if kind in ("depends_on", "flow") else "dashed"
        lines.append(f"  {_dot_text(u)} -> {_dot_text(v)} [label={_dot_text(label)}, style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json(ig: InventoryGraph, lang: str = "en") -> str:
    nodes = [{**ig.graph.nodes[n], "id": n, "item": ig.graph.nodes[n]["id"]} for n in sorted(ig.graph.nodes)]
    links = [{"source": u, "target": v, **data} for u, v, _, data in _sorted_edges(ig)]
    document = {"directed": True, "multigraph": True, "nodes": nodes, "links": links}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


