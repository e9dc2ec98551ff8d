"""Every verdict CSV (scan, plan, fit) has one layout: code columns first, headed by codes and
filled with codes the same in every language (for programs), then label columns headed and
worded in the reader's language (for people), docs/interop.md."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

CHU = str(Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml")
COMMANDS = {"scan": ["scan", CHU], "plan": ["plan", CHU], "fit": ["fit", CHU]}
# A coded column and the label column that words it, by language.
WORDED = {"scan": ("readiness", {"fr": "Préparation", "en": "Readiness"}),
          "plan": ("status", {"fr": "Statut", "en": "Status"}),
          "fit": ("ovh-snc", {"fr": "Adéquation (ovh-snc)", "en": "Fit (ovh-snc)"})}


def _rows(runner: Any, command: str, lang: str) -> list[dict[str, str]]:
    result = runner.invoke(app, [*COMMANDS[command], "-f", "csv", "--lang", lang, "--csv-dialect", "rfc4180"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout, newline="")))


def _is_code(header: str) -> bool:
    return header == header.lower() and " " not in header


@pytest.mark.parametrize("command", list(COMMANDS))
def test_code_columns_come_first_and_read_alike_in_french_and_english(runner: Any, command: str) -> None:
    french, english = _rows(runner, command, "fr"), _rows(runner, command, "en")
    codes = [h for h in french[0] if _is_code(h)]
    assert list(french[0])[:len(codes)] == codes, "code columns first, then label columns"
    assert [h for h in english[0] if _is_code(h)] == codes
    assert [{h: row[h] for h in codes} for row in french] == [{h: row[h] for h in codes} for row in english]
    labels = [h for h in french[0] if not _is_code(h)]
    assert labels and not set(labels) & set(h for h in english[0] if not _is_code(h)), "labels in each language"


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_label_column_words_its_code_column_in_the_readers_language(runner: Any, command: str,
                                                                        lang: str) -> None:
    from bleu_assess.render.i18n import label, t

    coded, headers = WORDED[command]
    rows = _rows(runner, command, lang)
    for row in rows:
        code, words = row[coded], row[headers[lang]]
        expected = {"scan": lambda c: label("readiness", c, lang), "plan": lambda c: t(f"plan.status_{c}", lang),
                    "fit": lambda c: t(f"fit.status.{c}", lang)}[command](code)
        assert words == expected and (words != code or lang == "en"), row
