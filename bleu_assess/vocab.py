"""The closed vocabularies of verdicts and plans, once (spec/results.md).

Each is a `StrEnum`: a member is the very string the JSON contracts carry (`Severity.BLOCKER ==
"blocker"`, same hash), so dictionaries keyed by the strings accept members and JSON output is
unchanged. Members are listed in the order outputs show them. Standard library only: the CLI
imports this module for its option choices (`--fail-on`) without loading anything heavy.

`rulesets/verdicts.yaml` names the same values; `rules.refdata.verdict_model()` checks it
against these enums when it loads (`check_verdict_model`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding weighs; most severe first."""

    BLOCKER = "blocker"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe (`blocker`), 4 for `info`."""
        return SEVERITY_RANK[self]


class Readiness(StrEnum):
    """Whether an item can move now (spec/results.md, `readiness`)."""

    READY = "ready"
    READY_WITH_CONDITIONS = "ready-with-conditions"
    NOT_READY = "not-ready"
    UNKNOWN = "unknown"


class Scope(StrEnum):
    """Whether SecNumCloud is required for the item (`secnumcloud_scope`)."""

    REQUIRED = "required"
    RECOMMENDED = "recommended"
    NOT_REQUIRED = "not-required"
    EXCLUDED = "excluded"


class Residency(StrEnum):
    """Whether the item's data stays where the texts require (`residency`)."""

    COMPLIANT = "compliant"
    AT_RISK = "at-risk"
    NON_COMPLIANT = "non-compliant"
    UNKNOWN = "unknown"


class ExposureLevel(StrEnum):
    """Exposure to non-EU law, from a score 0-100 (thresholds in verdicts.yaml); lowest first."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Target(StrEnum):
    """Where the item should go (`target`)."""

    SECNUMCLOUD = "secnumcloud"
    EU_CLOUD = "eu-cloud"
    ANY_CLOUD = "any-cloud"
    ON_PREMISES = "on-premises"
    RETIRE = "retire"


class ItemKind(StrEnum):
    """What rules are evaluated on."""

    APPLICATION = "application"
    DATASET = "dataset"


class HeldReason(StrEnum):
    """Why the planner holds an application back (`held[].reason`)."""

    NOT_READY = "not-ready"
    DEPENDS_ON_HELD = "depends-on-held"
    UNKNOWN = "unknown"
    PIN_CONFLICT = "pin-conflict"
    NO_LANDING_ZONE = "no-landing-zone"


class LinkKind(StrEnum):
    """Edges of the inventory graph; a plan's hybrid links are `depends_on` or `flow`."""

    DEPENDS_ON = "depends_on"
    FLOW = "flow"
    HOLDS = "holds"
    HOSTED_BY = "hosted_by"
    SUBPROCESSOR = "subprocessor"
    ON_PLATFORM = "on_platform"


SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(Severity)}
EXPOSURE_RANK: dict[str, int] = {level: i for i, level in enumerate(ExposureLevel)}


def check_verdict_model(data: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """What in a parsed `verdicts.yaml` falls outside these vocabularies: (field path, message)
    pairs, empty when it agrees. Orders of scope and residency must list every value once; the
    target order, defaults, scope targets, fallbacks, strategy targets, landing requirements and
    exposure levels may only use known values."""
    problems: list[tuple[tuple[str, ...], str]] = []

    def known(path: tuple[str, ...], values: Iterable[Any], enum: type[StrEnum]) -> None:
        allowed = {m.value for m in enum}
        for value in values:
            if value not in allowed:
                problems.append((path, f"'{value}' is not a {enum.__name__} value ({', '.join(sorted(allowed))})"))

    fields: dict[str, type[StrEnum]] = {"secnumcloud_scope": Scope, "residency": Residency, "target": Target}
    orders = data.get("orders") or {}
    for name, enum in fields.items():
        order = orders.get(name) or []
        known(("orders", name), order, enum)
        if enum is not Target and sorted(order) != sorted(m.value for m in enum):
            problems.append((("orders", name), f"must list every {enum.__name__} value once"))
        known(("defaults", name), [(data.get("defaults") or {}).get(name)], enum)
    scope_targets = data.get("scope_targets") or {}
    known(("scope_targets",), scope_targets, Scope)
    known(("scope_targets",), scope_targets.values(), Target)
    fallbacks = data.get("scope_fallbacks") or {}
    known(("scope_fallbacks",), fallbacks, Scope)
    known(("scope_fallbacks",), fallbacks.values(), Target)
    known(("strategy_targets",), (data.get("strategy_targets") or {}).values(), Target)
    known(("target_requirements",), data.get("target_requirements") or {}, Target)
    known(("exposure", "levels"), ((data.get("exposure") or {}).get("levels") or {}), ExposureLevel)
    bases = data.get("transfer_bases") or []
    for basis in data.get("transfer_basis_countries") or {}:
        if basis not in bases:
            problems.append((("transfer_basis_countries",), f"'{basis}' is not a transfer basis ({', '.join(bases)})"))
    return problems
