"""AWS discovery and migration-planning files -> servers, their applications and waves.

Two CSV layouts, recognised by their header:
- the AWS Application Discovery Service import template (AWS Application Discovery Service
  User Guide, "Importing data"): `ExternalId`, `IPAddress`, `HostName`, `VMware.VMName`,
  `OS.Name`, `OS.Version`, `CPU.NumberOfProcessors`, `RAM.TotalSizeInMB`, `Applications`
  (comma-separated names), `ApplicationWave`, `Tags`, `ServerId`; at least one of ExternalId,
  IPAddress, HostName or VMware.MoRefId names a server: its host or VM name, else what
  identifies it (`_NAMED_BY`: its import id, its first address, its VMware managed object id),
  the servers so named counted in the report's notes;
- the AWS Cloud Migration Factory intake form (`0-intake-form.csv`): `server_name`,
  `server_fqdn`, `server_os_family`, `server_os_version`, `app_name`, `wave_id` or `wave_name`,
  `server_environment`, `server_tier`, and the migration's target (`aws_region`,
  `aws_accountid`, subnets…), kept in `extra` as the target, never as today's hosting.
Applications are named by the source (not suggested); a wave given as a number (`1`,
`Wave 2`) pins the application to that wave.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake.columns import normalise
from bleu_assess.intake.estate import Machine, import_machines, text
from bleu_assess.intake.merge import Additions
from bleu_assess.intake.servers import server_id
from bleu_assess.intake.sheets import Table, one_table
from bleu_assess.intake.tally import MAX_EXAMPLES, ImportReport, said
from bleu_assess.inventory.walker import closest

_CMF_TARGET = ("awsregion", "awsaccountid", "subnetids", "securitygroupids", "instancetype", "tenancy")
# The columns of each layout, as its documentation writes them: every column of the ADS import
# template (those `_ads` does not read — MAC and SMBIOS ids, utilisation figures — are known, not
# imported), and the intake form's columns `_cmf` reads. Any other column is said in the report.
_COLUMNS = {
    "aws-ads": ("ExternalId", "SMBiosId", "IPAddress", "MACAddress", "HostName", "VMware.MoRefId", "VMware.VCenterId",
                "CPU.NumberOfProcessors", "CPU.NumberOfCores", "CPU.NumberOfLogicalCores", "OS.Name", "OS.Version",
                "VMware.VMName", "RAM.TotalSizeInMB", "RAM.UsedSizeInMB.Avg", "RAM.UsedSizeInMB.Max", "CPU.UsagePct.Avg",
                "CPU.UsagePct.Max", "DiskReadsPerSecondInKB.Avg", "DiskWritesPerSecondInKB.Avg",
                "DiskReadsPerSecondInKB.Max", "DiskWritesPerSecondInKB.Max", "DiskReadsOpsPerSecond.Avg",
                "DiskWritesOpsPerSecond.Avg", "DiskReadsOpsPerSecond.Max", "DiskWritesOpsPerSecond.Max",
                "NetworkReadsPerSecondInKB.Avg", "NetworkWritesPerSecondInKB.Avg", "NetworkReadsPerSecondInKB.Max",
                "NetworkWritesPerSecondInKB.Max", "Applications", "ApplicationWave", "Tags", "ServerId"),
    "aws-cmf": ("server_name", "server_fqdn", "server_os_family", "server_os_version", "app_name", "wave_id",
                "wave_name", "server_tier", "server_environment", "r_type", "aws_region", "aws_accountid", "subnet_IDs",
                "securitygroup_IDs", "instanceType", "tenancy"),
}


def unknown_columns(table: Table, kind: str) -> list[Diagnostic]:
    """A located note (at its header cell) for each column of `table` that layout `kind` does
    not have: not imported, and said, with the closest column name when one is close and absent
    (a column `Application` for `Applications` would else lose every application without a
    word; `subnet_IDs_test` beside `subnet_IDs` is no misspelling of it)."""
    known = {normalise(name): name for name in _COLUMNS[kind]}
    absent = [name for key, name in known.items() if not table.has(key)]
    notes = []
    assert table.sheet is not None
    for index, name in enumerate(table.header):
        if name and normalise(name) not in known:
            table.sheet.headers.setdefault(index, name)
            notes.append(table.sheet.coded(table.first_row, index, "", "intake.note.unknown_column", "warning",
                                           {"column": name, "hint": closest(name, absent)}))
    return notes


def _split(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[,;]", str(value or "")) if p.strip()]


# The columns naming an ADS row's server, in the order taken (normalised column, and the column as
# the template writes it when the server is named by what identifies it rather than by a name).
_NAMED_BY = (("hostname", None), ("vmwarevmname", None), ("externalid", "ExternalId"), ("ipaddress", "IPAddress"),
             ("vmwaremorefid", "VMware.MoRefId"))


def _ads_name(row: dict[str, Any]) -> tuple[str, str | None] | None:
    """The name of an ADS row's server and, when it is no host or VM name, the column that gave
    it (`_NAMED_BY`); None when the row names no server."""
    for column, said_as in _NAMED_BY:
        name = next(iter(_split(row.get(column))), None) if column == "ipaddress" else text(row.get(column))
        if name:
            return name, said_as
    return None


def _wave(value: Any) -> int | None:
    found = re.search(r"\d+", str(value or ""))
    return int(found.group()) if found and 1 <= int(found.group()) <= 1000 else None


def read(path: str, report: ImportReport) -> list[Machine]:
    table = one_table(path, kind_of)
    report.notes.extend(table.warnings)
    kind = kind_of(table)
    if kind is None:
        raise table.refused(path, "not_aws")
    report.kind = kind
    report.notes.extend(unknown_columns(table, kind))
    machines = []
    problems: list[Diagnostic] = []
    named_by: dict[str, list[str]] = {}  # a column identifying servers -> the servers it named, not a name
    for number, row in table.rows:
        report.read += 1
        named = _ads_name(row) if kind == "aws-ads" else None
        machine = _cmf(row) if kind == "aws-cmf" else _ads(row, named[0]) if named else None
        if named and named[1]:
            named_by.setdefault(named[1], []).append(named[0])
        if machine is None:
            report.count("left-out", "no-server-name", f"{table.title}:{number}")
            continue
        if kind == "aws-ads":  # sizes as numbers, as an English or French spreadsheet shows them
            for key, column in (("cpus", "CPU.NumberOfProcessors"), ("cores", "CPU.NumberOfCores"),
                                ("memory_mb", "RAM.TotalSizeInMB")):
                if key in machine.extra:
                    machine.extra[key] = table.number(number, row, (column,), problems)
        machines.append(machine)
    for column, names in named_by.items():
        more = ", …" if len(names) > MAX_EXAMPLES else ""
        report.notes.append(said("named-by", column=column, count=len(names), examples=", ".join(names[:MAX_EXAMPLES]) + more))
    report.notes.extend(table.unknown_cells())
    if problems:
        raise InputError(problems[0].message, problems)
    return machines


def kind_of(table: Table) -> str | None:
    """`aws-cmf` (a Cloud Migration Factory intake form), `aws-ads` (a Discovery Service import
    template), or None, from the table's header."""
    if table.has("server_name") and table.has("app_name"):
        return "aws-cmf"
    if any(table.has(c) for c in ("ExternalId", "IPAddress", "HostName", "VMware.MoRefId")):
        return "aws-ads"
    return None


def _ads(row: dict[str, Any], name: str) -> Machine:
    """An ADS row's server, named `name` (`_ads_name`)."""
    os_name = " ".join(p for p in (text(row.get("osname")), text(row.get("osversion"))) if p) or None
    hostname = text(row.get("hostname"))
    machine = Machine(name=name, hostname=hostname, fqdn=hostname if hostname and "." in hostname else None,
                      ips=_split(row.get("ipaddress")), os=os_name)
    for key, column in (("external_id", "externalid"), ("aws_server_id", "serverid"), ("vmware_moref_id", "vmwaremorefid"),
                        ("vmware_vcenter_id", "vmwarevcenterid"), ("cpus", "cpunumberofprocessors"),
                        ("cores", "cpunumberofcores"), ("memory_mb", "ramtotalsizeinmb"), ("tags", "tags")):
        if row.get(column) not in (None, ""):
            machine.extra[key] = row[column]
    vm_name = text(row.get("vmwarevmname"))
    if vm_name and vm_name != name:  # the VM's name beside its host name: how vCenter and RVTools know it
        machine.extra["vm_name"] = vm_name
    wave = _wave(row.get("applicationwave"))
    for app in _split(row.get("applications")):
        machine.applications.append((server_id(app), app, None))
        if wave:
            machine.waves[server_id(app)] = wave
    return machine


def _cmf(row: dict[str, Any]) -> Machine | None:
    name = text(row.get("servername"))
    if not name:
        return None
    os_name = " ".join(p for p in (text(row.get("serverosfamily")), text(row.get("serverosversion"))) if p) or None
    machine = Machine(name=name, fqdn=text(row.get("serverfqdn")), os=os_name)
    for key, column in (("tier", "servertier"), ("environment", "serverenvironment"), ("strategy", "rtype")):
        if row.get(column) not in (None, ""):
            machine.extra[key] = row[column]
    target = {c: row[c] for c in _CMF_TARGET if row.get(c) not in (None, "")}
    if target:
        machine.extra["migration_target"] = target
    app = text(row.get("appname"))
    if app:
        machine.applications.append((server_id(app), app, None))
        wave = _wave(row.get("waveid") or row.get("wavename"))
        if wave:
            machine.waves[server_id(app)] = wave
    return machine


def import_aws(path: str, as_of: date) -> tuple[Additions, ImportReport]:
    """Additions (servers, applications with their waves) and the report."""
    found, report = import_machines(path, "aws", lambda r: read(path, r), as_of)
    report.check()
    return found, report
