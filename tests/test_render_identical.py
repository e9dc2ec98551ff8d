"""Plans and reports made fast at 100,000 applications change no byte (issue 21 items 5 and 6).

The report streams its HTML and makes its item records as the template reads them; the plan
collects only the links that cross waves and words each group's reasons once. The reports (HTML
with a dated roadmap, Markdown) and plans (JSON with a dated roadmap, Markdown with capped
waves) of a seeded synthetic estate of 300 applications (benchmarks/generate.py: held, staying
and moving applications, dependency cycles, deadlines) are compared with golden files written by
the code before those changes (commit 9a6b5ce). Rewrite them only for an intended change of the
outputs: `pytest tests/test_render_identical.py --update-golden`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _golden import assert_golden, write_estate

from bleu_assess.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "render"
DATED = ["--start", "2027-01-04"]
CASES = [
    ("report.html", ["report", "--format", "html", "--no-fit", *DATED]),
    ("report.md", ["report", "--format", "markdown", "--no-fit", "--lang", "en"]),
    ("plan.json", ["plan", "--format", "json", *DATED]),
    ("plan.md", ["plan", "--format", "markdown", "--max-wave-size", "20", "--group-by-flows"]),
]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic estate of 300 applications (seed 0), written once for the module."""
    folder = tmp_path_factory.mktemp("estate")
    write_estate(folder)
    return folder


@pytest.mark.parametrize(("name", "argv"), CASES, ids=[name for name, _ in CASES])
def test_plan_and_report_are_byte_identical_to_the_unoptimised_rendering(
        runner, estate: Path, tmp_path: Path, name: str, argv: list[str], update_golden: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative path, as a user types it; a fixed generation moment (reproducible builds' variable).
    monkeypatch.chdir(estate)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / name
    result = runner.invoke(app, [argv[0], "estate-300.yaml", *argv[1:], "--as-of", "2026-06-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"estate-300.{name}.gz"
    assert_golden(out.read_bytes(), golden, update_golden)
