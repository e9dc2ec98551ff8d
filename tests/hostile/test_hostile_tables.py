"""Hostile tables for `import table`: an empty sheet, a header only, 100,000 rows, 10,000
columns, formula-only cells, a zip bomb disguised as a workbook, a CSV of binary noise. Each
ends in located errors (exit 2, no traceback) or in a bounded, correct import."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from _hostile import assert_process_refused, assert_refused, invoke, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the import's mechanics on English tools' exports, worded in English;
    the language rule itself (French for an organisation of no country) is tested in
    tests/test_cli_lang.py."""
    monkeypatch.setenv("BLEU_ASSESS_LANG", "en")



def _book(path: Path, rows: list[list[Any]], title: str = "applications") -> Path:
    book = Workbook(write_only=True)
    ws = book.create_sheet(title)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def _import(runner: Any, tmp_path: Path, source: Path, *args: str) -> Any:
    return invoke(runner, ["import", "table", str(source), "-m", "template", "-o", str(tmp_path / "out.yaml"),
                           "--organisation", "Test", *args])


def test_an_empty_sheet_and_an_empty_csv_say_there_is_nothing_to_import(runner: Any, tmp_path: Path) -> None:
    book = _book(tmp_path / "empty.xlsx", [])
    assert_refused(_import(runner, tmp_path, book), f"{book}: no table with a value in it: nothing to import")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert_refused(_import(runner, tmp_path, empty), f"{empty}: no table with a value in it: nothing to import")
    assert not (tmp_path / "out.yaml").exists()


def test_a_header_only_sheet_is_refused_naming_it_as_an_empty_one_is(runner: Any, tmp_path: Path) -> None:
    book = _book(tmp_path / "header.xlsx", [["id", "name", "criticality"]])
    assert_refused(_import(runner, tmp_path, book),
                   f"{book}: headers but no data row under them (sheets: applications): nothing to import")
    assert not (tmp_path / "out.yaml").exists()


def test_formula_only_cells_without_saved_values_are_said_not_guessed(runner: Any, tmp_path: Path) -> None:
    book = _book(tmp_path / "formulas.xlsx", [["id", "name", "hosting.model"], ["=LOWER(B2)", "=\"App\"", "=\"saas\""],
                                              ["b", "B", "=\"saas\""]])
    result = _import(runner, tmp_path, book)
    assert result.exit_code == 0, result.output
    assert f"{book}: applications!A2: 4 formula cells with no saved value read as empty" in result.output
    data = yaml.safe_load((tmp_path / "out.yaml").read_text(encoding="utf-8"))
    assert data["applications"] == [{"id": "b", "name": "B"}]  # the formula's text is never taken for its value
    assert "1 application without hosting" in result.output


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MiB of zeros, stored in about 300 KiB
                part.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    done = run(["import", "table", str(bomb), "-m", "template", "-o", str(tmp_path / "o.yaml")], memory_mb=700, timeout=60)
    assert_process_refused(done, f"{bomb}: part xl/worksheets/sheet1.xml unpacks", "refused as a zip bomb")


def test_binary_noise_named_csv_is_refused_with_its_line(runner: Any, tmp_path: Path) -> None:
    noise = tmp_path / "noise.csv"
    noise.write_bytes(b"id,name\n" + bytes(range(256)) * 4)
    assert_refused(_import(runner, tmp_path, noise), f"{noise}:2")


@pytest.mark.slow
def test_10000_columns_are_kept_under_extra_with_one_warning_each(tmp_path: Path) -> None:
    header = ["id", "name"] + [f"c{i}" for i in range(10_000)]
    source = tmp_path / "wide.csv"
    source.write_text(",".join(header) + "\n" + ",".join(["a", "A"] + ["x"] * 10_000) + "\n", encoding="utf-8")
    report = tmp_path / "r.md"
    done = run(["import", "table", str(source), "-m", "template", "-o", str(tmp_path / "o.yaml"), "--organisation", "T",
                "--report", str(report)], timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert report.read_text(encoding="utf-8").count("is not in the mapping: kept under extra") == 10_000
    data = yaml.safe_load((tmp_path / "o.yaml").read_text(encoding="utf-8"))
    assert len(data["applications"][0]["extra"]) == 10_000


@pytest.mark.slow
def test_100000_rows_import_in_bounded_time_and_memory(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    lines = ["id;name;criticality;hosting.model;users"] + [f"app-{i};Application {i};high;on-premises;{i % 500}"
                                                          for i in range(100_000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run(["import", "table", str(source), "-m", "template", "-o", str(tmp_path / "o.yaml"), "--organisation", "T",
                "--report", str(tmp_path / "r.md")], memory_mb=2048, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Rows read: 100,000 (tables: 1); applications: 100,000" in done.stderr


CSV_TEXT = st.text(st.sampled_from(list("ab;,\t|\"'\r\n %,.0123456789éÉ€–—\u202e\x00\x07")), max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from(["id;name;criticality;users\n", "Application Name,Record Type 1\n", "", "name\n"]),
       body=CSV_TEXT, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
       mapping=st.sampled_from(["template", "konveyor", "aws-cmf", "servicenow"]))
def test_any_csv_a_person_could_make_ends_in_an_import_or_located_errors(
        runner: Any, tmp_path: Path, header: str, body: str, encoding: str, mapping: str) -> None:
    source = tmp_path / "t.csv"
    source.write_bytes((header + body).encode(encoding, errors="replace"))
    out = tmp_path / "o.yaml"
    out.unlink(missing_ok=True)
    result = invoke(runner, ["import", "table", str(source), "-m", mapping, "-o", str(out), "--organisation", "T"])
    assert result.exit_code in (0, 2), result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert out.exists() == (result.exit_code == 0)


CELL = st.one_of(st.none(), st.text(max_size=20).filter(lambda t: not t.startswith("=")), st.integers(-10**6, 10**6),
                 st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                 st.datetimes(min_value=__import__("datetime").datetime(1990, 1, 1)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=5),
       header=st.permutations(["id", "name", "criticité", "hébergement - modèle", "utilisateurs", "vague", "extra"]))
def test_any_workbook_cells_end_in_an_import_or_located_errors(runner: Any, tmp_path: Path, rows: list[list[Any]],
                                                                 header: list[str]) -> None:
    import re

    # Characters XML 1.0 cannot hold are refused by openpyxl before any file exists: not a case.
    clean = [[re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", v) if isinstance(v, str) else v for v in row] for row in rows]
    book = _book(tmp_path / "w.xlsx", [header[:6], *clean])
    out = tmp_path / "out.yaml"  # where _import writes
    out.unlink(missing_ok=True)
    result = _import(runner, tmp_path, book)
    assert result.exit_code in (0, 2), result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert out.exists() == (result.exit_code == 0)
