"""Importers speak the command's language (issue 12, item 4): what an import says — its
problems, usage errors, report lines and --suggest-mapping comments — is a code worded when
printed, in --lang (else the organisation's country), with the file, line (or sheet and cell)
and field kept as they were found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app
from bleu_assess.errors import Diagnostic
from bleu_assess.render.i18n import catalogue
from bleu_assess.render.intake_words import diagnostic

SAMPLES = Path("/work/shared/samples")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not available")
NBSP, NNBSP = "\u00a0", "\u202f"


def plain(text: str) -> str:
    """Text with French no-break spaces shown as spaces (the terminal shows them alike)."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


@pytest.fixture
def unknown_value_csv(tmp_path: Path) -> Path:
    source = tmp_path / "t1.csv"
    source.write_text("nom;criticite\nA;enorme\n", encoding="utf-8")
    return source


def test_import_csv_in_french_says_every_problem_in_french(runner: Any, unknown_value_csv: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "csv", str(unknown_value_csv), "-o", str(tmp_path / "o.yaml"), "--lang", "fr"])
    out = plain(result.output)
    assert result.exit_code == 2 and not (tmp_path / "o.yaml").exists()
    assert f"{unknown_value_csv}: organisation: la source ne donne pas le nom de l'organisation : le passer avec " \
           "--organisation NOM" in out
    assert f"{unknown_value_csv}:2: colonne criticite: criticality: valeur inconnue « enorme » (valeurs admises : low, " \
           "medium, high, vital ;" in out
    assert "2 erreurs" in out
    for english in ("no organisation name", "unknown value", "column criticite", "allowed"):
        assert english not in out


def test_import_csv_in_english_says_it_in_english(runner: Any, unknown_value_csv: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "csv", str(unknown_value_csv), "-o", str(tmp_path / "o.yaml"), "--lang", "en"])
    assert result.exit_code == 2
    assert f"{unknown_value_csv}:2: column criticite: criticality: unknown value 'enorme' (allowed: low, medium, high, " \
           "vital; or add a translation to the mapping's `values`)" in result.output
    assert "2 errors" in result.output and "inconnue" not in result.output


def test_french_follows_its_typography_no_break_space_before_colon_and_inside_quotes() -> None:
    located = Diagnostic("t.csv", 2, None, "", "", code="intake.error.not_a_number", params=(("text", "douze"),))
    worded = diagnostic(located, "fr").message
    assert worded == f"nombre attendu, trouvé{NBSP}: «{NBSP}douze{NBSP}»"
    assert diagnostic(located, "en").message == "expected a number, got 'douze'"


def test_a_csv_column_is_named_in_the_readers_language_with_its_field() -> None:
    located = Diagnostic("t.csv", 2, 2, "column crit: criticality", "", code="intake.error.not_a_number",
                         params=(("text", "x"), ("csv_column", "crit"), ("csv_field", "criticality")))
    assert diagnostic(located, "fr").format().startswith("t.csv:2:2: colonne crit: criticality: ")
    assert diagnostic(located, "en").format().startswith("t.csv:2:2: column crit: criticality: ")


def test_every_importer_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    import string

    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    french, english = catalogue("fr"), catalogue("en")
    keys = [k for k in english if k.startswith(("intake.error.", "intake.suggest.", "intake.note."))]
    assert len(keys) > 60
    for key in keys:
        assert key in french, key
        if isinstance(english[key], str):
            assert names(str(french[key])) == names(english[key]), key


@pytest.mark.parametrize("lang, expected, hint", [
    ("fr", "erreur : --group-by : valeur inconnue « dossier »", "conseil : valeurs admises : folder, vapp, tag ou pattern"),
    ("en", "error: --group-by: unknown value 'dossier'", "hint: one of: folder, vapp, tag or pattern"),
])
@needs_samples
def test_a_usage_error_of_an_importer_is_said_with_its_hint_in_the_commands_language(
        runner: Any, tmp_path: Path, lang: str, expected: str, hint: str) -> None:
    result = runner.invoke(app, ["import", "rvtools", str(SAMPLES / "rvtools-mjvincent-rvtools-small-complete.xlsx"),
                                 "--organisation", "X", "-o", str(tmp_path / "o.yaml"), "--group-by", "dossier",
                                 "--lang", lang])
    assert result.exit_code == 2
    assert expected in plain(result.output) and hint in plain(result.output)


# Each discovery importer given a file of another format: refused with the file named, in French.
@pytest.mark.parametrize("command, sample, french", [
    ("rvtools", "konveyor-sample_application_import.csv", "ce n'est pas un export RVTools"),
    ("aws-ads", "konveyor-sample_application_import.csv", "ni un modèle d'import AWS Application Discovery Service"),
    ("azure-migrate-discovery", "rvtools-mjvincent-rvtools-small-complete.xlsx",
     "ce n'est pas un classeur de découverte ou d'évaluation Azure Migrate"),
    ("archimate", "konveyor-sample_application_import.csv", "XML mal formé"),
])
@needs_samples
def test_each_discovery_importer_refuses_a_file_of_another_format_in_french(
        runner: Any, tmp_path: Path, command: str, sample: str, french: str) -> None:
    result = runner.invoke(app, ["import", command, str(SAMPLES / sample), "--organisation", "X",
                                 "-o", str(tmp_path / "o.yaml"), "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert f"{SAMPLES / sample}" in result.output and french in plain(result.output)
    assert "1 erreur" in result.output


@needs_samples
def test_the_dependency_importer_refuses_an_unknown_export_and_bad_ports_in_french(runner: Any, tmp_path: Path) -> None:
    inventory = Path(__file__).resolve().parent.parent / "examples" / "minimal.yaml"
    wrong = runner.invoke(app, ["import", "azure-migrate", str(SAMPLES / "konveyor-sample_application_import.csv"),
                                "--inventory", str(inventory), "-o", str(tmp_path / "o.yaml"), "--lang", "fr"])
    assert wrong.exit_code == 2 and "ce n'est pas un export de dépendances Azure Migrate" in plain(wrong.output)
    ports = runner.invoke(app, ["import", "azure-migrate", str(SAMPLES / "azmig-shabbirnkhan1-dependency-export-sample.csv"),
                                "--inventory", str(inventory), "-o", str(tmp_path / "o.yaml"), "--ports", "https",
                                "--lang", "fr"])
    assert ports.exit_code == 2
    assert "--ports/--ignore-ports : ni un port ni une plage : « https »" in plain(ports.output)


@needs_samples
def test_suggest_mapping_comments_and_unplaced_columns_speak_french(runner: Any) -> None:
    result = runner.invoke(app, ["import", "table", "--suggest-mapping", str(SAMPLES / "aws-cmf-test_valid.csv"),
                                 "--lang", "fr"])
    assert result.exit_code == 0
    out = plain(result.output)
    assert "# Proposée par bleu-assess import table --suggest-mapping" in out
    assert "colonne « server_fqdn » non placée" in out and "not placed" not in out


def test_the_import_report_names_csv_columns_in_french(runner: Any, tmp_path: Path) -> None:
    source, report = tmp_path / "t2.csv", tmp_path / "rapport.md"
    source.write_text("nom;criticite;autre\nA;Vitale;1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(source), "--organisation", "X", "-o", str(tmp_path / "o.yaml"),
                                 "--report", str(report), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    text = plain(report.read_text(encoding="utf-8"))
    assert "| colonne autre | la colonne « autre » n'est pas dans la correspondance : gardée sous extra.autre |" in text
    assert "| colonne criticite: criticality | « Vitale » lu comme 'vital' |" in text
    assert "column " not in text


@needs_samples
def test_a_new_inventory_from_a_discovery_import_has_its_top_comment_in_french(runner: Any, tmp_path: Path) -> None:
    written = tmp_path / "n.yaml"
    result = runner.invoke(app, ["import", "rvtools", str(SAMPLES / "rvtools-mjvincent-rvtools-small-complete.xlsx"),
                                 "--organisation", "X", "-o", str(written), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    head = written.read_text(encoding="utf-8").splitlines()[:2]
    assert head[0].startswith("# Importé par bleu-assess import rvtools depuis rvtools-mjvincent-rvtools-small-complete")
    assert head[1].startswith("# Les éléments découverts portent l'étiquette `discovered`")


def test_the_reader_refuses_a_file_in_the_commands_language(runner: Any, tmp_path: Path) -> None:
    """The one reader of every input (bleu_assess/inputs.py) says why in the reader's language."""
    source = tmp_path / "t.csv"
    source.write_bytes(b"nom;criticite\nA\x00;haute\n")
    french = runner.invoke(app, ["import", "csv", str(source), "-o", str(tmp_path / "o.yaml"), "--lang", "fr"])
    assert french.exit_code == 2 and "octet NUL" in french.output and "1 erreur" in french.output
    english = runner.invoke(app, ["import", "csv", str(source), "-o", str(tmp_path / "o.yaml"), "--lang", "en"])
    assert english.exit_code == 2 and "NUL byte" in english.output


ADS = "ExternalId,IPAddress,HostName,OS.Name,OS.Version,Applications\nsrv-1,10.0.0.1,srv-1,Linux,9,Dossier patient\n"
DE_INVENTORY = ("format: bleu-assess/v2\norganisation: {name: Klinikum, country: DE, type: other}\n"
                "applications:\n  - {id: app, name: App, hosting: {model: on-premises}}\n")


@pytest.mark.parametrize("extra, said", [
    ([], "Ajoutés : 1 application, 1 serveur"),  # a new organisation is French, the format's default
    (["--lang", "en"], "Added: 1 application, 1 server"),
])
def test_a_discovery_import_creating_an_inventory_speaks_like_import_table(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str], said: str) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    source = tmp_path / "ads.csv"
    source.write_text(ADS, encoding="utf-8")
    result = runner.invoke(app, ["import", "aws-ads", str(source), "--organisation", "CHU",
                                 "-o", str(tmp_path / "o.yaml"), *extra])
    assert result.exit_code == 0
    assert said in plain(result.output)


def test_a_discovery_import_into_an_inventory_speaks_its_organisation_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    source, inventory = tmp_path / "ads.csv", tmp_path / "inv.yaml"
    source.write_text(ADS, encoding="utf-8")
    inventory.write_text(DE_INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["import", "aws-ads", str(source), "--inventory", str(inventory),
                                 "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 0
    assert "Added: 1 application, 1 server" in plain(result.output)


def test_import_counts_take_their_plural_form(runner: Any, tmp_path: Path) -> None:
    source = tmp_path / "ads.csv"
    source.write_text(ADS + "srv-2,10.0.0.2,srv-2,Linux,9,Dossier patient\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "aws-ads", str(source), "--organisation", "CHU",
                                 "-o", str(tmp_path / "o.yaml"), "--lang", "en"])
    assert "Added: 1 application, 2 servers" in plain(result.output)
