"""Stage 3: the inventory as a typed graph. The one module that builds it; the rest of the
code asks it questions.

Nodes are `kind:id` strings (kind: application, dataset, provider, platform) with a `kind`
attribute. Edges carry a `kind` (also their key in the multigraph):
- `depends_on`   application -> application it needs at run time
- `flow`         application -> application, with the `datasets` it carries
- `holds`        application -> dataset
- `hosted_by`    application -> provider
- `subprocessor` provider -> provider it relies on
- `on_platform`  platform -> provider that operates it
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bleu_assess.inventory.model import Inventory
from bleu_assess.vocab import LinkKind

if TYPE_CHECKING:
    import networkx as nx

NODE_KINDS = ("application", "dataset", "provider", "platform")
EDGE_KINDS = tuple(LinkKind)


def node(kind: str, item_id: str) -> str:
    return f"{kind}:{item_id}"


def split(node_id: str) -> tuple[str, str]:
    kind, _, item_id = node_id.partition(":")
    return kind, item_id


@dataclass(frozen=True)
class InventoryGraph:
    """Questions about the inventory's structure. The full typed multigraph is built on first
    use only: assessing needs just the dependency and flow graphs."""

    inventory: Inventory
    prebuilt: nx.MultiDiGraph | None = None

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        return self.prebuilt if self.prebuilt is not None else _typed_graph(self.inventory)

    @cached_property
    def dependencies(self) -> nx.DiGraph:
        """Applications only; an edge A -> B means A depends on B."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(a.id for a in self.inventory.applications)
        g.add_edges_from((a.id, d) for a in self.inventory.applications for d in a.depends_on if d != a.id)
        return g

    @cached_property
    def flows(self) -> nx.DiGraph:
        """Applications only; an edge A -> B carries the set of datasets A sends to B."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(a.id for a in self.inventory.applications)
        for flow in self.inventory.flows:
            if g.has_edge(flow.source, flow.target):
                g[flow.source][flow.target]["datasets"] |= set(flow.datasets)
            else:
                g.add_edge(flow.source, flow.target, datasets=set(flow.datasets))
        return g

    def dependency_cycles(self) -> list[list[str]]:
        """Groups of applications that depend on each other, each sorted, largest first."""
        return list(self._cycles)

    @cached_property
    def _cycles(self) -> tuple[list[str], ...]:
        # Strongly connected components of the dependency graph, read from the inventory
        # directly: assessing needs no graph library (nor its import time). An application
        # depending on itself is left as it is: alone in its component, it makes no group.
        return tuple(dependency_cycles({a.id: a.depends_on for a in self.inventory.applications}))

    def neighbourhood(self, focus: str, depth: int) -> InventoryGraph:
        """The part of the graph within `depth` edges of `focus` (either direction)."""
        import networkx as nx

        undirected = self.graph.to_undirected(as_view=True)
        keep = nx.single_source_shortest_path_length(undirected, focus, cutoff=depth)
        return InventoryGraph(self.inventory, self.graph.subgraph(keep).copy())

    def find(self, item_id: str) -> list[str]:
        """Node ids matching a bare id (or an already qualified `kind:id`)."""
        if item_id in self.graph:
            return [item_id]
        return [n for n in (node(k, item_id) for k in NODE_KINDS) if n in self.graph]


def dependency_cycles(needs: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Groups of applications that depend on each other (`needs`: application id -> the ids it
    depends on), each sorted, largest first."""
    groups = [sorted(c) for c in strongly_connected(needs) if len(c) > 1]
    return sorted(groups, key=lambda c: (-len(c), c))


def build_graph(inventory: Inventory) -> InventoryGraph:
    return InventoryGraph(inventory)


def strongly_connected(edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The strongly connected components of a directed graph given as node -> successors (every
    node a key), each a list of nodes, in no particular order: Tarjan's algorithm, without
    recursion (a chain of 100,000 dependencies is no problem)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def _typed_graph(inventory: Inventory) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph()
    _add_nodes(g, "provider", ((p.id, p.name) for p in inventory.providers))
    _add_nodes(g, "platform", ((p.id, p.id) for p in inventory.platforms))
    _add_nodes(g, "application", ((a.id, a.name) for a in inventory.applications))
    _add_nodes(g, "dataset", ((d.id, d.name) for d in inventory.datasets))
    for p in inventory.providers:
        for sub in p.subprocessors:
            g.add_edge(node("provider", p.id), node("provider", sub.id), key=LinkKind.SUBPROCESSOR,
                       kind=LinkKind.SUBPROCESSOR)
    for platform in inventory.platforms:
        g.add_edge(node("platform", platform.id), node("provider", platform.provider), key=LinkKind.ON_PLATFORM,
                   kind=LinkKind.ON_PLATFORM)
    for a in inventory.applications:
        source = node("application", a.id)
        for dep in a.depends_on:
            g.add_edge(source, node("application", dep), key=LinkKind.DEPENDS_ON, kind=LinkKind.DEPENDS_ON)
        for dataset in a.datasets:
            g.add_edge(source, node("dataset", dataset), key=LinkKind.HOLDS, kind=LinkKind.HOLDS)
        provider = inventory.hosting_provider(a)
        if provider is not None:
            g.add_edge(source, node("provider", provider.id), key=LinkKind.HOSTED_BY, kind=LinkKind.HOSTED_BY)
    for flow in inventory.flows:
        source, target = node("application", flow.source), node("application", flow.target)
        if g.has_edge(source, target, key=LinkKind.FLOW):
            carried = g.edges[source, target, "flow"]["datasets"]
            g.edges[source, target, "flow"]["datasets"] = sorted(set(carried) | set(flow.datasets))
        else:
            g.add_edge(source, target, key=LinkKind.FLOW, kind=LinkKind.FLOW, datasets=sorted(set(flow.datasets)))
    return g


def _add_nodes(g: nx.MultiDiGraph, kind: str, items: Iterable[tuple[str, str]]) -> None:
    g.add_nodes_from((node(kind, item_id), {"kind": kind, "id": item_id, "label": label}) for item_id, label in items)
