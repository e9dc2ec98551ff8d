"""Azure Migrate discovery and assessment workbooks -> servers (OS and its support status, SQL
instances and web apps found) and Azure Migrate groups as applications.

Workbooks as the Azure Migrate portal and Azure/azure-migrate-export write them:
- discovery report: sheet `Discovery_Report`, one row per machine — `Machine Name`, `Operating
  System`, `IP Addresses` (`[a,b];`), `Cores`, `Memory (in MB)`, `Power Stats`, `Environment`,
  `Is SQL Service Present`, `Web Applications Count`, `Machine ID`;
- assessment core report: `All_VM_IaaS_Server_Rehost_Perf` (else `VM_IaaS_Server_Rehost_Perf` or
  `…_As-is`), one row per machine with `Support Status` (Mainstream, Extended, Out of support) and
  `Group Name`; `SQL_All_Instances` (SQL instance, version, support status); `WebApp_PaaS` (web
  application name).
Given both, the discovery report's machines are the rows read and the assessment adds to them;
given the assessment alone, its machines sheet is.

Azure Migrate groups are the client's own grouping of machines into what will move together:
they are written as applications (named by the source, not suggested). Azure's support status
wins over the lifecycle table (`os_support`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake.estate import Machine, import_machines, text
from bleu_assess.intake.merge import Additions
from bleu_assess.intake.servers import server_id
from bleu_assess.intake.sheets import Table, read_book, refusal
from bleu_assess.intake.tally import ImportReport

MACHINE_SHEETS = ("allvmiaasserverrehostperf", "vmiaasserverrehostperf", "vmiaasserverrehostasis")
_SIZES = {"cores", "memory_mb", "storage_gb"}
SUPPORT = {"mainstream": "supported", "extended": "extended", "outofsupport": "out-of-support",
           "unknown": "unknown"}



def _addresses(value: Any) -> list[str]:
    """`[2404:f801::1,10.150.90.32];` -> the addresses."""
    return [a for a in re.split(r"[\[\],;\s]+", str(value or "")) if a]


def _support(value: Any) -> str | None:
    key = re.sub(r"[^a-z]", "", str(value or "").lower())
    return SUPPORT.get(key) if key else None


def _machines_sheet(tables: dict[str, Table]) -> Table | None:
    return next((tables[k] for k in MACHINE_SHEETS if k in tables), None)


def recognises(tables: dict[str, Table]) -> bool:
    """Whether a workbook's tables are an Azure Migrate discovery or assessment report."""
    return "discoveryreport" in tables or _machines_sheet(tables) is not None


def _by_machine(table: Table | None) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in (table.rows if table is not None else ()):
        name = text(row.get("machinename"))
        if name:
            out.setdefault(name.lower(), []).append((number, row))
    return out


def read(discovery: str | None, assessment: str | None, report: ImportReport) -> list[Machine]:
    """The machines of a discovery report and/or an assessment core report."""
    found = read_book(discovery) if discovery else {}
    assessed = read_book(assessment) if assessment else {}
    for path, tables in ((discovery, found), (assessment, assessed)):
        if path and not recognises(tables):
            raise refusal(path, "not_azure_migrate_workbook", tables)
    if "discoveryreport" in assessed and not found:  # the discovery report given as the assessment
        found, assessed = assessed, {}
    if assessed and _machines_sheet(assessed) is None:  # a second discovery report: it would add nothing
        raise refusal(assessment or "", "not_azure_assessment", assessed)
    primary = found.get("discoveryreport") or _machines_sheet(found) or _machines_sheet(assessed)
    assessed_sheet = _machines_sheet(assessed) if found else None
    assessed_rows = _by_machine(assessed_sheet)
    sql = _by_machine(assessed.get("sqlallinstances") or found.get("sqlallinstances"))
    web = _by_machine(assessed.get("webapppaas") or found.get("webapppaas"))
    report.notes.extend(w for t in (*found.values(), *assessed.values()) for w in t.warnings)
    machines = []
    problems: list[Diagnostic] = []
    for number, row in primary.rows:  # type: ignore[union-attr]
        report.read += 1
        name = text(row.get("machinename"))
        if not name:
            report.count("left-out", "empty-row", f"{primary.title}!{number}")  # type: ignore[union-attr]
            continue
        extra_number, extra_row = (assessed_rows.get(name.lower()) or [(0, {})])[0]
        merged = {**row, **{k: v for k, v in extra_row.items() if k not in row}}
        machine = Machine(name=name, ips=_addresses(merged.get("ipaddresses")),
                          os=text(merged.get("operatingsystem")), os_support=_support(merged.get("supportstatus")),
                          hosting={"model": "on-premises"})
        for key, column in (("cores", "cores"), ("memory_mb", "memoryinmb"), ("power", "powerstats"),
                            ("environment", "environment"), ("storage_gb", "storageingb"),
                            ("azure_vm_readiness", "azurevmreadiness"), ("azure_migrate_machine_id", "machineid")):
            if merged.get(column) in (None, ""):
                continue
            machine.extra[key] = merged[column]
            if key in _SIZES:  # as an English or French spreadsheet shows them, at the cell read
                table, at, cells = (primary, number, row) if column in row else (assessed_sheet, extra_number, extra_row)
                machine.extra[key] = table.number(at, cells, (column,), problems)  # type: ignore[union-attr]
        instances = [{"instance": text(s.get("sqlinstance")), "version": text(s.get("sqlversion")),
                      "support": _support(s.get("supportstatus")) or "unknown"} for _, s in sql.get(name.lower(), ())]
        if instances:
            machine.extra["sql_instances"] = instances
        apps = sorted({text(w.get("webapplicationname")) or "" for _, w in web.get(name.lower(), ())} - {""})
        if apps:
            machine.extra["web_apps"] = apps
        group = text(merged.get("groupname"))
        if group:
            machine.applications.append((server_id(group), group, None))
        machines.append(machine)
    report.notes.extend(note for t in (*found.values(), *assessed.values()) for note in t.unknown_cells())
    if problems:
        raise InputError(problems[0].message, problems)
    return machines


def import_azure_discovery(discovery: str, assessment: str | None, as_of: date) -> tuple[Additions, ImportReport]:
    """Additions (servers, groups as applications) and the report."""
    found, report = import_machines(discovery, "azure-migrate-discovery", lambda r: read(discovery, assessment, r), as_of)
    for app in found.items.get("applications", ()):
        app["extra"] = {"azure_migrate_group": app["name"]}
    report.check()
    return found, report
