"""Every output checked by its consumer's own validator: the official SARIF 2.1.0 schema and
Microsoft's SARIF Multitool (with its GitHub code scanning rules), Jenkins xUnit's junit-10.xsd,
Mermaid's parser, openpyxl and Python's csv module. Validators come from tests/_consumers.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import pytest
from _consumers import junit_errors, multitool_errors, sarif_schema_errors

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.interop import ci

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*-exemple.yaml"))
SHARED_CASES = ROOT.parent.parent / "shared" / "cases" / "outputs"
# Names that the hostile corpus throws at every output (tests/hostile/test_hostile_inventories.py).
HOSTILE = "<img src=x onerror=alert(1)> | a | `b` {{ 7*7 }} {% if true %}J{% endif %} \u202eRTL\u200bZW \"q\" & ]]>"

ORGANISATION = """\
format: bleu-assess/v1
organisation:
  name: Hôpital d'Exemple
  type: health-establishment
providers:
  - id: saas-us
    name: SaaS américain
    headquarters: US
    regions: [FR]
"""
CARE = """\
format: bleu-assess/v1
applications:
  - id: dossier-soins
    name: Dossier de soins
    owner: DSI
    hosting: {model: saas, provider: saas-us}
    datasets: [donnees-patients]
datasets:
  - id: donnees-patients
    classification: health
"""


def hostile_folder(tmp_path: Path) -> Path:
    """The shape of ../shared/cases/outputs/'Inventaire DSI': a folder and a file whose names
    hold a space, '&', '#' and a non-ASCII letter."""
    folder = tmp_path / "Inventaire DSI é"
    folder.mkdir()
    (folder / "00 organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    (folder / "soins & urgences #2 100%.yaml").write_text(CARE, encoding="utf-8")
    return folder


def sarif_document(path: Path, cwd: Path | None = None, lang: str = "fr") -> tuple[dict[str, Any], str]:
    loaded = api.load(path).inventory
    rulesets = api.select_rulesets()
    text = ci.sarif(api.assess(loaded, rulesets, lang), path, rulesets, cwd)
    return json.loads(text), text


def assert_sarif_accepted(document: dict[str, Any], tmp_path: Path, name: str = "out.sarif") -> None:
    assert sarif_schema_errors(document) == []
    target = tmp_path / name
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert multitool_errors(target) == []


def resolved(document: dict[str, Any], result: dict[str, Any]) -> Path:
    """Where a result's location points, resolved as SARIF says (§3.4.4: uriBaseId, then uri)."""
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    base = document["runs"][0]["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]
    return Path(unquote(urlparse(urljoin(base, artifact["uri"])).path))


# -- SARIF --------------------------------------------------------------------------------------

def test_sarif_for_a_folder_with_a_space_and_a_hash_is_valid_and_points_at_the_file(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    document, _ = sarif_document(folder)
    assert_sarif_accepted(document, tmp_path)
    results = document["runs"][0]["results"]
    assert results
    for result in results:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "soins%20%26%20urgences%20%232%20100%25.yaml", "uriBaseId": "%SRCROOT%"}
        assert resolved(document, result) == folder / "soins & urgences #2 100%.yaml"
    assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/Inventaire%20DSI%20%C3%A9/")


def test_sarif_paths_start_from_the_working_directory_when_the_inventory_is_under_it(tmp_path: Path) -> None:
    """Code scanning reads relative paths from the repository root (where CI runs) and ignores
    originalUriBaseIds: an inventory under the working directory keeps its path from there."""
    folder = hostile_folder(tmp_path)
    document, _ = sarif_document(folder, cwd=tmp_path)
    assert_sarif_accepted(document, tmp_path)
    for result in document["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "Inventaire%20DSI%20%C3%A9/soins%20%26%20urgences%20%232%20100%25.yaml"
        assert resolved(document, result) == folder / "soins & urgences #2 100%.yaml"


@pytest.mark.skipif(not SHARED_CASES.exists(), reason="../shared/cases/outputs is not there")
def test_sarif_for_the_shared_case_is_accepted(tmp_path: Path) -> None:
    document, _ = sarif_document(SHARED_CASES / "Inventaire DSI")
    assert_sarif_accepted(document, tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"soins%20%26%20urgences%20%232.yaml"}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sarif_of_the_examples_is_accepted(tmp_path: Path, example: Path, lang: str) -> None:
    document, text = sarif_document(example, lang=lang)
    assert_sarif_accepted(document, tmp_path)
    run = document["runs"][0]
    for rule in run["tool"]["driver"]["rules"]:
        # Help text with the references' primary addresses: code scanning shows it on each alert.
        assert rule["help"]["text"] and rule["helpUri"].startswith("https://")
        assert all(ref["url"] in rule["help"]["text"] for ref in rule["properties"]["references"] if "url" in ref)
        assert len(rule["properties"]["tags"]) == len(set(rule["properties"]["tags"])) <= 20
    assert len(run["results"]) <= ci.MAX_RESULTS and len(text.encode()) <= ci.MAX_BYTES
    assert "invocations" not in run, "nothing summarised in a small estate"


def test_sarif_with_hostile_names_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(ORGANISATION.replace("Hôpital d'Exemple", json.dumps(HOSTILE))
                    + CARE.partition("\n")[2].replace("Dossier de soins", json.dumps(HOSTILE)), encoding="utf-8")
    document, _ = sarif_document(path)
    assert_sarif_accepted(document, tmp_path)


def test_an_estate_over_the_limits_keeps_the_most_severe_and_summarises_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: Any) -> None:
    apps = "".join(f"  - {{id: app-{n:02d}, name: App {n}, hosting: {{model: saas, provider: saas-us}}, "
                   f"datasets: [donnees-patients]}}\n" for n in range(12))
    path = tmp_path / "i.yaml"
    path.write_text(ORGANISATION + "applications:\n" + apps + "datasets:\n  - {id: donnees-patients, classification: health}\n",
                    encoding="utf-8")
    full, _ = sarif_document(path)
    total = len(full["runs"][0]["results"])
    monkeypatch.setattr(ci, "MAX_RESULTS", 10)
    document, _ = sarif_document(path)
    assert_sarif_accepted(document, tmp_path)
    run = document["runs"][0]
    listed = [r for r in run["results"] if "bleuAssessFinding/v1" in r["partialFingerprints"]]
    summaries = [r for r in run["results"] if "bleuAssessSummary/v1" in r["partialFingerprints"]]
    assert len(run["results"]) <= 10 and summaries
    assert len(listed) + sum(s["properties"]["count"] for s in summaries) == total, "every finding is counted"
    rank = {"error": 0, "warning": 1, "note": 2}
    worst_left_out = min(rank[s["level"]] for s in summaries)
    assert all(rank[r["level"]] <= worst_left_out for r in listed), "the most severe findings are the ones listed"
    assert str(total) in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    result = runner.invoke(app, ["scan", str(path), "-f", "sarif", "-o", str(tmp_path / "x.sarif"), "--lang", "en"])
    assert result.exit_code == 0 and "summarised" in result.stderr


@pytest.mark.slow
def test_sarif_of_the_10000_application_benchmark_is_accepted_within_the_limits(tmp_path: Path) -> None:
    estate = tmp_path / "estate.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "10000", "-o", str(estate)], check=True)
    target = tmp_path / "estate.sarif"
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "scan", str(estate), "-f", "sarif", "-o", str(target),
                           "--lang", "en"], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    size = target.stat().st_size
    document = json.loads(target.read_text(encoding="utf-8"))
    runs = document["runs"]
    assert len(runs) <= 20 and size <= 10_000_000
    assert len(runs[0]["results"]) <= 5000 and len(runs[0]["tool"]["driver"]["rules"]) <= 25_000
    assert all(len(r["locations"]) <= 1000 for r in runs[0]["results"])
    assert "summarised" in done.stderr
    assert sarif_schema_errors(document) == []
    assert multitool_errors(target) == []


# -- JUnit --------------------------------------------------------------------------------------

JUNIT_CASE = """\
format: bleu-assess/v1
organisation:
  name: Région Île-de-Exemple
  type: local-authority
providers:
  - id: crm-us
    name: Éditeur CRM (société mère américaine)
    headquarters: US
    regions: [FR, IE]
applications:
  - id: relation-usagers
    name: Relation usagers — guichet numérique
    owner: Direction de l'expérience usager
    hosting: {model: saas, provider: crm-us}
    datasets: [dossiers-usagers]
datasets:
  - id: dossiers-usagers
    name: Dossiers des usagers
    classification: personal
"""


def junit_of(runner: Any, path: Path, *options: str) -> bytes:
    result = runner.invoke(app, ["scan", str(path), "-f", "junit", *options])
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes


def test_junit_is_valid_against_jenkins_xunit_schema_and_keeps_the_location(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "junit.yaml"
    path.write_text(JUNIT_CASE, encoding="utf-8")
    xml = junit_of(runner, path, "--fail-on", "low")
    assert junit_errors(xml) == []
    case = next(c for c in ET.fromstring(xml).iter("testcase") if c.get("name", "").startswith("relation-usagers"))
    assert case.find("failure") is not None
    assert case.findtext("system-out") == f"{path}:11"


@pytest.mark.skipif(not (SHARED_CASES / "junit.yaml").exists(), reason="../shared/cases/outputs is not there")
def test_junit_for_the_shared_case_is_valid(runner: Any) -> None:
    assert junit_errors(junit_of(runner, SHARED_CASES / "junit.yaml")) == []


@pytest.mark.parametrize("example", [*EXAMPLES, ROOT / "examples" / "par-service"], ids=lambda p: p.stem)
def test_junit_of_the_examples_is_valid(runner: Any, example: Path) -> None:
    assert junit_errors(junit_of(runner, example)) == []


def test_junit_with_hostile_names_is_valid(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(JUNIT_CASE.replace("Région Île-de-Exemple", json.dumps(HOSTILE))
                    .replace("Relation usagers — guichet numérique", json.dumps(HOSTILE)), encoding="utf-8")
    xml = junit_of(runner, path)
    assert junit_errors(xml) == []
    assert any(HOSTILE in (c.get("name") or "") for c in ET.fromstring(xml).iter("testcase"))
