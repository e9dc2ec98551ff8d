"""A large scan's JSON is made in two halves at once (output.Halves, results.scan_json): the file
holds the same bytes as when it is made in one piece, and a failure in either half leaves no file
and raises its error, as a failure in one piece does."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _golden import assert_golden, write_estate

from bleu_assess import output
from bleu_assess.assess import results
from bleu_assess.cli import app
from bleu_assess.output import Halves, emit, write_atomic

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "eval"


def chunks(prefix: str, n: int) -> Iterator[str]:
    for i in range(n):
        yield f"{prefix}{i} « é »\n"


HALVES = Halves(lambda: chunks("a", 5000), lambda: chunks("b", 5000))
WHOLE = "".join([*chunks("a", 5000), *chunks("b", 5000)]).encode("utf-8")


@pytest.mark.parametrize("serial", ["0", "1"])
def test_halves_are_written_in_order_either_way(serial: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(output.SERIAL_ENV, serial)
    target = tmp_path / "out.txt"
    write_atomic(target, HALVES)
    assert target.read_bytes() == WHOLE
    assert os.listdir(tmp_path) == ["out.txt"]


def test_halves_to_standard_output_are_the_same_text(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    emit(HALVES, None)
    assert capfdbinary.readouterr().out == WHOLE


def failing(after: int) -> Iterator[str]:
    yield from chunks("x", after)
    raise RuntimeError("made to fail")


@pytest.mark.parametrize("half", ["first", "second"])
def test_a_failing_half_leaves_no_file_and_raises_its_error(half: str, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("before", encoding="utf-8")
    halves = Halves((lambda: failing(100)) if half == "first" else (lambda: chunks("a", 100)),
                    (lambda: failing(100)) if half == "second" else (lambda: chunks("b", 100)))
    with pytest.raises(RuntimeError, match="made to fail"):
        write_atomic(target, halves)
    assert target.read_text(encoding="utf-8") == "before"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("serial", ["0", "1"])
def test_a_scan_made_in_halves_is_byte_identical(runner, tmp_path: Path, serial: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The 300-application estate, split from 2 items on: the golden of the whole evaluation.
    write_estate(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(output.SERIAL_ENV, serial)
    monkeypatch.setattr(results, "HALVES_MIN_ITEMS", 2)
    written = []
    monkeypatch.setattr(output, "_write_halves", lambda handle, halves: written.append(output._forks()) or
                        real(handle, halves))
    out = tmp_path / "results.json"
    done = runner.invoke(app, ["scan", "estate-300.yaml", "--format", "json", "--as-of", "2026-11-30", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert_golden(out.read_bytes(), GOLDEN / "estate-300.json.gz", False)
    assert written == [serial == "0" and sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1]


real = output._write_halves
