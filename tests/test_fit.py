"""The fit matrix: every application against every candidate offer, with the reason in one phrase."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import minimal_inventory

from bleu_assess import api
from bleu_assess.assess import fit
from bleu_assess.render import fit as fit_render
from bleu_assess.render.i18n import t

INVENTORY = minimal_inventory(
    organisation={"name": "Ministère", "country": "FR", "type": "state-administration"},
    providers=[
        {"ref": "catalogue:3ds-outscale", "id": "outscale"},
        {"ref": "catalogue:bleu"},
        {"id": "us-cloud", "name": "US Cloud", "headquarters": "US", "regions": ["FR"]},
        {"id": "fr-host", "name": "Hébergeur", "headquarters": "FR", "regions": ["FR", "CH"]},
    ],
    platforms=[
        {"ref": "catalogue:3ds-outscale/iaas-cloud-on-demand", "id": "outscale-iaas"},
        {"ref": "catalogue:bleu/azure", "id": "bleu-azure"},
        {"id": "us-iaas", "provider": "us-cloud", "models": ["iaas"]},
        {"id": "fr-iaas", "provider": "fr-host", "models": ["iaas"]},
        {"id": "us-saas", "provider": "us-cloud", "models": ["saas"]},
    ],
    applications=[
        {"id": "metier", "name": "Métier", "hosting": {"model": "on-premises"}, "strategy": "rehost",
         "datasets": ["dossiers"]},
        {"id": "vieux", "name": "Vieux", "hosting": {"model": "on-premises"}, "strategy": "retire",
         "datasets": ["dossiers"]},
    ],
    datasets=[{"id": "dossiers", "name": "Dossiers", "classification": "sensitive"}],
)


def _matrix(write_inventory, day: dt.date) -> fit.FitMatrix:
    inventory = api.load(write_inventory(INVENTORY), as_of=day).inventory
    return fit.fit(inventory, api.select_rulesets(), "en", None, day)


def _cells(matrix: fit.FitMatrix, app: str) -> dict[str, tuple[str, str]]:
    row = next(r for r in matrix.rows if r.id == app)
    return {offer: (cell.status, fit_render.reason(cell, "en")) for offer, cell in zip(matrix.offers, row.cells)}


def test_each_offer_fits_or_says_what_it_misses(write_inventory) -> None:
    cells = _cells(_matrix(write_inventory, dt.date(2026, 11, 30)), "metier")
    assert cells == {
        "bleu-azure": ("fits-with-conditions", "once SecNumCloud 3.2 is granted (pending)"),
        "fr-iaas": ("does-not-fit", "stores data outside the target's regions: Switzerland"),
        "outscale-iaas": ("fits-with-conditions", "SecNumCloud 3.2 expires 30 November 2026"),
        "us-iaas": ("does-not-fit", "us-cloud is reachable by non-EU law"),
        "us-saas": ("does-not-fit", "offers SaaS; needs IaaS or Private cloud"),
    }


def test_an_offer_whose_qualification_has_lapsed_no_longer_fits_and_says_since_when(write_inventory) -> None:
    """A qualification held until a day now past is not one the offer never had: the renewal may
    only be missing from the catalogue (a new-user trial read « n'a pas SecNumCloud 3.2 »)."""
    matrix = _matrix(write_inventory, dt.date(2026, 12, 1))
    cell = next(c for o, c in zip(matrix.offers, next(r for r in matrix.rows if r.id == "metier").cells)
                if o == "outscale-iaas")
    assert (cell.status, cell.reason, cell.values) == (
        "does-not-fit", "expired", {"qualification": "secnumcloud-3.2", "until": "2026-11-30"})
    assert fit_render.reason(cell, "en") == "SecNumCloud 3.2 expired on 30 November 2026: check its renewal"
    assert fit_render.reason(cell, "fr") == "SecNumCloud 3.2 échue le 30 novembre 2026 : vérifier le renouvellement"
    # A qualification never held still reads as lacking.
    assert _cells(matrix, "metier")["fr-iaas"][0] == "does-not-fit"


def test_a_lapsed_qualification_is_what_the_missing_platform_finding_says(write_inventory) -> None:
    day = dt.date(2026, 12, 1)
    doc = {"format": "bleu-assess/v2", "organisation": INVENTORY["organisation"],
           "providers": [{"ref": "catalogue:3ds-outscale", "id": "outscale"}],
           "platforms": [{"ref": "catalogue:3ds-outscale/iaas-cloud-on-demand", "id": "outscale-iaas"}],
           "applications": INVENTORY["applications"][:1],
           "datasets": [{"id": "dossiers", "classification": "special-category", "particular_sensitivity": "yes"}]}
    scanned = api.assess(api.load(write_inventory(doc), as_of=day).inventory, lang="en", as_of=day.isoformat())
    finding = next(f for f in scanned.item("metier").findings if f.rule == "SNC-PLT-001")
    assert "has expired (check its renewal)" in finding.message


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_application_that_does_not_move_is_not_judged(write_inventory, lang: str) -> None:
    matrix = _matrix(write_inventory, dt.date(2026, 11, 30))
    row = next(r for r in matrix.rows if r.id == "vieux")
    assert {c.status for c in row.cells} == {"not-moving"}
    assert fit_render.reason(row.cells[0], lang).startswith({"fr": "cible", "en": "target"}[lang])


@pytest.mark.parametrize("width", [60, 100, 250])
def test_the_terminal_matrix_never_cuts_a_word(write_inventory, width: int) -> None:
    """A grid when every column holds its longest word, else an application a paragraph:
    at any width, each word of each reason and offer reads whole (no « qualificat|ion »)."""
    import io
    import re

    from rich.console import Console

    from bleu_assess.render.i18n import t

    matrix = _matrix(write_inventory, dt.date(2026, 11, 30))
    screen = Console(width=width, file=io.StringIO(), no_color=True)
    screen.print(fit_render.table(matrix, "fr", width))
    text = screen.file.getvalue()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    shown = set(re.split(r"[\s│┃|]+", text))
    said = [t("fit.title", "fr", day=matrix.day), *matrix.offers,
            *(fit_render.reason(cell, "fr") for row in matrix.rows for cell in row.cells)]
    cut = {word for phrase in said for word in phrase.split() if word not in shown and word.rstrip(" :;,") not in shown}
    assert cut == set()
    assert ("┃" in text) == (width >= 250), "a grid only where it fits"


def test_the_csv_has_a_status_and_a_reason_per_offer(write_inventory) -> None:
    import csv
    import io

    matrix = _matrix(write_inventory, dt.date(2026, 11, 30))
    rows = list(csv.DictReader(io.StringIO(fit_render.csv_text(matrix, "en").decode("utf-8-sig"))))
    assert [r["application"] for r in rows] == ["metier", "vieux"]
    # Each decision in words for people, then as its code for a program (the JSON's).
    assert rows[0]["us-iaas"] == "does not fit" and rows[0]["us-iaas (code)"] == "does-not-fit"
    assert rows[0]["us-iaas reason"] == "us-cloud is reachable by non-EU law"
    assert rows[0]["us-iaas reason (code)"] == "exposed"
    french = list(csv.DictReader(io.StringIO(fit_render.csv_text(matrix, "fr").decode("utf-8-sig")), delimiter=";"))
    assert french[0]["us-iaas"] == "ne convient pas" and french[0]["us-iaas (code)"] == "does-not-fit"
    assert french[0]["us-iaas : motif (code)"] == "exposed"


def test_a_saas_offer_fits_only_the_services_it_provides(write_inventory) -> None:
    """Format v2: a SaaS offer hosts an application only for a service it provides; a public
    shared service meets the doctrine's qualification requirement (it is not a commercial offer)."""
    inventory = {
        "format": "bleu-assess/v2",
        "organisation": {"name": "CHU", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "gcs", "name": "GCS", "kind": "public-community", "headquarters": "FR",
                       "regions": ["FR"]},
                      {"id": "editor", "name": "Editor", "headquarters": "FR", "regions": ["FR"]}],
        "platforms": [{"id": "mss", "provider": "gcs", "models": ["saas"], "services": ["secure-health-messaging"],
                       "hds_activities": [1, 2, 3, 4, 5, 6]}],
        "applications": [
            {"id": "mss-app", "name": "MSSanté", "service": "secure-health-messaging",
             "hosting": {"model": "saas", "provider": "editor"}, "datasets": ["echanges"]},
            {"id": "rdv", "name": "RDV", "service": "appointments", "hosting": {"model": "saas", "provider": "editor"},
             "datasets": ["echanges"]},
            {"id": "other", "name": "Other", "hosting": {"model": "saas", "provider": "editor"}, "datasets": ["echanges"]},
        ],
        "datasets": [{"id": "echanges", "name": "Échanges", "classification": "health"}],
    }
    day = dt.date(2026, 11, 30)
    matrix = fit.fit(api.load(write_inventory(inventory), as_of=day).inventory, api.select_rulesets(), "en", None, day)
    cells = {app: _cells(matrix, app)["mss"] for app in ("mss-app", "rdv", "other")}
    assert cells["mss-app"][0] == "fits"
    assert cells["rdv"] == ("does-not-fit", "does not provide the service 'appointment booking' (provides: secure health "
                                            "messaging)")
    row = next(r for r in matrix.rows if r.id == "rdv")
    french = dict(zip(matrix.offers, (fit_render.reason(cell, "fr") for cell in row.cells), strict=True))
    assert french["mss"] == "ne fournit pas le service « prise de rendez-vous » (fournit : messagerie sécurisée de santé)"
    assert cells["other"][0] == "does-not-fit" and "service is not declared" in cells["other"][1]


STATE_HOST = {
    "format": "bleu-assess/v2",
    "organisation": {"name": "Ministère", "country": "FR", "type": "state-administration"},
    "providers": [{"id": "nubo-host", "name": "Nubo", "headquarters": "FR", "regions": ["FR"]},
                  {"id": "fr-host", "name": "Hébergeur", "headquarters": "FR", "regions": ["FR"], "kind": "commercial"}],
    "platforms": [{"id": "nubo", "provider": "nubo-host", "models": ["iaas"]},
                  {"id": "fr-iaas", "provider": "fr-host", "models": ["iaas"]}],
    "applications": [{"id": "metier", "name": "Métier", "hosting": {"model": "on-premises"}, "strategy": "rehost",
                      "datasets": ["dossiers"]}],
    "datasets": [{"id": "dossiers", "name": "Dossiers", "classification": "personal", "particular_sensitivity": "yes"}],
}


@pytest.mark.parametrize(("lang", "undecided", "undeclared"), [
    ("fr", "SecNumCloud 3.2 à établir : nature de nubo-host non déclarée (le cloud de l'État n'en a pas besoin)",
     "SecNumCloud 3.2 non déclarée pour l'offre en IaaS"),
    ("en", "SecNumCloud 3.2 to be established: nubo-host's kind is not declared (the State's cloud needs none)",
     "SecNumCloud 3.2 not declared for the offer as IaaS"),
])
def test_an_undeclared_host_kind_or_qualification_reads_as_unknown_never_as_lacking(
        write_inventory, lang: str, undecided: str, undeclared: str) -> None:
    """A French host whose kind is not declared may be the State's cloud, which needs no
    qualification (SNC-PLT-004): the cell is undecided (?), not « n'a pas SecNumCloud » (✗). A
    commercial offer that lists no SecNumCloud does not fit, said as what the inventory declares."""
    day = dt.date(2026, 11, 30)
    matrix = fit.fit(api.load(write_inventory(STATE_HOST), as_of=day).inventory, api.select_rulesets(), lang,
                     None, day)
    cells = {o: (c.status, fit_render.reason(c, lang)) for o, c in zip(matrix.offers, matrix.rows[0].cells)}
    assert cells == {"nubo": ("undecided", undecided), "fr-iaas": ("does-not-fit", undeclared)}
    assert fit_render.MARKS["undecided"] == "?" and "? " in t("fit.legend", lang)
    assert not any(word in reason for _, reason in cells.values() for word in ("n'a pas", "n'a ni", "lacks"))


def test_an_eu_offer_accepted_as_a_recommended_scope_s_fallback_fits_with_that_condition() -> None:
    """The CHU's health systems: SecNumCloud is recommended, not required. Assessed against the
    public cloud offer alone, the engine lands them there as the EU fallback: the matrix, whose
    row reads "SecNumCloud", says so instead of a plain ✓."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"
    inventory = api.load(path).inventory
    matrix = fit.fit(inventory, api.select_rulesets(), "fr", ["ovh-public-cloud", "ovh-snc"], dt.date(2026, 11, 30))
    row = next(r for r in matrix.rows if r.id == "bloc")
    assert row.target == "secnumcloud"  # the qualified offer's assessment targets SecNumCloud
    cell = row.cells[0]
    assert (cell.status, cell.reason, cell.values) == ("fits-with-conditions", "fallback",
                                                      {"target": "eu-cloud", "preferred": "secnumcloud"})
    assert fit_render.reason(cell, "fr") == "en repli Cloud UE : SecNumCloud est recommandé, non requis"


@pytest.mark.parametrize("reason, values, french", [
    ("qualification", {"qualifications": "hds", "model": "iaas"}, "HDS non déclarée pour l'offre en IaaS"),
    ("qualification", {"qualifications": "secnumcloud-3.2, hds", "model": "paas"},
     "ni SecNumCloud 3.2 ni HDS déclarées pour l'offre en PaaS"),
    ("pending", {"qualifications": "secnumcloud-3.2"}, "une fois SecNumCloud 3.2 obtenue (en cours)"),
    ("pending", {"qualifications": "secnumcloud-3.2, hds"}, "une fois SecNumCloud 3.2 et HDS obtenues (en cours)"),
    ("seat", {"provider": "us-cloud", "seat": "US"}, "le siège d'us-cloud est hors de l'UE : États-Unis (SecNumCloud §19.6.a)"),
    ("regions", {"regions": "CH, US"}, "stocke des données hors des régions de la cible : Suisse et États-Unis"),
    ("model", {"offers": "iaas, paas", "needs": "saas"}, "propose IaaS et PaaS ; il faut SaaS"),
    ("service", {"service": "my-own-service", "services": "mail"},
     "ne fournit pas le service « my-own-service » (fournit : messagerie)"),
])
def test_a_reason_reads_as_french_lists_countries_and_services_worded(reason: str, values: dict[str, str],
                                                                      french: str) -> None:
    """Lists joined as French joins them (« ni … ni » for what is missing), countries by name, a
    service by its label (one the catalogue does not know, as the inventory writes it)."""
    assert fit_render.reason(fit.Cell("does-not-fit", reason, values), "fr") == french


@pytest.mark.parametrize("example", ["chu-exemple", "ministere-exemple"])
def test_each_row_reads_against_the_target_scan_gives(example: str) -> None:
    # The hospital's patient file: SecNumCloud recommended, no qualified offer offering its PaaS,
    # so scan's target is the EU fallback; the matrix's row says the same, never « SecNumCloud ».
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "examples" / f"{example}.yaml"
    day = dt.date(2026, 11, 30)
    inventory = api.load(path, as_of=day).inventory
    scanned = api.assess(inventory, lang="en", as_of=day.isoformat())
    matrix = fit.fit(inventory, api.select_rulesets(), "en", day=day)
    assert {row.id: row.target for row in matrix.rows} == {v.id: v.target for v in scanned.applications}
    assert {row.id for row in matrix.rows if row.provisional} == {v.id for v in scanned.applications
                                                                  if "target" in v.undecided}
    # The report passes the targets its scan gave (fit(targets=...)): no second assessment, same matrix.
    given = {v.id: v.target for v in scanned.applications}
    undecided = {v.id for v in scanned.applications if "target" in v.undecided}
    assert fit.fit(inventory, api.select_rulesets(), "en", day=day, targets=given, undecided=undecided) == matrix


def test_an_application_whose_target_is_provisional_never_plainly_fits(write_inventory) -> None:
    # A water operator's GMAO holds network data nobody has classified yet: its target « any
    # cloud » is provisional (the data may call for SecNumCloud), so an offer meeting it fits
    # only on that condition, and its target shows the provisional mark.
    day = dt.date(2026, 11, 30)
    inventory = api.load(write_inventory(minimal_inventory(
        format="bleu-assess/v2",
        providers=[{"id": "fr-host", "name": "Hébergeur", "kind": "commercial", "headquarters": "FR",
                    "regions": ["FR"]}],
        platforms=[{"id": "fr-iaas", "provider": "fr-host", "models": ["iaas"]}],
        applications=[{"id": "gmao", "name": "GMAO", "hosting": {"model": "on-premises"}, "strategy": "rehost",
                       "datasets": ["patrimoine"]},
                      {"id": "compta", "name": "Compta", "hosting": {"model": "on-premises"}, "strategy": "rehost",
                       "datasets": ["comptes"]}],
        datasets=[{"id": "patrimoine", "name": "Patrimoine"},
                  {"id": "comptes", "name": "Comptes", "classification": "internal"}])), as_of=day).inventory
    matrix = fit.fit(inventory, api.select_rulesets(), "en", day=day)
    assert _cells(matrix, "gmao")["fr-iaas"][0] == "fits-with-conditions"
    assert "provisional" in _cells(matrix, "gmao")["fr-iaas"][1]
    assert _cells(matrix, "compta")["fr-iaas"] == ("fits", "meets its Any cloud target")
    gmao = next(a for a in matrix.to_dict()["applications"] if a["id"] == "gmao")
    assert gmao["undecided"] == ["target"]
    assert "Any cloud ?" in fit_render.markdown(matrix, "en")
