"""In-process time of each stage of `scan --format json`: load (parse and validate), assess (rules,
platform choice, confidence marks) and the JSON encoding, each sampled several times.

    python benchmarks/stages.py 10000 [--samples 3] [--as-of 2026-11-30] [--profile assess]

What `run.py` times as whole processes, split by stage, to see which one a change moved. Prints
each stage's minimum and median CPU time (process time: less disturbed than wall time by the
neighbours of a shared machine) and wall time. `--profile STAGE` prints that stage's cProfile
instead (the 30 functions with the most time of their own).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import AS_OF, write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="applications in the generated estate")
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--as-of", default=AS_OF)
    parser.add_argument("--profile", choices=["load", "assess", "json"])
    args = parser.parse_args()

    from bleu_assess import api
    from bleu_assess.assess.results import scan_json_parts

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"estate-{args.n}.yaml"
        with path.open("w", encoding="utf-8") as out:
            write(args.n, out)
        rulesets = api.select_rulesets()
        state: dict[str, Any] = {}
        stages: dict[str, Callable[[], Any]] = {
            "load": lambda: state.__setitem__("inventory", api.load(path).inventory),
            "assess": lambda: state.__setitem__("result", api.assess(state["inventory"], rulesets,
                                                                     as_of=args.as_of)),
            "json": lambda: b"".join(scan_json_parts(state["result"])),
        }
        for name, stage in stages.items():
            if name == args.profile:
                profile = cProfile.Profile()
                profile.runcall(stage)
                pstats.Stats(profile).sort_stats("tottime").print_stats(30)
                continue
            cpu, wall = [], []
            for _ in range(args.samples):
                c, w = time.process_time(), time.perf_counter()
                stage()
                cpu.append(time.process_time() - c)
                wall.append(time.perf_counter() - w)
            if not args.profile:
                print(f"{name:7} cpu min {min(cpu):6.3f} s  median {statistics.median(cpu):6.3f} s   "
                      f"wall median {statistics.median(wall):6.3f} s")


if __name__ == "__main__":
    main()
