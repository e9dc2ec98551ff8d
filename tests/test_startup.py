"""Start-up: a run builds only the command it invokes (cli.only), with the same output as the
whole application would give, and the lists, help and usage errors stay whole."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bleu_assess.cli import app, invoked, only

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"


@pytest.mark.parametrize(("argv", "path"), [
    (["scan", "x.yaml"], ["scan"]),
    (["-q", "--no-color", "scan", "x.yaml", "--format", "json"], ["scan"]),
    (["--catalogue", "plan", "scan", "x.yaml"], ["scan"]),  # --catalogue takes a value, even a command's name
    (["rules", "show", "SNC-SCOPE-001"], ["rules", "show"]),
    (["rules", "--help"], ["rules"]),
    (["--help"], []),
    ([], []),
])
def test_the_command_a_command_line_names(argv: list[str], path: list[str]) -> None:
    assert invoked(argv) == path


def _names(group: object) -> list[str]:
    return sorted(getattr(group, "commands", {}))


def test_only_registers_the_named_command_then_restores_every_command() -> None:
    from typer.main import get_command

    everything = _names(get_command(app))
    with only(["scan"]):
        assert _names(get_command(app)) == ["scan"]
    with only(["rules", "show"]):
        rules = get_command(app).commands["rules"]  # type: ignore[attr-defined]
        assert _names(get_command(app)) == ["rules"] and _names(rules) == ["show"]
    with only(["scna"]):  # a typo: every command, for the did-you-mean message
        assert _names(get_command(app)) == everything
    with only([], version=True):
        assert _names(get_command(app)) == []
    with only([]):  # the list of commands (`--help`): every name, no parameter inspected
        listed = get_command(app)
        assert _names(listed) == everything
        assert not listed.commands["scan"].params and not listed.commands["rules"].commands["show"].params  # type: ignore[attr-defined]
    assert _names(get_command(app)) == everything and "scan" in everything and "rules" in everything


@pytest.mark.parametrize("argv", [
    ["--help"], ["scan", "--help"], ["rules", "--help"], ["rules", "show", "--help"], ["scna", "x"],
    ["rules", "shw"], ["--version"], ["-q", "--version"], ["-q"], ["scan", str(EXAMPLE), "--lang", "en"],
    ["import", "--help"], ["import", "rvtols"], ["export", "--help"], ["catalogue", "--help"], ["fit", "--help"],
])
def test_a_process_prints_what_the_whole_application_prints(argv: list[str]) -> None:
    """`bleu-assess …` (one command built) against typer running the application with every
    command built: the same output, error stream and exit status."""
    whole = ("import sys\nfrom bleu_assess.cli import app\nsys.argv[0] = 'bleu-assess'\n"
             "app(prog_name='bleu-assess')\n")
    lazy = "import sys\nfrom bleu_assess.cli import main\nsys.argv[0] = 'bleu-assess'\nmain()\n"
    runs = [subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False,
                           env={**os.environ, "COLUMNS": "120"}) for code in (whole, lazy)]
    assert (runs[0].returncode, runs[0].stdout, runs[0].stderr) == (runs[1].returncode, runs[1].stdout,
                                                                    runs[1].stderr)
    assert runs[1].stdout or runs[1].stderr


def test_a_locale_read_back_from_the_cache_words_as_babel_does(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import datetime

    from babel import Locale
    from babel.dates import format_date
    from babel.lists import format_list
    from babel.numbers import format_decimal

    from bleu_assess import locales

    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path))
    for name in ("fr_FR", "en_GB", "fr"):
        locales.locale.cache_clear()
        built = locales.locale(name)
        locales.locale.cache_clear()
        stored = locales.locale(name)  # unpickled from the entry just written
        assert stored is not built and list(tmp_path.glob("locale-*.pickle"))
        babel = Locale.parse(name)
        day = datetime.date(2027, 1, 4)
        for form in ("short", "medium", "long"):
            assert format_date(day, form, locale=stored) == format_date(day, form, locale=babel)
        assert format_decimal(1234.5, locale=stored) == format_decimal(1234.5, locale=babel)
        assert format_list(["a", "b", "c"], locale=stored) == format_list(["a", "b", "c"], locale=babel)
        assert stored.territories["US"] == babel.territories["US"]
        assert [stored.plural_form(n) for n in (0, 1, 2, 1.5)] == [babel.plural_form(n) for n in (0, 1, 2, 1.5)]
    locales.locale.cache_clear()


def test_templates_are_compiled_once_then_anew_when_edited(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bleu_assess.render import templating

    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "note.md.j2").write_text("{{ t('scan.col_item') }}: {{ name }}\n", encoding="utf-8")
    assert templating.render("note.md.j2", {"name": "a"}, folder, "en") == "Item: a\n"
    assert len(list((tmp_path / "cache").glob("templates-*/__jinja2_*.cache"))) == 1
    assert templating.render("note.md.j2", {"name": "b"}, folder, "fr") == "Élément: b\n"  # from the bytecode
    (folder / "note.md.j2").write_text("{{ name }}!\n", encoding="utf-8")
    assert templating.render("note.md.j2", {"name": "c"}, folder, "en") == "c!\n"  # the edit is compiled


def test_a_cache_that_cannot_be_written_is_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bleu_assess.render import templating

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(blocked))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "note.md.j2").write_text("{{ name }}\n", encoding="utf-8")
    assert templating.render("note.md.j2", {"name": "a"}, folder, "en") == "a\n"


def test_a_brand_file_read_back_from_the_cache_is_checked_as_when_parsed(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    from bleu_assess.errors import TemplateError
    from bleu_assess.render.report_parts import brand

    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "templates" / "report"
    folder.mkdir(parents=True)
    (folder / "brand.yaml").write_text('accent: "#6a1b9a"\nfooter: "CHU"\n', encoding="utf-8")
    for _ in range(2):  # parsed, then from the cache
        assert brand(str(tmp_path / "templates"))["accent"] == "#6a1b9a"
    for text, problem in (("- a list\n", "expected text values"), ("accent: [unclosed\n", "cannot be read"),
                          ('accent: "purple"\n', "not a #rrggbb colour")):
        (folder / "brand.yaml").write_text(text, encoding="utf-8")
        for _ in range(2):
            with pytest.raises(TemplateError, match=problem):
                brand(str(tmp_path / "templates"))


def test_country_names_plurals_dates_numbers_and_lists_kept_apart_are_babels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """locales.territories, plural_categories, plural_category, date, number and l10n.join
    (on locales.list_patterns) answer from small cache entries what Babel answers (read back
    from the cache in a second pass)."""
    import datetime

    from babel import Locale
    from babel.dates import format_date
    from babel.lists import format_list
    from babel.numbers import format_decimal

    from bleu_assess import locales
    from bleu_assess.render import l10n

    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path))
    days = [datetime.date(2026, 6, 30), datetime.date(2027, 1, 4), datetime.date(2026, 11, 1)]
    for _ in range(2):
        for name in ("fr_FR", "en_GB", "fr"):
            for kept in (locales.territories, locales.plural_categories, locales.list_patterns, locales._memo):
                kept.cache_clear()
            babel = Locale.parse(name)
            assert locales.territories(name) == dict(babel.territories)
            assert list(locales.plural_categories(name)) == [babel.plural_form(n) for n in range(locales.PLURAL_COUNTS)]
            for day in days:
                for form in ("short", "medium", "long", "LLL yyyy"):
                    assert locales.date(day, form, name) == format_date(day, form, locale=babel)
            for value in (2.5, 1234.5, 1000, 1_000_000, 0.1, -3.25, 7):
                assert locales.number(value, name) == format_decimal(value, locale=babel)
                assert locales.plural_category(name, value) == babel.plural_form(value)
            lang = {"fr_FR": "fr", "en_GB": "en"}.get(name)
            for count in range(6) if lang else ():
                items = [f"« item {k} »" for k in range(count)]
                for style in ("standard", "or"):
                    assert l10n.join(items, lang, style) == (format_list(items, style=style, locale=babel)  # type: ignore[arg-type]
                                                               if items else "")
    assert list(tmp_path.glob("territories-*.pickle")) and list(tmp_path.glob("plural-*.pickle"))
    assert list(tmp_path.glob("lists-*.pickle"))


def test_a_memo_is_written_when_the_process_ends_and_read_back_by_the_next(tmp_path: Path) -> None:
    code = ("import sys, datetime\nfrom bleu_assess import locales\n"
            "print(locales.date(datetime.date(2026, 6, 30), 'long', 'fr_FR'), 'babel' in sys.modules)\n")
    env = {**os.environ, "BLEU_ASSESS_CACHE": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
            for _ in range(2)]
    assert runs == ["30 juin 2026 True\n", "30 juin 2026 False\n"]
    assert len(list(tmp_path.glob("dates-*.pickle"))) == 1


def _heavy_modules_imported(*args: str, cwd: Path | None = None) -> list[str]:
    """Which heavy libraries a second run of `bleu-assess -q ARGS` imports (the first fills the
    cache, as a user's second run finds it)."""
    probe = ("import sys\nfrom bleu_assess.cli import main\nsys.argv = ['bleu-assess', '-q'] + sys.argv[1:]\n"
             "try:\n    main()\nfinally:\n"
             "    print(sorted(m for m in ('babel', 'rich', 'jinja2', 'yaml', 'networkx') if m in sys.modules), "
             "file=sys.stderr)\n")
    argv = [sys.executable, "-c", probe, *args]
    env = {**os.environ, "COLUMNS": "120"}
    subprocess.run(argv, capture_output=True, check=True, env=env, cwd=cwd)
    done = subprocess.run(argv, capture_output=True, text=True, check=True, env=env, cwd=cwd)
    return ast.literal_eval(done.stderr.strip().splitlines()[-1])


def test_a_hospital_scan_on_a_pipe_imports_neither_babel_nor_rich() -> None:
    assert _heavy_modules_imported("scan", str(EXAMPLE), "--as-of", "2026-06-30") == []


def test_a_table_import_and_its_markdown_report_need_no_template_engine(tmp_path: Path) -> None:
    # The import report is Markdown written line by line: its escaping lives apart from Jinja.
    (tmp_path / "applications.csv").write_text("id;name;criticality\nrh;Ressources humaines;*Très* haute\n",
                                               encoding="utf-8")
    assert "jinja2" not in _heavy_modules_imported("import", "table", "applications.csv", "-m", "template",
                                                    "--organisation", "Hôpital", "-o", "out.yaml",
                                                    "--report", "import.md", cwd=tmp_path)
    said = next(line for line in (tmp_path / "import.md").read_text(encoding="utf-8").splitlines() if "haute" in line)
    assert "\\*Très\\* haute" in said and "'vital'" in said  # escaped for Markdown, as before


def test_the_program_ends_with_the_commands_status_and_output_and_writes_its_cache(tmp_path: Path) -> None:
    """`python -m bleu_assess` ends the process itself once the command is done (__main__.py):
    the same output, error stream and exit status as cli.main under Python's own ending, and
    the exit handlers have run (the compiled cache's memos and records are written)."""
    env = {**os.environ, "COLUMNS": "120", "BLEU_ASSESS_CACHE": str(tmp_path / "cache")}
    lazy = "import sys\nfrom bleu_assess.cli import main\nsys.argv[0] = 'bleu-assess'\nmain()\n"
    for argv in (["--version"], ["-q", "scan", str(EXAMPLE), "--as-of", "2026-06-30", "--fail-on", "high"],
                 ["scan", str(tmp_path / "missing.yaml")], ["scna"], ["-q", "scan", str(EXAMPLE), "--format", "json"]):
        runs = [subprocess.run([sys.executable, *how, *argv], capture_output=True, check=False, env=env)
                for how in (["-m", "bleu_assess"], ["-c", lazy])]
        assert (runs[0].returncode, runs[0].stdout, runs[0].stderr) == (runs[1].returncode, runs[1].stdout,
                                                                        runs[1].stderr), argv
    assert [run.returncode for run in runs] == [0, 0]
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "bleu_assess", "-q", "scan", str(EXAMPLE), "--as-of", "2026-06-30"],
                   capture_output=True, check=True, env={**env, "BLEU_ASSESS_CACHE": str(fresh)})
    assert list(fresh.glob("dates-*.pickle")) and list(fresh.glob("records-*.marshal"))


def test_the_program_knows_which_module_registers_each_command() -> None:
    """cli.COMMANDS (what `main` imports for a command) and cli.GROUPS against what the command
    modules register once all are imported."""
    import bleu_assess.cli as cli

    app = cli.app  # every module imported
    found: dict[str, set[str]] = {}
    for c in app.registered_commands:
        found.setdefault(c.name, set()).add(c.callback.__module__.rsplit(".", 1)[1])
    for g in app.registered_groups:
        for c in g.typer_instance.registered_commands:
            found.setdefault(g.name, set()).add(c.callback.__module__.rsplit(".", 1)[1])
    assert {name: set(modules) for name, modules in cli.COMMANDS.items()} == found
    assert cli.GROUPS == {g.name for g in app.registered_groups}
    assert set(cli.MODULES) == {p.stem for p in (Path(cli.__file__).parent).glob("*.py")
                                if "@command(" in p.read_text(encoding="utf-8") and p.stem != "__init__"}


def test_a_run_imports_only_the_command_modules_it_needs() -> None:
    probe = ("import sys\nfrom bleu_assess.cli import main\nsys.argv = ['bleu-assess'] + sys.argv[1:]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('bleu_assess.cli.')"
             " and m.rsplit('.', 1)[1] in ('inventory', 'assess', 'planning', 'reporting', 'interop', 'qualify',"
             " 'catalogue', 'discovery')))\n")
    for argv, modules in ((["--version"], []), (["scan", "--help"], ["assess"]), (["import", "--help"], ["discovery", "interop"]),
                          (["--help"], ["assess", "catalogue", "discovery", "interop", "inventory", "planning", "qualify",
                                        "reporting"])):
        done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True)
        assert done.stdout.strip().splitlines()[-1] == str(modules), argv
