"""References as data: every rule's references render once per source with all its pinpoints, in
both languages, never doubled or glued; sources carry a primary address and a date; stable
rulesets carry no "to verify" note; `-r ID@VERSION` keeps the other rulesets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.errors import RulesetError, UsageError
from bleu_assess.render.citations import render
from bleu_assess.resources import rulesets_dir
from bleu_assess.rules.load import discover, load_ruleset, select
from bleu_assess.rules.model import Source
from bleu_assess.rules.references import Citation

ALL = [load_ruleset(a.path) for versions in discover().values() for a in versions.values()]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("ruleset", ALL, ids=[r.ref for r in ALL])
def test_every_rule_renders_each_source_once_with_its_pinpoints(ruleset: Any, lang: str) -> None:
    for rule in ruleset.rules:
        citations = ruleset.citations(rule)
        legal, method = render(citations, lang)
        texts = legal + method
        assert texts, f"{rule.id} cites nothing"
        assert len(set(texts)) == len(texts), f"{rule.id}: a reference is repeated: {texts}"
        titles = [c.source.title for c in citations]
        for text in texts:
            title = next(t for t in titles if text.startswith(t))
            rest = text[len(title):]
            # Glued ("… 2024 EXI 28") or doubled ("article 31 art. 31") pinpoints are impossible:
            # after the title comes nothing, or ", " and the pinpoints.
            assert rest == "" or rest.startswith(", "), f"{rule.id}: glued pinpoint in {text!r}"
            words = re.findall(r"\S+ \S+", rest)
            assert len(words) == len(set(words)) or "et" in rest or "and" in rest, f"{rule.id}: {text!r}"
            conjunction = " et " if lang == "fr" else " and "
            other = " and " if lang == "fr" else " et "
            assert other not in rest, f"{rule.id}: {text!r} uses the other language's conjunction"
            pinpoints = [c.pinpoint for c in citations if c.source.title == title and c.pinpoint]
            if len(set(pinpoints)) > 1:
                assert conjunction in rest, f"{rule.id}: {text!r}"


def test_one_source_with_several_pinpoints_is_shown_once_in_the_readers_language() -> None:
    hds = Source("hds", "Référentiel HDS 2024", "https://esante.gouv.fr/offres-services/hds", "2024-04-26")
    snc = Source("snc", "SecNumCloud 3.2", "https://cyber.gouv.fr/secnumcloud")
    method = Source("method", "bleu-assess, méthode", "https://example.org/docs", kind="method")
    citations = [Citation(hds, "EXI 29"), Citation(snc, "§19.2.b"), Citation(hds, "EXI 28"), Citation(hds, "EXI 28"),
                 Citation(method)]
    assert render(citations, "fr") == (("Référentiel HDS 2024, EXI 28 et EXI 29", "SecNumCloud 3.2, §19.2.b"),
                                       ("bleu-assess, méthode",))
    assert render(citations[:3] + [Citation(hds, "EXI 30")], "en")[0][0] == "Référentiel HDS 2024, EXI 28, EXI 29 and EXI 30"
    assert render([Citation(snc, "§19.2.e"), Citation(snc, "§9.7.d")], "en")[0] == ("SecNumCloud 3.2, §9.7.d and §19.2.e",)


def test_shipped_sources_have_a_primary_address_and_a_date() -> None:
    for ruleset in ALL:
        for source in ruleset.sources:
            assert source.url.startswith("https://"), f"{ruleset.ref} {source.key}"
            if source.kind == "legal" and not source.date:  # undated: only for rules marked uncertain
                citing = [r for r in ruleset.rules if any(c.source.key == source.key for c in ruleset.citations(r))]
                assert all(r.uncertain for r in citing), f"{ruleset.ref} {source.key} has no date"


def test_stable_shipped_rulesets_carry_no_note_to_verify() -> None:
    for path in sorted(rulesets_dir().glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*status:\s*stable", text, re.MULTILINE):
            assert not re.search(r"à vérifier|to verify|to be verified", text, re.IGNORECASE), path


def _ruleset(tmp_path: Path, status: str, source_title: str, reference: str, extra: dict[str, Any] | None = None) -> Path:
    local = {"fr": "texte", "en": "text"}
    path = tmp_path / "test" / "1.0.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"ruleset": {"id": "test", "version": "1.0", "status": status, "effective": "2024-01-01", "title": local,
                       "sources": [{"key": "src", "title": source_title, "url": "https://example.org",
                                    "date": "2024-05-21"}]},
           "rules": [{"id": "TST-REF-001", "name": "test.ref", "applies_to": ["application"], "dimension": "test",
                      "severity": "low", "title": local, "when": {"fact": "id", "equals": "x"}, "message": local,
                      "remediation": local, "references": [reference], **(extra or {})}]}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_pinpoint_repeated_in_the_source_title_is_refused(tmp_path: Path) -> None:
    path = _ruleset(tmp_path, "stable", "Loi n° 2024-449 du 21 mai 2024 (SREN), art. 31", "src art. 31")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert "the pinpoint 'art. 31' is already in the title" in " ".join(d.message for d in caught.value.diagnostics)


def test_a_stable_ruleset_with_a_note_to_verify_is_refused_a_draft_may_carry_one(tmp_path: Path) -> None:
    path = _ruleset(tmp_path, "stable", "Circulaire (titre exact à vérifier)", "src")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert "carries no 'to verify' note" in " ".join(d.message for d in caught.value.diagnostics)
    assert load_ruleset(_ruleset(tmp_path, "draft", "Circulaire (titre exact à vérifier)", "src")).status == "draft"


def test_uncertain_is_given_in_both_languages(tmp_path: Path) -> None:
    ruleset = load_ruleset(_ruleset(tmp_path, "stable", "Loi", "src art. 1",
                                    {"uncertain": {"fr": "source secondaire", "en": "secondary source"}}))
    assert ruleset.rules[0].uncertain == {"fr": "source secondaire", "en": "secondary source"}


@pytest.mark.parametrize("note", ["source secondaire", {"fr": "source secondaire"}, {"fr": "source", "en": " "}])
def test_an_uncertain_note_missing_a_language_is_refused_with_its_place(tmp_path: Path, note: Any) -> None:
    # An English report would show the French sentence (or nothing): the ruleset is refused.
    path = _ruleset(tmp_path, "draft", "Loi", "src art. 1", {"uncertain": note})
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.file == str(path) and diagnostic.line is not None
    assert "uncertain" in diagnostic.path and ("one language only" in diagnostic.message
                                               or "'fr' and 'en'" in diagnostic.message)


def test_an_english_scan_under_any_shipped_secnumcloud_version_shows_english_uncertain_notes(runner: Any) -> None:
    for version in ("1.0", "1.1", "2.0"):
        result = runner.invoke(app, ["scan", str(EXAMPLES / "ministere-exemple.yaml"), "-f", "json", "--lang", "en",
                                     "-r", f"secnumcloud@{version}"])
        assert result.exit_code in (0, 1), result.output
        notes = {f["uncertain"] for item in json.loads(result.stdout)["items"] for f in item["findings"] if f["uncertain"]}
        assert notes, version
        english = {r.uncertain["en"] for rs in ALL for r in rs.rules if r.uncertain}
        french = {r.uncertain["fr"] for rs in ALL for r in rs.rules if r.uncertain}
        assert notes <= english and not notes & french, notes - english


def test_rules_show_gives_primary_addresses_and_dates(runner: Any) -> None:
    result = runner.invoke(app, ["rules", "show", "SNC-SCOPE-001", "--lang", "fr"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert ("Loi n° 2024-449 du 21 mai 2024 (SREN), art. 31 "
            "<https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000049563368>, 2024-05-21") in result.output
    result = runner.invoke(app, ["rules", "show", "GOV-BLK-001"], env={"COLUMNS": "250"})
    assert "method (bleu-assess documentation):" in result.output


def test_examples_print_no_doubled_or_glued_reference(runner: Any) -> None:
    for lang in ("fr", "en"):
        result = runner.invoke(app, ["scan", str(EXAMPLES / "chu-exemple.yaml"), "-f", "json", "--lang", lang])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        for item in document["items"]:
            for finding in item["findings"]:
                assert len(set(finding["references"])) == len(finding["references"])
                for text in finding["references"]:
                    assert not re.search(r"article (\d+) art\. \1", text), text
                    assert not re.search(r"2024 EXI", text), text
                    assert "bleu-assess" not in text, "the tool's documentation is not a legal reference"


def test_naming_one_version_keeps_the_other_rulesets_only_ruleset_restricts() -> None:
    default = {r.id: r.version for r in select()}
    draft = {r.id: r.version for r in select(["secnumcloud@1.1"])}
    assert draft == {**default, "secnumcloud": "1.1"}
    assert {r.ref for r in select(None, only=["hds", "secnumcloud@1.1"])} == {"hds@1.1", "secnumcloud@1.1"}
    assert {r.ref for r in select(["secnumcloud@1.1"], only=["hds"])} == {"hds@1.1", "secnumcloud@1.1"}
    with pytest.raises(UsageError, match="selected twice"):
        select(["secnumcloud@1.0", "secnumcloud@1.1"])


def test_trying_the_draft_keeps_the_hds_blockers(runner: Any) -> None:
    def rules(*options: str) -> set[str]:
        result = runner.invoke(app, ["scan", str(EXAMPLES / "chu-exemple.yaml"), "-f", "json", *options])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        return {rule for item in document["items"] for f in item["findings"] for rule in f["rules"]}

    default = rules()
    assert {r for r in default if r.startswith("HDS-")} <= rules("-r", "secnumcloud@1.1")
    only = rules("--only-ruleset", "secnumcloud@1.1")
    assert only and all(r.startswith("SNC-") for r in only)


def test_api_select_rulesets_takes_only() -> None:
    assert [r.id for r in api.select_rulesets(None, None, ["hds"])] == ["hds"]


def test_an_uncertain_rule_is_visibly_uncertain_in_the_table_the_report_and_sarif(
        runner: Any, write_inventory: Any, tmp_path: Path) -> None:
    inventory = write_inventory({
        "format": "bleu-assess/v1",
        "organisation": {"name": "Org", "type": "private-company"},
        "providers": [{"id": "us", "headquarters": "US", "regions": ["US"], "support_regions": ["US"],
                       "transfer_basis": "dpf"}],
        "applications": [{"id": "crm", "name": "CRM", "owner": "Ventes", "hosting": {"model": "saas", "provider": "us"},
                          "datasets": ["clients"]}],
        "datasets": [{"id": "clients", "classification": "personal"}],
    })
    result = runner.invoke(app, ["scan", str(inventory), "-f", "json", "--lang", "en"])
    crm = next(i for i in json.loads(result.stdout)["items"] if i["id"] == "crm")
    dpf = next(f for f in crm["findings"] if "RES-GDPR-006" in f["rules"])
    assert "C-703/25 P" in dpf["uncertain"]
    sarif = json.loads(runner.invoke(app, ["scan", str(inventory), "-f", "sarif", "--lang", "en"]).stdout)
    alert = next(r for r in sarif["runs"][0]["results"] if "RES-GDPR-006" in r["properties"]["rules"])
    assert "Uncertain legal basis: " in alert["message"]["text"] and alert["properties"]["uncertain"]
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "uncertain" in rules[alert["ruleId"]]["properties"]["tags"]
    report = tmp_path / "report.html"
    done = runner.invoke(app, ["report", str(inventory), "-o", str(report), "--audience", "technical", "--lang", "fr"])
    assert done.exit_code == 0, done.output
    html = report.read_text(encoding="utf-8")
    assert 'class="uncertain"' in html and "Base juridique incertaine" in html
    from bleu_assess.assess.results import Finding
    from bleu_assess.render.scan import finding_heading

    uncertain = Finding("R-1", "x@1", "d", "low", "m", "r", title="Titre", uncertain="why")
    assert finding_heading(uncertain, "fr") == "R-1: Titre [incertain]"
