"""Machines found by an inventory tool (RVTools, Azure Migrate discovery, AWS) -> `servers:`
items, and the applications the source names or that a grouping suggests.

Shared by every server importer: unique ids, the OS support status on `as_of`
(`lifecycle.support`), applications written once each, and every machine accounted for in the
import report (mapped with an application, suggested, or mapped without one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bleu_assess.intake import lifecycle
from bleu_assess.intake.merge import Additions
from bleu_assess.intake.said import refused
from bleu_assess.intake.servers import ip_of, server_id
from bleu_assess.intake.tally import ImportReport, Said


@dataclass
class Machine:
    """One machine as read; `applications` are (id, name, suggested_from or None when the
    source itself names the application)."""

    name: str
    hostname: str | None = None
    fqdn: str | None = None
    ips: list[str] = field(default_factory=list)
    os: str | None = None
    os_support: str | None = None  # when the source states it
    site: str | None = None
    cluster: str | None = None
    hosting: dict[str, Any] | None = None
    applications: list[tuple[str, str, str | None]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    waves: dict[str, int] = field(default_factory=dict)  # application id -> wave the source plans


def additions(machines: list[Machine], source: str, report: ImportReport, as_of: date) -> Additions:
    """The servers and applications to write; each machine counted in `report`."""
    out = Additions()
    ids: set[str] = set()
    apps: dict[str, dict[str, Any]] = {}
    for machine in machines:
        ident = base = server_id(machine.name)
        suffix = 2
        while ident in ids:  # two machines with one name (two vCenters): both kept
            ident, suffix = f"{base}-{suffix}", suffix + 1
        ids.add(ident)
        status, facts = lifecycle.support(machine.os, as_of)
        item: dict[str, Any] = {"id": ident}
        if machine.hostname and server_id(machine.hostname) != ident:
            item["hostname"] = machine.hostname
        if machine.fqdn:
            item["fqdn"] = machine.fqdn
        addresses = list(dict.fromkeys(a for a in (ip_of(i) for i in machine.ips) if a))
        if addresses:
            item["ip_addresses"] = addresses
        if machine.os:
            item["os"] = machine.os
        item["os_support"] = machine.os_support or status
        for key in ("site", "cluster", "hosting"):
            if getattr(machine, key):
                item[key] = getattr(machine, key)
        app_ids = list(dict.fromkeys(a for a, _, _ in machine.applications))
        if app_ids:
            item["applications"] = app_ids
        item["source"] = source
        item["tags"] = ["discovered"]
        extra = dict(machine.extra)
        if facts and not machine.os_support:
            extra["os_lifecycle"] = facts
        if extra:
            item["extra"] = extra
        out.add("servers", item)
        for app_id, name, suggested in machine.applications:
            app = apps.setdefault(app_id, {"id": app_id, "name": name})
            app.setdefault("tags", ["suggested", "discovered"] if suggested else ["discovered"])
            if suggested:
                app.setdefault("extra", {"suggested_from": suggested})
            if app_id in machine.waves:
                app["wave"] = machine.waves[app_id]
        if not machine.applications:
            report.count("mapped", "server-no-application", ident)
        elif any(s for _, _, s in machine.applications):
            report.count("suggested", "server-suggested-application", f"{ident} -> {', '.join(app_ids)}")
        else:
            report.count("mapped", "server", f"{ident} -> {', '.join(app_ids)}")
    for app in apps.values():
        out.add("applications", app)
    guesses = sorted(f"{a['id']}: {a['extra']['suggested_from']}" for a in apps.values() if "suggested" in a["tags"])
    report.details["suggestions"] = list[Said](guesses)
    return out


def text(value: Any) -> str | None:
    """A cell as stripped text, None when empty."""
    return str(value).strip() or None if value is not None else None


def import_machines(source: str, kind: str, read: Callable[[ImportReport], list[Machine]],
                    as_of: date) -> tuple[Additions, ImportReport]:
    """Read the machines of `source` (each row counted in the report by `read` and `additions`)
    and turn them into additions; the report is checked by the caller once it is complete."""
    report = ImportReport(source, kind)
    machines = read(report)
    if not report.read:  # an inventory of no server would say nothing of the estate
        raise refused(source, "export_without_rows")
    return additions(machines, Path(source).name, report, as_of), report
