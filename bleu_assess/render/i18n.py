"""Message catalogues: user-facing wording lives in `templates/i18n/<area>.<lang>.yaml`, not in
code. Keys are `<area>.<name>`; each area (cli, plan, report, …) has its own pair of files."""

from __future__ import annotations

import os
import unicodedata
from functools import cache
from typing import Any, Iterable

from bleu_assess.resources import templates_dir

LANGUAGES = ("fr", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    from bleu_assess import cache as compiled_cache

    files = [(path.name[: -len(f".{lang}.yaml")], path.read_bytes())
             for path in sorted((templates_dir() / "i18n").glob(f"*.{lang}.yaml"))]
    # Parsed once per content of the files and tool version (bleu_assess.cache): parsing them
    # took longer than assessing a hospital-sized estate.
    parts = [part for area, raw in files for part in (area, raw)]
    return compiled_cache.cached("i18n", parts, lambda: _merged(files))


def _merged(files: list[tuple[str, bytes]]) -> dict[str, str]:
    import yaml

    merged: dict[str, str] = {}
    for area, raw in files:
        merged.update(_flatten(yaml.safe_load(raw.decode("utf-8")) or {}, f"{area}."))
    return merged


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


def t(key: str, lang: str, **values: Any) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled in."""
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    return text.format(**values) if values else text


def label(kind: str, value: str | None, lang: str) -> str:
    """The label of a code in the values catalogue (`values.<kind>.<code>`); "—" for none."""
    return "—" if value is None else t(f"values.{kind}.{value}", lang)


def code_for_label(text: str, codes: Iterable[str]) -> str | None:
    """The code among `codes` whose label, in either language, is `text` (case, accents and
    spacing aside): someone who writes `santé` or `Diffusion restreinte` meant `health`,
    `restricted`."""
    def plain(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())

    wanted, allowed = plain(text), set(codes)
    for lang in LANGUAGES:
        for key, label in catalogue(lang).items():
            code = key.rsplit(".", 1)[-1]
            if key.startswith("values.") and code in allowed and plain(label) == wanted:
                return code
    return None


def default_language(country: str | None = None) -> str:
    """BLEU_ASSESS_LANG, else French for French organisations and locales, else English."""
    env = os.environ.get("BLEU_ASSESS_LANG", "").lower()[:2]
    if env in LANGUAGES:
        return env
    if country:
        return "fr" if country.upper() == "FR" else "en"
    return "fr" if os.environ.get("LANG", "").lower().startswith("fr") else "en"
