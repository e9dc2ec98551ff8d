"""Babel's locales (CLDR data), each loaded once per Babel version, then read from the compiled
cache (bleu_assess.cache).

Babel reads a locale's data by unpickling and merging the CLDR files of its root, language and
territory (about 10 ms a locale, on every run); a `Locale` whose data is loaded unpickles in
about 2 ms. Dates, numbers, lists, plural categories and country names are all worded through
these objects; the wording itself is Babel's.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bleu_assess import cache as compiled_cache

if TYPE_CHECKING:
    from babel import Locale


@cache
def locale(name: str) -> Locale:
    """Babel's `Locale.parse(name)` (e.g. `fr_FR`, `en_GB`, `fr`), its CLDR data loaded.
    Raises what `Locale.parse` raises for an unknown locale (babel.UnknownLocaleError, ValueError)."""
    import babel

    def build() -> Locale:
        loaded = babel.Locale.parse(name)
        loaded.plural_form  # noqa: B018 (any property loads the data, which is then stored with the object)
        return loaded

    return compiled_cache.cached("locale", (babel.__version__, name), build)
