"""The package layout shows the pipeline (docs/architecture.md): imports only go down it.

base (errors, clock, resources, cache, output, inputs, gcpause, vocab, locales) <- inventory <- rules <- assess <- plan
<- render <- intake <- cli / api. A module may import its own stage and the stages before it,
never a later one: the rule language never imports the evaluator, the inventory never imports
rules. Every import counts, those inside functions included (command modules import there).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bleu_assess"
STAGES = ("base", "inventory", "rules", "assess", "plan", "render", "intake", "shell")
BASE = {"__init__", "errors", "clock", "resources", "cache", "output", "inputs", "gcpause", "vocab", "locales", "records"}
SHELL = {"api", "__main__", "cli"}

# Known violations, each (importer, imported): none left (the test fails on an entry that no
# longer happens, so none outlives its fix).
KNOWN: set[tuple[str, str]] = set()
# Command modules (those registering a command) that import another command module, and
# private names imported across modules: none (shared CLI options live in cli/options.py).
KNOWN_CLI: set[tuple[str, str]] = set()
KNOWN_PRIVATE: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top in BASE:
        return STAGES.index("base")
    if top in SHELL:
        return STAGES.index("shell")
    return STAGES.index(top)


def _imports(path: Path, module: str) -> set[tuple[str, str]]:
    """(imported module, name) pairs of every import in the file, at any depth; `name` is the
    imported name for `from X import name`, else ''."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                # `from bleu_assess.x import y` may import the submodule y.
                submodule = f"{base}.{alias.name}"
                found.add((submodule if _is_module(submodule) else base, alias.name))
    return {(m, n) for m, n in found if m == "bleu_assess" or m.startswith("bleu_assess.")}


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[tuple[str, str]]]:
    return {_module_name(p): _imports(p, _module_name(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def test_imports_only_go_down_the_pipeline() -> None:
    upward = set()
    for module, imports in _graph().items():
        for imported, _ in imports:
            if imported != "bleu_assess" and _stage(imported) > _stage(module):
                upward.add((module, imported))
    assert sorted(upward - KNOWN) == []
    assert sorted(KNOWN - upward) == [], "fixed: delete these entries from KNOWN"


def test_the_rule_language_and_the_inventory_know_nothing_of_later_stages() -> None:
    graph = _graph()
    for module, imports in graph.items():
        if module.startswith("bleu_assess.rules"):
            assert not [m for m, _ in imports if m.startswith("bleu_assess.assess")], module
        if module.startswith("bleu_assess.inventory"):
            assert not [m for m, _ in imports if m.startswith("bleu_assess.rules")], module


def test_no_module_imports_another_module_s_private_names() -> None:
    private = sorted((module, f"{imported}.{name}") for module, imports in _graph().items()
                     for imported, name in imports
                     if name.startswith("_") and not name.startswith("__") and imported != module)
    assert sorted(set(private) - KNOWN_PRIVATE) == []
    assert sorted(KNOWN_PRIVATE - set(private)) == [], "fixed: delete these entries from KNOWN_PRIVATE"


def test_command_modules_do_not_import_each_other() -> None:
    """Shared CLI helpers (console, options) may be imported; a module that registers commands
    may not import another such module."""
    commands = {_module_name(p) for p in (PACKAGE / "cli").glob("*.py")
                if "@command(" in p.read_text(encoding="utf-8") and p.name != "__init__.py"}
    crossing = {(module, imported) for module, imports in _graph().items() if module in commands
                for imported, _ in imports if imported in commands and imported != module}
    assert sorted(crossing - KNOWN_CLI) == []
    assert sorted(KNOWN_CLI - crossing) == [], "fixed: delete these entries from KNOWN_CLI"


def test_the_stages_are_the_packages_docs_architecture_lists() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == (set(STAGES) - {"base", "shell"}) | {"cli"}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == BASE | (SHELL - {"cli"})
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in packages:
        assert f"`{name}/`" in doc
    for name in modules - {"__init__", "__main__"}:
        assert f"`{name}.py`" in doc
