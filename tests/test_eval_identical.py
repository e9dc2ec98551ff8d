"""Evaluation speed-ups change no byte of the results (issue 21 item 4).

`scan --format json --as-of 2026-11-30` of both examples (in English and French) and of a seeded
synthetic estate of 300 applications (benchmarks/generate.py: every provider kind, offer, dataset
class, derogation) is compared with golden files written by the code before it was optimised.
The goldens are gzipped (the estate's results are about 3 MB). Rewrite them only for an intended
change of the results: `pytest tests/test_eval_identical.py --update-golden`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _golden import assert_golden, write_estate

from bleu_assess.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "eval"
CASES = [("chu-exemple", "en"), ("chu-exemple", "fr"), ("ministere-exemple", "en"), ("ministere-exemple", "fr"),
         ("estate-300", None)]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic estate of 300 applications (seed 0), written once for the module."""
    folder = tmp_path_factory.mktemp("estate")
    write_estate(folder)
    return folder


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_scan_json_is_byte_identical_to_the_unoptimised_evaluation(runner, estate: Path, tmp_path: Path, name: str,
                                                                   lang: str | None, update_golden: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative paths, as a user types them: the results record the inventory's path as given.
    monkeypatch.chdir(estate if name == "estate-300" else ROOT)
    source = f"{name}.yaml" if name == "estate-300" else f"examples/{name}.yaml"
    out = tmp_path / "results.json"
    argv = ["scan", source, "--format", "json", "--as-of", "2026-11-30", "-o", str(out)]
    result = runner.invoke(app, argv + (["--lang", lang] if lang else []))
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{name}{'.' + lang if lang else ''}.json.gz"
    assert_golden(out.read_bytes(), golden, update_golden)
