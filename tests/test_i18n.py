"""Every user-facing message exists in French and in English, with the same placeholders."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

import pytest

from bleu_assess.render.i18n import MissingMessage, catalogue, t
from bleu_assess.resources import templates_dir


def _placeholders(entry: str | Mapping[str, str]) -> set[str]:
    """The placeholders of a text, or of all the plural forms of an entry together (a `zero`
    form may leave out `{count}`)."""
    texts = [entry] if isinstance(entry, str) else list(entry.values())
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


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


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plural_entries_use_the_languages_cldr_categories(lang: str) -> None:
    """Every plural entry has `other`, and only forms the language has (plus `zero`, for 0)."""
    from babel import Locale

    from bleu_assess.render.l10n import locale_name

    categories = set(Locale.parse(locale_name(lang)).plural_form.tags) | {"zero", "other"}
    plural = {k: v for k, v in catalogue(lang).items() if not isinstance(v, str)}
    assert plural, "the catalogues hold plural forms"
    wrong = {k: sorted(set(v) - categories) for k, v in plural.items() if set(v) - categories or "other" not in v}
    assert wrong == {}


@pytest.mark.parametrize("lang, counts", [
    ("fr", {0: "aucune application n'est bloquée", 1: "1 application est bloquée", 1.5: "1,5 application est bloquée",
            2: "2 applications sont bloquées", 1234: "1\u202f234 applications sont bloquées"}),
    ("en", {0: "no application is blocked", 1: "1 application is blocked", 1.5: "1.5 applications are blocked",
            1234: "1,234 applications are blocked"}),
])
def test_plural_forms_follow_cldr_and_numbers_are_localised(tmp_path: Any, monkeypatch: Any, lang: str,
                                                             counts: dict[float, str]) -> None:
    """French puts 0 and 1 (and 1,5) in the singular, English only 1; `zero` overrides both;
    numbers take the language's grouping (a narrow no-break space in French) and decimal sign."""
    entry = {"fr": {"zero": "aucune application n'est bloquée", "one": "{count} application est bloquée",
                    "other": "{count} applications sont bloquées"},
             "en": {"zero": "no application is blocked", "one": "{count} application is blocked",
                    "other": "{count} applications are blocked"}}[lang]
    monkeypatch.setitem(catalogue(lang), "test.blocked", entry)
    assert {n: t("test.blocked", lang, count=n) for n in counts} == counts


def test_dates_are_written_in_the_readers_language() -> None:
    import datetime as dt

    day = dt.date(2026, 11, 30)
    assert t("catalogue.until", "fr", until=day) == "jusqu'au 30 novembre 2026"
    assert t("catalogue.until", "en", until=day).endswith("30 November 2026")


def test_strict_mode_fails_on_missing_wording(monkeypatch: Any) -> None:
    """The tests run strict (conftest): a missing key, count or value is an error, not a key
    printed to the reader; outside strict mode the key is shown and the run goes on."""
    monkeypatch.setenv("BLEU_ASSESS_STRICT_I18N", "1")
    with pytest.raises(MissingMessage, match=r"report\.no_such_key"):
        t("report.no_such_key", "fr")
    with pytest.raises(MissingMessage, match="count"):
        t("report.items_count", "fr")
    with pytest.raises(MissingMessage, match="organisation"):
        t("report.subtitle", "fr", other="x")
    monkeypatch.setenv("BLEU_ASSESS_STRICT_I18N", "0")
    assert t("report.no_such_key", "fr") == "report.no_such_key"


def test_no_optional_plural_marks_are_left() -> None:
    """« application(s) », « autre(s) », « qualifié(s) »: every count has its plural forms."""
    texts = {f"{lang}:{key}": text for lang in ("fr", "en") for key, entry in catalogue(lang).items()
             for text in ([entry] if isinstance(entry, str) else entry.values())}
    templates = {str(p): p.read_text(encoding="utf-8") for p in templates_dir().rglob("*.j2")}
    marked = sorted(k for k, text in {**texts, **templates}.items() if re.search(r"\w\((s|x|e|es)\)", text))
    assert marked == []


def test_a_held_application_without_a_fitting_offer_is_said_in_plain_words() -> None:
    """« zone d'atterrissage » (landing zone) is a migration consultant's word, not a hospital
    direction's: the catalogues and templates say « plateforme cible » (target platform)."""
    assert t("values.held.no-landing-zone", "fr") == "Aucune plateforme cible déclarée ne convient"
    assert t("values.held.no-landing-zone", "en") == "No declared target platform fits"
    texts = {f"{lang}:{key}": text for lang in ("fr", "en") for key, entry in catalogue(lang).items()
             for text in ([entry] if isinstance(entry, str) else entry.values())}
    templates = {str(p): p.read_text(encoding="utf-8") for p in templates_dir().rglob("*.j2")}
    starters = {str(p): p.read_text(encoding="utf-8") for p in (templates_dir() / "starter").glob("*.yaml")}
    jargon = sorted(k for k, text in {**texts, **templates, **starters}.items()
                    if re.search(r"atterrissage|landing zone", text, re.IGNORECASE))
    assert jargon == []


@pytest.mark.parametrize(("name", "expected"), [
    ("Imagerie à Distance SAS", "dépend d'Imagerie à Distance SAS (en attente : Non prêt)"),
    ("ovh-snc", "dépend d'ovh-snc (en attente : Non prêt)"),
    ("Hôpital Nord", "dépend d'Hôpital Nord (en attente : Non prêt)"),
    ("Hauts-de-France", "dépend de Hauts-de-France (en attente : Non prêt)"),  # aspirated h
    ("onze", "dépend de onze (en attente : Non prêt)"),
    ("Bleu", "dépend de Bleu (en attente : Non prêt)"),
])
def test_french_elides_de_before_a_name_that_begins_with_a_vowel_or_a_mute_h(name: str, expected: str) -> None:
    assert t("plan.held_depends", "fr", dependency=name, reason="Non prêt") == expected
    assert t("plan.held_depends", "en", dependency=name, reason="not ready").startswith(f"depends on {name} ")


def test_finding_messages_elide_de_before_a_provider_name_in_french_only() -> None:
    from pathlib import Path

    from bleu_assess import api

    example = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"
    fr = api.scan(example, lang="fr", as_of="2026-11-30").item("teleradiologie")
    message = next(f.message for f in fr.findings if f.rule == "SNC-REC-001")
    assert "le cloud commercial d'Imagerie à Distance SAS" in message
    en = api.scan(example, lang="en", as_of="2026-11-30").item("teleradiologie")
    assert "Imagerie à Distance SAS" in next(f.message for f in en.findings if f.rule == "SNC-REC-001")


def test_french_writes_the_first_of_the_month_as_an_ordinal() -> None:
    import datetime as dt

    from bleu_assess.render import l10n

    assert l10n.date(dt.date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert l10n.date(dt.date(2026, 12, 11), "fr") == "11 décembre 2026"
    assert l10n.date(dt.date(2026, 12, 1), "en") == "1 December 2026"


def test_elision_touches_only_the_words_de_and_que() -> None:
    from bleu_assess.render import l10n

    assert l10n.elided("la somme due {x}, fin de {x}", "fr", {"x": "Orange"}) == "la somme due {x}, fin d'{x}"
    assert l10n.elided_tail("la somme due ", "Orange", "fr") == "la somme due "
    assert l10n.elided_tail("ainsi que ", "Orange", "fr") == "ainsi qu'"
