"""What the tests of the command line's language share: a one-application inventory of a given
country, the environment cleared of any language setting, and the output with French typography's
narrow and no-break spaces made plain (so that an expected sentence is written with plain spaces)."""

from __future__ import annotations

from typing import Any

import pytest

INVENTORY = ("format: bleu-assess/v2\norganisation:\n  name: Hôpital\n  country: {country}\n  type: other\n"
             "applications:\n  - id: app\n    name: App\n    hosting: {{model: on-premises}}\n")


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLEU_ASSESS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def said(result: Any) -> str:
    """A typer runner result's output, its spaces made plain."""
    return plain(result.output)
