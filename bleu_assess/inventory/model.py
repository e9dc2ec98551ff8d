"""The domain model: plain, immutable, typed records built by the validator.

Enumerations here are the inventory *format* (spec/inventory.md), not regulation: what a
classification or a hosting model implies is decided by rulesets, never by this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bleu_assess.records import quick_init

FORMAT_V1 = "bleu-assess/v1"
FORMAT_V2 = "bleu-assess/v2"
# The format versions this release reads, newest first: the one place a version is accepted.
FORMATS = (FORMAT_V2, FORMAT_V1)
FORMAT = FORMATS[0]  # the version written by `init`, `upgrade` and the importers

ORGANISATION_TYPES = (
    "state-administration",
    "state-operator",
    "local-authority",
    "health-establishment",
    "private-company",
    "other",
)
DESIGNATIONS = ("oiv", "ose", "nis2-essential", "nis2-important", "dora")
LEGAL_STATUSES = ("public", "private")
CRITICALITIES = ("low", "medium", "high", "vital")
HOSTING_MODELS = ("on-premises", "private-cloud", "iaas", "caas", "paas", "saas")
PLATFORM_MODELS = ("private-cloud", "iaas", "caas", "paas", "saas")
# Who hosts: a commercial cloud offer, the State's internal cloud, a public body's shared service
# (a health GCS, a syndicat mixte), or a building where one's own servers stand (docs/inventory.md).
PROVIDER_KINDS = ("commercial", "state-internal", "public-community", "colocation")
DATA_ACCESS = ("none", "metadata", "data")
MILESTONES = ("J0", "J1", "J2", "J3")  # ANSSI qualification process: application .. decision
HDS_ACTIVITIES = (1, 2, 3, 4, 5, 6)  # Code de la santé publique R.1111-9
STRATEGIES = ("rehost", "replatform", "refactor", "repurchase", "relocate", "retain", "retire")
EFFORT_SIZES = ("XS", "S", "M", "L", "XL")
# Format v2 (docs/inventory.md): `special-category` is GDPR art. 9/10 data other than health,
# `health` is health data (CSP L.1111-8); particular sensitivity is a separate answer.
CLASSIFICATIONS = ("public", "internal", "personal", "special-category", "health", "restricted", "classified")
# Format v1 had `sensitive` (particular sensitivity or art. 9 data) and no `special-category`.
CLASSIFICATIONS_V1 = ("public", "internal", "personal", "sensitive", "health", "restricted", "classified")
# Values a v1 inventory may still hold but the current format replaced: read, never suggested.
RETIRED_VALUES = frozenset(CLASSIFICATIONS_V1) - frozenset(CLASSIFICATIONS)


def offered(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The `values` a user is offered (lists, suggestions, a template's drop-downs): the retired
    ones left out, in order. Read in a v1 inventory still; never proposed."""
    return tuple(v for v in values if v not in RETIRED_VALUES)

CLASSIFIED_LEVELS = ("secret", "tres-secret")  # IGI 1300 (2021), lowest first
# Answers about particular sensitivity (circulaire 6404/SG, SREN art. 31, DINUM vade-mecum).
SENSITIVITY_ANSWERS = ("yes", "no", "unknown")
HOMOLOGATION_LEVELS = ("standard", "dr", "secret", "tres-secret")
NETWORK_CLASSES = (0, 1, 2)  # II 901 art. 14: DR in clear only on class 1 or 2 networks
DEROGATION_BASES = ("circ-6404-r9", "sren-decree", "ii901-art19", "ii901-int-rex-hb", "organisation-policy", "other")
# Classifications for which `personal_data` defaults to true (spec/inventory.md).
PERSONAL_BY_DEFAULT = frozenset({"personal", "sensitive", "special-category", "health"})
# Exemptions from HDS certification (ANS): a GHT's support establishment hosting for its members
# under the ANS's conditions; electronic archiving, under the archives regime.
HDS_EXEMPTIONS = ("ght", "archiving")
# Référentiel of an HDS certificate: 2018 (v1) or 2024 (v2, arrêté du 26 avril 2024).
HDS_REFERENTIALS = ("2018", "2024")
# GDPR chapter V basis of a provider's (or offer's) transfers outside the EEA: art. 45 adequacy,
# the EU-US Data Privacy Framework (an art. 45 decision for certified US organisations), art. 46
# standard contractual clauses, art. 47 binding corporate rules, none, or not known.
TRANSFER_BASES = ("adequacy", "dpf", "scc", "bcr", "none", "unknown")
# Support status of a server's operating system (servers: section).
OS_SUPPORT = ("supported", "extended", "out-of-support", "unknown")
KNOWN_QUALIFICATIONS = ("secnumcloud-3.2", "hds", "iso27001", "c5", "eucs-high", "eucs-substantial", "eucs-basic")


@dataclass(frozen=True, slots=True)
class Organisation:
    """The organisation whose estate it is (`organisation:`): its country (ISO 3166 code), type
    (ORGANISATION_TYPES), regulatory designations (DESIGNATIONS) and hosting policy."""

    name: str
    country: str = "FR"
    type: str = "other"
    designations: tuple[str, ...] = ()
    legal_status: str | None = None  # public | private; None when neither declared nor implied by the type
    state_supervised: bool = False  # the State or a body under its authority (the doctrine's scope)
    sren_listed: bool = False  # an operator listed by decree under SREN art. 31
    secnumcloud_for: tuple[str, ...] = ()  # policy: classifications the organisation hosts on SecNumCloud


@dataclass(frozen=True, slots=True)
class Ownership:
    """A provider's capital and control by non-EU holders (SecNumCloud 3.2 §19.6): percentages
    0-100; None: not known."""

    largest_non_eu_pct: float | None = None
    total_non_eu_pct: float | None = None
    non_eu_veto: bool | None = None  # a non-EU holder has a veto right (SecNumCloud 3.2 §19.6.b)
    non_eu_board_majority: bool | None = None  # non-EU holders can appoint a board majority (§19.6.b)


@dataclass(frozen=True, slots=True)
class Contract:
    """What the contract with a provider is declared to contain (None: not known)."""

    change_notice: bool | None = None  # changes affecting §19.6 notified within one month (SecNumCloud §19.6.f)
    exit_without_penalty: bool | None = None  # exit without penalty if the qualification is lost (§19.1.g)
    locations_stated: bool | None = None  # storage and processing locations stated (DORA art. 30(2)(b))


@dataclass(frozen=True, slots=True)
class Qualification:
    """A qualification or certification held, as declared (`qualifications:` of an offer or a
    provider). Dates are ISO `YYYY-MM-DD` strings (they compare as dates). `scope` None = every
    service model (v1, or not stated)."""

    id: str
    scope: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    evidence: str | None = None

    def in_force(self, as_of: str) -> bool:
        return (self.since is None or self.since <= as_of) and (self.until is None or as_of <= self.until)

    def covers(self, model: str | None) -> bool:
        """Whether the scope covers a hosting model (SecNumCloud 3.2 §2: a service is qualified on
        its scope only). A hosted private cloud is infrastructure: an IaaS scope covers it."""
        if self.scope is None or model is None:
            return True
        return model in self.scope or (model == "private-cloud" and "iaas" in self.scope)


@dataclass(frozen=True, slots=True)
class PendingQualification:
    """A qualification applied for and not granted (never counts): `milestone` J0 (application
    accepted) .. J3 (decision), `expected` the date announced for it, if any."""

    id: str
    milestone: str | None = None
    since: str | None = None
    expected: str | None = None


@dataclass(frozen=True, slots=True)
class Subprocessor:
    """A provider another one relies on: what it does (`role`: datacenter, infrastructure,
    platform, operations, backup, support, software, ...) and what it can reach (`data_access`:
    none, metadata, data). v1 lists ids only: role unknown, access to data."""

    id: str
    role: str | None = None
    data_access: str = "data"


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider (`providers:`): where it is established and operates (ISO 3166 codes), what it
    holds (qualifications, HDS activities 1-6), who works for it (subprocessors) and under which
    law; None: not declared (derived where the comments say so)."""

    id: str
    name: str
    headquarters: str | None = None
    non_eu_control: bool | None = None  # as declared; None = derive from headquarters
    qualifications: tuple[Qualification, ...] = ()
    clearance: tuple[str, ...] = ()  # IGI 1300 levels the provider is cleared (habilité) for
    regions: tuple[str, ...] = ()
    support_regions: tuple[str, ...] | None = None  # None = same as regions
    subprocessors: tuple[Subprocessor, ...] = ()
    ownership: Ownership | None = None
    contract_law: str | None = None
    pending_qualifications: tuple[PendingQualification, ...] = ()
    kind: str | None = None  # one of PROVIDER_KINDS; None: not declared
    admin_regions: tuple[str, ...] | None = None  # None = administered from its regions
    hds_activities: tuple[int, ...] = ()  # certified HDS activities (a v1 `hds` means all six)
    transfer_basis: str | None = None  # one of TRANSFER_BASES; None: derived from the countries
    non_eu_jurisdictions: tuple[str, ...] = ()  # non-EU countries whose law reaches it (e.g. US operations)
    contract: Contract | None = None
    hds_exemption: str | None = None  # one of HDS_EXEMPTIONS
    hds_referential: str | None = None  # one of HDS_REFERENTIALS, of its HDS certificate

    @property
    def effective_support_regions(self) -> tuple[str, ...]:
        return self.regions if self.support_regions is None else self.support_regions

    @property
    def qualification_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.qualifications)


@dataclass(frozen=True, slots=True)
class Platform:
    """An offer a provider sells, and a candidate landing zone (`platforms:`). Unset fields
    (None) fall back to the provider's; in a v1 inventory the provider's qualifications cover
    all its offers."""

    id: str
    provider: str
    models: tuple[str, ...]
    transfer_basis: str | None = None  # the offer's own basis, when it differs from its provider's
    regions: tuple[str, ...] | None = None
    support_regions: tuple[str, ...] | None = None
    admin_regions: tuple[str, ...] | None = None
    qualifications: tuple[Qualification, ...] | None = None
    pending_qualifications: tuple[PendingQualification, ...] | None = None
    hds_activities: tuple[int, ...] | None = None
    services: tuple[str, ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Hosting:
    """Where and how an application runs: a model (HOSTING_MODELS), its provider and offer ids,
    a region (ISO 3166 code) and who administers and backs it up."""

    model: str
    provider: str | None = None
    region: str | None = None  # as declared; see Inventory.hosting_region for the default
    platform: str | None = None  # the offer it runs on, when known
    provider_administers: bool | None = None  # None: yes for SaaS, no otherwise (HDS activity 5)
    provider_backs_up: bool | None = None  # None: yes for SaaS, no otherwise (HDS activity 6)


@quick_init  # one per entry: some 80,000 records at 10,000 applications
@dataclass(frozen=True, slots=True)
class Application:
    """An application (`applications:`): its hosting, the ids of the datasets it holds and of
    the applications it depends on, planning hints (strategy, effort as EFFORT_SIZES or
    person-days, wave) and the regulatory facts about it (SIIV, homologation, network class)."""

    id: str
    name: str
    owner: str | None = None
    criticality: str = "medium"
    hosting: Hosting | None = None  # None: hosting not yet known
    datasets: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    users: int | None = None
    strategy: str | None = None
    service: str | None = None  # the service family it provides (mail, ehr, ticketing, ...)
    effort: str | float | None = None
    blockers: tuple[str, ...] = ()
    wave: int | None = None
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    siiv: bool = False  # a vital-importance information system (OIV, C. défense L.1332-6-1)
    sie: bool = False  # an essential information system of an operator of essential services
    homologation: Homologation | None = None
    network_class: int | None = None  # II 901 network class where DR is processed in clear
    approved_encryption: bool | None = None  # ANSSI-agréé encryption outside protected zones
    customer_held_keys: bool | None = None  # data encrypted with keys the organisation holds (SecNumCloud §3.3.2)
    exit_plan: bool | None = None  # a documented, tested exit strategy (DORA art. 28(8))


@dataclass(frozen=True, slots=True)
class Homologation:
    """A security accreditation decision (II 901 art. 13; IGI 1300 for classified systems)."""

    level: str  # standard | dr | secret | tres-secret
    granted_on: str | None = None  # ISO date
    until: str | None = None


@dataclass(frozen=True, slots=True)
class SensitivityAssessment:
    """The two cumulative criteria of the DINUM vade-mecum, answered for one dataset."""

    secret_or_essential_mission: str = "unknown"  # yes | no | unknown
    harm_if_breached: str = "unknown"
    rationale: str | None = None
    assessed_by: str | None = None
    assessed_on: str | None = None  # ISO date


@quick_init
@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset (`datasets:`): its classification (CLASSIFICATIONS; None: not classified yet),
    whether it holds personal data, its volume in GB and its particular sensitivity."""

    id: str
    name: str
    classification: str | None  # None: not classified yet (an import from infrastructure tools)
    personal_data: bool = False
    volume_gb: float | None = None
    location: str | None = None
    particular_sensitivity: str = "unknown"  # yes | no | unknown
    level: str | None = None  # classified data: secret | tres-secret
    assessment: SensitivityAssessment | None = None


@dataclass(frozen=True, slots=True)
class Derogation:
    """A recorded derogation: findings of `rules` on the items covered stop blocking until `until`."""

    id: str
    rules: tuple[str, ...]
    applications: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    basis: str = "other"
    reference: str | None = None
    granted_by: str | None = None
    granted_on: str | None = None  # ISO dates
    until: str | None = None
    compliant_offer_since: str | None = None  # when an offer meeting the requirement became available

    @property
    def items(self) -> tuple[str, ...]:
        return self.applications + self.datasets


@quick_init
@dataclass(frozen=True, slots=True)
class Flow:
    """A flow of `datasets` from application `source` to application `target` (ids)."""

    source: str  # `from` in the file
    target: str  # `to` in the file
    datasets: tuple[str, ...]
    protocol: str | None = None
    description: str | None = None


# --- Servers (optional section; intake, issue 17) -------------------------------------------
@quick_init
@dataclass(frozen=True, slots=True)
class Server:
    """A machine of the estate; `applications` are the ids of what runs on it."""

    id: str
    hostname: str | None = None
    fqdn: str | None = None
    ip_addresses: tuple[str, ...] = ()
    os: str | None = None
    os_support: str = "unknown"
    site: str | None = None
    cluster: str | None = None
    hosting: Hosting | None = None
    applications: tuple[str, ...] = ()
    source: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inventory:
    """A validated inventory. Not slotted, so that its id indexes can be cached."""

    organisation: Organisation
    providers: tuple[Provider, ...] = ()
    platforms: tuple[Platform, ...] = ()
    applications: tuple[Application, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    flows: tuple[Flow, ...] = ()
    derogations: tuple[Derogation, ...] = ()
    servers: tuple[Server, ...] = ()
    hosting_from_servers: frozenset[str] = frozenset()  # applications whose hosting is their servers'
    format: str = FORMAT
    path: str = ""  # as given by the user
    sha256: str = ""  # of the file, or of the directory's files (see docs/inventory.md)
    files: tuple[str, ...] = ()
    catalogue: Any = None  # catalogue_refs.Resolution when entries refer to the catalogue

    @cached_property
    def providers_by_id(self) -> dict[str, Provider]:
        return {p.id: p for p in self.providers}

    @cached_property
    def platforms_by_id(self) -> dict[str, Platform]:
        return {p.id: p for p in self.platforms}

    @cached_property
    def applications_by_id(self) -> dict[str, Application]:
        return {a.id: a for a in self.applications}

    @cached_property
    def datasets_by_id(self) -> dict[str, Dataset]:
        return {d.id: d for d in self.datasets}

    @cached_property
    def servers_by_application(self) -> dict[str, tuple[Server, ...]]:
        """Application id -> the servers that name it, in inventory order."""
        out: dict[str, list[Server]] = {}
        for server in self.servers:
            for app_id in dict.fromkeys(server.applications):
                out.setdefault(app_id, []).append(server)
        return {k: tuple(v) for k, v in out.items()}

    def provider(self, provider_id: str | None) -> Provider | None:
        return self.providers_by_id.get(provider_id) if provider_id else None

    def platform(self, platform_id: str | None) -> Platform | None:
        return self.platforms_by_id.get(platform_id) if platform_id else None

    def hosting_provider(self, app: Application) -> Provider | None:
        """The provider hosting an application: declared, or its offer's."""
        hosting = app.hosting
        if hosting is None:
            return None
        if hosting.provider:
            return self.provider(hosting.provider)
        platform = self.platform(hosting.platform)
        return self.provider(platform.provider) if platform else None

    def hosting_regions(self, app: Application) -> tuple[str, ...]:
        """Where an application's data is stored and processed (docs/inventory.md, "regions"):
        its declared region, else its offer's regions, else its provider's (a v1 provider's
        regions stand for its offers), else the organisation's country when on premises without
        a provider; () when unknown. A provider's other regions never count."""
        hosting = app.hosting
        if hosting is None:
            return ()
        if hosting.region:
            return (hosting.region,)
        platform = self.platform(hosting.platform)
        if platform is not None and platform.regions:
            return platform.regions
        provider = self.hosting_provider(app)
        if provider is not None:
            return provider.regions
        return (self.organisation.country,) if hosting.model == "on-premises" else ()

    def hosting_region(self, app: Application) -> str | None:
        """One country for the application (its first hosting region), or None when unknown."""
        regions = self.hosting_regions(app)
        return regions[0] if regions else None
