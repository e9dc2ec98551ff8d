"""The report's one-page summary, findings grouped by rule and dependency/exposure diagrams,
on small inventories built here and on the examples."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.render import diagram
from bleu_assess.render.report_parts import rule_groups
from bleu_assess.render.summary import one_page

ROOT = Path(__file__).resolve().parent.parent
CHU = ROOT / "examples" / "chu-exemple.yaml"
TITLES = {"exposure": "Exposure", "overview": "Overview", "item": "Exposure of {name}"}


def assessed(path: Path, lang: str = "en") -> tuple[Any, Any, Any]:
    inventory = api.load(path).inventory
    scan = api.assess(inventory, lang=lang)
    return inventory, scan, api.plan(scan, api.graph(inventory))


def estate() -> dict[str, Any]:
    """A US-controlled SaaS mail holding personal data, an intranet with no hosting declared,
    a payroll with a declared blocker, a portal depending on the payroll, and a website that
    moves (to the French IaaS offer)."""
    return {
        "format": "bleu-assess/v1", "organisation": {"name": "Mairie", "country": "FR", "type": "local-authority"},
        "providers": [{"id": "us-mail", "name": "Mail Corp.", "headquarters": "US", "regions": ["FR"]},
                      {"id": "fr-cloud", "name": "Nuage Français", "headquarters": "FR", "regions": ["FR"],
                       "qualifications": ["secnumcloud-3.2"]}],
        "platforms": [{"id": "fr-iaas", "provider": "fr-cloud", "models": ["iaas", "saas"]}],
        "applications": [
            {"id": "mail", "name": "Messagerie des élus", "hosting": {"model": "saas", "provider": "us-mail"},
             "datasets": ["mails"]},
            {"id": "intra", "name": "Intranet municipal", "datasets": ["pages"]},
            {"id": "paie", "name": "Paie des agents", "hosting": {"model": "on-premises"}, "datasets": ["pages"],
             "blockers": ["Licence non transférable"]},
            {"id": "portail", "name": "Portail RH", "hosting": {"model": "on-premises"}, "datasets": ["pages"],
             "depends_on": ["paie"]},
            {"id": "site", "name": "Site de la mairie", "hosting": {"model": "on-premises"}, "datasets": ["pages"]},
        ],
        "datasets": [{"id": "mails", "name": "Courriels", "classification": "sensitive"},
                     {"id": "pages", "name": "Pages", "classification": "internal"}],
    }


def test_the_four_answers_name_applications_and_count_unknowns(write_inventory: Any) -> None:
    inventory, scan, planned = assessed(write_inventory(estate()))
    page = one_page(scan, planned, inventory)
    text = " ".join([*page["move"], *page["when"], *(g["why"] + g["names"] for g in page["cannot"]),
                     *(line for d in page["decisions"] for line in d["lines"])])
    assert "Paie des agents" in text and "Portail RH" in text
    assert not re.search(r"\b(paie|portail|intra)\b", text), "names, not ids"
    waits = next(g for g in page["cannot"] if g["names"] == "Portail RH")
    assert "Paie des agents" in waits["why"]
    vendor = next(d for d in page["decisions"] if d["kind"] == "vendor-change")
    assert any("Messagerie des élus at Mail Corp." in line for line in vendor["lines"])
    # The intranet declares no hosting: an unknown, named, and counted among the applications'
    # figures (its dataset Pages, unknown too where it lives, is named, not counted with them).
    assert page["unknowns"]["count"] >= 1 and any("Intranet municipal" in line for line in page["unknowns"]["lines"])
    figures = {kind: value for value, _, kind in page["figures"]}
    assert figures["unknown"] == 1
    assert figures["ready"] + figures["not-ready"] + figures["neutral"] + figures["unknown"] == figures["total"]


def test_a_retained_saas_hosting_health_data_unlawfully_still_asks_for_a_vendor_decision(write_inventory: Any) -> None:
    # A hospital keeps its tele-expertise SaaS (strategy retain), whose US provider stores the
    # photos in the US and a lab portal at a host without HDS: staying does not make either
    # lawful (CSP L.1111-8, HDS EXI 28); a retained US mail SaaS without health data asks nothing.
    inventory, scan, planned = assessed(write_inventory({
        "format": "bleu-assess/v2", "organisation": {"name": "GHT", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "us", "name": "SpeechMed Inc.", "kind": "commercial", "headquarters": "US",
                       "regions": ["US"], "hds_activities": [1, 2, 3, 4, 5, 6]},
                      {"id": "lab", "name": "Biologie SELAS", "kind": "commercial", "headquarters": "FR",
                       "regions": ["FR"]},
                      {"id": "mail", "name": "Mail Corp.", "kind": "commercial", "headquarters": "US",
                       "regions": ["FR"]}],
        "applications": [
            {"id": "tele", "name": "Télé-expertise", "hosting": {"model": "saas", "provider": "us"},
             "datasets": ["photos"], "strategy": "retain"},
            {"id": "labo", "name": "Portail du laboratoire", "hosting": {"model": "saas", "provider": "lab"},
             "datasets": ["resultats"], "strategy": "retain"},
            {"id": "courriel", "name": "Messagerie", "hosting": {"model": "saas", "provider": "mail"},
             "datasets": ["courriels"], "strategy": "retain"}],
        "datasets": [{"id": "photos", "name": "Photos", "classification": "health"},
                     {"id": "resultats", "name": "Résultats", "classification": "health"},
                     {"id": "courriels", "name": "Courriels", "classification": "personal"}]}))
    assert {s.id for s in planned.staying} == {"tele", "labo", "courriel"}
    vendor = next(d for d in one_page(scan, planned, inventory)["decisions"] if d["kind"] == "vendor-change")
    text = " ".join(vendor["lines"])
    assert "Télé-expertise at SpeechMed Inc." in text and "Portail du laboratoire at Biologie SELAS" in text
    assert "Messagerie" not in text


def test_undated_plans_say_how_to_date_them_and_dated_ones_give_dates(write_inventory: Any) -> None:
    inventory, scan, planned = assessed(write_inventory(estate()), "fr")
    assert "--start" in " ".join(one_page(scan, planned, inventory)["when"])
    import datetime as dt

    from bleu_assess.plan.roadmap import RoadmapOptions, schedule

    dated = schedule(planned, inventory, RoadmapOptions(dt.date(2027, 1, 4)))
    assert "4 janvier 2027" in " ".join(one_page(scan, dated, inventory)["when"])


def test_findings_grouped_by_rule_keep_every_finding_once() -> None:
    _, scan, _ = assessed(CHU)
    groups = rule_groups(scan)
    pairs = sorted((g["rule"], i["id"], i["message"]) for g in groups for i in g["items"])
    assert pairs == sorted((f.rule, item.id, f.message) for item in scan.items for f in item.findings)
    ranks = [g["severity"] for g in groups]
    order = ["blocker", "high", "medium", "low", "info"]
    assert ranks == sorted(ranks, key=order.index), "most severe first"


def merged_estate() -> dict[str, Any]:
    """Two applications at a US host: one holding health data, whose finding on the host's
    jurisdiction (EXT-JUR-001, verified) merges HDS-EXI30-001 (its basis uncertain: one fact, one
    finding); one holding special-category data, whose EXT-JUR-001 merges nothing."""
    return {
        "format": "bleu-assess/v2", "organisation": {"name": "Hôpital", "country": "FR", "type": "health-establishment"},
        "providers": [{"id": "us-cloud", "name": "US Cloud", "headquarters": "US", "regions": ["FR"]}],
        "applications": [
            {"id": "sante", "name": "Dossiers de soins", "hosting": {"model": "iaas", "provider": "us-cloud"},
             "datasets": ["dossiers"]},
            {"id": "rh", "name": "Paie", "hosting": {"model": "iaas", "provider": "us-cloud"}, "datasets": ["paie"]}],
        "datasets": [{"id": "dossiers", "name": "Dossiers", "classification": "health"},
                     {"id": "paie", "name": "Bulletins", "classification": "special-category"}],
    }


@pytest.mark.parametrize("lang, mark", [("fr", "[base incertaine : HDS-EXI30-001]"),
                                        ("en", "[uncertain basis: HDS-EXI30-001]")])
def test_a_verified_finding_merged_with_an_uncertain_one_marks_the_uncertain_rule_only(
        write_inventory: Any, lang: str, mark: str) -> None:
    from bleu_assess.render.scan import finding_heading

    scan = api.scan(write_inventory(merged_estate()), lang=lang)
    findings = {i.id: {f.rule: f for f in i.findings} for i in scan.items}
    merged, alone = findings["sante"]["EXT-JUR-001"], findings["rh"]["EXT-JUR-001"]
    assert merged.rule_ids == ("EXT-JUR-001", "HDS-EXI30-001") and alone.rule_ids == ("EXT-JUR-001",)
    assert finding_heading(merged, lang) == f"EXT-JUR-001: {merged.title} {mark}"
    assert finding_heading(alone, lang) == f"EXT-JUR-001: {alone.title}", "a verified finding is unmarked"
    own = findings["dossiers"]["HDS-EXI30-001"]
    assert finding_heading(own, lang) == f"HDS-EXI30-001: {own.title} [{'incertain' if lang == 'fr' else 'uncertain'}]"


def test_a_rule_group_notes_the_uncertain_basis_against_the_items_it_concerns(write_inventory: Any,
                                                                              runner: Any, tmp_path: Path) -> None:
    _, scan, _ = assessed(write_inventory(merged_estate()), "fr")
    group = next(g for g in rule_groups(scan) if g["rule"] == "EXT-JUR-001")
    assert [i["name"] for i in group["items"]] == ["Dossiers de soins", "Paie"]
    # Not the whole group's: Paie's finding merges no uncertain rule.
    assert group["uncertain"] is None
    (note,) = group["uncertainties"]
    assert note["text"].startswith("HDS-EXI30-001 : ") and note["names"] == ["Dossiers de soins"]
    out = tmp_path / "rapport.html"
    path = write_inventory(merged_estate())
    result = runner.invoke(app, ["report", str(path), "--lang", "fr", "-o", str(out)])
    assert result.exit_code == 0, result.output
    article = re.search(r'<article class="rule" id="rule-EXT-JUR-001">.*?</article>', out.read_text(encoding="utf-8"),
                        re.S)
    assert article and re.search(r"HDS-EXI30-001 : [^<]*<span class=\"meta\">\(Dossiers de soins\)</span>",
                                 article.group())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_rule_group_cites_every_rule_its_findings_merge_not_its_first_findings_alone(
        write_inventory: Any, runner: Any, tmp_path: Path, lang: str) -> None:
    # Paie's EXT-JUR-001 (first by id: rh before sante) merges nothing; that of Dossiers de soins
    # merges HDS-EXI30-001, whose sources (the HDS référentiel, GDPR art. 48) only it cites.
    path = write_inventory(merged_estate())
    _, scan, _ = assessed(path, lang)
    findings = [f for item in scan.items for f in item.findings if f.rule == "EXT-JUR-001"]
    assert len({f.rule_ids for f in findings}) == 2 and findings[0].rule_ids == ("EXT-JUR-001",)
    group = next(g for g in rule_groups(scan) if g["rule"] == "EXT-JUR-001")
    assert group["rules"] == ("EXT-JUR-001", "HDS-EXI30-001")
    cited = [r for f in findings for r in f.references]
    assert set(group["references"]) == set(cited) and len(group["references"]) == len(set(cited))
    assert list(group["references"][:len(findings[0].references)]) == list(findings[0].references), "its rule's first"
    again = next(g for g in rule_groups(scan) if g["rule"] == "EXT-JUR-001")
    assert (again["rules"], again["references"]) == (group["rules"], group["references"]), "deterministic"
    out = tmp_path / "rapport.html"
    result = runner.invoke(app, ["report", str(path), "--lang", lang, "-o", str(out)])
    assert result.exit_code == 0, result.output
    article = re.search(r'<article class="rule" id="rule-EXT-JUR-001">.*?</article>', out.read_text(encoding="utf-8"),
                        re.S)
    assert article and "<code>HDS-EXI30-001</code>" in article.group()
    merged_only = next(r for r in cited if r not in findings[0].references)
    assert merged_only.split(" (")[0] in article.group()


def test_the_patient_records_exposure_path_is_in_the_dot_text() -> None:
    inventory, scan, _ = assessed(CHU, "fr")
    exposure, overview = diagram.diagrams(scan.applications, inventory, TITLES)
    assert (exposure.key, overview.key) == ("exposure", "overview")
    assert exposure.exposed[("application:dpi", "application:entrepot-sante")] == "critical"
    assert exposure.exposed[("application:entrepot-sante", "provider:microsoft-azure")] == "critical"
    text = diagram.to_dot(exposure)
    assert re.search(r'"application:dpi" -> "application:entrepot-sante" \[id="exposure-application-dpi--'
                     r'application-entrepot-sante", class="flow exposed critical"', text)
    assert diagram.to_dot(exposure) == text, "deterministic"
    assert "Portail wifi des patients" in diagram.unlinked(overview, inventory)


def test_large_estates_get_one_diagram_per_exposed_application(write_inventory: Any) -> None:
    data = estate()
    data["applications"] += [{"id": f"app{i}", "name": f"Application {i}", "hosting": {"model": "on-premises"},
                              "datasets": ["pages"]} for i in range(diagram.OVERVIEW_MAX_APPLICATIONS)]
    inventory, scan, _ = assessed(write_inventory(data))
    pictures = diagram.diagrams(scan.applications, inventory, TITLES)
    assert [p.key for p in pictures] == ["exposure", "item-mail"]
    assert pictures[1].title == "Exposure of Messagerie des élus"


def test_an_exposure_picture_too_large_to_read_is_left_to_the_per_application_ones(write_inventory: Any) -> None:
    data = estate()
    data["applications"] += [{"id": f"saas{i}", "name": f"SaaS {i}", "hosting": {"model": "saas", "provider": "us-mail"},
                              "datasets": ["mails"]} for i in range(diagram.MAX_NODES + diagram.OVERVIEW_MAX_APPLICATIONS)]
    inventory, scan, _ = assessed(write_inventory(data))
    pictures = diagram.diagrams(scan.applications, inventory, TITLES)
    assert pictures and all(p.key.startswith("item-") for p in pictures)
    assert len(pictures) == diagram.PER_PATH_MAX_DIAGRAMS


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz is not installed")
def test_svg_is_inline_titled_and_byte_identical() -> None:
    inventory, scan, _ = assessed(CHU)
    exposure = diagram.diagrams(scan.applications, inventory, TITLES)[0]
    first, overview = diagram.render_svgs([(exposure, "Exposure", "Paths"), (exposure, "Again", "Paths")])
    assert [first] == diagram.render_svgs([(exposure, "Exposure", "Paths")])
    assert overview is not None and "Again" in overview
    assert first.startswith('<svg class="diagram"') and 'role="img"' in first  # type: ignore[union-attr]
    assert "<!--" not in first and "http" not in first and "&#45;" not in first  # type: ignore[operator]


def test_without_graphviz_the_report_lists_the_paths(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    result = runner.invoke(app, ["report", str(CHU), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Graphviz (the dot command) is not installed" in result.stdout
    arrow = ' <span class="arrow">→</span> '
    assert arrow.join(["Dossier patient informatisé", "Entrepôt de données de santé",
                       "Microsoft Azure (cloud commercial)"]) in result.stdout


def test_diffusion_restreinte_of_a_ministry_at_an_unqualified_host_asks_the_direction_to_decide(
        write_inventory: Any) -> None:
    doc = {"format": "bleu-assess/v2", "organisation": {"name": "Ministère", "type": "state-administration"},
           "providers": [{"id": "azure", "name": "Azure", "kind": "commercial", "headquarters": "US",
                          "regions": ["FR"]}],
           "applications": [{"id": "sic", "name": "SI DR", "hosting": {"model": "iaas", "provider": "azure",
                                                                       "region": "FR"},
                             "homologation": {"level": "dr"}, "datasets": ["notes"]}],
           "datasets": [{"id": "notes", "name": "Notes DR", "classification": "restricted"}]}
    inventory, scan, planned = assessed(write_inventory(doc))
    assert scan.item("sic").readiness == "not-ready"
    page = one_page(scan, planned, inventory)
    derogation = next(d for d in page["decisions"] if d["kind"] == "derogation")
    assert any("SI DR at Azure" in line for line in derogation["lines"])
