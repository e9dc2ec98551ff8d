"""Rulesets are untrusted like inventories; user templates are semi-trusted and sandboxed: no
Python internals, no files outside the template folders, no exhausting the machine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _hostile import VALID, assert_refused, invoke

from bleu_assess.resources import rulesets_dir

SHIPPED = (rulesets_dir() / "governance" / "1.0.yaml").read_text(encoding="utf-8")


def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


RULESET_CASES: list[tuple[str, Callable[[], str | bytes], list[str]]] = [
    ("alias-bomb", _bomb, ["{f}:1:1: YAML aliases expand to", "alias bomb"]),
    ("deep-nesting", lambda: "x: " + "[" * 100_000 + "]" * 100_000 + "\n", ["{f}:1:", "nesting depth"]),
    ("duplicate-key", lambda: SHIPPED.replace("ruleset:\n", "ruleset:\n  status: stable\n", 1),
     ["{f}:", "ruleset.status: duplicate key 'status'"]),
    ("non-utf8", lambda: SHIPPED.encode() + b"# \xff\n", ["{f}:", "not valid UTF-8 (byte 0xff)"]),
    ("nul-byte", lambda: SHIPPED + "\0", ["{f}:", "NUL byte"]),
    ("empty", lambda: "", ["{f}:1:1: a ruleset is a mapping"]),
    ("root-list", lambda: "- a\n", ["{f}:1:1: a ruleset is a mapping"]),
    ("root-scalar", lambda: "42\n", ["{f}:1:1: a ruleset is a mapping"]),
    ("wrong-type-rules", lambda: SHIPPED.split("\nrules:")[0] + "\nrules: {a: 1}\n", ["rules: expected a list, got a mapping"]),
    ("unknown-field", lambda: SHIPPED.replace("ruleset:\n", "ruleset:\n  evil: '{{ 7*7 }}'\n", 1),
     ["ruleset.evil: unknown field 'evil'"]),
    ("escape-sequence", lambda: SHIPPED.replace("ruleset:\n", 'ruleset:\n  x: "\\e[2J"\n', 1),
     ["ruleset.x"]),
    ("python-tag", lambda: SHIPPED.replace("ruleset:\n", "ruleset:\n  x: !!python/object/apply:os.system [id]\n", 1),
     ["could not determine a constructor"]),
]


@pytest.mark.parametrize("case, content, fragments", RULESET_CASES, ids=[c[0] for c in RULESET_CASES])
def test_hostile_ruleset_is_refused_cleanly(runner: Any, tmp_path: Path, case: str,
                                            content: Callable[[], str | bytes], fragments: list[str]) -> None:
    inventory = tmp_path / "i.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    folder = tmp_path / "rules" / "governance"
    folder.mkdir(parents=True)
    path = folder / "9.0.yaml"
    data = content()
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    output = assert_refused(invoke(runner, ["scan", str(inventory), "--rules-dir", str(tmp_path / "rules"),
                                            "-r", "governance@9.0", "--lang", "en"]),
                            *[f.replace("{f}", str(path)) for f in fragments])
    assert "\x1b" not in output


def test_ruleset_file_loops_and_misnamed_files(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "i.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    folder = tmp_path / "rules" / "mine"
    folder.mkdir(parents=True)
    (folder / "1.0.yaml").symlink_to("1.1.yaml")
    (folder / "1.1.yaml").symlink_to("1.0.yaml")
    (tmp_path / "rules" / "loop").symlink_to(".")
    assert_refused(invoke(runner, ["scan", str(inventory), "--rules-dir", str(tmp_path / "rules")]),
                   "1.1.yaml: cannot read: Too many levels of symbolic links")
    for link in folder.iterdir():
        link.unlink()
    (folder / "latest.yaml").write_text(SHIPPED, encoding="utf-8")  # would be silently ignored
    assert_refused(invoke(runner, ["scan", str(inventory), "--rules-dir", str(tmp_path / "rules")]),
                   f"{folder / 'latest.yaml'}: a ruleset file is named after its version")


TEMPLATE_CASES = [
    ("python-internals", "{{ ''.__class__.__mro__ }}", "template refused by the sandbox"),
    ("subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "template refused by the sandbox"),
    ("function-globals", "{{ t.__globals__ }}", "template refused by the sandbox"),
    ("result-internals", "{{ result.__class__.__init__.__globals__ }}", "template refused by the sandbox"),
    ("format-string", "{{ '{0.__class__}'.format(1) }}", "template refused by the sandbox"),
    ("mutate-results", "{{ result.items.append(1) }}", "template error"),
    ("absolute-include", "{% include '/etc/passwd' %}", "template not found: /etc/passwd"),
    ("parent-include", "{% include '../../../../../../etc/passwd' %}", "template not found"),
    ("builtin-escape", "{% include 'builtin:../../../../etc/passwd' %}", "template not found"),
    ("huge-repeat", "{{ 'a' * 10000000000 }}", "repeating a sequence"),
    ("huge-power", "{{ 9 ** 99999999 }}", "power too large"),
    ("huge-range", "{% for i in range(10000000000) %}{% endfor %}", "Range too big"),
    ("lipsum", "{{ lipsum(100000000) }}", "'lipsum' is undefined"),
    ("recursion", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "template failed: recursion too deep"),
    ("division-by-zero", "{{ 1 / 0 }}", "template failed: ZeroDivisionError"),
    ("syntax", "{% for %}", "template syntax error"),
]


@pytest.mark.parametrize("case, source, fragment", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_user_template_cannot_escape_the_sandbox(runner: Any, tmp_path: Path, case: str, source: str,
                                                 fragment: str) -> None:
    inventory = tmp_path / "i.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    templates = tmp_path / "templates" / "scan"
    templates.mkdir(parents=True)
    (templates / "scan.md.j2").write_text("first line\n" + source + "\n", encoding="utf-8")
    output = assert_refused(invoke(runner, ["scan", str(inventory), "-f", "markdown", "--template-dir",
                                            str(tmp_path / "templates")]), fragment)
    assert "root:x:0:0" not in output, "no file content leaks"


def test_template_errors_name_file_and_line(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "i.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    templates = tmp_path / "templates" / "scan"
    templates.mkdir(parents=True)
    (templates / "scan.md.j2").write_text("one\ntwo\n{{ ''.__class__ }}\n", encoding="utf-8")
    assert_refused(invoke(runner, ["scan", str(inventory), "-f", "markdown", "--template-dir", str(tmp_path / "templates")]),
                   f"{templates / 'scan.md.j2'}:3: template refused by the sandbox")


def test_a_template_that_computes_within_bounds_still_works(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "i.yaml"
    inventory.write_text(VALID, encoding="utf-8")
    templates = tmp_path / "templates" / "scan"
    templates.mkdir(parents=True)
    (templates / "scan.md.j2").write_text("{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ result.items | length }}\n", encoding="utf-8")
    result = invoke(runner, ["scan", str(inventory), "-f", "markdown", "--template-dir", str(tmp_path / "templates")])
    assert result.exit_code == 0 and result.stdout == "1024 ababab 2\n"
