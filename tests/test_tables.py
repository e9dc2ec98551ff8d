"""Terminal tables fit the terminal: no line wider than it, no word cut, hidden columns named."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from bleu_assess import api
from bleu_assess.render import i18n
from bleu_assess.render import plan as plan_render
from bleu_assess.render import scan as scan_render

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


@pytest.mark.parametrize("lang, named", [("fr", "Applications (A) : 2, jeux de données (D) : 1"),
                                         ("en", "Applications (A): 2, datasets (D): 1")])
def test_without_colours_each_row_shows_its_items_kind(write_inventory: Any, runner: Any, lang: str,
                                                       named: str) -> None:
    # Piped, NO_COLOR, 80 columns: no italics to tell the dataset from the applications, so each
    # id follows the mark of its kind, which the summary names; nothing is wider for it.
    from bleu_assess.cli import app

    path = write_inventory({
        "format": "bleu-assess/v2", "organisation": {"name": "Mairie", "country": "FR", "type": "local-authority"},
        "applications": [{"id": "etat-civil", "name": "État civil", "hosting": {"model": "on-premises"},
                          "datasets": ["actes"]},
                         {"id": "site", "name": "Site", "hosting": {"model": "on-premises"}, "datasets": ["actes"]}],
        "datasets": [{"id": "actes", "name": "Actes", "classification": "personal"}]})
    result = runner.invoke(app, ["scan", str(path), "--lang", lang], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and "\x1b" not in result.stdout
    first_cells = {line.split("│")[1].strip() for line in lines if line.startswith("│ ") and line.split("│")[1].strip()}
    marks = scan_render.kind_marks(lang)
    assert first_cells >= {f"{marks['application']} etat-civil", f"{marks['application']} site",
                           f"{marks['dataset']} actes"}
    assert marks["application"] != marks["dataset"]
    assert named in result.stdout


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


@pytest.fixture(scope="module")
def large_estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated estate above the table's LARGE threshold (benchmarks/generate.py, 120 applications
    and 40 datasets)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    path = tmp_path_factory.mktemp("large") / "estate.yaml"
    path.write_text(generate(120), encoding="utf-8")
    return path


def test_a_large_estate_shows_the_items_that_matter_most_and_says_how_to_see_the_rest(large_estate: Path) -> None:
    result = api.scan(large_estate, lang="en", as_of="2026-06-30")
    assert len(result.items) > scan_render.LARGE
    lines = rendered(scan_render.table(result, 120), 120)
    assert max(len(line) for line in lines) <= 120
    text = "\n".join(lines)
    shown = [i for i in result.items if i.id in cell_words(lines)]
    assert len(shown) == scan_render.SHOWN
    assert f"{scan_render.SHOWN} of {len(result.items)} items shown" in text and "--all" in text
    assert "Summary" in text and "Readiness:" in text
    # Not ready first, then those that cannot be assessed; the rest only once those are all shown.
    ranks = {"not-ready": 0, "unknown": 1, "ready-with-conditions": 2, "ready": 3}
    worst_left_out = min(ranks[i.readiness] for i in result.items if i not in shown)
    assert all(ranks[i.readiness] <= worst_left_out for i in shown)
    not_ready = [i for i in result.items if i.readiness == "not-ready"]
    if len(not_ready) >= scan_render.SHOWN:  # the highest exposures among them
        floor = min(i.exposure.score for i in shown)
        assert all(i.exposure.score <= floor for i in not_ready if i not in shown)


@pytest.mark.parametrize("width", [80, 160])
def test_all_lists_every_item_of_a_large_estate_fitted_and_without_cut_words(large_estate: Path, width: int) -> None:
    result = api.scan(large_estate, lang="fr", as_of="2026-06-30")
    text = scan_render.table(result, width, every=True)
    assert isinstance(text, str)  # the plain fixed-width layout
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    words = {word for line in lines for word in line.split()}
    for item in result.items:
        assert item.id in words
        assert set(i18n.label("readiness", item.readiness, "fr").split()) <= words
    assert "Synthèse" in text and "Préparation :" in text


def test_scan_all_writes_the_plain_table_through_the_cli(large_estate: Path, runner: object, tmp_path: Path) -> None:
    from bleu_assess.cli import app

    out = tmp_path / "table.txt"
    done = runner.invoke(app, ["-q", "scan", str(large_estate), "--as-of", "2026-06-30", "--all", "-o", str(out)])  # type: ignore[attr-defined]
    assert done.exit_code == 0, done.output
    written = out.read_text(encoding="utf-8")
    assert all(f"app-{k:06d}" in written for k in range(120))


def as_rich(renderable: Any) -> Any:
    """The same renderable with each fitted table replaced by the rich Table it stands for."""
    from rich.console import Group

    from bleu_assess.render.tables import Fitted

    if hasattr(renderable, "__rich__"):  # Stack, Boxed, Line: the rich objects they stand for
        renderable = renderable.__rich__()
    if isinstance(renderable, Fitted):
        return renderable.table()
    if isinstance(renderable, Group):
        return Group(*(as_rich(part) for part in renderable.renderables))
    return renderable


def printed(renderable: object, width: int, **options: object) -> str:
    console = Console(width=width, file=io.StringIO(), emoji=False, markup=False, highlight=False, **options)  # type: ignore[arg-type]
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 160, 200])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_fitted_tables_print_exactly_as_the_rich_table(width: int, lang: str) -> None:
    """Without colours (a pipe, a file) a table's lines are written directly (render/tables.py:
    Fitted): character for character what rich's Table prints; with colours, rich prints it."""
    done = api.load_and_assess(EXAMPLE, lang=lang)
    plan = api.plan(done.result, done.ig)
    for renderable in (scan_render.table(done.result, width), plan_render.table(plan, done.ig.inventory, width)):
        for options in ({"no_color": True}, {"force_terminal": True, "color_system": "truecolor"}):
            assert printed(renderable, width, **options) == printed(as_rich(renderable), width, **options)


@pytest.mark.parametrize("width", [30, 50, 90])
def test_cells_that_wrap_or_are_wide_print_as_the_rich_table(width: int) -> None:
    from rich.text import Text

    from bleu_assess.render.tables import ALWAYS, Column, fitted

    texts = ["plain", "  leading and trailing  ", "two\nlines", "a long sentence that wraps over lines in a column",
             "日本語の長い文字列", "emoji 🙂 width", "", "unbreakable-averyveryverylongwordindeed-x"]
    for cells in (texts, [*texts, "tab\there"]):  # a control character: rich prints the whole table
        columns = [Column("Id", [Text(f"id-{n}") for n in range(len(cells))], ALWAYS, no_wrap=True),
                   Column("Said", [Text(text) for text in cells], 5, flexible_min=12),
                   Column("Plain header that wraps", [text[:5] for text in cells], 2)]
        table = fitted("A title long enough to wrap on a narrow terminal", columns, width, "en")
        console = Console(width=width, file=io.StringIO(), no_color=True)
        assert (table._plain_body(console, console.options) is None) == (cells is not texts)
        assert printed(table, width, no_color=True) == printed(table.table(), width, no_color=True)


def _example_tables() -> list[tuple[Any, str]]:
    out = []
    for lang in ("en", "fr"):
        done = api.load_and_assess(EXAMPLE, lang=lang)
        out.append((done.result, lang))
    return out


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 160, 200])
def test_the_scan_table_laid_out_without_rich_is_what_rich_prints(width: int, large_estate: Path) -> None:
    """On a pipe or in a file (no colours) the scan table is laid out without importing rich
    (render/tables.py: as_text): character for character what rich prints, or None (rich then
    prints it); the hospital example at 60 columns and more takes the fast way."""
    from bleu_assess.render.tables import as_text

    results = [r for r, _ in _example_tables()] + [api.scan(large_estate, lang="en", as_of="2026-06-30")]
    for index, result in enumerate(results):
        table = scan_render.table(result, width)
        text = as_text(table, width)
        if index < 2 and width >= 60:
            assert text is not None
        if text is not None:
            assert text == printed(as_rich(table), width, no_color=True)


@pytest.mark.parametrize("width", [30, 50, 90])
def test_texts_rich_would_lay_out_otherwise_are_left_to_rich(width: int) -> None:
    from bleu_assess.render.tables import ALWAYS, Boxed, Column, Line, Stack, Styled, as_text, fitted

    texts = ["plain", "a long sentence that wraps over lines in a column and again", "x", "—  † ’ …",
             "Élevée (85)", "unbreakable-averyveryverylongwordindeed-x", "  leading", "two  spaces inside a long cell", "Référentiels\u00a0: a, b\u00a0; c\u00a0» d e f g h i j k l m n o p",
             "ends with spaces that go beyond the column width        ",
             "two\nlines", "日本語の長い文字列", "emoji 🙂 width", "", "tab\there", "soft\xadhyphen"]
    for text in texts:
        columns = [Column("Id", [Styled("id-1", "italic"), Styled(text[:12])], ALWAYS, no_wrap=True),
                   Column("Said", [Styled(text, "bold red"), Styled("short")], 5, flexible_min=12),
                   Column("Plain header that wraps", ["a b", text], 2)]
        for title, box_text in (("A title long enough to wrap on a narrow terminal", "Line one\n" + text),
                                (text or "t", "Summary: 1, 2, 3"), ("[bold]markup[/]", "x")):
            table = Stack(fitted(title, columns, width, "en"), Line(text), Boxed(box_text, title))
            laid_out = as_text(table, width)
            if laid_out is not None:
                assert laid_out == printed(as_rich(table), width, no_color=True), (text, title)


def test_the_characters_taken_as_one_column_are_one_column_for_rich() -> None:
    from rich import box
    from rich.cells import cell_len

    from bleu_assess.render.tables import _NARROW, HEAVY_HEAD

    assert [c for c in _NARROW if cell_len(c) != 1 or not (c.isprintable() or c == "\u00a0")] == []
    frame = box.HEAVY_HEAD
    assert HEAVY_HEAD == (frame.top_left + frame.top + frame.top_divider + frame.top_right,
                          frame.head_left + frame.head_vertical + frame.head_right,
                          frame.head_row_left + frame.head_row_horizontal + frame.head_row_cross + frame.head_row_right,
                          frame.mid_left + frame.mid_vertical + frame.mid_right,
                          frame.foot_left + frame.foot_vertical + frame.foot_right,
                          frame.bottom_left + frame.bottom + frame.bottom_divider + frame.bottom_right)


@pytest.mark.parametrize(("environment", "fast"), [
    ({"COLUMNS": "120"}, True), ({"COLUMNS": "80", "LANG": "C.UTF-8"}, True), ({}, True),
    ({"COLUMNS": "120", "FORCE_COLOR": "1"}, False), ({"COLUMNS": "120", "TERM": "dumb"}, False),
    ({"COLUMNS": "120", "TTY_COMPATIBLE": "1"}, False), ({"COLUMNS": "8"}, False),
])
def test_a_scan_to_a_pipe_prints_what_rich_prints_without_importing_it(environment: dict[str, str],
                                                                        fast: bool) -> None:
    """A real process writing to a pipe: the same bytes as rich's Console printing the same
    table (COLUMNS, else 80 columns), rich imported only where the environment asks rich to decide."""
    import os
    import subprocess
    import sys

    probe = ("import sys\nfrom bleu_assess.cli import main\nsys.argv = ['bleu-assess', '-q'] + sys.argv[1:]\n"
             "try:\n    main()\nfinally:\n    print('rich' in sys.modules, file=sys.stderr)\n")
    rich_way = ("import sys\nfrom rich.console import Console\nfrom bleu_assess import api\n"
                "from bleu_assess.render import scan\nsys.path.insert(0, sys.argv[2])\nfrom test_tables import as_rich\n"
                "console = Console(markup=False, highlight=False, emoji=False, soft_wrap=False)\n"
                "console.print(as_rich(scan.table(api.scan(sys.argv[1], lang='en'), console.size.width)))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR", "TERM", "TTY_COMPATIBLE", "NO_COLOR")}
    env.update(environment)
    runs = [subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, check=False, env=env,
                           stdin=subprocess.DEVNULL)
            for code, argv in ((probe, ["scan", str(EXAMPLE), "--lang", "en"]),
                               (rich_way, [str(EXAMPLE), str(Path(__file__).parent)]))]
    assert runs[0].returncode == 0 and runs[1].returncode == 0, runs[1].stderr.decode()[-500:]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr.decode().strip() == str(not fast)


def test_a_scan_table_written_to_a_file_is_what_rich_prints_at_the_file_width(runner: object, tmp_path: Path) -> None:
    from bleu_assess.cli import app
    from bleu_assess.cli.console import FILE_WIDTH

    out = tmp_path / "table.txt"
    done = runner.invoke(app, ["-q", "scan", str(EXAMPLE), "--lang", "fr", "-o", str(out)])  # type: ignore[attr-defined]
    assert done.exit_code == 0, done.output
    table = scan_render.table(api.scan(EXAMPLE, lang="fr"), FILE_WIDTH)
    assert out.read_text(encoding="utf-8") == printed(as_rich(table), FILE_WIDTH, no_color=True)
