"""One language rule for every command: --lang, else the organisation's country, else (diff of
results files) the language the results were recorded in, else BLEU_ASSESS_LANG or the locale.
Checked through typer's CliRunner and as real processes; the expected words come from the
catalogues, so the tests check which language answers, not one wording."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app
from bleu_assess.render.i18n import t

BROKEN = ("format: bleu-assess/v2\norganisation:\n  name: Hôpital\n  country: {country}\n  type: other\n"
          "applications:\n  - id: app\n    name: App\n    hosting: {{model: cloud}}\n")
VALID = ("format: bleu-assess/v2\norganisation:\n  name: Hôpital\n  country: {country}\n  type: other\n"
         "applications:\n{applications}")
APP = "  - id: {id}\n    name: App {id}\n    hosting: {{model: on-premises}}\n"


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def process(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BLEU_ASSESS_LANG"} | {"LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "bleu_assess", *arguments], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


@pytest.mark.parametrize("country, flag, lang", [("FR", [], "fr"), ("FR", ["--lang", "en"], "en"),
                                                 ("DE", [], "en"), ("DE", ["--lang", "fr"], "fr")])
def test_validate_answers_an_invalid_inventory_in_the_organisations_language(
        runner: Any, tmp_path: Path, country: str, flag: list[str], lang: str) -> None:
    path = tmp_path / "inventaire.yaml"
    path.write_text(BROKEN.format(country=country), encoding="utf-8")
    done = runner.invoke(app, ["validate", str(path), *flag])
    assert done.exit_code == 2
    assert t("cli.errors", lang, count=1) in done.output, done.output
    other = "en" if lang == "fr" else "fr"
    assert t("cli.errors", other, count=1) not in done.output


def test_validate_in_french_as_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "inventaire.yaml").write_text(BROKEN.format(country="FR"), encoding="utf-8")
    french = process("validate", "inventaire.yaml", cwd=tmp_path)
    english = process("validate", "inventaire.yaml", "--lang", "en", cwd=tmp_path)
    assert french.returncode == english.returncode == 2 and "Traceback" not in french.stderr
    assert t("cli.errors", "fr", count=1) in french.stderr
    assert t("cli.errors", "en", count=1) in english.stderr


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_rules_list_speaks_the_language_asked(runner: Any, lang: str) -> None:
    done = runner.invoke(app, ["rules", "list", "--lang", lang])
    assert done.exit_code == 0
    assert t("rules.rulesets_title", lang) in done.output and t("rules.rules_title", lang) in done.output
    other = "en" if lang == "fr" else "fr"
    assert t("rules.rules_title", other) not in done.output


def test_rules_list_and_show_as_real_processes(tmp_path: Path) -> None:
    french = process("rules", "list", "--lang", "fr", cwd=tmp_path)
    english = process("rules", "list", "--lang", "en", cwd=tmp_path)
    assert t("rules.rules_title", "fr") in french.stdout and t("rules.rules_title", "en") in english.stdout
    shown = process("rules", "show", "SNC-SCOPE-001", "--lang", "fr", cwd=tmp_path)
    assert shown.returncode == 0 and t("rules.when", "fr") in shown.stdout


def _results(runner: Any, tmp_path: Path, name: str, ids: list[str], lang: str, country: str = "FR") -> Path:
    inventory = tmp_path / f"{name}.yaml"
    inventory.write_text(VALID.format(country=country, applications="".join(APP.format(id=i) for i in ids)),
                         encoding="utf-8")
    results = tmp_path / f"{name}.json"
    done = runner.invoke(app, ["scan", str(inventory), "-f", "json", "-o", str(results), "--lang", lang,
                               "--as-of", "2026-11-30"])
    assert done.exit_code == 0, done.output
    return results


@pytest.mark.parametrize("flag, lang", [(["--lang", "fr"], "fr"), (["--lang", "en"], "en"),
                                        ([], "fr")])  # a French organisation's results, recorded in English
def test_diff_of_results_files_speaks_the_rule_s_language(runner: Any, tmp_path: Path, flag: list[str],
                                                         lang: str) -> None:
    old = _results(runner, tmp_path, "a", ["one"], "en")
    new = _results(runner, tmp_path, "b", ["one", "two"], "en")
    done = runner.invoke(app, ["diff", str(old), str(new), "-f", "markdown", *flag])
    assert done.exit_code == 0, done.output
    assert t("interop.diff_added", lang) in done.output and t("interop.diff_findings", lang) in done.output
    other = "en" if lang == "fr" else "fr"
    assert t("interop.diff_findings", other) not in done.output


def test_diff_falls_back_on_the_recorded_language_when_results_name_no_country(runner: Any, tmp_path: Path) -> None:
    old = _results(runner, tmp_path, "a", ["one"], "fr", country="DE")
    document = json.loads(old.read_text(encoding="utf-8"))
    del document["inventory"]["country"]
    old.write_text(json.dumps(document), encoding="utf-8")
    done = runner.invoke(app, ["diff", str(old), str(old), "-f", "markdown"])
    assert done.exit_code == 0 and t("interop.diff_findings", "fr") in done.output


def test_diff_as_a_real_process(runner: Any, tmp_path: Path) -> None:
    old = _results(runner, tmp_path, "a", ["one"], "en")
    new = _results(runner, tmp_path, "b", ["one", "two"], "fr")
    french = process("diff", old.name, new.name, "-f", "markdown", "--lang", "fr", cwd=tmp_path)
    english = process("diff", old.name, new.name, "-f", "markdown", "--lang", "en", cwd=tmp_path)
    assert french.returncode == english.returncode == 0, french.stderr
    assert t("interop.diff_findings", "fr") in french.stdout and t("interop.diff_findings", "en") in english.stdout


CSV = "id;name;hosting\nrh;Ressources humaines;on-premises\n"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_import_table_speaks_the_language_asked(runner: Any, tmp_path: Path, lang: str) -> None:
    table = tmp_path / "applications.csv"
    table.write_text(CSV, encoding="utf-8")
    output = tmp_path / "out.yaml"
    done = runner.invoke(app, ["import", "table", str(table), "-m", "template", "--organisation", "Hôpital",
                               "-o", str(output), "--lang", lang])
    assert done.exit_code == 0, done.output
    assert t("interop.imported", lang, path=output, applications=1, datasets=0, flows=0) in done.output


def test_import_table_as_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "applications.csv").write_text(CSV, encoding="utf-8")
    for lang in ("fr", "en"):
        done = process("import", "table", "applications.csv", "-m", "template", "--organisation", "Hôpital",
                       "-o", f"{lang}.yaml", "--lang", lang, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert t("interop.imported", lang, path=f"{lang}.yaml", applications=1, datasets=0, flows=0) in done.stderr


def test_import_table_of_an_organisation_of_no_country_answers_in_french(runner: Any, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # The format's default country is France: the import speaks as the scan of its result will.
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    table = tmp_path / "applications.csv"
    table.write_text(CSV, encoding="utf-8")
    output = tmp_path / "out.yaml"
    done = runner.invoke(app, ["import", "table", str(table), "-m", "template", "--organisation", "Hôpital",
                               "-o", str(output)])
    assert done.exit_code == 0, done.output
    assert t("interop.imported", "fr", path=output, applications=1, datasets=0, flows=0) in done.output
