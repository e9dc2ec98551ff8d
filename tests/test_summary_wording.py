"""The executive summary reads as correct French and English for 0, 1 and many of every count:
each count takes its noun's and verb's plural form (CLDR rules through Babel: in French 0 and 1
take the singular), zero reads « aucune application n'est … », and no « (s) » is left."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.render.summary import executive_sentences, one_page, top_blockers

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COUNTS = (0, 1, 3)

# A number followed by a word that does not agree with it. French: 0 and 1 singular, 2+ plural;
# English: 1 singular, 0 and 2+ plural. Only the words the summary puts after a count.
FR_PLURAL = r"applications|éléments|vagues|jours-homme|constats|sont|peuvent|manquent|attendent|relèvent|restent|inconnues|recommandées"
FR_SINGULAR = r"application|élément|vague|jour-homme|constat|est|peut|manque|attend|relève|reste|inconnue|recommandée"
EN_PLURAL = r"applications|items|waves|person-days|findings|are|lack|wait|unknowns"
EN_SINGULAR = r"application|item|wave|person-day|finding|is|lacks|waits|unknown"
NOT_A_DIGIT = r"(?<![\d,.\u202f])"  # the count starts here: not the decimals of « 1,5 »
DISAGREEMENT = {
    "fr": [rf"{NOT_A_DIGIT}[01](\*\*)? ({FR_PLURAL})\b", rf"{NOT_A_DIGIT}([2-9]|\d\d+)(\*\*)? ({FR_SINGULAR})\b"],
    "en": [rf"{NOT_A_DIGIT}1(\*\*)? ({EN_PLURAL})\b", rf"{NOT_A_DIGIT}(0|[2-9]|\d\d+)(\*\*)? ({EN_SINGULAR})\b"],
}


def estate(ready: int = 0, exposed: int = 0, kept: int = 0, restricted: int = 0) -> dict[str, Any]:
    """`ready` applications that can move, `exposed` ones holding health data at a US SaaS
    (blocked, exposed critically), `kept` ones that stay (strategy retain), `restricted` ones
    holding Diffusion Restreinte data, accredited at DR level (SecNumCloud recommended, ready with
    conditions)."""
    def apps(prefix: str, count: int, **fields: Any) -> list[dict[str, Any]]:
        return [{"id": f"{prefix}-{i}", "name": f"{prefix.capitalize()} {i}", **fields} for i in range(count)]

    on_site = {"model": "on-premises"}
    applications = (apps("prete", ready, hosting=on_site, datasets=["interne"])
                    + apps("exposee", exposed, hosting={"model": "saas", "provider": "us"}, datasets=["sante"])
                    + apps("gardee", kept, hosting=on_site, strategy="retain", datasets=["interne"])
                    + apps("dr", restricted, hosting=on_site, datasets=["dr"],
                           homologation={"level": "dr", "granted_on": "2025-01-15"}))
    return {
        "format": "bleu-assess/v2", "organisation": {"name": "Test", "type": "health-establishment"},
        "providers": [{"id": "us", "name": "US Cloud", "headquarters": "US", "regions": ["US"]},
                      {"ref": "catalogue:3ds-outscale"}],
        "platforms": [{"ref": "catalogue:3ds-outscale/iaas-cloud-on-demand", "id": "outscale"}],
        "applications": applications,
        "datasets": [{"id": "interne", "name": "Interne", "classification": "internal"},
                     {"id": "sante", "name": "Santé", "classification": "health"},
                     {"id": "dr", "name": "DR", "classification": "restricted"}],
    }


def summary_text(path: Path, lang: str) -> tuple[dict[str, Any], list[str]]:
    loaded = api.load(path)
    scan = api.assess(loaded.inventory, lang=lang)
    plan = api.plan(scan, api.graph(loaded.inventory))
    return one_page(scan, plan, loaded.inventory), executive_sentences(scan, plan, loaded.inventory, top_blockers(scan))


def words(page: dict[str, Any], sentences: list[str]) -> str:
    figures = [f"**{value}** {text}" for value, text, _ in page["figures"]]
    return "\n".join(figures + page["move"] + page["when"] + sentences)


def assert_agrees(text: str, lang: str) -> None:
    assert "(s)" not in text and "(x)" not in text
    for pattern in DISAGREEMENT[lang]:
        assert not re.search(pattern, text), f"{re.search(pattern, text).group(0)!r} in:\n{text}"  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("count", COUNTS)
def test_every_count_agrees_with_its_words(write_inventory: Any, lang: str, count: int) -> None:
    path = write_inventory(estate(ready=count, exposed=count, kept=count, restricted=count) if count
                           else estate(ready=1))  # an estate needs one application
    page, sentences = summary_text(path, lang)
    assert_agrees(words(page, sentences), lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("count", COUNTS)
def test_the_executive_report_pages_agree(write_inventory: Any, lang: str, count: int) -> None:
    """The summary as the reader gets it: the Markdown report up to its charts (figures, the
    four answers, the unknowns, the executive sentences and their table)."""
    from bleu_assess.render.report import render

    loaded = api.load(write_inventory(estate(ready=max(count, 1), exposed=count, kept=count)))
    scan = api.assess(loaded.inventory, lang=lang)
    text = render(scan, api.plan(scan, api.graph(loaded.inventory)), loaded.inventory, "markdown", "executive", None)
    summary = text.split("\n## Graphiques" if lang == "fr" else "\n## Charts")[0]
    assert_agrees(summary, lang)


EXPOSURE = {
    "fr": {0: "Aucune application n'est à la portée d'un droit extra-européen",
           1: "1 application est à la portée d'un droit extra-européen",
           3: "3 applications sont à la portée d'un droit extra-européen"},
    "en": {0: "No application is within reach of non-EU law",
           1: "1 application is within reach of non-EU law",
           3: "3 applications are within reach of non-EU law"},
}
HELD = {"fr": {1: "1 application attend la levée de ses obstacles.", 3: "3 applications attendent la levée de leurs obstacles."},
        "en": {1: "1 application waits until its blockers are lifted.", 3: "3 applications wait until their blockers are lifted."}}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("exposed", COUNTS)
def test_exposure_and_held_sentences_for_none_one_and_many(write_inventory: Any, lang: str, exposed: int) -> None:
    _, sentences = summary_text(write_inventory(estate(ready=1, exposed=exposed)), lang)
    assert any(s.startswith(EXPOSURE[lang][exposed]) for s in sentences), sentences
    held = [s for s in sentences if s in HELD[lang].values()]
    assert held == ([HELD[lang][exposed]] if exposed else []), "the held sentence only when some are held"


def test_readiness_names_each_verdict_with_its_own_verb(write_inventory: Any) -> None:
    _, sentences = summary_text(write_inventory(estate(ready=3, restricted=1, exposed=1)), "fr")
    assert ("sur 5 applications, 3 sont prêtes, 1 est prête sous conditions et 1 est bloquée"
            in sentences[0]), sentences[0]
    _, sentences = summary_text(write_inventory(estate(ready=1)), "en")
    assert sentences[0] == "Verdict before scheduling, of 1 application: 1 is ready."


def test_a_single_wave_is_not_the_first_of_one(write_inventory: Any) -> None:
    page, sentences = summary_text(write_inventory(estate(ready=1)), "fr")
    assert page["move"][0].startswith("1 application peut migrer, en 1 vague (")
    assert re.search(r"\(\d+ jours-homme\)", page["move"][0])
    pilot = [s for s in sentences if "vague pilote" in s]
    assert pilot and "seule vague du plan" in pilot[0] and "première de" not in pilot[0]
    figures = {kind: (value, text) for value, text, kind in page["figures"]}
    assert (figures["total"], figures["ready"], figures["neutral"]) == (
        (1, "application"), (1, "peut migrer"), (0, "reste en place"))  # French: 0 takes the singular


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recommended_scope_shows_beside_the_required_one(lang: str) -> None:
    """The hospital's health data is recommended for SecNumCloud, not required: the page must
    not read as if SecNumCloud did not concern it."""
    page, sentences = summary_text(EXAMPLES / "chu-exemple.yaml", lang)
    kinds = [kind for _, _, kind in page["figures"]]
    required, recommended = (page["figures"][kinds.index(k)][0] for k in ("required", "recommended"))
    assert required == 0 and recommended > 0
    assert kinds.index("recommended") == kinds.index("required") + 1
    scope = next(s for s in sentences if s.startswith("SecNumCloud"))
    assert f" {recommended}" in scope


@pytest.mark.parametrize(("lang", "basis"), [
    ("fr", "« Recommandé » : une recommandation (ANSSI, DINUM), pas une obligation légale."),
    ("en", '"Recommended": a recommendation (ANSSI, DINUM), not a legal requirement.'),
])
def test_a_recommended_count_says_it_is_a_recommendation_and_which_basis_is_contested(
        write_inventory: Any, lang: str, basis: str) -> None:
    """A hospital's health data is recommended for SecNumCloud on a contested basis (the rule's
    `uncertain` note); Diffusion Restreinte outside the State on a firm one. Wherever the summary
    counts recommended applications (the page's figures, the scope sentence), it says that
    « recommended » is no legal requirement, and for how many the basis is itself contested."""
    loaded = api.load(write_inventory(estate(exposed=2, restricted=1)))
    scan = api.assess(loaded.inventory, lang=lang)
    plan = api.plan(scan, api.graph(loaded.inventory))
    assert scan.summary()["secnumcloud_scope"]["recommended"] == 3
    contested = {f.title for a in scan.applications for f in a.findings if f.uncertain and f.rule == "SNC-SCOPE-002"}
    assert len(contested) == 1 and not any(f.uncertain for f in scan.item("dr-0").findings if f.rule == "SNC-DR-004")
    [title] = contested
    quoted = {"fr": f"« {title} » (2)", "en": f'"{title}" (2)'}[lang]
    counted = {"fr": "pour 2 d'entre elles", "en": "for 2 of them"}[lang]
    sentences = executive_sentences(scan, plan, loaded.inventory, top_blockers(scan))
    scope = next(i for i, s in enumerate(sentences) if s.startswith("SecNumCloud"))
    said = sentences[scope + 1]
    assert said.startswith(basis) and counted in said and said.endswith(quoted + ".")
    # The one-page summary, full, counts them without the titles.
    note = one_page(scan, plan, loaded.inventory)["recommended_note"]
    assert note.startswith(basis) and counted in note and title not in note


def test_no_recommended_application_no_caveat(write_inventory: Any) -> None:
    loaded = api.load(write_inventory(estate(ready=2)))
    scan = api.assess(loaded.inventory, lang="fr")
    plan = api.plan(scan, api.graph(loaded.inventory))
    assert one_page(scan, plan, loaded.inventory)["recommended_note"] is None
    assert not any("recommandation" in s for s in executive_sentences(scan, plan, loaded.inventory, []))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", ["chu-exemple", "ministere-exemple", "minimal"])
def test_examples_summaries_agree(name: str, lang: str) -> None:
    page, sentences = summary_text(EXAMPLES / f"{name}.yaml", lang)
    assert_agrees(words(page, sentences) + "\n" + "\n".join(page["unknowns"]["lines"]), lang)



@pytest.mark.parametrize("name", ["chu-exemple", "ministere-exemple"])
def test_the_headline_adds_up_and_says_why_applications_stay(name: str) -> None:
    """Can move + held + stay + unknown = applications: an application that cannot be assessed
    is counted once (a new-user trial read 30 for 29). A retained application is said to stay by
    its strategy, never under a target label."""
    path = EXAMPLES / f"{name}.yaml"
    scan = api.scan(path, lang="fr")
    inventory = api.load(path).inventory
    page = one_page(scan, api.plan(scan, api.graph(inventory)), inventory)
    figures = {kind: value for value, _, kind in page["figures"]}
    assert figures["ready"] + figures["not-ready"] + figures["neutral"] + figures["unknown"] == figures["total"]
    whys = [entry["why"] for entry in page["cannot"]]
    assert not {"Cloud UE", "Tout cloud", "SecNumCloud"} & set(whys), whys


@pytest.mark.parametrize("name", ["chu-exemple", "ministere-exemple"])
def test_the_held_sentence_counts_what_the_headline_calls_waiting(name: str) -> None:
    # The hospital has one application that cannot be assessed: it is counted once, as unknown,
    # on the headline and not again among those waiting (a new-user trial read 11 then 12).
    page, sentences = summary_text(EXAMPLES / f"{name}.yaml", "en")
    waiting = next(value for value, _, kind in page["figures"] if kind == "not-ready")
    said = [s for s in sentences if "blockers are lifted" in s]
    assert said == [f"{waiting} applications wait until their blockers are lifted."], said


def test_a_dated_plan_says_when_the_pilot_starts(runner: Any, tmp_path: Path) -> None:
    from bleu_assess.cli import app

    out = tmp_path / "synthese.md"
    args = ["report", str(EXAMPLES / "chu-exemple.yaml"), "--audience", "executive", "-f", "markdown", "-o", str(out)]
    assert runner.invoke(app, [*args, "--start", "2027-01-04", "--lang", "en"]).exit_code == 0
    assert "- From 4 January 2027, the pilot wave: " in out.read_text(encoding="utf-8")
    assert runner.invoke(app, [*args, "--lang", "fr"]).exit_code == 0
    assert "- Dès maintenant, la vague pilote : " in out.read_text(encoding="utf-8")


def test_what_cannot_move_comes_most_critical_first_then_hardest_blocker(write_inventory: Any) -> None:
    inventory = estate()
    us_saas = {"model": "saas", "provider": "us"}
    inventory["applications"] = [
        {"id": "archives", "name": "Archives", "criticality": "low", "hosting": {"model": "on-premises"},
         "strategy": "retain", "datasets": ["interne"]},
        {"id": "annuaire", "name": "Annuaire", "criticality": "vital", "hosting": {"model": "on-premises"},
         "strategy": "retain", "datasets": ["interne"]},
        {"id": "alpha", "name": "Alpha", "criticality": "low", "hosting": us_saas, "datasets": ["sante"]},
        {"id": "zulu", "name": "Zulu", "criticality": "vital", "hosting": us_saas, "datasets": ["sante"]},
    ]
    loaded = api.load(write_inventory(inventory))
    scan = api.assess(loaded.inventory, lang="en")
    cannot = one_page(scan, api.plan(scan, api.graph(loaded.inventory)), loaded.inventory)["cannot"]
    # Both lines hold a vital application: the blocker comes before the choice to stay.
    assert [line["names"] for line in cannot] == ["Zulu; Alpha", "Annuaire; Archives"]


def test_without_a_pilot_the_summary_speaks_of_the_first_wave(write_inventory: Any) -> None:
    # Every application depends on a vital directory: no pilot can go first (docs/planning.md).
    inventory = estate(ready=3)
    for app in inventory["applications"]:
        app["depends_on"] = ["annuaire"]
    inventory["applications"].append({"id": "annuaire", "name": "Annuaire", "criticality": "vital",
                                      "hosting": {"model": "on-premises"}, "datasets": ["interne"]})
    page, sentences = summary_text(write_inventory(inventory), "fr")
    text = words(page, sentences)
    assert "vague pilote" not in text.replace("pas de vague pilote", "")
    assert "Dès maintenant, la première vague (sans pilote : le reste dépend d'elle) : Annuaire." in page["move"]
    assert any(s.startswith("La première de 2 vagues migre Annuaire (") for s in sentences), sentences
