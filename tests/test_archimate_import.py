"""`import archimate`: application components -> applications, data objects -> datasets,
flow/serving/access relationships -> flows, dependencies and held datasets; properties mapped
through a mapping file; a data object is never given a classification by guess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import api
from bleu_assess.cli import app

SAMPLES = Path("/work/shared/samples")
ROOT = Path(__file__).resolve().parent.parent

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m1">
  <name xml:lang="fr">SI hospitalier</name>
  <elements>
    <element identifier="c-dpi" xsi:type="ApplicationComponent"><name xml:lang="fr">Dossier patient</name>
      <properties><property propertyDefinitionRef="p-owner"><value>DSN</value></property>
      <property propertyDefinitionRef="p-crit"><value>Vitale</value></property></properties></element>
    <element identifier="c-pacs" xsi:type="ApplicationComponent"><name>PACS</name></element>
    <element identifier="c-ad" xsi:type="ApplicationComponent"><name>Annuaire</name></element>
    <element identifier="s-ad" xsi:type="ApplicationService"><name>Authentification</name></element>
    <element identifier="d-dossier" xsi:type="DataObject"><name>Dossier médical</name>
      <properties><property propertyDefinitionRef="p-class"><value>Santé</value></property></properties></element>
    <element identifier="d-notes" xsi:type="DataObject"><name>Notes</name></element>
    <element identifier="n-1" xsi:type="Node"><name>Serveur</name></element>
  </elements>
  <relationships>
    <relationship identifier="r1" source="c-dpi" target="d-dossier" xsi:type="Access" accessType="Write"/>
    <relationship identifier="r2" source="c-dpi" target="c-pacs" xsi:type="{flow}"/>
    <relationship identifier="r3" source="c-ad" target="s-ad" xsi:type="Realization"/>
    <relationship identifier="r4" source="s-ad" target="c-dpi" xsi:type="{serving}"/>
    <relationship identifier="r5" source="n-1" target="c-dpi" xsi:type="Realization"/>
    <relationship identifier="r6" source="c-pacs" target="d-notes" xsi:type="Access"/>
  </relationships>
  <propertyDefinitions>
    <propertyDefinition identifier="p-owner" type="string"><name>Responsable</name></propertyDefinition>
    <propertyDefinition identifier="p-crit" type="string"><name>Criticité</name></propertyDefinition>
    <propertyDefinition identifier="p-class" type="string"><name>Classification</name></propertyDefinition>
  </propertyDefinitions>
</model>
"""
MAPPING = ("applications: {Responsable: owner, Criticité: criticality}\n"
           "datasets: {Classification: classification}\n")


def run(runner: Any, tmp_path: Path, model: str, mapping: str | None = MAPPING, *args: str) -> tuple[Any, Path, dict[str, Any]]:
    source = tmp_path / "model.xml"
    source.write_text(model, encoding="utf-8")
    out, report = tmp_path / "out.yaml", tmp_path / "report.json"
    extra: list[str] = []
    if mapping is not None:
        (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
        extra = ["--mapping", str(tmp_path / "map.yaml")]
    result = runner.invoke(app, ["import", "archimate", str(source), "--organisation", "CHU", "-o", str(out),
                                 "--report", str(report), "--lang", "en", *extra, *args])
    return result, out, json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}


@pytest.mark.parametrize("ns, flow, serving", [("3.0/", "Flow", "Serving"), ("", "Flow", "UsedBy")])
def test_components_data_objects_and_relationships(runner: Any, tmp_path: Path, ns: str, flow: str, serving: str) -> None:
    result, out, report = run(runner, tmp_path, MODEL.format(ns=ns, flow=flow, serving=serving))
    assert result.exit_code == 0, result.output
    inventory = api.load(out).inventory
    apps = inventory.applications_by_id
    assert set(apps) == {"dossier-patient", "pacs", "annuaire"}
    dpi = apps["dossier-patient"]
    assert (dpi.owner, dpi.criticality, dpi.datasets) == ("DSN", "vital", ("dossier-medical",))  # label -> code
    assert dpi.depends_on == ("annuaire",)  # served through the service the directory realises
    assert inventory.datasets_by_id["dossier-medical"].classification == "health"
    assert {(f.source, f.target) for f in inventory.flows} == {("dossier-patient", "pacs"), ("annuaire", "dossier-patient")}
    counts = {(o["outcome"], o["reason"]): o["count"] for o in report["outcomes"]}
    assert sum(counts.values()) == report["read"] == 13
    # The data object without a classification is written without one (not yet known), never classified by guess.
    assert counts[("mapped", "dataset-not-classified")] == 1 and inventory.datasets_by_id["notes"].classification is None
    assert inventory.applications_by_id["pacs"].datasets == ("notes",)


def test_defaults_from_the_mapping_classify_the_rest(runner: Any, tmp_path: Path) -> None:
    mapping = MAPPING + "defaults: {datasets: {classification: internal}}\n"
    result, out, _ = run(runner, tmp_path, MODEL.format(ns="3.0/", flow="Flow", serving="Serving"), mapping)
    assert result.exit_code == 0, result.output
    inventory = api.load(out).inventory
    assert inventory.datasets_by_id["notes"].classification == "internal"
    assert inventory.applications_by_id["pacs"].datasets == ("notes",)


@pytest.mark.parametrize("model, mapping, expected", [
    ("<model><elements>", MAPPING, "model.xml:1:18: not well-formed XML"),
    ('<!DOCTYPE m [<!ENTITY a "aaaa">]><model/>', MAPPING, "document type declarations and entities are not accepted"),
    ("<notes/>", MAPPING, "not an ArchiMate exchange file"),
    (MODEL.format(ns="3.0/", flow="Flow", serving="Serving"), "applications: {Responsable: proprietaire}\n",
     "map.yaml:1:29: applications.Responsable: 'proprietaire' is not a field of applications"),
])
def test_errors_are_located_and_nothing_is_written(runner: Any, tmp_path: Path, model: str, mapping: str, expected: str) -> None:
    result, out, _ = run(runner, tmp_path, model, mapping)
    assert result.exit_code == 2 and not out.exists()
    assert expected in result.output


@pytest.mark.skipif(not (SAMPLES / "archimate3-archisurance-exchange.xml").exists(), reason="samples absent")
def test_archisurance_sample_as_a_real_process(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("defaults: {datasets: {classification: internal}}\n", encoding="utf-8")
    out, report = tmp_path / "out.yaml", tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "import", "archimate",
                           str(SAMPLES / "archimate3-archisurance-exchange.xml"), "--mapping", str(mapping),
                           "--organisation", "Archisurance", "-o", str(out), "--report", str(report)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sum(o["count"] for o in data["outcomes"]) == data["read"]
    inventory = api.load(out).inventory
    assert len(inventory.applications) == 10 and inventory.datasets and inventory.flows
    assert any(a.depends_on for a in inventory.applications)
