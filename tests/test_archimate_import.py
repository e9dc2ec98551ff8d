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
    # The data object without a classification is written without one (format v2 lets a dataset wait
    # for it) and listed: never classified by guess.
    assert out.read_text(encoding="utf-8").count("format: bleu-assess/v2\n") == 1
    assert inventory.datasets_by_id["notes"].classification is None
    assert apps["pacs"].datasets == ("notes",)
    assert counts[("mapped", "dataset-unclassified")] == 1
    assert "data objects without a classification, written without one" in result.output and "notes" in result.output


# The same model as Archi saves it (File > Save: `.archimate`), not exported: relationships are
# elements typed `…Relationship`, properties `key`/`value` attributes, views elements too.
ARCHI = """<?xml version="1.0" encoding="UTF-8"?>
<archimate:model xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:archimate="http://www.archimatetool.com/archimate" name="SI hospitalier" id="m1" version="5.0.0">
  <folder name="Application" id="f1" type="application">
    <element xsi:type="archimate:ApplicationComponent" name="Dossier patient" id="c-dpi">
      <property key="Responsable" value="DSN"/>
      <property key="Criticité" value="Vitale"/>
    </element>
    <element xsi:type="archimate:ApplicationComponent" name="PACS" id="c-pacs"/>
    <element xsi:type="archimate:ApplicationComponent" name="Annuaire" id="c-ad"/>
    <element xsi:type="archimate:ApplicationService" name="Authentification" id="s-ad"/>
    <element xsi:type="archimate:DataObject" name="Dossier médical" id="d-dossier">
      <property key="Classification" value="Santé"/>
    </element>
    <element xsi:type="archimate:DataObject" name="Notes" id="d-notes"/>
  </folder>
  <folder name="Technology &amp; Physical" id="f2" type="technology">
    <element xsi:type="archimate:Node" name="Serveur" id="n-1"/>
  </folder>
  <folder name="Relations" id="f3" type="relations">
    <element xsi:type="archimate:AccessRelationship" id="r1" source="c-dpi" target="d-dossier" accessType="0"/>
    <element xsi:type="archimate:FlowRelationship" id="r2" source="c-dpi" target="c-pacs"/>
    <element xsi:type="archimate:RealizationRelationship" id="r3" source="c-ad" target="s-ad"/>
    <element xsi:type="archimate:ServingRelationship" id="r4" source="s-ad" target="c-dpi"/>
    <element xsi:type="archimate:RealizationRelationship" id="r5" source="n-1" target="c-dpi"/>
    <element xsi:type="archimate:AccessRelationship" id="r6" source="c-pacs" target="d-notes"/>
  </folder>
  <folder name="Views" id="f4" type="diagrams">
    <element xsi:type="archimate:ArchimateDiagramModel" name="Vue applicative" id="v1">
      <child xsi:type="archimate:DiagramObject" id="o1" archimateElement="c-dpi"/>
    </element>
  </folder>
</archimate:model>
"""


def test_an_archi_model_file_is_read_as_its_exchange_export(runner: Any, tmp_path: Path) -> None:
    result, out, report = run(runner, tmp_path, ARCHI)
    assert result.exit_code == 0, result.output
    (tmp_path / "exported").mkdir()
    _, exported, exported_report = run(runner, tmp_path / "exported", MODEL.format(ns="3.0/", flow="Flow", serving="Serving"))
    inventory, reference = api.load(out).inventory, api.load(exported).inventory
    assert inventory.applications_by_id["dossier-patient"].criticality == "vital"
    assert [(a.id, a.owner, a.datasets, a.depends_on) for a in inventory.applications] == \
        [(a.id, a.owner, a.datasets, a.depends_on) for a in reference.applications]
    assert [(d.id, d.classification) for d in inventory.datasets] == [(d.id, d.classification) for d in reference.datasets]
    assert {(f.source, f.target) for f in inventory.flows} == {(f.source, f.target) for f in reference.flows}
    assert report["outcomes"] == exported_report["outcomes"] and report["read"] == 13  # the view is no element


def test_into_a_v1_inventory_a_data_object_without_classification_is_left_out(runner: Any, tmp_path: Path) -> None:
    """Format v1 requires a classification: the data object is left out and listed, and so is the
    access that pointed to it, rather than given a class by guess."""
    v1 = tmp_path / "v1.yaml"
    v1.write_text("format: bleu-assess/v1\norganisation:\n  name: CHU\n", encoding="utf-8")
    result, out, report = run(runner, tmp_path, MODEL.format(ns="3.0/", flow="Flow", serving="Serving"), MAPPING,
                              "--inventory", str(v1))
    assert result.exit_code == 0, result.output
    inventory = api.load(out).inventory
    assert set(inventory.datasets_by_id) == {"dossier-medical"} and inventory.applications_by_id["pacs"].datasets == ()
    counts = {(o["outcome"], o["reason"]): o["count"] for o in report["outcomes"]}
    assert counts[("left-out", "dataset-without-classification")] == 1
    assert counts[("left-out", "relationship-unresolved")] == 1  # pacs -> notes, notes not imported
    assert "Notes" in result.output


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
    ("<notes/>", MAPPING, "model.xml: not an ArchiMate exchange file"),  # the whole file: no line made up
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
