"""Dependency and exposure diagrams for the report: applications, the flows between them and the
providers that host them, with the exposure paths (scan results) drawn in red.

Layout is Graphviz's `dot` (hierarchical layout, the reference tool for this kind of graph; the
Debian package `graphviz`), run as a process on a DOT text we write: same input, same output,
so reports stay byte-identical. When `dot` is not installed, `render_svg` returns None and the
report shows the same paths as text (nothing is lost, the picture is)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from bleu_assess.assess.results import ItemVerdict
from bleu_assess.inventory.model import Inventory
from bleu_assess.vocab import EXPOSURE_RANK as LEVEL_RANK
from bleu_assess.vocab import ExposureLevel

DOT_TIMEOUT = 60  # seconds; dot lays out a few hundred nodes in well under a second
OVERVIEW_MAX_APPLICATIONS = 40  # beyond, one diagram per exposed application
PER_PATH_MAX_DIAGRAMS = 20
MAX_NODES = 80  # a picture with more is unreadable on a page (and slow to lay out)
PATH_COLOURS: dict[str, str] = {ExposureLevel.CRITICAL: "#b42318", ExposureLevel.HIGH: "#c2410c",
                                 ExposureLevel.MEDIUM: "#8a5a00", ExposureLevel.LOW: "#57606a"}
LABEL_WIDTH = 22  # characters a line in a node: dot sizes boxes to their text
MIN_SCALE = 0.65  # 11 pt labels shown at 0.65 stay above 9 px on screen


@dataclass
class Diagram:
    """One picture: `nodes` (node id -> (kind, label)), `edges` ((from, to) -> kind: flow,
    hosted_by, subprocessor), `exposed` ((from, to) -> worst level of a path through it),
    `paths` (the exposure paths it shows, as node ids, with their level)."""

    key: str
    title: str
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edges: dict[tuple[str, str], str] = field(default_factory=dict)
    exposed: dict[tuple[str, str], str] = field(default_factory=dict)
    paths: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


def _node_id(step: str, inventory: Inventory) -> str:
    """A path step (an application or dataset id, or `provider:ID`) as a diagram node."""
    if step.startswith("provider:"):
        return step
    return f"application:{step}" if step in inventory.applications_by_id else f"dataset:{step}"


def _label(node: str, inventory: Inventory) -> tuple[str, str]:
    kind, _, item = node.partition(":")
    if kind == "provider":
        provider = inventory.provider(item)
        return kind, provider.name if provider else item
    if kind == "application":
        return kind, inventory.applications_by_id[item].name
    dataset = inventory.datasets_by_id.get(item)
    return kind, dataset.name if dataset else item


def _add_path(diagram: Diagram, level: str, path: Sequence[str], inventory: Inventory) -> None:
    steps = [_node_id(s, inventory) for s in path]
    for step in steps:
        diagram.nodes.setdefault(step, _label(step, inventory))
    for a, b in pairwise(steps):
        kind = ("subprocessor" if a.startswith("provider:") else "hosted_by" if b.startswith("provider:")
                else "holds" if a.startswith("dataset:") else "flow")
        diagram.edges.setdefault((a, b), kind)
        if LEVEL_RANK[level] > LEVEL_RANK.get(diagram.exposed.get((a, b), "none"), 0):
            diagram.exposed[(a, b)] = level
    diagram.paths.append((level, tuple(steps)))


def diagrams(items: Iterable[ItemVerdict], inventory: Inventory, titles: dict[str, str],
             levels: Sequence[str] = (ExposureLevel.CRITICAL, ExposureLevel.HIGH)) -> list[Diagram]:
    """The diagrams of a report, first the exposure paths of applications at `levels` (key
    `exposure`, when it holds at most MAX_NODES nodes). Small estates then get an overview of the applications linked by flows or to
    a provider, with the same paths highlighted (key `overview`; applications with no link are
    left out and listed by the report); large estates get one diagram per exposed application
    instead (worst first, key `item-ID`). `titles`: `exposure`, `overview`, `item` ({name})."""
    exposed = sorted((i for i in items if i.kind == "application" and i.exposure.paths and i.exposure.level in levels),
                     key=lambda i: (-LEVEL_RANK[i.exposure.level], -i.exposure.score, i.id))
    paths = Diagram("exposure", titles["exposure"])
    for item in exposed:
        if len(paths.nodes) > MAX_NODES:
            break  # too many to draw already (and a large estate has thousands more paths)
        for path in item.exposure.paths:
            _add_path(paths, item.exposure.level, path, inventory)
    out = [paths] if paths.paths and len(paths.nodes) <= MAX_NODES else []
    if len(inventory.applications) > OVERVIEW_MAX_APPLICATIONS:
        for item in exposed[:PER_PATH_MAX_DIAGRAMS]:
            diagram = Diagram(f"item-{item.id}", titles["item"].format(name=item.name))
            for path in item.exposure.paths:
                _add_path(diagram, item.exposure.level, path, inventory)
            out.append(diagram)
        return out
    overview = Diagram("overview", titles["overview"])
    for app in inventory.applications:
        if app.hosting and app.hosting.provider and inventory.provider(app.hosting.provider):
            overview.edges[(f"application:{app.id}", f"provider:{app.hosting.provider}")] = "hosted_by"
    for flow in inventory.flows:
        overview.edges.setdefault((f"application:{flow.source}", f"application:{flow.target}"), "flow")
    for provider in inventory.providers:
        for sub in provider.subprocessors:
            if inventory.provider(sub.id):
                overview.edges[(f"provider:{provider.id}", f"provider:{sub.id}")] = "subprocessor"
    for item in exposed:
        for path in item.exposure.paths:
            _add_path(overview, item.exposure.level, path, inventory)
    hosts = {b for (a, b) in overview.edges if not a.startswith("provider:")} | {
        a for (a, b) in overview.edges if not a.startswith("provider:")}
    # A subprocessor edge shows only under a provider that hosts something in the picture.
    overview.edges = {(a, b): k for (a, b), k in overview.edges.items() if not a.startswith("provider:") or a in hosts}
    for a, b in overview.edges:
        for node in (a, b):
            overview.nodes.setdefault(node, _label(node, inventory))
    out.append(overview)
    return out


def unlinked(diagram: Diagram, inventory: Inventory) -> list[str]:
    """Names of the applications a diagram leaves out (no flow, no provider)."""
    return [a.name for a in inventory.applications if f"application:{a.id}" not in diagram.nodes]


def _wrap(text: str) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > LABEL_WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dom_id(key: str, node: str) -> str:
    return f"{key}-" + re.sub(r"[^A-Za-z0-9_-]", "-", node.replace(":", "-"))


def to_dot(diagram: Diagram) -> str:
    """The DOT text of a diagram: left to right, applications as boxes, providers as
    hexagons, exposed edges red and thick; every node and edge with an `id` and a `class`
    (`application`/`provider`, `exposed`, the level) that the SVG keeps."""
    on_path = {n for _, steps in diagram.paths for n in steps}
    lines = ["digraph G {", '  graph [rankdir=LR, nodesep=0.25, ranksep=0.5, fontname="Helvetica,Arial,sans-serif", '
             'bgcolor="transparent"];',
             '  node [fontname="Helvetica,Arial,sans-serif", fontsize=11, style="rounded,filled", fillcolor="#ffffff", '
             'color="#57606a", shape=box, margin="0.08,0.04"];',
             '  edge [color="#8c959f", arrowsize=0.6];']
    for node in sorted(diagram.nodes):
        kind, text = diagram.nodes[node]
        worst = max((level for level, steps in diagram.paths if node in steps), key=LEVEL_RANK.__getitem__, default=None)
        attrs = {"label": _quote(_wrap(text)), "id": _quote(_dom_id(diagram.key, node)),
                 "class": _quote(" ".join([kind] + (["exposed", worst] if worst else [])))}
        if kind == "provider":
            attrs |= {"shape": "hexagon", "fillcolor": '"#f6f8fa"'}
        if kind == "dataset":
            attrs["shape"] = "cylinder"
        if node in on_path and worst:
            attrs |= {"color": _quote(PATH_COLOURS[worst]), "penwidth": "2"}
        lines.append(f"  {_quote(node)} [{', '.join(f'{k}={v}' for k, v in attrs.items())}];")
    for (a, b), kind in sorted(diagram.edges.items()):
        level = diagram.exposed.get((a, b))
        attrs = {"id": _quote(_dom_id(diagram.key, f"{a}--{b}")),
                 "class": _quote(" ".join([kind] + (["exposed", level] if level else [])))}
        if kind in ("hosted_by", "subprocessor"):
            attrs["style"] = "dashed"
        if level:
            attrs |= {"color": _quote(PATH_COLOURS[level]), "penwidth": "2.5"}
        lines.append(f"  {_quote(a)} -> {_quote(b)} [{', '.join(f'{k}={v}' for k, v in attrs.items())}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_svgs(pictures: Sequence[tuple[Diagram, str, str]]) -> list[str | None]:
    """Each (diagram, title, description) as inline SVG (no XML prolog, no comments, scalable,
    titled for assistive technology), all laid out by one `dot` process; Nones when Graphviz is
    not installed or fails."""
    dot = shutil.which("dot")
    if dot is None or not pictures:
        return [None] * len(pictures)
    try:
        laid_out = _laid_out(dot, "".join(to_dot(d) for d, _, _ in pictures))
    except _DotFailed:
        return [None] * len(pictures)
    documents = [d for d in re.split(r"(?=<svg )", laid_out) if d.startswith("<svg ")]
    if len(documents) != len(pictures):
        return [None] * len(pictures)
    return [_inline(svg[:svg.index("</svg>") + 6], d, title, desc) for svg, (d, title, desc) in zip(documents, pictures)]


class _DotFailed(Exception):
    pass


def _laid_out(dot: str, source: str) -> str:
    """`dot -Tsvg`'s output for `source`, kept in the compiled cache (bleu_assess.cache) under the
    source and the `dot` program's path, size and modification time: the same Graphviz lays out
    the same graph the same way, and a report's diagrams rarely change between runs (a `dot`
    process costs about as much CPU as assessing a hospital's estate; a Graphviz library upgraded
    without its `dot` program is not noticed: `BLEU_ASSESS_CACHE=off`). Raises _DotFailed when
    `dot` cannot run, fails or times out (nothing is kept)."""
    import os

    from bleu_assess import cache

    def run() -> str:
        try:
            done = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=DOT_TIMEOUT,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _DotFailed from exc
        if done.returncode != 0:
            raise _DotFailed
        return done.stdout

    try:
        program = os.stat(dot)
    except OSError:
        return run()
    return cache.cached("dot-svg", (dot, f"{program.st_size}\0{program.st_mtime_ns}", source), run)


def _inline(svg: str, diagram: Diagram, title: str, desc: str) -> str:
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S).replace("&#45;", "-")
    chart = f"diagram-{diagram.key}"
    # Never wider than drawn; on a narrow screen never under MIN_SCALE of it (labels stay
    # readable, the figure scrolls in its box). Print ignores the minimum (the page is the box).
    svg = re.sub(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                 lambda m: (f'<svg class="diagram" style="max-width:{float(m.group(1)):.0f}pt;'
                            f'min-width:{float(m.group(1)) * MIN_SCALE:.0f}pt" width="100%" '
                            f'role="img" aria-labelledby="{chart}-title {chart}-desc"'), svg, count=1)
    # Inline in HTML: no namespace declarations (and no address in the body), no graph title "G".
    svg = re.sub(r'\s*xmlns(:xlink)?="[^"]*"', "", svg)
    svg = svg.replace("<title>G</title>\n", "", 1)
    # A node's or an edge's tooltip: its names (« Messagerie → Microsoft 365 »), not the graph's
    # ids (`application:messagerie->provider:microsoft-365`).
    names = {node: text for node, (_, text) in diagram.nodes.items()}

    def named(m: re.Match[str]) -> str:
        ends = html.unescape(m.group(1)).split("->")
        return f"<title>{escape(' → '.join(names.get(end, end) for end in ends))}</title>"

    svg = re.sub(r"<title>([^<]*)</title>", named, svg)
    head = f'<title id="{chart}-title">{escape(title)}</title><desc id="{chart}-desc">{escape(desc)}</desc>'
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, svg, count=1).strip()
