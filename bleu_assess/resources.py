"""Where the shipped rulesets and templates live, installed or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """`rulesets` or `templates`: inside the wheel (`_data/`), else at the repository's top."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bleu-assess is installed without its {name}/ directory")


def rulesets_dir() -> Path:
    return data_dir("rulesets")


def templates_dir() -> Path:
    return data_dir("templates")
