"""Finding the server a discovery tool means: by name, FQDN, short name or IP address.

Discovery exports name machines inconsistently: `SRV-DPI-01`, `srv-dpi-01.chu.local`, or only
`10.0.1.10`. The index is built from the inventory's `servers:` (hostname, fqdn, id, IP
addresses) and, for older mapping files, from `servers: {NAME: application}`. A short name that
two servers share is ambiguous and never matched by itself.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from bleu_assess.inventory import model

_UNSEEN = object()
_NON_ID = re.compile(r"[^a-z0-9._-]+")
# An IPv4 address in canonical form: four decimal octets 0-255 without leading zeros.
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
# An IPv6 address with its port, as URLs and exports write it (RFC 3986 §3.2.2: `[2001:db8::5]:443`).
_BRACKETED = re.compile(r"\[([0-9A-Fa-f:.]+(?:%[^\]]+)?)\]:[0-9]{1,5}")


def server_id(name: str) -> str:
    """An inventory id for a name: accents dropped, lower case, other characters as '-'."""
    plain = unicodedata.normalize("NFKD", name.strip().lower()).encode("ascii", "ignore").decode()
    slug = _NON_ID.sub("-", plain).strip("-._")
    return slug or "server"


def short_name(name: str) -> str:
    """The first label of a host name (`srv-dpi-01` for `SRV-DPI-01.chu.local`), unless it is an IP."""
    name = name.strip().lower().rstrip(".")
    return name if ip_of(name) else name.split(".", 1)[0]


@functools.lru_cache(maxsize=65536)
def ip_of(text: str | None) -> str | None:
    """The canonical form of an IP address, or None when `text` is not one."""
    if text and _IPV4.fullmatch(bare := text.strip().strip("[]")):
        return bare  # already canonical: no address object to build (most of an export's)
    address = address_of(text)
    return None if address is None else str(address)


@functools.lru_cache(maxsize=65536)
def address_of(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `text` is (spaces and brackets around it aside), or None. An IPv6 address
    may carry its port (`[2001:db8::5]:443`, RFC 3986's form; the port is the export's port
    column's to say, and is dropped here); an IPv4 address with a port (`10.0.0.1:443`) is no
    address."""
    if not text:
        return None
    text = text.strip()
    with_port = _BRACKETED.fullmatch(text)
    text = with_port.group(1) if with_port and ":" in with_port.group(1) else text.strip("[]")
    if ":" not in text and not text.replace(".", "").isdigit():
        return None  # neither IPv6 nor dotted digits: a host name, refused without an exception
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class Joined(NamedTuple):
    """What joining reads of a server (a `model.Server` is one too): thousands are read from an
    inventory not yet validated, and a named tuple is quicker to make than the model's record."""

    id: str
    hostname: str | None
    fqdn: str | None
    ip_addresses: tuple[str, ...]
    applications: tuple[str, ...]


def servers_from_data(data: object) -> list[Joined]:
    """The `servers:` of a parsed (not yet validated) inventory, as far as joining needs them."""
    out = []
    items = data.get("servers") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append(Joined(item["id"], item.get("hostname"), item.get("fqdn"),
                              tuple(map(str, item.get("ip_addresses") or ())),
                              tuple(map(str, item.get("applications") or ()))))
    return out


@dataclass(slots=True)  # not frozen: a frozen record sets each field through object.__setattr__ (3 a server)
class Match:
    server: str  # server id (or the mapping's name)
    applications: tuple[str, ...]
    by: str  # name | fqdn | short-name | ip


class ServerIndex:
    """Server lookup by every name and address it is known by."""

    def __init__(self, servers: Iterable[model.Server | Joined] = (), mapping: dict[str, list[str]] | None = None) -> None:
        self.names: dict[str, Match] = {}
        self.ips: dict[str, Match] = {}
        self.shorts: dict[str, Match | None] = {}  # None: ambiguous
        self._found: dict[tuple[str | None, str | None], Match | None] = {}  # exports repeat names
        for server in servers:
            self._add(server.id, server.applications, [server.id, server.hostname, server.fqdn], server.ip_addresses)
        for name, apps in (mapping or {}).items():
            self._add(name, tuple(apps), [name], [name] if ip_of(name) else [])

    def _add(self, ident: str, apps: tuple[str, ...], names: list[str | None], ips: Iterable[str]) -> None:
        for index, name in enumerate(n for n in names if n):
            key = name.strip().lower().rstrip(".")
            self.names.setdefault(key, Match(ident, apps, "fqdn" if "." in key and index else "name"))
            short = short_name(key)
            known = self.shorts.get(short, Match(ident, apps, "short-name"))
            self.shorts[short] = known if known is not None and known.server == ident else None
        for address in ips:
            canonical = ip_of(address)
            if canonical:
                self.ips.setdefault(canonical, Match(ident, apps, "ip"))

    def __len__(self) -> int:
        return len({m.server for m in (*self.names.values(), *self.ips.values())})

    def find(self, name: str | None, ip: str | None = None) -> Match | None:
        """The server named `name` (exact name or FQDN, then short name) or at address `ip`."""
        key = (name, ip)
        found = self._found.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._found[key] = self._find(name, ip)
        return found  # type: ignore[return-value]

    def _find(self, name: str | None, ip: str | None) -> Match | None:
        if name and name.strip():
            key = name.strip().lower().rstrip(".")
            found = self.names.get(key) or self.shorts.get(short_name(key))
            if found is None and ip_of(key):
                found = self.ips.get(ip_of(key) or "")
            if found is not None:
                return found
        canonical = ip_of(ip)
        return self.ips.get(canonical) if canonical else None
