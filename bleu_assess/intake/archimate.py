"""ArchiMate models in the Open Group exchange format, or Archi's own model file -> applications,
datasets, flows, dependencies.

Formats: The Open Group, "ArchiMate Model Exchange File Format" for ArchiMate 3.x (namespace
http://www.opengroup.org/xsd/archimate/3.0/) and 2.1 (http://www.opengroup.org/xsd/archimate);
and the `.archimate` file Archi saves (namespace http://www.archimatetool.com/archimate: every
element and relationship an `element` with `id` and `name` attributes, relationships typed
`…Relationship`, properties `<property key value>`). Elements and relationships are read by their
`xsi:type`, whatever the namespace.

- `ApplicationComponent` -> an application (its identifier kept in `extra.archimate_id`);
- `DataObject` -> a dataset;
- `Access` (component -> data object) -> the application holds the dataset;
- `Flow` (component -> component) -> a flow (datasets left to name: a flow relationship does not
  say which data object it carries);
- `Serving` (`UsedBy` in 2.1) (A serves B) -> B depends on A at run time, and a flow from A to B
  (B receives what A serves; datasets left to name).
Relationships that start or end at an application service, interface or function are attached
to the component that realises, is assigned to or is composed of it.

Properties become inventory fields through a mapping file:

    applications: {Owner: owner, Criticality: criticality}   # property name -> field
    datasets: {Classification: classification}
    values: {criticality: {Haute: high}}                    # optional translations
    defaults: {datasets: {classification: internal}}        # when the property is absent

A data object is never given a classification by guess: without one from a property or a
default, it is written without one in format v2 (a dataset may wait for its classification; the
report lists it), and left out and listed when merging into a v1 inventory, which requires one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from bleu_assess.errors import InputError
from bleu_assess.intake.merge import Additions
from bleu_assess.intake.said import problem, refused
from bleu_assess.intake.servers import server_id
from bleu_assess.intake.tally import ImportReport
from bleu_assess.inventory import model, yamlio
from bleu_assess.inventory.labels import code_for_label
from bleu_assess.inventory.schema import INVENTORY

# The keys of a property mapping file (docs/interop.md, "ArchiMate").
ARCHIMATE_KEYS = ("applications", "datasets", "values", "defaults")
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
# Behaviour and interfaces of an application component: relationships that touch them are the
# component's (ArchiMate 3.1 §9: the component realises services, is assigned to functions and
# is composed of interfaces).
_PARTS = {"ApplicationService", "ApplicationInterface", "ApplicationFunction", "ApplicationProcess",
          "ApplicationInteraction", "ApplicationEvent"}
_OWNING = {"Realization", "Assignment", "Composition", "Aggregation"}
_SERVING = {"Serving", "UsedBy"}
_FLOW = {"Flow"}
_ACCESS = {"Access"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kind(node: ET.Element) -> str:
    """The element's or relationship's type as the exchange format names it (Archi's
    `archimate:FlowRelationship` is `Flow`)."""
    return (node.get(_XSI_TYPE) or "").split(":")[-1].removesuffix("Relationship")


def _archi_relationship(node: ET.Element) -> bool:
    """Whether an `element` of an Archi model file is a relationship (`…Relationship`)."""
    return (node.get(_XSI_TYPE) or "").endswith("Relationship")


def _identifier(node: ET.Element) -> str:
    return node.get("identifier") or node.get("id") or ""


def _name(node: ET.Element) -> str:
    for child in node:
        if _local(child.tag) in ("name", "label") and (child.text or "").strip():
            return " ".join(child.text.split())  # type: ignore[union-attr]
    return " ".join((node.get("name") or "").split()) or _identifier(node)


def _parse(path: str) -> ET.Element:
    raw = yamlio.read_bytes(Path(path), path)
    if b"<!DOCTYPE" in raw[:4096] or b"<!ENTITY" in raw:
        raise refused(path, "xml_doctype")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        line, column = error.position
        located = problem(path, line, column + 1, "", "xml_not_well_formed", error=str(error))
        raise InputError(located.message, [located]) from None
    if _local(root.tag) != "model":
        raise refused(path, "not_archimate")
    return root


def _properties(node: ET.Element, definitions: dict[str, str]) -> dict[str, str]:
    out = {}
    for holder in node:
        if _local(holder.tag) == "property" and holder.get("key") and (holder.get("value") or "").strip():
            out[holder.get("key", "")] = holder.get("value", "").strip()  # Archi's model file
        if _local(holder.tag) != "properties":
            continue
        for prop in holder:
            key = definitions.get(prop.get("propertyDefinitionRef") or prop.get("identifierRef") or "", "")
            value = next((v.text for v in prop if _local(v.tag) == "value" and v.text), None)
            if key and value:
                out[key] = value.strip()
    return out


def read_mapping(path: str | None) -> dict[str, Any]:
    """The property mapping file (see the module's documentation), checked against the format."""
    if path is None:
        return {}
    text = yamlio.decode(yamlio.read_bytes(Path(path), path), path)
    data = yamlio.parse(text, path) or {}
    root = yamlio.compose_unchecked(text)
    problems = []
    sections = {"applications": INVENTORY.fields["applications"].item, "datasets": INVENTORY.fields["datasets"].item}
    if not isinstance(data, dict):
        data = {}
        problems.append(problem(path, None, None, "", "archimate_mapping", keys=ARCHIMATE_KEYS))
    for key in data:
        if key not in ARCHIMATE_KEYS:
            problems.append(problem(path, *yamlio.locate(root, (key,), True), str(key), "archimate_unknown_key",
                                    keys=ARCHIMATE_KEYS))
    for section, spec in sections.items():
        for where in ((section,), ("defaults", section)):
            block = data.get(where[0]) if len(where) == 1 else (data.get("defaults") or {}).get(section)
            for prop, target in (block or {}).items():
                field = target if len(where) == 1 else prop
                if spec is not None and field not in spec.fields:
                    problems.append(problem(path, *yamlio.locate(root, (*where, prop)), yamlio.format_path((*where, prop)),
                                            "not_a_field", field=field, section=section))
    if problems:
        raise InputError(problems[0].message, problems)
    return data


def _fields(props: dict[str, str], section: str, mapping: dict[str, Any]) -> dict[str, Any]:
    spec = INVENTORY.fields[section].item
    out: dict[str, Any] = dict((mapping.get("defaults") or {}).get(section) or {})
    for prop, field in (mapping.get(section) or {}).items():
        if prop not in props:
            continue
        value: Any = props[prop]
        table = (mapping.get("values") or {}).get(field) or {}
        value = table.get(value, value)
        enum = spec.fields[field].enum if spec is not None else None
        if enum and value not in enum:
            value = next((e for e in enum if e.lower() == str(value).lower()), None) or code_for_label(str(value), enum) or value
        if spec is not None and spec.fields[field].type == "list":
            value = [v.strip() for v in str(value).split(";") if v.strip()]
        out[field] = value
    return out


def import_archimate(path: str, mapping_file: str | None, fmt: str = model.FORMAT) -> tuple[Additions, ImportReport]:
    """Additions (applications, datasets, flows, dependencies) and the report of an exchange file,
    for an inventory in format version `fmt` (model.FORMATS)."""
    mapping = read_mapping(mapping_file)
    root = _parse(path)
    report = ImportReport(path, "archimate", unit="elements")
    definitions = {d.get("identifier", ""): _name(d) for d in root.iter() if _local(d.tag) == "propertyDefinition"}
    # An Archi model file's relationships are `element`s too, and its views `element`s of a
    # `…Model` type (the exchange format keeps views apart): neither is an element here.
    nodes = [e for e in root.iter() if _local(e.tag) == "element" and _identifier(e)]
    elements = [e for e in nodes if not _archi_relationship(e) and not _kind(e).endswith("Model")]
    relationships = [r for r in root.iter() if _local(r.tag) == "relationship" and r.get("identifier")]
    relationships += [r for r in nodes if _archi_relationship(r)]
    kinds: dict[str | None, str] = {_identifier(e): _kind(e) for e in elements}
    out = Additions()
    ids: dict[str, str] = {}  # archimate identifier -> inventory id
    taken: set[str] = set()

    def new_id(name: str) -> str:
        base = server_id(name)
        ident, suffix = base, 2
        while ident in taken:
            ident, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(ident)
        return ident

    for element in elements:
        report.read += 1
        kind, identifier, name = _kind(element), _identifier(element), _name(element)
        props = _properties(element, definitions)
        if kind == "ApplicationComponent":
            ids[identifier] = ident = new_id(name)
            out.add("applications", {"id": ident, "name": name, **_fields(props, "applications", mapping),
                                     "tags": ["discovered"], "extra": {"archimate_id": identifier, **props}})
            report.count("mapped", "application", ident)
        elif kind == "DataObject":
            fields = _fields(props, "datasets", mapping)
            if "classification" not in fields and fmt == model.FORMAT_V1:
                report.count("left-out", "dataset-without-classification", name)
                continue
            ids[identifier] = ident = new_id(name)
            out.add("datasets", {"id": ident, "name": name, **fields})
            report.count("mapped", "dataset" if "classification" in fields else "dataset-unclassified", ident)
        else:
            report.count("left-out", "element-other", kind)
    owner = {r.get("target"): r.get("source") for r in relationships
             if _kind(r) in _OWNING and kinds.get(r.get("source")) == "ApplicationComponent"
             and kinds.get(r.get("target")) in _PARTS}

    def app_of(identifier: str | None) -> str | None:
        component = identifier if kinds.get(identifier) == "ApplicationComponent" else owner.get(identifier)
        return ids.get(component or "")

    for relation in relationships:
        report.read += 1
        kind, source, target = _kind(relation), relation.get("source"), relation.get("target")
        a, b = app_of(source), app_of(target)
        if kind in _ACCESS and a and kinds.get(target) == "DataObject":
            if target in ids:
                out.link(a, "datasets", ids[target])
                report.count("mapped", "relationship-flow", f"{a} -> {ids[target]}")
            else:
                report.count("left-out", "relationship-unresolved", f"{a} -> {_name(relation)}")
        elif kind in _FLOW | _SERVING and a and b:
            if a == b:
                report.count("left-out", "within-one-application", a)
            else:
                if kind in _SERVING:
                    out.link(b, "depends_on", a)  # A serves B: B needs A, and gets A's data
                out.add("flows", {"from": a, "to": b, "datasets": [],
                                  "extra": {"archimate_id": _identifier(relation), "archimate_type": kind}})
                report.count("mapped", "relationship-flow", f"{a} -> {b}")
        elif kind in _FLOW | _SERVING | _ACCESS:
            report.count("left-out", "relationship-unresolved", kind)
        else:
            report.count("left-out", "relationship-other", kind)
    report.check()
    return out, report

