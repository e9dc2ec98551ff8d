"""Mappings as data: each shipped preset imports the public sample of its format (read from
../shared/samples, skipped when absent), every column placed or reported; mapping files are
checked and their errors located; values are read leniently and every coercion is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.intake import mapping


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the import's mechanics on English tools' exports, worded in English;
    the language rule itself (French for an organisation of no country) is tested in
    tests/test_cli_lang.py."""
    monkeypatch.setenv("BLEU_ASSESS_LANG", "en")


SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/samples")
PRESET_SAMPLES = {
    "konveyor": [["konveyor-template_application_import.csv"], ["konveyor-sample_application_import.csv"]],
    "aws-cmf": [["aws-cmf-0-intake-form.csv"], ["aws-cmf-test_valid.csv"]],
    "servicenow": [["servicenow-cmdb_ci_appl-RECONSTRUCTED.csv", "servicenow-cmdb_rel_ci-RECONSTRUCTED.csv"]],
}
CASES = [(preset, files) for preset, sets in PRESET_SAMPLES.items() for files in sets]


def run_import(runner: Any, tmp_path: Path, files: list[str], preset: str, *extra: str) -> tuple[Any, dict[str, Any], str]:
    out, report = tmp_path / "inventaire.yaml", tmp_path / "rapport.md"
    result = runner.invoke(app, ["import", "table", *files, "--mapping", preset, "-o", str(out), "--report",
                                 str(report), "--organisation", "Exemple", "--as-of", "2026-11-30", *extra])
    assert result.exit_code == 0, result.output
    return result, yaml.safe_load(out.read_text(encoding="utf-8")), report.read_text(encoding="utf-8")


def test_every_preset_is_a_valid_mapping() -> None:
    assert set(mapping.presets()) == {"template", "konveyor", "aws-cmf", "servicenow"}
    for name in mapping.presets():
        assert mapping.load(name).tables


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
@pytest.mark.parametrize("preset, files", CASES, ids=[f[0] for _, f in CASES])
def test_each_preset_imports_its_sample_and_scan_runs(runner: Any, tmp_path: Path, preset: str, files: list[str]) -> None:
    _, data, report = run_import(runner, tmp_path, [str(SAMPLES / f) for f in files], preset)
    assert data["applications"] and report.startswith("# Import report")
    scanned = api.scan(tmp_path / "inventaire.yaml", lang="en")
    assert {i.id for i in scanned.items} >= {a["id"] for a in data["applications"]}
    header = (tmp_path / "inventaire.yaml").read_text(encoding="utf-8").splitlines()[:4]
    assert header[0] == "# Imported by bleu-assess import table on 2026-11-30"
    assert files[0] in header[1] and "sha256 " in header[1] and f"mapping: {preset} (preset, sha256" in "\n".join(header)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
def test_servicenow_relationships_give_dependencies_and_flows_to_complete(runner: Any, tmp_path: Path) -> None:
    files = [str(SAMPLES / f) for f in PRESET_SAMPLES["servicenow"][0]]
    _, data, report = run_import(runner, tmp_path, files, "servicenow")
    apps = {a["id"]: a for a in data["applications"]}
    assert apps["dpi-orbis"]["depends_on"] == ["pacs-carestream", "messagerie"]
    assert apps["dpi-orbis"]["criticality"] == "vital" and apps["messagerie"]["criticality"] == "medium"
    assert apps["messagerie"]["extra"]["u_hebergement"] == "Microsoft 365"  # a custom column kept, not guessed
    assert "hosting" not in apps["messagerie"] and "providers" not in data  # no provider made up
    text = (tmp_path / "inventaire.yaml").read_text(encoding="utf-8")
    assert "#   - {from: gef-magh2, to: dpi-orbis, datasets: []}" in text and "flows" not in data
    assert "1 relation of type 'Runs on::Runs' left out" in report
    assert "column 'u\\_hebergement' is not in the mapping: kept under extra.u\\_hebergement" in report
    assert "'1 - most critical' read as 'vital' (mapping)" in report


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
def test_konveyor_dependencies_and_tags(runner: Any, tmp_path: Path) -> None:
    _, data, _ = run_import(runner, tmp_path, [str(SAMPLES / "konveyor-template_application_import.csv")], "konveyor")
    apps = {a["id"]: a for a in data["applications"]}
    assert apps["gateway"]["depends_on"] == ["inventory", "customers"]  # southbound: Gateway needs them
    assert apps["customers"]["tags"] == {"Operating System": "RHEL 8", "Database": "Oracle", "Language": "Java",
                                         "Runtime": "Tomcat"}


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
def test_aws_cmf_groups_servers_into_applications_with_waves(runner: Any, tmp_path: Path) -> None:
    _, data, report = run_import(runner, tmp_path, [str(SAMPLES / "aws-cmf-0-intake-form.csv")], "aws-cmf")
    apps = {a["id"]: a for a in data["applications"]}
    assert list(apps) == ["app01-hr", "app02-sales", "app03-sales"]
    assert [a["wave"] for a in apps.values()] == [1, 2, 3]
    assert apps["app02-sales"]["extra"]["server_name"] == ["Server3", "Server4", "Server5"]
    assert "hosting" not in apps["app01-hr"]  # the AWS region is the target, not where it runs today
    assert "3 applications without hosting" in report


def test_wave_names_lenient_values_and_unknown_columns(runner: Any, tmp_path: Path) -> None:
    source = tmp_path / "apps.csv"
    source.write_text("Nom;Criticité;Hébergement - modèle;Vague;Cluster;Part hors UE\n"
                      "Intranet;Vitale;Sur site;Vague B;c1;45 %\n"
                      "Paie;HIGH;on premises;Vague A;c2;12,5\n"
                      "Agenda;élevée;;Vague C;c3;\n", encoding="utf-8")
    custom = tmp_path / "m.yaml"
    custom.write_text("mapping: essai\ntables:\n  - section: applications\n    by_field_name: true\n"
                      "    fallback: true\n    columns: {Nom: name, Part hors UE: extra.part_hors_ue}\n", encoding="utf-8")
    _, data, report = run_import(runner, tmp_path, [str(source)], str(custom))
    apps = {a["id"]: a for a in data["applications"]}
    assert apps["intranet"]["criticality"] == "vital" and apps["paie"]["criticality"] == "high"
    assert apps["agenda"]["criticality"] == "high"
    assert apps["intranet"]["hosting"] == {"model": "on-premises"} and apps["paie"]["hosting"] == {"model": "on-premises"}
    assert [apps[k]["wave"] for k in ("paie", "intranet", "agenda")] == [1, 2, 3]
    assert apps["intranet"]["extra"] == {"Cluster": "c1", "part_hors_ue": "45 %", "wave_label": "Vague B"}
    assert report.count("column 'Cluster' is not in the mapping") == 1  # once per column, not per cell
    assert "'Vitale' read as 'vital'" in report and "'on premises' read as 'on-premises'" in report


def test_errors_are_located_at_their_cell_and_nothing_is_written(runner: Any, tmp_path: Path) -> None:
    source = tmp_path / "apps.csv"
    source.write_text("id,name,users,criticality\nA,App,beaucoup,vital\nb,B,3,extrême\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "table", str(source), "-m", "template", "-o", str(out), "--organisation", "X"])
    assert result.exit_code == 2 and not out.exists() and "internal error" not in result.output
    lines = [line for line in result.output.splitlines() if "apps.csv:" in line]
    assert lines[0] == f"{source}:2: column users: expected a number, got 'beaucoup'"
    assert lines[1].startswith(f"{source}:3: column criticality: unknown value 'extrême'")


def test_mapping_file_errors_are_located(runner: Any, tmp_path: Path) -> None:
    custom = tmp_path / "m.yaml"
    custom.write_text("tables:\n  - section: applications\n    columns:\n      Nom: nmae\n", encoding="utf-8")
    source = tmp_path / "a.csv"
    source.write_text("Nom\nx\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "table", str(source), "-m", str(custom), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2
    assert f"{custom}:4:12: tables[0].columns.Nom: unknown field 'nmae' of applications (did you mean 'name'?)" in result.output
    result = runner.invoke(app, ["import", "table", str(source), "-m", "konveyr", "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and "did you mean 'konveyor'" in result.output


def test_wave_names_sort_as_people_number_them() -> None:
    from bleu_assess.intake.values import natural_key

    assert sorted(["Wave 10", "Wave 2", "wave 1"], key=natural_key) == ["wave 1", "Wave 2", "Wave 10"]
    assert sorted(["Vague B", "Vague A"], key=natural_key) == ["Vague A", "Vague B"]


@pytest.mark.parametrize("raw, percent, expected", [("45 %", False, 45), ("45%", False, 45), (0.45, True, 45),
                                                     ("12,5", False, 12.5), ("1 234,5", False, 1234.5),
                                                     ("1,234.5", False, 1234.5), (7, False, 7)])
def test_numbers_as_french_and_english_spreadsheets_show_them(raw: Any, percent: bool, expected: float) -> None:
    from bleu_assess.intake.values import parse_number

    assert parse_number(raw, percent)[0] == expected


@pytest.mark.parametrize("raw", ["30/11/2026", "30-11-26", "30 novembre 2026", "30 Nov 2026", "2026-11-30"])
def test_french_dates(raw: str) -> None:
    from bleu_assess.intake.values import coerce
    from bleu_assess.inventory.schema import Spec

    assert coerce(raw, Spec("date")).value == "2026-11-30"


def test_suggest_mapping_places_french_headers_and_lists_the_rest(runner: Any, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Feuil1"
    ws.append(["Nom de l'application", "Responsable métier", "Criticite", "Mode d'hébergement", "Hébergeur",
               "Dépendances applicatives", "Cluster VMware", "Nb d'utilisateurs"])
    ws.append(["Intranet", "DSI", "Vitale", "Sur site", None, "Annuaire", "c1", 12])
    ws.append(["Annuaire", "DSI", "Élevée", "SaaS", "Microsoft", None, "c2", 1200])
    source = tmp_path / "carto.xlsx"
    book.save(source)
    suggested = tmp_path / "correspondance.yaml"
    result = runner.invoke(app, ["import", "table", str(source), "--suggest-mapping", "-o", str(suggested)])
    assert result.exit_code == 0, result.output
    columns = yaml.safe_load(suggested.read_text(encoding="utf-8"))["tables"][0]["columns"]
    assert columns == {"Nom de l'application": "name", "Responsable métier": "owner", "Criticite": "criticality",
                       "Mode d'hébergement": "hosting.model", "Hébergeur": "hosting.provider",
                       "Dépendances applicatives": "depends_on", "Nb d'utilisateurs": "users"}
    assert f"{source}: Feuil1!G1: column 'Cluster VMware' not placed" in result.output
    _, data, report = run_import(runner, tmp_path, [str(source)], str(suggested))
    apps = {a["id"]: a for a in data["applications"]}
    assert apps["intranet"]["depends_on"] == ["annuaire"] and apps["annuaire"]["hosting"]["provider"] == "microsoft"
    assert data["providers"] == [{"id": "microsoft", "name": "Microsoft"}]  # as named, nothing assumed
    assert "1 provider without headquarters" in report


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
def test_validate_lists_what_the_source_left_to_fill(runner: Any, tmp_path: Path) -> None:
    run_import(runner, tmp_path, [str(SAMPLES / "konveyor-sample_application_import.csv")], "konveyor")
    result = runner.invoke(app, ["validate", str(tmp_path / "inventaire.yaml"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "application 'marketingapp' gives no hosting, to fill" in result.output


def test_the_documented_mapping_file_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "interop.md").read_text(encoding="utf-8")
    example = tmp_path / "carto-dsi.yaml"
    example.write_text(doc.split("### Mapping files")[1].split("```yaml")[1].split("```")[0], encoding="utf-8")
    loaded = mapping.load(str(example))
    assert [t.section for t in loaded.tables] == ["applications", "links"]
    assert loaded.tables[0].values["criticality"]["p1"] == "vital"


def test_a_mapping_of_the_wrong_shape_is_refused_at_each_place(runner: Any, tmp_path: Path) -> None:
    custom = tmp_path / "m.yaml"
    custom.write_text("tables:\n  - section: applications\n    header_row: x\n    columns: [a]\n"
                      "    values: {criticality: 3}\n    pairs: [{key: '('}]\n  - [1]\n", encoding="utf-8")
    source = tmp_path / "a.csv"
    source.write_text("a\nb\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "table", str(source), "-m", str(custom), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and "internal error" not in result.output
    for expected in ("m.yaml:3:17: tables[0].header_row: expected a row number", "m.yaml:4:14: tables[0].columns: "
                     "expected a mapping", "m.yaml:5:27: tables[0].values.criticality: expected source value -> value",
                     "m.yaml:6:13: tables[0].pairs[0]: expected {key: REGEX, value: REGEX, field: FIELD}",
                     "m.yaml:7:5: tables[1]: each table is a mapping"):
        assert expected in result.output, expected


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
def test_a_mapping_that_reads_none_of_the_tables_says_what_it_expects(runner: Any, tmp_path: Path) -> None:
    source = str(SAMPLES / "konveyor-sample_application_import.csv")
    result = runner.invoke(app, ["import", "table", source, "-m", "servicenow", "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and not (tmp_path / "o.yaml").exists()
    assert f"{source}: the mapping servicenow reads none of these tables (it expects cmdb_ci_appl, cmdb_rel_ci)" \
        in result.output


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
def test_suggested_values_must_be_filled_before_the_import_accepts_them(runner: Any, tmp_path: Path) -> None:
    source = str(SAMPLES / "servicenow-cmdb_ci_appl-RECONSTRUCTED.csv")
    suggested = tmp_path / "m.yaml"
    result = runner.invoke(app, ["import", "table", source, "--suggest-mapping", "-o", str(suggested)])
    assert result.exit_code == 0, result.output
    table = yaml.safe_load(suggested.read_text(encoding="utf-8"))["tables"][0]
    assert table["columns"]["name"] == "name" and "sys_class_name" not in table["columns"]  # not a name
    assert table["values"]["criticality"] == {"1 - most critical": "?", "2 - somewhat critical": "?",
                                              "3 - less critical": "?"}
    out = tmp_path / "o.yaml"
    result = runner.invoke(app, ["import", "table", source, "-m", str(suggested), "-o", str(out), "--organisation", "X"])
    assert result.exit_code == 2 and not out.exists()
    assert (f"{source}:2: column business_criticality: criticality: '1 - most critical' is still translated as '?' "
            "in the mapping") in result.output


@pytest.mark.parametrize(("cell", "code"), [("haute", "high"), ("Critique", "vital"), ("faible", "low"),
                                            ("Élevée", "high"), ("Lift and shift", "rehost"),
                                            ("Décommissionnement", "retire")])
def test_the_words_clients_type_for_coded_values_are_read_and_said(cell: str, code: str) -> None:
    from bleu_assess.intake.values import coerce
    from bleu_assess.inventory import model
    from bleu_assess.inventory.schema import Spec

    allowed = model.CRITICALITIES if code in model.CRITICALITIES else model.STRATEGIES
    read = coerce(cell, Spec("string", enum=allowed))
    assert (read.value, read.change, read.detail) == (code, "translated", cell)


def test_a_criticality_word_is_not_read_for_a_field_of_another_vocabulary() -> None:
    from bleu_assess.intake.values import coerce
    from bleu_assess.inventory import model
    from bleu_assess.inventory.schema import Spec

    with pytest.raises(ValueError):
        coerce("haute", Spec("string", enum=model.STRATEGIES))


def test_a_large_import_is_checked_by_the_compiled_validator_and_writes_only_what_the_source_says(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,200 rows take the compiled validator (intake/engine.py FAST_MIN_ITEMS); it must not write
    # the schema's defaults (organisation type and country) into the inventory it checks, and the
    # result is the same file the located walker validates.
    from bleu_assess.cli import app

    source = tmp_path / "carto.csv"
    source.write_text("nom;criticite\n" + "".join(f"Application {i};haute\n" for i in range(1200)), encoding="utf-8")
    outputs = []
    for setting in ("auto", "off"):
        monkeypatch.setenv("BLEU_ASSESS_FASTCHECK", setting)
        target = tmp_path / f"{setting}.yaml"
        result = runner.invoke(app, ["import", "csv", str(source), "-o", str(target), "--organisation", "GHT"])
        assert result.exit_code == 0, result.output
        outputs.append(target.read_text(encoding="utf-8").split("\n", 4)[4])
    assert outputs[0] == outputs[1]
    assert "type: other" not in outputs[0] and "country: FR" not in outputs[0]
