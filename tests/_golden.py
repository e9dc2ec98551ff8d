"""Gzipped golden files of outputs that must stay byte-identical (tests/test_eval_identical.py,
tests/test_render_identical.py), and the seeded synthetic estate they are made from."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_estate(folder: Path, n: int = 300) -> Path:
    """benchmarks/generate.py's estate of `n` applications (seed 0), as `estate-N.yaml` in `folder`."""
    path = folder / f"estate-{n}.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(n), "-o", str(path)], check=True)
    return path


def assert_golden(actual: bytes, golden: Path, update: bool) -> None:
    """`actual` equals the gzipped `golden` (rewritten first when `update`); a difference names
    its first differing line rather than dump megabytes."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(gzip.compress(actual, mtime=0))
    expected = gzip.decompress(golden.read_bytes())
    if actual != expected:
        for number, (a, e) in enumerate(zip(actual.splitlines(), expected.splitlines()), 1):
            assert a == e, f"{golden.name}: line {number} differs"
    assert actual == expected
