"""The readiness report: self-contained, accessible, escaped, reproducible, overridable, and
checked in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
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
    assert len(svgs) == 4
    for chart in svgs:
        assert f"<title id='{chart}'>" in html
    assert "<th scope=\"col\">" in html and "@page { size: A4" in html and "<details" in html
    headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:])), "no skipped heading level"
    assert "2026-01-01 00:00 UTC" in html
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


def test_report_waves_follow_the_same_planning_options_as_plan(runner: Any, monkeypatch: Any, tmp_path: Path) -> None:
    import json

    options = ["--pilot-size", "2", "--effort-days", "XS=1,S=2,M=3,L=4,XL=5", "--max-wave-size", "6", "--lang", "en"]
    plan = runner.invoke(app, ["plan", str(CHU), "--format", "json", *options])
    assert plan.exit_code == 0, plan.output
    waves = json.loads(plan.stdout)["waves"]
    report(runner, monkeypatch, str(CHU), "-o", str(tmp_path / "r.md"), *options)
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    for wave in waves:
        line = f"### Wave {wave['number']} — {wave['effort_days']:g} person-days · {len(wave['applications'])} app(s)"
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
    assert result.exit_code == 2 and "sandbox" in result.output and "Traceback" not in result.output
    (brand / "report.html.j2").write_text("{% include '/etc/passwd' %}", encoding="utf-8")
    result = runner.invoke(app, ["report", str(CHU), "--template-dir", str(tmp_path / "brand")])
    assert result.exit_code == 2 and "root:" not in result.output


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_in_a_real_browser(tmp_path: Path, lang: str) -> None:
    html = tmp_path / f"rapport-{lang}.html"
    subprocess.run([sys.executable, "-m", "bleu_assess", "report", str(CHU), "--lang", lang, "-o", str(html)],
                   check=True, capture_output=True, env={**EPOCH, "PATH": "/usr/bin:/bin"})
    common = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([*common, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    for section in ("summary", "charts", "waves", "applications", "audit"):
        assert f'id="{section}"' in dom.stdout
    assert dom.stdout.count("<svg") == 4
    pdf, png = tmp_path / f"rapport-{lang}.pdf", tmp_path / f"rapport-{lang}.png"
    subprocess.run([*common, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    subprocess.run([*common, "--window-size=1100,1600", f"--screenshot={png}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000
