"""The HTML report is streamed to its file (templating.stream): the same bytes as rendering it
whole, and a template failing half-way leaves the previous file as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bleu_assess import api
from bleu_assess.cli import app
from bleu_assess.render import report, templating

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"


def test_the_streamed_report_is_byte_identical_to_the_report_rendered_whole(runner: Any, tmp_path: Path,
                                                                          monkeypatch: Any) -> None:
    def report_with_chunks_of(size: int) -> bytes:
        monkeypatch.setattr(templating, "STREAM_CHUNK", size)
        out = tmp_path / f"report-{size}.html"
        done = runner.invoke(app, ["-q", "report", str(EXAMPLE), "--as-of", "2026-11-30", "-o", str(out)])
        assert done.exit_code == 0, done.output
        return out.read_bytes()

    whole = report_with_chunks_of(1 << 40)  # one chunk: the report as one string
    assert report_with_chunks_of(512) == whole  # hundreds of chunks


def test_the_report_is_generated_in_chunks(monkeypatch: Any) -> None:
    monkeypatch.setattr(templating, "STREAM_CHUNK", 4096)
    loaded = api.load(EXAMPLE)
    scanned = api.assess(loaded.inventory, lang="fr", as_of="2026-11-30")
    planned = api.plan(scanned, api.graph(loaded.inventory))
    chunks = list(report.stream(scanned, planned, loaded.inventory, "html", "technical", None))
    assert len(chunks) > 10  # (one piece of the template, such as its style sheet, may exceed a chunk)
    assert "".join(chunks) == report.render(scanned, planned, loaded.inventory, "html", "technical", None)


def test_a_template_failing_half_way_leaves_the_previous_report_intact(runner: Any, tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "report"
    templates.mkdir(parents=True)
    (templates / "report.html.j2").write_text("<html>{{ 'x' * 100000 }}{{ 1 // 0 }}</html>\n", encoding="utf-8")
    out = tmp_path / "report.html"
    out.write_text("previous\n", encoding="utf-8")
    done = runner.invoke(app, ["report", str(EXAMPLE), "--template-dir", str(tmp_path / "templates"),
                               "-o", str(out)])
    assert done.exit_code == 2 and "le modèle a échoué" in done.output  # a French organisation
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_report_keeps_no_finding_words_on_its_items() -> None:
    """Each part of the report words the findings it shows and lets them go (results.worded):
    kept on the items, the words of some 600,000 findings of 100,000 applications were a third
    of the report's peak memory. The items' findings, read afterwards, are the same words."""
    from bleu_assess.assess.results import WordedItem, wording_of

    loaded = api.load(EXAMPLE)
    scanned = api.assess(loaded.inventory, lang="fr", as_of="2026-11-30")
    planned = api.plan(scanned, api.graph(loaded.inventory))
    report.render(scanned, planned, loaded.inventory, "html", "technical", None)
    worded = [i for i in scanned.items if type(i) is WordedItem and wording_of(i) is not None]
    assert worded, "the example's items word their findings when read"
    slot = WordedItem.__dict__["worded"]
    assert not [i.id for i in worded if hasattr(i, "worded") and _kept(slot, i)]
    again = report.render(scanned, planned, loaded.inventory, "html", "technical", None)
    assert all(i.findings for i in worded)  # worded and kept once read
    assert report.render(scanned, planned, loaded.inventory, "html", "technical", None) == again


def _kept(slot: Any, item: Any) -> bool:
    try:
        slot.__get__(item)
    except AttributeError:
        return False
    return True
