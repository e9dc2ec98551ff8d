"""Spreadsheets in and out, Azure Migrate dependencies, findings export, and diff."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.intake.columns import SHEETS, columns, header, sheet_title
from bleu_assess.vocab import Severity


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the import's mechanics on English tools' exports, worded in English;
    the language rule itself (French for an organisation of no country) is tested in
    tests/test_cli_lang.py."""
    monkeypatch.setenv("BLEU_ASSESS_LANG", "en")


ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "interop"
EXAMPLES = [ROOT / "examples" / "chu-exemple.yaml", ROOT / "examples" / "ministere-exemple.yaml"]


def fill(workbook: Path, inventory: dict[str, Any], lang: str) -> None:
    """What a consultant does: one row per item, lists as 'a; b'."""
    book = load_workbook(workbook)
    for sheet in SHEETS:
        titles = {header(sheet, c, lang): c for c in columns(sheet)}
        ws = next(w for w in book.worksheets if w.title.lower() in (sheet, {"providers": "fournisseurs",
                  "platforms": "plateformes", "datasets": "jeux de données", "flows": "flux"}.get(sheet, sheet)))
        names = [cell.value for cell in ws[1]]
        items = [inventory["organisation"]] if sheet == "organisation" else inventory.get(sheet, [])
        for item in items:
            row = []
            for name in names:
                value: Any = item
                for part in titles[name].path:
                    value = value.get(part) if isinstance(value, dict) else None
                if isinstance(value, dict):  # the free-form `extra` mapping
                    value = json.dumps(value, ensure_ascii=False)
                if isinstance(value, list):  # items that are mappings (a qualification's scope, dates) in flow style
                    value = "; ".join(yaml.safe_dump(v, default_flow_style=True, width=1000).strip()
                                      if isinstance(v, dict) else str(v) for v in value)
                row.append(value)
            ws.append(row)
    book.save(workbook)


def results_without_paths(document: dict[str, Any]) -> dict[str, Any]:
    document = dict(document)
    document.pop("inventory")
    return document


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_template_round_trip_scans_like_the_original(runner: Any, tmp_path: Path, example: Path, lang: str) -> None:
    workbook = tmp_path / "modele.xlsx"
    assert runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", lang]).exit_code == 0
    fill(workbook, with_catalogue_facts(example), lang)
    out = tmp_path / "inventaire.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(workbook), "-o", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "bleu-assess validate" in text
    original = api.scan(example, lang="en").to_dict()
    imported = api.scan(out, lang="en").to_dict()
    assert results_without_paths(imported) == without_confidence(results_without_paths(original))


def with_catalogue_facts(example: Path) -> dict[str, Any]:
    """The example's data with its `ref: catalogue:` entries written out: a workbook has no
    column for a reference, it holds the facts themselves."""
    from bleu_assess.inventory.catalogue_refs import resolve
    from bleu_assess.inventory.validate import Document

    (doc,), _, _ = resolve([Document(str(example), "", yaml.safe_load(example.read_text(encoding="utf-8")))])
    return doc.data


def without_confidence(document: dict[str, Any]) -> dict[str, Any]:
    """Results without the confidence marks of catalogue facts (facts typed in carry none)."""
    document = json.loads(json.dumps(document))
    for item in document["items"]:
        item.pop("confidence", None)
        for finding in item["findings"]:
            finding.pop("confidence", None)
    return document


def test_template_has_drop_downs_for_every_enumeration(tmp_path: Path, runner: Any) -> None:
    workbook = tmp_path / "template.xlsx"
    runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", "en"])
    book = load_workbook(workbook)
    applications = book["applications"]
    formulas = " ".join(v.formula1 for v in applications.data_validations.dataValidation)
    assert "vital" in formulas and "saas" in formulas and "retire" in formulas and "XL" in formulas
    assert applications.freeze_panes == "A2"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_retired_value_is_offered_neither_by_the_template_nor_by_the_import(
        tmp_path: Path, runner: Any, lang: str) -> None:
    # Format v2 refuses the v1 class `sensitive`: a drop-down offering it, or an import error
    # listing it among the allowed values, would lead the user to a value the next step refuses.
    workbook = tmp_path / "template.xlsx"
    assert runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", lang]).exit_code == 0
    book = load_workbook(workbook)
    datasets = next(ws for ws in book.worksheets if ws.title == sheet_title("datasets", lang))
    header = [cell.value for cell in datasets[1]]
    column = get_column_letter(header.index(next(h for h in header if "lassification" in str(h))) + 1)
    lists = [v.formula1 for v in datasets.data_validations.dataValidation if column in str(v.sqref)]
    assert lists and "health" in lists[0] and "special-category" in lists[0] and "sensitive" not in lists[0]
    datasets[f"{column}2"], datasets["A2"] = "secret-médical", "dossiers"
    book.save(workbook)
    result = runner.invoke(app, ["import", "table", str(workbook), "-m", "template", "-o", str(tmp_path / "i.yaml"),
                                 "--organisation", "CHU", "--lang", lang])
    assert result.exit_code == 2 and "special-category" in result.output, result.output
    assert "sensitive" not in result.output


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_column_of_the_format_has_its_own_header(lang: str) -> None:
    """A field added to the format gets a column with a worded header, distinct in its sheet."""
    from bleu_assess.render.i18n import catalogue

    for sheet in SHEETS:
        keys = [f"interop.col.{c.key.replace('.', '_')}" for c in columns(sheet)]
        assert [k for k in keys if k not in catalogue(lang)] == []
        titles = [header(sheet, c, lang) for c in columns(sheet)]
        assert len(set(titles)) == len(titles)


def test_import_errors_name_sheet_row_and_column(tmp_path: Path, runner: Any) -> None:
    workbook = tmp_path / "modele.xlsx"
    runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", "fr"])
    fill(workbook, {"organisation": {"name": "CHU"}, "applications": [
        {"id": "dpi", "name": "DPI", "criticality": "vitale", "hosting": {"model": "on-premises"}},
        {"id": "pacs", "name": "PACS", "users": "beaucoup", "hosting": {"model": "on-premises"}}]}, "fr")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(workbook), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "modele.xlsx: applications!N3: users: expected a number, got 'beaucoup'" in result.output
    book = load_workbook(workbook)
    book["applications"]["N3"] = 12
    book.save(workbook)
    result = runner.invoke(app, ["import", "xlsx", str(workbook), "-o", str(out)])
    assert result.exit_code == 0, result.output  # a value written as its French label is read, and said
    assert "applications!D2: criticality: 'vitale' read as 'vital'" in result.output
    assert api.load(out).inventory.applications_by_id["dpi"].criticality == "vital"


def test_csv_import_of_one_applications_file(tmp_path: Path, runner: Any) -> None:
    source = tmp_path / "applications.csv"
    source.write_text("identifiant;nom;criticité;hébergement - modèle\nintranet;Intranet;low;on-premises\n",
                      encoding="utf-8")
    out = tmp_path / "inventaire.yaml"
    result = runner.invoke(app, ["import", "csv", str(source), "-o", str(out), "--organisation", "Mairie"])
    assert result.exit_code == 0, result.output
    inventory = api.load(out).inventory
    assert inventory.organisation.name == "Mairie" and inventory.applications[0].criticality == "low"


def test_azure_migrate_dependencies_merge_into_an_inventory(tmp_path: Path, runner: Any) -> None:
    inventory = tmp_path / "chu.yaml"
    shutil.copy(EXAMPLES[0], inventory)
    before = inventory.read_bytes()
    out = tmp_path / "chu-merged.yaml"
    result = runner.invoke(app, ["import", "azure-migrate", str(DATA / "azure-dependencies.csv"), "--map",
                                 str(DATA / "servers.yaml"), "--inventory", str(inventory), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "SRV-BACKUP-01" in result.output  # unmapped servers are reported
    assert inventory.read_bytes() == before  # the input is never modified
    merged = api.load(out).inventory
    apps = merged.applications_by_id
    assert "serveur-identite" in apps["gef"].depends_on and "ris" in apps["pacs"].depends_on
    assert any(f.source == "gef" and f.target == "serveur-identite" and f.datasets == ("comptabilite",)
               for f in merged.flows)
    text = out.read_text(encoding="utf-8")
    assert "# Inventaire d'exemple : un centre hospitalier universitaire fictif." in text  # comments kept
    assert len(merged.applications) == 29


def test_azure_migrate_mapping_errors_are_located_and_nothing_is_written(tmp_path: Path, runner: Any) -> None:
    mapping = tmp_path / "servers.yaml"
    mapping.write_text('servers:\n  SRV-DPI-01: dpii\nflows:\n  "dpi -> annuaire-ad": [comptabilte]\n', encoding="utf-8")
    out = tmp_path / "merged.yaml"
    result = runner.invoke(app, ["import", "azure-migrate", str(DATA / "azure-dependencies.csv"), "--map",
                                 str(mapping), "--inventory", str(EXAMPLES[0]), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"{mapping}:2:15: servers.SRV-DPI-01: unknown application 'dpii' (did you mean 'dpi'?)" in result.output
    assert "unknown dataset 'comptabilte' (did you mean 'comptabilite'?)" in result.output


def test_azure_migrate_accepts_the_documented_header_and_refuses_directory_inventories(tmp_path: Path, runner: Any) -> None:
    export = tmp_path / "deps.csv"  # the docs' variant: "Timeslot", no "Source IP"
    export.write_text("Timeslot,Source server name,Source application,Source process,Destination server name,"
                      "Destination IP,Destination application,Destination process,Destination port\n"
                      "x,srv-gef-01,GEF,gef.exe,SRV-ID-01,10.0.0.8,Identite,java,8443\n", encoding="utf-8")
    out = tmp_path / "merged.yaml"
    args = ["import", "azure-migrate", str(export), "--map", str(DATA / "servers.yaml"), "-o", str(out)]
    result = runner.invoke(app, [*args, "--inventory", str(EXAMPLES[0])])
    assert result.exit_code == 0, result.output
    assert "serveur-identite" in api.load(out).inventory.applications_by_id["gef"].depends_on
    out.unlink()
    result = runner.invoke(app, [*args, "--inventory", str(ROOT / "examples" / "par-service")])
    assert result.exit_code == 2 and "directory inventory" in result.output and not out.exists()


def test_extra_cell_must_be_a_json_object(tmp_path: Path, runner: Any) -> None:
    workbook = tmp_path / "modele.xlsx"
    runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", "en"])
    fill(workbook, {"organisation": {"name": "CHU"}, "applications": [
        {"id": "dpi", "name": "DPI", "hosting": {"model": "on-premises"}, "extra": "editor=Acme"}]}, "en")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(workbook), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "extra: expected a JSON object" in result.output and "applications!" in result.output


def test_v2_cells_lists_of_activities_and_qualifications_as_flow_mappings(tmp_path: Path, runner: Any) -> None:
    """A qualification is an id or a flow mapping whose quoted text may hold `;`; HDS activities a
    list of numbers; a date inside a mapping is read as a French spreadsheet writes it."""
    workbook = tmp_path / "modele.xlsx"
    runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", "en"])
    fill(workbook, {"organisation": {"name": "CHU"}, "providers": [
        {"id": "acme", "name": "Acme", "country": "FR", "parent_country": "FR"}], "platforms": [
        {"id": "acme-iaas", "provider": "acme", "models": "iaas; paas", "hds_activities": "1; 2, 5",
         "qualifications": "hds; {id: secnumcloud-3.2, scope: [iaas], since: 28/12/2023, "
                           "evidence: 'ANSSI; decision 2279'}"}], "applications": [
        {"id": "dpi", "name": "DPI", "hosting": {"model": "on-premises"}}], "datasets": [
        {"id": "dossiers", "name": "Dossiers", "classification": "health", "particular_sensitivity": "yes"}]}, "en")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "xlsx", str(workbook), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    (offer,) = written["platforms"]
    assert offer["hds_activities"] == [1, 2, 5]
    assert offer["qualifications"] == ["hds", {"id": "secnumcloud-3.2", "scope": ["iaas"], "since": "2023-12-28",
                                               "evidence": "ANSSI; decision 2279"}]
    assert written["datasets"][0]["particular_sensitivity"] == "yes"
    inventory = api.load(out).inventory
    assert [q.id for q in inventory.platforms[0].qualifications or ()] == ["hds", "secnumcloud-3.2"]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_findings_export(tmp_path: Path, runner: Any, suffix: str) -> None:
    out = tmp_path / f"constats.{suffix}"
    result = runner.invoke(app, ["export", "findings", str(EXAMPLES[0]), "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    expected = sum(len(i.findings) for i in api.scan(EXAMPLES[0], lang="fr").items)
    if suffix == "csv":
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))  # French Excel
        # Headers in French; a coded value (the item's kind) in words, then its code.
        assert rows[0][:6] == ["élément", "type", "type (code)", "nom", "responsable", "règle"]
        assert len(rows) == expected + 1
    else:
        book = load_workbook(out)
        sheet = book["Constats"]
        assert sheet.max_row == expected + 1 and sheet.auto_filter.ref and sheet.freeze_panes == "A2"
        # The workbook has the CSV's columns: a severity in words, then its code for a filter.
        headings = [cell.value for cell in sheet[1]]
        severity = headings.index("gravité")
        assert headings[severity + 1] == "gravité (code)"
        assert {row[severity + 1].value for row in sheet.iter_rows(min_row=2)} <= {s.value for s in Severity}
        assert book["Synthèse"]["A1"].value == "Constats par gravité"


def test_diff_shows_exactly_the_fixed_findings(tmp_path: Path, runner: Any) -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8")
    fixed = text.replace('    blockers: ["Licence Oracle non transférable en IaaS"]\n', "")
    fixed = fixed.replace("    regions: [US]\n    contract_law: US\n", "    regions: [US]\n    contract_law: FR\n")
    assert fixed != text
    (tmp_path / "after.yaml").write_text(fixed, encoding="utf-8")
    old = tmp_path / "before.json"
    old.write_text(json.dumps(api.scan(EXAMPLES[0], lang="en").to_dict()), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), str(tmp_path / "after.yaml"), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # The contract-law fix resolves nothing: EXT-LAW-001 (SecNumCloud §19.1.c) concerns only systems in
    # SecNumCloud scope or a candidate offer's provider, and supervision is neither.
    assert [(f["item"], f["rule"]) for f in document["resolved_findings"]] == [("dpi", "GOV-BLK-001")]
    assert document["new_findings"] == [] and document["added"] == [] and document["removed"] == []
    # Its licence blocker gone, dpi still cannot move: it mails the patient file to Microsoft 365,
    # for which the catalogue declares no HDS (EXT-FLOW-001, a blocker of its own).
    assert document["changes"] == []
    markdown = runner.invoke(app, ["diff", str(old), str(tmp_path / "after.yaml"), "--format", "markdown"])
    assert "GOV-BLK-001" in markdown.stdout
    assert runner.invoke(app, ["diff", str(old), str(old)]).exit_code == 0


def test_the_workbook_template_is_refused_under_a_name_that_is_not_xlsx(runner: Any, tmp_path: Path) -> None:
    target = tmp_path / "modele.csv"
    result = runner.invoke(app, ["export", "template", "-o", str(target), "--lang", "fr"])
    assert result.exit_code == 2
    assert "classeur Excel, à écrire dans un fichier .xlsx" in result.output
    assert not target.exists()


def test_a_required_value_left_empty_is_refused_at_its_own_cell(tmp_path: Path, runner: Any) -> None:
    # The name of the second application, and the provider its iaas hosting needs, are empty:
    # each error names the cell to fill (B3, F3), not the whole row.
    workbook = tmp_path / "template.xlsx"
    assert runner.invoke(app, ["export", "template", "-o", str(workbook), "--lang", "fr"]).exit_code == 0
    book = load_workbook(workbook)
    book[sheet_title("organisation", "fr")].append(["CHU", "FR", "health-establishment"])
    apps = book[sheet_title("applications", "fr")]
    header = [cell.value for cell in apps[1]]
    model = header.index("hébergement - modèle")
    provider = get_column_letter(header.index("hébergement - fournisseur") + 1)
    for values in (["dpi", "Dossier patient"], ["rdv", None]):
        row = [*values, *[None] * (len(header) - 2)]
        row[model] = "on-premises" if values[0] == "dpi" else "iaas"
        apps.append(row)
    book.save(workbook)
    result = runner.invoke(app, ["import", "xlsx", str(workbook), "-o", str(tmp_path / "i.yaml"), "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert "applications!B3" in result.output and f"applications!{provider}3" in result.output, result.output
    assert not (tmp_path / "i.yaml").exists()
