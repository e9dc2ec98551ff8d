"""A date written in the right form that names no day (30 February, 29 February of a common
year, a month 13) is refused for that, not for its form: the message says the month has fewer
days, in the reader's language, at the file, line, column (or cell) and field where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bleu_assess.cli import app

INVENTORY = """format: bleu-assess/v2
organisation:
  name: Hôpital
  country: FR
  type: other
applications:
  - id: app
    name: App
    hosting: {{model: on-premises}}
    homologation:
      level: standard
      granted_on: {granted}
      until: {until}
"""


def _said(result: Any) -> str:
    return result.output.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("lang, granted, until", [
    ("fr", "applications[0].homologation.granted_on: date « 2025-02-30 » inexistante : février 2025 compte 28 jours",
     "applications[0].homologation.until: date « 2026-02-29 » inexistante : février 2026 compte 28 jours"),
    ("en", "applications[0].homologation.granted_on: no such date '2025-02-30': February 2025 has 28 days",
     "applications[0].homologation.until: no such date '2026-02-29': February 2026 has 28 days"),
])
def test_a_day_the_month_does_not_have_is_named_in_an_inventory(
        runner: Any, tmp_path: Path, lang: str, granted: str, until: str) -> None:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(granted="2025-02-30", until="2026-02-29"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--lang", lang])
    assert result.exit_code == 2
    assert f"{path}:12:19: {granted}" in _said(result)
    assert f"{path}:13:14: {until}" in _said(result)
    assert "YYYY-MM-DD" not in _said(result) and "AAAA-MM-JJ" not in _said(result)


def test_a_month_thirteen_and_a_malformed_date_are_told_apart(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(granted="2025-13-01", until="2026-2-28"), encoding="utf-8")
    said = _said(runner.invoke(app, ["validate", str(path), "--lang", "fr"]))
    assert "granted_on: date « 2025-13-01 » inexistante : il n'y a pas de mois 13" in said
    assert "until: date « 2026-2-28 » invalide : AAAA-MM-JJ attendu" in said


@pytest.mark.parametrize("lang, words", [
    ("fr", ["applications.csv:2: colonne homologation.granted_on: date « 2025-02-30 » inexistante : février 2025 "
            "compte 28 jours",
            "applications.csv:2: colonne homologation.until: date « 31/04/2026 » inexistante : avril 2026 compte 30 jours"]),
    ("en", ["applications.csv:2: column homologation.granted_on: no such date '2025-02-30': February 2025 has 28 days",
            "applications.csv:2: column homologation.until: no such date '31/04/2026': April 2026 has 30 days"]),
])
def test_a_day_the_month_does_not_have_is_named_in_an_imported_table(
        runner: Any, tmp_path: Path, lang: str, words: list[str]) -> None:
    tables = tmp_path / "t"
    tables.mkdir()
    (tables / "organisation.csv").write_text("name,country,type\nCHU,FR,other\n", encoding="utf-8")
    (tables / "applications.csv").write_text(
        "id,name,hosting.model,homologation.level,homologation.granted_on,homologation.until\n"
        "a,A,on-premises,standard,2025-02-30,31/04/2026\n", encoding="utf-8")
    out = tmp_path / "i.yaml"
    result = runner.invoke(app, ["import", "csv", str(tables), "--lang", lang, "-o", str(out)])
    assert result.exit_code == 2
    for said in words:
        assert said in _said(result)
    assert not out.exists()


def test_a_day_the_month_does_not_have_is_named_at_its_workbook_cell(runner: Any, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "organisation"
    book["organisation"].append(["name", "country", "type"])
    book["organisation"].append(["CHU", "FR", "other"])
    sheet = book.create_sheet("applications")
    sheet.append(["id", "name", "hosting.model", "homologation.level", "homologation.granted_on"])
    sheet.append(["a", "A", "on-premises", "standard", "29 février 2026"])
    path = tmp_path / "inventaire.xlsx"
    book.save(path)
    result = runner.invoke(app, ["import", "xlsx", str(path), "--lang", "fr", "-o", str(tmp_path / "i.yaml")])
    assert result.exit_code == 2
    assert (f"{path}: applications!E2: homologation.granted_on: date « 29 février 2026 » inexistante : "
            "février 2026 compte 28 jours") in _said(result)


@pytest.mark.parametrize("line, fr, en", [
    (["scan", "{inv}", "--as-of", "2026-02-29"], "--as-of : date « 2026-02-29 » inexistante : février 2026 compte 28 jours",
     "--as-of: no such date '2026-02-29': February 2026 has 28 days"),
    (["plan", "{inv}", "--start", "2027-04-31"], "--start : date « 2027-04-31 » inexistante : avril 2027 compte 30 jours",
     "--start: no such date '2027-04-31': April 2027 has 30 days"),
])
def test_a_day_the_month_does_not_have_is_named_on_the_command_line(
        runner: Any, tmp_path: Path, line: list[str], fr: str, en: str) -> None:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(granted="2025-02-28", until="2028-02-29"), encoding="utf-8")
    for lang, words in (("fr", fr), ("en", en)):
        result = runner.invoke(app, [word.format(inv=path) for word in line] + ["--lang", lang])
        assert result.exit_code == 2, result.output
        assert words in _said(result)


@pytest.mark.parametrize("lang, words", [
    ("fr", "date « 2026-02-30 » inexistante : février 2026 compte 28 jours"),
    ("en", "no such date '2026-02-30': February 2026 has 28 days"),
])
def test_a_day_the_month_does_not_have_is_named_in_a_catalogue_of_offers(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    import re
    import shutil

    folder = tmp_path / "catalogue"
    shutil.copytree(Path(__file__).parents[1] / "catalogue", folder)
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r'^(\s*until: )"\d{4}-\d{2}-\d{2}"', text, re.MULTILINE)
        if found:
            path.write_text(text[:found.start()] + f'{found.group(1)}"2026-02-30"' + text[found.end():], encoding="utf-8")
            line = text.count("\n", 0, found.start()) + 1
            break
    result = runner.invoke(app, ["--catalogue", str(folder), "catalogue", "list", "--lang", lang])
    assert result.exit_code == 2
    assert f"{path}:{line}:" in _said(result) and f"until: {words}" in _said(result)
