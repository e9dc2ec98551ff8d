"""`bleu-assess graph`: the inventory graph as Mermaid, Graphviz DOT or node-link JSON."""

from __future__ import annotations

import json
import re

from bleu_assess.graph import InventoryGraph

_MERMAID_SHAPES = {"application": ("[", "]"), "dataset": ("[(", ")]"), "provider": ("{{", "}}"), "platform": ("[/", "/]")}
_DOT_SHAPES = {"application": "box", "dataset": "cylinder", "provider": "hexagon", "platform": "parallelogram"}
_EDGE_STYLE = {"depends_on": "-->", "flow": "==>", "holds": "-.-", "hosted_by": "-.->", "subprocessor": "-.->",
               "on_platform": "-.->"}


def _sorted_edges(ig: InventoryGraph) -> list[tuple[str, str, str, dict[str, object]]]:
    return sorted(((u, v, k, d) for u, v, k, d in ig.graph.edges(keys=True, data=True)), key=lambda e: e[:3])


def _mermaid_id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def mermaid_text(text: str) -> str:
    # Mermaid labels are quoted strings; quotes and markup characters become entities.
    return "".join(f"#{ord(ch)};" if ch in '"<>&#`|{}[]' else ch for ch in text)


def to_mermaid(ig: InventoryGraph) -> str:
    lines = ["flowchart LR"]
    for node_id in sorted(ig.graph.nodes):
        attrs = ig.graph.nodes[node_id]
        left, right = _MERMAID_SHAPES[attrs["kind"]]
        lines.append(f'  {_mermaid_id(node_id)}{left}"{mermaid_text(str(attrs["label"]))}"{right}')
    for u, v, kind, data in _sorted_edges(ig):
        label = kind if kind != "flow" else "flow: " + ", ".join(data.get("datasets", []))  # type: ignore[arg-type]
        lines.append(f'  {_mermaid_id(u)} {_EDGE_STYLE[kind]}|"{mermaid_text(label)}"| {_mermaid_id(v)}')
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(ig: InventoryGraph) -> str:
    lines = ["digraph inventory {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node_id in sorted(ig.graph.nodes):
        attrs = ig.graph.nodes[node_id]
        lines.append(f"  {_dot_text(node_id)} [label={_dot_text(str(attrs['label']))}, shape={_DOT_SHAPES[attrs['kind']]}];")
    for u, v, kind, data in _sorted_edges(ig):
        label = kind if kind != "flow" else "flow: " + ", ".join(data.get("datasets", []))  # type: ignore[arg-type]
        style = "solid" if kind in ("depends_on", "flow") else "dashed"
        lines.append(f"  {_dot_text(u)} -> {_dot_text(v)} [label={_dot_text(label)}, style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json(ig: InventoryGraph) -> str:
    nodes = [{**ig.graph.nodes[n], "id": n, "item": ig.graph.nodes[n]["id"]} for n in sorted(ig.graph.nodes)]
    links = [{"source": u, "target": v, **data} for u, v, _, data in _sorted_edges(ig)]
    document = {"directed": True, "multigraph": True, "nodes": nodes, "links": links}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


RENDERERS = {"mermaid": to_mermaid, "dot": to_dot, "json": to_json}
