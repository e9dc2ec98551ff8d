"""Dates and numbers in the reader's language, through Babel (CLDR data): « 4 janvier 2027 »,
« 2,5 » in French; "4 January 2027", "2.5" in English."""

from __future__ import annotations

import datetime as dt

# British English: day before month, as a European reader expects.
_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def date(value: dt.date | str | None, lang: str, form: str = "long") -> str:
    """A date (or an ISO date string) in `lang`; `form` is a CLDR length: short, medium, long."""
    from babel.dates import format_date

    if value is None:
        return "—"
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, form, locale=_LOCALES.get(lang, lang))


def moment(value: dt.datetime, lang: str) -> str:
    """A UTC instant as a date and a time of day: « 30 novembre 2026, 14:17 UTC »."""
    return f"{date(value.date(), lang)}, {value.astimezone(dt.timezone.utc):%H:%M} UTC"


def number(value: float | int, lang: str) -> str:
    """A number with the language's decimal sign and grouping: 1 234,5 in French."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_LOCALES.get(lang, lang))
