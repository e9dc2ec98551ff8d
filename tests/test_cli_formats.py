"""The command line's shape: every output format of every command is registered once and has its
renderer; shared options are declared once; command modules do not import one another."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
import typer.main

from bleu_assess.cli import app
from bleu_assess.cli.formats import REGISTRY
from bleu_assess.render import outputs

CLI = Path(__file__).resolve().parents[1] / "bleu_assess" / "cli"
# The modules every command module may use: the app, terminal output, shared options, formats, groups.
SHARED = {"bleu_assess.cli", "bleu_assess.cli.console", "bleu_assess.cli.options", "bleu_assess.cli.formats",
          "bleu_assess.cli.groups", "bleu_assess.cli.params", "bleu_assess.cli.usage"}


def _command(path: str) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path.split():
        command = command.commands[name]
    return command


@pytest.mark.parametrize("command, fmt", [(c, f) for c, formats in REGISTRY.items() for f in formats])
def test_every_registered_format_has_a_renderer(command: str, fmt: str) -> None:
    renderer = getattr(outputs, REGISTRY[command][fmt], None)
    assert callable(renderer), f"{command} -f {fmt}: render/outputs.py has no {REGISTRY[command][fmt]}"
    assert list(inspect.signature(renderer).parameters)[1:] == ["choices"]


@pytest.mark.parametrize("command", [c for c in REGISTRY if c != "export findings"])
def test_the_format_option_offers_exactly_the_registered_formats(command: str) -> None:
    option = next(p for p in _command(command).params if p.name == "format")
    assert [m.value for m in option.type_descriptor.annotation] == list(REGISTRY[command])


def test_renderers_are_all_registered() -> None:
    named = {name for formats in REGISTRY.values() for name in formats.values()}
    defined = {name for name, value in vars(outputs).items()
               if inspect.isfunction(value) and value.__module__ == outputs.__name__ and not name.startswith("_")}
    assert defined == named


def test_command_modules_import_no_other_command_module() -> None:
    for module in sorted(CLI.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bleu_assess.cli"):
                names = {node.module} if node.module != "bleu_assess.cli" else \
                    {f"bleu_assess.cli.{a.name}" for a in node.names if a.name not in ("app", "root", "command", "main", "invoked")}
                assert names <= SHARED | {"bleu_assess.cli"}, f"{module.name} imports {names - SHARED}"


@pytest.mark.parametrize("option", ["--lang", "--as-of", "--ruleset", "--only-ruleset", "--rules-dir", "--template-dir",
                                    "--csv-dialect", "--output"])
def test_a_shared_option_has_one_help_text_everywhere(option: str) -> None:
    # The commands that take it with its shared meaning say the same thing about it.
    texts: dict[str, set[str]] = {}
    for path in ("scan", "plan", "report", "explain", "export findings", "diff", "fit", "rules list", "graph"):
        for param in _command(path).params:
            if option in getattr(param, "opts", ()):
                texts.setdefault(param.help or "", set()).add(path)
    assert texts, option
    assert len(texts) <= 2, texts  # diff words --lang for its two sides; fit/catalogue --as-of for offers


def test_every_format_renders_through_the_registry(runner: Any, tmp_path: Path) -> None:
    example = str(Path(__file__).resolve().parents[1] / "examples" / "chu-exemple.yaml")
    results = tmp_path / "results.json"
    assert runner.invoke(app, ["scan", example, "-f", "json", "-o", str(results), "--as-of", "2026-11-30"]).exit_code == 0
    invocations = {
        "scan": ["scan", example, "--as-of", "2026-11-30"],
        "plan": ["plan", example, "--as-of", "2026-11-30"],
        "diff": ["diff", str(results), str(results)],
        "graph": ["graph", example],
    }
    for command, arguments in invocations.items():
        for fmt in REGISTRY[command]:
            target = tmp_path / f"{command}.{fmt}"
            done = runner.invoke(app, [*arguments, "-f", fmt, "-o", str(target)])
            assert done.exit_code == 0, (command, fmt, done.output)
            assert target.stat().st_size > 0, (command, fmt)
            if fmt == "json":
                json.loads(target.read_text(encoding="utf-8"))


def _leaf_commands(command: Any, path: str = "") -> list[tuple[str, Any]]:
    if hasattr(command, "commands"):
        return [leaf for name, sub in command.commands.items() for leaf in _leaf_commands(sub, f"{path} {name}".strip())]
    return [(path, command)]


def test_every_value_an_option_takes_is_named_for_the_reader() -> None:
    # typer >= 0.2x shows a value by its Python type (`--ruleset <list[str]>`, `-o <str>`) unless
    # a metavar names it (`--ruleset ID@VERSION`, `-o FILE`); choices show their values.
    unnamed = []
    for path, command in _leaf_commands(typer.main.get_command(app)):
        for param in command.params:
            flag = getattr(param, "is_flag", False)
            choices = param.type_descriptor.is_choice
            if not flag and not choices and param.metavar is None:
                unnamed.append(f"{path} {param.opts[0] if param.param_type_name == 'option' else param.name}")
    assert unnamed == []
