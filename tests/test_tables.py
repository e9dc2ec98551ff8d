"""Terminal tables fit the terminal: no line wider than it, no word cut, hidden columns named."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from bleu_assess import api
from bleu_assess.render import i18n, plan as plan_render, scan as scan_render

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"
BORDERS = re.compile(r"[│┃┏┓┗┛┡┩┣┫━─┳┻╇╋┼└┘┌┐├┤┬┴]")


def rendered(renderable: object, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), no_color=True, emoji=False, markup=False, highlight=False)
    console.print(renderable)
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


def cell_words(lines: list[str]) -> set[str]:
    return {word for line in lines for word in BORDERS.sub(" ", line).split()}


@pytest.mark.parametrize("width", [60, 80, 100, 160])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_scan_table_fits_and_never_cuts_a_word(width: int, lang: str) -> None:
    result = api.scan(EXAMPLE, lang=lang)
    lines = rendered(scan_render.table(result, width), width)
    assert max(len(line) for line in lines) <= width
    words = cell_words(lines)
    # Every readiness label is shown whole, whatever the width: the column always stays.
    for item in result.items:
        assert set(i18n.label("readiness", item.readiness, lang).split()) <= words
        assert item.id in words


def test_a_narrow_terminal_names_the_columns_it_leaves_out() -> None:
    result = api.scan(EXAMPLE, lang="en")
    narrow = "\n".join(rendered(scan_render.table(result, 80), 80))
    assert "Not shown at this width:" in narrow and "Platform" in narrow
    wide = "\n".join(rendered(scan_render.table(result, 200), 200))
    assert "Not shown" not in wide and "Platform" in wide and "Top finding" in wide


@pytest.mark.parametrize("width", [60, 80, 120])
def test_plan_tables_fit_and_keep_application_ids_whole(width: int) -> None:
    loaded = api.load(EXAMPLE)
    ig = api.graph(loaded.inventory)
    planned = api.plan(api.assess(loaded.inventory, lang="fr"), ig)
    lines = rendered(plan_render.table(planned, loaded.inventory, width), width)
    assert max(len(line) for line in lines) <= width
    words = cell_words(lines)
    assert {a for wave in planned.waves for a in wave.applications} <= words


def test_an_empty_estate_gives_empty_tables_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("format: bleu-assess/v1\norganisation: {name: Vide, country: FR, type: other}\napplications: []\n",
                    encoding="utf-8")
    result = api.scan(path, lang="fr")
    text = "\n".join(rendered(scan_render.table(result, 100), 100))
    assert "Élément" in text and "Préparation : —" in text


def test_diff_table_fits_and_labels_values_in_the_reader_language(tmp_path: Path) -> None:
    from bleu_assess.render import diff as differ

    before = api.scan(EXAMPLE, lang="fr").to_dict()
    after_path = tmp_path / "after.yaml"
    after_path.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        '    blockers: ["Licence Oracle non transférable en IaaS"]\n', ""), encoding="utf-8")
    result = differ.compare(before, api.scan(after_path, lang="fr").to_dict(), "avant", "après")
    assert ("dpi", "GOV-BLK-001", "blocker") in result.resolved_findings  # codes in the data
    for width in (80, 160):
        lines = rendered(differ.table(result, "fr", width), width)
        assert max(len(line) for line in lines) <= width
    assert "Bloquant" in "\n".join(rendered(differ.table(result, "fr", 160), 160))
