"""Validate parsed inventory documents against the format and build the domain model.

Every problem is collected (never just the first), with the field path where it was found;
line and column are resolved afterwards, only for the files that have problems. The walker
(inventory/walker.py) checks the format description; this module checks what the format states
in words, references between entries, and warns about suspicious but valid input.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from typing import Any

from bleu_assess.errors import Diagnostic, InventoryError
from bleu_assess.inventory import model
from bleu_assess.inventory.build import Outline, build, outline, v1_sensitive_class
from bleu_assess.inventory.labels import code_for_word
from bleu_assess.inventory.schema import COUNTRY_PATTERN, INVENTORY
from bleu_assess.inventory.walker import (
    MAX_FREE_DEPTH,
    Collector,
    Document,
    Walker,
    closest,
    items,
    kind_name,
    locate,
    merged,
    parse_date,
    suggest,
)

__all__ = ["MAX_FREE_DEPTH", "Document", "build_checked", "check", "check_in_words", "cross_check", "outline_checked",
           "parse_date", "suggest", "v1_sensitive_class", "validate", "with_catalogue"]


def _check_document(c: Collector, doc_index: int) -> None:
    doc = c.docs[doc_index]
    data = doc.data
    if data is None:
        c.report(doc_index, (), "empty_file", format=model.FORMAT)
        return
    if not isinstance(data, dict):
        c.report(doc_index, (), "top_level", got=kind_name(data))
        return
    fmt = data.get("format")
    if "format" not in data:
        c.report(doc_index, (), "missing_format", format=model.FORMAT)
    elif fmt not in model.FORMATS:
        if isinstance(fmt, str) and fmt.startswith("bleu-assess/v"):
            c.report(doc_index, ("format",), "unsupported_format", value=fmt, formats=model.FORMATS)
        else:
            c.report(doc_index, ("format",), "unknown_format", value=repr(fmt), format=model.FORMAT)
    walker = Walker(c, doc_index)
    for key, value in data.items():
        spec = INVENTORY.fields.get(key) if isinstance(key, str) and key != "format" else None
        if key == "format":
            continue
        if spec is None:
            c.report(doc_index, (str(key),), "unknown_field", True, field=str(key),
                     hint=closest(str(key), INVENTORY.fields))
        else:
            walker.walk(value, spec, (key,))
    check_in_words(c, doc_index, data)


def check_in_words(c: Collector, doc_index: int, data: dict[str, Any]) -> None:
    """The per-item rules the format states in words, after the walk (also called by the
    compiled validator, inventory/fastcheck.py): classifications, a provider for hosted models,
    qualification dates, server addresses."""
    _check_classifications(c, doc_index, data, v1=data.get("format") == model.FORMAT_V1)
    for section in ("applications", "servers"):
        for index, item in items(data, section):
            hosting = item.get("hosting")
            if isinstance(hosting, dict) and hosting.get("model") in model.HOSTING_MODELS:
                if hosting["model"] != "on-premises" and not hosting.get("provider") and not hosting.get("platform"):
                    c.report(doc_index, (section, index, "hosting"), "missing_provider", model=hosting["model"])
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
                    c.report(doc_index, ("servers", index, "ip_addresses", position), "invalid_ip", value=value)



def _server_warnings(c: Collector, shape: Outline) -> None:
    """Applications whose servers disagree on hosting: nothing is derived, the user decides."""
    if not shape.conflicts:
        return
    for doc_index, index, app in shape.sections["applications"]:
        if app["id"] in shape.conflicts:
            found = "; ".join(f"{h.model}" + (f" ({h.provider})" if h.provider else "") for h in shape.conflicts[app["id"]])
            c.report(doc_index, ("applications", index), "servers_disagree", severity="warning", app=app["id"],
                     found=found)


def _check_classifications(c: Collector, doc_index: int, data: dict[str, Any], v1: bool) -> None:
    """The vocabulary of each format version: v1 has `sensitive` and requires a classification; v2
    splits `sensitive` into a class and particular sensitivity, and lets a dataset await its class."""
    for index, dataset in items(data, "datasets"):
        path = ("datasets", index)
        value = dataset.get("classification")
        if v1 and "classification" not in dataset:
            c.report(doc_index, path, "missing_classification")
        elif v1 and value in model.CLASSIFICATIONS and value not in model.CLASSIFICATIONS_V1:
            c.report(doc_index, (*path, "classification"), "v2_classification", value=value, format=model.FORMAT_V2)
        elif not v1 and value == "sensitive":
            c.report(doc_index, (*path, "classification"), "v1_sensitive")
        if dataset.get("level") is not None and value != "classified":
            c.report(doc_index, (*path, "level"), "level_unclassified")


def _check_dates(c: Collector, doc: int, path: tuple[Any, ...], entry: Any) -> None:
    if not isinstance(entry, dict):
        return
    start, end = entry.get("since"), entry.get("until") or entry.get("expected")
    since_day, end_day = parse_date(start), parse_date(end)
    if since_day and end_day and since_day > end_day:
        field_name = "until" if "until" in entry else "expected"
        c.report(doc, (*path, field_name), "before_since", field=field_name, end=end, start=start)



def _check_references(c: Collector) -> None:
    defined = c.defined
    for kind, value, doc, path in c.refs:
        ids = defined.get(kind, {})
        if value not in ids:
            c.report(doc, path, "unknown_reference", entry=kind, value=value, hint=closest(value, ids))
    apps, datasets = defined.get("application", {}), defined.get("dataset", {})
    for shared in sorted(apps.keys() & datasets.keys()):
        doc, path = datasets[shared]
        c.report(doc, path, "shared_id", value=shared)


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
            c.report(doc, ("applications", index, "hosting", "provider"), "offer_provider", offer=hosting["platform"],
                     owner=owner, provider=hosting["provider"])


def _check_organisation(c: Collector) -> None:
    holders = [i for i, d in enumerate(c.docs) if isinstance(d.data, dict) and "organisation" in d.data]
    if not holders and all(isinstance(d.data, dict) for d in c.docs):
        c.report(0, (), "missing_field", field="organisation")
    for extra in holders[1:]:
        c.report(extra, ("organisation",), "organisation_twice", True, file=c.docs[holders[0]].file)


def validate(docs: list[Document], path: str = "", sha256: str = "", catalogue: Any = None,
             as_of: Any = None, warnings: bool = True) -> tuple[model.Inventory, list[Diagnostic]]:
    """The inventory and its located warnings (none looked for unless `warnings`), or
    InventoryError with every error found. Entries that refer to the catalogue of offers are
    resolved first (catalogue_refs.resolve: `catalogue` a directory, default the shipped one;
    `as_of` a datetime.date, default today)."""
    from bleu_assess.inventory import catalogue_refs

    docs, resolution, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
    inventory, found = build_checked(_collected(docs, path), path, sha256, warnings)
    return with_catalogue(inventory, found, resolution, ref_warnings, warnings)


def with_catalogue(inventory: model.Inventory, found: list[Diagnostic], resolution: Any,
                   ref_warnings: list[Diagnostic], warnings: bool) -> tuple[model.Inventory, list[Diagnostic]]:
    """`inventory` with the resolution of its catalogue references (catalogue_refs.resolve), and
    the warnings of those references before the others (none unless `warnings`)."""
    if resolution is None:
        return inventory, found
    return replace(inventory, catalogue=resolution), ref_warnings + found if warnings else []


def check(docs: list[Document], catalogue: Any = None, as_of: Any = None,
          warnings: bool = True) -> tuple[Outline, list[Diagnostic]]:
    """`validate` without building the model (what `bleu-assess validate` and the importers
    need): the documents' Outline and located warnings (none looked for unless `warnings`: the
    errors are the same), or InventoryError with every error."""
    from bleu_assess.inventory import catalogue_refs

    docs, _, ref_warnings = catalogue_refs.resolve(docs, catalogue, as_of)
    shape, found = outline_checked(_collected(docs, ""), warnings)
    return shape, ref_warnings + found if warnings else []


def collected_errors(docs: list[Document]) -> list[Diagnostic]:
    """The walker's located errors in `docs` (none: an empty list): what else is wrong in an
    inventory whose catalogue references were refused (catalogue_refs.resolve)."""
    try:
        _collected(docs, "")
    except InventoryError as error:
        return [d for d in error.diagnostics if d.severity == "error"]
    return []


def _collected(docs: list[Document], path: str) -> Collector:
    """The walker's collector of documents without errors (InventoryError, located, else)."""
    c = Collector(docs)
    for index in range(len(docs)):
        _check_document(c, index)
    if not any(i.path == () for i in c.issues):
        cross_check(c)
    errors = [i for i in c.issues if i.severity == "error"]
    if errors:
        noun = "error" if len(errors) == 1 else "errors"
        raise InventoryError(f"{len(errors)} {noun} in {path or docs[0].file}", locate(docs, errors),
                             _declared_country(docs))
    return c


def cross_check(c: Collector) -> None:
    """The checks across entries and files: one organisation, references, hosting offers."""
    _check_organisation(c)
    _check_references(c)
    _check_hosting_offers(c)


def build_checked(c: Collector, path: str, sha256: str,
                  warnings: bool = True) -> tuple[model.Inventory, list[Diagnostic]]:
    """The inventory of documents without errors, and its located warnings (none looked for
    unless `warnings`)."""
    shape = outline(c.docs)
    inventory = build(c.docs, path, sha256, shape)
    return inventory, _warned(c, shape) if warnings else []


def outline_checked(c: Collector, warnings: bool = True) -> tuple[Outline, list[Diagnostic]]:
    """build_checked without the model: the Outline of documents without errors, and its located
    warnings (none looked for unless `warnings`)."""
    shape = outline(c.docs)
    return shape, _warned(c, shape) if warnings else []


def _warned(c: Collector, shape: Outline) -> list[Diagnostic]:
    _warnings(c, shape)
    _server_warnings(c, shape)
    return locate(c.docs, c.issues)


def _warnings(c: Collector, shape: Outline) -> None:
    """Suspicious but valid input, read from the documents (and the few records of `shape`)."""
    docs = c.docs
    applications, datasets, flows = shape.sections["applications"], shape.sections["datasets"], shape.sections["flows"]
    health = {d["id"] for _, _, d in datasets if d.get("classification") == "health"}
    offers = {p.id: p for p in shape.platforms}
    held: set[str] = set()
    app_datasets: dict[str, frozenset[str]] = {}
    from_servers = shape.hosting_from_servers
    for doc_index, index, app in applications:  # its get bound once: some 10 per entry
        path = ("applications", index)
        get, app_id = app.get, app["id"]
        datasets_held = get("datasets") or []
        held.update(datasets_held)
        own = app_datasets[app_id] = frozenset(datasets_held)
        needs = get("depends_on") or []
        if app_id in needs:
            position = needs.index(app_id)
            c.report(doc_index, (*path, "depends_on", position), "depends_on_itself", severity="warning", app=app_id)
        if len(own) != len(datasets_held):
            c.report(doc_index, (*path, "datasets"), "repeated_id", severity="warning", field="datasets")
        if len(needs) > 1 and len(set(needs)) != len(needs):
            c.report(doc_index, (*path, "depends_on"), "repeated_id", severity="warning", field="depends_on")
        if not get("owner") and health.intersection(datasets_held):
            c.report(doc_index, path, "health_no_owner", severity="warning", app=app_id)
        hosting = get("hosting")
        if not hosting:
            if app_id not in from_servers:  # unknown: to fill
                c.report(doc_index, path, "no_hosting", severity="warning", app=app_id)
        elif (offer := offers.get(hosting.get("platform") or "")) is not None \
                and hosting["model"] not in offer.models and hosting["model"] != "on-premises":
            c.report(doc_index, (*path, "hosting", "model"), "offer_model", severity="warning", offer=offer.id,
                     model=hosting["model"], models=offer.models)
        if get("strategy") in ("retire", "retain") and get("wave") is not None:
            c.report(doc_index, (*path, "wave"), "pinned_not_moving", severity="warning", app=app_id,
                     strategy=app["strategy"])
    for doc_index, index, dataset in datasets:
        if dataset["id"] not in held:
            c.report(doc_index, ("datasets", index), "dataset_unheld", severity="warning", dataset=dataset["id"])
        if dataset.get("classification") == "health" and dataset.get("personal_data") is False:
            c.report(doc_index, ("datasets", index, "personal_data"), "health_personal", severity="warning")
        assessment = dataset.get("sensitivity_assessment") or {}
        criteria = (assessment.get("secret_or_essential_mission"), assessment.get("harm_if_breached"))
        answer = dataset.get("particular_sensitivity")
        # The two criteria are cumulative (DINUM doctrine FAQ, 23 February 2024).
        implied = "yes" if criteria == ("yes", "yes") else "no" if "no" in criteria else None
        if implied and answer and answer != implied:
            c.report(doc_index, ("datasets", index, "particular_sensitivity"), "sensitivity_criteria",
                     severity="warning", answer=answer, implied=implied)
    for doc_index, index, derogation in shape.sections["derogations"]:
        if not derogation.get("applications") and not derogation.get("datasets"):
            c.report(doc_index, ("derogations", index), "derogation_empty", severity="warning",
                     derogation=derogation["id"])
    # A flow may send what its source holds (the common case, in one step) or receives.
    doubtful = []
    sent = app_datasets.get
    for doc_index, index, flow in flows:
        source = flow["from"]
        if source == flow["to"]:
            c.report(doc_index, ("flows", index), "flow_to_itself", severity="warning", app=source)
        if not sent(source, _NONE).issuperset(flow["datasets"]):
            doubtful.append((doc_index, index, flow))
    if doubtful:
        received: dict[str, set[str]] = {}
        for _, _, flow in flows:
            received.setdefault(flow["to"], set()).update(flow["datasets"])
        for doc_index, index, flow in doubtful:
            source = flow["from"]
            own = app_datasets.get(source, _NONE)
            missing = [d for d in flow["datasets"] if d not in own and d not in received.get(source, ())]
            if missing:
                c.report(doc_index, ("flows", index, "datasets"), "sends_unheld", severity="warning", app=source,
                         datasets=", ".join(repr(m) for m in missing))
    providers = shape.sections["providers"]
    for doc_index, index, provider in providers:
        path = ("providers", index)
        if not provider.get("regions"):
            c.report(doc_index, path, "provider_no_regions", severity="warning", provider=provider["id"])
        if "headquarters" not in provider:
            c.report(doc_index, path, "provider_no_headquarters", severity="warning", provider=provider["id"])
    for key in ("providers", "platforms"):
        for doc_index, index, entry in shape.sections[key]:
            _warn_qualifications(c, doc_index, (key, index), entry)
    if shape.format != model.FORMAT_V1:
        offered = {p.provider for p in shape.platforms if p.qualifications}
        for doc_index, index, provider in providers:
            qualified = _ids_of(provider.get("qualifications"))
            if qualified and any(p.provider == provider["id"] for p in shape.platforms) \
                    and provider["id"] not in offered:
                c.report(doc_index, ("providers", index, "qualifications"), "provider_qualifications",
                         severity="warning", provider=provider["id"], held=tuple(qualified))
    v1 = [i for i, d in enumerate(docs) if d.data.get("format") == model.FORMAT_V1]
    if v1:
        c.report(v1[0], ("format",), "v1_meaning", severity="warning", format=model.FORMAT_V1)


_NONE: frozenset[str] = frozenset()


def _ids_of(entries: Any) -> list[str]:
    ids = (e.get("id") if isinstance(e, dict) else e for e in entries or [])
    return [i for i in ids if isinstance(i, str)]


def _warn_qualifications(c: Collector, doc: int, path: tuple[Any, ...], entry: dict[str, Any]) -> None:
    for key in ("qualifications", "pending_qualifications"):
        for position, value in enumerate(_ids_of(entry.get(key))):
            if value not in model.KNOWN_QUALIFICATIONS:
                hint = code_for_word(value, model.KNOWN_QUALIFICATIONS) or closest(value, model.KNOWN_QUALIFICATIONS)
                if hint:
                    c.report(doc, (*path, key, position), "unknown_qualification", severity="warning", value=value,
                             hint=hint)
    both = set(_ids_of(entry.get("qualifications"))) & set(_ids_of(entry.get("pending_qualifications")))
    for value in sorted(both):
        c.report(doc, (*path, "pending_qualifications"), "held_and_pending", severity="warning", value=value)


def _declared_country(docs: list[Document]) -> str | None:
    """The organisation's country as the files declare it (the default, FR, when it declares
    none), or None when no organisation or an invalid country is declared."""
    for doc in docs:
        organisation = doc.data.get("organisation") if isinstance(doc.data, dict) else None
        if isinstance(organisation, dict):
            country = organisation.get("country", "FR")
            return country if isinstance(country, str) and re.fullmatch(COUNTRY_PATTERN, country) else None
    return None
