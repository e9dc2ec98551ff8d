"""Message catalogues: user-facing wording lives in `templates/i18n/<area>.<lang>.yaml`, not in
code. Keys are `<area>.<name>`; each area (cli, plan, report, …) has its own pair of files."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from bleu_assess.resources import templates_dir

LANGUAGES = ("fr", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    import yaml

    merged: dict[str, str] = {}
    for path in sorted((templates_dir() / "i18n").glob(f"*.{lang}.yaml")):
        area = path.name[: -len(f".{lang}.yaml")]
        with path.open(encoding="utf-8") as handle:
            merged.update(_flatten(yaml.safe_load(handle) or {}, f"{area}."))
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


def default_language(country: str | None = None) -> str:
    """BLEU_ASSESS_LANG, else French for French organisations and locales, else English."""
    env = os.environ.get("BLEU_ASSESS_LANG", "").lower()[:2]
    if env in LANGUAGES:
        return env
    if country:
        return "fr" if country.upper() == "FR" else "en"
    return "fr" if os.environ.get("LANG", "").lower().startswith("fr") else "en"
