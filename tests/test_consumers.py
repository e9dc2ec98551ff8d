"""Every output checked by its consumer's own validator: the official SARIF 2.1.0 schema and
Microsoft's SARIF Multitool (with its GitHub code scanning rules), Jenkins xUnit's junit-10.xsd,
Mermaid's parser, openpyxl and Python's csv module. Validators come from tests/_consumers.py."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import pytest
from _consumers import graphviz, junit_errors, mermaid, multitool_errors, sarif_schema_errors
from hypothesis import given
from hypothesis import strategies as st

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.render import ci
from bleu_assess.render.graph_export import mermaid_node_id

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*-exemple.yaml"))
# The issue's small failing inputs, in ../shared beside the clone (CI) or the worktrees' parent.
SHARED_CASES = next((p / "shared" / "cases" / "outputs" for p in (ROOT.parent, ROOT.parent.parent)
                     if (p / "shared" / "cases" / "outputs").exists()), ROOT.parent / "shared" / "cases" / "outputs")
# Names that the hostile corpus throws at every output (tests/hostile/test_hostile_inventories.py).
HOSTILE = ("<img src=x onerror=alert(1)> | a | `b` {{ 7*7 }} {% if true %}J{% endif %} \u202eRTL\u200bZW \"q\" & ]]> "
           "C:\\dossier\\n; %% end")

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


@pytest.mark.parametrize("limit", ["results", "bytes"])
def test_an_estate_over_the_limits_keeps_the_most_severe_and_summarises_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: Any, limit: str) -> None:
    apps = "".join(f"  - {{id: app-{n:02d}, name: App {n}, hosting: {{model: saas, provider: saas-us}}, "
                   f"datasets: [donnees-patients]}}\n" for n in range(12))
    path = tmp_path / "i.yaml"
    path.write_text(ORGANISATION + "applications:\n" + apps + "datasets:\n  - {id: donnees-patients, classification: health}\n",
                    encoding="utf-8")
    full, full_text = sarif_document(path)
    total = len(full["runs"][0]["results"])
    rules = len(full["runs"][0]["tool"]["driver"]["rules"])
    if limit == "results":
        monkeypatch.setattr(ci, "MAX_RESULTS", 10)
    else:  # room for about half of the results, besides what is kept for the summaries
        size = len(full_text.encode())
        monkeypatch.setattr(ci, "MAX_BYTES", size + 2048 * (rules + 1) - size // 2)
    document, text = sarif_document(path)
    assert_sarif_accepted(document, tmp_path)
    run = document["runs"][0]
    listed = [r for r in run["results"] if "bleuAssessFinding/v1" in r["partialFingerprints"]]
    summaries = [r for r in run["results"] if "bleuAssessSummary/v1" in r["partialFingerprints"]]
    assert len(run["results"]) <= ci.MAX_RESULTS and len(text.encode()) <= ci.MAX_BYTES and summaries and listed
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


# -- Mermaid and DOT ----------------------------------------------------------------------------

CLOSE_IDS = """\
format: bleu-assess/v1
organisation: {name: Métropole d'Exemple, type: local-authority}
providers:
  - {id: cloud-fr, name: Cloud FR, headquarters: FR, regions: [FR]}
platforms:  # a landing zone, so that all four move
  - {id: cloud-fr-iaas, provider: cloud-fr, models: [iaas]}
applications:
  - id: portail-agents
    name: Portail des agents (actuel)
    hosting: {model: on-premises}
    datasets: [comptes]
    depends_on: [annuaire]
  - id: portail_agents
    name: Nouveau portail des agents
    hosting: {model: on-premises}
    datasets: [comptes]
    depends_on: [portail.agents]
  - id: portail.agents
    name: Passerelle API du portail
    hosting: {model: on-premises}
    datasets: [comptes]
  - id: annuaire
    name: Annuaire
    hosting: {model: on-premises}
    datasets: [comptes]
datasets:
  - {id: comptes, name: Comptes des agents, classification: internal}
"""


def mermaid_blocks(markdown: str) -> list[str]:
    blocks, inside = [], None
    for line in markdown.splitlines():
        if line.strip() == "```mermaid":
            inside = []
        elif line.strip() == "```" and inside is not None:
            blocks.append("\n".join(inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    return blocks


def parsed_ok(diagrams: list[str]) -> list[dict[str, Any]]:
    parsed = mermaid(diagrams)
    assert [p["error"] for p in parsed if not p["ok"]] == []
    return parsed


def flowcharts(diagrams: list[str]) -> list[dict[str, Any]]:
    """The shapes of the flowcharts among `diagrams` (a plan may hold other diagrams too), all of
    which must parse."""
    return [p["shape"] for p in parsed_ok(diagrams) if p["shape"] is not None]


def app_edges(shape: dict[str, Any]) -> set[tuple[str, str]]:
    """The drawn edges between applications (not those to datasets or offers)."""
    return {(a, b) for a, b, stroke in shape["edges"]
            if stroke != "invisible" and a.startswith("app_") and b.startswith("app_")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ids_differing_by_a_dash_an_underscore_or_a_dot_are_three_nodes(runner: Any, tmp_path: Path, lang: str) -> None:
    path = tmp_path / "ids-proches.yaml"
    path.write_text(CLOSE_IDS, encoding="utf-8")
    plan_md = runner.invoke(app, ["plan", str(path), "--lang", lang]).stdout
    graph = runner.invoke(app, ["graph", str(path)]).stdout
    plan_shape, graph_shape = flowcharts([*mermaid_blocks(plan_md), graph])
    node = {a: mermaid_node_id("application", a) for a in ("portail-agents", "portail_agents", "portail.agents", "annuaire")}
    for shape in (plan_shape, graph_shape):
        assert set(node.values()) <= set(shape["vertices"]), "four applications, four vertices"
        assert all(a != b for a, b in app_edges(shape)), "no false self-loop"
    # plan: the dependency points at its dependent (moves first); graph: the dependent at what it needs.
    assert app_edges(plan_shape) == {(node["annuaire"], node["portail-agents"]),
                                     (node["portail.agents"], node["portail_agents"])}
    assert app_edges(graph_shape) == {(node["portail-agents"], node["annuaire"]),
                                      (node["portail_agents"], node["portail.agents"])}


@pytest.mark.skipif(not (SHARED_CASES / "ids-proches.yaml").exists(), reason="../shared/cases/outputs is not there")
def test_the_shared_close_ids_case_draws_four_vertices(runner: Any) -> None:
    path = SHARED_CASES / "ids-proches.yaml"
    plan_md = runner.invoke(app, ["plan", str(path)]).stdout
    for shape in flowcharts([*mermaid_blocks(plan_md), runner.invoke(app, ["graph", str(path)]).stdout]):
        assert len([v for v in shape["vertices"] if v.startswith("app_")]) == 4
        assert all(a != b for a, b in app_edges(shape))


@given(st.lists(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True), unique=True, max_size=30))
def test_mermaid_ids_are_injective_and_plain(ids: list[str]) -> None:
    made = [mermaid_node_id(kind, i) for kind in ("application", "dataset", "provider", "platform") for i in ids]
    assert len(set(made)) == len(made)
    assert all(m.replace("_", "").isalnum() and m.isascii() and m != "end" for m in made)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plan_waves_are_drawn_in_order_with_a_legend(runner: Any, example: Path, lang: str) -> None:
    plan_md = runner.invoke(app, ["plan", str(example), "--lang", lang]).stdout
    waves = json.loads(runner.invoke(app, ["plan", str(example), "-f", "json", "--lang", lang]).stdout)["waves"]
    blocks = [b for b in mermaid_blocks(plan_md) if b.startswith("flowchart")]
    [shape] = flowcharts(blocks)
    assert shape["direction"] == "TB"
    assert [s["id"] for s in shape["subgraphs"]] == [f"wave{w['number']}" for w in waves]
    chain = [(a, b) for a, b, stroke in shape["edges"] if stroke == "invisible"]
    assert chain == [(f"wave{w['number']}", f"wave{w['number'] + 1}") for w in waves[:-1]], "wave 1 first, then in order"
    for subgraph, wave in zip(shape["subgraphs"], waves):
        assert sorted(subgraph["nodes"]) == sorted(mermaid_node_id("application", a) for a in wave["applications"])
    after = plan_md.split(blocks[0], 1)[1].split("\n\n")[1]
    assert "A → B" in after, "a one-line legend follows the diagram"


@pytest.mark.parametrize("example", [*EXAMPLES, ROOT / "examples" / "par-service"], ids=lambda p: p.stem)
def test_every_mermaid_diagram_of_the_examples_parses(runner: Any, example: Path) -> None:
    diagrams = [runner.invoke(app, ["graph", str(example)]).stdout]
    for command in (["plan"], ["report", "-f", "markdown"]):
        for lang in ("fr", "en"):
            diagrams += mermaid_blocks(runner.invoke(app, [*command, str(example), "--lang", lang]).stdout)
    shapes = flowcharts(diagrams)
    inventory = api.load(example).inventory
    assert len(shapes[0]["vertices"]) == len(api.graph(inventory).graph.nodes)


def test_hostile_names_parse_as_labels(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    # Ids Mermaid could misread: the keyword `end`, and `o`/`x` that end an edge after `--`.
    extra = "".join(f"  - {{id: {i}, name: {i}, hosting: {{model: on-premises}}, datasets: [comptes], "
                    "depends_on: [annuaire]}\n" for i in ("end", "o", "x.x"))
    text = CLOSE_IDS.replace("Annuaire", json.dumps(HOSTILE)).replace("datasets:\n", extra + "datasets:\n")
    path.write_text(text, encoding="utf-8")
    graph = runner.invoke(app, ["graph", str(path)]).stdout
    plan_md = runner.invoke(app, ["plan", str(path)]).stdout
    for shape in flowcharts([graph, *mermaid_blocks(plan_md)]):
        assert len([v for v in shape["vertices"] if v.startswith("app_")]) == 7


@pytest.mark.parametrize("inventory", ["close-ids", "hostile", *[e.stem for e in EXAMPLES]])
def test_graphviz_reads_the_dot_graph(runner: Any, tmp_path: Path, inventory: str) -> None:
    if inventory in ("close-ids", "hostile"):
        path = tmp_path / "i.yaml"
        path.write_text(CLOSE_IDS.replace("Annuaire", json.dumps(HOSTILE) if inventory == "hostile" else "Annuaire"),
                        encoding="utf-8")
    else:
        path = ROOT / "examples" / f"{inventory}.yaml"
    ig = api.graph(api.load(path).inventory)
    drawn = graphviz(runner.invoke(app, ["graph", str(path), "-f", "dot"]).stdout)
    assert drawn["nodes"] == {n: str(ig.graph.nodes[n]["label"]) for n in ig.graph.nodes}, "every name shown as written"
    assert drawn["edges"] == ig.graph.number_of_edges()
    assert "A → B" in drawn["label"]


# -- CSV and workbooks --------------------------------------------------------------------------

# A French estate whose names need quoting, accents, a formula-looking owner and fractional effort.
SPREADSHEET_CASE = """\
format: bleu-assess/v1
organisation: {name: Mairie d'Égletons, country: FR, type: local-authority}
providers:
  - {id: us-saas, name: US SaaS, headquarters: US, regions: [IE]}
  - {id: cloud-fr, name: Cloud FR, headquarters: FR, regions: [FR], qualifications: [secnumcloud-3.2]}
platforms:  # a landing zone for each application (held ones have no effort or wave in the CSV)
  - {id: cloud-fr-snc, provider: cloud-fr, models: [iaas, paas, saas], services: [mail]}
applications:
  - id: finances
    name: "Gestion financière; budget, « paie »"
    owner: "-équipe"
    effort: 25.5
    hosting: {model: on-premises}
    datasets: [budget]
  - id: messagerie
    name: "=HYPERLINK(\\"http://x\\")"
    owner: "@finances"
    hosting: {model: saas, provider: us-saas}
    service: mail
    datasets: [courriels]
    depends_on: [finances]
  - id: hostile
    name: HOSTILE_NAME
    hosting: {model: on-premises}
datasets:
  - {id: budget, name: Budget, classification: internal}
  - {id: courriels, name: Courriels, classification: sensitive}
"""
FRENCH_EXCEL = {"encoding": "utf-8-sig", "delimiter": ";"}
SPREADSHEET_CASE = SPREADSHEET_CASE.replace("HOSTILE_NAME", json.dumps(HOSTILE))
READERS = {  # how each dialect is read back: the spreadsheet's own import settings
    "excel-fr": FRENCH_EXCEL,
    "excel": {"encoding": "utf-8-sig", "delimiter": ","},
    "rfc4180": {"encoding": "utf-8", "delimiter": ","},
}


def excel_decode(data: bytes) -> str:
    """As Excel decodes a CSV file it opens: UTF-8 when it starts with a byte-order mark, else
    the Windows code page (cp1252 in France), which turns 'é' into 'Ã©'."""
    return data[3:].decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp1252", errors="replace")


def csv_outputs(runner: Any, tmp_path: Path, dialect: str | None) -> dict[str, bytes]:
    path = tmp_path / "mairie.yaml"
    path.write_text(SPREADSHEET_CASE, encoding="utf-8")
    before = tmp_path / "before.yaml"
    before.write_text(SPREADSHEET_CASE.replace("{model: saas, provider: us-saas}", "{model: on-premises}"), encoding="utf-8")
    option = ["--csv-dialect", dialect] if dialect else []
    out: dict[str, bytes] = {}
    for name, args in {"plan": ["plan", str(path), "-f", "csv"], "scan": ["scan", str(path), "-f", "csv"],
                       "diff": ["diff", str(before), str(path), "-f", "csv"], "fit": ["fit", str(path), "-f", "csv"]}.items():
        result = runner.invoke(app, [*args, *option])
        assert result.exit_code == 0, result.output
        out[name] = result.stdout_bytes
    target = tmp_path / "constats.csv"
    result = runner.invoke(app, ["export", "findings", str(path), "-o", str(target), *option])
    assert result.exit_code == 0, result.output
    out["findings"] = target.read_bytes()
    return out


def test_plan_csv_opened_by_french_excel_has_one_column_per_field_and_intact_accents(runner: Any, tmp_path: Path) -> None:
    data = csv_outputs(runner, tmp_path, None)["plan"]  # French organisation: excel-fr by default
    text = excel_decode(data)
    rows = list(csv.reader(io.StringIO(text), delimiter=";", strict=True))
    header = rows[0]
    assert header[:3] == ["application", "nom", "responsable"], "headers in the organisation's language"
    assert all(len(row) == len(header) for row in rows), "one column per field"
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert by_id["finances"]["nom"] == "Gestion financière; budget, « paie »" and "Ã" not in text
    assert by_id["finances"]["charge (jours-homme)"] == "25,5", "a decimal comma, as French Excel reads numbers"
    assert by_id["messagerie"]["responsable"] == "'@finances", "CSV guards what a spreadsheet would run"
    assert by_id["messagerie"]["nom"].startswith("'=") and by_id["finances"]["responsable"] == "'-équipe"
    assert by_id["hostile"]["nom"] == HOSTILE, "names are data, whatever they hold"


def test_the_scan_csv_keeps_the_results_codes_for_programs_while_the_plan_csv_speaks_french(runner: Any,
                                                                                            tmp_path: Path) -> None:
    outputs = csv_outputs(runner, tmp_path, None)  # French organisation: excel-fr for both (docs/results.md)
    scan = list(csv.DictReader(io.StringIO(excel_decode(outputs["scan"])), delimiter=";"))
    assert list(scan[0])[:4] == ["id", "kind", "name", "readiness"], "the results JSON's field names"
    assert {row["readiness"] for row in scan} <= {"ready", "ready-with-conditions", "not-ready", "unknown"}
    plan = list(csv.DictReader(io.StringIO(excel_decode(outputs["plan"])), delimiter=";"))
    assert list(plan[0])[:3] == ["application", "nom", "responsable"]
    assert {row["préparation"] for row in plan} <= {"Prêt", "Prêt sous conditions", "Non prêt", "Indéterminé"}


@pytest.mark.parametrize("dialect", ["excel-fr", "excel", "rfc4180"])
def test_every_csv_is_read_back_by_the_csv_module_in_its_dialect(runner: Any, tmp_path: Path, dialect: str) -> None:
    reader = READERS[dialect]
    for name, data in csv_outputs(runner, tmp_path, dialect).items():
        assert data.startswith(b"\xef\xbb\xbf") == (dialect != "rfc4180"), name
        text = data.decode(reader["encoding"])
        assert "\r\n" in text and not text.replace("\r\n", "").count("\r"), "records end with CRLF"
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=reader["delimiter"], strict=True))
        assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), (name, rows)
        cells = [cell for row in rows[1:] for cell in row]
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), "formulas are guarded in every dialect"
        if name == "plan":
            effort = {row[0]: row[rows[0].index("charge (jours-homme)")] for row in rows[1:]}  # a French organisation
            assert effort["finances"] == ("25,5" if dialect == "excel-fr" else "25.5")


def test_an_unknown_dialect_is_refused(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "mairie.yaml"
    path.write_text(SPREADSHEET_CASE, encoding="utf-8")
    result = runner.invoke(app, ["plan", str(path), "-f", "csv", "--csv-dialect", "excel-de"])
    assert result.exit_code == 2 and "excel-fr" in result.output


def test_workbook_cells_are_text_as_written_without_a_quote(runner: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "mairie.yaml"
    path.write_text(SPREADSHEET_CASE, encoding="utf-8")
    target = tmp_path / "constats.xlsx"
    assert runner.invoke(app, ["export", "findings", str(path), "-o", str(target)]).exit_code == 0
    sheet = load_workbook(target).worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c for c in row))) for row in sheet.iter_rows(min_row=2)]
    owner, name = header.index("responsable"), header.index("nom")  # a French organisation
    owner, name = header[owner], header[name]
    owners = {r[owner].value for r in rows}
    assert "@finances" in owners and not any(str(o).startswith("'") for o in owners)
    formula_like = next(r[name] for r in rows if str(r[name].value).startswith("="))
    assert formula_like.value == '=HYPERLINK("http://x")' and formula_like.data_type == "s", "text, never a formula"
    assert formula_like.quotePrefix, "Excel's own 'text, not formula' flag"
