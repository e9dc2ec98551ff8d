"""JUnit: an item whose readiness is unknown (facts missing to decide) is no pass. Below the
--fail-on threshold it is a skipped test case whose message says what is missing, counted in
its suite's `skipped`; an item that can be decided still passes or fails as before."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from bleu_assess.cli import app

INVENTORY = """\
format: bleu-assess/v2
organisation: {name: Mairie, country: FR, type: local-authority}
applications:
  - {id: intranet, name: Intranet, hosting: {model: on-premises}, datasets: [pages]}
  - {id: archives, name: Archives, datasets: [actes]}
datasets:
  - {id: pages, name: Pages, classification: internal}
  - {id: actes, name: Actes, classification: internal}
"""


def test_an_item_that_cannot_be_decided_is_skipped_saying_why(runner: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "mairie.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    result = runner.invoke(app, ["scan", str(inventory), "-f", "junit", "--lang", "en"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout.encode())
    cases = {c.get("name").split(" — ")[0]: c for c in root.iter("testcase")}
    skipped = cases["archives"].find("skipped")
    assert skipped is not None and cases["archives"].find("failure") is None
    assert skipped.get("message") == "Unknown — Hosting not declared; Data location unknown"
    assert cases["intranet"].find("skipped") is None and cases["intranet"].find("failure") is None
    applications = next(s for s in root.iter("testsuite") if s.get("name") == "applications")
    assert applications.get("skipped") == "1"
