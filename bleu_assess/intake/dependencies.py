"""Lifting observed network connections to application dependencies, flows and external endpoints.

A connection is a TCP session a discovery tool saw from a source machine to a destination port.
Both ends are looked up in the server index (`servers.ServerIndex`): a connection from a server of
application A to a server of application B means A needs B at run time (`depends_on`) and that
data moves between them (a flow whose datasets are left for the user to name; the evidence —
ports, connection counts, first and last seen — goes to the flow's `extra.discovered`). Within one
application (A to A, across its own servers) it is no dependency.

A destination that matches no server is never dropped: it becomes an **endpoint**, grouped by its
resolved name, or by address block (/24 for IPv4, /48 for IPv6). Public endpoints are added as an
application hosted (`saas`) by an unknown provider the user classifies (no headquarters, no regions:
exposure and residency show as unknown until then); private ones as an application whose hosting is
not known (servers the inventory lacks).

Administration traffic is left out by default (`ADMIN_PORTS`, documented in docs/interop.md):
remote desktop, SSH, WinRM, monitoring agents and backup. It says nothing about what an
application needs at run time, and counting it would delay applications by waves.
"""

from __future__ import annotations

import functools
import ipaddress
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

from bleu_assess.intake.dates import read_slashed
from bleu_assess.intake.servers import ServerIndex, address_of, ip_of, server_id
from bleu_assess.intake.tally import ImportReport

# Ports left out by default, with what they are (IANA registry and vendors' documentation).
ADMIN_PORTS: dict[int, str] = {
    22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM (HTTPS)", 5900: "VNC",
    161: "SNMP", 162: "SNMP trap", 5666: "NRPE (Nagios)", 10050: "Zabbix agent", 10051: "Zabbix server",
    1556: "NetBackup", 13724: "NetBackup", 10000: "NDMP (backup)", 9392: "Veeam", 6160: "Veeam",
    8400: "Commvault", 8401: "Commvault", 8403: "Commvault",
}
# Times written otherwise than with slashes (those are read by `dates`, in their column's order).
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")
_INTERNAL_SUFFIXES = (".local", ".lan", ".internal", ".intra", ".corp", ".localdomain")


class Connection(NamedTuple):
    """One row of a dependency export. Names and addresses as written; `links` the connections
    the row stands for (agent-based `LinksEstablished`, else 1); `seen` its time slot as
    `timestamp` reads it. (A named tuple: export rows are many, and it is the cheapest record to
    build.)"""

    row: int
    source: str | None
    source_ip: str | None
    target: str | None
    target_ip: str | None
    port: int | None
    links: int = 1
    seen: str | None = None


def parse_ports(text: str | None) -> set[int] | None:
    """`"443,1433, 8000-8010"` -> the set of ports; `"none"` or `""` -> empty set; None -> None."""
    if text is None:
        return None
    ports: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip().lower()
        if not part or part == "none":
            continue
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(part)  # the text that is neither a port nor a range
        ports.update(range(int(low), int(high or low) + 1))
    return ports


def slot_start(text: str) -> str:
    """The start of a time slot (`11/24/2026 06:00` of `11/24/2026 06:00 - 12:00`), or the text."""
    return text.strip().split(" - ", 1)[0].strip()


@functools.lru_cache(maxsize=4096)
def timestamp(text: str | None, day_first: bool = True) -> str | None:
    """A time slot as ISO 8601 (`2026-11-24T06:00`), read by its start; a `/`-date in the
    order its column was found to follow (`dates.column_order`: `day_first`); as written when
    no known format fits. Raises CellError for a `/`-date that does not exist (30 February)."""
    if not text or not text.strip():
        return None
    value = slot_start(text)
    return read_slashed(value, day_first) or by_formats(value)


def by_formats(value: str) -> str:
    """`value` as the first of `_TIME_FORMATS` that reads it (strptime) reads it, in ISO 8601;
    as written when none does."""
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).isoformat(timespec="minutes")
        except ValueError:
            continue
    return value


_PORT, _LINKS, _SEEN = attrgetter("port"), attrgetter("links"), attrgetter("seen")


@dataclass
class Evidence:
    """What the connections between two ends show: their ports, the connections (and rows) seen,
    and when they were seen (`Connection.seen`)."""

    ports: set[int] = field(default_factory=set)
    connections: int = 0
    rows: int = 0
    seen: set[str | None] = field(default_factory=set)

    @classmethod
    def of(cls, connections: Sequence[Connection]) -> Evidence:
        """The evidence of these connections alone (as `Evidence().add(connections)`)."""
        ports = set(map(_PORT, connections))
        ports.discard(None)
        return cls(ports, sum(map(_LINKS, connections)), len(connections), set(map(_SEEN, connections)))

    def add(self, connections: Sequence[Connection]) -> None:
        more = Evidence.of(connections)
        self.ports |= more.ports
        self.connections += more.connections
        self.rows += more.rows
        self.seen |= more.seen

    def to_dict(self, source: str) -> dict[str, object]:
        out: dict[str, object] = {"source": source, "ports": sorted(self.ports), "connections": self.connections}
        if self.rows != self.connections:  # agent-based rows stand for several connections each
            out["rows"] = self.rows
        seen: set[str] = self.seen - {None, ""}  # type: ignore[assignment]  # None taken out
        if seen:
            out["first_seen"], out["last_seen"] = min(seen), max(seen)
        return out


@dataclass
class Endpoint:
    """Destinations that match no server, grouped by resolved name or address block."""

    id: str
    key: str  # the name or the block
    public: bool
    addresses: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    evidence: Evidence = field(default_factory=Evidence)
    callers: set[str] = field(default_factory=set)


@dataclass
class Lifted:
    """What the connections say about applications."""

    dependencies: dict[tuple[str, str], Evidence] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    unknown_sources: dict[str, set[str]] = field(default_factory=dict)  # name -> addresses
    # The private destinations of the rows from an unknown source that match no server either,
    # as unknown_sources: the skeleton lists them in the same pass (their rows are left out).
    unknown_targets: dict[str, set[str]] = field(default_factory=dict)


def _block(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) block of a canonical address."""
    if ":" not in address:  # a canonical IPv4 address is four decimal octets
        return address.rsplit(".", 1)[0] + ".0/24"
    return str(ipaddress.ip_network(f"{address}/48", strict=False))


def _is_global(address: str) -> bool:
    """Whether a canonical address is public (ipaddress's is_global). An IPv4 address is made
    from its number: parsing its text again cost ipaddress as much as a third of the answer.
    An IPv4 answer is the same for every address of a /24 block that holds no special network
    narrower than itself (`_narrow_blocks`): asked once per such block (the benchmark's 3,697
    public addresses fall in 32 blocks)."""
    if ":" not in address:
        number = int.from_bytes(bytes(map(int, address.split("."))), "big")
        narrow = _narrow_blocks()
        if narrow is None or number >> 8 in narrow:
            return ipaddress.IPv4Address(number).is_global
        return _block_is_global(number >> 8)
    return address_of(address).is_global  # type: ignore[union-attr]  # a canonical address


@functools.cache
def _narrow_blocks() -> frozenset[int] | None:
    """The /24 blocks (their address >> 8) holding a network narrower than a /24 among those
    ipaddress's IPv4 properties test (its `_IPv4Constants`: 192.0.0.0/29, 255.255.255.255/32...),
    or one of its single addresses (0.0.0.0):
    in any other block, each of those networks holds every address or none, so is_global is
    the same for all. None when this Python keeps them elsewhere: every address is asked."""
    constants = getattr(ipaddress, "_IPv4Constants", None)
    if constants is None:
        return None
    networks = [network for value in vars(constants).values()
                for network in (value if isinstance(value, (list, tuple)) else (value,))]
    if not any(isinstance(network, ipaddress.IPv4Network) for network in networks):
        return None
    return frozenset(int(network.network_address) >> 8 for network in networks
                     if isinstance(network, ipaddress.IPv4Network) and network.prefixlen > 24) | \
        frozenset(int(address) >> 8 for address in networks if isinstance(address, ipaddress.IPv4Address))


@functools.lru_cache(maxsize=65536)
def _block_is_global(block: int) -> bool:
    """is_global of the addresses of a /24 block outside `_narrow_blocks`."""
    return ipaddress.IPv4Address(block << 8).is_global


@functools.lru_cache(maxsize=65536)
def _endpoint_key(target: str | None, target_ip: str | None, internal_domains: frozenset[str]) -> tuple[str, bool] | None:
    """(name or address block, public?) for a destination that matches no server."""
    name = (target or "").strip().lower().rstrip(".")
    address = ip_of(target_ip) or ip_of(name)
    if name and not ip_of(name):
        internal = "." not in name or name.endswith(_INTERNAL_SUFFIXES) or any(name.endswith(d) for d in internal_domains)
        if address:
            internal = not _is_global(address)
        return name, not internal
    if address:
        return _block(address), _is_global(address)
    return None


def lift(connections: Iterable[Connection], index: ServerIndex, report: ImportReport,
         ignored: set[int], only: set[int] | None) -> Lifted:
    """Connections -> application dependencies (with evidence) and endpoints; each row is
    accounted for in `report` (mapped or left out, with its reason)."""
    result = Lifted()
    internal_domains = frozenset("." + n.split(".", 1)[1] for n in index.names if "." in n and not ip_of(n))
    find, count = index.find, report.count
    # The rows joining two servers, by (source applications, target applications, joined by):
    # they are added to the evidence and counted once all are read, in the order each such
    # join first occurs (the examples the report keeps are those of the first rows).
    joined: dict[tuple[tuple[str, ...], tuple[str, ...], str], list[Connection]] = {}
    # The same for the rows to an endpoint, by (endpoint key, public?) then by source applications.
    aimed: dict[tuple[str, bool], dict[tuple[str, ...], list[Connection]]] = {}
    # The rows left out, by (reason, example: the port of administration traffic), counted once
    # all are read, in the order first seen: as counting each row would, thousands of calls fewer.
    left: Counter[tuple[str, object]] = Counter()
    read = 0
    for connection in connections:
        read += 1
        row, source_name, source_ip, target_name, target_ip, port, _, _ = connection
        if only is not None and port not in only:
            left["port-not-selected", port] += 1
            continue
        if port in ignored:
            left["admin-port", port] += 1
            continue
        source = find(source_name, source_ip)
        if source is None:
            name = (source_name or source_ip or "").strip()
            name = ip_of(name) or name  # `[fd00::10]:51234` and `fd00::10` are one machine
            if not name:
                left["no-source", f"row {row}"] += 1
                continue
            result.unknown_sources.setdefault(name, set()).update(filter(None, [ip_of(source_ip)]))
            left["source-not-a-server", name] += 1
            if find(target_name, target_ip) is None:
                _unknown_target(result, target_name, target_ip, internal_domains)
            continue
        if not source.applications:
            left["server-without-application", source.server] += 1
            continue
        target = find(target_name, target_ip)
        if target is None:
            found = _endpoint_key(target_name, target_ip, internal_domains)
            if found is None:
                left["no-destination", f"row {row}"] += 1
                continue
            callers = aimed.get(found)
            if callers is None:
                callers = aimed[found] = {}
            rows = callers.get(source.applications)
            if rows is None:
                rows = callers[source.applications] = []
            rows.append(connection)
            continue
        if not target.applications:
            left["server-without-application", target.server] += 1
            continue
        key = (source.applications, target.applications, target.by)
        rows = joined.get(key)
        if rows is None:
            rows = joined[key] = []
        rows.append(connection)
    report.read += read
    for (reason, example), rows_left in left.items():
        if reason == "admin-port":
            example = f"{example} {ADMIN_PORTS.get(example, '')}".strip()  # type: ignore[call-overload]
        count("left-out", reason, example, rows_left)
    for (sources, targets, by), rows in joined.items():
        pairs = [(a, b) for a in sources for b in targets if a != b]
        if not pairs:
            count("left-out", "within-one-application", sources[0], len(rows))
            continue
        for pair in pairs:
            _add_evidence(result, pair, rows)
        count("mapped", "dependency-by-ip" if by == "ip" else "dependency-by-name", pairs[0], len(rows))
    for (where, public), callers in aimed.items():
        count("mapped", "external-endpoint" if public else "unknown-internal-endpoint", where,
              _to_endpoint(result, where, public, callers))
    return result


def _unknown_target(result: Lifted, name: str | None, address: str | None, internal_domains: frozenset[str]) -> None:
    """Keep a private destination that matches no server (`Lifted.unknown_targets`): by its name
    when the row gives one, else by its address."""
    found = _endpoint_key(name, address, internal_domains)
    if found is None or found[1]:
        return  # no destination, or a public one: no server of the organisation's to fill in
    own = ip_of(address) or ip_of(name)
    shown = (name or "").strip()
    key = shown if shown and not ip_of(shown) else own
    if key:
        result.unknown_targets.setdefault(key, set()).update(filter(None, [own]))


def _add_evidence(result: Lifted, pair: tuple[str, str], rows: Sequence[Connection]) -> None:
    evidence = result.dependencies.get(pair)
    if evidence is None:
        result.dependencies[pair] = Evidence.of(rows)
    else:
        evidence.add(rows)


def _to_endpoint(result: Lifted, key: str, public: bool, callers: dict[tuple[str, ...], list[Connection]]) -> int:
    """Add the rows of `callers` (by the applications of their source servers), to no known
    server, to the endpoint `key` (a name or an address block) and to the evidence of each
    caller's dependency; the number of rows."""
    endpoint = result.endpoints.get(key)
    if endpoint is None:
        prefix = "ext-" if public else "unknown-"
        endpoint = result.endpoints[key] = Endpoint(prefix + server_id(key.replace("/", "-").replace(":", "-")),
                                                    key, public)
    every = [connection for rows in callers.values() for connection in rows]
    for connection in every:
        address = ip_of(connection.target_ip) or ip_of(connection.target)
        if address:
            endpoint.addresses.add(address)
        if connection.target and not ip_of(connection.target):
            endpoint.names.add(connection.target.strip())
    endpoint.evidence.add(every)
    for apps, rows in callers.items():
        endpoint.callers.update(apps)
        for app in apps:
            _add_evidence(result, (app, endpoint.id), rows)
    return len(every)
