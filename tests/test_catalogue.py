"""The catalogue of trusted-cloud offers: every fact sourced and dated, checked against a date."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from bleu_assess.cli import app
from bleu_assess.errors import InputError
from bleu_assess.inventory import catalogue as cat

SHIPPED = ROOT / "catalogue"
SCHEMA = json.loads((SHIPPED / "catalogue.schema.json").read_text(encoding="utf-8"))
WIDE = {"COLUMNS": "200"}


def _errors(document: dict) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(document)]


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_follows_the_schema(path: Path) -> None:
    assert _errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def _provider(**offer: object) -> dict:
    return {"format": cat.FORMAT, "id": "p", "provider": {"name": {"value": "P", "source": "s"}},
            "offers": [{"id": "o", "name": {"value": "O", "source": "s"}, **offer}]}


def test_the_schema_refuses_a_fact_without_a_source() -> None:
    document = _provider(regions={"value": ["FR"]})
    assert any("'source' is a required property" in m for m in _errors(document))


@pytest.mark.parametrize("date", ["2026-13-01", "30/11/2026", "2026-02-30x"])
def test_the_schema_refuses_an_invalid_date(date: str) -> None:
    document = _provider(qualifications=[{"id": "secnumcloud-3.2", "scope": ["iaas"], "until": date, "source": "s"}])
    assert _errors(document)


def test_the_schema_refuses_an_unknown_milestone() -> None:
    document = _provider(pending_qualifications=[{"id": "secnumcloud-3.2", "milestone": "J4", "source": "s"}])
    assert _errors(document)


def test_every_fact_of_the_shipped_catalogue_names_a_dated_source_with_an_address() -> None:
    loaded = cat.load()
    facts = [f for p in loaded.providers.values() for f in p.facts.values()]
    for offer in loaded.offers():
        facts += [*offer.facts.values(), *(q.fact for q in offer.qualifications), *(p.fact for p in offer.pending)]
    assert len(facts) > 150
    for fact in facts:
        assert fact.sources, fact.where
        for source in fact.sources:
            assert source.address and source.title and source.date
            assert fact.confidence in cat.CONFIDENCES


def test_the_research_notes_answers_are_in_the_catalogue() -> None:
    """Facts stated in ../shared/domain/offers-notes.md, as the catalogue must give them back."""
    loaded = cat.load()
    premi3ns = cat.resolve(loaded, "s3ns/premi3ns")
    (snc,) = premi3ns.qualifications
    assert (snc.id, snc.scope, snc.since, snc.until) == ("secnumcloud-3.2", ("iaas", "caas", "paas"),
                                                         "2025-12-17", "2028-12-17")
    assert snc.fact.confidence == "secondary"  # ANSSI's PDF was never read directly
    (bleu,) = cat.resolve(loaded, "bleu/azure").pending
    assert (bleu.milestone, bleu.since) == ("J1", "2025-11-17")
    assert cat.resolve(loaded, "bleu/azure").qualifications == ()
    assert cat.resolve(loaded, "scaleway/cloud").pending[0].fact.is_uncertain  # cloudlandscape disagrees


def test_check_names_the_announced_expiries_and_passes(runner) -> None:
    result = runner.invoke(app, ["catalogue", "check", "--as-of", "2026-11-30", "--lang", "en"], env=WIDE)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert "3ds-outscale/iaas-cloud-on-demand secnumcloud-3.2: expires 30 November 2026 (D-0)" in warnings[0]
    assert "ovhcloud/hosted-private-cloud-snc secnumcloud-3.2: expires 29 December 2026 (D-29)" in warnings[1]


def test_check_fails_on_qualifications_past_their_date(runner) -> None:
    result = runner.invoke(app, ["catalogue", "check", "--as-of", "2027-01-15", "--lang", "en"], env=WIDE)
    assert result.exit_code == 1
    assert "error: 3ds-outscale/iaas-cloud-on-demand secnumcloud-3.2: past its date (30 November 2026)" in result.output
    assert "error: ovhcloud/hosted-private-cloud-snc secnumcloud-3.2: past its date (29 December 2026)" in result.output


def test_check_warns_when_the_catalogue_is_older_than_six_months(runner) -> None:
    result = runner.invoke(app, ["catalogue", "check", "--as-of", "2027-06-30", "--lang", "en"], env=WIDE)
    assert "the catalogue is dated 30 November 2026, 212 days before the assessment date" in result.output


def test_qualification_counts_up_to_and_including_its_until_day() -> None:
    (q,) = cat.resolve(cat.load(), "3ds-outscale/iaas-cloud-on-demand").qualifications
    assert q.counts_on(cat.parse_date("2026-11-30")) and not q.counts_on(cat.parse_date("2026-12-01"))
    assert not q.counts_on(cat.parse_date("2023-11-29"))


def test_show_prints_each_fact_with_its_source_date_and_tag(runner) -> None:
    result = runner.invoke(app, ["catalogue", "show", "ovhcloud/bare-metal-pod", "--lang", "en"],
                           env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert "https://docs.ovhcloud.com/de/guides/account-and-service-management/reversibility/24-bm-pod-snc-reversbility" in text
    assert "(2025-08-06, official)" in text
    assert "ANSSI decision 559" in text and "until 24 March 2028" in text and "secondary" in text


@pytest.mark.parametrize(("lang", "worded", "undated"), [
    ("fr", "fichier public, dépôt non identifié (index de recherche n° 70117668759)", "(non daté"),
    ("en", "public file, repository not identified (research index no. 70117668759)", "(undated"),
])
def test_a_source_known_by_its_research_index_is_worded_in_the_readers_language(
        runner, lang: str, worded: str, undated: str) -> None:
    """The catalogue writes such a source as a code with its number (`research-index:N`), not as
    an English sentence a French deliverable would show; every output words it, number kept."""
    from bleu_assess.render.catalogue import source_text

    [source] = {s for p in cat.load().providers.values() for f in p.facts.values() for s in f.sources
                if s.address == "research-index:70117668759"}
    assert source.date == "undated"
    assert source_text(source, lang) == f"{source.title}, {worded} {undated})"
    result = runner.invoke(app, ["catalogue", "show", "3ds-outscale", "--lang", lang], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.replace("│", " ").split())
    assert worded in shown and undated in shown and "research-index:" not in shown


def test_the_shipped_catalogue_writes_no_address_as_an_english_sentence() -> None:
    addresses = {s.address for p in cat.load().providers.values() for f in p.facts.values() for s in f.sources}
    assert not [a for a in addresses if "repository not identified" in a or "research index" in a]


def test_show_suggests_a_near_reference(runner) -> None:
    result = runner.invoke(app, ["catalogue", "show", "ovhcloud/bare-metal-pods", "--lang", "en"], env=WIDE)
    assert result.exit_code == 2
    assert "did you mean 'ovhcloud/bare-metal-pod'" in result.output


def test_list_marks_expired_qualifications(runner) -> None:
    result = runner.invoke(app, ["catalogue", "list", "--as-of", "2027-01-15", "--lang", "en"], env=WIDE)
    assert result.exit_code == 0
    assert "expired 30 November 2026" in result.output and "until 17 December 2028" in result.output


def test_list_words_models_regions_and_qualifications(runner) -> None:
    result = runner.invoke(app, ["catalogue", "list", "--as-of", "2026-11-30", "--lang", "fr"], env=WIDE)
    assert result.exit_code == 0
    assert "SecNumCloud 3.2 [IaaS]" in result.output and "France" in result.output
    assert "secnumcloud-3.2 [" not in result.output and "[iaas" not in result.output, result.output
    assert "│ FR " not in result.output and "│ iaas" not in result.output, result.output


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(SHIPPED, target)
    return target


def test_an_undeclared_source_is_a_located_error(runner, tmp_path: Path) -> None:
    newer = _copy(tmp_path)
    text = (newer / "bleu.yaml").read_text(encoding="utf-8").replace("source: incyber-j0}", "source: incyber-j9}", 1)
    (newer / "bleu.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "incyber-j9" in l)
    result = runner.invoke(app, ["catalogue", "check", "--catalogue", str(newer)], env=WIDE)
    assert result.exit_code == 2
    assert f"bleu.yaml:{line}:" in result.output
    assert "unknown source 'incyber-j9' (did you mean 'incyber-j0'?)" in result.output


def test_an_until_before_since_is_a_located_error(tmp_path: Path) -> None:
    newer = _copy(tmp_path)
    path = newer / "numspot.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('until: "2029-07-31"', 'until: "2025-07-31"'),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        cat.load(newer)
    (diag,) = caught.value.diagnostics
    assert diag.path == "offers[0].qualifications[0].until" and "is before 'since'" in diag.message


def test_catalogue_check_runs_as_a_real_process() -> None:
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "catalogue", "check", "--as-of", "2026-11-30"],
                          capture_output=True, text=True, cwd=ROOT, env={"COLUMNS": "200", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert "warnings: 2" in done.stdout or "avertissements : 2" in done.stdout


def test_show_names_each_fact_in_the_readers_language_with_the_key_the_files_write(runner) -> None:
    result = runner.invoke(app, ["catalogue", "show", "bleu/azure", "--lang", "fr"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "modèles de service (models)" in result.output and "IaaS, CaaS, PaaS" in result.output
    assert "pays de stockage (regions)" in result.output and "France" in result.output


@pytest.mark.parametrize(("lang", "shown", "other"), [
    ("fr", "Renouvellement selon le référentiel HDS de 2024 non vérifié.", "Renewal under the 2024 HDS"),
    ("en", "Renewal under the 2024 HDS referential not verified.", "Renouvellement selon"),
])
def test_show_gives_why_a_fact_is_uncertain_in_the_readers_language(runner, lang: str, shown: str, other: str) -> None:
    result = runner.invoke(app, ["catalogue", "show", "doctolib/saas", "--lang", lang], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert shown in result.output and other not in result.output


def test_an_uncertain_note_in_one_language_only_is_a_located_error(runner, tmp_path: Path) -> None:
    # A French report would show the English sentence: refused, with its file, line and field.
    newer = _copy(tmp_path)
    path = newer / "doctolib.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("uncertain: {fr: ")
    end = text.index("}", text.index("en: ", start)) + 1
    text = text[:start] + 'uncertain: "2021 information; may be outdated"' + text[end:]
    path.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "2021 information" in l)
    result = runner.invoke(app, ["catalogue", "check", "--catalogue", str(newer)], env=WIDE)
    assert result.exit_code == 2, result.output
    assert f"doctolib.yaml:{line}:" in result.output and "uncertain: a note in one language only" in result.output


@pytest.mark.parametrize("lang, words", [
    ("fr", "pas un catalogue : un répertoire contenant catalogue.yaml et un fichier YAML par fournisseur est attendu"),
    ("en", "not a catalogue: expected a directory holding catalogue.yaml and one YAML file per provider"),
])
def test_a_directory_that_is_no_catalogue_is_refused_in_the_readers_language(runner, tmp_path: Path, lang: str,
                                                                            words: str) -> None:
    result = runner.invoke(app, ["catalogue", "list", "--catalogue", str(tmp_path), "--lang", lang], env=WIDE)
    assert result.exit_code == 2
    assert f"{tmp_path}: {words}" in result.output.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("lang, words", [
    ("fr", "bogus: champ inconnu « bogus »"),
    ("en", "bogus: unknown field 'bogus'"),
])
def test_an_unknown_field_of_a_catalogue_is_located_at_its_key_in_the_readers_language(runner, tmp_path: Path,
                                                                                     lang: str, words: str) -> None:
    newer = _copy(tmp_path)
    text = (newer / "bleu.yaml").read_text(encoding="utf-8").replace("\nprovider:", "\nbogus: 1\nprovider:", 1)
    (newer / "bleu.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index("bogus: 1") + 1
    result = runner.invoke(app, ["catalogue", "check", "--catalogue", str(newer), "--lang", lang], env=WIDE)
    assert result.exit_code == 2
    assert f"bleu.yaml:{line}:8: {words}" in result.output.replace("\u202f", " ").replace("\xa0", " ")


def test_an_undeclared_source_is_worded_in_french(runner, tmp_path: Path) -> None:
    newer = _copy(tmp_path)
    text = (newer / "bleu.yaml").read_text(encoding="utf-8").replace("source: incyber-j0}", "source: incyber-j9}", 1)
    (newer / "bleu.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["catalogue", "check", "--catalogue", str(newer), "--lang", "fr"], env=WIDE)
    assert result.exit_code == 2
    assert ("source inconnue « incyber-j9 » (vouliez-vous dire « incyber-j0 » ?)"
            in result.output.replace("\u202f", " ").replace("\xa0", " "))
