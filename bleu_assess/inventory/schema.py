"""The inventory format (v2, which reads v1 too) as data: one description drives both the
validator and the JSON Schema published for editors (`bleu-assess schema`,
schemas/inventory-v2.schema.json)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bleu_assess.inventory import model

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# The file the editor line of the inventories bleu-assess writes (init, every import) names:
# the format's JSON Schema, written beside the inventory (`beside`).
SCHEMA_FILE = "bleu-assess-inventory.schema.json"
EDITOR_LINE = f"# yaml-language-server: $schema=./{SCHEMA_FILE}"


@dataclass(frozen=True, slots=True)
class Spec:
    """One node of the format: a typed value, with its constraints and documentation."""

    type: str  # string id country integer number boolean list object free effort date
    description: str = ""
    required: bool = False
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    fields: dict[str, Spec] = field(default_factory=dict)
    item: Spec | None = None
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
    "legal_status": _s("string", "Public or private law (default: public for State bodies and local "
                       "authorities, private for private companies, undeclared otherwise).", enum=model.LEGAL_STATUSES),
    "state_supervised": _s("boolean", "The State or a body under its authority, in the scope of the State cloud "
                           "doctrine (default: true for state-administration and state-operator)."),
    "sren_listed": _s("boolean", "An operator listed by decree under article 31 of the SREN law (default: false)."),
    "policy": _s("object", "The organisation's own rules, stricter than the law.", fields={
        "secnumcloud_for": _s("list", "Classifications the organisation hosts only on SecNumCloud offers "
                              "(cited as its own policy).", item=_s("string", enum=model.CLASSIFICATIONS)),
    }),
})

PROVIDER = _s("object", "A hosting or SaaS provider.", fields={
    "id": _s("id", "Unique provider id.", required=True, defines="provider"),
    "name": _s("string", "Display name (defaults to the id)."),
    "kind": _s("string", "commercial, state-internal, public-community or colocation. Undeclared: presumed "
               "commercial when the headquarters are outside France, else unknown (SNC-UNK-003).",
               enum=model.PROVIDER_KINDS),
    "headquarters": _s("country", "Country of the ultimate parent company."),
    "non_eu_control": _s("boolean", "Controlled by non-EU shareholders (default: headquarters outside the EU/EEA)."),
    "qualifications": _qualifications("Held by the provider as a whole (v1: cover all its offers; v2: apply where "
                                      "no offer is named)."),
    "clearance": _s("list", "IGI 1300 levels the provider is cleared (habilité) for, as it declares.",
                    item=_s("string", enum=model.CLASSIFIED_LEVELS)),
    "regions": _countries("Countries where data is stored and processed."),
    "support_regions": _countries("Where support staff with access to data work from (default: regions)."),
    "admin_regions": _countries("Where administration and supervision are done from (default: its regions; support is not administration)."),
    "hds_activities": _hds_activities("HDS activities certified for the provider as a whole (R.1111-9)."),
    "subprocessors": _s("list", "Providers it relies on.", item=_SUBPROCESSOR),
    "ownership": _s("object", "Non-EU holdings (SecNumCloud 3.2 §19.6.b).", nullable=True, fields={
        "largest_non_eu_pct": _s("number", "Largest single non-EU holding, in %.", minimum=0, maximum=100),
        "total_non_eu_pct": _s("number", "All non-EU holdings together, in %.", minimum=0, maximum=100),
        "non_eu_veto": _s("boolean", "A non-EU holder has a veto right."),
        "non_eu_board_majority": _s("boolean", "Non-EU holders can appoint a majority of the board."),
    }),
    "contract_law": _s("country", "Law governing the contract.", nullable=True),
    "pending_qualifications": _pending("Applied for, not granted: never counts as qualified."),
    "transfer_basis": _s("string", "GDPR basis of its transfers outside the EEA (default: adequacy when every "
                         "such country has an adequacy decision, else unknown).", enum=model.TRANSFER_BASES),
    "non_eu_jurisdictions": _countries("Non-EU countries whose law reaches it besides its headquarters "
                                       "(e.g. an EU group with US operations)."),
    "contract": _s("object", "What the contract is declared to contain.", nullable=True, fields={
        "change_notice": _s("boolean", "Changes affecting SecNumCloud §19.6 notified within one month (§19.6.f)."),
        "exit_without_penalty": _s("boolean", "Exit without penalty if the qualification is lost (§19.1.g)."),
        "locations_stated": _s("boolean", "Storage and processing locations stated (DORA art. 30(2)(b))."),
    }),
    "hds_exemption": _s("string", "Exempt from HDS certification: ght (a GHT hosting for its members under the "
                        "ANS's conditions) or archiving (electronic archiving, archives regime).",
                        enum=model.HDS_EXEMPTIONS, nullable=True),
    "hds_referential": _s("string", "Référentiel of its HDS certificate: 2018 (v1) or 2024 (v2).",
                          enum=model.HDS_REFERENTIALS),
})

PLATFORM = _s("object", "An offer a provider sells: where applications run, and candidate target platforms.", fields={
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
    "transfer_basis": _s("string", "The offer's GDPR transfer basis, when it differs from its provider's.",
                         enum=model.TRANSFER_BASES, nullable=True),
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
    "siiv": _s("boolean", "A vital-importance information system (SIIV) of an OIV."),
    "sie": _s("boolean", "An essential information system (SIE) of an operator of essential services."),
    "homologation": _s("object", "The security accreditation decision (II 901 art. 13; IGI 1300).", nullable=True,
                       fields={
        "level": _s("string", "Level accredited.", required=True, enum=model.HOMOLOGATION_LEVELS),
        "granted_on": _s("date", "Date of the decision (YYYY-MM-DD).", nullable=True),
        "until": _s("date", "End of validity (YYYY-MM-DD).", nullable=True),
    }),
    "network_class": _s("integer", "II 901 class of the network where Diffusion Restreinte is processed in clear "
                        "(0: connected to the Internet; 1 or 2).", nullable=True, minimum=0, maximum=2),
    "approved_encryption": _s("boolean", "Diffusion Restreinte outside protected zones is encrypted with "
                              "ANSSI-agréé products.", nullable=True),
    "customer_held_keys": _s("boolean", "Its data is encrypted with keys the organisation holds (SecNumCloud §3.3.2)."),
    "exit_plan": _s("boolean", "A documented and tested exit strategy exists (DORA art. 28(8))."),
})

_ANSWER = _s("string", "yes, no or unknown.", enum=model.SENSITIVITY_ANSWERS)

DATASET = _s("object", "A data set.", fields={
    "id": _s("id", "Unique dataset id.", required=True, defines="dataset"),
    "name": _s("string", "Display name (defaults to the id)."),
    "classification": _s("string", "Sensitivity class (v1: required; v2: absent means not classified yet).",
                         enum=tuple(dict.fromkeys(model.CLASSIFICATIONS + model.CLASSIFICATIONS_V1))),
    "level": _s("string", "Level of classified data (IGI 1300).", enum=model.CLASSIFIED_LEVELS),
    "particular_sensitivity": _s("string", "Data of particular sensitivity (circulaire 6404/SG, SREN art. 31): "
                                 "yes, no or unknown (default: unknown; v1 'sensitive': yes).",
                                 enum=model.SENSITIVITY_ANSWERS),
    "sensitivity_assessment": _s("object", "How particular sensitivity was assessed (DINUM vade-mecum).", fields={
        "secret_or_essential_mission": _ANSWER,
        "harm_if_breached": _ANSWER,
        "rationale": _s("string", "Why, in a sentence or two.", nullable=True),
        "assessed_by": _s("string", "Who signs the answer.", nullable=True),
        "assessed_on": _s("date", "When (YYYY-MM-DD).", nullable=True),
    }),
    "personal_data": _s("boolean", "Contains personal data (default: true for personal, special-category, "
                        "health and v1 sensitive)."),
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

DEROGATION = _s("object", "A derogation granted for some findings of some items.", fields={
    "id": _s("id", "Unique derogation id.", required=True, defines="derogation"),
    "rules": _s("list", "Rule ids it covers (e.g. SNC-HOST-001).", required=True, non_empty=True, item=_s("string")),
    "applications": _ids("application", "Applications it covers."),
    "datasets": _ids("dataset", "Datasets it covers."),
    "basis": _s("string", "Text it is granted under.", required=True, enum=model.DEROGATION_BASES),
    "reference": _s("string", "Reference of the decision.", nullable=True),
    "granted_by": _s("string", "Who granted it (minister, Prime Minister, HFDS...).", nullable=True),
    "granted_on": _s("date", "Date of the decision (YYYY-MM-DD).", nullable=True),
    "until": _s("date", "End of validity (YYYY-MM-DD).", nullable=True),
    "compliant_offer_since": _s("date", "When an offer meeting the requirement became available (YYYY-MM-DD).",
                                nullable=True),
})

INVENTORY = _s("object", f"bleu-assess inventory, format {model.FORMAT} (reads {model.FORMAT_V1} too).", fields={
    "format": _s("string", f"Format version: {model.FORMAT} ({model.FORMAT_V1} is still read).", required=True),
    "organisation": ORGANISATION,
    "providers": _s("list", "Providers the estate uses or may use.", item=PROVIDER),
    "platforms": _s("list", "Candidate target platforms.", item=PLATFORM),
    "applications": _s("list", "Applications.", item=APPLICATION),
    "datasets": _s("list", "Datasets.", item=DATASET),
    "flows": _s("list", "Data flows between applications.", item=FLOW),
    "derogations": _s("list", "Derogations granted (format v2).", item=DEROGATION),
})

# --- Servers (optional section; intake, issue 17) -------------------------------------------
# Machines found by discovery tools (RVTools, Azure Migrate, AWS ADS) or written by hand. An
# application without `hosting` takes its servers' hosting when they all agree.
SERVER = _s("object", "A server (virtual or physical machine) of the estate.", fields={
    "id": _s("id", "Unique server id.", required=True, defines="server"),
    "hostname": _s("string", "Host name as the machine knows it.", nullable=True),
    "fqdn": _s("string", "Fully qualified domain name.", nullable=True),
    "ip_addresses": _s("list", "IPv4 or IPv6 addresses.", item=_s("string")),
    "os": _s("string", "Operating system, as discovered (e.g. 'Microsoft Windows Server 2012 R2').", nullable=True),
    "os_support": _s("string", "Support status of the operating system (default: unknown).",
                     enum=model.OS_SUPPORT, nullable=True),
    "site": _s("string", "Datacenter or site.", nullable=True),
    "cluster": _s("string", "Cluster or host group.", nullable=True),
    "hosting": APPLICATION.fields["hosting"],
    "applications": _ids("application", "Applications running on this server."),
    "source": _s("string", "Where this record comes from (discovery export, file).", nullable=True),
    "tags": _s("free", "Free-form tags."),
    "extra": _s("free", "Free-form data (CPU, memory, discovery fields), carried untouched."),
})
# A flow found by discovery carries data not yet named (an empty list, to fill in), and keeps
# the evidence (ports, connection counts, first and last seen) in `extra`.
FLOW.fields["datasets"] = _ids("dataset", "Datasets the flow carries ([] while not yet identified).", required=True)
FLOW.fields["extra"] = _s("free", "Free-form data (discovery evidence), carried untouched.")
INVENTORY.fields["servers"] = _s("list", "Servers, optional: their applications, OS and hosting.", item=SERVER)
# ----------------------------------------------------------------------------------------------

# Top-level lists merged across the files of a directory inventory.
MERGED_LISTS = ("providers", "platforms", "applications", "datasets", "flows", "derogations", "servers")


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the inventory format v2, for yaml-language-server; shipped
    as schemas/inventory-v2.schema.json. It accepts v1 files too (same fields, v1 meaning)."""
    from bleu_assess.inventory.catalogue_refs import allow_refs

    schema = spec_json(INVENTORY)
    schema["properties"]["format"] = {"enum": list(model.FORMATS), "description": INVENTORY.fields["format"].description}
    allow_refs(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://bleu-assess.invalid/schema/inventory-v2.json",
        "title": "bleu-assess inventory v2",
        **schema,
    }


def spec_json(spec: Spec) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) fragment describing `spec` (used for inventories and rulesets)."""
    out: dict[str, Any]
    if spec.type == "object":
        out = {
            "type": "object",
            "properties": {name: spec_json(child) for name, child in spec.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, child in spec.fields.items() if child.required]
        if required:
            out["required"] = required
        if spec.shorthand:
            out = {"anyOf": [spec_json(spec.fields["id"]), out]}
    elif spec.type == "list":
        out = {"type": "array", "items": spec_json(spec.item) if spec.item else {}}
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
    elif spec.type == "date":
        out = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
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


def beside(inventory: str | os.PathLike[str], text: str) -> None:
    """Write the format's JSON Schema beside the `inventory` just written, when its `text` has
    the editor line naming it (EDITOR_LINE) and no such file is there yet: the line points at
    a file that exists, and a schema already there (the user's, or one of another version) is
    kept."""
    import json

    from bleu_assess.output import write_atomic

    schema = Path(inventory).parent / SCHEMA_FILE
    if EDITOR_LINE in text.splitlines() and not schema.exists():
        write_atomic(schema, json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
