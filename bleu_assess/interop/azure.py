"""Azure Migrate agentless dependency analysis (CSV export) -> depends_on and flows.

Each row is a TCP connection seen between two servers: the source server opened it to the
destination's port, so the source application needs the destination application at run time
(`depends_on`). A connection does not say which data moves: flows are added only for the pairs
the mapping file gives datasets for, in the direction it states.

Mapping file (YAML):

    servers:                 # server name (as Azure Migrate shows it) -> application id
      SRV-DPI-01: dpi
      SRV-PACS-01: pacs
    flows:                   # optional: "from -> to": datasets the flow carries
      "pacs -> teleradiologie": [imagerie]

The merge keeps the user's file as written (comments, order, quotes) and appends what is new;
it never modifies the input file: the result goes to -o.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from bleu_assess import yamlio
from bleu_assess.errors import Diagnostic, InputError, UsageError
from bleu_assess.interop.columns import normalise
from bleu_assess.validate import suggest

SOURCE = ("sourceservername", "sourceserver", "source")
DESTINATION = ("destinationservername", "destinationserver", "destination")


@dataclass
class AzureImport:
    connections: int = 0
    dependencies: list[tuple[str, str]] = field(default_factory=list)
    flows: list[tuple[str, str, list[str]]] = field(default_factory=list)
    unmapped: set[str] = field(default_factory=set)


def read_mapping(path: str, applications: Iterable[str], datasets: Iterable[str]) -> tuple[dict[str, str], dict[tuple[str, str], list[str]]]:
    """Server name (normalised) -> application id, and the declared flows; every application and
    dataset id must be one of the inventory's, each error located in the mapping file."""
    text = yamlio.decode(yamlio.read_bytes(Path(path), path), path)
    data = yamlio.parse(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("servers"), dict):
        raise InputError("invalid mapping", [Diagnostic(path, 1, 1, "servers", "expected a mapping 'servers:' of "
                                                        "server name -> application id")])
    known, known_datasets = sorted(applications), sorted(datasets)
    root = yamlio.compose_unchecked(text)
    problems = []

    def problem(where: tuple[Any, ...], message: str) -> None:
        line, column = yamlio.locate(root, where)
        problems.append(Diagnostic(path, line, column, yamlio.format_path(where), message))

    def check(kind: str, value: str, choices: list[str], where: tuple[Any, ...]) -> None:
        if value not in choices:
            problem(where, f"unknown {kind} '{value}'" + suggest(value, choices))

    servers = {}
    for name, app in data["servers"].items():
        check("application", str(app), known, ("servers", str(name)))
        servers[normalise(str(name))] = str(app)
    flows: dict[tuple[str, str], list[str]] = {}
    declared = data.get("flows") or {}
    if not isinstance(declared, dict):
        problem(("flows",), "expected a mapping of 'from -> to' to the datasets the flow carries")
        declared = {}
    for key, datasets in declared.items():
        source, _, target = str(key).partition("->")
        if not target or not isinstance(datasets, list) or not datasets:
            problem(("flows", str(key)), "expected 'from -> to: [datasets]'")
            continue
        check("application", source.strip(), known, ("flows", str(key)))
        check("application", target.strip(), known, ("flows", str(key)))
        for index, dataset in enumerate(datasets):
            check("dataset", str(dataset), known_datasets, ("flows", str(key), index))
        flows[(source.strip(), target.strip())] = [str(d) for d in datasets]
    if problems:
        raise InputError("invalid mapping", problems)
    return servers, flows


def read_connections(path: str, servers: dict[str, str], flows: dict[tuple[str, str], list[str]]) -> AzureImport:
    from bleu_assess.intake.reader import read_csv  # the hardened reader: encoding, delimiter, controls

    rows = [cells for _, cells in read_csv(yamlio.read_bytes(Path(path), path), path).rows]
    if not rows:
        raise InputError("empty", [Diagnostic(path, 1, 1, "", "empty CSV file")])
    header = [normalise(h) for h in rows[0]]
    try:
        src = next(header.index(h) for h in SOURCE if h in header)
        dst = next(header.index(h) for h in DESTINATION if h in header)
    except StopIteration:
        raise InputError("columns", [Diagnostic(path, 1, 1, "", "expected the columns 'Source server name' and "
                                                "'Destination server name' of an Azure Migrate dependency export")]) from None
    result = AzureImport()
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows[1:], 2):
        if len(row) <= max(src, dst) or not row[src].strip():
            continue
        result.connections += 1
        a, b = servers.get(normalise(row[src])), servers.get(normalise(row[dst]))
        for name, app in ((row[src], a), (row[dst], b)):
            if app is None:
                result.unmapped.add(name.strip())
        if a and b and a != b and (a, b) not in seen:
            seen.add((a, b))
            result.dependencies.append((a, b))
    for (a, b), datasets in sorted(flows.items()):
        result.flows.append((a, b, datasets))
    result.dependencies.sort()
    return result


def merge(inventory_path: str, found: AzureImport) -> tuple[str, int, int]:
    """The inventory's text with the new dependencies and flows; counts of what was added."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    text = Path(inventory_path).read_text(encoding="utf-8-sig")
    document = yaml.load(text)
    apps = {a["id"]: a for a in document.get("applications") or []}
    added_deps = 0
    for a, b in found.dependencies:
        if a not in apps or b not in apps:
            continue
        deps = apps[a].get("depends_on")
        if deps is None:
            deps = CommentedSeq()
            deps.fa.set_flow_style()
            apps[a]["depends_on"] = deps
        if b not in deps:
            deps.append(b)
            added_deps += 1
    flows = document.get("flows")
    if flows is None:
        flows = document["flows"] = CommentedSeq()
    existing = {(f["from"], f["to"], tuple(f["datasets"])) for f in flows}
    added_flows = 0
    for a, b, datasets in found.flows:
        if (a, b, tuple(datasets)) in existing or a not in apps or b not in apps:
            continue
        entry = CommentedMap([("from", a), ("to", b), ("datasets", CommentedSeq(datasets))])
        entry["datasets"].fa.set_flow_style()
        entry.fa.set_flow_style()
        flows.append(entry)
        added_flows += 1
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue(), added_deps, added_flows


def import_dependencies(connections: str, mapping: str, inventory: str, output: str) -> tuple[str, AzureImport, int, int]:
    """The merged inventory's text (validated), what was read, and how many dependencies and
    flows were added. The inventory must be one valid file: its text is kept as written."""
    from bleu_assess import api
    from bleu_assess.validate import Document, validate

    if Path(inventory).is_dir():
        raise UsageError(f"cannot merge into {inventory}: it is a directory inventory",
                         hint="dependencies merge into a single-file inventory, whose comments and layout are kept")
    current = api.load(inventory).inventory
    servers, flows = read_mapping(mapping, [a.id for a in current.applications], [d.id for d in current.datasets])
    found = read_connections(connections, servers, flows)
    text, added_deps, added_flows = merge(inventory, found)
    validate([Document(output, text, yamlio.parse(text, output))], output)
    return text, found, added_deps, added_flows
