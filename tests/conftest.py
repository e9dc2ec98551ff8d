"""Shared fixtures: paths to the examples, a CLI runner, a helper to write small inventories."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# The examples refer to the catalogue of offers, whose qualifications expire: their verdicts
# depend on the assessment date, fixed here (2026-11-30, the catalogue's date) for every test
# and every process the tests start, unless a test sets its own.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1795996800")
# Wording missing from a catalogue (a key, a plural count, a placeholder value) fails the test
# that meets it, in this process and in every process it starts, instead of printing the key.
os.environ.setdefault("BLEU_ASSESS_STRICT_I18N", "1")
# The compiled cache of shipped data (bleu_assess/cache.py) in a folder of this run, not the
# user's: tests start from an empty cache and fill it, so both paths run.
if "BLEU_ASSESS_CACHE" not in os.environ:
    import tempfile

    os.environ["BLEU_ASSESS_CACHE"] = tempfile.mkdtemp(prefix="bleu-assess-cache-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def runner() -> Any:
    from typer.testing import CliRunner

    return CliRunner()


def minimal_inventory(**sections: Any) -> dict[str, Any]:
    """A valid inventory mapping; keyword arguments replace or add top-level sections."""
    base: dict[str, Any] = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "Test", "country": "FR", "type": "other"},
        "applications": [{"id": "app", "name": "App", "hosting": {"model": "on-premises"}, "datasets": ["data"]}],
        "datasets": [{"id": "data", "name": "Data", "classification": "internal"}],
    }
    base.update(sections)
    return base


@pytest.fixture
def write_inventory(tmp_path: Path) -> Callable[..., Path]:
    """write_inventory(mapping_or_text, name="inventory.yaml") -> path."""

    def write(content: Any, name: str = "inventory.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx at `path` with these sheets (title -> rows of cells), in order: a client's file
    built in the test."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
