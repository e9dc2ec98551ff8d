"""Command-line values are coerced without importing pydantic (cli/params.py), and a value typer
would refuse is still refused, worded from the usage catalogue (cli/usage.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from bleu_assess.cli import app

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"


def test_scan_plan_and_report_do_not_import_pydantic(tmp_path: Path) -> None:
    probe = ("import sys\nfrom bleu_assess.cli import main\nsys.argv = ['bleu-assess', '-q'] + sys.argv[1:]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('pydantic' in sys.modules, file=sys.stderr)\n")
    for command in (["scan", str(EXAMPLE), "--format", "json", "--lang", "en", "--fail-on", "blocker"],
                    ["plan", str(EXAMPLE), "--pilot-size", "3", "--max-wave-effort", "200", "-o", str(tmp_path / "p.md")],
                    ["report", str(EXAMPLE), "-o", str(tmp_path / "r.html")]):
        done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=False)
        assert done.stderr.strip().splitlines()[-1] == "False", (command, done.stderr)


def test_values_out_of_bounds_or_of_the_wrong_type_are_refused(runner: Any, tmp_path: Path) -> None:
    out = str(tmp_path / "p.md")
    below = runner.invoke(app, ["plan", str(EXAMPLE), "--pilot-size", "0", "-o", out, "--lang", "en"])
    assert below.exit_code == 2 and "--pilot-size: 0 is too small (at least 1)" in below.output
    text = runner.invoke(app, ["plan", str(EXAMPLE), "--max-wave-size", "many", "-o", out, "--lang", "en"])
    assert text.exit_code == 2 and "--max-wave-size: 'many' is not a whole number" in text.output
    choice = runner.invoke(app, ["scan", str(EXAMPLE), "--format", "pdf"])
    assert choice.exit_code == 2 and "--format" in choice.output and "pdf" in choice.output
