"""Every kind of bad inventory gets every error at once, each as FILE:LINE:COL: field.path: message,
exit code 2 and no traceback — through the CLI runner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app
from bleu_assess.errors import InventoryError
from bleu_assess.inventory import model
from bleu_assess.inventory.labels import code_for_word
from bleu_assess.inventory.load import load_inventory
from bleu_assess.inventory.schema import INVENTORY, Spec

HEAD = "format: bleu-assess/v1\norganisation:\n  name: Test\n"
APP = "applications:\n  - id: app\n    name: App\n    hosting: {model: on-premises}\n    datasets: [data]\n"
DATA = "datasets:\n  - id: data\n    name: Data\n    classification: internal\n"


def errors_of(path: Path) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    return [d.format() for d in caught.value.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("text, expected", [
    ("format: bleu-assess/v1\norganisation: {name: [unclosed\n", ":2:22: YAML syntax error"),
    (HEAD + "  name: Again\n", ":4:3: organisation.name: duplicate key 'name'"),
    (HEAD + APP.replace("name: App", "name: App\n    users: many") + DATA,
     ":7:12: applications[0].users: expected a whole number, got a string"),
    (HEAD + APP.replace("name: App", "name: App\n    critically: high") + DATA,
     ":7:5: applications[0].critically: unknown field 'critically' (did you mean 'criticality'?)"),
    (HEAD + APP.replace("name: App", "name: App\n    criticality: vitale") + DATA,
     ":7:18: applications[0].criticality: unknown value 'vitale' (did you mean 'vital'?)"),
    # A value written as its label, in French or English, names the code it meant.
    (HEAD + APP + DATA.replace("classification: internal", "classification: Santé"),
     ":12:21: datasets[0].classification: unknown value 'Santé' (did you mean 'health'?)"),
    (HEAD + APP.replace("{model: on-premises}", "{model: sur site}") + DATA,
     ":7:22: applications[0].hosting.model: unknown value 'sur site' (did you mean 'on-premises'?)"),
    # A French word clients type for a code, or a code in capitals, names the code it meant.
    (HEAD + APP.replace("name: App", "name: App\n    criticality: haute") + DATA,
     ":7:18: applications[0].criticality: unknown value 'haute' (did you mean 'high'?)"),
    (HEAD + APP.replace("name: App", "name: App\n    criticality: Très Élevée") + DATA,
     ":7:18: applications[0].criticality: unknown value 'Très Élevée' (did you mean 'vital'?)"),
    (HEAD + APP.replace("name: App", "name: App\n    strategy: conserver") + DATA,
     ":7:15: applications[0].strategy: unknown value 'conserver' (did you mean 'retain'?)"),
    (HEAD + APP.replace("name: App", "name: App\n    strategy: REHOST") + DATA,
     ":7:15: applications[0].strategy: unknown value 'REHOST' (did you mean 'rehost'?)"),
    (HEAD + APP.replace("{model: on-premises}", "{model: On Premises}") + DATA,
     ":7:22: applications[0].hosting.model: unknown value 'On Premises' (did you mean 'on-premises'?)"),
    (HEAD + APP.replace("name: App", "name: App\n    effort: m") + DATA,
     ":7:13: applications[0].effort: unknown effort 'm' (did you mean 'M'?)"),
    (HEAD + APP + "  - id: app\n    name: Twice\n" + DATA, ":9:9: applications[1].id: duplicate application id 'app'"),
    (HEAD + APP.replace("{model: on-premises}", "{model: saas, provider: nowhere}") + DATA,
     ":7:38: applications[0].hosting.provider: unknown provider 'nowhere'"),
    (HEAD + APP.replace("datasets: [data]", "datasets: [dta]") + DATA,
     ":8:16: applications[0].datasets[0]: unknown dataset 'dta' (did you mean 'data'?)"),
    (HEAD + APP.replace("datasets: [data]", "datasets: [data]\n    depends_on: [ghost]") + DATA,
     ":9:18: applications[0].depends_on[0]: unknown application 'ghost'"),
    (HEAD + APP + DATA + "flows:\n  - {from: app, to: elsewhere, datasets: [data]}\n",
     ":14:21: flows[0].to: unknown application 'elsewhere'"),
    (HEAD + APP + DATA + "flows:\n  - {from: app, to: app, datasets: [nothing]}\n",
     ":14:37: flows[0].datasets[0]: unknown dataset 'nothing'"),
    (HEAD + "providers:\n  - {id: p, subprocessors: [q]}\n" + APP + DATA,
     ":5:29: providers[0].subprocessors[0]: unknown provider 'q'"),
    (HEAD + "platforms:\n  - {id: pl, provider: q, models: [iaas]}\n" + APP + DATA,
     ":5:24: platforms[0].provider: unknown provider 'q'"),
    (HEAD + APP.replace("    name: App\n", "") + DATA, ":5:5: applications[0]: missing required field 'name'"),
    (HEAD.replace("v1", "v3") + APP + DATA,
     ":1:9: format: unsupported format version 'bleu-assess/v3': this version of bleu-assess reads bleu-assess/v2, "
     "bleu-assess/v1"),
    ("- just\n- a list\n", ":1:1: the top level must be a mapping"),
    ("", ":1:1: empty file"),
    (HEAD + APP.replace("hosting: {model: on-premises}", "hosting: {model: saas}") + DATA,
     ":7:14: applications[0].hosting: missing required field 'provider' (required when the model is saas, unless 'platform' names the offer)"),
    (HEAD + APP.replace("id: app", "id: App_1") + DATA, ":5:9: applications[0].id: invalid id 'App_1'"),
    (HEAD + "  country: fr\n" + APP + DATA, ":4:12: organisation.country: invalid country code 'fr'"),
    (HEAD + APP + DATA.replace("classification: internal", "classification: internal\n    volume_gb: -3"),
     ":13:16: datasets[0].volume_gb: must be at least 0, got -3"),
])
def test_each_error_is_located(write_inventory: Any, text: str, expected: str) -> None:
    path = write_inventory(text)
    messages = errors_of(path)
    assert any(m.startswith(str(path)) and expected in m for m in messages), messages


def test_all_errors_are_reported_at_once_sorted(write_inventory: Any) -> None:
    text = HEAD + APP.replace("name: App", "name: App\n    criticality: huge\n    wave: zero") + DATA.replace(
        "internal", "secret")
    messages = errors_of(write_inventory(text))
    assert len(messages) == 3
    lines = [int(m.split(":")[1]) for m in messages]
    assert lines == sorted(lines)


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes((HEAD + "  country: FR\n").encode() + "  type: \xe9tat\n".encode("latin-1"))
    assert any(":5:9: not valid UTF-8 (byte 0xe9)" in m for m in errors_of(path))


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    messages = errors_of(path)
    assert time.monotonic() - started < 5, "answered quickly"
    assert any("alias bomb" in m for m in messages)


def test_norway_stays_a_country(write_inventory: Any) -> None:
    path = write_inventory(HEAD + "providers:\n  - {id: p, headquarters: NO, regions: [NO, SE]}\n" + APP + DATA)
    provider = load_inventory(path).inventory.providers[0]
    assert provider.headquarters == "NO" and provider.regions == ("NO", "SE")


def test_json_inventories_are_accepted(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(yaml.safe_load(HEAD + APP + DATA)), encoding="utf-8")
    assert load_inventory(path).inventory.applications[0].id == "app"


def test_warnings_for_suspicious_but_valid_input(write_inventory: Any) -> None:
    text = (HEAD + "applications:\n  - id: app\n    name: App\n    hosting: {model: on-premises}\n"
            "    datasets: [health]\n    depends_on: [app]\n"
            "datasets:\n  - {id: health, classification: health}\n  - {id: orphan, classification: public}\n"
            "flows:\n  - {from: app, to: app, datasets: [health]}\n")
    warnings = [d.format() for d in load_inventory(write_inventory(text)).warnings]
    assert any("applications[0].depends_on[0]: application 'app' depends on itself" in w for w in warnings)
    assert any("applications[0]: application 'app' holds health data and has no owner" in w for w in warnings)
    assert any("datasets[1]: dataset 'orphan' is held by no application" in w for w in warnings)
    assert any("flows[0]: flow from 'app' to itself" in w for w in warnings)


def test_an_application_depending_on_itself_is_in_no_dependency_cycle(write_inventory: Any) -> None:
    from bleu_assess.inventory.graph import build_graph

    app = "  - {{id: {0}, name: {0}, hosting: {{model: on-premises}}, depends_on: [{1}]}}\n"
    text = HEAD + "applications:\n" + app.format("a", "a, b") + app.format("b", "a") + app.format("c", "c")
    inventory = load_inventory(write_inventory(text)).inventory
    assert build_graph(inventory).dependency_cycles() == [["a", "b"]]


def test_directory_inventories_merge_and_name_the_right_file(tmp_path: Path) -> None:
    root = tmp_path / "estate"
    root.mkdir()
    (root / "00-org.yaml").write_text(HEAD + DATA, encoding="utf-8")
    (root / "apps.yaml").write_text("format: bleu-assess/v1\n" + APP, encoding="utf-8")
    loaded = load_inventory(root)
    assert [a.id for a in loaded.inventory.applications] == ["app"] and len(loaded.inventory.files) == 2
    (root / "more.yaml").write_text("format: bleu-assess/v1\norganisation: {name: Other}\n"
                                    "applications:\n  - {id: app2, name: B, depends_on: [nope]}\n", encoding="utf-8")
    messages = errors_of(root)
    assert any(m.startswith(str(root / "more.yaml") + ":2:1: organisation: organisation is already declared") for m in messages)
    assert any(m.startswith(str(root / "more.yaml") + ":4:38: applications[0].depends_on[0]: unknown application 'nope'")
               for m in messages)


def test_validate_cli_exit_codes(runner: Any, write_inventory: Any) -> None:
    good = runner.invoke(app, ["validate", str(write_inventory(HEAD + APP + DATA, "good.yaml")), "--lang", "en"])
    assert good.exit_code == 0 and "valid inventory" in good.output and "Applications: 1" in good.output
    bad = runner.invoke(app, ["validate", str(write_inventory(HEAD.replace("v1", "v9"), "bad.yaml")), "--lang", "en"])
    assert bad.exit_code == 2 and "bad.yaml:1:9: format: unsupported format version" in bad.output
    missing = runner.invoke(app, ["validate", "does-not-exist.yaml"])
    assert missing.exit_code == 2 and "does-not-exist.yaml: no such file or directory" in missing.output


def test_validate_as_a_real_process(write_inventory: Any) -> None:
    path = write_inventory(HEAD + APP.replace("model: on-premises", "model: cloud") + DATA)
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "validate", str(path), "--lang", "en"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}:7:22: applications[0].hosting.model: unknown value 'cloud'" in done.stderr


def test_help_does_not_import_networkx_or_jinja2() -> None:
    code = ("import sys; sys.argv = ['bleu-assess', '--help']\nfrom bleu_assess.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('networkx', 'jinja2', 'yaml') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY ['yaml']" in done.stdout or "HEAVY []" in done.stdout, done.stdout[-300:]


def test_version_graph_schema_and_init(runner: Any, write_inventory: Any, tmp_path: Path) -> None:
    from bleu_assess import __version__

    assert runner.invoke(app, ["--version"]).output.strip() == f"bleu-assess {__version__}"
    path = write_inventory(HEAD + APP + DATA + "flows:\n  - {from: app, to: app, datasets: [data]}\n")
    mermaid = runner.invoke(app, ["graph", str(path)])
    assert mermaid.exit_code == 0 and mermaid.stdout.startswith("---\ntitle: ") and "\nflowchart LR\n" in mermaid.stdout
    dot = runner.invoke(app, ["graph", str(path), "--format", "dot", "--focus", "data", "--depth", "1"])
    assert dot.exit_code == 0 and '"dataset:data"' in dot.stdout and "application:app" in dot.stdout
    document = json.loads(runner.invoke(app, ["graph", str(path), "--format", "json"]).stdout)
    assert {n["id"] for n in document["nodes"]} == {"application:app", "dataset:data"}
    assert runner.invoke(app, ["graph", str(path), "--focus", "nope"]).exit_code == 2
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["properties"]["format"]["enum"] == ["bleu-assess/v2", "bleu-assess/v1"]
    target = tmp_path / "new.yaml"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    assert load_inventory(target).inventory.applications
    again = runner.invoke(app, ["init", str(target), "--lang", "en"])
    assert again.exit_code == 2 and "never overwrites" in again.output


def test_examples_validate_against_the_published_json_schema() -> None:
    import jsonschema

    from bleu_assess.inventory import yamlio
    from bleu_assess.inventory.schema import json_schema

    root = Path(__file__).resolve().parent.parent / "examples"
    files = sorted(root.rglob("*.yaml"))
    assert files
    for file in files:  # read as YAML 1.2, as the tool and yaml-language-server do: dates stay text
        jsonschema.validate(yamlio.parse(file.read_text(encoding="utf-8"), str(file)), json_schema())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_init_names_its_file_and_writes_the_schema_its_editor_line_points_at(runner: Any, tmp_path: Path,
                                                                              lang: str) -> None:
    import jsonschema

    from bleu_assess.inventory import yamlio

    target = tmp_path / "hopital.yaml"
    assert runner.invoke(app, ["init", str(target), "--lang", lang]).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "validate hopital.yaml" in text and "scan hopital.yaml" in text
    line = text.splitlines()[0]
    assert line == "# yaml-language-server: $schema=./bleu-assess-inventory.schema.json"
    schema = json.loads((tmp_path / "bleu-assess-inventory.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yamlio.parse(text, str(target)), schema)
    # A schema already there (the user's, or another inventory's) is left as it is.
    (tmp_path / "bleu-assess-inventory.schema.json").write_text("{}", encoding="utf-8")
    assert runner.invoke(app, ["init", str(tmp_path / "autre.yaml"), "--lang", lang]).exit_code == 0
    assert (tmp_path / "bleu-assess-inventory.schema.json").read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize("fastcheck", ["off", "always"])
def test_a_country_code_must_name_a_country(write_inventory, runner, monkeypatch, fastcheck: str) -> None:
    # A Région's client wrote « EU » for « in Europe », « UK » for the United Kingdom and a
    # placeholder « XX »: each has the shape of a code, none is a country. Read as countries
    # outside the EEA they made every transfer finding fire (domains trial); they are refused.
    monkeypatch.setenv("BLEU_ASSESS_FASTCHECK", fastcheck)
    path = write_inventory({
        "format": "bleu-assess/v2", "organisation": {"name": "Région", "country": "FR", "type": "local-authority"},
        "providers": [{"id": "p1", "kind": "commercial", "headquarters": "FR", "regions": ["EU", "FR"]},
                      {"id": "p2", "kind": "commercial", "headquarters": "UK", "regions": ["XX"]}],
        "applications": [{"id": "a1", "name": "A1", "hosting": {"model": "saas", "provider": "p1"}, "datasets": ["d"]}],
        "datasets": [{"id": "d", "classification": "personal"}]})
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert "providers[0].regions[0]: 'EU' is no country's ISO 3166-1 alpha-2 code" in result.output
    assert "providers[1].headquarters: 'UK' is no country's" in result.output and "(did you mean 'GB'?)" in result.output
    assert "providers[1].regions[0]: 'XX'" in result.output
    assert "3 errors" in result.output


# Fields whose codes are identifiers, not words anyone translates: a qualification milestone
# (J0…J3), an HDS referential's year, a text's reference (circ-6404-r9).
IDENTIFIER_CODES = {"milestone", "hds_referential", "basis"}


def _enumerated(spec: Spec, name: str = "") -> Iterator[tuple[str, tuple[str, ...]]]:
    if spec.enum and all(isinstance(code, str) for code in spec.enum):
        yield name, spec.enum
    for key, child in spec.fields.items():
        yield from _enumerated(child, key)
    if spec.item is not None:
        yield from _enumerated(spec.item, name)


def _french_words(codes: tuple[str, ...]) -> dict[str, set[str]]:
    """code -> the French labels of the values catalogue and the words of value_synonyms.yaml
    that a vocabulary covering all of `codes` gives it."""
    import yaml

    from bleu_assess.inventory.labels import SYNONYMS
    from bleu_assess.render.i18n import catalogue

    words: dict[str, set[str]] = {}
    tables: dict[str, dict[str, str]] = {}
    for key, text in catalogue("fr").items():
        if key.startswith("values.") and isinstance(text, str):
            vocabulary, code = key.removeprefix("values.").split(".", 1)
            tables.setdefault(vocabulary, {})[code] = text
    for table in tables.values():
        if set(codes) <= set(table):
            for code in codes:
                words.setdefault(code, set()).add(table[code])
    for vocabulary in yaml.safe_load(SYNONYMS.read_text(encoding="utf-8")).values():
        if set(vocabulary) <= set(codes):
            for code, said in vocabulary.items():
                words.setdefault(code, set()).update(map(str, said))
    return words


def test_every_enumerated_field_names_the_code_meant_by_a_word_in_french_or_in_capitals() -> None:
    # The validator accepts codes only; a value written as a person says it gets the code named.
    checked = 0
    for name, codes in _enumerated(INVENTORY):
        if name in IDENTIFIER_CODES:
            continue
        codes = tuple(c for c in codes if c not in model.RETIRED_VALUES)  # read, never suggested (v1 `sensitive`)
        words = _french_words(codes)
        for code in codes:
            assert code_for_word(code.upper(), codes) == code, (name, code)
            assert words.get(code), f"{name}: no French word names {code!r} (values catalogue or value_synonyms.yaml)"
            for word in words[code]:
                assert code_for_word(word, codes) == code, (name, word)
                assert code_for_word(strip_accents(word).upper(), codes) == code, (name, word)
                checked += 1
    assert checked > 100


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def test_a_retired_v1_value_is_never_suggested_in_a_v2_inventory(tmp_path: Path) -> None:
    # « sensible » is the CNIL's word for GDPR art. 9 data: the v2 class special-category, not the
    # v1 `sensitive` the format replaced (which the validator then refuses in v2).
    path = tmp_path / "i.yaml"
    path.write_text("format: bleu-assess/v2\norganisation: {name: T, type: local-authority}\n"
                    "applications:\n  - {id: a, name: A, datasets: [d]}\n"
                    "datasets:\n  - {id: d, classification: sensible}\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    (message,) = [d.format() for d in caught.value.diagnostics if d.severity == "error"]
    assert "special-category" in message and "sensitive" not in message, message
