"""Message catalogues: user-facing wording lives in `templates/i18n/<area>.<lang>.yaml`, not in
code. Keys are `<area>.<name>`; each area (cli, plan, report, …) has its own pair of files.

An entry is either a text with `{placeholders}` or a mapping of plural forms chosen by the
`count` value, with the language's CLDR plural rules (Babel, `Locale.plural_form`): `one` and
`other` (French puts 0 and 1 under `one`; `many` and the other CLDR categories where the
language has them), plus `zero`, used for 0 in every language, where « aucune application
n'est bloquée » reads better than « 0 application est bloquée »:

    held: {zero: "aucune application n'est bloquée", one: "{count} application est bloquée",
           other: "{count} applications sont bloquées"}

Numbers given as values are written with the language's grouping and decimal sign (« 1 234 »
with a narrow no-break space, « 2,5 »), dates (`datetime.date`) as « 30 novembre 2026 »; a
placeholder with a format spec (`{row:d}`) keeps Python's formatting (line and row numbers).
With `BLEU_ASSESS_STRICT_I18N=1` (the tests set it) a missing key, a plural entry without
`count` or a missing placeholder value raises `MissingMessage` instead of printing the key."""

from __future__ import annotations

import datetime as dt
import os
import re
import string
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

from bleu_assess.render import l10n
from bleu_assess.resources import templates_dir

LANGUAGES = ("fr", "en")
# CLDR plural categories (https://cldr.unicode.org/index/cldr-spec/plural-rules).
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})
STRICT_ENV = "BLEU_ASSESS_STRICT_I18N"

Entry = str | Mapping[str, str]
_WORDED = (int, float, dt.date)  # values written in the language's conventions


class MissingMessage(KeyError):
    """A catalogue key, plural `count` or placeholder value missing, in strict mode."""


@cache
def catalogue(lang: str) -> dict[str, Entry]:
    """Every entry of `lang`, by full key (`report.move_line`): a text, or a mapping of plural
    forms (category → text). Parsed once per content of the files and tool version
    (bleu_assess/cache.py): parsing them took longer than assessing a hospital-sized estate."""
    from bleu_assess import cache as compiled_cache

    lang = getattr(lang, "value", lang)  # a language given as an enum member (the CLI's choices)
    files = [(path.name[: -len(f".{lang}.yaml")], path.read_bytes())
             for path in sorted((templates_dir() / "i18n").glob(f"*.{lang}.yaml"))]
    parts = [part for area, raw in files for part in (area, raw)]
    return compiled_cache.cached("i18n", parts, lambda: _merged(files))


def _merged(files: list[tuple[str, bytes]]) -> dict[str, Entry]:
    import yaml

    merged: dict[str, Entry] = {}
    for area, raw in files:
        merged.update(_flatten(yaml.safe_load(raw.decode("utf-8")) or {}, f"{area}."))
    return merged


def is_plural(value: Any) -> bool:
    """Whether a catalogue value is a mapping of plural forms (it has `other`, and only CLDR
    categories as keys), not a group of keys."""
    return isinstance(value, Mapping) and "other" in value and set(value) <= PLURAL_FORMS


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if is_plural(value):
            out[name] = {form: str(text) for form, text in value.items()}
        elif isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


def strict() -> bool:
    """Whether missing wording raises (BLEU_ASSESS_STRICT_I18N=1) rather than showing the key."""
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def t(key: str, lang: str, /, **values: Any) -> str:
    """The message `key` in `lang`, its plural form chosen by `count` when it has forms, with
    `{placeholders}` filled in (numbers and dates in the language's conventions). Raises
    MissingMessage in strict mode for a missing key, `count` or value."""
    entry = catalogue(lang).get(key)
    if entry is None:
        if strict():
            raise MissingMessage(f"no message {key!r} in the {lang} catalogue")
        entry = catalogue("en").get(key, key)
    if not isinstance(entry, str):
        entry = _form(entry, key, lang, values)
    if not values:
        return entry
    entry = l10n.elided(entry, lang, values)
    try:
        return entry.format(**_localised(entry, lang, values))
    except KeyError as exc:
        if strict():
            raise MissingMessage(f"message {key!r} needs the value {exc.args[0]!r}") from None
        return entry


def _form(forms: Mapping[str, str], key: str, lang: str, values: Mapping[str, Any]) -> str:
    count = values.get("count")
    if not isinstance(count, (int, float)) or isinstance(count, bool):
        if strict():
            raise MissingMessage(f"message {key!r} has plural forms: give it a number as count")
        return forms["other"]
    if count == 0 and "zero" in forms:
        return forms["zero"]
    return forms.get(_category(lang, abs(count)), forms["other"])


@lru_cache(maxsize=4096)  # the same few counts again and again, for thousands of items
def _category(lang: str, count: float) -> str:
    """The CLDR plural category of `count` in `lang` (one, few, many, other…)."""
    from bleu_assess.locales import plural_category

    return plural_category(l10n.locale_name(lang), count)


@cache
def _bare(text: str) -> frozenset[str]:
    """The placeholders of `text` written without a format spec (those we localise)."""
    return frozenset(name for _, name, spec, conv in string.Formatter().parse(text)
                     if name and not spec and not conv)


# Placeholders that name a day: an ISO date given as text (as results and the catalogue record
# them) is written in the reader's language too (« 30 novembre 2026 »).
DATE_PLACEHOLDERS = frozenset({"as_of", "assessed_on", "day", "since", "until", "expected", "ends"})
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _localised(text: str, lang: str, values: dict[str, Any]) -> dict[str, Any]:
    for name, value in values.items():
        if isinstance(value, _WORDED) and value is not True and value is not False:
            break
        if name in DATE_PLACEHOLDERS and isinstance(value, str) and _ISO_DAY.match(value):
            break
    else:
        return values  # text only: nothing to write in the language's conventions
    bare = _bare(text)
    out = dict(values)
    for name, value in values.items():
        if name not in bare or isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            out[name] = l10n.number(value, lang)
        elif isinstance(value, dt.date):
            out[name] = l10n.date(value, lang)
        elif name in DATE_PLACEHOLDERS and isinstance(value, str) and _ISO_DAY.match(value):
            out[name] = l10n.date(dt.date.fromisoformat(value), lang)
    return out


def label(kind: str, value: str | None, lang: str) -> str:
    """The label of a code in the values catalogue (`values.<kind>.<code>`); "—" for none."""
    return "—" if value is None else t(f"values.{kind}.{value}", lang)


def label_or_code(kind: str, value: str, lang: str, area: str = "values") -> str:
    """The label of a code of an open vocabulary (services, qualifications a catalogue may add):
    its label in the catalogue (`<area>.<kind>.<code>`, the values catalogue by default) when it
    has one, else the code as the data writes it."""
    key = f"{area}.{kind}.{value}"
    return t(key, lang) if key in catalogue(lang) else value


def did_you_mean(word: str, choices: Iterable[str], lang: str) -> str:
    """' (did you mean 'x'?)' in `lang` for the choice closest to `word` (a likely typo), or ''."""
    from bleu_assess.inventory.walker import closest

    match = closest(word, choices)
    return t("cli.did_you_mean", lang, name=match) if match else ""


def default_language(country: str | None = None) -> str:
    """BLEU_ASSESS_LANG, else French for French organisations and locales, else English."""
    env = os.environ.get("BLEU_ASSESS_LANG", "").lower()[:2]
    if env in LANGUAGES:
        return env
    if country:
        return "fr" if country.upper() == "FR" else "en"
    return "fr" if os.environ.get("LANG", "").lower().startswith("fr") else "en"
