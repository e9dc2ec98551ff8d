"""The output formats of every command, registered in one place: command → format → renderer.

A renderer is named here by its function in bleu_assess/render/outputs.py (one signature for
all: `renderer(subject, choices)`), so that `bleu-assess --help` lists the formats without
importing any of them. `tests/test_cli_formats.py` checks that every format of every command
has its renderer. Typer and the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bleu_assess.render.outputs import Choices

# The first format of each command is its default, unless the command says otherwise.
REGISTRY: dict[str, dict[str, str]] = {
    "scan": {"table": "scan_table", "json": "scan_json", "markdown": "scan_markdown", "csv": "scan_csv",
             "sarif": "scan_sarif", "junit": "scan_junit"},
    "plan": {"markdown": "plan_markdown", "json": "plan_json", "csv": "plan_csv", "table": "plan_table"},
    "report": {"html": "report_html", "markdown": "report_markdown", "docx": "report_docx"},
    "diff": {"table": "diff_table", "markdown": "diff_markdown", "json": "diff_json", "csv": "diff_csv"},
    "fit": {"table": "fit_table", "markdown": "fit_markdown", "csv": "fit_csv", "json": "fit_json"},
    "graph": {"mermaid": "graph_mermaid", "dot": "graph_dot", "json": "graph_json"},
    "export findings": {"csv": "findings_csv", "xlsx": "findings_xlsx"},
}

# A file name's suffix → format: without -f, the -o file's suffix chooses (`-o resultats.json`).
# The longest suffix a name ends with wins (`.sarif.json` is SARIF, not JSON).
_TABLES = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".csv": "csv", ".txt": "table"}
SUFFIXES: dict[str, dict[str, str]] = {
    "scan": {".sarif": "sarif", ".sarif.json": "sarif", ".xml": "junit", **_TABLES},
    "plan": _TABLES,
    "report": {".md": "markdown", ".markdown": "markdown", ".docx": "docx", ".html": "html", ".htm": "html"},
    "diff": _TABLES,
    "fit": _TABLES,
    "graph": {".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot", ".gv": "dot", ".json": "json"},
    "export findings": {".xlsx": "xlsx", ".csv": "csv"},
}
# Suffixes of documents some command (or no command: PDF, images, office files) writes: a file
# named so that its command cannot write it is refused rather than filled with another format.
_DOCUMENTS = {suffix for table in SUFFIXES.values() for suffix in table} | {
    ".pdf", ".doc", ".odt", ".xls", ".ods", ".svg", ".png"}


def choices(command: str) -> Any:
    """The formats of `command` as the Enum typer offers as choices (`--format`)."""
    name = "".join(part.title() for part in command.split()) + "Format"
    return Enum(name, {fmt: fmt for fmt in REGISTRY[command]}, type=str)


def from_suffix(command: str, output: str | None, default: str) -> str:
    """The format a file name asks for (`report.docx` → docx), else `default`. A file named as
    a document this command does not write (`plan -o vagues.xlsx`, `report -o rapport.pdf`) is a
    usage error (exit 2) naming the formats it writes, rather than a file in another format."""
    lowered = (output or "").lower()
    found = sorted((suffix for suffix in SUFFIXES[command] if lowered.endswith(suffix)), key=len)
    if found:
        return SUFFIXES[command][found[-1]]
    suffix = "." + lowered.rpartition(".")[2] if "." in lowered.rpartition("/")[2] else ""
    if suffix in _DOCUMENTS:
        from bleu_assess.errors import option_error

        suffixes = ", ".join(dict.fromkeys(SUFFIXES[command]))
        raise option_error("output_pdf" if suffix == ".pdf" and "html" in REGISTRY[command] else "output_suffix",
                           file=output, suffix=suffix, command=command, formats=", ".join(REGISTRY[command]),
                           suffixes=suffixes)
    return default


def chosen(command: str, given: Any, output: str | None) -> str:
    """The format of `command`: `-f` when given, else the one the `-o` file's suffix names
    (`from_suffix`), else the command's default (its first registered format)."""
    if given is not None:
        return str(given.value)
    return from_suffix(command, output, next(iter(REGISTRY[command])))


def render(command: str, fmt: str, subject: Any, choices: Choices) -> Any:
    """The rendered output of `command` in format `fmt` (see render/outputs.py)."""
    from bleu_assess.render import outputs

    return getattr(outputs, REGISTRY[command][fmt])(subject, choices)


def deliver(command: str, fmt: str, subject: Any, choices: Choices, output: str | None,
            inputs: Iterable[str]) -> None:
    """Render, then write to `output` atomically (or standard output); a table goes to the
    terminal at its width, or as plain text to `output`. Notes the renderer made go to stderr."""
    from bleu_assess.cli import console
    from bleu_assess.output import emit

    made = render(command, fmt, subject, choices)
    if callable(made):
        console.show_table(made, output, list(inputs))
    else:
        emit(made, output, list(inputs))
    console.notes(choices.notes, style="yellow")
