"""Hostile files and directories: size limits, a 100 MB file, symbolic link loops, dangling
links, unreadable files and folders, special files. Each is refused by name, exit code 2, no
traceback, in bounded time and memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _hostile import APP, DATA, ENGLISH, HEAD, VALID, assert_process_refused, assert_refused, invoke, run


def _unprivileged_works() -> bool:
    """`unshare --user` runs a command without root's power to read any file (we are root in CI)."""
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "--user", "true"], capture_output=True)
    return done.returncode == 0


def _run_unprivileged(args: list[str]) -> subprocess.CompletedProcess[str]:
    prefix = ["unshare", "--user"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "bleu_assess", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "NO_COLOR": "1", **ENGLISH})


needs_unprivileged = pytest.mark.skipif(os.geteuid() == 0 and not _unprivileged_works(),
                                        reason="running as root and user namespaces are not available")


def test_over_the_size_limit_is_refused_before_reading(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(VALID + "# padding\n" * 250_000, encoding="utf-8")  # 2.5 MB
    assert_refused(invoke(runner, ["validate", str(path)], env={"BLEU_ASSESS_MAX_INPUT_MB": "1"}),
                   f"{path}: file is 2.4 MiB, over the 1 MiB limit (set BLEU_ASSESS_MAX_INPUT_MB to raise it)")
    assert invoke(runner, ["validate", str(path)], env={"BLEU_ASSESS_MAX_INPUT_MB": "3"}).exit_code == 0


def test_size_limit_applies_to_each_file_of_a_directory_and_to_rulesets(runner: Any, tmp_path: Path) -> None:
    root = tmp_path / "estate"
    root.mkdir()
    (root / "a.yaml").write_text(VALID, encoding="utf-8")
    (root / "b.yaml").write_text("format: bleu-assess/v1\n" + "# padding\n" * 150_000, encoding="utf-8")
    assert_refused(invoke(runner, ["validate", str(root)], env={"BLEU_ASSESS_MAX_INPUT_MB": "1"}),
                   f"{root / 'b.yaml'}: file is 1.4 MiB, over the 1 MiB limit")
    rules = tmp_path / "rules" / "mine"
    rules.mkdir(parents=True)
    (rules / "1.0.yaml").write_text("# padding\n" * 150_000, encoding="utf-8")
    assert_refused(invoke(runner, ["scan", str(root / "a.yaml"), "--rules-dir", str(tmp_path / "rules")],
                          env={"BLEU_ASSESS_MAX_INPUT_MB": "1"}), f"{rules / '1.0.yaml'}: file is 1.4 MiB")


@pytest.mark.slow
def test_a_100_mb_file(tmp_path: Path) -> None:
    """Refused at once under a 64 MiB limit without being read; read within 1.5 GiB of address
    space and a minute under the default limit (256 MiB)."""
    path = tmp_path / "huge.yaml"
    line = "# " + "x" * 97 + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(VALID)
        chunk = line * 10_000
        for _ in range(105):
            handle.write(chunk)
    assert path.stat().st_size > 100 * 1000 * 1000
    refused = run(["validate", str(path)], env={"BLEU_ASSESS_MAX_INPUT_MB": "64"}, memory_mb=256, timeout=30)
    assert_process_refused(refused, f"{path}: file is 100.1 MiB, over the 64 MiB limit")
    read = run(["validate", str(path), "--lang", "en"], memory_mb=1536, timeout=60)
    assert read.returncode == 0, read.stderr[-2000:]
    assert "valid inventory" in read.stderr


def test_directory_with_symbolic_link_loops(runner: Any, tmp_path: Path) -> None:
    root = tmp_path / "estate"
    (root / "nested").mkdir(parents=True)
    (root / "inventory.yaml").write_text(VALID, encoding="utf-8")
    (root / "nested" / "loop").symlink_to("..")  # a folder loop: never followed
    (root / "self").symlink_to(".")
    result = invoke(runner, ["validate", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    (root / "x.yaml").symlink_to("y.yaml")  # a file loop: named
    (root / "y.yaml").symlink_to("x.yaml")
    assert_refused(invoke(runner, ["validate", str(root)]),
                   f"{root / 'x.yaml'}: cannot read: Too many levels of symbolic links",
                   f"{root / 'y.yaml'}: cannot read: Too many levels of symbolic links")


def test_dangling_link_and_special_files(runner: Any, tmp_path: Path) -> None:
    root = tmp_path / "estate"
    root.mkdir()
    (root / "inventory.yaml").write_text(VALID, encoding="utf-8")
    (root / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    os.mkfifo(root / "pipe.yaml")  # reading it would block forever
    assert_refused(invoke(runner, ["validate", str(root)]), f"{root / 'gone.yaml'}: no such file or directory",
                   f"{root / 'pipe.yaml'}: not a regular file")
    assert_refused(invoke(runner, ["validate", "/dev/zero"]), "/dev/zero: not a regular file")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_refused(invoke(runner, ["validate", str(empty)]), f"{empty}: directory holds no .yaml")


@needs_unprivileged
def test_unreadable_file_and_folder_are_named_not_skipped(tmp_path: Path) -> None:
    root = tmp_path / "estate"
    (root / "locked").mkdir(parents=True)
    (root / "00-org.yaml").write_text(HEAD + DATA, encoding="utf-8")
    (root / "apps.yaml").write_text("format: bleu-assess/v1\n" + APP, encoding="utf-8")
    (root / "locked" / "more.yaml").write_text("format: bleu-assess/v1\n", encoding="utf-8")
    (root / "apps.yaml").chmod(0)
    (root / "locked").chmod(0)
    try:
        done = _run_unprivileged(["validate", str(root)])
    finally:
        (root / "apps.yaml").chmod(0o644)
        (root / "locked").chmod(0o755)
    assert_process_refused(done, f"{root / 'apps.yaml'}: permission denied: cannot read this file",
                           f"{root / 'locked'}: cannot read this directory: Permission denied")


@needs_unprivileged
def test_unreadable_rules_folder_is_named(tmp_path: Path) -> None:
    inventory = tmp_path / "i.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    rules.chmod(0)
    try:
        done = _run_unprivileged(["scan", str(inventory), "--rules-dir", str(rules)])
    finally:
        rules.chmod(0o755)
    assert_process_refused(done, f"{rules}: cannot read this directory: Permission denied")
