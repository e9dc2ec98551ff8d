"""The readiness report: self-contained, accessible, escaped, reproducible, overridable, and
checked in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bleu_assess.cli import app

ROOT = Path(__file__).resolve().parent.parent
CHU = ROOT / "examples" / "chu-exemple.yaml"
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01 00:00 UTC

HOSTILE = {
    "format": "bleu-assess/v1",
    "organisation": {"name": "<b>Org</b> {{ 'inj' ~ 'ected' }}", "country": "DE"},
    "providers": [{"id": "us", "name": "US <i>cloud</i>", "headquarters": "US", "regions": ["US"]}],
    "applications": [
        {"id": "evil", "name": "<script>alert(1)</script> | {{ 'inj' ~ 'ected' }} {% raw %} `x`", "owner": "<img src=x onerror=alert(1)>",
         "hosting": {"model": "saas", "provider": "us"}, "datasets": ["data"]},
    ],
    "datasets": [{"id": "data", "name": "**bold** [link](http://example.org)", "classification": "personal"}],
}


def report(runner: Any, monkeypatch: Any, *args: str) -> Any:
    for key, value in EPOCH.items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code == 0, result.output
    return result


def test_html_is_one_self_contained_accessible_file(runner: Any, monkeypatch: Any) -> None:
    html = report(runner, monkeypatch, str(CHU)).stdout
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html  # French organisation
    assert not re.search(r"<link|<img|\bsrc=|@import|url\(", html), "no external resource"
    assert not re.search(r"https?://", html.split("<body>", 1)[1]), "no link to the internet in the body"
    for section in ("summary", "charts", "waves", "applications", "datasets", "audit"):
        assert f'id="{section}"' in html
    svgs = re.findall(r"<svg [^>]*role='img'[^>]*aria-labelledby='([^' ]+)", html)
    assert len(svgs) == 4  # the charts; the diagrams (Graphviz) come on top
    for chart in svgs:
        assert f"<title id='{chart}'>" in html
    assert "<th scope=\"col\">" in html and "@page { size: A4" in html and "<details" in html
    headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:])), "no skipped heading level"
    assert "2026-01-01 00:00 UTC" in html and "1er janvier 2026, 00:00 UTC" in html  # audit (ISO), cover (French)
    # The heat map's cells are explained in visible text, not only in the SVG's description.
    body = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "Lecture : chaque case donne les applications exposées" in body
    for ruleset in ("extraterritorial", "governance", "hds", "residency", "secnumcloud"):
        assert f"<td>{ruleset}</td>" in html
    assert re.search(r"<code>[0-9a-f]{64}</code>", html)


def test_two_runs_with_source_date_epoch_are_byte_identical(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    outputs = []
    for name in ("a.html", "b.html"):
        report(runner, monkeypatch, str(CHU), "-o", str(tmp_path / name))
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_names_are_text_never_markup(runner: Any, monkeypatch: Any, write_inventory: Any, fmt: str) -> None:
    text = report(runner, monkeypatch, str(write_inventory(HOSTILE)), "--format", fmt).stdout
    assert "<script>alert" not in text and "<img src=x" not in text and "injected" not in text
    if fmt == "html":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "{{ &#39;inj&#39; ~ &#39;ected&#39; }}" in text
        assert '<html lang="en">' in text  # a German organisation gets English
    else:
        assert "\\<script\\>" in text and "\\{\\{ 'inj'" in text and "\\[link\\]" in text


def test_executive_audience_keeps_the_summary_charts_and_waves(runner: Any, monkeypatch: Any) -> None:
    html = report(runner, monkeypatch, str(CHU), "--audience", "executive", "--lang", "en").stdout
    assert 'id="summary"' in html and 'id="charts"' in html and 'id="waves"' in html
    assert 'id="applications"' not in html and "Executive summary" in html


def test_markdown_report_for_wikis(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    out = tmp_path / "rapport.md"
    report(runner, monkeypatch, str(CHU), "-o", str(out))  # the suffix chooses Markdown
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Rapport de préparation au cloud de confiance — CHU de Saint-Exemple")
    assert "```mermaid\npie title" in text and "## Annexe : traçabilité" in text
    # The technical report lists each finding on its own line, what to do beneath it.
    severities = ("Bloquant", "Élevée", "Moyenne", "Faible", "Info")
    crowded = [line for line in text.splitlines() if sum(line.count(f"**{s}**") for s in severities) > 1]
    assert crowded == []
    dpi = text.split("### Dossier patient informatisé (`dpi`)")[1].split("\n### ")[0]
    assert "\n\n- **Bloquant** `EXT-FLOW-001` — " in dpi  # the patient file mailed to a host without HDS
    assert "\n- **Bloquant** `GOV-BLK-001` — " in dpi and "\n  - Remédiation : Lever l'obstacle" in dpi
    assert "()" not in dpi, "no empty list of references"


def test_report_waves_follow_the_same_planning_options_as_plan(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    import json

    options = ["--pilot-size", "2", "--effort-days", "XS=1,S=2,M=3,L=4,XL=5", "--max-wave-size", "6", "--lang", "en"]
    plan = runner.invoke(app, ["plan", str(CHU), "--format", "json", *options])
    assert plan.exit_code == 0, plan.output
    waves = json.loads(plan.stdout)["waves"]
    report(runner, monkeypatch, str(CHU), "-o", str(tmp_path / "r.md"), *options)
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    for wave in waves:
        count = len(wave["applications"])
        line = f"### Wave {wave['number']} — {wave['effort_days']:g} person-days · {count} application{'s' * (count > 1)}"
        assert line in text


def test_templates_can_be_branded_and_are_sandboxed(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    brand = tmp_path / "brand" / "report"
    brand.mkdir(parents=True)
    (brand / "report.html.j2").write_text(
        '{% extends "builtin:report/report.html.j2" %}{% block footer %}<footer>CHU — DSI</footer>{% endblock %}',
        encoding="utf-8")
    html = report(runner, monkeypatch, str(CHU), "--template-dir", str(tmp_path / "brand")).stdout
    assert "<footer>CHU — DSI</footer>" in html and 'id="charts"' in html
    (brand / "report.html.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    result = runner.invoke(app, ["report", str(CHU), "--template-dir", str(tmp_path / "brand")])
    assert result.exit_code == 2 and "bac à sable" in result.output and "Traceback" not in result.output
    (brand / "report.html.j2").write_text("{% include '/etc/passwd' %}", encoding="utf-8")
    result = runner.invoke(app, ["report", str(CHU), "--template-dir", str(tmp_path / "brand")])
    assert result.exit_code == 2 and "root:" not in result.output


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MINISTERE = ROOT / "examples" / "ministere-exemple.yaml"
DATED = ["--start", "2027-01-04", "--capacity", "40", "--freeze", "2027-07-14:2027-08-31"]
browser = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")


def write_report(tmp_path: Path, inventory: Path, *options: str) -> Path:
    html = tmp_path / f"{inventory.stem}{'-'.join(options).replace(':', '_')}.html"
    subprocess.run([sys.executable, "-m", "bleu_assess", "report", str(inventory), *options, "-o", str(html)],
                   check=True, capture_output=True, env={**EPOCH, "PATH": "/usr/bin:/bin"})
    return html


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    common = [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
              "--v=0"]
    done = subprocess.run([*common, *args], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def pdf_pages(tmp_path: Path, html: Path) -> list[str]:
    """Chromium prints the report to an A4 PDF (the report's @page); the text of each page."""
    from pypdf import PdfReader

    pdf = html.with_suffix(".pdf")
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
    # NFKC: the PDF's ligatures (ﬁ, ﬀ) back to letters.
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(pdf).pages]


@pytest.mark.slow
@browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_in_a_real_browser(tmp_path: Path, lang: str) -> None:
    from bleu_assess.render.diagram import dot_available

    html = write_report(tmp_path, CHU, "--lang", lang)
    dom = chromium(tmp_path, "--dump-dom", html.as_uri())
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    for section in ("summary", "charts", "waves", "diagrams", "findings", "applications", "audit"):
        assert f'id="{section}"' in dom.stdout
    assert dom.stdout.count("<svg") == 4 + (2 if dot_available() else 0)  # charts, then diagrams
    png = tmp_path / f"rapport-{lang}.png"
    chromium(tmp_path, "--window-size=1100,1600", f"--screenshot={png}", html.as_uri())
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000


@pytest.mark.slow
@browser
@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz is not installed (.ci/run installs Debian's graphviz)")
def test_the_patient_records_exposure_path_is_drawn(tmp_path: Path) -> None:
    """dpi -> entrepot-sante (a flow) -> Microsoft Azure (its host, US-controlled), in red."""
    dom = chromium(tmp_path, "--dump-dom", write_report(tmp_path, CHU, "--audience", "executive").as_uri()).stdout
    figure = dom[dom.index('id="diagram-exposure-figure"'):]
    figure = figure[:figure.index("</figure>")]
    for element in ("application-dpi", "application-dpi--application-entrepot-sante",
                    "application-entrepot-sante--provider-microsoft-azure", "provider-microsoft-azure"):
        match = re.search(rf'<g id="exposure-{element}" class="([^"]+)"', figure)
        assert match, element
        assert {"exposed", "critical"} <= set(match.group(1).split()), (element, match.group(1))
    assert re.search(r"<text[^>]*>Dossier patient</text>", figure) and "Microsoft Azure (cloud" in figure
    assert "Dossier patient informatisé</span>" not in figure or "→" in figure  # the path is listed as text too


@pytest.mark.slow
@browser
@pytest.mark.parametrize("inventory", [CHU, MINISTERE], ids=["chu", "ministere"])
def test_executive_report_prints_on_three_pages_and_page_one_answers_in_names(tmp_path: Path, inventory: Path) -> None:
    from bleu_assess import api
    from bleu_assess.render.i18n import t

    pages = pdf_pages(tmp_path, write_report(tmp_path, inventory, "--audience", "executive", *DATED))
    assert len(pages) <= 3, len(pages)
    first = " ".join(pages[0].split())
    for question in ("q_move", "q_cannot", "q_when", "q_decide", "unknowns_title"):
        assert t(f"report.{question}", "fr") in first
    loaded = api.load(inventory).inventory
    planned = api.plan(api.assess(loaded, lang="fr"), api.graph(loaded))
    pilot = planned.waves[0].applications
    apps = loaded.applications_by_id
    for app_id in pilot:  # the pilot by name (first words: names may wrap at a line end)
        assert " ".join(apps[app_id].name.split()[:2]) in first, apps[app_id].name
    words = " ".join(a.name for a in loaded.applications).casefold()
    ids = [a for a in pilot if a.casefold() not in words]  # an id that is also a word of a name proves nothing
    assert not any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", first) for a in ids), "names, not ids"


@pytest.mark.slow
@browser
def test_technical_report_of_the_hospital_prints_on_at_most_25_pages_with_every_finding(tmp_path: Path) -> None:
    from bleu_assess import api

    # Assessed on the tool's clock (2026-01-01 here), not on the plan's start: a dated report is
    # otherwise assessed on its start date, when two of the example's qualifications have lapsed
    # and the report has more to say.
    pages = pdf_pages(tmp_path, write_report(tmp_path, CHU, *DATED, "--as-of", "2026-01-01"))
    assert len(pages) <= 25, len(pages)
    text = " ".join(" ".join(pages).split())
    scan = api.scan(CHU, lang="fr", as_of="2026-01-01")
    for rule in {f.rule for item in scan.items for f in item.findings}:
        assert rule in text, rule
    # Every non-information finding keeps its own message (first words), every item its name.
    for item in scan.items:
        assert " ".join(item.name.split()[:2]) in text, item.name


@pytest.mark.slow
@browser
def test_readable_on_a_390_pixel_screen(tmp_path: Path) -> None:
    """No page-wide horizontal scrolling at 390 px: what is wider (charts, tables) scrolls in its
    own box, and chart labels keep their size. Headless Chromium's window is at least 500 px
    wide, so the report is shown in a 390 px frame of a probe page (the report has no script)."""
    from html import escape

    html = write_report(tmp_path, CHU, *DATED)
    probe = tmp_path / "probe.html"
    probe.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>"
        f"<iframe id='f' style='width:390px;height:844px;border:0' srcdoc=\"{escape(html.read_text(encoding='utf-8'))}\">"
        "</iframe><script>document.getElementById('f').addEventListener('load', function () {"
        "var d = this.contentDocument;"
        "var small = Array.from(d.querySelectorAll('svg text')).filter(function (e) {"
        "var h = e.getBoundingClientRect().height; return h > 0 && h < 9; }).length;"
        "document.body.setAttribute('data-width', String(d.documentElement.scrollWidth));"
        "document.body.setAttribute('data-small', String(small)); });</script></body></html>", encoding="utf-8")
    dom = chromium(tmp_path, "--window-size=600,900", "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()).stdout
    width = int(re.search(r'data-width="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    assert width <= 390, width
    assert re.search(r'data-small="0"', dom), "chart labels keep a readable size (the chart scrolls instead)"
