"""Dates and numbers in the reader's language, through Babel (CLDR data): « 4 janvier 2027 »,
« 2,5 » in French; "4 January 2027", "2.5" in English."""

from __future__ import annotations

import datetime as dt
import re

from bleu_assess import locales

# British English: day before month, as a European reader expects.
_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def locale_name(lang: str) -> str:
    """The CLDR locale that writes `lang` for our readers (fr → fr_FR, en → en_GB)."""
    return _LOCALES.get(lang, lang)


def date(value: dt.date | str | None, lang: str, form: str = "long") -> str:
    """A date (or an ISO date string) in `lang`; `form` is a CLDR length: short, medium, long."""
    if value is None:
        return "—"
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    text = locales.date(day, form, locale_name(lang))
    if lang == "fr" and day.day == 1 and text.startswith("1 "):
        return "1er" + text[1:]  # French writes the first of the month as an ordinal: « 1er décembre 2026 »
    return text


def month(value: str, lang: str) -> str:
    """A month given as `YYYY-MM` in `lang`: « février 2025 », "February 2025"."""
    year, number = (int(part) for part in value.split("-"))
    return locales.date(dt.date(year, number, 1), "LLLL y", locale_name(lang))


def moment(value: dt.datetime, lang: str) -> str:
    """A UTC instant as a date and a time of day: « 30 novembre 2026, 14:17 UTC »."""
    return f"{date(value.date(), lang)}, {value.astimezone(dt.UTC):%H:%M} UTC"


def number(value: float | int, lang: str) -> str:
    """A number with the language's decimal sign and grouping: « 1 234,5 » in French (the
    grouping space is CLDR's narrow no-break space, U+202F), "1,234.5" in English."""
    if isinstance(value, int) and 0 <= value < 1000:
        return str(value)  # the same in every language we write: spares Babel most calls
    return locales.number(value, locale_name(lang))


def join(items: list[str], lang: str, style: str = "standard") -> str:
    """Items as a list in running text: « A, B et C », "A, B and C" (CLDR list patterns);
    `style="or"` for alternatives: « A, B ou C ». What babel.lists.format_list does, on the
    patterns kept in the cache (locales.list_patterns): a report need not import Babel."""
    if len(items) < 2:
        return items[0] if items else ""
    patterns = locales.list_patterns(locale_name(lang), style)
    if len(items) == 2 and "2" in patterns:
        return patterns["2"].format(*items)
    result = patterns["start"].format(items[0], items[1])
    for item in items[2:-1]:
        result = patterns["middle"].format(result, item)
    return str(patterns["end"].format(result, items[-1]))


# French typography (Imprimerie nationale, Lexique des règles typographiques): a no-break space
# before « : », a narrow no-break space before « ; ? ! », and inside « ».
_FR_SPACES = (re.compile(r" (?=:(?:\s|$))"), "\u00a0"), (re.compile(r" (?=[;?!](?:\s|$|\)))"), "\u202f"), \
    (re.compile(r"« "), "«\u00a0"), (re.compile(r" »"), "\u00a0»")


def typography(text: str, lang: str) -> str:
    """`text` with the spaces its language's typography fixes to the next sign made no-break
    (in French: « valeur inconnue\u00a0: », « vouliez-vous dire\u00a0«\u00a0x\u00a0»\u202f? »), so a
    line never breaks before a colon or inside quotes; other languages unchanged."""
    if lang != "fr":
        return text
    for pattern, space in _FR_SPACES:
        text = pattern.sub(space, text)
    return text


# French elides « de » and « que » before a vowel or a mute h (« d'Imagerie à Distance »,
# « d'Hôpital Nord »), not before a number word, « oui » or an aspirated h (« de Hauts-de-France »);
# a mute h cannot be told from its spelling, so only the words of our estates are listed.
_FR_ELIDES = re.compile(r"(?i)(?!onze|oui\b|ouat|ululer)(?:[aeiouœæàâäéèêëîïôöùûü]|h(?:[oô]p|[oô]sp|[oô]t|ab|[eé]b|um|yg|orl))")
_FR_ELIDED_BEFORE = re.compile(r"\b([Dd]|[Qq]u)e \{(\w+)\}")


def elided(template: str, lang: str, values: dict[str, object]) -> str:
    """`template` (a text with `{placeholders}`) with « de {name} » / « que {name} » written
    « d'{name} » / « qu'{name} » where French elides them before the value given for `name`
    (« le cloud commercial d'Imagerie à Distance SAS »); other languages unchanged."""
    if lang != "fr" or "e {" not in template:
        return template

    def swap(match: re.Match[str]) -> str:
        value = values.get(match.group(2))
        if isinstance(value, str) and _FR_ELIDES.match(value):
            return f"{match.group(1)}'{{{match.group(2)}}}"
        return match.group(0)

    return _FR_ELIDED_BEFORE.sub(swap, template)


_FR_ELIDED_TAIL = re.compile(r"\b([Dd]|[Qq]u)e \Z")


def elided_tail(text: str, value: str, lang: str) -> str:
    """`text`, which `value` is about to follow, with a final « de » / « que » elided where French
    elides it before `value` (« … commercial d' » + « Imagerie à Distance SAS »)."""
    if lang != "fr" or not text.endswith("e ") or not _FR_ELIDES.match(value):
        return text
    return _FR_ELIDED_TAIL.sub(r"\1'", text)


def country(code: str, lang: str) -> str:
    """A country's name from its ISO 3166 code, in `lang` (CLDR): FR → « France », US →
    « États-Unis »; the code itself when CLDR does not know it."""
    return str(locales.territories(locale_name(lang)).get(code.upper(), code))
