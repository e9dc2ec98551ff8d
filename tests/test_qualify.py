"""`bleu-assess qualify`: the two criteria of the DINUM vade-mecum asked on a terminal (a real
process on a pseudo-terminal) or through a worksheet sent to data owners, the answers written back
into the inventory with its comments and layout kept; and the v1 -> v2 rewrite of `sensitive`."""

from __future__ import annotations

import io
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.inventory import sensitivity
from bleu_assess.render.i18n import t

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "examples" / "minimal.yaml"


def on_terminal(args: list[str], answers: list[str], timeout: float = 60) -> tuple[str, int]:
    """Run the CLI with its standard streams on a pseudo-terminal, answering each prompt (a line
    ending in ': ') in turn; the whole conversation and the exit code."""
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "bleu_assess", *args], stdin=terminal, stdout=terminal,
                               stderr=terminal, env=env, cwd=ROOT)
    os.close(terminal)
    seen, pending, deadline = "", list(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(controller, 65536).decode("utf-8", "replace")
        except OSError:  # the terminal closes when the process ends
            break
        seen += chunk
        if pending and seen.rstrip(" ").endswith(":"):
            os.write(controller, (pending.pop(0) + "\n").encode("utf-8"))
    os.close(controller)
    return seen, process.wait(timeout=10)


def test_qualify_on_a_terminal_writes_the_answers_back_keeping_comments(tmp_path: Path) -> None:
    inventory = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, inventory)
    before = inventory.read_text(encoding="utf-8")
    conversation, code = on_terminal(
        ["qualify", str(inventory), "--lang", "en", "--as-of", "2026-11-30"],
        ["yes", "yes", "Civil registration: private life, essential to the commune", "DGS"])
    assert code == 0, conversation
    assert "Criterion 1" in conversation and "Criterion 2" in conversation
    assert "particular sensitivity: yes" in conversation
    after = inventory.read_text(encoding="utf-8")
    # Every line of the original is still there, in order: comments and layout kept.
    kept = iter(after.splitlines())
    assert all(any(line == other for other in kept) for line in before.splitlines())
    dataset = yaml.safe_load(after)["datasets"][0]
    assert dataset["particular_sensitivity"] == "yes"
    assert dataset["sensitivity_assessment"] == {
        "secret_or_essential_mission": "yes", "harm_if_breached": "yes",
        "rationale": "Civil registration: private life, essential to the commune", "assessed_by": "DGS",
        "assessed_on": "2026-11-30"}
    # The commune's civil registration is now recommended for SecNumCloud (DINUM FAQ).
    assert api.scan(inventory).item("etat-civil").secnumcloud_scope == "recommended"


def test_qualify_without_a_terminal_stops_at_the_end_of_input_writing_nothing_and_names_the_worksheet(
        tmp_path: Path) -> None:
    inventory = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, inventory)
    before = inventory.read_bytes()
    # A CI job or a pipe: one answer, then the input ends before the second criterion.
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "qualify", str(inventory), "--lang", "en"],
                          input="yes\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert "nothing was written" in done.stderr and "--worksheet" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert inventory.read_bytes() == before


def test_a_worksheet_goes_to_data_owners_and_comes_back(runner: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    inventory = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, inventory)
    sheet = tmp_path / "qualification.xlsx"
    result = runner.invoke(app, ["qualify", str(inventory), "--worksheet", str(sheet), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert inventory.read_text(encoding="utf-8") == MINIMAL.read_text(encoding="utf-8")  # not touched yet
    book = load_workbook(sheet)
    assert book.sheetnames == ["Qualification"]
    owner = book["Qualification"]
    rows = list(owner.iter_rows(values_only=True))
    assert rows[1] == sensitivity.WORKSHEET_COLUMNS
    # The reader's words: the classification's label, the criteria as « oui / non / ne sait pas ».
    assert rows[2][:3] == ("actes-etat-civil", "Actes d'état civil", "Personnelle")
    assert "(oui/non/ne sait pas)" in rows[0][3]
    assert [v.formula1 for v in owner.data_validations.dataValidation] == ['"oui,non,ne sait pas"']
    owner["D3"], owner["E3"], owner["F3"], owner["G3"] = "Oui", "non", "Atteinte limitée", "Officier d'état civil"
    book.save(sheet)
    result = runner.invoke(app, ["qualify", str(inventory), "--from-worksheet", str(sheet), "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    text = inventory.read_text(encoding="utf-8")
    assert "# sur site : aucun fournisseur à déclarer" in text
    dataset = yaml.safe_load(text)["datasets"][0]
    assert dataset["particular_sensitivity"] == "no"  # cumulative criteria: one no is enough
    assert dataset["sensitivity_assessment"]["assessed_by"] == "Officier d'état civil"
    assert dataset["sensitivity_assessment"]["assessed_on"] == "2026-12-01"
    assert api.load(inventory).inventory.datasets[0].assessment.harm_if_breached == "no"


def answered(runner: Any, tmp_path: Path, cells: dict[str, str], lang: str = "en") -> tuple[Path, Path]:
    """The minimal inventory and its worksheet (written in `lang`) with `cells` filled in."""
    from openpyxl import load_workbook

    inventory = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, inventory)
    sheet = tmp_path / "q.xlsx"
    assert runner.invoke(app, ["qualify", str(inventory), "--worksheet", str(sheet), "--lang", lang]).exit_code == 0
    book = load_workbook(sheet)
    for cell, value in cells.items():
        book["Qualification"][cell] = value
    book.save(sheet)
    return inventory, sheet


@pytest.mark.parametrize("answer", ["yes", "ne sait pas", "NSP", "unknown"])
def test_a_worksheet_answer_is_read_as_a_code_or_as_a_word_for_it_in_either_language(
        runner: Any, tmp_path: Path, answer: str) -> None:
    inventory, sheet = answered(runner, tmp_path, {"D3": answer, "E3": "yes"})
    result = runner.invoke(app, ["qualify", str(inventory), "--from-worksheet", str(sheet), "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assessment = api.load(inventory).inventory.datasets[0].assessment
    assert assessment.secret_or_essential_mission == ("yes" if answer == "yes" else "unknown")


@pytest.mark.parametrize("lang, words", [("en", "Qualification!D3: expected yes, no or unknown"),
                                         ("fr", "Qualification!D3 : réponse attendue : oui, non ou ne sait pas")])
def test_a_worksheet_answer_that_is_not_yes_no_or_unknown_is_refused_with_its_cell(
        runner: Any, tmp_path: Path, lang: str, words: str) -> None:
    inventory, sheet = answered(runner, tmp_path, {"D3": "peut-être", "E3": "yes"})
    result = runner.invoke(app, ["qualify", str(inventory), "--from-worksheet", str(sheet), "--lang", lang])
    assert result.exit_code == 2
    assert words in result.output.replace("\xa0", " ").replace("\u202f", " ")
    assert inventory.read_text(encoding="utf-8") == MINIMAL.read_text(encoding="utf-8")


def test_every_refused_answer_is_said_on_its_own_line(runner: Any, tmp_path: Path) -> None:
    inventory, sheet = answered(runner, tmp_path, {"D3": "peut-être", "E3": "yes", "A4": "absent", "D4": "yes",
                                                   "E4": "no"})
    result = runner.invoke(app, ["qualify", str(inventory), "--from-worksheet", str(sheet), "--lang", "en"])
    assert result.exit_code == 2
    assert "<U+000A>" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert any("Qualification!D3" in line for line in lines) and any("absent" in line for line in lines)


def test_upgrade_rewrites_v1_sensitive_as_particular_sensitivity_yes_with_a_comment_to_review() -> None:
    from ruamel.yaml import YAML

    text = ("datasets:\n"
            "  - id: courriers   # parapheurs\n"
            "    classification: sensitive\n"
            "  - {id: marches, classification: sensitive, personal_data: false}\n"
            "  - {id: pages, classification: public}\n")
    rt = YAML()
    document = rt.load(text)
    changed = [sensitivity.upgrade_v1_dataset(d, lambda code: t(f"qualify.{code}", "en")) for d in document["datasets"]]
    assert changed == [True, True, False]
    out = io.StringIO()
    rt.dump(document, out)
    result = out.getvalue()
    assert "# parapheurs" in result
    assert ('particular_sensitivity: "yes"  # upgrade: v1 \'sensitive\': particular sensitivity kept as yes; review it with '
            'bleu-assess qualify (DINUM vade-mecum)') in result
    data = yaml.safe_load(result)["datasets"]
    assert [(d["classification"], d.get("particular_sensitivity")) for d in data] == [
        ("special-category", "yes"), ("internal", "yes"), ("public", None)]


@pytest.mark.parametrize("first, second, expected", [
    ("yes", "yes", "yes"), ("yes", "no", "no"), ("no", "unknown", "no"), ("yes", "unknown", "unknown"),
])
def test_the_two_criteria_are_cumulative(first: str, second: str, expected: str) -> None:
    assert sensitivity.conclusion(first, second) == expected


def test_a_v1_inventory_rewritten_for_v2_keeps_every_verdict(tmp_path: Path) -> None:
    """v1 `sensitive` keeps its v1 meaning: the ministry example as it was in v1 (the examples are v2
    now), upgraded by bleu-assess upgrade's steps (upgrade_v1_dataset among them: its six
    `sensitive` datasets rewritten; the offers given their provider's qualifications), gets the
    same verdicts, item by item."""
    import yaml

    from bleu_assess.inventory.upgrade import format_v2, qualifications_per_offer, upgrade_texts

    source = Path(__file__).parent / "data" / "v1" / "ministere-exemple.yaml"
    text = source.read_text(encoding="utf-8")
    [(_, without)] = upgrade_texts([("m.yaml", text)], [format_v2, qualifications_per_offer])
    [(_, rewritten)] = upgrade_texts([("m.yaml", text)])
    changed = [a != b for a, b in zip(yaml.safe_load(without)["datasets"], yaml.safe_load(rewritten)["datasets"],
                                      strict=True)]
    assert sum(changed) == 6
    upgraded = tmp_path / "ministere-v2.yaml"
    upgraded.write_text(rewritten, encoding="utf-8")

    def verdicts(path: Path) -> dict[str, tuple[str, ...]]:
        result = api.scan(path, as_of="2026-11-30")
        return {i.id: (i.readiness, i.secnumcloud_scope, i.target, i.platform or "", i.exposure.level)
                for i in result.items}

    assert verdicts(upgraded) == verdicts(source)
