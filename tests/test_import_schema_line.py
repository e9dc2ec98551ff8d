"""Every inventory bleu-assess writes names the format's JSON Schema for editors
(`# yaml-language-server: $schema=./bleu-assess-inventory.schema.json`), and that file exists:
imports write it beside the inventory as init does, unless one is there already."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bleu_assess.cli import app
from bleu_assess.inventory.schema import json_schema

LINE = "# yaml-language-server: $schema=./bleu-assess-inventory.schema.json"
SCHEMA = "bleu-assess-inventory.schema.json"

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m1">
  <name>SI</name>
  <elements>
    <element identifier="c-dpi" xsi:type="ApplicationComponent"><name>Dossier patient</name></element>
  </elements>
</model>
"""


def _tables(folder: Path) -> Path:
    folder.mkdir()
    (folder / "organisation.csv").write_text("name,country,type\nCHU,FR,other\n", encoding="utf-8")
    (folder / "applications.csv").write_text("id,name,hosting.model\na,A,on-premises\n", encoding="utf-8")
    return folder


def test_import_csv_writes_the_schema_its_editor_line_names(runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "out" / "inventaire.yaml"
    out.parent.mkdir()
    result = runner.invoke(app, ["import", "csv", str(_tables(tmp_path / "t")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert LINE in out.read_text(encoding="utf-8").splitlines()
    assert json.loads((out.parent / SCHEMA).read_text(encoding="utf-8")) == json_schema()
    (out.parent / SCHEMA).write_text('{"mine": true}\n', encoding="utf-8")  # a schema there is kept
    again = runner.invoke(app, ["import", "table", str(tmp_path / "t"), "--mapping", "template",
                                "-o", str(out.parent / "autre.yaml")])
    assert again.exit_code == 0, again.output
    assert (out.parent / SCHEMA).read_text(encoding="utf-8") == '{"mine": true}\n'


def test_a_discovery_import_writing_a_new_inventory_names_the_schema_and_writes_it(runner: Any, tmp_path: Path) -> None:
    (tmp_path / "model.xml").write_text(MODEL, encoding="utf-8")
    out = tmp_path / "new" / "si.yaml"
    out.parent.mkdir()
    result = runner.invoke(app, ["import", "archimate", str(tmp_path / "model.xml"), "--organisation", "CHU",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert LINE in out.read_text(encoding="utf-8").splitlines()
    assert json.loads((out.parent / SCHEMA).read_text(encoding="utf-8")) == json_schema()


def test_an_inventory_added_to_and_written_elsewhere_keeps_a_line_that_points_at_a_file(
        runner: Any, tmp_path: Path) -> None:
    start = tmp_path / "start" / "inventaire.yaml"
    start.parent.mkdir()
    assert runner.invoke(app, ["init", str(start)]).exit_code == 0
    (tmp_path / "model.xml").write_text(MODEL, encoding="utf-8")
    out = tmp_path / "elsewhere" / "inventaire.yaml"
    out.parent.mkdir()
    result = runner.invoke(app, ["import", "archimate", str(tmp_path / "model.xml"), "--inventory", str(start),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert LINE in out.read_text(encoding="utf-8").splitlines()
    assert (out.parent / SCHEMA).is_file()
