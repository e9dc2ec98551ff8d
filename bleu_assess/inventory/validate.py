"""Validate parsed inventory documents against the format and build the domain model.

Every problem is collected (never just the first), with the field path where it was found;
line and column are resolved afterwards, only for the files that have problems. The walker
(inventory/walker.py) checks the format description; this module checks what the format states
in words, references between entries, and warns about suspicious but valid input.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import Any

from bleu_assess.inventory import model
from bleu_assess.errors import Diagnostic, InventoryError
from bleu_assess.inventory.build import build, derive_hosting, v1_sensitive_class
from bleu_assess.inventory.schema import INVENTORY
from bleu_assess.inventory.walker import (MAX_FREE_DEPTH, Collector, Document, Walker, items, kind_name, locate,
                                          merged, parse_date, suggest)

__all__ = ["MAX_FREE_DEPTH", "Document", "parse_date", "suggest", "v1_sensitive_class", "validate"]


def _check_document(c: Collector, doc_index: int) -> None:
    doc = c.docs[doc_index]
    data = doc.data
    if data is None:
        c.error(doc_index, (), f"empty file: expected an inventory mapping starting with 'format: {model.FORMAT}'")
        return
    if not isinstance(data, dict):
        c.error(doc_index, (), f"the top level must be a mapping (format, organisation, applications, ...), "
                f"got {kind_name(data)}")
        return
    fmt = data.get("format")
    readable = " or ".join(model.FORMATS)
    if "format" not in data:
        c.error(doc_index, (), f"missing required field 'format' (expected 'format: {model.FORMAT}')")
    elif fmt not in model.FORMATS:
        if isinstance(fmt, str) and fmt.startswith("bleu-assess/v"):
            message = f"unsupported format version '{fmt}': this version of bleu-assess reads {readable}"
        else:
            message = f"unknown format {fmt!r}: expected '{model.FORMAT}'"
        c.error(doc_index, ("format",), message)
    walker = Walker(c, doc_index)
    for key, value in data.items():
        spec = INVENTORY.fields.get(key) if isinstance(key, str) and key != "format" else None
        if key == "format":
            continue
        if spec is None:
            c.error(doc_index, (str(key),), f"unknown field '{key}'{suggest(str(key), INVENTORY.fields)}", at_key=True)
        else:
            walker.walk(value, spec, (key,))
    # Per-item rules the format states in words.
    _check_classifications(c, doc_index, data, v1=fmt == model.FORMAT_V1)
    for section in ("applications", "servers"):
        for index, item in items(data, section):
            hosting = item.get("hosting")
            if isinstance(hosting, dict) and hosting.get("model") in model.HOSTING_MODELS:
                if hosting["model"] != "on-premises" and not hosting.get("provider") and not hosting.get("platform"):
                    c.error(doc_index, (section, index, "hosting"),
                            f"missing required field 'provider' (required when the model is {hosting['model']}, "
                            "unless 'platform' names the offer)")
    for key in ("providers", "platforms"):
        for index, item in items(data, key):
            for field_name in ("qualifications", "pending_qualifications"):
                for position, entry in enumerate(item.get(field_name) or []):
                    _check_dates(c, doc_index, (key, index, field_name, position), entry)
    _check_server_addresses(c, doc_index, data)


# --- Servers (optional section; intake, issue 17) -------------------------------------------
def _check_server_addresses(c: Collector, doc_index: int, data: dict[str, Any]) -> None:
    for index, server in items(data, "servers"):
        addresses = server.get("ip_addresses")
        for position, value in enumerate(addresses if isinstance(addresses, list) else ()):
            if isinstance(value, str):
                try:
                    ipaddress.ip_address(value.strip())
                except ValueError:
                    c.error(doc_index, ("servers", index, "ip_addresses", position),
                            f"invalid IP address '{value}' (expected IPv4 such as 10.0.0.5, or IPv6)")



def _server_warnings(c: Collector, inventory: model.Inventory) -> None:
    """Applications whose servers disagree on hosting: nothing is derived, the user decides."""
    if not inventory.servers:
        return
    _, _, conflicts = derive_hosting(inventory.applications, inventory.servers)
    for doc_index, index, app in merged(c.docs, "applications"):
        if app["id"] in conflicts:
            found = "; ".join(f"{h.model}" + (f" ({h.provider})" if h.provider else "") for h in conflicts[app["id"]])
            c.warn(doc_index, ("applications", index), f"application '{app['id']}' has no hosting and its servers "
                   f"disagree ({found}): declare its hosting")


def _check_classifications(c: Collector, doc_index: int, data: dict[str, Any], v1: bool) -> None:
    """The vocabulary of each format version: v1 has `sensitive` and requires a classification; v2
    splits `sensitive` into a class and particular sensitivity, and lets a dataset await its class."""
    for index, dataset in items(data, "datasets"):
        path = ("datasets", index)
        value = dataset.get("classification")
        if v1 and "classification" not in dataset:
            c.error(doc_index, path, "missing required field 'classification' (format v2 lets a dataset wait for "
                    "its classification)")
        elif v1 and value in model.CLASSIFICATIONS and value not in model.CLASSIFICATIONS_V1:
            c.error(doc_index, (*path, "classification"), f"'{value}' is a format v2 classification: declare "
                    f"'format: {model.FORMAT_V2}' (bleu-assess upgrade rewrites a v1 inventory)")
        elif not v1 and value == "sensitive":
            c.error(doc_index, (*path, "classification"), "'sensitive' is a format v1 classification; v2 separates "
                    "the class (personal, special-category, health...) from 'particular_sensitivity: yes'")
        if dataset.get("level") is not None and value != "classified":
            c.error(doc_index, (*path, "level"), "a level is declared only for classified data")


def _check_dates(c: Collector, doc: int, path: tuple[Any, ...], entry: Any) -> None:
    if not isinstance(entry, dict):
        return
    start, end = entry.get("since"), entry.get("until") or entry.get("expected")
    if parse_date(start) and parse_date(end) and start > end:
        field_name = "until" if "until" in entry else "expected"
        c.error(doc, (*path, field_name), f"'{field_name}' ({end}) is before 'since' ({start})")



def _check_references(c: Collector) -> None:
    defined = c.defined
    for kind, value, doc, path in c.refs:
        ids = defined.get(kind, {})
        if value not in ids:
            c.error(doc, path, f"unknown {kind} '{value}'{suggest(value, ids)}")
    apps, datasets = defined.get("application", {}), defined.get("dataset", {})
    for shared in sorted(apps.keys() & datasets.keys()):
        doc, path = datasets[shared]
        c.error(doc, path, f"id '{shared}' is used by both an application and a dataset; ids must be unique "
                "across the whole inventory")


def _check_hosting_offers(c: Collector) -> None:
    """A hosting that names both an offer and a provider names the offer's provider."""
    offers = {item["id"]: item.get("provider") for _, _, item in merged(c.docs, "platforms")
              if isinstance(item.get("id"), str)}
    for doc, index, app in merged(c.docs, "applications"):
        hosting = app.get("hosting")
        if not isinstance(hosting, dict) or hosting.get("platform") not in offers or not hosting.get("provider"):
            continue
        owner = offers[hosting["platform"]]
        if owner != hosting["provider"]:
            c.error(doc, ("applications", index, "hosting", "provider"),
                    f"offer '{hosting['platform']}' is sold by '{owner}', not '{hosting['provider']}'")


def _check_organisation(c: Collector) -> None:
    holders = [i for i, d in enumerate(c.docs) if isinstance(d.data, dict) and "organisation" in d.data]
    if not holders and all(isinstance(d.data, dict) for d in c.docs):
        c.error(0, (), "missing required field 'organisation'")
    for extra in holders[1:]:
        c.error(extra, ("organisation",), f"organisation is already declared in {c.docs[holders[0]].file}; "
                "declare it in one file only", at_key=True)


def validate(docs: list[Document], path: str = "", sha256: str = "", catalogue: Any = None,
             as_of: Any = None, locate_warnings: bool = True) -> tuple[model.Inventory, list[Diagnostic]]:
    """The inventory and its warnings (located unless `locate_warnings` is false), or
    InventoryError with every error found. Entries that refer to the catalogue of offers are
    resolved first (catalogue_refs.resolve: `catalogue` a directory, default the shipped one;
    `as_of` a datetime.date, default today)."""
    from bleu_assess.inventory import catalogue_refs

    docs, resolution, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
    inventory, warnings = _validate(docs, path, sha256, locate_warnings)
    if resolution is None:
        return inventory, warnings
    return replace(inventory, catalogue=resolution), ref_warnings + warnings


def _validate(docs: list[Document], path: str, sha256: str,
              locate_warnings: bool) -> tuple[model.Inventory, list[Diagnostic]]:
    c = Collector(docs)
    for index in range(len(docs)):
        _check_document(c, index)
    if not any(i.path == () for i in c.issues):
        _check_organisation(c)
        _check_references(c)
        _check_hosting_offers(c)
    errors = [i for i in c.issues if i.severity == "error"]
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        raise InventoryError(f"{len(errors)} {noun} in {path or docs[0].file}", locate(docs, errors))
    inventory = build(docs, path, sha256)
    _warnings(c, inventory)
    _server_warnings(c, inventory)
    return inventory, locate(docs, c.issues if locate_warnings else [])



def _warnings(c: Collector, inventory: model.Inventory) -> None:
    """Suspicious but valid input."""
    docs = c.docs
    health = {d.id for d in inventory.datasets if d.classification == "health"}
    held: set[str] = set()
    for doc_index, index, app in merged(docs, "applications"):
        path = ("applications", index)
        datasets = app.get("datasets") or []
        held.update(datasets)
        if app["id"] in (app.get("depends_on") or []):
            position = app["depends_on"].index(app["id"])
            c.warn(doc_index, (*path, "depends_on", position), f"application '{app['id']}' depends on itself")
        for key in ("datasets", "depends_on"):
            values = app.get(key) or []
            if len(set(values)) != len(values):
                c.warn(doc_index, (*path, key), f"'{key}' lists the same id more than once")
        if not app.get("owner") and health.intersection(datasets):
            c.warn(doc_index, path, f"application '{app['id']}' holds health data and has no owner")
        if not app.get("hosting") and app["id"] not in inventory.hosting_from_servers:  # unknown: to fill
            c.warn(doc_index, path, f"application '{app['id']}' gives no hosting, to fill "
                   "(where it runs is unknown, so are its residency and exposure)")
        hosting = app.get("hosting") or {}
        offer = inventory.platform(hosting.get("platform"))
        if offer is not None and hosting["model"] not in offer.models and hosting["model"] != "on-premises":
            c.warn(doc_index, (*path, "hosting", "model"),
                   f"offer '{offer.id}' does not sell {hosting['model']} (it sells {', '.join(offer.models)})")
        if app.get("strategy") in ("retire", "retain") and app.get("wave") is not None:
            c.warn(doc_index, (*path, "wave"), f"application '{app['id']}' is pinned to a wave but its strategy is "
                   f"{app['strategy']}: it will not move")
    for doc_index, index, dataset in merged(docs, "datasets"):
        if dataset["id"] not in held:
            c.warn(doc_index, ("datasets", index), f"dataset '{dataset['id']}' is held by no application")
        if dataset.get("classification") == "health" and dataset.get("personal_data") is False:
            c.warn(doc_index, ("datasets", index, "personal_data"),
                   "health data is personal data by definition (Code de la santé publique L.1111-8)")
        assessment = dataset.get("sensitivity_assessment") or {}
        criteria = (assessment.get("secret_or_essential_mission"), assessment.get("harm_if_breached"))
        answer = dataset.get("particular_sensitivity")
        # The two criteria are cumulative (DINUM doctrine FAQ, 23 February 2024).
        implied = "yes" if criteria == ("yes", "yes") else "no" if "no" in criteria else None
        if implied and answer and answer != implied:
            c.warn(doc_index, ("datasets", index, "particular_sensitivity"),
                   f"particular_sensitivity is '{answer}' but the assessment's two cumulative criteria give '{implied}'")
    for doc_index, index, derogation in merged(docs, "derogations"):
        if not derogation.get("applications") and not derogation.get("datasets"):
            c.warn(doc_index, ("derogations", index), f"derogation '{derogation['id']}' covers no application "
                   "and no dataset: it has no effect")
    app_datasets = {a.id: set(a.datasets) for a in inventory.applications}
    for doc_index, index, flow in merged(docs, "flows"):
        if flow["from"] == flow["to"]:
            c.warn(doc_index, ("flows", index), f"flow from '{flow['from']}' to itself")
    received: dict[str, set[str]] = {}
    for flow in inventory.flows:
        received.setdefault(flow.target, set()).update(flow.datasets)
    for doc_index, index, flow in merged(docs, "flows"):
        source = flow["from"]
        missing = [d for d in flow["datasets"] if d not in app_datasets.get(source, ()) and d not in received.get(source, ())]
        if missing:
            c.warn(doc_index, ("flows", index, "datasets"), f"'{source}' sends {', '.join(repr(m) for m in missing)} "
                   "but neither holds nor receives it")
    for doc_index, index, provider in merged(docs, "providers"):
        path = ("providers", index)
        if not provider.get("regions"):
            c.warn(doc_index, path, f"provider '{provider['id']}' declares no regions: residency cannot be assessed")
        if "headquarters" not in provider:
            c.warn(doc_index, path, f"provider '{provider['id']}' declares no headquarters: exposure cannot be assessed")
    for key in ("providers", "platforms"):
        for doc_index, index, entry in merged(docs, key):
            _warn_qualifications(c, doc_index, (key, index), entry)
    if inventory.format != model.FORMAT_V1:
        offered = {p.provider for p in inventory.platforms if p.qualifications}
        for doc_index, index, provider in merged(docs, "providers"):
            held = _ids_of(provider.get("qualifications"))
            if held and any(p.provider == provider["id"] for p in inventory.platforms) \
                    and provider["id"] not in offered:
                c.warn(doc_index, ("providers", index, "qualifications"),
                       f"provider '{provider['id']}' declares {', '.join(held)} but none of its offers declares a "
                       "qualification: in v2 a provider's qualifications do not cover its offers (declare them "
                       "under platforms[].qualifications)")
    v1 = [i for i, d in enumerate(docs) if d.data.get("format") == model.FORMAT_V1]
    if v1:
        c.warn(v1[0], ("format",), f"{model.FORMAT_V1}: read with its v1 meaning (a provider's qualifications cover "
               "all its offers); run 'bleu-assess upgrade' to write v2, then declare qualifications per offer "
               "(platforms[].qualifications with scope, since, until)")


def _ids_of(entries: Any) -> list[str]:
    return [e if isinstance(e, str) else e.get("id") for e in entries or [] if isinstance(e, (str, dict))]


def _warn_qualifications(c: Collector, doc: int, path: tuple[Any, ...], entry: dict[str, Any]) -> None:
    for key in ("qualifications", "pending_qualifications"):
        for position, value in enumerate(_ids_of(entry.get(key))):
            if value not in model.KNOWN_QUALIFICATIONS:
                hint = suggest(value, model.KNOWN_QUALIFICATIONS)
                if hint:
                    c.warn(doc, (*path, key, position), f"unknown qualification '{value}'{hint}")
    both = set(_ids_of(entry.get("qualifications"))) & set(_ids_of(entry.get("pending_qualifications")))
    for value in sorted(both):
        c.warn(doc, (*path, "pending_qualifications"), f"'{value}' is listed as both held and pending")
