"""No code value reaches a French reader unworded (issue 12, items 3 and 4): every human-readable
output of scan, plan, report and explain for both examples, in French, is free of catalogue
keys, vocabulary codes and ISO country codes where a country's name is meant; and one plan
renders in both languages from the same result, with no second assessment."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app as cli_app
from bleu_assess.errors import InventoryError
from bleu_assess.render import words

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# What a reader must never see: catalogue keys, codes of the results' vocabularies, field names
# of the inventory format, a country code in a sentence that names a country.
RAW = {
    "catalogue key": re.compile(r"\b(?:values|plan|scan|report|cli|validate)\.[a-z_]+[a-z_.-]*\b"),
    "readiness code": re.compile(r"\b(?:not-ready|ready-with-conditions|depends-on-held|no-landing-zone)\b"),
    "severity code": re.compile(r"\bblocker\b"),
    "field name": re.compile(r"\bdepends_on\b"),
    "strategy code": re.compile(r"\bretain\b"),
    "link code": re.compile(r"\|\s*(?:flow|depends_on)\s*\|"),
    "country code in a sentence": re.compile(r"\b(?:de|du|des|depuis|en|vers|au|aux|droit)\s+(?:US|CN|RU|IN|GB|IL|JP)\b"),
    # A country's name needs its article after these (« depuis l'Inde », « aux États-Unis »): a list
    # of countries is written where none is needed (« depuis ces pays : Inde, États-Unis »).
    "country name without its article": re.compile(
        r"\b(?:depuis|de|droit de)\s+(?:Inde|États-Unis|Chine|Russie|Royaume-Uni|Israël|Japon)\b"
        r"|\ben\s+(?:États-Unis|Japon|Royaume-Uni|Israël|Canada)\b"),
    # What an offer lacks, each of them: « n'a ni A ni B », never « n'a pas A, B ».
    "list after a negation": re.compile(r"\bn'a pas [A-Z][\w .-]*, [A-Z]"),
    # Severities differ in gender: counted, each agrees with its count (« 9 bloquants »).
    "severity label as a count": re.compile(r"\bBloquant\s+\d+|\b(?:Élevée|Moyenne|Faible)\s+\d+,"),
    # A field of the catalogue in the report (a rule's fact, `data.admin_regions` in explain, is the rule language).
    "catalogue field name": re.compile(r"(?<![.\w])(?:pending_qualifications|admin_regions|support_regions|hds_activities)\b"
                                       r"|\*\*(?:kind|headquarters|models|regions|name)\*\*"),
    # A service family in a fit reason: « ne fournit pas le service « archivage électronique » (fournit : messagerie) ».
    "service code": re.compile(r"\bservice\s+(?:archiving|secure-health-messaging|hr-payroll|appointments)\b"
                               r"|fournit : [^)]*\b(?:office-suite|secure-health-messaging|file-sharing)\b"),
}


def readable(text: str, kind: str) -> str:
    """The part of an output a person reads: HTML without tags (class names are not read),
    Markdown without code spans (ids and rule codes are quoted there on purpose)."""
    if kind == "html":
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"`[^`\n]*`", " ", text)


def assert_worded(text: str, where: str, kind: str = "text") -> None:
    shown = readable(text, kind)
    for what, pattern in RAW.items():
        found = pattern.search(shown)
        assert found is None, f"{where}: {what} {found.group()!r} in …{shown[max(0, found.start() - 80):found.end() + 80]}…"


@pytest.fixture(autouse=True)
def strict_i18n(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing catalogue key fails instead of printing the key (render/i18n strict mode)."""
    monkeypatch.setenv("BLEU_ASSESS_STRICT_I18N", "1")


def run(runner: Any, *args: str) -> str:
    result = runner.invoke(cli_app, [*args, "--lang", "fr"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_scan_plan_report_and_explain_speak_french_without_a_raw_code(runner: Any, example: Path,
                                                                       tmp_path: Path) -> None:
    path = str(example)
    assert_worded(run(runner, "scan", path), "scan table")
    assert_worded(run(runner, "scan", path, "--format", "markdown"), "scan markdown", "md")
    scan = json.loads(run(runner, "scan", path, "--format", "json"))
    for item in scan["items"]:
        for finding in item["findings"]:
            for key in ("title", "message", "remediation"):
                assert_worded(finding[key], f"scan json {item['id']} {finding['rule']} {key}")
    assert_worded(run(runner, "plan", path), "plan table")
    assert_worded(run(runner, "plan", path, "--format", "markdown"), "plan markdown", "md")
    rows = list(csv.reader(io.StringIO(run(runner, "plan", path, "--format", "csv").lstrip("\ufeff")), delimiter=";"))
    assert "statut" in rows[0] and "depends_on" not in rows[0], rows[0]
    status, reason = rows[0].index("statut"), rows[0].index("motif")
    for row in rows[1:]:
        assert row[status] in ("vague", "en attente", "reste en place"), row
        assert_worded(row[reason], f"plan csv {row[0]}")
    document = json.loads(run(runner, "plan", path, "--format", "json"))
    texts = [p["reason"] for w in document["waves"] for p in w["placements"]]
    texts += [h["detail"] for h in document["held"]] + [s["reason"] for s in document["staying"]] + document["warnings"]
    for text in texts:
        assert_worded(text, "plan json")
    assert {s["target"] for s in document["staying"]} <= {"secnumcloud", "eu-cloud", "any-cloud", "on-premises",
                                                           "retire"}, "staying targets are the results' targets"
    for fmt, kind in (("markdown", "md"), ("html", "html")):
        out = tmp_path / f"report.{kind}"
        result = runner.invoke(cli_app, ["report", path, "--lang", "fr", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert_worded(out.read_text(encoding="utf-8"), f"report {fmt}", kind)
    item = scan["items"][0]["id"]
    assert_worded(run(runner, "explain", path, item), f"explain {item}")
    if "platforms:" in example.read_text(encoding="utf-8"):  # the fit matrix compares declared offers
        assert_worded(run(runner, "fit", path), "fit table")
        assert_worded(run(runner, "fit", path, "--format", "markdown"), "fit markdown", "md")
        assert_worded(worded_columns(run(runner, "fit", path, "--format", "csv")), "fit csv")


def worded_columns(text: str) -> str:
    """A French CSV without its code columns (« statut (code) »): those hold codes on purpose, for
    a program, next to the words a person reads (docs/interop.md)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    keep = [n for n, name in enumerate(rows[0]) if not name.endswith(" (code)")]
    assert len(keep) < len(rows[0]), "the CSV has code columns"
    return "\n".join(";".join(row[n] for n in keep) for row in rows)


def test_the_catalogue_speaks_french(runner: Any) -> None:
    assert_worded(run(runner, "catalogue", "list"), "catalogue list")


def test_one_plan_renders_in_both_languages_without_a_second_assessment() -> None:
    loaded = api.load(ROOT / "examples" / "chu-exemple.yaml")
    ig = api.graph(loaded.inventory)
    decided = api.plan(api.assess(loaded.inventory, lang="fr", ig=ig), ig)
    french, english = words.plan(decided, "fr"), words.plan(decided, "en")
    reasons = [(p.reason, q.reason) for w, v in zip(french.waves, english.waves)
               for p, q in zip(w.placements, v.placements)]
    assert reasons and all(a != b for a, b in reasons), "each reason differs between the languages"
    assert any(r.startswith("après Annuaire Active Directory") for r, _ in reasons), "names, not ids"
    assert any(r.startswith("after Annuaire Active Directory") for _, r in reasons)
    assert words.plan(french, "en") == french, "a worded plan is not reworded"


def test_validation_diagnostics_are_codes_worded_in_the_readers_language(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "mairie.yaml"
    path.write_text("format: bleu-assess/v2\norganisation: {name: Mairie, country: FR}\napplications:\n"
                    "  - {id: etat-civil, name: 3, criticality: vitale, colour: blue}\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        api.load(path)
    assert caught.value.country == "FR", "the error knows whose language to speak"
    coded = {d.code: d for d in caught.value.diagnostics}
    assert set(coded) == {"validate.expected_quoted", "validate.unknown_value", "validate.unknown_field"}
    assert coded["validate.unknown_field"].path == ("applications", 0, "colour"), "the path stays a tuple"
    french = {d.code: d.format() for d in words.diagnostics(caught.value.diagnostics, "fr")}
    assert french["validate.unknown_value"].endswith(
        "applications[0].criticality: valeur inconnue « vitale » (vouliez-vous dire « vital » ?) ; "
        "valeurs admises : low, medium, high, vital")
    assert "champ inconnu « colour »" in french["validate.unknown_field"]
    assert words.diagnostic(coded["validate.unknown_field"], "en").message == "unknown field 'colour'"
    result = runner.invoke(cli_app, ["validate", str(path), "--lang", "fr"])
    assert result.exit_code == 2 and "attendu : un texte, trouvé : un nombre (mettez la valeur entre guillemets)" in result.output


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_validation_code_is_worded_with_the_same_placeholders_in_both_languages(lang: str) -> None:
    import yaml

    from bleu_assess.resources import templates_dir

    def texts(language: str) -> dict[str, str]:
        with (templates_dir() / "i18n" / f"validate.{language}.yaml").open(encoding="utf-8") as handle:
            return {k: v for k, v in yaml.safe_load(handle).items() if isinstance(v, str)}

    own, other = texts(lang), texts("en" if lang == "fr" else "fr")
    assert own.keys() == other.keys()
    for key, text in own.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", other[key])), key
    # The code is the first text argument of Collector.report and Walker.fail (paths are tuples).
    sources = "".join((ROOT / "bleu_assess" / "inventory" / f).read_text(encoding="utf-8")
                      for f in ("walker.py", "validate.py"))
    used = set(re.findall(r'(?<!def )\b(?:report|fail)\((?:[^()"]|\([^()]*\))*?"([a-z0-9_]+)"', sources))
    assert used and used <= own.keys(), used - own.keys()
