"""Importers' words: what an import says (its problems, its report's notes, its usage errors) is
kept as codes of templates/i18n/intake.<lang>.yaml with their parameters (bleu_assess/intake/said.py),
and worded here in the command's language just before printing, as render/words.py words
validation diagnostics. Locations stay as they were found (file, line or sheet and cell, field);
a CSV column is named in the reader's language (« colonne criticite »). French follows its
typography (no-break spaces before « : ; ? ! » and inside « », render/l10n.py: typography).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bleu_assess.errors import BleuError, Diagnostic
from bleu_assess.render import l10n
from bleu_assess.render.i18n import t

# Parameters that locate a diagnostic in a CSV file (the column's header and the field it fills),
# not values of its message.
CSV_COLUMN, CSV_FIELD = "csv_column", "csv_field"


def message(key: str, params: Mapping[str, Any], lang: str) -> str:
    """The words of catalogue entry `key` in `lang`: `hint` (a likely name, or '') becomes
    « (vouliez-vous dire « x » ?) », a tuple a list (« a, b, c »), `options` a list of
    alternatives (« a, b ou c »), `countries` (codes) alternatives named in `lang`
    (« Allemagne (DE) » in French, « Germany (DE) » in English)."""
    values = {name: _value(name, value, lang) for name, value in params.items() if name not in (CSV_COLUMN, CSV_FIELD)}
    return l10n.typography(t(key, lang, **values), lang)


def _value(name: str, value: Any, lang: str) -> Any:
    if name == "hint":
        return t("validate.did_you_mean", lang, name=value) if value else ""
    if name == "countries" and isinstance(value, tuple):
        return l10n.join([f"{l10n.country(code, lang)} ({code})" for code in value], lang, "or")
    if name == "month":  # YYYY-MM (intake.error.no_such_day): « février 2025 »
        return l10n.month(value, lang)
    if name == "options" and isinstance(value, tuple):
        return l10n.join([str(v) for v in value], lang, "or")
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return value


def diagnostic(diag: Diagnostic, lang: str) -> Diagnostic:
    """`diag` worded in `lang`: an importer's code (`intake.…`) here, a validation code by
    render/words.py, words as they are; a CSV column in its location named in `lang`."""
    lang = getattr(lang, "value", lang)  # a language given as the CLI's enum member
    params = dict(diag.params)
    if diag.code.startswith("intake."):
        diag = replace(diag, message=message(diag.code, params, lang))
    else:
        from bleu_assess.render.words import diagnostic as validation

        diag = validation(diag, lang)
    if CSV_COLUMN in params:
        column = t("intake.csv_column", lang, name=params[CSV_COLUMN])
        diag = replace(diag, path=f"{column}: {params[CSV_FIELD]}" if params.get(CSV_FIELD) else column)
    return diag


def failure(error: BleuError, lang: str) -> tuple[str, str | None]:
    """(message, hint) of an error in `lang`: worded from its code when it has one, its own
    words otherwise."""
    if not error.code:
        return error.message, error.hint
    hint = message(f"{error.code}_hint", error.params, lang) if error.hint else None
    return message(error.code, error.params, lang), hint
