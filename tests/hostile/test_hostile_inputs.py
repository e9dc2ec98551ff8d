"""Every input goes through one reader (bleu_assess/inputs.py): the two CSV files that used to end
in "internal error" (one column; Windows-1252) given to every command that takes a CSV, and
hostile results files (`diff`), templates, mapping files and qualify worksheets — each read, or
refused with its file (and line when there is one) and exit 2, never a traceback."""

from __future__ import annotations

import json
import random
import string
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import inputs
from bleu_assess.errors import InputError
from tests.hostile._hostile import VALID, assert_process_refused, assert_refused, invoke, run

ONE_COLUMN = "name\nDossier patient\nPaie\n"
WINDOWS_1252 = "id;name;hosting\nrh;Ressources humaines – paie € é;on-premises\n".encode("cp1252")
FRENCH_INVENTORY = VALID.replace("name: Test\n", "name: Test\n  country: FR\n")


def _csv(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(ONE_COLUMN.encode() if kind == "one-column" else WINDOWS_1252)
    return path


def _commands(csv: Path, tmp_path: Path) -> dict[str, list[str]]:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(FRENCH_INVENTORY, encoding="utf-8")
    out = str(tmp_path / "out.yaml")
    return {
        "import table": ["import", "table", str(csv), "-m", "template", "--organisation", "Test", "-o", out],
        "import table --suggest-mapping": ["import", "table", str(csv), "--suggest-mapping"],
        "import csv": ["import", "csv", str(csv), "--organisation", "Test", "-o", out],
        "import azure-migrate": ["import", "azure-migrate", str(csv), "--inventory", str(inventory), "-o", out],
        "import aws-ads": ["import", "aws-ads", str(csv), "--organisation", "Test", "-o", out],
        "import rvtools": ["import", "rvtools", str(csv), "--organisation", "Test", "-o", out],
        "diff": ["diff", str(csv), str(csv)],
    }


@pytest.mark.parametrize("kind", ["one-column", "windows-1252"])
@pytest.mark.parametrize("command", ["import table", "import table --suggest-mapping", "import csv",
                                     "import azure-migrate", "import aws-ads", "import rvtools", "diff"])
def test_every_command_taking_a_csv_reads_it_or_refuses_it_located(runner: Any, tmp_path: Path, kind: str,
                                                                    command: str) -> None:
    csv = _csv(tmp_path, kind)
    result = invoke(runner, [*_commands(csv, tmp_path)[command], "--lang", "en"])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code:
        assert result.exit_code == 2 and str(csv) in result.output, result.output
    if kind == "windows-1252" and command.startswith("import table"):
        assert result.exit_code == 0 and "read as Windows-1252 (detected)" in result.output, result.output


def test_the_windows_1252_csv_is_read_with_its_accents(runner: Any, tmp_path: Path) -> None:
    csv = _csv(tmp_path, "windows-1252")
    out = tmp_path / "out.yaml"
    result = invoke(runner, ["import", "table", str(csv), "-m", "template", "--organisation", "Test", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Ressources humaines – paie € é" in out.read_text(encoding="utf-8")


def test_both_csv_files_as_real_processes(tmp_path: Path) -> None:
    for kind in ("one-column", "windows-1252"):
        csv = _csv(tmp_path, kind)
        done = run(["import", "aws-ads", str(csv), "--organisation", "Test", "-o", str(tmp_path / "o.yaml")],
                   timeout=120)
        assert_process_refused(done, str(csv))


def _results(runner: Any, tmp_path: Path) -> dict[str, Any]:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    results = tmp_path / "results.json"
    assert invoke(runner, ["scan", str(inventory), "-f", "json", "-o", str(results)]).exit_code == 0
    return dict(json.loads(results.read_text(encoding="utf-8")))


@pytest.mark.parametrize("case, content, fragments", [
    ("windows-1252", lambda r: json.dumps(r, ensure_ascii=False).replace("App", "Àpp").encode("cp1252"),
     ["not valid UTF-8 (byte 0xc0): the file looks like Windows-1252; save the file as UTF-8"]),
    ("utf-16", lambda r: json.dumps(r).encode("utf-16"), ["not valid UTF-8 (byte 0xff): the file is UTF-16"]),
    ("nul", lambda r: json.dumps(r).replace('"App"', '"A\\u0000pp"').encode().replace(b"\\u0000", b"\0"),
     ["NUL byte"]),
    ("syntax", lambda r: json.dumps(r)[:-10].encode(), ["JSON syntax error"]),
    ("items-not-a-list", lambda r: json.dumps({**r, "items": {}}).encode(), [": items: missing or of the wrong type"]),
    ("finding-without-rule", lambda r: json.dumps({**r, "items": [{**r["items"][0], "findings": [{}]}]}).encode(),
     [": items[0].findings: missing or of the wrong type"]),
    ("no-summary", lambda r: json.dumps({k: v for k, v in r.items() if k != "summary"}).encode(),
     [": summary.readiness: missing or of the wrong type"]),
    ("another-document", lambda r: b'{"format": "something/v1"}', ["expected 'bleu-assess-results/"]),
])
def test_a_hostile_results_file_is_refused_located(runner: Any, tmp_path: Path, case: str, content: Any,
                                                   fragments: list[str]) -> None:
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(content(_results(runner, tmp_path)))
    good = tmp_path / "results.json"
    output = assert_refused(invoke(runner, ["diff", str(good), str(hostile), "--lang", "en"]), str(hostile),
                            *fragments)
    assert "Traceback" not in output


def test_a_results_file_over_the_size_limit_is_refused_before_it_is_read(runner: Any, tmp_path: Path) -> None:
    results = tmp_path / "big.json"
    results.write_bytes(b" " * 2 * 1024 * 1024)
    assert_refused(invoke(runner, ["diff", str(results), str(results)], env={"BLEU_ASSESS_MAX_INPUT_MB": "1"}),
                   "over the 1 MiB limit")


@pytest.mark.parametrize("content, fragment", [
    ("{{ t('report.title') }} é".encode("cp1252"), ":1:"),
    (b"# Report\n\x00\n", ":2:1: NUL byte"),
])
def test_a_hostile_template_is_refused_with_its_file_and_line(runner: Any, tmp_path: Path, content: bytes,
                                                              fragment: str) -> None:
    folder = tmp_path / "templates" / "report"
    folder.mkdir(parents=True)
    template = folder / "report.md.j2"
    template.write_bytes(content)
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    result = invoke(runner, ["report", str(inventory), "-f", "markdown", "--template-dir", str(tmp_path / "templates"),
                             "-o", str(tmp_path / "r.md")])
    assert_refused(result, f"{template}{fragment}")
    assert not (tmp_path / "r.md").exists()


def test_a_windows_1252_mapping_file_is_refused_saying_what_it_looks_like(runner: Any, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_bytes("name: ma correspondance é\ntables: []\n".encode("cp1252"))
    csv = _csv(tmp_path, "one-column")
    result = invoke(runner, ["import", "table", str(csv), "-m", str(mapping), "-o", str(tmp_path / "o.yaml")])
    assert_refused(result, f"{mapping}:1:", "not valid UTF-8", "Windows-1252")


def test_a_qualify_worksheet_is_read_through_the_reader(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    noise = tmp_path / "answers.xlsx"
    noise.write_bytes(b"not a workbook\n")
    assert_refused(invoke(runner, ["qualify", str(inventory), "--from-worksheet", str(noise)]), str(noise))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert_refused(invoke(runner, ["qualify", str(inventory), "--from-worksheet", str(bomb)]), "zip bomb")
    assert inventory.read_text(encoding="utf-8") == VALID


@pytest.mark.parametrize("accent", ["Àpp", "dcm-é", "Hôpital", "crèche"])
@pytest.mark.parametrize("seed", range(20))
def test_a_windows_1252_file_with_one_accent_is_named_as_such_whatever_the_rest(seed: int, accent: str) -> None:
    # With one non-ASCII byte, the detector alone reads 0xC0 as Mac Roman's « ¿ » or CP850's « └ »
    # for some of these texts (seed 0: Mac Roman), and 0xE9 as Mac Roman's « È »; « À » and « é »
    # in Windows-1252 are the letters meant.
    chance = random.Random(seed)
    words = " ".join("".join(chance.choice(string.ascii_lowercase) for _ in range(chance.randint(2, 9)))
                     for _ in range(chance.randint(5, 200)))
    raw = json.dumps({"name": words, "note": accent}, ensure_ascii=False).encode("cp1252")
    with pytest.raises(InputError, match="looks like Windows-1252"):
        inputs.decode(raw, "notes.json")
    assert inputs.decode(raw, "notes.csv", western=True) == (raw.decode("cp1252"), "Windows-1252")
