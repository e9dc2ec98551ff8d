"""The domain model: plain, immutable, typed records built by the validator.

Enumerations here are the inventory *format* (spec/inventory.md), not regulation: what a
classification or a hosting model implies is decided by rulesets, never by this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

FORMAT_V1 = "bleu-assess/v1"

ORGANISATION_TYPES = (
    "state-administration",
    "state-operator",
    "local-authority",
    "health-establishment",
    "private-company",
    "other",
)
DESIGNATIONS = ("oiv", "ose", "nis2-essential", "nis2-important")
CRITICALITIES = ("low", "medium", "high", "vital")
HOSTING_MODELS = ("on-premises", "private-cloud", "iaas", "paas", "saas")
PLATFORM_MODELS = ("private-cloud", "iaas", "paas", "saas")
STRATEGIES = ("rehost", "replatform", "refactor", "repurchase", "relocate", "retain", "retire")
EFFORT_SIZES = ("XS", "S", "M", "L", "XL")
CLASSIFICATIONS = ("public", "internal", "personal", "sensitive", "health", "restricted", "classified")
# Classifications for which `personal_data` defaults to true (spec/inventory.md).
PERSONAL_BY_DEFAULT = frozenset({"personal", "sensitive", "health"})
# Support status of a server's operating system (servers: section).
OS_SUPPORT = ("supported", "extended", "out-of-support", "unknown")
KNOWN_QUALIFICATIONS = ("secnumcloud-3.2", "hds", "iso27001", "c5", "eucs-high", "eucs-substantial", "eucs-basic")


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    country: str = "FR"
    type: str = "other"
    designations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ownership:
    largest_non_eu_pct: float | None = None
    total_non_eu_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    headquarters: str | None = None
    non_eu_control: bool | None = None  # as declared; None = derive from headquarters
    qualifications: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    support_regions: tuple[str, ...] | None = None  # None = same as regions
    subprocessors: tuple[str, ...] = ()
    ownership: Ownership | None = None
    contract_law: str | None = None
    pending_qualifications: tuple[str, ...] = ()

    @property
    def effective_support_regions(self) -> tuple[str, ...]:
        return self.regions if self.support_regions is None else self.support_regions


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    provider: str
    models: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hosting:
    model: str
    provider: str | None = None
    region: str | None = None  # as declared; see Inventory.hosting_region for the default


@dataclass(frozen=True, slots=True)
class Application:
    id: str
    name: str
    owner: str | None = None
    criticality: str = "medium"
    hosting: Hosting | None = None  # None: hosting not yet known
    datasets: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    users: int | None = None
    strategy: str | None = None
    effort: str | float | None = None
    blockers: tuple[str, ...] = ()
    wave: int | None = None
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dataset:
    id: str
    name: str
    classification: str
    personal_data: bool = False
    volume_gb: float | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    source: str  # `from` in the file
    target: str  # `to` in the file
    datasets: tuple[str, ...]
    protocol: str | None = None
    description: str | None = None


# --- Servers (optional section; intake, issue 17) -------------------------------------------
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
    servers: tuple[Server, ...] = ()
    hosting_from_servers: frozenset[str] = frozenset()  # applications whose hosting is their servers'
    path: str = ""  # as given by the user
    sha256: str = ""  # of the file, or of the directory's files (see docs/inventory.md)
    files: tuple[str, ...] = ()

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

    def hosting_region(self, app: Application) -> str | None:
        """Where an application runs: declared, else its provider's first region, else the
        organisation's country when on premises; None when unknown."""
        hosting = app.hosting
        if hosting is None:
            return None
        if hosting.region:
            return hosting.region
        provider = self.provider(hosting.provider)
        if provider and provider.regions:
            return provider.regions[0]
        return self.organisation.country if hosting.model == "on-premises" else None
