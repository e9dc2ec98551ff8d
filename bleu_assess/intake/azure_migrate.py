"""Azure Migrate dependency analysis -> application dependencies, flows and external endpoints.

Two export formats are read, recognised by their header (matched whatever the case and spacing):

- agentless (Azure Migrate portal, "Export application dependencies"), in either header variant:
  `Time slot, Source server name, Source IP, Source application, Source process, Destination
  server name, Destination IP, Destination application, Destination process, Destination port`,
  or the same with `Timeslot` and without `Source IP`. Most rows of real exports carry only the
  destination IP (no destination server name).
- agent-based (Service Map / VM insights, Log Analytics table `VMConnection`): `Computer,
  Direction, ProcessName, SourceIp, DestinationIp, DestinationPort, Protocol, RemoteIp,
  LinksEstablished, …` (with `RemoteDnsCanonicalNames` when exported). An outbound row is a
  connection from `Computer`; an inbound row one to it.
  Source: learn.microsoft.com, Azure Monitor reference, table VMConnection.

Servers are matched against the inventory's `servers:` (name, FQDN, short name, IP address) and,
for older setups, a mapping file `servers: {SERVER NAME: application id}` with optional
`flows: {"a -> b": [datasets]}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Mapping as Columns
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import repeat, zip_longest
from pathlib import Path
from typing import Any

from bleu_assess import gcpause
from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake.columns import normalise
from bleu_assess.intake.dates import DateError, column_order
from bleu_assess.intake.dependencies import ADMIN_PORTS, Connection, Lifted, lift, parse_ports, slot_start, timestamp
from bleu_assess.intake.merge import Additions, apply, base_text, write_result
from bleu_assess.intake.said import ERRORS, CellError, problem, refused, usage
from bleu_assess.intake.servers import ServerIndex, ip_of, server_id, servers_from_data
from bleu_assess.intake.sheets import Table, one_table
from bleu_assess.intake.tally import ImportReport, Said, said
from bleu_assess.intake.values import means_unknown
from bleu_assess.inventory import yamlio
from bleu_assess.inventory.walker import closest

AGENTLESS = {"source": ("sourceservername",), "source_ip": ("sourceip",), "target": ("destinationservername",),
             "target_ip": ("destinationip",), "port": ("destinationport",), "seen": ("timeslot",)}
AGENT = {"computer": ("computer",), "direction": ("direction",), "source_ip": ("sourceip",),
         "target_ip": ("destinationip",), "port": ("destinationport",), "remote_ip": ("remoteip",),
         "remote_name": ("remotednscanonicalnames", "remotednsquestions"), "count": ("linksestablished",),
         "seen": ("timegeneratedutc", "timegenerated")}


def _columns(header: list[str], wanted: Columns[str, tuple[str, ...]]) -> dict[str, str]:
    """Our key -> the normalised header it is read from."""
    names = {normalise(h) for h in header}
    return {key: n for key, options in wanted.items() for n in options if n in names}


def _clean(value: Any) -> str | None:
    if type(value) is str:
        return value.strip() or None
    return None if value is None else (str(value).strip() or None)


_TEXT = {str, type(None)}


def _agentless_rows(numbers: list[int], cells: list[tuple[Any, ...]], positions: list[int | None],
                    seen_cell: Callable[[Any], str | None], unknown: dict[int, list[str]]) -> Iterator[Connection]:
    """Connections from the raw rows numbered `numbers`, read by columns (`cells`), given the
    positions of source, source IP, target, target IP, port and time slot (None: no such
    column) and the reader of the time slots (`_slot_reader`); cells that say the value is not
    known are read as empty and kept in `unknown` (by column). Read column by column: an export
    has tens of thousands of rows but few distinct values in each column, each read once."""
    source, source_ip, target, target_ip, port, seen = [
        _values(cells[p], read, unknown.setdefault(p, [])) if p is not None and p < len(cells) else repeat(None)
        for read, p in zip((_clean, _clean, _clean, _clean, _port_cell, seen_cell), positions, strict=True)]
    for column in [c for c, words in unknown.items() if not words]:
        del unknown[column]
    return map(tuple.__new__, repeat(Connection), zip(numbers, source, source_ip, target, target_ip, port,
                                                      repeat(1), seen))


def _values(column: tuple[Any, ...], read: Callable[[Any], Any], unknown: list[str]) -> Iterator[Any]:
    """`read` of each cell of a column; None for a cell that says the value is not known (`?`,
    `N/A`), each such cell added to `unknown` as written."""
    distinct = set(column)  # (1, 1.0 and True are one element, of a type that is no text)
    said = sorted((v for v in distinct if means_unknown(v)), key=column.index)  # in reading order
    for word in said:
        unknown.extend([word.strip()] * column.count(word))
    if set(map(type, distinct)) <= _TEXT:  # a CSV's: read once per distinct value
        return map({v: None if v in said else read(v) for v in distinct}.__getitem__, column)
    if said:
        return (None if v in said else read(v) for v in column)
    return map(read, column)  # a workbook's numbers: 1, 1.0 and True are distinct cells but one key


def _port_cell(value: Any) -> int | None:
    return _port(_clean(value))


# Day 0 of Excel's 1900 date system (its default): a date cell shown without its date format
# holds its serial number of days (45985.25 is 2025-11-24 06:00).
_EXCEL_DAY_0 = datetime(1899, 12, 30)


def _seen_cell(value: Any) -> str | None:
    """A time slot cell that is no text: a date cell, or its serial number."""
    if type(value) in (int, float) and 1 <= value < 2958466:  # up to 9999-12-31
        return (_EXCEL_DAY_0 + timedelta(minutes=round(value * 1440))).isoformat(timespec="minutes")
    return timestamp(_clean(value))


def _slot_reader(table: Table, key: str | None, values: Sequence[Any],
                 numbers: Sequence[int]) -> tuple[Callable[[Any], str | None], list[Diagnostic]]:
    """The reader of the time slot column `key` (normalised header; None: no such column) whose
    cells are `values` (on the rows `numbers`), and what the report says of it. Its `/`-dates
    are read in one order, decided from all of them (`dates.column_order`); a column whose order
    was not proved by a value is said in the report. Every text is read here, once: a date that
    cannot be read in that order (mixed orders, 30 February) is an InputError at its cell."""
    texts = [v for v in dict.fromkeys(values) if type(v) is str and not means_unknown(v)]  # in reading order
    starts: dict[str, str] = {}  # each slot's start (`11/24/2026 06:00` of `… - 12:00`), and the first text it starts
    for text in texts:
        starts.setdefault(slot_start(text), text)

    def row_of(text: str) -> int:
        """The row of the first cell holding `text`, or a slot starting so."""
        return numbers[values.index(starts.get(text, text))]

    read: dict[str, str | None] = {}
    try:
        order = column_order(starts, row_of)
        day_first = order is None or order.day_first
        for text in texts:
            try:
                read[text] = timestamp(text, day_first)
            except CellError as error:
                raise DateError(text, error.code.removeprefix(ERRORS), **error.params) from None
    except DateError as error:
        located = table.problem(row_of(error.text), key or "", error.code.removeprefix(ERRORS), **error.params)
        raise InputError(located.message, [located]) from None
    notes = []
    if order is not None and order.why != "proved":
        column = table.column(key or "")
        assert table.sheet is not None and column is not None
        table.sheet.headers.setdefault(column, table.header[column])  # the note names the column
        notes.append(table.sheet.coded(row_of(order.example), column, "", f"intake.note.dates_{order.why}", "warning",
                                       {"example": order.example}))

    def seen(value: Any) -> str | None:
        return read.get(value) if type(value) is str else _seen_cell(value)

    return seen, notes


def _cell(row: dict[str, Any], columns: dict[str, str], key: str) -> str | None:
    return _clean(row.get(columns.get(key, "")))


def _port(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except (ValueError, OverflowError):  # not a number, or `inf`
        return None


def read_connections(path: str) -> tuple[str, Iterator[Connection], list[Diagnostic], Callable[[], list[Diagnostic]]]:
    """The export's kind (`agentless` or `agent-based`), its connections, what the reader said
    of the file (encoding, delimiter, a hidden sheet, the order of its dates: the report's
    notes), and what to say, once the connections are read, of the cells that said the value is
    not known (`Table.unknown_cells`)."""
    table = one_table(path, kind_of)
    kind = kind_of(table)
    if kind == "agentless":
        agentless = _columns(table.header, AGENTLESS)
        positions = [table.column(agentless.get(k, "")) for k in ("source", "source_ip", "target", "target_ip",
                                                                   "port", "seen")]
        numbers = [n for n, _ in table.raw]
        cells = list(zip_longest(*[row for _, row in table.raw], fillvalue=None))  # by column; short rows: empty cells
        at = positions[-1]
        seen, notes = _slot_reader(table, agentless.get("seen"), cells[at] if at is not None and at < len(cells) else (),
                                   numbers)
        connections = _agentless_rows(numbers, cells, positions, seen, table.unknown)
        unknown = table.unknown_cells()  # known now: the table's rows are freed while the connections are lifted
        return "agentless", connections, [*table.warnings, *notes], lambda: unknown
    if kind == "agent-based":
        columns = _columns(table.header, AGENT)
        at = table.column(columns.get("seen", ""))
        values = [] if at is None else [row[at] if at < len(row) else None for _, row in table.raw]
        seen, notes = _slot_reader(table, columns.get("seen"), values, [n for n, _ in table.raw])
        return "agent-based", _agent_rows(table.rows, columns, seen), [*table.warnings, *notes], table.unknown_cells
    raise table.refused(path, "not_azure_dependencies")


def kind_of(table: Table) -> str | None:
    """`agentless` or `agent-based` (an Azure Migrate dependency export), or None, from the
    table's header."""
    agentless = _columns(table.header, AGENTLESS)
    if {"source", "port"} <= agentless.keys() and ("target" in agentless or "target_ip" in agentless):
        return "agentless"
    if {"computer", "direction", "port"} <= _columns(table.header, AGENT).keys():
        return "agent-based"
    return None


def _agent_rows(rows: Iterable[tuple[int, dict[str, Any]]], columns: dict[str, str],
                seen_cell: Callable[[Any], str | None]) -> Iterator[Connection]:
    for number, row in rows:
        computer = _cell(row, columns, "computer")
        count = _port(_cell(row, columns, "count")) or 1
        seen = seen_cell(row.get(columns.get("seen", "")))
        port = _port(_cell(row, columns, "port"))
        remote_name = (_cell(row, columns, "remote_name") or "").strip("[]\"' ").split(",")[0].strip("\"' ") or None
        if (_cell(row, columns, "direction") or "").lower() == "inbound":
            remote = _cell(row, columns, "remote_ip") or _cell(row, columns, "source_ip")
            yield Connection(number, remote_name, remote, computer, _cell(row, columns, "target_ip"), port, count, seen)
        else:
            remote = _cell(row, columns, "remote_ip") or _cell(row, columns, "target_ip")
            yield Connection(number, computer, _cell(row, columns, "source_ip"), remote_name, remote, port, count, seen)


@dataclass(frozen=True)
class Mapping:
    servers: dict[str, list[str]]
    flows: dict[tuple[str, str], list[str]]


def read_mapping(path: str, applications: Iterable[str], datasets: Iterable[str]) -> Mapping:
    """A mapping file: server name -> application id (or a list of ids), and the declared flows;
    every id must be the inventory's, each error located in the mapping file."""
    text = yamlio.decode(yamlio.read_bytes(Path(path), path), path)
    data = yamlio.parse(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("servers"), dict):
        located = problem(path, None, None, "servers", "servers_mapping")
        raise InputError(located.message, [located])
    known, known_datasets = sorted(applications), sorted(datasets)
    root = yamlio.compose_unchecked(text)
    problems = []

    def check(kind: str, value: str, choices: list[str], where: tuple[Any, ...]) -> None:
        if value not in choices:
            line, column = yamlio.locate(root, where)
            problems.append(problem(path, line, column, yamlio.format_path(where), f"unknown_{kind}", value=value,
                                    hint=closest(value, choices)))

    servers: dict[str, list[str]] = {}
    for name, apps in data["servers"].items():
        values = [str(a) for a in apps] if isinstance(apps, list) else [str(apps)] if apps is not None else []
        for position, app in enumerate(values):
            check("application", app, known, ("servers", str(name), *((position,) if isinstance(apps, list) else ())))
        servers[str(name)] = values
    flows: dict[tuple[str, str], list[str]] = {}
    declared = data.get("flows") or {}
    if not isinstance(declared, dict):
        problems.append(problem(path, *yamlio.locate(root, ("flows",)), "flows", "flows_mapping"))
        declared = {}
    for key, carried in declared.items():
        source, _, target = str(key).partition("->")
        if not target or not isinstance(carried, list) or not carried:
            line, column = yamlio.locate(root, ("flows", str(key)))
            problems.append(problem(path, line, column, f"flows.{key}", "flow_entry"))
            continue
        check("application", source.strip(), known, ("flows", str(key)))
        check("application", target.strip(), known, ("flows", str(key)))
        for index, dataset in enumerate(carried):
            check("dataset", str(dataset), known_datasets, ("flows", str(key), index))
        flows[(source.strip(), target.strip())] = [str(d) for d in carried]
    if problems:
        raise InputError(problems[0].message, problems)
    return Mapping(servers, flows)


def ignored_ports(ports: str | None, ignore: str | None) -> tuple[set[int] | None, set[int]]:
    """(ports kept, or None for all; ports left out) from --ports and --ignore-ports."""
    try:
        only = parse_ports(ports)
        left_out = parse_ports(ignore)
    except ValueError as error:
        raise usage("bad_ports", hint=True, value=str(error.args[0])) from None
    return only, set(ADMIN_PORTS) if left_out is None else left_out


def additions_from(lifted: Lifted, mapping: Mapping | None, source: str, lang: str) -> Additions:
    """The inventory items the lifted connections give: dependencies, flows with their evidence,
    endpoints as applications (and unknown providers for public ones)."""
    from bleu_assess.render.i18n import t

    out = Additions()
    name = Path(source).name
    for endpoint in sorted(lifted.endpoints.values(), key=lambda e: e.id):
        extra = {"discovered": {**endpoint.evidence.to_dict(name), "addresses": sorted(endpoint.addresses)[:20],
                                "names": sorted(endpoint.names)[:20]}}
        app: dict[str, Any] = {"id": endpoint.id, "name": t(f"discovery.endpoint_name.{'public' if endpoint.public else 'internal'}",
                                                          lang, address=endpoint.key)}
        if endpoint.public:
            out.add("providers", {"id": endpoint.id, "name": t("discovery.endpoint_provider", lang, address=endpoint.key)})
            app["hosting"] = {"model": "saas", "provider": endpoint.id}
        app["tags"] = ["discovered", "external-endpoint" if endpoint.public else "unidentified-servers"]
        app["extra"] = extra
        out.add("applications", app)
    declared = mapping.flows if mapping else {}
    dependencies = lifted.dependencies
    pairs = sorted(dependencies)  # the pairs alone: tuples of text, quick to compare
    out.link_all("depends_on", pairs)
    out.extend("flows", [{"from": a, "to": b, "datasets": declared.get((a, b), []),
                          "extra": {"discovered": dependencies[a, b].to_dict(name)}} for a, b in pairs])
    for (a, b), carried in sorted(declared.items()):
        if (a, b) not in lifted.dependencies:
            out.add("flows", {"from": a, "to": b, "datasets": carried})
    return out


def endpoint_details(lifted: Lifted) -> list[Said]:
    """One line per endpoint (`discovery.note.endpoint`): its id and address, the connections
    seen, their ports and the applications calling it."""
    def few(values: Iterable[object]) -> str:
        shown = sorted(str(v) for v in values)
        return ", ".join(shown[:5]) + (f", … ({len(shown)})" if len(shown) > 5 else "")

    return [said("endpoint", id=e.id, address=e.key, count=e.evidence.connections,
                 ports=few(e.evidence.ports) or "?", callers=few(e.callers))
            for e in sorted(lifted.endpoints.values(), key=lambda e: e.id)]


def skeleton(lifted: Lifted, index: ServerIndex, source: str, lang: str) -> str:
    """A `servers:` section listing the machines the export names that the inventory does not
    know, to fill in (`applications`) and paste into the inventory; its comment in `lang`. Both
    ends of a row are listed in one pass (the destinations of an unknown source too), each by
    the name the export gives it (a destination server name kept with its addresses), else by
    its address."""
    from bleu_assess.intake.yamledit import block_item
    from bleu_assess.render.i18n import t

    machines: dict[str, set[str]] = {}  # name, or address when none -> addresses
    for found in (lifted.unknown_sources, lifted.unknown_targets):
        for name, addresses in found.items():
            machines.setdefault(name, set()).update(addresses)
    for endpoint in lifted.endpoints.values():
        if endpoint.public:
            continue
        unknown = {address for address in endpoint.addresses if index.find(None, address) is None}
        if endpoint.names:  # grouped by its name, case aside: one of the spellings the export gives
            machines.setdefault(min(endpoint.names), set()).update(unknown)
        else:
            for address in unknown:
                machines.setdefault(address, set()).add(address)
    head = t("discovery.skeleton_head", lang, file=Path(source).name)
    lines = [*(f"# {line}\n" for line in head.splitlines()), "servers:\n"]
    items: dict[str, dict[str, Any]] = {}
    for name, addresses in machines.items():
        own = ip_of(name)
        # an address is an id with `-` for `:` (IPv6), whether the export gave it as a source or a destination
        item = items.setdefault(server_id(name.replace(":", "-") if own else name), {"addresses": set()})
        if not own:
            item.setdefault("hostname", name)
        item["addresses"].update(addresses | ({own} if own else set()))
    for key, item in sorted(items.items()):
        lines.append(block_item({"id": key, **({"hostname": item["hostname"]} if "hostname" in item else {}),
                                 "ip_addresses": sorted(item["addresses"]), "applications": []}, 2, 4))
    return "".join(lines)


def _ids(data: Any, section: str) -> list[str]:
    items = data.get(section) if isinstance(data, dict) else None
    return [str(i["id"]) for i in items if isinstance(i, dict) and "id" in i] if isinstance(items, list) else []


def analyse(export: str, data: Any, mapping_file: str | None, ports: str | None,
            ignore_ports: str | None) -> tuple[ImportReport, Lifted, ServerIndex, Mapping | None]:
    """Read and lift an export against the inventory's servers (`data`, parsed) and the mapping
    file, if any."""
    with gcpause.paused():  # tens of thousands of acyclic rows, connections and evidence
        return _analyse(export, data, mapping_file, ports, ignore_ports)


def _analyse(export: str, data: Any, mapping_file: str | None, ports: str | None,
             ignore_ports: str | None) -> tuple[ImportReport, Lifted, ServerIndex, Mapping | None]:
    mapping = read_mapping(mapping_file, _ids(data, "applications"), _ids(data, "datasets")) if mapping_file else None
    index = ServerIndex(servers_from_data(data), mapping.servers if mapping else None)
    only, left_out = ignored_ports(ports, ignore_ports)
    kind, connections, said_on_reading, unknown_cells = read_connections(export)
    report = ImportReport(export, f"azure-migrate ({kind})")
    report.notes.extend(said_on_reading)
    if not len(index):
        report.not_done.append(said("no-servers"))
    lifted = lift(connections, index, report, left_out, only)
    report.notes.extend(unknown_cells())
    if not report.read:
        raise refused(export, "export_without_rows")
    report.details["endpoints"] = endpoint_details(lifted)
    report.check()
    return report, lifted, index, mapping


def import_dependencies(export: str, inventory: str, mapping_file: str | None, ports: str | None,
                        ignore_ports: str | None, output: str, lang: str) -> tuple[str, ImportReport]:
    """The merged inventory's text (validated) and the import report."""
    text, display, data = base_text(inventory, None, export, "azure-migrate")
    with gcpause.paused():  # the same, then the items added and the edited text's lines
        report, lifted, _, mapping = analyse(export, data, mapping_file, ports, ignore_ports)
        merged = apply(text, display, additions_from(lifted, mapping, export, lang), report, data)
        write_result(merged, output, inventory)
    return merged.text, report
