"""Format v1 stays readable, and `bleu-assess upgrade` rewrites it as v2: comments and layout kept
(a diff shows only the changed lines), verdicts kept, never over the input."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.inventory.schema import json_schema
from bleu_assess.inventory.upgrade import STEPS, format_v2, upgrade_texts
from bleu_assess.render.i18n import t

ROOT = Path(__file__).resolve().parent.parent
V1 = Path(__file__).parent / "data" / "v1"  # the examples as they were in format v1
V1_EXAMPLES = ["chu-exemple.yaml", "ministere-exemple.yaml", "minimal.yaml", "par-service"]


def comparable(result: Any) -> dict[str, Any]:
    document = result.to_dict()
    document.pop("inventory")
    return document


@pytest.mark.parametrize("name", V1_EXAMPLES)
def test_v1_examples_load_with_their_v1_meaning_and_one_warning(name: str) -> None:
    loaded = api.load(V1 / name)
    assert loaded.inventory.format == "bleu-assess/v1"
    warnings = [w for w in loaded.warnings if "v1 meaning" in w.message]
    assert len(warnings) == 1 and "bleu-assess upgrade" in warnings[0].message


@pytest.mark.parametrize("name", V1_EXAMPLES)
def test_upgrade_of_each_v1_example_scans_like_the_v1_file(runner: Any, tmp_path: Path, name: str) -> None:
    source = V1 / name
    target = tmp_path / name
    result = runner.invoke(app, ["upgrade", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    upgraded = api.load(target)
    assert upgraded.inventory.format == "bleu-assess/v2"
    assert not [w for w in upgraded.warnings if "v1 meaning" in w.message]
    as_of = "2026-06-01"
    assert comparable(api.scan(target, as_of=as_of)) == comparable(api.scan(source, as_of=as_of))


def test_upgrade_keeps_comments_and_layout_and_changes_only_what_it_must(runner: Any) -> None:
    before = (V1 / "chu-exemple.yaml").read_text(encoding="utf-8")
    result = runner.invoke(app, ["upgrade", str(V1 / "chu-exemple.yaml")])
    assert result.exit_code == 0
    after = result.stdout
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    removed = [line for line in diff if line.startswith("-")]
    added = [line for line in diff if line.startswith("+")]
    assert removed == ["-format: bleu-assess/v1"]
    assert "+format: bleu-assess/v2" in added
    # Each offer of a qualified provider states what it holds, with a comment inviting a check, in
    # the organisation's language.
    copied = [line for line in added if "qualifications:" in line]
    assert copied and all("# mise à jour : repris du fournisseur" in line for line in copied)
    for line in before.splitlines():
        if line.lstrip().startswith("#") or "  # " in line:
            assert line in after.splitlines() or line.startswith("format:"), f"comment lost: {line}"


def test_flow_style_offers_get_their_key_inside_the_braces_and_the_comment_above() -> None:
    text = ("format: bleu-assess/v1\norganisation: {name: T}\nproviders:\n"
            "  - {id: p, headquarters: FR, regions: [FR], qualifications: [secnumcloud-3.2]}\n"
            "platforms:\n  - {id: o, provider: p, models: [iaas]}   # my offer\n")
    [(_, upgraded)] = upgrade_texts([("i.yaml", text)], say=lambda code, **values: t(f"qualify.{code}", "en", **values))
    assert upgraded.splitlines()[-2:] == [
        "  # upgrade: from provider p; check this offer's scope and dates",
        "  - {id: o, provider: p, models: [iaas], qualifications: [secnumcloud-3.2]}   # my offer"]
    [(_, french)] = upgrade_texts([("i.yaml", text)], say=lambda code, **values: t(f"qualify.{code}", "fr", **values))
    assert french.splitlines()[-2] == "  # mise à jour : repris du fournisseur p ; vérifier la portée et les dates de cette offre"


def test_a_v2_inventory_is_left_as_it_is(runner: Any) -> None:
    text = (ROOT / "examples" / "chu-exemple.yaml").read_text(encoding="utf-8")
    assert upgrade_texts([("chu.yaml", text)]) == [("chu.yaml", text)]


def test_upgrade_steps_are_a_list_another_change_can_join() -> None:
    names = [step.__name__ for step in STEPS]
    assert names[:2] == ["format_v2", "qualifications_per_offer"]


def test_upgrade_never_writes_over_its_input(runner: Any, tmp_path: Path) -> None:
    copy = tmp_path / "inventaire.yaml"
    shutil.copy(V1 / "minimal.yaml", copy)
    before = copy.read_bytes()
    result = runner.invoke(app, ["upgrade", str(copy), "-o", str(copy), "--lang", "en"])
    assert result.exit_code == 2 and "refusing to write" in result.output
    assert copy.read_bytes() == before
    folder = tmp_path / "estate"
    shutil.copytree(V1 / "par-service", folder)
    assert runner.invoke(app, ["upgrade", str(folder)]).exit_code == 2  # a directory needs -o
    inside = runner.invoke(app, ["upgrade", str(folder), "-o", str(folder / "v2")])
    assert inside.exit_code == 2 and not (folder / "v2").exists()


def test_upgrade_as_a_real_process(tmp_path: Path) -> None:
    target = tmp_path / "v2"
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "upgrade", str(V1 / "par-service"), "-o",
                           str(target)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in (V1 / "par-service").iterdir())
    assert "upgraded to bleu-assess/v2" in done.stderr or "mis à jour" in done.stderr


def test_the_shipped_schema_file_is_the_one_the_tool_prints() -> None:
    shipped = json.loads((ROOT / "schemas" / "inventory-v2.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate with: bleu-assess schema -o schemas/inventory-v2.schema.json"


@pytest.mark.parametrize("example", sorted((ROOT / "examples").rglob("*.yaml")), ids=lambda p: p.name)
def test_examples_point_editors_at_the_shipped_schema(example: Path) -> None:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (example.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema == (ROOT / "schemas" / "inventory-v2.schema.json").resolve()


def test_the_schema_rejects_a_misspelt_v2_key_and_the_validator_gives_a_hint(write_inventory: Any, runner: Any) -> None:
    import jsonschema

    from bleu_assess.inventory import yamlio

    text = (ROOT / "examples" / "chu-exemple.yaml").read_text(encoding="utf-8")
    bad = text.replace("    hds_activities: [1]", "    hds_activites: [1]")
    assert bad != text
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yamlio.parse(bad, "x"), json_schema())
    path = write_inventory(bad)
    result = runner.invoke(app, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "unknown field 'hds_activites' (did you mean 'hds_activities'?)" in result.output


def test_a_step_written_on_round_trip_mappings_joins_the_list(tmp_path: Path) -> None:
    """How issue 14's `sensitive` rewrite plugs in: one function per dataset, on ruamel mappings."""
    from bleu_assess.inventory.upgrade import item_step

    def mark_sensitive(dataset: Any, say: Any) -> bool:
        if dataset.get("classification") != "sensitive":
            return False
        dataset["classification"] = "personal"
        dataset.yaml_add_eol_comment(say("review"), "classification")
        return True

    text = (V1 / "ministere-exemple.yaml").read_text(encoding="utf-8")
    [(_, upgraded)] = upgrade_texts([("m.yaml", text)], [format_v2, item_step("datasets", mark_sensitive)],
                                  say={"review": "revoir"}.__getitem__)
    assert "classification: sensitive" not in upgraded and "# revoir" in upgraded
    kept = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert all(line in upgraded.splitlines() for line in kept), "comments kept"
    untouched = (V1 / "minimal.yaml").read_text(encoding="utf-8")
    [(_, same)] = upgrade_texts([("x.yaml", untouched)], [item_step("datasets", mark_sensitive)])
    assert same == untouched  # nothing to change: not re-emitted


def test_upgrade_rewrites_v1_sensitive_as_a_v2_class_with_particular_sensitivity(runner: Any) -> None:
    """Issue 14's rewrite is one of the steps: each v1 `sensitive` dataset becomes special-category
    (internal without personal data) with `particular_sensitivity: "yes"` and a comment to review it."""
    import yaml

    assert "upgrade_v1_dataset" in [step.__name__ for step in STEPS]
    before = yaml.safe_load((V1 / "ministere-exemple.yaml").read_text(encoding="utf-8"))["datasets"]
    result = runner.invoke(app, ["upgrade", str(V1 / "ministere-exemple.yaml")])
    assert result.exit_code == 0, result.output
    after = {d["id"]: d for d in yaml.safe_load(result.stdout)["datasets"]}
    sensitive = [d for d in before if d["classification"] == "sensitive"]
    assert len(sensitive) == 6
    for dataset in sensitive:
        rewritten = after[dataset["id"]]
        expected = "internal" if dataset.get("personal_data") is False else "special-category"
        assert (rewritten["classification"], rewritten["particular_sensitivity"]) == (expected, "yes")
    assert result.stdout.count("à revoir avec bleu-assess qualify") == 6  # in the organisation's language


def test_a_country_that_is_not_text_is_reported_not_a_crash(runner: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --lang, the organisation's country chooses the language before the inventory is
    validated: a number there is the validator's located error (exit 2), not an internal error."""
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    text = (V1 / "minimal.yaml").read_text(encoding="utf-8")
    assert "organisation:\n" in text
    bad = tmp_path / "v1.yaml"
    bad.write_text(text.replace("organisation:\n", "organisation:\n  country: 33\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["upgrade", str(bad)])
    assert result.exit_code == 2, result.output
    assert "v1.yaml:" in result.output and "organisation.country" in result.output
    assert "internal" not in result.output and "interne" not in result.output


V1_SENSITIVE = ("format: bleu-assess/v1\norganisation: {{name: Ministère, type: state-administration{country}}}\n"
                "applications:\n  - {{id: a, name: A, hosting: {{model: on-premises}}, datasets: [d]}}\n"
                "datasets:\n  - {{id: d, classification: sensitive}}\n")


@pytest.mark.parametrize("country, flag, marker, said", [
    ("", [], "# mise à jour : ", "relisez la ligne marquée « # mise à jour : »"),  # FR, the format's default
    (", country: DE", [], "# upgrade: ", "review the line marked '# upgrade:'"),
    ("", ["--lang", "en"], "# upgrade: ", "review the line marked '# upgrade:'"),
])
def test_upgrade_writes_and_names_one_marker_in_the_organisation_language(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, country: str, flag: list[str], marker: str,
        said: str) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    source, target = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    source.write_text(V1_SENSITIVE.format(country=country), encoding="utf-8")
    result = runner.invoke(app, ["upgrade", str(source), "-o", str(target), *flag])
    assert result.exit_code == 0
    assert said in result.output.replace("\xa0", " ").replace("\u202f", " ")
    marked = [line for line in target.read_text(encoding="utf-8").replace("\xa0", " ").splitlines() if marker in line]
    assert len(marked) == 1 and "particular_sensitivity" in marked[0]


def test_upgrade_asks_no_review_when_it_marked_no_line(runner: Any, tmp_path: Path) -> None:
    source, target = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    source.write_text("format: bleu-assess/v1\norganisation: {name: M, type: other}\n"
                      "applications:\n  - {id: a, name: A, hosting: {model: on-premises}}\n", encoding="utf-8")
    result = runner.invoke(app, ["upgrade", str(source), "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0 and result.output.endswith("upgraded to bleu-assess/v2 (files changed: 1)\n")
