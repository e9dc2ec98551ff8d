"""Benchmark step: importing 50,000 dependency rows must take less time than scanning the result.

Builds (and caches) the benchmark's synthetic estate of 1,000 applications (generate.py: datasets,
flows, providers) with 3,000 servers (with their IPs in `servers:`), and an agentless Azure Migrate export of 50,000 rows over 28 time slots: each
application talks to four others, mostly by destination IP only (as real exports do), with
some Internet calls and some administration traffic. Then times, as whole processes,
`import azure-migrate` into that estate and `scan` of the merged inventory, by the CPU time
(user + system) of each process: on a shared machine wall time mostly measures the neighbours.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

APPS, SERVERS_PER_APP, PARTNERS, ROWS = 1000, 3, 4, 50_000


def write_estate(work: Path, seed: int = 0) -> tuple[Path, Path]:
    """(inventory, export), generated once per seed."""
    inventory, export = work / f"deps-estate-v3-{seed}.yaml", work / f"deps-export-{ROWS}-{seed}.csv"
    if inventory.exists() and export.exists():
        return inventory, export
    from generate import generate

    rng = random.Random(seed)
    lines = [generate(APPS, seed, servers=False).rstrip("\n"), "servers:"]
    address = {}
    for a in range(APPS):
        for s in range(SERVERS_PER_APP):
            ip = f"10.{a // 250}.{a % 250}.{10 + s}"
            address[(a, s)] = ip
            lines += [f"  - id: srv-{a:04d}-{s}", f"    ip_addresses: [{ip}]", f"    applications: [app-{a:06d}]"]
    inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partners = {a: rng.sample([b for b in range(APPS) if b != a], PARTNERS) for a in range(APPS)}
    rows = [("Time slot,Source server name,Source IP,Source application,Source process,Destination server name,"
             "Destination IP,Destination application,Destination process,Destination port")]
    for n in range(ROWS):
        a = rng.randrange(APPS)
        source = f"srv-{a:04d}-{rng.randrange(SERVERS_PER_APP)}"
        slot = f"11/{1 + n % 28}/2026 06:00 - 12:00"
        roll = rng.random()
        if roll < 0.1:
            target, port = f"52.{rng.randrange(4)}.{rng.randrange(8)}.{rng.randrange(250)}", 443
        elif roll < 0.15:
            target, port = address[(rng.randrange(APPS), 0)], 3389
        else:
            target, port = address[(rng.choice(partners[a]), rng.randrange(SERVERS_PER_APP))], rng.choice((443, 1433, 8080))
        name = f"srv-{a:04d}-x" if roll > 0.99 else ""  # a few destination names, most rows by IP only
        rows.append(f"{slot},{source},,app,proc,{name},{target},,,{port}")
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return inventory, export


def cpu(argv: list[str]) -> tuple[float, float, int]:
    """CPU time (s, user + system), peak RSS (MiB) and exit code of one process."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(work: Path, tool: list[str], seed: int = 0) -> dict[str, tuple[float, float, int]]:
    """CPU times of `import azure-migrate` (50,000 rows) and of `scan` of its result."""
    inventory, export = write_estate(work, seed)
    merged = work / f"deps-merged-{seed}.yaml"
    merged.unlink(missing_ok=True)
    timed = {"import": cpu([*tool, "import", "azure-migrate", str(export), "--inventory", str(inventory),
                            "-o", str(merged)])}
    timed["scan"] = cpu([*tool, "scan", str(merged), "--format", "json", "-o", str(work / "deps-scan.json")])
    return timed
