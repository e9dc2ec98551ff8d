"""`report --format docx`: an editable Word note that python-docx opens, holding the one-page
summary, the roadmap and the main blockers, branded, in French or English, byte-identical."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app
from bleu_assess.render.i18n import t

ROOT = Path(__file__).resolve().parent.parent
CHU = ROOT / "examples" / "chu-exemple.yaml"
DATED = ["--start", "2027-01-04", "--capacity", "40", "--freeze", "2027-07-14:2027-08-31"]


def note(runner: Any, monkeypatch: Any, out: Path, *options: str) -> Any:
    import docx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = runner.invoke(app, ["report", str(CHU), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return docx.Document(str(out))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_note_holds_summary_roadmap_and_blockers(runner: Any, monkeypatch: Any, tmp_path: Path, lang: str) -> None:
    from bleu_assess import api

    document = note(runner, monkeypatch, tmp_path / "note.docx", "--lang", lang, *DATED)  # suffix chooses docx
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for key in ("title", "at_a_glance", "q_move", "q_cannot", "q_when", "q_decide", "wave_plan", "top_blockers"):
        assert t(f"report.{key}", lang) in headings, key
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Dossier patient informatisé" in text and "Licence Oracle non transférable" in text  # a blocker, by name
    planned = api.plan(api.scan(CHU, lang=lang), api.graph(api.load(CHU).inventory))
    waves = next(tab for tab in document.tables if tab.rows[0].cells[0].text == t("report.wave_column", lang))
    assert len(waves.rows) == 1 + len(planned.waves)
    assert waves.rows[1].cells[1].text == ("4 janvier 2027" if lang == "fr" else "4 January 2027")
    assert document.core_properties.language == lang


def test_the_note_is_branded_from_the_template_settings(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    brand = tmp_path / "brand" / "report"
    brand.mkdir(parents=True)
    (brand / "brand.yaml").write_text('accent: "#6a1b9a"\nfooter: "CHU — Direction du numérique"\nfont: "Marianne"\n',
                                      encoding="utf-8")
    document = note(runner, monkeypatch, tmp_path / "n.docx", "--template-dir", str(tmp_path / "brand"))
    assert str(document.styles["Heading 1"].font.color.rgb) == "6A1B9A"
    assert document.styles["Normal"].font.name == "Marianne"
    assert document.sections[0].footer.paragraphs[0].text == "CHU — Direction du numérique"
    (brand / "brand.yaml").write_text('accent: "purple"\n', encoding="utf-8")
    result = runner.invoke(app, ["report", str(CHU), "-o", str(tmp_path / "x.docx"), "--template-dir",
                                 str(tmp_path / "brand")])
    assert result.exit_code == 2 and "#rrggbb" in result.output and not (tmp_path / "x.docx").exists()


def test_two_notes_with_source_date_epoch_are_byte_identical(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    note(runner, monkeypatch, tmp_path / "a.docx", "--format", "docx")
    note(runner, monkeypatch, tmp_path / "b.docx", "--format", "docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_a_blocker_s_remediation_that_names_its_item_is_given_for_each_item(runner: Any, monkeypatch: Any,
                                                                             tmp_path: Path) -> None:
    # EXT-FLOW-004 blocks the mail system and the teleradiology service; each remediation names
    # its own application: the note gives both, each for its item, never the first for the group.
    document = note(runner, monkeypatch, tmp_path / "note.docx", "--lang", "fr", "--as-of", "2026-11-30")
    texts = [p.text for p in document.paragraphs]
    start = next(i for i, text in enumerate(texts) if "(EXT-FLOW-004," in text)
    group = texts[start:start + 6]
    for name in ("Messagerie et collaboration (Microsoft 365)", "Téléradiologie (interprétation à distance)"):
        assert any(text.startswith(f"Migrer {name} vers") and text.endswith(f"({name})") for text in group), group


def test_a_blocker_resting_on_an_uncertain_basis_says_so_for_its_items(runner: Any, monkeypatch: Any,
                                                                        tmp_path: Path) -> None:
    # EXT-FLOW-004's findings merge HDS-EXI30-001, whose legal basis is uncertain: the note says
    # so under the group, as the HTML report does, naming the items whose finding rests on it.
    from bleu_assess import api
    from bleu_assess.render.report_parts import rule_groups

    document = note(runner, monkeypatch, tmp_path / "note.docx", "--lang", "fr", "--as-of", "2026-11-30")
    texts = [p.text for p in document.paragraphs]
    start = next(i for i, text in enumerate(texts) if "(EXT-FLOW-004," in text)
    # Up to the next group's heading, « Gravité — titre (RULE-ID, n éléments) ».
    end = next((i for i in range(start + 1, len(texts)) if re.search(r"\([A-Z][A-Z0-9-]+-\d{3}, ", texts[i])),
               len(texts))
    said = [text for text in texts[start:end] if text.startswith(t("report.uncertain", "fr") + " — ")]
    group = next(g for g in rule_groups(api.scan(CHU, lang="fr", as_of="2026-11-30")) if g["rule"] == "EXT-FLOW-004")
    notes = [group["uncertain"]] if group["uncertain"] else [e["text"] for e in group["uncertainties"]]
    assert notes and len(said) == len(notes) and all("HDS-EXI30-001" in text for text in said)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_main_blocker_on_catalogue_facts_not_all_official_is_marked_with_the_legend(
        runner: Any, monkeypatch: Any, tmp_path: Path, lang: str) -> None:
    from bleu_assess import api
    from bleu_assess.render.docx import MAIN_BLOCKERS
    from bleu_assess.render.report_parts import rule_groups

    document = note(runner, monkeypatch, tmp_path / "note.docx", "--lang", lang, "--as-of", "2026-11-30")
    texts = [p.text for p in document.paragraphs]
    mark, legend = t("scan.confidence_mark", lang), t("scan.confidence_legend", lang, mark="†")
    main = [g for g in rule_groups(api.scan(CHU, lang=lang, as_of="2026-11-30")) if g["severity"] in MAIN_BLOCKERS]
    marked = [i for g in main for i in g["items"] if i["confidence"]]
    assert marked, "the CHU's blockers at Bleu rest on the catalogue's secondary facts"
    assert sum(text.count(f" {mark}") for text in texts) == len(marked) and legend in texts
