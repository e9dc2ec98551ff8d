"""RVTools (VMware vSphere inventory) -> servers, and applications suggested by grouping.

Read from the workbook RVTools exports (or its tabs exported as CSV, `RVTools_tabvInfo.csv`
and siblings in the same directory):
- vInfo (required): one row per VM — `VM`, `Powerstate`, `Template`, `DNS Name`, `Primary IP
  Address`, `Datacenter`, `Cluster`, `Host`, `Folder`, `vApp`, `OS according to the VMware Tools`
  (else `… the configuration file`), `CPUs`, `Memory`, `Provisioned MiB|MB`, `In Use MiB|MB`,
  and any custom attribute (a column of its own, usable with `--group-by tag`);
- vNetwork: the IPv4 and IPv6 addresses of each VM's network adapters;
- vHost: each host's datacenter and cluster (when vInfo lacks them);
- vPartition: each VM's disk capacity and use (summed into `extra.disk_capacity_mib`).
Source of the layout: RVTools documentation (Dell/Robware, "RVTools" user guide, tab
descriptions), checked on public sample exports.

VM templates are not machines in service: left out, and counted. The hosting written is
`on-premises` (a vSphere estate the client runs); change it for a hosted private cloud.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake.columns import normalise
from bleu_assess.intake.estate import Machine, import_machines, text
from bleu_assess.intake.grouping import Grouping
from bleu_assess.intake.merge import Additions
from bleu_assess.intake.said import usage
from bleu_assess.intake.sheets import Table, first_of, read_book, refusal
from bleu_assess.intake.tally import ImportReport, Said, said

_TRUE = {"true", "1", "yes", "vrai", "oui"}


def _first(row: dict[str, Any], *names: str) -> Any:
    return first_of(row, *names)[1]


_TABS = ("vinfo", "vnetwork", "vhost", "vpartition")
# Columns only vInfo has, beside `VM`, that tell a table of it whatever its name.
_VINFO_COLUMNS = ("Powerstate", "Template", "DNS Name", "Primary IP Address", "OS according to the configuration file",
                  "OS according to the VMware Tools")


def _tables(path: str, read_as: list[Said]) -> dict[str, Table]:
    tables = read_book(path)
    if Path(path).suffix.lower() == ".csv":  # RVTools_tabvInfo.csv: its siblings are the other tabs
        for sibling in sorted(Path(path).parent.glob("*.csv")):
            # Only the tabs': other CSV files beside the export (a Downloads folder) are none of ours.
            if sibling != Path(path) and normalise(sibling.stem).endswith(_TABS):
                tables.update({k: v for k, v in read_book(str(sibling)).items() if k not in tables})
    found = tabs(tables)
    if "vinfo" not in found:  # the vInfo tab saved or renamed by a person (serveurs.csv, Feuil1)
        candidates = [t for t in tables.values() if t.has("VM") and any(t.has(c) for c in _VINFO_COLUMNS)]
        if len(candidates) == 1:
            found["vinfo"] = candidates[0]
            columns = [c for c in _VINFO_COLUMNS if found["vinfo"].has(c)]
            read_as.append(said("read-as-vinfo", file=path, table=found["vinfo"].title, columns=", ".join(columns)))
    if not recognises(found):
        raise refusal(path, "not_rvtools", tables)
    return found


def tabs(tables: dict[str, Table]) -> dict[str, Table]:
    """The RVTools tabs among a workbook's tables (`vinfo`, `vnetwork`, `vhost`, `vpartition`),
    by the end of their normalised title (`RVTools_tabvInfo` is `vinfo`)."""
    found = {}
    for key, table in tables.items():
        for tab in _TABS:
            if key.endswith(tab):
                found[tab] = table
    return found


def recognises(found: dict[str, Table]) -> bool:
    """Whether `found` (`tabs` of a workbook) is an RVTools export: a vInfo tab with a `VM` column."""
    return "vinfo" in found and found["vinfo"].has("VM")


def _by_vm(table: Table | None) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    if table is not None:
        for number, row in table.rows:
            name = text(row.get("vm"))
            if name:
                out.setdefault(name, []).append((number, row))
    return out


def read(path: str, grouping: Grouping | None, report: ImportReport) -> list[Machine]:
    """The machines of an RVTools export; templates and empty rows counted as left out."""
    tables = _tables(path, report.notes)
    report.notes.extend(w for t in tables.values() for w in t.warnings)
    networks = _by_vm(tables.get("vnetwork"))
    partitions = _by_vm(tables.get("vpartition"))
    hosts = {text(r.get("host")): r for _, r in tables["vhost"].rows} if "vhost" in tables else {}
    tag_key = normalise(grouping.tag) if grouping else ""
    if grouping and grouping.by == "tag" and not tables["vinfo"].has(grouping.tag):
        raise usage("no_tag_column", hint=True, column=grouping.tag, columns=tuple(tables["vinfo"].header))
    column = {"folder": "Folder", "vapp": "vApp"}.get(grouping.by) if grouping else None
    if grouping and column and not tables["vinfo"].has(column):
        # vInfo's own column, absent from this export (neither public sample has Folder): the
        # servers, what the import is for, are imported without suggestions, and the report says
        # why and what can group them.
        report.not_done.append(said("no-group-column", by=grouping.by, column=column,
                                    columns=", ".join(h for h in tables["vinfo"].header if h)))
        grouping = None
    machines = []
    problems: list[Diagnostic] = []
    vinfo = tables["vinfo"]
    for number, row in vinfo.rows:
        report.read += 1
        name = text(row.get("vm"))
        if not name:
            report.count("left-out", "empty-row", f"vInfo!{number}")
            continue
        if str(row.get("template", "")).strip().lower() in _TRUE:
            report.count("left-out", "template-vm", name)
            continue
        host = hosts.get(text(row.get("host")), {})
        ips = [text(row.get("primaryipaddress"))]
        for _, adapter in networks.get(name, ()):
            for key in ("ipv4address", "ipv6address"):
                ips.extend(str(adapter.get(key) or "").replace(";", ",").split(","))
        machine = Machine(
            name=name, hostname=text(row.get("dnsname")), ips=[i for i in ips if i],
            os=text(_first(row, "OS according to the VMware Tools", "OS according to the configuration file")),
            site=text(row.get("datacenter") or host.get("datacenter")),
            cluster=text(row.get("cluster") or host.get("cluster")),
            hosting={"model": "on-premises"},
        )
        if machine.hostname and "." in machine.hostname:
            machine.fqdn = machine.hostname
        for key, value in (("powerstate", text(row.get("powerstate"))),
                           ("cpus", vinfo.number(number, row, ("CPUs",), problems)),
                           ("memory_mib", vinfo.number(number, row, ("Memory",), problems)),
                           ("host", text(row.get("host"))), ("folder", text(row.get("folder"))),
                           ("provisioned_mib", vinfo.number(number, row, ("Provisioned MiB", "Provisioned MB"), problems)),
                           ("in_use_mib", vinfo.number(number, row, ("In Use MiB", "In Use MB"), problems))):
            if value is not None:
                machine.extra[key] = int(value) if isinstance(value, float) and value.is_integer() else value
        capacity = sum(tables["vpartition"].number(n, p, ("Capacity MiB", "Capacity MB"), problems) or 0
                       for n, p in partitions.get(name, ()))
        if capacity:
            machine.extra["disk_capacity_mib"] = int(capacity)
        if grouping:
            found = grouping.group(name, text(row.get("folder")), text(row.get("vapp")), text(row.get(tag_key)))
            if found:
                app_id, source = found
                label = source.split(" ", 1)[1] if grouping.by != "pattern" else app_id
                machine.applications.append((app_id, label, source))
        machines.append(machine)
    report.notes.extend(note for table in tables.values() for note in table.unknown_cells())
    if problems:
        raise InputError(problems[0].message, problems)
    return machines


def import_rvtools(path: str, grouping: Grouping | None, as_of: date) -> tuple[Additions, ImportReport]:
    """Additions (servers, suggested applications) and the report of an RVTools export."""
    found, report = import_machines(path, "rvtools", lambda r: read(path, grouping, r), as_of)
    if grouping is None:
        report.notes.append(said("no-grouping"))
    report.check()
    return found, report
