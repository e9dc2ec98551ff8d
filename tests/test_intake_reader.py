"""The hardened table reader: French Excel's CSV and workbooks as they are, and the three small
inputs of ../shared/cases/intake/ imported right."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.intake.reader import read_tables

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases" / "intake"
if not CASES.is_dir():
    CASES = Path("/work/shared/cases/intake")
needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason="../shared/cases/intake not available")


def imported(runner: Any, tmp_path: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    out = tmp_path / "inventaire.yaml"
    # The messages checked are the English ones (a French organisation's import speaks French).
    language = [] if "--lang" in args else ["--lang", "en"]
    result = runner.invoke(app, ["import", "table", *args, *language, "-o", str(out)])
    assert result.exit_code == 0, result.output
    api.load(out)  # the result validates
    return result, yaml.safe_load(out.read_text(encoding="utf-8"))


@needs_cases
def test_french_excel_semicolon_windows_1252_csv_directory(runner: Any, tmp_path: Path) -> None:
    result, data = imported(runner, tmp_path, str(CASES / "csv-excel-fr-point-virgule"), "--mapping", "template")
    assert "applications.csv: read as Windows-1252 (detected)" in result.output
    assert "columns separated by ';' (detected)" in result.output
    # Without --lang, the organisation's country (FR, read from the tables) sets the language.
    (tmp_path / "fr").mkdir()
    french = runner.invoke(app, ["import", "table", str(CASES / "csv-excel-fr-point-virgule"), "--mapping", "template",
                                 "-o", str(tmp_path / "fr" / "inventaire.yaml")])
    assert "applications.csv: lu comme Windows-1252 (détecté)" in french.output
    assert data["organisation"] == {"name": "Centre hospitalier d'Exemple", "country": "FR", "type": "health-establishment"}
    dpi = data["applications"][0]
    assert dpi["name"] == "Dossier patient informatisé" and dpi["owner"] == "Direction des systèmes d'information"
    assert dpi["datasets"] == ["dossier-patient"] and dpi["criticality"] == "vital"
    assert data["datasets"] == [{"id": "dossier-patient", "name": "Dossier médical", "classification": "health"}]


@needs_cases
def test_the_old_import_csv_command_reads_it_too(runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "inv.yaml"
    result = runner.invoke(app, ["import", "csv", str(CASES / "csv-excel-fr-point-virgule"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert api.load(out).inventory.datasets[0].name == "Dossier médical"


@needs_cases
def test_a_percentage_cell_is_read_as_the_percentage_shown(runner: Any, tmp_path: Path) -> None:
    result, data = imported(runner, tmp_path, str(CASES / "inventaire-pourcentages.xlsx"), "--mapping", "template")
    reference = yaml.safe_load((CASES / "inventaire-reference.yaml").read_text(encoding="utf-8"))
    for section in ("organisation", "providers", "applications", "datasets"):
        assert data[section] == reference[section], section
    assert "fournisseurs!I2: ownership.largest_non_eu_pct: '0.45' shown as a percentage read as 45" in result.output


@needs_cases
def test_vertically_merged_cells_apply_to_every_row(runner: Any, tmp_path: Path) -> None:
    result, data = imported(runner, tmp_path, str(CASES / "inventaire-fusion.xlsx"), "--mapping", "template")
    apps = {a["id"]: a for a in data["applications"]}
    for name in ("messagerie", "visio", "stockage"):
        assert apps[name]["criticality"] == "vital", name
        assert apps[name]["hosting"] == {"model": "saas", "provider": "suite-us", "region": "FR"}, name
    assert "applications!D2: merged cells D2:D4: the value of D2 applies to each of its rows" in result.output
    # The case's v1 'sensitive' datasets are written in the current format, as `bleu-assess upgrade` would.
    assert {d["classification"] for d in data["datasets"]} == {"special-category"}
    assert {d["particular_sensitivity"] for d in data["datasets"]} == {"yes"}
    assert ("jeux de données!C2: classification: 'sensitive' (format v1) read as special-category with "
            "particular_sensitivity: yes") in result.output
    exposed = api.scan(tmp_path / "inventaire.yaml", lang="en").to_dict()
    levels = {i["id"]: i["exposure"]["level"] for i in exposed["items"] if i["kind"] == "application"}
    assert levels["visio"] == levels["stockage"] == levels["messagerie"] != "none"  # the US SaaS reaches every merged row


def table(tmp_path: Path, name: str, content: bytes) -> list[Any]:
    path = tmp_path / name
    path.write_bytes(content)
    return read_tables([str(path)])


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff"), ("cp1252", b"")])
def test_encodings_a_spreadsheet_saves_in(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = "nom\tcriticité\r\nDossier médical — archivé\tvitale\r\n"
    [sheet] = table(tmp_path, "a.txt", bom + text.encode(encoding))
    assert sheet.rows == [(1, ["nom", "criticité"]), (2, ["Dossier médical — archivé", "vitale"])]
    said = " ".join(w.message for w in sheet.warnings)
    assert ("Windows-1252" in said) == (encoding == "cp1252") and "tab (detected)" in said


@pytest.mark.parametrize("text", ["nom\nIntranet\nMessagerie\n", "Application Name\n", "a,b\n1,2\n"])
def test_one_column_and_header_only_files_read_without_a_delimiter_error(tmp_path: Path, text: str) -> None:
    [sheet] = table(tmp_path, "a.csv", text.encode())
    assert sheet.rows[0][1] == text.splitlines()[0].split(",")


def test_control_characters_and_nul_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        table(tmp_path, "a.csv", b"nom\nok\nbad\x07bell\n")
    assert caught.value.diagnostics[0].format().endswith("a.csv:3:4: control character U+0007: not text a spreadsheet writes")
    with pytest.raises(InputError) as caught:
        table(tmp_path, "b.csv", b"nom\n\x00\x00\x00\n")
    assert "NUL byte" in caught.value.diagnostics[0].message and caught.value.diagnostics[0].line == 2


@pytest.mark.parametrize("name, data", [
    ("model.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/">\n'),
    ("export.csv", "\ufeff<!DOCTYPE html>\n<table><tr><td>nom</td></tr></table>\n".encode()),
    ("liste.txt", "<model identifier='m'>\n</model>\n".encode("utf-16")),
])
def test_an_xml_or_html_document_is_refused_as_no_table(tmp_path: Path, name: str, data: bytes) -> None:
    # Read as a CSV it would be one column of markup split at its commas: refused, whole, naming the file.
    with pytest.raises(InputError) as caught:
        table(tmp_path, name, data)
    [said] = caught.value.diagnostics
    assert said.format().endswith(f"{name}: an XML or HTML document, not a table: a CSV file or a workbook "
                                  "(xlsx, ods, xls) is expected; an ArchiMate model exchange file is read by "
                                  "`bleu-assess import archimate`")


@pytest.mark.parametrize("text", ["<nom>,type\nDPI,app\n", "nom < 3,type\nDPI,app\n", "<>\nDPI\n"])
def test_a_header_merely_holding_a_bracket_is_still_a_table(tmp_path: Path, text: str) -> None:
    [sheet] = table(tmp_path, "a.csv", text.encode())
    assert sheet.rows[1][1][0] == "DPI"


def test_a_file_named_xlsx_that_is_not_one_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        table(tmp_path, "a.xlsx", b"nom;type\n")
    assert "not a xlsx workbook" in caught.value.diagnostics[0].message


def test_messages_sort_in_reading_order() -> None:
    cells = [Diagnostic("f.xlsx", 1, column, "", "m", sheet="s") for column in (29, 1, 27, 2)]
    assert [d.format().split("!")[1].split(":")[0] for d in sorted(cells, key=Diagnostic.sort_key)] == \
        ["A1", "B1", "AA1", "AC1"]
    line = Diagnostic("f.csv", 12, 3, "column Nom", "bad", sheet="")
    assert line.format() == "f.csv:12: column Nom: bad"


def workbook(tmp_path: Path, build: Any) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "applications"
    build(book, ws)
    path = tmp_path / "w.xlsx"
    book.save(path)
    return path


def test_hidden_sheets_and_rows_are_left_out_and_said(tmp_path: Path) -> None:
    def build(book: Any, ws: Any) -> None:
        for row in (["id", "name"], ["a", "A"], ["b", "B (hidden)"], ["c", "C"]):
            ws.append(row)
        ws.row_dimensions[3].hidden = True
        book.create_sheet("secret").sheet_state = "hidden"
        book["secret"]["A1"] = "x"

    sheets = read_tables([str(workbook(tmp_path, build))])
    apps = next(s for s in sheets if s.name == "applications")
    assert [cells[0] for _, cells in apps.rows] == ["id", "a", "c"]
    assert "1 hidden row ignored: 3" in apps.warnings[0].message
    secret = next(s for s in sheets if s.name == "secret")
    assert not secret.rows and secret.warnings[0].format().endswith("w.xlsx: secret: hidden sheet: ignored "
                                                                     "(show it in the workbook to import it)")


def test_formulas_are_read_as_saved_values_and_a_missing_one_is_said(tmp_path: Path) -> None:
    def build(book: Any, ws: Any) -> None:
        ws.append(["id", "users"])
        ws.append(["a", "=2*3"])  # openpyxl saves no computed value, as a never-recalculated file

    [sheet] = read_tables([str(workbook(tmp_path, build))])
    assert sheet.rows[1] == (2, ["a", None])
    assert "B2: 1 formula cell with no saved value read as empty" in sheet.warnings[0].format()


def test_a_sheet_whose_recorded_dimension_is_wrong_is_read_in_full(tmp_path: Path) -> None:
    import zipfile

    path = workbook(tmp_path, lambda book, ws: [ws.append([f"r{i}", i]) for i in range(1, 6)])
    fixed = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                # openpyxl writes `<dimension ref=".."/>` through lxml, `<dimension ref=".." />` without it
                data = re.sub(rb'<dimension ref="A1:B5"\s*/>', b'<dimension ref="A1"/>', data)
                assert b'<dimension ref="A1"/>' in data
            dst.writestr(info, data)
    [sheet] = read_tables([str(fixed)])
    assert [cells for _, cells in sheet.rows][-1] == ["r5", 5]


ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def test_an_ods_workbook_with_merged_cells_percentages_and_a_hidden_row(tmp_path: Path) -> None:
    """An OpenDocument spreadsheet as LibreOffice writes one (OpenDocument 1.2 §9.1)."""
    import zipfile

    def row(*cells: str, hidden: bool = False) -> str:
        visibility = ' table:visibility="collapse"' if hidden else ""
        return f"<table:table-row{visibility}>{''.join(cells)}</table:table-row>"

    rows = [row(*(ODS_CELL.format(h) for h in ("id", "criticité", "part hors UE"))),
            row(ODS_CELL.format("dpi"), '<table:table-cell table:number-rows-spanned="2" office:value-type="string">'
                '<text:p>Vitale</text:p></table:table-cell>',
                '<table:table-cell office:value-type="percentage" office:value="0.45"><text:p>45 %</text:p></table:table-cell>'),
            row(ODS_CELL.format("rh"), "<table:covered-table-cell/>"),
            row(ODS_CELL.format("caché"), hidden=True),
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>']
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="applications">{"".join(rows)}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "inventaire.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                         'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                         'manifest:media-type="text/xml"/></manifest:manifest>')
    [sheet] = read_tables([str(path)])
    assert [cells[:2] for _, cells in sheet.rows] == [["id", "criticité"], ["dpi", "Vitale"], ["rh", "Vitale"]]
    assert (2, 2) in sheet.percent and sheet.rows[1][1][2] == 0.45
    assert [w.format().split(": ", 2)[2] for w in sorted(sheet.warnings, key=lambda w: w.sort_key())] == [
        "merged cells B2:B3: the value of B2 applies to each of its rows",
        "1 hidden row ignored: 4 (show it in the workbook to import it)"]


def test_a_title_above_the_table_is_not_taken_for_its_header(runner: Any, tmp_path: Path) -> None:
    def build(book: Any, ws: Any) -> None:
        ws.append(["Cartographie applicative — DSI, novembre 2026"])
        ws.append([])
        ws.append(["identifiant", "nom", "criticité"])
        ws.append(["dpi", "Dossier patient", "Vitale"])

    path = workbook(tmp_path, build)
    result, data = imported(runner, tmp_path, str(path), "--mapping", "template", "--organisation", "CHU")
    assert data["applications"] == [{"id": "dpi", "name": "Dossier patient", "criticality": "vital"}]


@pytest.mark.parametrize("data", [b"", b"f", b"<f", b"x<f", b"f<f", b"ff:", b":f/>", b'<row hidden="1">', b"hidde",
                                  b"hhidden", b"<c><v>f</v></c>"])
def test_the_sheet_scan_finds_a_word_where_a_plain_search_does(data: bytes) -> None:
    from bleu_assess.intake.workbooks import _holds

    for word, rare in ((b"hidden", 0), (b"<f", 1), (b":f", 1)):
        assert _holds(data, word, rare) == (word in data)


def test_group_headings_merged_above_the_header_name_its_columns(runner: Any, tmp_path: Path) -> None:
    # A client's two-row header: « hébergement » merged over « modèle » and « pays », as the
    # template's own « hébergement - modèle » names the column; a title above it all.
    def build(book: Any, ws: Any) -> None:
        ws.append(["Cartographie applicative — DSI"])
        ws.append(["application", None, "hébergement", None, "criticité"])
        ws.append(["identifiant", "nom", "modèle", "pays", None])
        ws.merge_cells("A2:B2")
        ws.merge_cells("C2:D2")
        ws.merge_cells("E2:E3")
        ws.append(["dpi", "Dossier patient", "sur site", "France", "Vitale"])
        ws.append(["rh", "Paie", "sur site", "France", "Haute"])

    path = workbook(tmp_path, build)
    result, data = imported(runner, tmp_path, str(path), "--mapping", "template", "--organisation", "CHU")
    assert data["applications"] == [
        {"id": "dpi", "name": "Dossier patient", "criticality": "vital", "hosting": {"model": "on-premises", "region": "FR"}},
        {"id": "rh", "name": "Paie", "criticality": "high", "hosting": {"model": "on-premises", "region": "FR"}}]
    suggested = runner.invoke(app, ["import", "table", str(path), "--suggest-mapping", "--lang", "en"])
    assert suggested.exit_code == 0, suggested.output
    assert "header_row: 3" in suggested.output and "hébergement - pays: hosting.region" in suggested.output


def test_a_date_shown_as_its_excel_serial_number_is_read_as_the_date(runner: Any, tmp_path: Path) -> None:
    # A date cell that lost its format shows Excel's serial number of days: 45985 is 2025-11-24.
    def build(book: Any, ws: Any) -> None:
        ws.append(["identifiant", "nom", "homologation - niveau", "homologation - prononcée le",
                   "homologation - valide jusqu'au"])
        ws.append(["dpi", "Dossier patient", "standard", 45985, "47085"])

    path = workbook(tmp_path, build)
    result, data = imported(runner, tmp_path, str(path), "--mapping", "template", "--organisation", "CHU")
    assert data["applications"][0]["homologation"] == {"level": "standard", "granted_on": "2025-11-24",
                                                       "until": "2028-11-28"}
    assert "applications!D2: homologation.granted_on: '45985' read as '2025-11-24'" in result.output

    def year(book: Any, ws: Any) -> None:  # a number that is no serial of a date is refused, not guessed
        ws.append(["identifiant", "nom", "homologation - niveau", "homologation - prononcée le"])
        ws.append(["dpi", "Dossier patient", "standard", 2026])

    out = tmp_path / "refused.yaml"
    result = runner.invoke(app, ["import", "table", str(workbook(tmp_path, year)), "--mapping", "template",
                                 "--organisation", "CHU", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "applications!D2: homologation.granted_on: expected a date" in result.output and "got '2026'" in result.output
