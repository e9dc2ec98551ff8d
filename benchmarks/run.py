"""Measure bleu-assess against a bare libyaml parse of the same file, in one run.

    python benchmarks/run.py                       # N = 1,000, 10,000 and 100,000
    python benchmarks/run.py --sizes 1000,10000    # quicker

For each N it generates (and caches) a synthetic inventory with benchmarks/generate.py, times
`yaml.load(..., Loader=yaml.CSafeLoader)` of that file in a fresh process (the reference), then
`validate`, `scan`, `plan` and `report` as whole processes, and prints each time, its ratio to
the reference and the process's peak memory. Then it imports a workbook of N application rows
with `import table` and scans the result: the import should take no longer than that scan. It ends with the project's targets, each marked
PASS or FAIL. It only prints: speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from dependencies import ROWS as DEPENDENCY_ROWS, measure as measure_dependencies  # noqa: E402
from generate import VERSION as GENERATOR_VERSION  # noqa: E402
from generate import write

PARSE = "import sys, yaml\nwith open(sys.argv[1], encoding='utf-8') as f:\n    yaml.load(f, Loader=yaml.CSafeLoader)\n"


def run(argv: list[str]) -> tuple[float, float, int]:
    """Wall time (s), peak RSS (MiB) and exit code of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def workbook(n: int, path: Path) -> None:
    """A client's application map of `n` rows as French Excel holds it: French headers and
    labels, percentages, a dependency per row, a column the mapping does not know."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("applications")
    ws.append(["identifiant", "nom", "responsable", "criticité", "hébergement - modèle", "dépend de", "utilisateurs",
               "vague", "Cluster"])
    labels = ["Vitale", "Élevée", "Moyenne", "Faible"]
    for i in range(n):
        ws.append([f"app-{i}", f"Application {i}", f"Équipe {i % 40}", labels[i % 4], "Sur site",
                   f"app-{i - 1}" if i else None, i % 5000, f"Vague {i % 12 + 1}", f"cl-{i % 9}"])
    book.save(path)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        memory = f", {kib / 1048576:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}; {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="bleu-assess benchmarks")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "bleu-assess-bench"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    tool = [sys.executable, "-m", "bleu_assess", "-q"]
    print(f"machine: {machine()}")
    results: dict[int, dict[str, tuple[float, float, int]]] = {}
    for n in sizes:
        path = work / f"inventory-v{GENERATOR_VERSION}-{n}-{args.seed}.yaml"
        if not path.exists():
            with open(path, "w", encoding="utf-8") as out:
                write(n, out, args.seed)
        size = path.stat().st_size / 1048576
        row = results[n] = {"parse": run([sys.executable, "-c", PARSE, str(path)])}
        out = work / f"out-{n}"
        row["validate"] = run([*tool, "validate", str(path)])
        row["scan"] = run([*tool, "scan", str(path), "--format", "json", "-o", f"{out}.json"])
        row["plan"] = run([*tool, "plan", str(path), "--format", "json", "-o", f"{out}-plan.json"])
        row["report"] = run([*tool, "report", str(path), "-o", f"{out}.html"])
        table = work / f"table-{n}.xlsx"
        if not table.exists():
            workbook(n, table)
        row["import"] = run([*tool, "import", "table", str(table), "-m", "template", "-o", f"{out}-imported.yaml",
                             "--organisation", "Bench", "--report", f"{out}-import.md", "--as-of", "2026-01-01"])
        row["scan-imp"] = run([*tool, "scan", f"{out}-imported.yaml", "--format", "json", "-o", f"{out}-imported.json"])
        reference = row["parse"][0]
        print(f"\nN = {n:,} applications ({size:.1f} MiB of YAML)")
        print(f"  {'step':<10}{'time (s)':>10}{'ratio':>9}{'peak MiB':>10}  exit")
        for step, (elapsed, peak, code) in row.items():
            print(f"  {step:<10}{elapsed:>10.2f}{elapsed / reference:>9.2f}{peak:>10.0f}  {code}")
        print(f"  import table of {n:,} workbook rows / scan of its result: "
              f"{row['import'][0] / row['scan-imp'][0]:.2f}")
    startup = {}
    for name, argv in (("import typer", [sys.executable, "-c", "import typer"]), ("--help", [*tool, "--help"]),
                       ("--version", [*tool, "--version"])):
        startup[name] = statistics.median(run(argv)[0] for _ in range(5))
    print("\nstart-up (median of 5): " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in startup.items()))
    dependencies = measure_dependencies(work, tool, args.seed)
    ratio = dependencies["import"][0] / dependencies["scan"][0]
    print(f"\ndependency import ({DEPENDENCY_ROWS:,} rows, CPU time): import {dependencies['import'][0]:.2f} s, "
          f"scan of the result {dependencies['scan'][0]:.2f} s, ratio {ratio:.2f}")
    results[0] = dependencies
    print("\ntargets")
    # (label, measured, limit, the runs it depends on): a run that failed fails its targets.
    checks: list[tuple[str, float, float, list[tuple[int, str]]]] = []
    if 10000 in results:
        r = results[10000]
        ref = r["parse"][0]

        def at10k(*steps: str) -> list[tuple[int, str]]:
            return [(10000, "parse"), *((10000, s) for s in steps)]

        checks += [
            ("validate / parse (N=10k) <= 2.0", r["validate"][0] / ref, 2.0, at10k("validate")),
            ("scan / parse (N=10k) <= 0.6", r["scan"][0] / ref, 0.6, at10k("scan")),
            ("(plan - scan) / parse (N=10k) <= 0.5", (r["plan"][0] - r["scan"][0]) / ref, 0.5, at10k("scan", "plan")),
            ("plan / parse (N=10k) <= 0.8", r["plan"][0] / ref, 0.8, at10k("plan")),
            ("(report - plan) / parse (N=10k) <= 1.0", (r["report"][0] - r["plan"][0]) / ref, 1.0,
             at10k("plan", "report")),
            ("report / parse (N=10k) <= 0.8", r["report"][0] / ref, 0.8, at10k("report")),
            ("import table / scan of it (N=10k) <= 1.0", r["import"][0] / r["scan-imp"][0], 1.0,
             [(10000, "import"), (10000, "scan-imp")]),
        ]
    if 100000 in results:
        checks.append(("scan peak memory (N=100k) < 4096 MiB", results[100000]["scan"][1], 4096,
                       [(100000, "scan")]))
        if 10000 in results:
            checks.append(("scan time 100k / 10k <= 12", results[100000]["scan"][0] / results[10000]["scan"][0], 12,
                           [(100000, "scan"), (10000, "scan")]))
    checks.append((f"import {DEPENDENCY_ROWS:,} dependency rows / scan of result <= 1.0", ratio, 1.0,
                   [(0, "import"), (0, "scan")]))
    typer_time = startup["import typer"]
    checks += [("--help / import typer <= 1.5", startup["--help"] / typer_time, 1.5, []),
               ("--version / import typer <= 1.5", startup["--version"] / typer_time, 1.5, [])]
    failed = 0
    for label, value, limit, steps in checks:
        broken = [f"{step} at N={n:,} exited {results[n][step][2]}" for n, step in steps if results[n][step][2] != 0]
        ok = value <= limit and not broken
        failed += not ok
        note = f" ({'; '.join(broken)})" if broken else ""
        print(f"  {'PASS' if ok else 'FAIL'}  {label:<42} measured {value:.2f}{note}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
