"""Typos on the command line, as a process says them: an unknown option (with the closest one),
an option value not among its choices, a root option written after the command (`scan x.yaml
-q`: it goes before), each in the command's language (--lang, else the inventory's organisation,
else the default) with a hint, exit code 2, nothing written, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from _cli_language import INVENTORY, plain

ROOT = Path(__file__).resolve().parents[1]


def run(tmp_path: Path, country: str, *argv: str) -> tuple[int, str]:
    path = tmp_path / "h.yaml"
    path.write_text(INVENTORY.format(country=country), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("BLEU_ASSESS_LANG", "LANG", "LC_ALL")}
    env.update(PYTHONPATH=str(ROOT), LANG="C.UTF-8", COLUMNS="120")
    done = subprocess.run([sys.executable, "-m", "bleu_assess", *[a.replace("INV", str(path)) for a in argv]],
                          capture_output=True, text=True, check=False, env=env, cwd=tmp_path)
    return done.returncode, plain(done.stdout + done.stderr)


@pytest.mark.parametrize("country, argv, said", [
    ("FR", ["scan", "INV", "--fromat", "json"],
     ["erreur : option inconnue « --fromat » (vouliez-vous dire « --format » ?)",
      "conseil : bleu-assess scan -h montre son usage et ses options"]),
    ("DE", ["scan", "INV", "--fromat", "json"],
     ["error: unknown option '--fromat' (did you mean '--format'?)",
      "hint: bleu-assess scan -h shows its usage and options"]),
    ("FR", ["scan", "INV", "-q", "--fail-on", "blocker"],
     ["erreur : -q est une option de bleu-assess, pas de scan : elle se place avant la commande",
      "conseil : bleu-assess -q scan …"]),
    ("DE", ["plan", "INV", "--verbose"],
     ["error: --verbose is an option of bleu-assess, not of plan: it goes before the command",
      "hint: bleu-assess --verbose plan …"]),
    ("FR", ["scan", "INV", "-f", "jsn"],
     ["erreur : --format : « jsn » n'est pas une valeur permise (vouliez-vous dire « json » ?) ; valeurs : table, "
      "json, markdown, csv, sarif ou junit", "conseil : bleu-assess scan -h montre son usage et ses options"]),
    ("FR", ["plan", "INV", "-f", "xlsx", "--lang", "en"],
     ["error: --format: 'xlsx' is not an allowed value; values: markdown, json, csv or table"]),
])
def test_a_typo_is_said_in_the_command_language(tmp_path: Path, country: str, argv: list[str], said: list[str]) -> None:
    code, output = run(tmp_path, country, *argv)
    assert code == 2
    for words in said:
        assert words in output
    assert "Traceback" not in output and "Error:" not in output and "Usage:" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.yaml"]


def test_a_command_that_runs_keeps_its_exit_status(tmp_path: Path) -> None:
    assert run(tmp_path, "FR", "-q", "scan", "INV", "-f", "json", "-o", "r.json")[0] == 0
    assert (tmp_path / "r.json").exists()
    assert run(tmp_path, "FR", "validate", "absent.yaml")[0] == 2
