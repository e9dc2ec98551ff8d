"""Nothing lost: outputs are written atomically, never over an input, never half-way; inputs are
never modified. Killing `report` while it writes leaves the previous report byte-identical."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _hostile import VALID, assert_refused, invoke

from bleu_assess import output

# Runs the CLI with os.fsync slowed down: the report's temporary file is written and the process
# is paused inside write_atomic, before the rename, when it prints WRITING on standard output.
PAUSED_CLI = """
import os, sys, time
real_fsync = os.fsync
def paused_fsync(fd):
    sys.stdout.write("WRITING\\n"); sys.stdout.flush()
    time.sleep(60)
    real_fsync(fd)
os.fsync = paused_fsync
sys.argv = ["bleu-assess", *sys.argv[1:]]
from bleu_assess.cli import main
main()
"""


def _inventory(tmp_path: Path) -> Path:
    path = tmp_path / "i.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def _interruptible() -> None:
    # As on a user's terminal: a test runner started in the background by a shell without job
    # control ignores SIGINT, and a child inherits that (Python then installs no Ctrl-C handler).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "term", "kill"])
def test_killing_report_while_it_writes_leaves_the_previous_report(tmp_path: Path, sig: int) -> None:
    inventory = _inventory(tmp_path)
    target = tmp_path / "report.html"
    previous = b"<html>previous report</html>\n"
    target.write_bytes(previous)
    process = subprocess.Popen([sys.executable, "-c", PAUSED_CLI, "report", str(inventory), "-o", str(target)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "NO_COLOR": "1"}, preexec_fn=_interruptible)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "WRITING\n", process.stderr.read() if process.stderr else ""
        assert _leftovers(tmp_path), "the temporary file is being written next to the target"
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert target.read_bytes() == previous, "the previous report is byte-identical"
    assert "Traceback" not in stderr
    if sig != signal.SIGKILL:  # a caught signal also removes the temporary file
        assert process.returncode == 130, stderr
        assert _leftovers(tmp_path) == []
    assert hashlib.sha256(inventory.read_bytes()).hexdigest() == hashlib.sha256(VALID.encode()).hexdigest()


def test_an_error_while_writing_leaves_the_previous_file_and_no_temporary(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous\n", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        output.write_atomic(target, "new content\n")
    assert target.read_text(encoding="utf-8") == "previous\n" and _leftovers(tmp_path) == []


def test_ctrl_c_while_writing_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.md"
    target.write_text("previous\n", encoding="utf-8")

    def interrupted(*args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "previous\n" and _leftovers(tmp_path) == []


def test_written_files_are_complete_and_keep_their_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    output.write_atomic(target, "x" * 1_000_000)
    assert target.read_text(encoding="utf-8") == "x" * 1_000_000 and target.stat().st_mode & 0o777 == 0o600


def test_refuses_to_write_over_its_inputs(runner: Any, tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    before = inventory.read_bytes()
    (tmp_path / "link.yaml").symlink_to(inventory)
    os.link(inventory, tmp_path / "hard.yaml")
    for target in (inventory, tmp_path / "link.yaml", tmp_path / "hard.yaml"):
        for command in (["scan", "-f", "json"], ["plan"], ["report"], ["graph"]):
            assert_refused(invoke(runner, [command[0], str(inventory), *command[1:], "-o", str(target)]),
                           "it is an input of this command")
    assert inventory.read_bytes() == before
    estate = tmp_path / "estate"
    estate.mkdir()
    (estate / "inv.yaml").write_text(VALID, encoding="utf-8")
    assert_refused(invoke(runner, ["report", str(estate), "-o", str(estate / "report.html")]),
                   "it is an input of this command")
    assert sorted(p.name for p in estate.iterdir()) == ["inv.yaml"]


def test_refuses_to_write_over_a_ruleset_or_a_template_it_read(runner: Any, tmp_path: Path) -> None:
    from bleu_assess.resources import rulesets_dir

    inventory = _inventory(tmp_path)
    rules = tmp_path / "rules" / "governance"
    rules.mkdir(parents=True)
    ruleset = rules / "9.0.yaml"
    ruleset.write_bytes((rulesets_dir() / "governance" / "1.0.yaml").read_bytes().replace(b'version: "1.0"', b'version: "9.0"'))
    before = ruleset.read_bytes()
    assert_refused(invoke(runner, ["scan", str(inventory), "-f", "json", "--rules-dir", str(tmp_path / "rules"),
                                   "-r", "governance@9.0", "-o", str(ruleset)]), "it is an input of this command")
    assert ruleset.read_bytes() == before
    templates = tmp_path / "templates" / "scan"
    templates.mkdir(parents=True)
    template = templates / "scan.md.j2"
    template.write_text("{{ result.items | length }}\n", encoding="utf-8")
    assert_refused(invoke(runner, ["scan", str(inventory), "-f", "markdown", "--template-dir",
                                   str(tmp_path / "templates"), "-o", str(template)]), "it is an input of this command")
    assert template.read_text(encoding="utf-8") == "{{ result.items | length }}\n"


def test_no_command_modifies_its_input(runner: Any, tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    os.utime(inventory, (1_000_000_000, 1_000_000_000))
    stat = inventory.stat()
    commands = [["validate"], ["scan"], ["scan", "-f", "json"], ["scan", "-f", "csv"], ["plan"], ["plan", "-f", "json"],
                ["report"], ["report", "-f", "markdown"], ["graph", "-f", "dot"], ["explain", "app"]]
    for command in commands:
        args = [command[0], str(inventory), *command[1:]]
        assert invoke(runner, args).exit_code == 0, args
    after = inventory.stat()
    assert inventory.read_text(encoding="utf-8") == VALID
    assert (after.st_mtime_ns, after.st_size, after.st_mode) == (stat.st_mtime_ns, stat.st_size, stat.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.yaml"], "nothing written beside it"


def test_output_into_a_missing_folder_is_refused(runner: Any, tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    assert_refused(invoke(runner, ["report", str(inventory), "-o", str(tmp_path / "nope" / "r.html")]),
                   "does not exist")
    assert_refused(invoke(runner, ["report", str(inventory), "-o", str(tmp_path)]), "it is a directory")
