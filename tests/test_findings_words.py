"""Findings are decisions worded at render time (issue 12, item 3): the evaluation records rule
ids, severity, evidence and the parameters the rule's texts need (codes, and names for items,
providers and offers); one step (render/findings_words.py) words them in the reader's language,
so one ScanResult renders in French and in English without a second assessment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bleu_assess import api
from bleu_assess.assess.results import Finding, ItemVerdict, scan_json_parts
from bleu_assess.assess.run import assess_inventory
from bleu_assess.render import findings_words, outputs, words

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["chu-exemple", "ministere-exemple"]
AS_OF = "2026-11-30"


def _json(result) -> str:
    return b"".join(scan_json_parts(result)).decode()


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request: pytest.FixtureRequest):
    loaded = api.load(ROOT / "examples" / f"{request.param}.yaml")
    return loaded.inventory, api.graph(loaded.inventory), api.select_rulesets()


def test_one_result_words_in_both_languages_as_an_assessment_in_each(example) -> None:
    inventory, ig, rulesets = example
    french = api.assess(inventory, rulesets, "fr", ig, as_of=AS_OF)
    english = api.assess(inventory, rulesets, "en", ig, as_of=AS_OF)
    assert _json(findings_words.scan(french, "en")) == _json(english), "French result worded in English"
    assert _json(findings_words.scan(english, "fr")) == _json(french), "English result worded in French"
    messages = [(f.message, g.message) for a, b in zip(french.items, english.items)
                for f, g in zip(a.findings, b.findings)]
    assert messages and sum(f != g for f, g in messages) > len(messages) // 2, "the languages differ"


def test_the_evaluation_decides_in_codes_and_words_nothing(example) -> None:
    inventory, ig, rulesets = example
    decided = assess_inventory(inventory, rulesets, "fr", ig, as_of=AS_OF)
    assert not decided.worded
    findings = [f for item in decided.items for f in item.findings]
    assert findings and all(f.message == f.title == f.remediation == "" and f.references == () for f in findings)
    assert all(isinstance(f.params, dict) for f in findings)
    providers = {p.id for p in inventory.providers if p.id not in {p.name for p in inventory.providers}}
    for f in findings:
        for name, value in f.params.items():
            if name in ("hosting.provider", "providers.involved"):
                shown = value if isinstance(value, tuple) else (value,)
                assert not set(shown) & providers, f"{f.rule}: {name} records provider ids, not names"
    # The worded result is the API's, byte for byte.
    assert _json(findings_words.scan(decided)) == _json(api.assess(inventory, rulesets, "fr", ig, as_of=AS_OF))


def test_country_codes_stay_codes_until_worded() -> None:
    loaded = api.load(ROOT / "examples" / "chu-exemple.yaml")
    decided = assess_inventory(loaded.inventory, api.select_rulesets(), "fr", as_of=AS_OF)
    countries = [v for item in decided.items for f in item.findings for k, v in f.params.items()
                 if k == "provider.headquarters" and v]
    assert "US" in countries, "the example has a US provider"
    french, english = findings_words.scan(decided, "fr"), findings_words.scan(decided, "en")
    assert any("États-Unis" in f.message for i in french.items for f in i.findings)
    assert any("United States" in f.message for i in english.items for f in i.findings)


def test_a_finding_without_parameters_keeps_its_recorded_texts(example) -> None:
    inventory, ig, rulesets = example
    result = api.assess(inventory, rulesets, "fr", ig, as_of=AS_OF)
    item = next(i for i in result.items if i.findings)
    recorded = replace(item.findings[0], params=None)
    older = replace(result, items=(replace(item, findings=(recorded,)),), sources=None)
    assert findings_words.scan(older, "en") is older, "a result without its rules keeps its words"
    kept = findings_words.scan(replace(older, sources=result.sources, worded=False), "en")
    assert kept.items[0].findings[0].message == recorded.message


def test_every_renderer_gets_words_in_the_chosen_language(example) -> None:
    inventory, ig, rulesets = example
    decided = assess_inventory(inventory, rulesets, "fr", ig, as_of=AS_OF)
    text = outputs.scan_markdown(decided, outputs.Choices(lang="en"))
    english = api.assess(inventory, rulesets, "en", ig, as_of=AS_OF)
    assert text == outputs.scan_markdown(english, outputs.Choices(lang="en"))
    assert any(f.message in str(text) for i in english.items for f in i.findings), "messages in English"


def test_a_held_detail_quotes_its_blocker_in_the_plans_language() -> None:
    loaded = api.load(ROOT / "examples" / "chu-exemple.yaml")
    ig = api.graph(loaded.inventory)
    scan = api.assess(loaded.inventory, lang="fr", ig=ig, as_of=AS_OF)
    decided = api.plan(scan, ig)
    quoted = [h for h in decided.held if h.reason == "not-ready"]
    assert quoted, "the example holds a not-ready application"
    for lang in ("fr", "en"):
        worded = words.plan(decided, lang)
        by_id = {i.id: i for i in worded.scan.items}
        for held in (h for h in worded.held if h.reason == "not-ready"):
            blocker = next(f for f in by_id[held.id].findings if f.severity == "blocker")
            assert held.detail.endswith(blocker.message), (lang, held.detail)
        assert worded.scan.lang == lang


def _results_pair(runner, tmp_path: Path, keep_params: bool = True) -> tuple[Path, Path, tuple[str, str]]:
    """Two French results files of the hospital example: the earlier one without the first
    finding of the first item that has one (so the diff shows it as new)."""
    import json

    from bleu_assess.cli import app

    new = tmp_path / "new.json"
    done = runner.invoke(app, ["scan", str(ROOT / "examples" / "chu-exemple.yaml"), "--format", "json", "--lang", "fr",
                               "--as-of", AS_OF, "-o", str(new)])
    assert done.exit_code == 0, done.output
    document = json.loads(new.read_text(encoding="utf-8"))
    if not keep_params:
        for item in document["items"]:
            for finding in item["findings"]:
                del finding["params"]
        new.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    item = next(i for i in document["items"] if i["findings"])
    gone = item["findings"].pop(0)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return old, new, (item["id"], gone["rule"])


def test_diff_words_the_findings_of_french_results_in_english_without_assessing(
        runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bleu_assess.cli import app

    old, new, (item, rule) = _results_pair(runner, tmp_path)
    english = api.assess(api.load(ROOT / "examples" / "chu-exemple.yaml").inventory, lang="en", as_of=AS_OF)
    french = api.assess(api.load(ROOT / "examples" / "chu-exemple.yaml").inventory, lang="fr", as_of=AS_OF)
    title_en = next(f.title for f in english.item(item).findings if f.rule == rule)
    title_fr = next(f.title for f in french.item(item).findings if f.rule == rule)
    assert title_en != title_fr

    def no_assessment(*args, **kwargs):
        raise AssertionError("diff of results files assessed an inventory")

    monkeypatch.setattr("bleu_assess.assess.run.assess_inventory", no_assessment)
    for lang, title in (("en", title_en), ("fr", title_fr)):
        done = runner.invoke(app, ["diff", str(old), str(new), "-f", "markdown", "--lang", lang])
        assert done.exit_code == 0, done.output
        assert f"{rule} — {title}" in done.output, (lang, done.output)


def test_diff_of_results_without_parameters_shows_their_recorded_titles(runner, tmp_path: Path) -> None:
    from bleu_assess.cli import app

    old, new, (item, rule) = _results_pair(runner, tmp_path, keep_params=False)
    french = api.assess(api.load(ROOT / "examples" / "chu-exemple.yaml").inventory, lang="fr", as_of=AS_OF)
    title_fr = next(f.title for f in french.item(item).findings if f.rule == rule)
    done = runner.invoke(app, ["diff", str(old), str(new), "-f", "markdown", "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert f"{rule} — {title_fr}" in done.output, "an older file's findings keep their words"


def test_a_finding_reads_back_from_its_json_form() -> None:
    result = api.assess(api.load(ROOT / "examples" / "chu-exemple.yaml").inventory, lang="fr", as_of=AS_OF)
    findings = [f for item in result.items for f in item.findings]
    assert any(f.rules for f in findings), "the example has merged findings"
    for finding in findings:
        assert Finding.from_dict(finding.to_dict()).to_dict() == finding.to_dict()


@pytest.mark.parametrize("cls", [Finding, ItemVerdict])
def test_the_written_out_constructors_set_every_field_to_its_own_value(cls) -> None:
    from dataclasses import FrozenInstanceError, fields

    names = [f.name for f in fields(cls)]
    made = cls(*(f"value-{name}" for name in names))
    assert [getattr(made, name) for name in names] == [f"value-{name}" for name in names]
    assert cls(**{name: f"value-{name}" for name in names}) == made
    with pytest.raises(FrozenInstanceError):
        setattr(made, names[0], "changed")


def test_findings_are_worded_when_read_and_encoded_as_their_worded_form(example) -> None:
    """`scan` words nothing until a finding is read (results.WordedItem); the JSON encoder puts
    each item's id and name into its findings' JSON, made once per decided finding: the same
    text as the worded findings encoded one by one, names that JSON escapes included."""
    import pickle

    from bleu_assess.assess.results import WordedItem, to_json

    inventory, ig, rulesets = example
    decided = assess_inventory(inventory, rulesets, "fr", ig, as_of=AS_OF)
    odd = replace(decided, items=tuple(replace(i, name=f'{i.name} "guillemets" \\ tab\tfin\n') for i in decided.items))
    for lang in ("fr", "en"):
        later = findings_words.scan(odd, lang)
        assert any(type(i) is WordedItem for i in later.items)
        eager = findings_words.FindingWords(odd.sources, lang)
        words_now = [eager.item(i) for i in odd.items]
        assert list(later.items) == words_now and words_now == list(later.items)
        assert _json(later) == to_json(later.to_dict()), "the fused encoding is the findings' own"
        copy = replace(later.items[0], readiness="unknown")
        assert copy.findings == words_now[0].findings and copy.readiness == "unknown"
        assert pickle.loads(pickle.dumps(later.items[0])) == words_now[0]
