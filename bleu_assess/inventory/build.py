"""Build the domain model (model.Inventory) from validated inventory documents: defaults the
format states in docs/inventory.md, v1 meanings, hosting derived from servers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bleu_assess.inventory import model
from bleu_assess.inventory.schema import MERGED_LISTS
from bleu_assess.inventory.walker import Document, merged


def _hosting(raw: dict[str, Any] | None) -> model.Hosting | None:
    return model.Hosting(raw["model"], raw.get("provider"), raw.get("region"), raw.get("platform"),
                         raw.get("provider_administers"), raw.get("provider_backs_up")) if raw else None


def _server(s: dict[str, Any]) -> model.Server:
    return model.Server(
        id=s["id"], hostname=s.get("hostname"), fqdn=s.get("fqdn"),
        ip_addresses=tuple(a.strip() for a in s.get("ip_addresses") or ()), os=s.get("os"),
        os_support=s.get("os_support") or "unknown", site=s.get("site"), cluster=s.get("cluster"),
        hosting=_hosting(s.get("hosting")), applications=tuple(s.get("applications") or ()), source=s.get("source"),
        extra=s["extra"] if isinstance(s.get("extra"), dict) else {},
    )


def server_hostings(applications: Iterable[tuple[str, bool]], servers: tuple[model.Server, ...]
                    ) -> tuple[dict[str, model.Hosting], dict[str, list[model.Hosting]]]:
    """For applications given as (id, whether it declares a hosting): the hosting each one that
    declares none takes from its servers when every server declares the same one, and, per
    application, the different hostings found when its servers disagree (left undecided, warned)."""
    by_app: dict[str, list[model.Hosting | None]] = {}
    for server in servers:
        for app_id in dict.fromkeys(server.applications):
            by_app.setdefault(app_id, []).append(server.hosting)
    derived: dict[str, model.Hosting] = {}
    conflicts: dict[str, list[model.Hosting]] = {}
    if not by_app:
        return derived, conflicts
    for app_id, declared in applications:
        hostings = by_app.get(app_id)
        if not declared and hostings and None not in hostings:
            distinct = list(dict.fromkeys(h for h in hostings if h is not None))
            if len(distinct) == 1:
                derived[app_id] = distinct[0]
            else:
                conflicts[app_id] = distinct
    return derived, conflicts


@dataclass(frozen=True, slots=True)
class Outline:
    """A valid inventory without the model of its applications, datasets, flows and
    derogations: what `validate` reports and the warnings need, read from the documents in a
    few passes. `sections` holds each list section's entries as merged() gives them (raw
    mappings); `hosting_from_servers` the hosting each application without one takes from its
    servers, `conflicts` the hostings of those whose servers disagree (server_hostings)."""

    organisation: model.Organisation
    format: str
    sections: dict[str, list[tuple[int, int, dict[str, Any]]]]
    providers: tuple[model.Provider, ...]
    platforms: tuple[model.Platform, ...]
    servers: tuple[model.Server, ...]
    hosting_from_servers: dict[str, model.Hosting]
    conflicts: dict[str, list[model.Hosting]]

    def count(self, section: str) -> int:
        """How many entries `section` (one of MERGED_LISTS) holds."""
        return len(self.sections[section])

    def dependencies(self) -> dict[str, list[str]]:
        """Application id -> the ids of the applications it depends on as written (a repeat is
        kept), itself left out; for the applications that depend on something."""
        return {a["id"]: [d for d in needs if d != a["id"]] if a["id"] in needs else needs
                for _, _, a in self.sections["applications"] if (needs := a.get("depends_on"))}


def outline(docs: list[Document]) -> Outline:
    """The Outline of validated documents."""
    org_raw = next(d.data["organisation"] for d in docs if "organisation" in d.data)
    lists = {key: merged(docs, key) for key in MERGED_LISTS}
    # One v1 file gives the whole inventory its v1 meaning (provider qualifications cover offers).
    fmt = model.FORMAT_V1 if any(d.data.get("format") == model.FORMAT_V1 for d in docs) else model.FORMAT
    providers = tuple(_provider(p) for _, _, p in lists["providers"])
    by_id = {p.id: p for p in providers}
    servers = tuple(_server(s) for _, _, s in lists["servers"])
    derived, conflicts = server_hostings(((a["id"], bool(a.get("hosting"))) for _, _, a in lists["applications"]),
                                         servers)
    return Outline(_organisation(org_raw), fmt, lists, providers,
                   tuple(_platform(p, by_id[p["provider"]], fmt) for _, _, p in lists["platforms"]), servers,
                   derived, conflicts)


def build(docs: list[Document], path: str, sha256: str, shape: Outline | None = None) -> model.Inventory:
    """The model of validated documents (their Outline, `shape`, when already made)."""
    shape = shape or outline(docs)
    lists, derived = shape.sections, shape.hosting_from_servers
    applications = tuple([_application(a) for _, _, a in lists["applications"]])
    if derived:
        applications = tuple(dataclasses.replace(a, hosting=derived[a.id]) if a.id in derived else a
                             for a in applications)
    return model.Inventory(
        organisation=shape.organisation,
        providers=shape.providers,
        platforms=shape.platforms,
        applications=applications,
        datasets=tuple(_dataset(d) for _, _, d in lists["datasets"]),
        flows=tuple([
            model.Flow(f["from"], f["to"], tuple(f["datasets"]), f.get("protocol"), f.get("description"))
            for _, _, f in lists["flows"]
        ]),
        derogations=tuple(_derogation(d) for _, _, d in lists["derogations"]),
        servers=shape.servers,
        hosting_from_servers=frozenset(derived),
        format=shape.format,
        path=path,
        sha256=sha256,
        files=tuple(d.file for d in docs),
    )


# What an organisation's type implies when it does not say (docs/inventory.md).
_PUBLIC_TYPES = ("state-administration", "state-operator", "local-authority")
_STATE_TYPES = ("state-administration", "state-operator")


def _organisation(o: dict[str, Any]) -> model.Organisation:
    kind = o.get("type") or "other"
    legal = o.get("legal_status")
    if legal is None:
        legal = "public" if kind in _PUBLIC_TYPES else "private" if kind == "private-company" else None
    supervised = o.get("state_supervised")
    return model.Organisation(
        name=o["name"],
        country=o.get("country") or "FR",
        type=kind,
        designations=tuple(o.get("designations") or ()),
        legal_status=legal,
        state_supervised=kind in _STATE_TYPES if supervised is None else supervised,
        sren_listed=bool(o.get("sren_listed")),
        secnumcloud_for=tuple((o.get("policy") or {}).get("secnumcloud_for") or ()),
    )


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def _derogation(d: dict[str, Any]) -> model.Derogation:
    return model.Derogation(
        id=d["id"], rules=tuple(d["rules"]), applications=tuple(d.get("applications") or ()),
        datasets=tuple(d.get("datasets") or ()), basis=d["basis"], reference=d.get("reference"),
        granted_by=d.get("granted_by"), granted_on=_date(d.get("granted_on")), until=_date(d.get("until")),
        compliant_offer_since=_date(d.get("compliant_offer_since")),
    )


def _tuple(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


def _qualification(q: Any) -> model.Qualification:
    if isinstance(q, str):
        return model.Qualification(q)
    return model.Qualification(q["id"], _tuple(q.get("scope")), q.get("since"), q.get("until"), q.get("evidence"))


def _pending(q: Any) -> model.PendingQualification:
    if isinstance(q, str):
        return model.PendingQualification(q)
    return model.PendingQualification(q["id"], q.get("milestone"), q.get("since"), q.get("expected"))


def _subprocessor(s: Any) -> model.Subprocessor:
    if isinstance(s, str):
        return model.Subprocessor(s)
    return model.Subprocessor(s["id"], s.get("role"), s.get("data_access") or "data")


def _qualifications(raw: dict[str, Any]) -> tuple[tuple[model.Qualification, ...], tuple[model.PendingQualification, ...]]:
    return (tuple(_qualification(q) for q in raw.get("qualifications") or ()),
            tuple(_pending(q) for q in raw.get("pending_qualifications") or ()))


def _provider(p: dict[str, Any]) -> model.Provider:
    own = p.get("ownership")
    held, pending = _qualifications(p)
    return model.Provider(
        id=p["id"],
        name=p.get("name") or p["id"],
        headquarters=p.get("headquarters"),
        non_eu_control=p.get("non_eu_control"),
        qualifications=held,
        regions=tuple(p.get("regions") or ()),
        support_regions=_tuple(p.get("support_regions")),
        subprocessors=tuple(_subprocessor(s) for s in p.get("subprocessors") or ()),
        ownership=model.Ownership(own.get("largest_non_eu_pct"), own.get("total_non_eu_pct"), own.get("non_eu_veto"),
                                  own.get("non_eu_board_majority")) if own else None,
        contract_law=p.get("contract_law"),
        pending_qualifications=pending,
        kind=p.get("kind"),
        admin_regions=_tuple(p.get("admin_regions")),
        hds_activities=tuple(sorted(set(p.get("hds_activities") or ()))),
        clearance=tuple(p.get("clearance") or ()),
        transfer_basis=p.get("transfer_basis"),
        non_eu_jurisdictions=tuple(p.get("non_eu_jurisdictions") or ()),
        contract=model.Contract(**p["contract"]) if p.get("contract") else None,
        hds_exemption=p.get("hds_exemption"),
        hds_referential=p.get("hds_referential"),
    )


def _platform(p: dict[str, Any], provider: model.Provider, fmt: str) -> model.Platform:
    held, pending = _qualifications(p)
    activities = p.get("hds_activities")
    if fmt == model.FORMAT_V1 and "qualifications" not in p:
        # v1 meaning: what the provider holds covers every offer it sells.
        held, pending = provider.qualifications, provider.pending_qualifications
        activities = provider.hds_activities if activities is None else activities
    return model.Platform(
        id=p["id"], provider=p["provider"], models=tuple(p["models"]),
        regions=_tuple(p.get("regions")), support_regions=_tuple(p.get("support_regions")),
        admin_regions=_tuple(p.get("admin_regions")), qualifications=held, pending_qualifications=pending,
        hds_activities=None if activities is None else tuple(sorted(set(activities))),
        services=tuple(p.get("services") or ()),
        transfer_basis=p.get("transfer_basis"),
    )


def _application(a: dict[str, Any]) -> model.Application:
    get = a.get
    hosting, tags, extra = get("hosting"), get("tags"), get("extra")
    if isinstance(tags, dict):
        tags = [f"{k}={v}" for k, v in tags.items()]
    elif tags is not None and not isinstance(tags, list):
        tags = [tags]
    datasets, needs, blockers, homologation = get("datasets"), get("depends_on"), get("blockers"), get("homologation")
    # Positional, in Application's field order: one per entry, a quarter quicker than by keywords.
    return model.Application(
        a["id"], a["name"], get("owner"), get("criticality") or "medium", _hosting(hosting),
        tuple(dict.fromkeys(datasets)) if datasets else (), tuple(dict.fromkeys(needs)) if needs else (),
        get("users"), get("strategy"), get("service"), get("effort"), tuple(blockers) if blockers else (), get("wave"),
        tuple([str(t) for t in tags]) if tags else (),
        extra if isinstance(extra, dict) else ({} if extra is None else {"value": extra}),
        bool(get("siiv")), bool(get("sie")), _homologation(homologation), get("network_class"),
        get("approved_encryption"), get("customer_held_keys"), get("exit_plan"),
    )


def _homologation(h: dict[str, Any] | None) -> model.Homologation | None:
    if not h:
        return None
    return model.Homologation(h["level"], _date(h.get("granted_on")), _date(h.get("until")))


def v1_sensitive_class(personal_data: Any) -> str:
    """The v2 class of a v1 `sensitive` dataset: v1 meant particular sensitivity *or* GDPR art. 9
    data, so it is read as special-category data (the more protective reading), unless the file
    says it holds no personal data (a business secret, say), which makes it internal."""
    return "internal" if personal_data is False else "special-category"


def _dataset(d: dict[str, Any]) -> model.Dataset:
    classification = d.get("classification")
    personal = d.get("personal_data")
    answer = d.get("particular_sensitivity")
    if classification == "sensitive":  # format v1: particular sensitivity, its v1 meaning
        classification = v1_sensitive_class(personal)
        answer = answer or "yes"
    assessment = d.get("sensitivity_assessment")
    return model.Dataset(
        id=d["id"],
        name=d.get("name") or d["id"],
        classification=classification,
        personal_data=classification in model.PERSONAL_BY_DEFAULT if personal is None else personal,
        volume_gb=d.get("volume_gb"),
        location=d.get("location"),
        particular_sensitivity=answer or "unknown",
        level=d.get("level"),
        assessment=model.SensitivityAssessment(
            assessment.get("secret_or_essential_mission") or "unknown", assessment.get("harm_if_breached") or "unknown",
            assessment.get("rationale"), assessment.get("assessed_by"), _date(assessment.get("assessed_on")),
        ) if assessment else None,
    )

