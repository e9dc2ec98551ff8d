"""The import report's notes: said once for the many cells of a column read alike, listed as
one line per group of alike notes, whichever way each note was made."""

from __future__ import annotations

from bleu_assess.intake import mapping
from bleu_assess.intake.items import Run
from bleu_assess.intake.reader import Sheet
from bleu_assess.intake.report import markdown


def _run() -> tuple[Run, Sheet]:
    sheet = Sheet("apps.xlsx", "applications", False, [])
    return Run(mapping.load("template"), [sheet]), sheet


def test_a_note_said_for_many_cells_is_the_note_of_each_cell() -> None:
    run, sheet = _run()
    say = run.saying("translated", sheet, "criticality", "read_as", text="Vitale", value="'vital'")
    say(2, 3)
    say(9, 3)
    alone, _ = _run()
    for row in (2, 9):
        alone.note("translated", sheet, row, 3, "criticality", "read_as", text="Vitale", value="'vital'")
    assert run.result.notes == alone.result.notes
    assert [n.where.format() for n in run.result.notes] == [
        "apps.xlsx: applications!D2: criticality: 'Vitale' read as 'vital'",
        "apps.xlsx: applications!D9: criticality: 'Vitale' read as 'vital'"]


def test_alike_notes_are_one_line_of_the_report_whether_said_together_or_apart() -> None:
    run, sheet = _run()
    say = run.saying("translated", sheet, "criticality", "read_as", text="Vitale", value="'vital'")
    say(2, 3)
    run.note("translated", sheet, 3, 3, "criticality", "read_as", text="Vitale", value="'vital'")
    say(4, 3)
    run.note("translated", sheet, 5, 3, "criticality", "read_as", value="'vital'", text="Vitale")
    run.note("translated", sheet, 6, 3, "criticality", "read_as", text="Haute", value="'high'")
    run.result.data = {}
    lines = [line for line in markdown(run.result, "en").splitlines() if line.startswith("| apps")]
    assert lines == ["| apps.xlsx: applications!D2, D3, D4, D5 | criticality | 'Vitale' read as 'vital' |",
                     "| apps.xlsx: applications!D6 | criticality | 'Haute' read as 'high' |"]
