"""Helpers shared by the hostile-input corpus: small inventories, the CLI through typer's runner
and as a real process under memory and time limits, and the one assertion every case makes."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

HEAD = "format: bleu-assess/v1\norganisation:\n  name: Test\n"
APP = "applications:\n  - id: app\n    name: App\n    hosting: {model: on-premises}\n    datasets: [data]\n"
DATA = "datasets:\n  - id: data\n    name: Data\n    classification: internal\n"
VALID = HEAD + APP + DATA


def app_with(extra_lines: str) -> str:
    """The valid inventory with lines added to its application (indented by the caller)."""
    return HEAD + APP.replace("    name: App\n", "    name: App\n" + extra_lines) + DATA


# The corpus checks the reader's refusals in English (they are worded in the command's language,
# French for a French organisation: tests/test_intake_language.py checks that).
ENGLISH = {"BLEU_ASSESS_LANG": "en"}


def invoke(runner: Any, args: list[str], env: dict[str, str] | None = None) -> Any:
    from bleu_assess.cli import app

    return runner.invoke(app, args, env={**ENGLISH, **(env or {})})


def assert_refused(result: Any, *fragments: str) -> str:
    """Exit code 2, a message holding every fragment, no traceback, no 'internal error'."""
    output = result.output
    assert result.exit_code == 2, output
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert "Traceback" not in output and "internal error" not in output, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    return output


def run(args: list[str], *, env: dict[str, str] | None = None, memory_mb: int = 1024, timeout: float = 60,
        cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """`bleu-assess ARGS` as a real process, its address space capped (RLIMIT_AS): bounded memory
    is proved by the process finishing cleanly under the cap, bounded time by the timeout."""
    limit = memory_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    full_env = {**os.environ, "NO_COLOR": "1", **ENGLISH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "bleu_assess", *args], capture_output=True, text=True,
                          env=full_env, preexec_fn=cap, timeout=timeout, cwd=cwd)


def assert_process_refused(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr[-2000:]
    for fragment in fragments:
        assert fragment in done.stderr, f"{fragment!r} not in:\n{done.stderr[-2000:]}"
