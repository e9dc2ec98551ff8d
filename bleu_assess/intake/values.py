"""Reading one cell as the value a field of the inventory format expects, leniently, saying
what was done: `Coerced(value, change)` where `change` is None when the cell already held the
value, else a code (`normalised`, `translated`, `renamed`, `converted`, `unknown`) and the
words it needs. A cell that cannot mean any allowed value raises CellError (a ValueError) with the
code and values of a message naming what was expected (intake/said.py)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bleu_assess import locales
from bleu_assess.intake.dates import read_slashed
from bleu_assess.intake.said import CellError
from bleu_assess.inventory import model
from bleu_assess.inventory.labels import ALIASES, labels, parsed_table, synonyms
from bleu_assess.inventory.schema import ID_PATTERN, Spec

TRUE = {"true", "vrai", "oui", "yes", "y", "o", "1", "x"}
FALSE = {"false", "faux", "non", "no", "n", "0"}
_ID = re.compile(ID_PATTERN)
_PERCENT = re.compile(r"^\s*([-+]?[0-9][0-9\s\u00a0\u202f.,']*)\s*%\s*$")
_MONTHS = {name: number for number, names in enumerate([
    ("janvier", "janv", "january", "jan"), ("fevrier", "fevr", "fev", "february", "feb"), ("mars", "march", "mar"),
    ("avril", "avr", "april", "apr"), ("mai", "may"), ("juin", "june", "jun"), ("juillet", "juil", "july", "jul"),
    ("aout", "august", "aug"), ("septembre", "sept", "september", "sep"), ("octobre", "oct", "october"),
    ("novembre", "nov", "november"), ("decembre", "dec", "december")], 1) for name in names}


@dataclass(frozen=True, slots=True)
class Coerced:
    value: Any
    change: str | None = None  # normalised translated renamed converted unknown
    detail: str = ""  # what it was read as, for the report
    how: str | None = None  # percent-cell (a number: a fraction shown as a percentage), merged (a list: repeats)


def plain(text: Any) -> str:
    """Case-, accent- and spacing-insensitive form: `Sur site` and `sur-site` alike -> `sursite`."""
    return _plain(text) if isinstance(text, str) else _plain(str(text))


@lru_cache(maxsize=1 << 16)  # headers and coded values repeat on every row
def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


def slug(text: str) -> str:
    """An id from a name: lower case, no accents, words joined by '-' (`DPI Orbis` -> `dpi-orbis`)."""
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9._]+", "-", decomposed).strip("-._") or "x"


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def text_of(raw: Any) -> str:
    """A cell as text: integers without `.0`, dates as ISO 8601."""
    if raw.__class__ is str:  # the commonest, first
        return raw.strip()
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def coerce(raw: Any, spec: Spec, *, percent: bool = False, key: str = "", day_first: bool = True) -> Coerced:
    """The value of `raw` for a field of type `spec` (schema.Spec). `percent`: the cell is shown
    as a percentage (it holds 0.45 for `45 %`); `day_first`: the order of the column's numeric
    dates (`dates.column_order`: `05/02/2026` is 5 February when true, May 2 when not)."""
    kind = spec.type
    if kind == "list":
        return _list(raw, spec.item or Spec("string"), key, day_first)
    if kind == "free":
        return _free(raw, key)
    if spec.enum:
        return _enum(raw, spec.enum, key)
    if kind == "id":
        return _id(raw)
    if kind == "country":
        return _country(text_of(raw))
    if kind == "boolean":
        return _boolean(raw)
    if kind in ("integer", "number"):
        return _number(raw, kind, percent)
    if kind == "effort":
        text = text_of(raw)
        if text.upper() in model.EFFORT_SIZES:
            return Coerced(text.upper(), "normalised" if text != text.upper() else None, text)
        return _number(raw, "number", percent)
    if kind == "date":
        return _date(raw, day_first)
    if isinstance(raw, (dt.date, dt.datetime)):
        return Coerced(text_of(raw), "converted", "date")
    return Coerced(text_of(raw))


AS_IS = object()  # what a quick reader (`quick_reader`) gives for a cell `coerce` must read


def quick_reader(spec: Spec) -> Callable[[Any], Any] | None:
    """For the commonest fields, a function giving a cell's value when `coerce` would take it as
    it is (no change to report), else AS_IS: free text, an id, a list of ids, a number
    (not for a cell shown as a percentage). None for other fields. A row then costs a few
    operations per cell instead of the general reading."""
    if spec.enum:
        return None
    if spec.type == "string":
        return lambda raw: raw.strip() if raw.__class__ is str else AS_IS
    if spec.type == "id":
        return _quick_id
    if spec.type == "list" and spec.item is not None and spec.item.type == "id" and not spec.item.enum \
            and not spec.item.shorthand:
        return _quick_ids
    if spec.type in ("integer", "number"):
        whole = spec.type == "integer"
        return lambda raw: _quick_number(raw, whole)
    return None


def _quick_id(raw: Any) -> Any:
    if raw.__class__ is str:
        text = raw.strip()
        if _ID.match(text):
            return text
    return AS_IS


def _quick_ids(raw: Any) -> Any:
    if raw.__class__ is not str:
        return AS_IS
    values = []
    for part in _CODES.split(raw.strip()):
        text = part.strip()
        if text:
            if not _ID.match(text):
                return AS_IS
            values.append(text)
    return values


def _quick_number(raw: Any, whole: bool) -> Any:
    if raw.__class__ is float or raw.__class__ is int:
        number = float(raw)
        if number.is_integer():
            return int(number)
        if not whole and math.isfinite(number):
            return number
    return AS_IS


def _enum(raw: Any, allowed: tuple[str, ...], key: str) -> Coerced:
    return _enum_text(text_of(raw), allowed)


@lru_cache(maxsize=1 << 14)  # a column of codes repeats a handful of values on every row
def _enum_text(text: str, allowed: tuple[str, ...]) -> Coerced:
    if text in allowed:
        return Coerced(text)
    by_plain = {plain(code): code for code in allowed}
    if plain(text) in by_plain:
        return Coerced(by_plain[plain(text)], "normalised", text)
    meant = labels(allowed, plain).get(plain(text)) or synonyms(allowed, plain).get(plain(text))
    if meant:
        return Coerced(meant, "translated", text)
    from bleu_assess.inventory.walker import closest

    offered = model.offered(allowed)
    raise CellError("unknown_value", text=text, hint=closest(text, offered), allowed=offered)


# A cell longer than this, or holding a digit, is no word of unknown_words.yaml: not looked up
# (most cells of an export: addresses, names numbered `srv-dpi-01`, dates, sizes).
_UNKNOWN_LONGEST = 32
_DIGIT = re.compile(r"\d")


def means_unknown(raw: Any) -> bool:
    """Whether a cell says its value is not known (`?`, `N/C`, `à déterminer`: the words of
    unknown_words.yaml, case-, accent- and spacing-insensitively)."""
    return raw.__class__ is str and len(raw) <= _UNKNOWN_LONGEST and _DIGIT.search(raw) is None \
        and _unknown_key(raw) in _unknown_words()


@lru_cache(maxsize=1 << 14)  # short cells repeat: codes, ids, yes and no
def _unknown_key(text: str) -> str:
    stripped = text.strip()
    return plain(stripped) or stripped  # `?` and `—` have no letter: compared as written


@lru_cache(maxsize=1)
def _unknown_words() -> frozenset[str]:
    from bleu_assess import cache as compiled_cache

    raw = (Path(__file__).resolve().parent / "unknown_words.yaml").read_bytes()
    words = compiled_cache.cached("unknown-words", (raw,), lambda: list(parsed_table(raw)))  # a list of words
    return frozenset(_unknown_key(str(word)) for word in words)


def is_code_of(raw: Any, spec: Spec) -> str | None:
    """Whether a cell is a code of the field's closed vocabulary: `code` for one of its values as
    written (`unknown`, the code of a field that can say it), `country` for a country code (case
    aside: `NC` in a country column is New Caledonia's code before it is « non communiqué »),
    else None."""
    item = spec.item if spec.type == "list" and spec.item is not None else spec
    text = text_of(raw)
    if item.enum:
        return "code" if text in item.enum else None
    return "country" if item.type == "country" and text.upper() in locales.country_codes() else None


# At most this many closest names suggested for a country not found, from this rapidfuzz score.
_CLOSEST, _CLOSEST_SCORE = 3, 75


@lru_cache(maxsize=1024)  # a country column repeats a few values
def _country(text: str) -> Coerced:
    """A country: its ISO 3166-1 alpha-2 code as written (`fr` normalised to `FR`), or a name
    clients type (inventory/country_aliases.yaml: `UK`, `USA`), or its French or English CLDR name
    (`Allemagne`, `États-Unis`, `Germany`), translated and said. A name meaning several
    countries is refused naming them, a name meaning none with the closest names (each country
    worded in the reader's language when said, with its code). Babel is imported only here, for a value that is not a code."""
    aliases = _country_aliases()
    key = plain(text)
    if key not in aliases and re.fullmatch(r"[A-Za-z]{2}", text):
        return Coerced(text.upper(), "normalised" if text != text.upper() else None, text)
    codes, names = _country_names()
    found = sorted(codes.get(key, ()))
    if len(found) == 1:
        return Coerced(found[0], "translated", text)
    if found:
        raise CellError("country_ambiguous", text=text, countries=tuple(found))
    from rapidfuzz import fuzz, process

    closest = process.extract(key, list(names), scorer=fuzz.ratio, limit=_CLOSEST, score_cutoff=_CLOSEST_SCORE)
    if closest:
        # dict.fromkeys: a country whose French and English names are both close is named once
        suggested = tuple(dict.fromkeys(names[match[0]] for match in closest))
        raise CellError("not_a_country_closest", text=text, countries=suggested)
    raise CellError("not_a_country", text=text)


def _country_aliases() -> dict[str, set[str]]:
    """plain(name) -> codes, for the names of country_aliases.yaml."""
    from bleu_assess import cache as compiled_cache

    raw = ALIASES.read_bytes()
    table = compiled_cache.cached("country-aliases", (raw,), lambda: parsed_table(raw))
    out: dict[str, set[str]] = {}
    for code, words in table.items():
        for word in words:
            out.setdefault(plain(str(word)), set()).add(code)
    return out


@lru_cache(maxsize=1)
def _country_names() -> tuple[dict[str, set[str]], dict[str, str]]:
    """(plain(name) -> codes, plain(name) -> code) for the French and English CLDR names of
    countries (Babel) and the aliases: the first for reading a name, the second for suggesting
    the country of a name close to one not found."""
    codes = {key: set(found) for key, found in _country_aliases().items()}
    names: dict[str, str] = {}
    countries = locales.country_codes()
    for lang in ("fr", "en"):
        for code, name in locales.territories(lang).items():
            if code in countries:
                codes.setdefault(plain(name), set()).add(code)
                names.setdefault(plain(name), code)
    return codes, names


def _id(raw: Any) -> Coerced:
    text = text_of(raw)
    if _ID.match(text):
        return Coerced(text)
    return Coerced(slug(text), "renamed", text)


def _boolean(raw: Any) -> Coerced:
    if isinstance(raw, bool):
        return Coerced(raw)
    text = plain(text_of(raw))
    if text in TRUE:
        return Coerced(True, None if text == "true" else "normalised", text_of(raw))
    if text in FALSE:
        return Coerced(False, None if text == "false" else "normalised", text_of(raw))
    raise CellError("not_a_boolean", text=text_of(raw))


def parse_number(raw: Any, percent: bool = False) -> tuple[float, str | None]:
    """A number as a French or English spreadsheet shows it: `12,5`, `1 234`, `45 %` (-> 45);
    a cell shown as a percentage holds a fraction (0.45 -> 45). Returns (number, how it was
    read or None). Raises CellError (a ValueError)."""
    if isinstance(raw, bool):
        raise CellError("not_a_number", text=str(raw))
    if isinstance(raw, (int, float)):
        number = float(raw)
        how = None
        if percent:
            number, how = round(number * 100, 10), "percent-cell"
    else:
        text = text_of(raw)
        match = _PERCENT.match(text)
        how = "percent-text" if match else None
        body = match.group(1) if match else text
        body = re.sub(r"[\s\u00a0\u202f']", "", body)
        if "," in body and "." not in body:
            body, how = body.replace(",", "."), how or "decimal-comma"
        elif "," in body and "." in body:  # 1,234.5 or 1.234,5: the last mark is the decimal one
            body = body.replace(".", "").replace(",", ".") if body.rfind(",") > body.rfind(".") else body.replace(",", "")
            how = how or "thousands"
        try:
            number = float(body)
        except ValueError:
            raise CellError("not_a_number", text=text) from None
    if not math.isfinite(number):
        raise CellError("not_finite", text=text_of(raw))
    return number, how


def _number(raw: Any, kind: str, percent: bool) -> Coerced:
    number, how = parse_number(raw, percent)
    if kind == "integer":
        if not number.is_integer():
            raise CellError("not_whole", text=text_of(raw))
        value: int | float = int(number)
    else:
        value = int(number) if number.is_integer() else number
    return Coerced(value, "converted" if how else None, text_of(raw) if how else "", how)


# Between the values of a list cell: texts may hold commas, ids and codes do not.
_TEXTS = re.compile(r"[;\n]")
_CODES = re.compile(r"[;,\n]")


def _list(raw: Any, item: Spec, key: str, day_first: bool = True) -> Coerced:
    text = text_of(raw)
    if item.shorthand:  # hds; {id: secnumcloud-3.2, scope: [iaas, paas]}
        parts = _top_level_parts(text)
    else:
        # Ids and country codes hold no comma: a comma separates them as well as `;`.
        parts = (_TEXTS if item.type in ("string", "free") else _CODES).split(text)
    values, changes = [], []
    for part in parts:
        if part.strip():
            one = _shorthand(part.strip(), item, key, day_first) if item.shorthand else coerce(part.strip(), item, key=key)
            values.append(one.value)
            if one.change:
                changes.append(one)
    if item.type == "country" and len(set(values)) < len(values):
        # `UK; Royaume-Uni`, `FR, France`: one country written twice is listed once, and said
        values = list(dict.fromkeys(values))
        return Coerced(values, changes[0].change if changes else "normalised", text, how="merged")
    if not changes:
        return Coerced(values)
    return Coerced(values, changes[0].change, "; ".join(c.detail for c in changes))


def _top_level_parts(text: str) -> list[str]:
    """`a; {id: b, scope: [iaas, paas], evidence: 'x; y'}` -> its items: split at `;`, `,` and
    line breaks outside brackets and quotes (a flow mapping holds commas, a quoted text `;`)."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote  # YAML's '' escape closes and reopens: same split
        elif char in "'\"":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth = max(0, depth - 1)
        elif depth == 0 and char in ";,\n":
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _shorthand(text: str, item: Spec, key: str, day_first: bool = True) -> Coerced:
    """One item of a list whose items are an id or a mapping (schema.Spec.shorthand): an id, or
    a YAML flow mapping (`{id: hds, until: 2027-01-01}`) whose scalar fields are read leniently
    (its numeric dates in the order of the cell's column: `day_first`)."""
    if not text.startswith("{"):
        return coerce(text, item.fields["id"], key=key)
    value = _flow_mapping(text)
    if value is None:
        raise CellError("not_shorthand", text=text)
    changes = []
    for name, raw in value.items():
        spec = item.fields.get(name)
        if spec is not None and spec.type not in ("list", "free", "object") and not is_blank(raw):
            one = coerce(raw, spec, key=f"{key}.{name}", day_first=day_first)
            value[name] = one.value
            if one.change:
                changes.append(one)
    if not changes:
        return Coerced(value)
    return Coerced(value, changes[0].change, "; ".join(c.detail for c in changes))


def _flow_mapping(text: str) -> dict[Any, Any] | None:
    """The YAML flow mapping `text` (`{id: hds, until: 24/11/2026}`), or None when it is none."""
    from bleu_assess.errors import InputError
    from bleu_assess.inventory import yamlio

    try:
        value = yamlio.parse(text, "cell")
    except InputError:
        return None
    return value if isinstance(value, dict) else None


def holds_dates(spec: Spec) -> bool:
    """Whether a field's cells hold dates: a date field, or a shorthand list whose mappings have
    date fields (a qualification's `since` and `until`, written in the cell)."""
    item = spec.item
    return spec.type == "date" or (spec.type == "list" and item is not None and item.shorthand
                                   and any(field.type == "date" for field in item.fields.values()))


def date_texts(raw: Any, spec: Spec) -> list[str]:
    """The dates written as text in a cell of a field of type `spec`, as `coerce` reads them: the
    cell of a date field, the date fields of the mappings of a shorthand list
    (`hds; {id: secnumcloud, since: 11/24/2025, until: 11/24/2026}`); none for other fields.
    The order of a column's numeric dates is decided from them (dates.column_order)."""
    if raw.__class__ is not str or not holds_dates(spec):
        return []
    if spec.type == "date":
        return [raw.strip()]
    if "{" not in raw:
        return []
    item = spec.item
    assert item is not None  # holds_dates: a shorthand list
    dated = [name for name, field in item.fields.items() if field.type == "date"]
    texts = []
    for part in _top_level_parts(raw):
        value = _flow_mapping(part.strip()) if part.strip().startswith("{") else None
        texts += [value[name].strip() for name in dated if value and isinstance(value.get(name), str)]
    return texts


def _free(raw: Any, key: str) -> Coerced:
    if key.endswith("extra"):
        try:
            value = json.loads(text_of(raw))
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise CellError("not_json_object", text=text_of(raw))
        return Coerced(value)
    return Coerced([part.strip() for part in re.split(r"[;\n]", text_of(raw)) if part.strip()])


# Day 0 of Excel's 1900 date system: a date cell that lost its date format shows its serial
# number (45985 is 2025-11-24). Serials read as dates from 1954 to 2173 only: a number outside
# them in a date column (a year, 2026) is no date, and is refused.
_EXCEL_DAY_0 = dt.date(1899, 12, 30)
_SERIALS = range(20000, 100000)


def _date(raw: Any, day_first: bool = True) -> Coerced:
    """A date as ISO 8601: date cells, `30/11/2026`, `30-11-26` (or `11/30/2026` in a column
    read month-first: `day_first` false), `30 novembre 2026`, `2026-11-30`, and Excel's serial
    numbers of days (`45985`)."""
    if isinstance(raw, (dt.date, dt.datetime)):
        return Coerced(text_of(raw)[:10])
    text = text_of(raw)
    serial = raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else int(text) if text.isdecimal() else None
    if serial is not None and int(serial) in _SERIALS:
        return Coerced((_EXCEL_DAY_0 + dt.timedelta(days=int(serial))).isoformat(), "converted", text)
    try:
        return Coerced(dt.date.fromisoformat(text).isoformat())
    except ValueError:
        pass
    numeric = read_slashed(text, day_first)  # raises CellError for a day or month that does not exist
    if numeric is not None:
        return Coerced(numeric[:10], "converted", text)  # a time written after the date is no part of it
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    words = re.fullmatch(r"(?:1er|(\d{1,2}))\s+([^\W\d_]+)\.?\s+(\d{4})", text, re.UNICODE)
    if iso:
        year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    elif words and plain(words.group(2)) in _MONTHS:
        day, month, year = int(words.group(1) or 1), _MONTHS[plain(words.group(2))], int(words.group(3))
    else:
        raise CellError("not_a_date", text=text)
    try:
        return Coerced(dt.date(year, month, day).isoformat(), "converted", text)  # (ISO was read above)
    except ValueError:  # well formed: what to fix is the day (30 February) or the month (13), not the form
        if year and 1 <= month <= 12:
            raise CellError("no_such_day", text=text, month=f"{year:04d}-{month:02d}",
                            days=calendar.monthrange(year, month)[1]) from None
        if year:
            raise CellError("no_such_month", text=text, month_number=month) from None
        raise CellError("not_a_date", text=text) from None


def natural_key(label: str) -> tuple[Any, ...]:
    """Order of wave names as people number them: `Vague 2` before `Vague 10`, `Wave A` before `Wave B`."""
    return tuple((0, int(part), "") if part.isdecimal() else (1, 0, plain(part))
                 for part in re.findall(r"\d+|[^\W\d_]+", label, re.UNICODE)) or ((1, 0, plain(label)),)
