"""Babel's locales (CLDR data), each loaded once per Babel version, then read from the compiled
cache (bleu_assess.cache); and the few answers a run asks of them most, kept apart so that a
run which needs nothing else never imports Babel.

Babel reads a locale's data by unpickling and merging the CLDR files of its root, language and
territory (about 10 ms a locale, on every run); a `Locale` whose data is loaded unpickles in
about 2 to 10 ms, and importing Babel to do so costs some 15 ms more. A hospital-sized `scan`
asks only for country names, the plural categories of a few counts and a date or two; a plan
or a report adds numbers and lists: `territories`, `plural_categories`, `list_patterns` answer
from small cache entries (Babel's own data, computed once per Babel installation and locale),
`date`, `number` and `plural_category` from memos of Babel's answers (cache.memo: dates and
numbers only, never the user's words). Dates, numbers, lists, plural categories and country
names are all worded through Babel's data and functions; the wording itself is Babel's.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from bleu_assess import cache as compiled_cache

if TYPE_CHECKING:
    from babel import Locale

# Counts whose plural categories `plural_categories` keeps: every count a hospital-sized run says.
PLURAL_COUNTS = 1000


@cache
def _babel() -> str:
    """Which Babel is installed, without importing it: its package file's path, size and
    modification time (installing another version rewrites it), for the cache keys."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("babel")
    origin = spec.origin if spec is not None else None
    if origin is None:
        raise ModuleNotFoundError("No module named 'babel'")
    stat = os.stat(origin)
    return f"{origin}\0{stat.st_size}\0{stat.st_mtime_ns}"


@cache
def locale(name: str) -> Locale:
    """Babel's `Locale.parse(name)` (e.g. `fr_FR`, `en_GB`, `fr`), its CLDR data loaded.
    Raises what `Locale.parse` raises for an unknown locale (babel.UnknownLocaleError, ValueError)."""

    def build() -> Locale:
        import babel

        loaded = babel.Locale.parse(name)
        loaded.plural_form  # noqa: B018 (any property loads the data, which is then stored with the object)
        return loaded

    return compiled_cache.cached("locale", (_babel(), name), build)


@cache
def territories(name: str) -> dict[str, str]:
    """`locale(name).territories` as a plain dictionary (ISO 3166 code -> country name)."""
    return compiled_cache.cached("territories", (_babel(), name), lambda: dict(locale(name).territories))


# CLDR territories that are no country an organisation or a provider is in: the European Union,
# the euro area, the United Nations, outlying Oceania, unknown, and the pseudo-locales.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


@cache
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of the countries CLDR names (its two-letter territories,
    less NOT_COUNTRIES): what a country field of an inventory may hold."""
    return frozenset(c for c in territories("en") if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)


@cache
def country_aliases() -> dict[str, str]:
    """CLDR's territory aliases of two letters that stand for one country (UK → GB)."""

    def build() -> dict[str, str]:
        from babel.core import get_global

        return {old: new[0] for old, new in get_global("territory_aliases").items()
                if len(old) == 2 and len(new) == 1 and len(new[0]) == 2}

    return compiled_cache.cached("territory-aliases", (_babel(),), build)


@cache
def plural_categories(name: str) -> tuple[str, ...]:
    """The CLDR plural category (one, few, many, other…) of each count from 0 to
    PLURAL_COUNTS - 1 in locale `name`, as `locale(name).plural_form` gives it."""
    return compiled_cache.cached("plural", (_babel(), name),
                                 lambda: tuple(str(locale(name).plural_form(n)) for n in range(PLURAL_COUNTS)))


@cache
def list_patterns(name: str, style: str) -> dict[str, str]:
    """`locale(name).list_patterns[style]`: the CLDR patterns of a list (`start`, `middle`,
    `end`, `2`) in that style (`standard`, `or`, which every locale has). Raises KeyError for
    a style the locale does not define."""
    return compiled_cache.cached("lists", (_babel(), name, style), lambda: dict(locale(name).list_patterns[style]))


@cache
def _memo(kind: str, name: str) -> dict[tuple[str, str], str]:
    return compiled_cache.memo(kind, (_babel(), name))


def plural_category(name: str, count: float) -> str:
    """`locale(name).plural_form(count)`: from `plural_categories` for the counts it holds,
    else kept once asked (cache.memo: efforts in days such as 2.5 recur run after run)."""
    if isinstance(count, int) and 0 <= count < PLURAL_COUNTS:
        return plural_categories(name)[count]
    known = _memo("plurals", name)
    key = (type(count).__name__, repr(count))
    category = known.get(key)
    if category is None:
        category = known[key] = str(locale(name).plural_form(count))
    return category


def number(value: float, name: str) -> str:
    """Babel's `format_decimal(value, locale=locale(name))`, kept once worded (cache.memo)."""
    known = _memo("numbers", name)
    key = (type(value).__name__, repr(value))
    text = known.get(key)
    if text is None:
        from babel.numbers import format_decimal

        text = known[key] = format_decimal(value, locale=locale(name))
    return text


def date(day: dt.date, form: str, name: str) -> str:
    """Babel's `format_date(day, form, locale=locale(name))` (`form`: short, medium, long or a
    CLDR pattern such as `LLL yyyy`), kept once worded (cache.memo): a run whose dates were
    all worded before imports neither Babel nor the locale."""
    known = _memo("dates", name)
    key = (day.isoformat(), form)
    text = known.get(key)
    if text is None:
        from babel.dates import format_date

        text = known[key] = format_date(day, form, locale=locale(name))
    return text
