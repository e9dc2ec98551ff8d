"""The inventory format (v2, which reads v1 too) as data: one description drives both the
validator and the JSON Schema published for editors (`bleu-assess schema`,
schemas/inventory-v2.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bleu_assess import model

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True, slots=True)
class Spec:
    """One node of the format: a typed value, with its constraints and documentation."""

    type: str  # string id country date integer number boolean list object free effort
    description: str = ""
    required: bool = False
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    fields: dict[str, "Spec"] = field(default_factory=dict)
    item: "Spec | None" = None
    ref: str | None = None  # kind of id this value refers to
    defines: str | None = None  # kind of id this value declares
    minimum: float | None = None
    maximum: float | None = None
    non_empty: bool = False
    default: Any = None
    # object only: the value may also be written as a bare id (its `id` field), e.g.
    # `qualifications: [hds]` for `[{id: hds}]`
    shorthand: bool = False


# A number of person-days beyond this is a typing mistake (about 4,000 person-years).
MAX_EFFORT_DAYS = 1_000_000


def _s(type_: str, description: str = "", **kw: Any) -> Spec:
    return Spec(type_, description, **kw)


def _ids(ref: str, description: str, **kw: Any) -> Spec:
    return _s("list", description, item=_s("id", ref=ref), **kw)


def _countries(description: str) -> Spec:
    return _s("list", description, item=_s("country"))


_QUALIFICATION_ID = "Qualification id: " + ", ".join(model.KNOWN_QUALIFICATIONS) + ", ..."


def _qualifications(description: str) -> Spec:
    return _s("list", description, item=_s("object", "A qualification held: an id, or a mapping.", shorthand=True,
                                           fields={
        "id": _s("id", _QUALIFICATION_ID, required=True),
        "scope": _s("list", "Service models the qualification covers (default: all the offer's).",
                    item=_s("string", enum=model.PLATFORM_MODELS)),
        "since": _s("date", "Date granted (YYYY-MM-DD)."),
        "until": _s("date", "Date it expires (YYYY-MM-DD): past it, it does not count."),
        "evidence": _s("string", "Where it is attested (catalogue address, certificate number)."),
    }))


def _pending(description: str) -> Spec:
    return _s("list", description, item=_s("object", "A qualification applied for: an id, or a mapping.",
                                           shorthand=True, fields={
        "id": _s("id", _QUALIFICATION_ID, required=True),
        "milestone": _s("string", "Last milestone reached: J0 (application accepted), J1, J2, J3 (decision).",
                        enum=model.MILESTONES),
        "since": _s("date", "Date the milestone was reached (YYYY-MM-DD)."),
        "expected": _s("date", "Date the qualification is expected (YYYY-MM-DD)."),
    }))


def _hds_activities(description: str) -> Spec:
    return _s("list", description, item=_s("integer", enum=model.HDS_ACTIVITIES))


_SUBPROCESSOR = _s("object", "A provider relied on: an id, or a mapping with its role and access.", shorthand=True,
                   fields={
    "id": _s("id", "Provider id.", required=True, ref="provider"),
    "role": _s("string", "What it does: datacenter, infrastructure, platform, operations, backup, support, "
               "software, ... (datacenter to backup map to HDS activities)."),
    "data_access": _s("string", "What it can reach: none, metadata or data (default: data).", enum=model.DATA_ACCESS),
})


# Required in exactly one file of the inventory (a directory's other files leave it out): the
# validator checks that across files, so the schema does not require it per file.
ORGANISATION = _s("object", "The organisation being assessed (in exactly one file of the inventory).", fields={
    "name": _s("string", "Name of the organisation.", required=True),
    "country": _s("country", "ISO 3166-1 alpha-2 country code.", default="FR"),
    "type": _s("string", "Kind of organisation.", enum=model.ORGANISATION_TYPES, default="other"),
    "designations": _s("list", "Regulatory designations.", item=_s("string", enum=model.DESIGNATIONS)),
})

PROVIDER = _s("object", "A hosting or SaaS provider.", fields={
    "id": _s("id", "Unique provider id.", required=True, defines="provider"),
    "name": _s("string", "Display name (defaults to the id)."),
    "kind": _s("string", "commercial (default), state-internal, public-community or colocation.",
               enum=model.PROVIDER_KINDS, default="commercial"),
    "headquarters": _s("country", "Country of the ultimate parent company."),
    "non_eu_control": _s("boolean", "Controlled by non-EU shareholders (default: headquarters outside the EU/EEA)."),
    "qualifications": _qualifications("Held by the provider as a whole (v1: cover all its offers; v2: apply where "
                                      "no offer is named)."),
    "regions": _countries("Countries where data is stored and processed."),
    "support_regions": _countries("Where support staff with access to data work from (default: regions)."),
    "admin_regions": _countries("Where administration and supervision are done from (default: support regions)."),
    "hds_activities": _hds_activities("HDS activities certified for the provider as a whole (R.1111-9)."),
    "subprocessors": _s("list", "Providers it relies on.", item=_SUBPROCESSOR),
    "ownership": _s("object", "Non-EU holdings (SecNumCloud 3.2 §19.6.b).", nullable=True, fields={
        "largest_non_eu_pct": _s("number", "Largest single non-EU holding, in %.", minimum=0, maximum=100),
        "total_non_eu_pct": _s("number", "All non-EU holdings together, in %.", minimum=0, maximum=100),
    }),
    "contract_law": _s("country", "Law governing the contract.", nullable=True),
    "pending_qualifications": _pending("Applied for, not granted: never counts as qualified."),
})

PLATFORM = _s("object", "An offer a provider sells: where applications run, and candidate landing zones.", fields={
    "id": _s("id", "Unique platform id.", required=True, defines="platform"),
    "provider": _s("id", "Provider id.", required=True, ref="provider"),
    "models": _s("list", "Service models offered.", required=True, non_empty=True,
                 item=_s("string", enum=model.PLATFORM_MODELS)),
    "regions": _countries("Where this offer stores and processes data (default: the provider's regions)."),
    "support_regions": _countries("Where its support staff work from (default: the provider's)."),
    "admin_regions": _countries("Where it is administered from (default: the provider's)."),
    "qualifications": _qualifications("Qualifications of this offer, each on its scope and dates."),
    "pending_qualifications": _pending("Qualifications applied for: never count, dated by their milestone."),
    "hds_activities": _hds_activities("HDS activities certified for this offer (R.1111-9: 1 sites, 2 hardware, "
                                      "3 virtual infrastructure, 4 platform, 5 administration, 6 backup)."),
    "services": _s("list", "SaaS: the service families it provides (mail, office-suite, visio, ehr, pacs, "
                   "hr-payroll, gis, ticketing, crm, ...).", item=_s("id")),
})

APPLICATION = _s("object", "An application of the estate.", fields={
    "id": _s("id", "Unique application id.", required=True, defines="application"),
    "name": _s("string", "Display name.", required=True),
    "owner": _s("string", "Owning team or person.", nullable=True),
    "criticality": _s("string", "Business criticality.", enum=model.CRITICALITIES, default="medium"),
    "hosting": _s("object", "Where the application runs today.", fields={
        "model": _s("string", "Hosting model.", required=True, enum=model.HOSTING_MODELS),
        "provider": _s("id", "Provider id; required unless the model is on-premises.", nullable=True, ref="provider"),
        "region": _s("country", "Country where its data is stored and processed (default: the offer's regions, "
                     "else the provider's, or the organisation's country when on premises).", nullable=True),
        "platform": _s("id", "The offer it runs on (its provider is then the hosting provider).", nullable=True,
                       ref="platform"),
        "provider_administers": _s("boolean", "The provider administers it (HDS activity 5; default: yes for "
                                   "SaaS).", nullable=True),
        "provider_backs_up": _s("boolean", "The provider backs it up (HDS activity 6; default: yes for SaaS).",
                                nullable=True),
    }),
    "service": _s("id", "Service family it provides (mail, ehr, ticketing, ...): a SaaS offer fits only if it "
                  "provides it.", nullable=True),
    "datasets": _ids("dataset", "Datasets it stores or processes."),
    "depends_on": _ids("application", "Applications it needs at run time."),
    "users": _s("integer", "Number of users.", nullable=True, minimum=0, maximum=10_000_000_000),
    "strategy": _s("string", "Migration strategy.", nullable=True, enum=model.STRATEGIES),
    "effort": _s("effort", "T-shirt size (XS, S, M, L, XL) or a number of person-days.", nullable=True),
    "blockers": _s("list", "Known blockers, free text.", item=_s("string")),
    "wave": _s("integer", "Pin to a migration wave.", nullable=True, minimum=1, maximum=1000),
    "tags": _s("free", "Free-form tags."),
    "extra": _s("free", "Free-form data, carried into results untouched."),
})

DATASET = _s("object", "A data set.", fields={
    "id": _s("id", "Unique dataset id.", required=True, defines="dataset"),
    "name": _s("string", "Display name (defaults to the id)."),
    "classification": _s("string", "Sensitivity class.", required=True, enum=model.CLASSIFICATIONS),
    "personal_data": _s("boolean", "Contains personal data (default: true for personal, sensitive and health)."),
    "volume_gb": _s("number", "Volume in GB.", nullable=True, minimum=0, maximum=1e12),
    "location": _s("country", "Where it is stored today, if not where its applications run.", nullable=True),
})

FLOW = _s("object", "A data flow between two applications.", fields={
    "from": _s("id", "Sending application id.", required=True, ref="application"),
    "to": _s("id", "Receiving application id.", required=True, ref="application"),
    "datasets": _ids("dataset", "Datasets the flow carries.", required=True, non_empty=True),
    "protocol": _s("string", "Protocol.", nullable=True),
    "description": _s("string", "What the flow is for.", nullable=True),
})

INVENTORY = _s("object", f"bleu-assess inventory, format {model.FORMAT} (reads {model.FORMAT_V1} too).", fields={
    "format": _s("string", f"Format version: {model.FORMAT} ({model.FORMAT_V1} is still read).", required=True),
    "organisation": ORGANISATION,
    "providers": _s("list", "Providers the estate uses or may use.", item=PROVIDER),
    "platforms": _s("list", "Candidate landing zones.", item=PLATFORM),
    "applications": _s("list", "Applications.", item=APPLICATION),
    "datasets": _s("list", "Datasets.", item=DATASET),
    "flows": _s("list", "Data flows between applications.", item=FLOW),
})

# Top-level lists merged across the files of a directory inventory.
MERGED_LISTS = ("providers", "platforms", "applications", "datasets", "flows")


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the inventory format v2, for yaml-language-server; shipped
    as schemas/inventory-v2.schema.json. It accepts v1 files too (same fields, v1 meaning)."""
    schema = _to_json(INVENTORY)
    schema["properties"]["format"] = {"enum": list(model.FORMATS), "description": INVENTORY.fields["format"].description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://bleu-assess.invalid/schema/inventory-v2.json",
        "title": "bleu-assess inventory v2",
        **schema,
    }


def _to_json(spec: Spec) -> dict[str, Any]:
    out: dict[str, Any]
    if spec.type == "object":
        out = {
            "type": "object",
            "properties": {name: _to_json(child) for name, child in spec.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, child in spec.fields.items() if child.required]
        if required:
            out["required"] = required
        if spec.shorthand:
            out = {"anyOf": [_to_json(spec.fields["id"]), out]}
    elif spec.type == "list":
        out = {"type": "array", "items": _to_json(spec.item) if spec.item else {}}
        if spec.non_empty:
            out["minItems"] = 1
    elif spec.type == "id":
        out = {"type": "string", "pattern": ID_PATTERN}
    elif spec.type == "country":
        out = {"type": "string", "pattern": COUNTRY_PATTERN}
    elif spec.type == "date":
        out = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
    elif spec.type == "effort":
        out = {"anyOf": [{"enum": list(model.EFFORT_SIZES)}, {"type": "number", "minimum": 0, "maximum": MAX_EFFORT_DAYS}]}
    elif spec.type == "free":
        out = {}
    else:
        out = {"type": spec.type}
    if spec.enum:
        out["enum"] = list(spec.enum)
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    if spec.maximum is not None:
        out["maximum"] = spec.maximum
    if spec.default is not None:
        out["default"] = spec.default
    if spec.nullable:
        out = {"anyOf": [out, {"type": "null"}]}
    if spec.description:
        out["description"] = spec.description
    return out
