"""Progress bars: on a terminal, for large inventories only; never with machine-readable output,
never when the output is not a terminal, never inside the output itself."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bleu_assess.cli import console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "estate.yaml"
    path.write_text(generate(1600), encoding="utf-8")
    assert path.stat().st_size >= console.PROGRESS_MIN_BYTES
    return path


def run(args: list[str], stderr_on_terminal: bool) -> tuple[bytes, bytes, int]:
    """The CLI as a real process, its standard error on a pseudo-terminal or a pipe."""
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("CI", None)
    if not stderr_on_terminal:
        done = subprocess.run([sys.executable, "-m", "bleu_assess", *args], capture_output=True, env=env, timeout=120)
        return done.stdout, done.stderr, done.returncode
    controller, terminal = pty.openpty()
    with tempfile.TemporaryFile() as stdout:  # a file, not a pipe: a large document never blocks
        process = subprocess.Popen([sys.executable, "-m", "bleu_assess", *args], stdout=stdout, stderr=terminal,
                                   env=env)
        os.close(terminal)
        err = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            err += chunk
        os.close(controller)
        code = process.wait(timeout=120)
        stdout.seek(0)
        return stdout.read(), err, code


@pytest.mark.slow
def test_a_large_scan_on_a_terminal_shows_progress_on_stderr_only(large: Path) -> None:
    out, err, code = run(["scan", str(large), "--lang", "en", "-o", str(large.parent / "table.txt")], True)
    assert code == 0, err[-2000:]
    assert b"Assessing" in err
    assert b"Assessing" not in (large.parent / "table.txt").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "csv", "sarif"])
def test_machine_readable_output_never_shows_progress(large: Path, fmt: str) -> None:
    out, err, code = run(["scan", str(large), "--lang", "en", "--format", fmt], True)
    assert code == 0, err[-2000:]
    assert b"Assessing" not in err and b"Reading and validating" not in err
    assert b"\x1b[" not in out  # no escape sequence in the document
    if fmt == "json":
        assert json.loads(out)["format"] == "bleu-assess-results/v1"


@pytest.mark.slow
def test_no_progress_when_stderr_is_not_a_terminal(large: Path) -> None:
    out, err, code = run(["scan", str(large), "--lang", "en"], False)
    assert code == 0
    assert b"Assessing" not in err


def test_small_inventories_and_quiet_runs_get_no_progress(monkeypatch: pytest.MonkeyPatch, large: Path) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert console.progress_wanted(str(large), machine_output=False)
    assert not console.progress_wanted(str(large), machine_output=True)
    assert not console.progress_wanted(str(ROOT / "examples" / "minimal.yaml"), machine_output=False)
    monkeypatch.setattr(console.settings, "quiet", True)
    assert not console.progress_wanted(str(large), machine_output=False)
