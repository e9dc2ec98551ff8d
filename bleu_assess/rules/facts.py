"""The facts rules are written against (docs/rulesets.md, "Facts"): the rule language's own
vocabulary. `assess/` computes them for every item; rule loading checks every `fact:` and
`{placeholder}` against this table.

Each fact has a dotted name, a type (`string`, `number`, `bool` or `list`), the kinds of item it
exists for, a line of documentation, and, when its values are codes with a label in the values
catalogue (templates/i18n/values.*), that catalogue's kind: messages show « santé », not health.
Facts named `verdict.*` and `platform.*` are second-pass facts: known once the first pass has set
the verdicts and a platform was sought (assess/evaluate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from bleu_assess.vocab import ItemKind

BOTH = (ItemKind.APPLICATION.value, ItemKind.DATASET.value)
APP = (ItemKind.APPLICATION.value,)
DATA = (ItemKind.DATASET.value,)
TYPES = ("string", "number", "bool", "list")
SECOND_PASS_PREFIXES = ("verdict.", "platform.")


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact: `kinds` it exists for (application, dataset), `type` one of TYPES, `doc` what it
    means, `label` the values-catalogue kind of its codes (None: shown as is)."""

    name: str
    kinds: tuple[str, ...]
    type: str
    doc: str
    label: str | None = None

    @property
    def second_pass(self) -> bool:
        return self.name.startswith(SECOND_PASS_PREFIXES)


_TABLE = (
    Fact("kind", BOTH, "string", "`application` or `dataset`"),
    Fact("id", BOTH, "string", "the item's id"),
    Fact("name", BOTH, "string", "the item's name"),
    Fact("organisation.type", BOTH, "string", "organisation type"),
    Fact("organisation.country", BOTH, "string", "the organisation's country (ISO code)"),
    Fact("organisation.designations", BOTH, "list", "oiv, ose, nis2-essential, nis2-important", label="designation"),
    Fact("organisation.legal_status", BOTH, "string",
         "`public` or `private` (inventory `organisation.legal_status`)"),
    Fact("organisation.state_supervised", BOTH, "bool",
         "the State or a body under its authority (the State cloud doctrine)"),
    Fact("organisation.sren_listed", BOTH, "bool", "an operator listed by decree under SREN art. 31"),
    Fact("organisation.policy.secnumcloud_for", BOTH, "list",
         "classifications the organisation itself hosts only on SecNumCloud offers", label="classification"),
    Fact("data.particular_sensitivity", BOTH, "list",
         "the answers on particular sensitivity of the data involved (`yes`, `no`, `unknown`)"),
    Fact("data.unqualified_classifications", BOTH, "list",
         "classifications of data whose particular sensitivity is still `unknown`", label="classification"),
    Fact("data.policy_classifications", BOTH, "list",
         "classifications of the data that `organisation.policy.secnumcloud_for` names", label="classification"),
    Fact("data.datasets", BOTH, "list",
         "ids of the datasets involved (application: held and received; dataset: itself)"),
    Fact("data.unclassified", BOTH, "list", "ids of the datasets involved with no classification yet"),
    Fact("data.classified_levels", BOTH, "list",
         "levels (IGI 1300) of the classified data involved, `unspecified` when not given", label="level"),
    Fact("derogations.active", BOTH, "list",
         "ids of the derogations covering the item, in force on the assessment date"),
    Fact("derogations.expired", BOTH, "list", "ids of the derogations covering the item whose `until` has passed"),
    Fact("derogations.months_since_compliant_offer", BOTH, "number",
         "whole months since a compliant offer became available (`compliant_offer_since`), the largest over "
         "its derogations; null when none says"),
    Fact("siiv", APP, "bool", "a system of vital importance (SIIV) of an OIV"),
    Fact("sie", APP, "bool", "an essential information system (SIE) of an OSE"),
    Fact("homologation.level", APP, "string",
         "the homologation level: `standard`, `dr`, `secret`, `tres-secret`", label="homologation"),
    Fact("homologation.expired", APP, "bool", "the homologation has an `until` date before the assessment date"),
    Fact("network_class", APP, "number", "II 901 class of the network where DR data is processed in clear (0, 1, 2)"),
    Fact("approved_encryption", APP, "bool",
         "DR data outside protected zones is encrypted with ANSSI-approved products"),
    Fact("provider.clearance", APP, "list",
         "IGI 1300 levels the hosting provider declares it is cleared for", label="level"),
    Fact("data.classifications", BOTH, "list",
         "classifications of the data (application: held **and** received; dataset: its own)", label="classification"),
    Fact("data.held_classifications", BOTH, "list",
         "application: of the datasets it holds; dataset: its own", label="classification"),
    Fact("data.personal", BOTH, "bool", "some of that data is personal (`personal_data`); null when an "
         "application declares no dataset"),
    Fact("data.regions", BOTH, "list",
         "countries where the data is stored or processed: application: its hosting regions (declared "
         "`hosting.region`, else its offer's regions, else its provider's) and the regions of subprocessors "
         "with access to the data; dataset: the same for every application holding or receiving it, and its "
         "`location`. A provider's other regions never count"),
    Fact("data.support_regions", BOTH, "list",
         "where support staff with access work from: the hosts' `support_regions` (default: the hosting "
         "regions) and those of subprocessors with access (§19.2.e, HDS EXI 29)"),
    Fact("data.regions_known", BOTH, "bool",
         "every involved provider declares regions and every application its hosting"),
    Fact("data.storage_regions", BOTH, "list",
         "where the data is stored: the hosting regions and those of subprocessors with access to the data "
         "whose role stores it (no role, datacenter, hardware, infrastructure, platform, backup); dataset: and"
         " its `location` (HDS EXI 28)"),
    Fact("data.admin_regions", BOTH, "list",
         "where the data is administered and supervised from: the offer's `admin_regions`, else its "
         "provider's, else the hosting regions (support alone is not administration), and those of "
         "subprocessors with access to the data (`admin_regions`, else their regions) (SecNumCloud §19.2.c)"),
    Fact("hds.activities_needed", BOTH, "list",
         "HDS activities (1–6, CSP R.1111-9) the hosting needs (`rulesets/hds-activities.yaml`, "
         "docs/inventory.md)"),
    Fact("hds.activities_missing", BOTH, "list",
         "needed activities that a party performing them is not certified for"),
    Fact("providers.involved", BOTH, "list", "ids of involved providers"),
    Fact("providers.exposed", BOTH, "list", "ids of involved providers exposed to non-EU law (see exposure)"),
    Fact("providers.without_hds", BOTH, "list",
         "involved providers that perform an HDS activity the item needs without being certified for it (the "
         "host for what it does not delegate by role, each subprocessor for its role's activities); a provider"
         " with a declared `hds_exemption` is not listed"),
    Fact("providers.without_secnumcloud", BOTH, "list",
         "involved providers without `secnumcloud-3.2` counting for the item (the host: its offer's, in force "
         "and on the model used)"),
    Fact("providers.unknown_headquarters", BOTH, "list", "involved providers that do not declare `headquarters`"),
    Fact("exposure.level", BOTH, "string", "`none` … `critical` (computed before rules)", label="exposure"),
    Fact("exposure.score", BOTH, "number", "0–100"),
    Fact("exposure.exposed", BOTH, "bool", "level above `none`"),
    Fact("exposure.via", BOTH, "list",
         "`hosting`, `subprocessor`, `support`, `jurisdiction` (declared `non_eu_jurisdictions`), `flow` (data"
         " it holds is sent on to an exposed application), `dataset` (data it holds is also held by an exposed"
         " application): how non-EU law reaches the item"),
    Fact("exposure.path", BOTH, "list", "the first (most severe) chain of ids"),
    Fact("criticality", APP, "string", "as declared (`strategy`, `owner` may be null)", label="criticality"),
    Fact("strategy", APP, "string", "as declared (`strategy`, `owner` may be null)"),
    Fact("owner", APP, "string", "as declared (`strategy`, `owner` may be null)"),
    Fact("users", APP, "number", "number of users, as declared"),
    Fact("blockers", APP, "list", "known blockers, free text"),
    Fact("tags", APP, "list", "tags, as declared"),
    Fact("hosting.model", APP, "string", "null when hosting is not declared", label="hosting"),
    Fact("hosting.region", APP, "string",
         "where it runs (declared, else the first of its offer's or provider's regions)"),
    Fact("hosting.provider", APP, "string", "provider id (declared, or its offer's)"),
    Fact("hosting.platform", APP, "string", "the offer it runs on, if declared"),
    Fact("hosting.kind", APP, "string",
         "`on-premises` (no provider), `colocation` (on premises at a provider, or a provider of kind "
         "colocation), `commercial`, `state-internal`, `public-community`; null when hosting is unknown", label="host_kind"),
    Fact("hosting.qualifications", APP, "list",
         "qualifications that count for its hosting: its offer's (else its provider's), in force on the "
         "assessment date and whose scope covers `hosting.model`"),
    Fact("hosting.qualifications_not_in_force", APP, "list",
         "declared but outside `since`..`until` on the assessment date"),
    Fact("hosting.qualifications_out_of_scope", APP, "list", "in force but on other service models"),
    Fact("hosting.pending_qualifications", APP, "list", "its offer's (else its provider's) pending qualifications"),
    Fact("service", APP, "string", "the service family it provides, as declared"),
    Fact("provider.kind", APP, "string", "the hosting provider's declared kind", label="host_kind"),
    Fact("provider.declared", APP, "bool", "the application has a hosting provider"),
    Fact("provider.headquarters", APP, "string", "of the hosting provider"),
    Fact("provider.contract_law", APP, "string", "of the hosting provider"),
    Fact("provider.non_eu_control", APP, "bool", "declared, else headquarters outside the EU/EEA"),
    Fact("provider.qualifications", APP, "list",
         "declared on the provider itself (v1: cover all its offers); rules test `hosting.*`"),
    Fact("provider.pending_qualifications", APP, "list",
         "declared on the provider itself (v1: cover all its offers); rules test `hosting.*`"),
    Fact("provider.regions", APP, "list", "support defaults to regions"),
    Fact("provider.support_regions", APP, "list", "support defaults to regions"),
    Fact("provider.subprocessors", APP, "list", "direct subprocessors"),
    Fact("provider.exposed", APP, "bool",
         "the hosting provider is exposed, unless the application runs on an offer qualified secnumcloud-3.2"),
    Fact("provider.ownership.largest_non_eu_pct", APP, "number", "null when not declared"),
    Fact("provider.ownership.total_non_eu_pct", APP, "number", "null when not declared"),
    Fact("flows.sends_to_exposed", APP, "list",
         "applications this one sends data to (directly or onwards) that are exposed"),
    Fact("flows.classifications_to_exposed", APP, "list",
         "classifications of this application's data that reach an exposed application", label="classification"),
    Fact("flows.receives_from", APP, "list", "applications that send data to this one"),
    Fact("data.shared_with_exposed", APP, "list",
         "classifications of the datasets it holds that an exposed application also holds (without a flow from"
         " this one)", label="classification"),
    Fact("flows.received_classifications", APP, "list",
         "classifications of the data it receives through flows", label="classification"),
    Fact("flows.health_to_uncertified", APP, "bool",
         "it sends health data to an exposed application whose hosting lacks HDS or stores outside the EEA"),
    Fact("provider.hds_or_eea_gap", APP, "bool",
         "its hosting chain lacks HDS certification or stores outside the EEA"),
    Fact("dependencies.count", APP, "number", "applications it depends on"),
    Fact("dependencies.in_cycle", APP, "bool", "part of a dependency cycle"),
    Fact("classification", DATA, "string", "its classification, as declared", label="classification"),
    Fact("personal_data", DATA, "bool", "it holds personal data, as declared"),
    Fact("volume_gb", DATA, "number", "its volume in GB, as declared"),
    Fact("location", DATA, "string", "where it is stored, when declared apart from the applications (country code)"),
    Fact("holders", DATA, "list", "applications holding it / receiving it through flows"),
    Fact("recipients", DATA, "list", "applications holding it / receiving it through flows"),
    Fact("servers", APP, "list", "ids of the servers that run it (`servers:` section)"),
    Fact("servers.os_out_of_support", APP, "list", "those whose `os_support` is `out-of-support`"),
    Fact("hosting.from_servers", APP, "bool", "its hosting was derived from its servers (none declared)"),
    Fact("dependencies.unknown_providers", APP, "list",
         "applications it depends on whose provider declares neither headquarters nor control (an external "
         "endpoint not yet classified)"),
    Fact("verdict.secnumcloud_scope", BOTH, "string", "the item's scope", label="secnumcloud_scope"),
    Fact("verdict.target", BOTH, "string", "the item's target", label="target"),
    Fact("verdict.residency", BOTH, "string", "the item's residency", label="residency"),
    Fact("platform.id", BOTH, "string", "the chosen offer, null when none satisfies the item"),
    Fact("platform.pending", BOTH, "list",
         "declared offers that would satisfy the item if their pending qualifications were granted (e.g. Bleu "
         "before its SecNumCloud qualification)"),
    Fact("platform.missing", BOTH, "string",
         "when none fits: what is missing, the furthest any offer got (`model`, `service`, `service-"
         "undeclared`, `region`, `exposed`, `qualification`, `lapsed`: held until a day now past, `kind-unknown`: would do if its "
         "French host of undeclared kind is not commercial; labelled in messages)", label="landing_gap"),
    Fact("platform.models", BOTH, "list", "the service models the item may land on", label="hosting"),
    Fact("platform.expiring", BOTH, "list", label="qualification", doc=
         "qualifications the item needs on the chosen offer (its target's and its rules') that are in force and "
         "end within `expiry_warning_days` of the assessment date (rulesets/verdicts.yaml)"),
    Fact("platform.expires_on", BOTH, "string", "the first end date (YYYY-MM-DD) among `platform.expiring`"),
    Fact("data.public_only", BOTH, "bool",
         "all the data involved is `public` (no exposure or ownership findings then)"),
    Fact("data.transfer_regions", BOTH, "list", "the countries of `data.regions` outside the EEA"),
    Fact("transfer.basis", BOTH, "string",
         "weakest GDPR basis of the providers storing or processing the data outside the EEA: `none` < "
         "`unknown` < `scc`/`bcr` < `dpf` < `adequacy` (`verdicts.yaml`); declared `transfer_basis` of the "
         "offer or provider, else `adequacy` when every such country is in `@adequacy`, else `unknown`; null "
         "when no transfer"),
    Fact("data.non_eu_regions", BOTH, "list", "the countries of `data.regions` outside the EU"),
    Fact("support.transfer_regions", BOTH, "list", "support countries outside the EEA"),
    Fact("support.non_eu_regions", BOTH, "list", "support countries outside the EU (SecNumCloud §19.2.e)"),
    Fact("transfer.access_basis", BOTH, "string", "the same as `transfer.basis`, for remote access by support staff"),
    Fact("providers.non_adequate_jurisdiction", BOTH, "list",
         "involved providers subject to the law of a third country without adequacy (HDS EXI 30)"),
    Fact("providers.non_eu_seat", BOTH, "list", "involved providers seated outside the EU"),
    Fact("providers.non_eu_jurisdictions", BOTH, "list",
         "involved providers declaring `non_eu_jurisdictions` outside the EEA"),
    Fact("providers.support_outside_eea", BOTH, "list",
         "involved providers whose support staff work from outside the EEA (their `support_regions`)"),
    Fact("provider.eu_seat", APP, "bool",
         "the hosting provider is seated in the EU (SecNumCloud §19.6.a); null when not declared"),
    Fact("provider.transfer_basis", APP, "string", "as declared (offer, else provider)"),
    Fact("provider.non_eu_jurisdictions", APP, "list", "non-EU jurisdictions the hosting provider declares"),
    Fact("provider.offers_platform", APP, "bool", "the hosting provider backs a declared (candidate) platform"),
    Fact("provider.ownership.non_eu_veto", APP, "bool", "SecNumCloud §19.6.b"),
    Fact("provider.ownership.non_eu_board_majority", APP, "bool", "SecNumCloud §19.6.b"),
    Fact("keys.customer_held", APP, "bool",
         "its data is encrypted with keys the organisation holds (SecNumCloud §3.3.2)"),
    Fact("exit.plan", APP, "bool", "a documented, tested exit strategy (DORA art. 28(8))"),
    Fact("provider.contract.change_notice", APP, "bool",
         "the hosting provider's contract notifies changes affecting §19.6 within a month (SecNumCloud "
         "§19.6.f); null when not declared"),
    Fact("provider.contract.exit_without_penalty", APP, "bool",
         "the contract allows leaving without penalty; null when not declared"),
    Fact("provider.contract.locations_stated", APP, "bool",
         "the contract states where data is stored and processed; null when not declared"),
    Fact("providers.hds_exempt", BOTH, "list", "involved providers with a declared `hds_exemption`"),
    Fact("providers.hds_exemptions", BOTH, "list", "the kinds of those exemptions (`ght`, `archiving`)"),
    Fact("providers.hds_2018", BOTH, "list", "involved providers certified HDS under the 2018 referential"),
)
FACTS: dict[str, Fact] = {fact.name: fact for fact in _TABLE}
# Each fact's name as one string object (this table's): the analysis makes an item's facts with
# these keys, and a name found identical to a key is found without comparing their characters
# (names read from a ruleset are other, equal, strings).
NAMES: dict[str, str] = {name: name for name in FACTS}
# Facts whose values are codes with a label in the values catalogue: name -> catalogue kind.
LABELLED: dict[str, str] = {fact.name: fact.label for fact in _TABLE if fact.label}
