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


def test_a_notes_place_is_where_it_is_located() -> None:
    run, sheet = _run()
    run.saying("translated", sheet, "hosting.model", "read_as", text="Sur site", value="'on-premises'")(4, 4)
    run.note("ignored-rows", sheet, None, None, "", "other_rows", count=2, section="applications", columns="type")
    for note in run.result.notes:
        where = note.where
        assert note.place() == (where.file, where.sheet, where.line, where.column, where.field, where.message)
    assert run.result.notes[0].place()[:4] == ("apps.xlsx", "applications", 4, 5)


def test_a_csv_cell_is_named_after_the_header_read_when_it_was_said() -> None:
    sheet = Sheet("apps.csv", "apps", True, [], headers={3: "criticité"})
    run = Run(mapping.load("template"), [sheet])
    run.saying("translated", sheet, "criticality", "read_as", text="Vitale", value="'vital'")(2, 3)
    sheet.headers = {3: "autre"}  # another table reading the same file
    assert run.result.notes[0].where.format() == \
        "apps.csv:2: column criticité: criticality: 'Vitale' read as 'vital'"
