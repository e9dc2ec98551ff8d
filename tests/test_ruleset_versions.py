"""A released ruleset version is one content: rulesets/released.yaml records the sha256 of every
stable or deprecated ruleset file, and a file whose content changed without a new version fails
here, with how to bump (docs/rulesets.md, "Versions")."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml

from bleu_assess.resources import rulesets_dir

HOW_TO_BUMP = ("a released version is one content: put the change in a new version instead. Restore {file} "
               "(git checkout -- {file}), copy it to {id}/<next version>.yaml, write the change there with "
               "ruleset.version set to that version, record its sha256 in released.yaml and say what changed "
               "in CHANGELOG.md")


def released_problems(root: Path) -> list[str]:
    """What breaks "one version, one content" in the rulesets under `root`, each problem saying what to do."""
    recorded: dict[str, str] = yaml.safe_load((root / "released.yaml").read_text(encoding="utf-8"))["released"]
    problems = []
    seen = set()
    for path in sorted(root.glob("*/*.yaml")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))["ruleset"]
        if meta["status"] == "draft":  # not released: a draft may still change
            continue
        name = f"{meta['id']}@{meta['version']}"
        seen.add(name)
        file = f"{path.parent.name}/{path.name}"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if name not in recorded:
            problems.append(f"{file}: {name} is {meta['status']} but has no sha256 in released.yaml: "
                            f"record it there ({name}: {digest}) when the version is released")
        elif recorded[name] != digest:
            problems.append(f"{file}: its content changed but its version did not ({name} was recorded with "
                            f"sha256 {recorded[name]}, it is now {digest}); "
                            + HOW_TO_BUMP.format(file=file, id=meta["id"]))
    problems += [f"released.yaml: {name} is recorded but no released ruleset file has that id and version "
                 "(a released version is never deleted nor made a draft again)"
                 for name in sorted(set(recorded) - seen)]
    return problems


def test_every_shipped_released_ruleset_has_the_content_recorded_for_its_version() -> None:
    assert released_problems(rulesets_dir()) == []


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "rulesets"
    shutil.copytree(rulesets_dir(), root)
    return root


def test_a_released_ruleset_edited_in_place_fails_and_says_how_to_bump(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "sectoral" / "1.0.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("severity: medium", "severity: low", 1),
                    encoding="utf-8")
    [problem] = released_problems(root)
    assert problem.startswith("sectoral/1.0.yaml: its content changed but its version did not (sectoral@1.0")
    assert "copy it to sectoral/<next version>.yaml" in problem and "CHANGELOG.md" in problem


def test_a_new_version_with_its_sha256_recorded_passes(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    text = (root / "sectoral" / "1.0.yaml").read_text(encoding="utf-8")
    new = root / "sectoral" / "1.1.yaml"
    new.write_text(text.replace('version: "1.0"', 'version: "1.1"', 1).replace("severity: medium", "severity: low", 1),
                   encoding="utf-8")
    [problem] = released_problems(root)
    assert problem.startswith("sectoral/1.1.yaml: sectoral@1.1 is stable but has no sha256 in released.yaml")
    lock = root / "released.yaml"
    digest = hashlib.sha256(new.read_bytes()).hexdigest()
    lock.write_text(lock.read_text(encoding="utf-8") + f"  sectoral@1.1: {digest}\n", encoding="utf-8")
    assert released_problems(root) == []


def test_a_draft_may_change_and_a_released_version_may_not_disappear(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    drafts = [p for p in root.glob("*/*.yaml") if 'status: draft' in p.read_text(encoding="utf-8")]
    assert drafts
    drafts[0].write_text(drafts[0].read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert released_problems(root) == []
    (root / "offers" / "1.0.yaml").unlink()
    assert released_problems(root) == [
        "released.yaml: offers@1.0 is recorded but no released ruleset file has that id and version "
        "(a released version is never deleted nor made a draft again)"]
