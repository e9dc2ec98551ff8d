"""Every user-facing message exists in French and in English, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from bleu_assess.render.i18n import catalogue, t
from bleu_assess.resources import templates_dir


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    fr, en = catalogue("fr"), catalogue("en")
    assert sorted(set(fr) - set(en)) == [], "keys missing in English"
    assert sorted(set(en) - set(fr)) == [], "keys missing in French"
    different = [k for k in fr if _placeholders(fr[k]) != _placeholders(en[k])]
    assert different == [], f"placeholders differ: {different}"


def test_every_area_has_both_languages() -> None:
    files = {p.name for p in (templates_dir() / "i18n").glob("*.yaml")}
    areas = {re.sub(r"\.(fr|en)\.yaml$", "", name) for name in files}
    for area in areas:
        assert {f"{area}.fr.yaml", f"{area}.en.yaml"} <= files


@pytest.mark.parametrize("lang, expected", [("fr", "Prêt sous conditions"), ("en", "Ready with conditions")])
def test_lookup(lang: str, expected: str) -> None:
    assert t("values.readiness.ready-with-conditions", lang) == expected
    assert t("cli.errors", lang, count=3).startswith("3 ")
