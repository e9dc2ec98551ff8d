"""Measure bleu-assess against its floors, several samples per step, in one run.

    python benchmarks/run.py                       # N = 1,000, 10,000 and 100,000
    python benchmarks/run.py --sizes 1000,10000    # quicker
    python benchmarks/run.py --samples 3           # fewer samples per step (default 5)
    python benchmarks/run.py --quick               # N = 1,000 and 10,000 only (no 100,000)

Every step is a whole process (start-up, parse, validation, rules, rendering, writing), sampled
`--samples` times (`--large-samples`, default once, at N >= 100,000; `--example-samples`, default
21, for the hospital example, whose steps last a fifth of a second), in rounds that take one
run of every step of every size (so that a ratio, growth included, compares runs of the same
minutes: `sample_together`); the runner prints each
step's minimum and median wall time, its median CPU time (user + system) and its peak resident
memory, and computes every ratio from medians, so that no figure is better than a median
measured. It prints:

- the machine (CPU model, cores, memory, Python, load average before and after the run); the
  package's bytecode is compiled first, as an installed package's is;
- the hospital example (`examples/chu-exemple.yaml`): `scan`, `plan`, `report`, `--help` and
  `--version` against `python -c "import typer"`, the floor of any typer CLI;
- for each N, on a synthetic v2 estate from generate.py: the bare libyaml parse
  (`yaml.load(..., Loader=yaml.CSafeLoader)`; not at N >= 100,000, where no target needs it),
  bleu-assess's own parse (`yamlio.parse`, the parser the tool uses), `validate`,
  `scan --format json`, `scan --format table` (the default output, to a pipe: above 100 items,
  the summary and the 30 that matter most), `scan --format table --all`, `plan`, `report`, and
  (N <= 10,000) `import table` of an N-row French workbook then `scan` of its result;
- the import of 50,000 Azure Migrate dependency rows against `scan` of the merged inventory
  (CPU time: benchmarks/dependencies.py);
- the targets (issue 21 and the intake imports), each PASS or FAIL with its measured ratio;
  with N = 10,000 and 100,000 both measured, every command's growth from one to the other (wall
  and CPU time, <= 11) and the peak memory at 100,000 (`report` under 2.5 GiB and under `scan`'s
  peak + 25 %, `scan` under 4 GiB). A step that exits non-zero fails the targets that depend on
  it. Exit status 1 when one fails.

Speed is only ever printed here, never asserted in tests.
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "chu-exemple.yaml"
PACKAGE = HERE.parent / "bleu_assess"
sys.path.insert(0, str(HERE))
from dependencies import ROWS as DEPENDENCY_ROWS
from dependencies import measure as measure_dependencies
from generate import (
    AS_OF,
    write,
)
from generate import VERSION as GENERATOR_VERSION

LIBYAML = "import sys, yaml\nwith open(sys.argv[1], encoding='utf-8') as f:\n    yaml.load(f, Loader=yaml.CSafeLoader)\n"
OWN_PARSE = ("import sys\nfrom pathlib import Path\nfrom bleu_assess.inventory import yamlio\np = Path(sys.argv[1])\n"
             "yamlio.parse(yamlio.decode(yamlio.read_bytes(p, sys.argv[1]), sys.argv[1]), sys.argv[1])\n")
# A fixed terminal width, so that the table step lays out the same text on every machine.
ENV = {**os.environ, "COLUMNS": "120"}

LARGE = 100_000
# Every command's time at 100,000 against 10,000 (issue 21): linear would be 10.
GROWTH_STEPS = ("validate", "scan", "scan table", "table --all", "plan", "report")
GROWTH_LIMIT = 11.0


@dataclass(frozen=True)
class Step:
    """Samples of one step: wall (or CPU) times in s, peak RSS in MiB, the worst exit code, and
    the CPU times (user + system, s) of the same runs: less disturbed than wall time by the
    neighbours of a shared machine (empty when only CPU time was measured)."""

    times: tuple[float, ...]
    peak: float
    code: int
    cpu: tuple[float, ...] = ()

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu or self.times)


def once(argv: list[str]) -> tuple[float, float, int, float]:
    """Wall time (s), peak RSS (MiB), exit code and CPU time (user + system, s) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime


def sample(steps: dict[str, list[str]], count: int) -> dict[str, Step]:
    """`count` runs of each step's process, in rounds (see `sample_together`)."""
    return sample_together({None: (steps, count)})[None]


def sample_together(plans: dict[object, tuple[dict[str, list[str]], int]]) -> dict[object, dict[str, Step]]:
    """For each key (an estate size), `count` runs of each of its steps' processes, in rounds:
    one run of every step (in order: a step may read what an earlier one wrote), of every key
    still to sample, then the next round. A step and its reference, and a command at 10,000 and
    at 100,000 applications, are so sampled across the same minutes: on a shared host, whose
    speed drifts by tens of percent from one minute to the next, consecutive samples of one step
    (or one size's block after the other's) put the whole drift into the ratios (session 12: the
    10,000 block of a run took 25 % less than the same code's minutes before, its 100,000 block
    as long: growth 14 where the run before measured 10). A step that fails is sampled no more."""
    runs: dict[object, dict[str, list[tuple[float, float, int, float]]]] = {
        key: {name: [] for name in steps} for key, (steps, _) in plans.items()}
    for round_number in range(max((count for _, count in plans.values()), default=0)):
        for key, (steps, count) in plans.items():
            if round_number >= count:
                continue
            for name, argv in steps.items():
                done = runs[key][name]
                if not done or done[-1][2] == 0:
                    done.append(once(argv))
    return {key: {name: Step(tuple(r[0] for r in done), max(r[1] for r in done),
                             next((r[2] for r in done if r[2]), 0), tuple(r[3] for r in done))
                  for name, done in steps.items()} for key, steps in runs.items()}


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
    """CPU model, cores, memory, Python version and system, as one line."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
        memory = f", {kib / 1048576:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()} "
            f"({platform.python_implementation()}); {platform.system()} {platform.release()}")


def load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def table(title: str, row: dict[str, Step], reference: str | None) -> None:
    """Print one block of steps: min and median time, median ratio to `reference`, median CPU
    time, peak, exit."""
    print(f"\n{title}")
    print(f"  {'step':<14}{'min (s)':>9}{'median (s)':>12}{'ratio':>8}{'CPU (s)':>9}{'peak MiB':>10}  exit  samples")
    base = row[reference].median if reference else None
    for name, step in row.items():
        ratio = f"{step.median / base:>8.2f}" if base else f"{'':>8}"
        print(f"  {name:<14}{step.best:>9.3f}{step.median:>12.3f}{ratio}{step.cpu_median:>9.2f}{step.peak:>10.0f}  "
              f"{step.code:>4}  {len(step.times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="bleu-assess benchmarks")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--samples", type=int, default=5, help="runs per step")
    parser.add_argument("--example-samples", type=int, default=21,
                        help="runs per step of the hospital example (default 21: a run takes a fifth of a second,"
                             " the median of five moved by a quarter from one run to the next)")
    parser.add_argument("--large-samples", type=int, default=1,
                        help="runs per step at N >= 100,000 (default 1: a report of 100,000 takes minutes)")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "bleu-assess-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="skip N >= 100,000 (no peak-memory targets)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if not (args.quick and int(s) >= LARGE)]
    k = max(1, args.samples)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    tool = [sys.executable, "-m", "bleu_assess", "-q"]
    dated = ["--as-of", AS_OF]
    print(f"machine: {machine()}")
    print(f"{load()} at start; {k} samples per step ({args.example_samples} of the hospital example, {args.large_samples}"
          f" at N >= {LARGE:,}); ratios are of medians")
    # results[key][step]: key "example", "start-up", "dependencies" or N.
    results: dict[object, dict[str, Step]] = {}

    # Bytecode compiled, as an installed package has it (pip compiles it): an editable install
    # run under PYTHONDONTWRITEBYTECODE would compile some 70 modules again on every run.
    writable = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], env=writable, check=False,
                   stdout=subprocess.DEVNULL)
    # The compiled cache (bleu_assess/cache.py) filled once, as any run after a user's first finds it.
    once([*tool, "scan", str(EXAMPLE), *dated])
    results["example"] = small = sample({
        "import typer": [sys.executable, "-c", "import typer"],
        "--help": [*tool, "--help"],
        "--version": [*tool, "--version"],
        "scan": [*tool, "scan", str(EXAMPLE), *dated],
        "plan": [*tool, "plan", str(EXAMPLE), *dated, "-o", str(work / "example-plan.md")],
        "report": [*tool, "report", str(EXAMPLE), *dated, "-o", str(work / "example.html")],
    }, max(1, args.example_samples))
    table(f"hospital example ({EXAMPLE.name}), default formats", small, "import typer")

    plans: dict[object, tuple[dict[str, list[str]], int]] = {}
    titles: dict[int, str] = {}
    for n in sizes:
        large = n >= LARGE
        runs = k if not large else max(1, min(k, args.large_samples))
        path = work / f"inventory-v{GENERATOR_VERSION}-{n}-{args.seed}.yaml"
        if not path.exists():
            with open(path, "w", encoding="utf-8") as handle:
                write(n, handle, args.seed)
        size = path.stat().st_size / 1048576
        out = work / f"out-{n}"
        # The libyaml floor is for the targets at 10,000; at 100,000 it would take minutes for no target.
        steps = {} if large else {"libyaml parse": [sys.executable, "-c", LIBYAML, str(path)]}
        steps["own parse"] = [sys.executable, "-c", OWN_PARSE, str(path)]
        steps["validate"] = [*tool, "validate", str(path)]
        if not large:  # what a user sees without -q: the warnings, counts and cycles worded too
            steps["validate loud"] = [*tool[:-1], "validate", str(path)]
        steps["scan"] = [*tool, "scan", str(path), *dated, "--format", "json", "-o", f"{out}.json"]
        steps["scan table"] = [*tool, "scan", str(path), *dated, "--format", "table"]
        steps["table --all"] = [*tool, "scan", str(path), *dated, "--format", "table", "--all"]
        steps["plan"] = [*tool, "plan", str(path), *dated, "--format", "json", "-o", f"{out}-plan.json"]
        steps["report"] = [*tool, "report", str(path), *dated, "-o", f"{out}.html"]
        if n <= 10_000:  # the workbook import: a client's spreadsheet, not a 100,000-row one
            book = work / f"table-{n}.xlsx"
            if not book.exists():
                workbook(n, book)
            steps["import table"] = [*tool, "import", "table", str(book), "-m", "template", "-o",
                                     f"{out}-imported.yaml", "--organisation", "Bench", "--report",
                                     f"{out}-import.md", "--as-of", AS_OF]
            steps["scan imported"] = [*tool, "scan", f"{out}-imported.yaml", *dated, "--format", "json",
                                      "-o", f"{out}-imported.json"]
        plans[n] = (steps, runs)
        titles[n] = f"N = {n:,} applications ({size:.1f} MiB of YAML, v2)"
    for n, row in sample_together(plans).items():
        assert isinstance(n, int)
        results[n] = row
        table(titles[n], row, "own parse" if n >= LARGE else "libyaml parse")

    timed = [measure_dependencies(work, tool, args.seed) for _ in range(k)]
    results["dependencies"] = deps = {
        step: Step(tuple(t[step][0] for t in timed), max(t[step][1] for t in timed),
                   next((t[step][2] for t in timed if t[step][2]), 0))
        for step in ("import", "scan")}
    table(f"import of {DEPENDENCY_ROWS:,} Azure Migrate dependency rows (CPU s) / scan of the result", deps, "scan")
    print(f"\n{load()} at end")

    # (label, numerator, denominator, limit or None for a ratio printed without a target).
    checks: list[tuple[str, tuple[object, str], tuple[object, str], float | None]] = [
        ("example scan / import typer <= 2.5", ("example", "scan"), ("example", "import typer"), 2.5),
        ("example plan / import typer <= 3.5", ("example", "plan"), ("example", "import typer"), 3.5),
        ("example report / import typer <= 3.5", ("example", "report"), ("example", "import typer"), 3.5),
        ("--help / import typer <= 1.5", ("example", "--help"), ("example", "import typer"), 1.5),
        ("--version / import typer <= 1.5", ("example", "--version"), ("example", "import typer"), 1.5),
    ]
    if 10_000 in results:
        checks += [
            ("validate / own parse (10k) <= 1.5", (10_000, "validate"), (10_000, "own parse"), 1.5),
            ("validate without -q / own parse (10k)", (10_000, "validate loud"), (10_000, "own parse"), None),
            ("scan table / scan json (10k) <= 1.2", (10_000, "scan table"), (10_000, "scan"), 1.2),
            ("scan / libyaml parse (10k) <= 0.3", (10_000, "scan"), (10_000, "libyaml parse"), 0.3),
            ("scan / own parse (10k)", (10_000, "scan"), (10_000, "own parse"), None),
            ("scan table --all / scan json (10k)", (10_000, "table --all"), (10_000, "scan"), None),
            ("plan / libyaml parse (10k) <= 0.8", (10_000, "plan"), (10_000, "libyaml parse"), 0.8),
            ("report / libyaml parse (10k) <= 0.8", (10_000, "report"), (10_000, "libyaml parse"), 0.8),
            ("import table / scan of it (10k) <= 1.0", (10_000, "import table"), (10_000, "scan imported"), 1.0),
        ]
    checks.append((f"import {DEPENDENCY_ROWS:,} dependency rows / scan of it <= 1.0", ("dependencies", "import"),
                   ("dependencies", "scan"), 1.0))

    print("\ntargets (ratios of medians)")
    failed = 0
    for label, (key, step), (base_key, base_step), limit in checks:
        top, bottom = results[key][step], results[base_key][base_step]
        broken = [f"{s} exited {results[x][s].code}" for x, s in ((key, step), (base_key, base_step))
                  if results[x][s].code != 0]
        value = top.median / bottom.median
        if limit is None:
            print(f"  ----  {label:<50} measured {value:.2f}")
            continue
        ok = value <= limit and not broken
        failed += not ok
        note = f" ({'; '.join(broken)})" if broken else ""
        print(f"  {'PASS' if ok else 'FAIL'}  {label:<50} measured {value:.2f}{note}")
    if LARGE in results and 10_000 in results:
        failed += growth(results[10_000], results[LARGE])
    if LARGE in results:
        failed += memory(results[LARGE])
    sys.exit(1 if failed else 0)


def growth(small: dict[str, Step], large: dict[str, Step]) -> int:
    """Print each command's growth from 10,000 to 100,000 applications, wall time (medians) and
    CPU time (the same runs' user + system: what the neighbours of a shared machine disturb
    least), each PASS or FAIL against GROWTH_LIMIT; returns how many failed."""
    failed = 0
    for step in GROWTH_STEPS:
        broken = [f"{step} exited {s.code}" for s in (small[step], large[step]) if s.code]
        for kind, top, bottom in (("time", large[step].median, small[step].median),
                                  ("CPU time", large[step].cpu_median, small[step].cpu_median)):
            value = top / bottom
            ok = value <= GROWTH_LIMIT and not broken
            failed += not ok
            note = f" ({'; '.join(broken)})" if broken else ""
            print(f"  {'PASS' if ok else 'FAIL'}  {f'{step} {kind} 100k / 10k <= {GROWTH_LIMIT:g}':<50} "
                  f"measured {value:.2f}{note}")
    return failed


def memory(large: dict[str, Step]) -> int:
    """Print the peak-memory targets at 100,000 applications, PASS or FAIL: `report` under
    2.5 GiB and under `scan`'s peak plus 25 %, `scan` under 4 GiB; returns how many failed."""
    failed = 0
    scan, report = large["scan"], large["report"]
    for label, measured, limit, steps in (
            ("report peak memory (100k) < 2560 MiB", report.peak, 2560.0, (report,)),
            ("report peak memory (100k) < scan's + 25 %", report.peak, scan.peak * 1.25, (report, scan)),
            ("scan peak memory (100k) < 4096 MiB", scan.peak, 4096.0, (scan,))):
        ok = measured < limit and not any(s.code for s in steps)
        failed += not ok
        print(f"  {'PASS' if ok else 'FAIL'}  {label:<50} measured {measured:.0f} (limit {limit:.0f})")
    return failed


if __name__ == "__main__":
    main()
