"""Imports that add to an existing inventory change only the lines they add: indentation,
comments, quoting, key order and anchors stay as written; an anchored, aliased or merged (`<<:`)
list is never written into — the application gets its own list, and the report says so."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.intake.merge import Additions, apply
from bleu_assess.intake.tally import ImportReport
from bleu_assess.inventory import yamlio

ROOT = Path(__file__).resolve().parent.parent

ANCHORS = """\
format: bleu-assess/v1
organisation:
  name: "Mairie d'exemple"   # quoted on purpose

applications:
    -   id: annuaire
        name: Annuaire
        hosting: {model: on-premises}
    -   id: etat-civil
        name: État civil
        <<: &defaults
            hosting: {model: on-premises}
            depends_on: [annuaire]
    -   <<: *defaults
        id: urbanisme
        name: 'Urbanisme'
    -   id: paie
        name: Paie
        hosting: {model: on-premises}
        depends_on: &shared [annuaire]
    -   id: rh
        name: RH
        hosting: {model: on-premises}
        depends_on: *shared
    -   id: courrier
        name: Courrier
        hosting: {model: on-premises}
        depends_on:
            - annuaire   # the directory
        # end of courrier
"""


def changes(before: str, after: str) -> list[str]:
    """The lines a unified diff shows as removed or added."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def add(text: str, *links: tuple[str, str]) -> tuple[str, ImportReport]:
    additions = Additions()
    for source, target in links:
        additions.link(source, "depends_on", target)
    report = ImportReport("test", "test")
    merged = apply(text, "inventory.yaml", additions, report)
    assert merged.data == yamlio.parse(merged.text, "x")  # what is validated is what is written
    return merged.text, report


def load(text: str, tmp_path: Path) -> Any:
    path = tmp_path / "out.yaml"
    path.write_text(text, encoding="utf-8")
    return api.load(path).inventory.applications_by_id


def test_one_dependency_into_the_chu_example_adds_one_line_and_git_agrees(tmp_path: Path, runner: Any) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    inventory = repo / "chu.yaml"
    shutil.copy(ROOT / "examples" / "chu-exemple.yaml", inventory)
    before = inventory.read_text(encoding="utf-8")
    export = tmp_path / "deps.csv"
    export.write_text("Timeslot,Source server name,Source application,Source process,Destination server name,"
                      "Destination IP,Destination application,Destination process,Destination port\n"
                      "2026-11-24 06:00,SRV-AD-01,AD,lsass,SRV-ID-01,10.0.0.8,Id,java,8443\n", encoding="utf-8")
    mapping = tmp_path / "servers.yaml"
    mapping.write_text("servers:\n  SRV-AD-01: annuaire-ad\n  SRV-ID-01: serveur-identite\n", encoding="utf-8")
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "chu.yaml"], cwd=repo, check=True)
    result = runner.invoke(app, ["import", "azure-migrate", str(export), "--map", str(mapping),
                                 "--inventory", str(inventory), "--in-place"])
    assert result.exit_code == 0, result.output
    after = inventory.read_text(encoding="utf-8")
    diff = changes(before, after)
    # One dependency (a new depends_on line, annuaire-ad having none) and its flow with the evidence.
    assert diff[0] == "+    depends_on: [serveur-identite]", diff
    assert all(line.startswith("+") for line in diff) and len(diff) == 5, diff
    assert "serveur-identite" in api.load(inventory).inventory.applications_by_id["annuaire-ad"].depends_on
    if shutil.which("git"):
        shown = subprocess.run(["git", "diff", "-U0", "--no-color"], cwd=repo, capture_output=True, text=True,
                               check=True).stdout
        assert not [l for l in shown.splitlines() if l.startswith("-") and not l.startswith("---")]


def test_extending_an_existing_flow_list_changes_that_line_only(tmp_path: Path) -> None:
    before = (ROOT / "examples" / "chu-exemple.yaml").read_text(encoding="utf-8")
    after, _ = add(before, ("dpi", "sil"))
    diff = changes(before, after)
    assert diff == ["-    depends_on: [annuaire-ad, serveur-identite]",
                    "+    depends_on: [annuaire-ad, serveur-identite, sil]"]


def test_block_lists_get_a_new_item_line_with_their_indentation(tmp_path: Path) -> None:
    after, _ = add(ANCHORS, ("courrier", "paie"))
    assert changes(ANCHORS, after) == ["+            - paie"]
    assert load(after, tmp_path)["courrier"].depends_on == ("annuaire", "paie")


def test_merge_keys_and_anchors_are_never_written_into(tmp_path: Path) -> None:
    after, report = add(ANCHORS, ("etat-civil", "paie"), ("rh", "courrier"), ("paie", "courrier"))
    apps = load(after, tmp_path)
    # etat-civil gets its own list (inherited values kept); urbanisme, which shares the defaults, is unchanged.
    assert apps["etat-civil"].depends_on == ("annuaire", "paie") and apps["urbanisme"].depends_on == ("annuaire",)
    # rh's alias is replaced by its own list; paie's anchored list gains courrier once rh (which aliased it)
    # has its own copy.
    assert apps["rh"].depends_on == ("annuaire", "courrier") and apps["paie"].depends_on == ("annuaire", "courrier")
    assert changes(ANCHORS, after) == ["+        depends_on: [annuaire, paie]",
                                       "-        depends_on: &shared [annuaire]",
                                       "+        depends_on: &shared [annuaire, courrier]",
                                       "-        depends_on: *shared",
                                       "+        depends_on: [annuaire, courrier]"]
    assert ("merge-key-materialised", {"app": "etat-civil", "field": "depends_on"}) in report.notes
    assert ("alias-materialised", {"app": "rh", "field": "depends_on"}) in report.notes
    assert any("merge key (<<)" in line for line in report.lines("en"))


@pytest.mark.parametrize("order", [("paie", "rh"), ("rh", "paie")])
def test_an_anchored_list_gains_a_value_only_after_its_aliases_have_their_own_copy(tmp_path: Path,
                                                                                   order: tuple[str, str]) -> None:
    links = {"paie": ("paie", "courrier"), "rh": ("rh", "etat-civil")}
    after, report = add(ANCHORS, *(links[o] for o in order))
    apps = load(after, tmp_path)
    assert apps["paie"].depends_on == ("annuaire", "courrier") and apps["rh"].depends_on == ("annuaire", "etat-civil")
    after, report = add(ANCHORS, ("paie", "courrier"))
    assert load(after, tmp_path)["rh"].depends_on == ("annuaire",)  # rh keeps what it had
    assert changes(ANCHORS, after) == ["-        depends_on: &shared [annuaire]",
                                       "+        depends_on: &shared [annuaire, courrier]",
                                       "-        depends_on: *shared",
                                       "+        depends_on: [annuaire]"]
    assert report.notes == [("aliases-materialised", {"app": "paie", "field": "depends_on", "count": 1}),
                            ("unknown-data", {"count": 6, "examples": "annuaire, etat-civil, urbanisme, paie, rh, …"})]


def test_new_items_follow_the_files_indentation_and_sections_are_appended(tmp_path: Path) -> None:
    additions = Additions()
    additions.add("applications", {"id": "ext-1", "name": "Endpoint: 1", "tags": ["discovered"]})
    additions.add("servers", {"id": "srv-1", "ip_addresses": ["10.0.0.1"], "applications": ["paie"]})
    report = ImportReport("test", "test")
    merged = apply(ANCHORS, "inventory.yaml", additions, report)
    after = merged.text
    assert merged.data == yamlio.parse(after, "x")
    assert changes(ANCHORS, after) == [
        '+    -   id: ext-1', '+        name: "Endpoint: 1"', "+        tags: [discovered]",
        "+", "+servers:", "+    -   id: srv-1", "+        ip_addresses: [\"10.0.0.1\"]", "+        applications: [paie]"]
    assert after.index("ext-1") < after.index("# end of courrier")  # inserted after courrier's content
    assert report.added == {"applications": 1, "servers": 1}
    load(after, tmp_path)


@pytest.mark.parametrize("value", ["yes", "NO", "0755", "1.0", "null", "", "a: b", "# x", "x #y", "[a]", "é"])
def test_scalars_read_back_as_written(value: str) -> None:
    import yaml

    from bleu_assess.intake.yamledit import flow

    assert yaml.safe_load(f"k: {flow([value])}")["k"] == [value]


def test_mappings_are_written_by_their_own_keys_whatever_was_written_before() -> None:
    """Mappings with the same keys share the text of their keys; keys that are equal but not
    the same (1 and True), or that hold `%`, are written as they are."""
    import yaml

    from bleu_assess.intake.yamledit import block_item, flow

    for value in ({"a": 1, "b": [2, "x"]}, {"a": {"c": "y: z"}, "b": []}, {1: "one"}, {True: "yes"},
                  {"50%": "half", "b": {}}, {}):
        assert flow(value) == flow(dict(value))  # the same text the second time
        assert yaml.safe_load(f"k: {flow(value)}")["k"] == value
    assert [flow({1: "a"}), flow({True: "a"}), flow({1.0: "a"})] == ["{1: a}", "{true: a}", "{1.0: a}"]
    assert block_item({"id": "a", "tags": ["x"], "extra": {"n%": 1}}, 2, 4) == \
        '  - id: a\n    tags: [x]\n    extra: {"n%": 1}\n'
    assert block_item({"id": "b"}, 0, 2) == "- id: b\n"
    assert block_item({}, 2, 4) == ""


def test_json_inventories_are_refused_and_invalid_ones_report_their_own_errors(tmp_path: Path, runner: Any) -> None:
    export = tmp_path / "deps.csv"
    export.write_text("Timeslot,Source server name,Destination server name,Destination IP,Destination port\n"
                      "2026-11-24 06:00,a,b,10.0.0.2,443\n", encoding="utf-8")
    inventory = tmp_path / "inv.json"
    inventory.write_text('{"format": "bleu-assess/v1", "organisation": {"name": "T"}}\n', encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", "azure-migrate", str(export), "--inventory", str(inventory), "-o", str(out),
                                 "--lang", "en"])
    assert result.exit_code == 2 and "JSON or in YAML flow style" in result.output and not out.exists()
    invalid = tmp_path / "inv.yaml"
    invalid.write_text("format: bleu-assess/v1\norganisation:\n  name: T\napplications:\n  - id: a\n    nme: A\n",
                       encoding="utf-8")
    result = runner.invoke(app, ["import", "azure-migrate", str(export), "--inventory", str(invalid), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    # The organisation is French: its own errors are worded in French, located as ever.
    assert f"{invalid}:6:5: applications[0].nme: champ inconnu « nme »" in result.output
