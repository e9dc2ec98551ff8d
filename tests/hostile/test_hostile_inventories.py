"""The hostile-input corpus for inventories: every broken or malicious file is refused with
FILE:LINE:COL: field.path: message, exit code 2, no traceback; the worst ones as real processes
under a memory cap and a timeout."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _hostile import APP, DATA, HEAD, VALID, app_with, assert_process_refused, assert_refused, invoke, run

from bleu_assess.errors import InventoryError
from bleu_assess.inventory.load import load_inventory


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


# (case, file name, content, fragments the message must hold; {f} is the file's path)
CASES: list[tuple[str, str, Callable[[], str | bytes], list[str]]] = [
    ("alias-bomb", "i.yaml", _alias_bomb, ["{f}:1:1: YAML aliases expand to", "alias bomb"]),
    ("recursive-alias-in-extra", "i.yaml", lambda: app_with("    extra: &x {self: *x}\n"),
     ["{f}:7:12: recursive YAML alias"]),
    ("deep-flow-nesting", "i.yaml", lambda: "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
     ["{f}:1:", "nesting depth"]),
    ("deep-block-nesting", "i.yaml",
     lambda: app_with("    extra:\n" + "".join(" " * (6 + i) + f"k{i}:\n" for i in range(1500))),
     ["{f}:", "nesting depth"]),
    ("deep-free-data", "i.yaml", lambda: app_with("    extra: " + "[" * 100 + "]" * 100 + "\n"),
     ["{f}:7:", "applications[0].extra[0]", "nested more than 64 levels deep"]),
    ("deep-json", "i.json", lambda: '{"x": ' + "[" * 200_000 + "]" * 200_000 + "}", ["{f}: nesting too deep"]),
    ("duplicate-key", "i.yaml", lambda: HEAD + "  name: Again\n" + APP + DATA,
     ["{f}:4:3: organisation.name: duplicate key 'name'"]),
    ("duplicate-key-deep", "i.yaml", lambda: app_with("    hosting: {model: saas}\n"),
     ["{f}:8:5: applications[0].hosting: duplicate key 'hosting'"]),
    ("duplicate-key-json", "i.json", lambda: '{"format": "bleu-assess/v1",\n "format": "bleu-assess/v1"}',
     ["{f}:2:2: format: duplicate key 'format'"]),
    ("non-utf8", "i.yaml", lambda: VALID.encode() + "    location: \xe9\n".encode("latin-1"),
     ["{f}:13:15: not valid UTF-8 (byte 0xe9)"]),
    ("utf16", "i.yaml", lambda: VALID.encode("utf-16"), ["{f}:1:1: not valid UTF-8 (byte 0xff)"]),
    ("nul-byte", "i.yaml", lambda: (HEAD + "  type: a\0b\n").encode(), ["{f}:4:10: NUL byte"]),
    ("empty", "i.yaml", lambda: "", ["{f}:1:1: empty file"]),
    ("only-comments", "i.yaml", lambda: "# nothing here\n\n", ["{f}:1:1: empty file"]),
    ("root-list", "i.yaml", lambda: "- format: bleu-assess/v1\n", ["{f}:1:1: the top level must be a mapping", "a list"]),
    ("root-scalar", "i.yaml", lambda: "42\n", ["{f}:1:1: the top level must be a mapping", "a number"]),
    ("root-string", "i.yaml", lambda: "hello\n", ["{f}:1:1: the top level must be a mapping", "a string"]),
    ("root-list-json", "i.json", lambda: "[1, 2]", ["{f}:1:1: the top level must be a mapping"]),
    ("several-documents", "i.yaml", lambda: VALID + "---\nformat: bleu-assess/v1\n", ["{f}:13:1: YAML syntax error: but found another document"]),
    ("python-tag", "i.yaml", lambda: app_with("    owner: !!python/object/apply:os.system [id]\n"),
     ["{f}:7:12: applications[0].owner: invalid YAML value: could not determine a constructor", "python/object/apply"]),
    ("binary-tag", "i.yaml", lambda: app_with("    owner: !!binary aGVsbG8=\n"),
     ["{f}:7:12: applications[0].owner: expected a string, got bytes"]),
    ("unhashable-key", "i.yaml", lambda: app_with("    ? [a, b]\n    : 1\n"), ["{f}:7:", "unhashable key"]),
    ("tab-indentation", "i.yaml", lambda: HEAD + "\tcountry: FR\n", ["{f}:4:1: tab character: YAML indents with spaces only"]),
    # ids are restricted: markup and invisible characters never reach any output.
    ("id-html", "i.yaml", lambda: VALID.replace("id: app", "id: '<img src=x onerror=alert(1)>'"),
     ["{f}:5:9: applications[0].id: invalid id '<img src=x onerror=alert(1)>'"]),
    ("id-pipe", "i.yaml", lambda: VALID.replace("id: data", "id: 'a|b'"), ["{f}:10:9: datasets[0].id: invalid id 'a|b'"]),
    ("id-backtick", "i.yaml", lambda: VALID.replace("id: app", "id: 'a`b'"), ["applications[0].id: invalid id 'a`b'"]),
    ("id-jinja", "i.yaml", lambda: VALID.replace("id: app", "id: '{{ 7*7 }}'"),
     ["applications[0].id: invalid id '{{ 7*7 }}'"]),
    ("id-jinja-block", "i.yaml", lambda: VALID.replace("id: app", "id: '{% raw %}'"), ["invalid id '{% raw %}'"]),
    ("id-right-to-left", "i.yaml", lambda: VALID.replace("id: app", 'id: "app\\u202egnp"'),
     ["applications[0].id: invalid id 'app<U+202E>gnp'"]),
    ("id-zero-width", "i.yaml", lambda: VALID.replace("id: app", 'id: "ap\\u200bp"'),
     ["applications[0].id: invalid id 'ap<U+200B>p'"]),
    ("name-escape-sequence", "i.yaml", lambda: VALID.replace("name: App", 'name: "\\e[2J\\e[31mFAKE"'),
     ["{f}:6:11: applications[0].name: control character U+001B is not allowed"]),
    ("name-csi", "i.yaml", lambda: VALID.replace("name: App", 'name: "a\\x9b31mb"'), ["control character U+009B"]),
    ("name-line-break", "i.yaml", lambda: VALID.replace("name: App", 'name: "a\\n# heading"'),
     ["{f}:6:11: applications[0].name: line break in a one-line field"]),
    ("value-right-to-left-shown", "i.yaml", lambda: app_with('    criticality: "high\\u202e"\n'),
     ["{f}:7:18: applications[0].criticality: unknown value 'high<U+202E>'"]),
    # References.
    ("dangling-dependency", "i.yaml", lambda: app_with("    depends_on: [ghost]\n"),
     ["{f}:7:18: applications[0].depends_on[0]: unknown application 'ghost'"]),
    ("dangling-flow", "i.yaml", lambda: VALID + "flows:\n  - {from: app, to: nowhere, datasets: [data]}\n",
     ["{f}:14:21: flows[0].to: unknown application 'nowhere'"]),
    ("dangling-dataset", "i.yaml", lambda: VALID.replace("datasets: [data]", "datasets: [dta]"),
     ["applications[0].datasets[0]: unknown dataset 'dta' (did you mean 'data'?)"]),
    ("dangling-subprocessor", "i.yaml", lambda: VALID + "providers:\n  - {id: p, subprocessors: [p, q]}\n",
     ["providers[0].subprocessors[1]: unknown provider 'q'"]),
    ("id-shared-by-kinds", "i.yaml", lambda: VALID.replace("id: data", "id: app").replace("[data]", "[app]"),
     ["datasets[0].id: id 'app' is used by both an application and a dataset"]),
    # Absurd numbers.
    ("negative-volume", "i.yaml", lambda: VALID + "    volume_gb: -3\n", ["{f}:13:16: datasets[0].volume_gb: must be at least 0, got -3"]),
    ("nan-volume", "i.yaml", lambda: VALID + "    volume_gb: .nan\n", ["datasets[0].volume_gb: expected a finite number, got nan"]),
    ("infinite-volume", "i.yaml", lambda: VALID + "    volume_gb: 1e309\n",
     ["{f}:13:16: datasets[0].volume_gb: expected a finite number, got inf"]),
    ("huge-volume", "i.yaml", lambda: VALID + "    volume_gb: 1.7e308\n", ["datasets[0].volume_gb: must be at most"]),
    ("400-digit-users", "i.yaml", lambda: app_with("    users: -" + "9" * 400 + "\n"),
     ["{f}:7:12: applications[0].users: must be at least 0, got a negative number of 400 digits"]),
    ("5000-digit-users", "i.yaml", lambda: app_with("    users: " + "9" * 5000 + "\n"),
     ["{f}:7:12: applications[0].users: number with 5,000 digits is out of range"]),
    ("5000-digit-json", "i.json", lambda: '{"format": "bleu-assess/v1",\n "x": ' + "9" * 5000 + "}",
     ["{f}:2:7: x: number out of range"]),
    ("nan-json", "i.json", lambda: '{"format": "bleu-assess/v1",\n "x": NaN}', ["{f}:2:7: x: NaN is not a valid number"]),
    ("huge-wave", "i.yaml", lambda: app_with("    wave: " + "9" * 400 + "\n"), ["applications[0].wave: must be at most 1000"]),
    ("huge-effort", "i.yaml", lambda: app_with("    effort: 1e300\n"), ["applications[0].effort: must be at most"]),
    ("negative-effort", "i.yaml", lambda: app_with("    effort: -1\n"), ["applications[0].effort: must be at least 0"]),
    ("percentage-over-100", "i.yaml",
     lambda: VALID + "providers:\n  - id: p\n    ownership: {largest_non_eu_pct: 250}\n",
     ["providers[0].ownership.largest_non_eu_pct: must be at most 100"]),
    ("boolean-as-number", "i.yaml", lambda: app_with("    users: true\n"), ["applications[0].users: expected a whole number, got a boolean"]),
    # Format versions.
    ("format-v3", "i.yaml", lambda: VALID.replace("v1", "v3"), ["{f}:1:9: format: unsupported format version 'bleu-assess/v3'"]),
    ("format-v0", "i.yaml", lambda: VALID.replace("v1", "v0"), ["unsupported format version 'bleu-assess/v0'"]),
    ("format-minor", "i.yaml", lambda: VALID.replace("v1", "v1.1"), ["unsupported format version 'bleu-assess/v1.1'"]),
    ("format-number", "i.yaml", lambda: VALID.replace("bleu-assess/v1", "1"), ["{f}:1:9: format: unknown format 1"]),
    ("format-other-tool", "i.yaml", lambda: VALID.replace("bleu-assess/v1", "openapi/3"), ["unknown format 'openapi/3'"]),
    ("format-missing", "i.yaml", lambda: VALID.replace("format: bleu-assess/v1\n", ""), ["missing required field 'format'"]),
]


@pytest.mark.parametrize("case, name, content, fragments", CASES, ids=[c[0] for c in CASES])
def test_hostile_inventory_is_refused_cleanly(runner: Any, tmp_path: Path, case: str, name: str,
                                              content: Callable[[], str | bytes], fragments: list[str]) -> None:
    path = tmp_path / name
    data = content()
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    before = path.read_bytes()
    output = assert_refused(invoke(runner, ["validate", str(path), "--lang", "en"]),
                            *[f.replace("{f}", str(path)) for f in fragments])
    assert "\x1b" not in output and "\u202e" not in output, "user data never acts on the terminal"
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", [["scan", "-f", "json"], ["plan"], ["report", "-f", "markdown"], ["graph"]])
def test_every_command_refuses_the_same_way(runner: Any, tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(app_with("    depends_on: [ghost]\n"), encoding="utf-8")
    assert_refused(invoke(runner, [command[0], str(path), *command[1:], "--lang", "en"]),
                   f"{path}:7:18: applications[0].depends_on[0]: unknown application 'ghost'")


@pytest.mark.slow
@pytest.mark.parametrize("case", ["alias-bomb", "deep-flow-nesting", "deep-json", "5000-digit-users",
                                  "recursive-alias-in-extra"])
def test_worst_cases_as_real_processes_within_memory_and_time(tmp_path: Path, case: str) -> None:
    _, name, content, fragments = next(c for c in CASES if c[0] == case)
    path = tmp_path / name
    data = content()
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    done = run(["scan", str(path)], memory_mb=1024, timeout=60)
    assert_process_refused(done, *[f.replace("{f}", str(path)) for f in fragments])


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_inventory(path).inventory.applications[0].id == "app"


def test_wrong_types_at_every_level_are_each_named(tmp_path: Path) -> None:
    """Every field of a complete inventory, replaced in turn by a value of the wrong type: each
    time one error, at that field's path and line."""
    full = {
        "format": "bleu-assess/v1",
        "organisation": {"name": "Org", "country": "FR", "type": "other", "designations": ["ose"]},
        "providers": [{"id": "p", "name": "P", "headquarters": "US", "non_eu_control": True,
                       "qualifications": ["hds"], "regions": ["FR"], "support_regions": ["FR"],
                       "subprocessors": ["p"], "ownership": {"largest_non_eu_pct": 10, "total_non_eu_pct": 20},
                       "contract_law": "FR", "pending_qualifications": ["secnumcloud-3.2"]}],
        "platforms": [{"id": "pl", "provider": "p", "models": ["iaas"]}],
        "applications": [{"id": "app", "name": "App", "owner": "Me", "criticality": "high",
                          "hosting": {"model": "iaas", "provider": "p", "region": "FR"}, "datasets": ["data"],
                          "depends_on": [], "users": 10, "strategy": "rehost", "effort": "M",
                          "blockers": ["b"], "wave": 2}],
        "datasets": [{"id": "data", "name": "Data", "classification": "internal", "personal_data": False,
                      "volume_gb": 1.5, "location": "FR"}],
        "flows": [{"from": "app", "to": "app", "datasets": ["data"], "protocol": "https", "description": "d"}],
    }
    load_inventory(_write(tmp_path / "full.json", full))  # valid as it is

    def leaves(value: Any, path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        found = [path] if path and path != ("format",) else []
        if isinstance(value, dict):
            return found + [p for k, v in value.items() for p in leaves(v, (*path, k))]
        if isinstance(value, list):
            return found + [p for i, v in enumerate(value) for p in leaves(v, (*path, i))]
        return found

    checked = 0
    for path in leaves(full, ()):
        original = _get(full, path)
        wrong = {"x": 1} if not isinstance(original, dict) else ["x"]
        mutated = json.loads(json.dumps(full))
        _set(mutated, path, wrong)
        with pytest.raises(InventoryError) as caught:
            load_inventory(_write(tmp_path / "mutated.json", mutated))
        shown = _shown(path)
        errors = [d for d in caught.value.diagnostics if d.severity == "error"]
        assert any(d.field == shown and d.line is not None for d in errors), (shown, [d.format() for d in errors])
        checked += 1
    assert checked > 50


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _shown(path: tuple[Any, ...]) -> str:
    from bleu_assess.inventory.yamlio import format_path

    return format_path(path)


# Graph semantics that are legal but suspicious: warnings, and every command still works.
def test_self_dependency_and_flow_to_self_are_warnings(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text(app_with("    depends_on: [app]\n") + "flows:\n  - {from: app, to: app, datasets: [data]}\n",
                    encoding="utf-8")
    result = invoke(runner, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"{path}:7:18: applications[0].depends_on[0]: warning: application 'app' depends on itself" in result.output
    assert f"{path}:15:5: flows[0]: warning: flow from 'app' to itself" in result.output
    for command in (["scan", "-f", "json"], ["plan", "-f", "json"], ["report", "-f", "markdown"]):
        assert invoke(runner, [command[0], str(path), *command[1:]]).exit_code == 0


def test_dependency_cycles_move_together(runner: Any, tmp_path: Path) -> None:
    apps = "applications:\n" + "".join(
        f"  - {{id: a{i}, name: A{i}, hosting: {{model: on-premises}}, datasets: [data], depends_on: [a{(i + 1) % 3}]}}\n"
        for i in range(3))
    path = tmp_path / "i.yaml"
    offers = "providers:\n  - {id: p, regions: [FR]}\nplatforms:\n  - {id: o, provider: p, models: [iaas]}\n"
    path.write_text(HEAD + offers + apps + DATA, encoding="utf-8")
    result = invoke(runner, ["plan", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    placed = [w["number"] for w in plan["waves"] if {"a0", "a1", "a2"} & set(w["applications"])]
    assert len(placed) == 1 and ["a0", "a1", "a2"] in plan["waves"][0]["move_groups"]


def test_hostile_names_are_data_in_every_output(runner: Any, tmp_path: Path) -> None:
    """Names may hold anything printable: markup, table pipes, backticks, Jinja, right-to-left
    and zero-width characters. Every output shows them; none interprets them."""
    hostile = "<img src=x onerror=alert(1)> | a | `b` {{ 7*7 }} {% if true %}J{% endif %} \u202eRTL\u200bZW"
    inventory = VALID.replace("name: App", "name: " + json.dumps(hostile))
    path = tmp_path / "i.yaml"
    path.write_text(inventory, encoding="utf-8")
    markdown = invoke(runner, ["scan", str(path), "-f", "markdown", "--lang", "en"])
    assert markdown.exit_code == 0, markdown.output
    row = next(line for line in markdown.stdout.splitlines() if "img src" in line)
    lines = markdown.stdout.splitlines()
    start = lines.index(row)
    while start > 0 and lines[start - 1].startswith("|"):
        start -= 1
    header = lines[start]
    unescaped = lambda line: line.replace("\\|", "").count("|")  # noqa: E731
    assert unescaped(row) == unescaped(header), "pipes in a name never add a column"
    assert "\\`b\\`" in row and "\\{\\{ 7\\*7 \\}\\}" in row and "49" not in row
    assert "\u2068" in row and "\u2069" in row, "a right-to-left override stays inside its isolate"
    html = invoke(runner, ["report", str(path), "--lang", "en"])
    assert html.exit_code == 0
    assert "<img src=x" not in html.stdout and "&lt;img src=x onerror=alert(1)&gt;" in html.stdout
    assert "{{ 7*7 }}" in html.stdout and ">49<" not in html.stdout, "Jinja in data is never evaluated"
    report_md = invoke(runner, ["report", str(path), "-f", "markdown", "--lang", "en"])
    assert report_md.exit_code == 0 and "<img" not in report_md.stdout.replace("\\<img", "")
    document = json.loads(invoke(runner, ["scan", str(path), "-f", "json"]).stdout)
    assert document["items"][0]["name"] == hostile, "JSON keeps the name exactly"
