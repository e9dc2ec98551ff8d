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

# A file name's suffix → format, for the commands that choose the format from -o.
SUFFIXES: dict[str, dict[str, str]] = {
    "report": {".md": "markdown", ".markdown": "markdown", ".docx": "docx", ".html": "html", ".htm": "html"},
    "export findings": {".xlsx": "xlsx", ".csv": "csv"},
}


def choices(command: str) -> Any:
    """The formats of `command` as the Enum typer offers as choices (`--format`)."""
    name = "".join(part.title() for part in command.split()) + "Format"
    return Enum(name, {fmt: fmt for fmt in REGISTRY[command]}, type=str)


def from_suffix(command: str, output: str | None, default: str) -> str:
    """The format a file name asks for (`report.docx` → docx), else `default`."""
    lowered = (output or "").lower()
    return next((fmt for suffix, fmt in SUFFIXES[command].items() if lowered.endswith(suffix)), default)


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
