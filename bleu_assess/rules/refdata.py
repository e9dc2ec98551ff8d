"""The reference data beside the rulesets: country groups and the verdict model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from bleu_assess.errors import Diagnostic, RulesetError
from bleu_assess.resources import rulesets_dir
from bleu_assess.vocab import check_verdict_model


@cache
def read(name: str) -> dict[str, Any]:
    """One reference data file of rulesets/ (`deadlines.yaml`, `decisions.yaml`, …) as a mapping
    (empty when the file holds no mapping), through the compiled cache (bleu_assess/cache.py)."""
    from bleu_assess import cache as compiled

    path = rulesets_dir() / name
    raw = path.read_bytes()
    return compiled.cached("refdata", (str(path), raw), lambda: _parse(raw.decode("utf-8"), str(path)))


def _parse(text: str, display: str) -> dict[str, Any]:
    from bleu_assess.inventory import yamlio

    # Our loader, not yaml.safe_load: YAML 1.1 would read Norway's code NO as false.
    data = yamlio.parse(text, display)
    return data if isinstance(data, dict) else {}


@cache
def region_groups() -> dict[str, frozenset[str]]:
    return {name: frozenset(group["countries"]) for name, group in read("regions.yaml")["groups"].items()}


@cache
def group_of(role: str) -> frozenset[str]:
    """The countries of the group regions.yaml names for `role`: `immunity_group` (EU),
    `data_protection_group` (EEA) or `home_group`."""
    return region_groups()[read("regions.yaml")[role]]


@cache
def home_countries() -> frozenset[str]:
    """Countries outside the reach of non-EU law for the exposure analysis (EU/EEA)."""
    return region_groups()[read("regions.yaml")["home_group"]]


@dataclass(frozen=True)
class VerdictModel:
    orders: dict[str, list[str]]
    defaults: dict[str, str]
    scope_targets: dict[str, str]
    scope_fallbacks: dict[str, str]
    strategy_targets: dict[str, str]
    target_requirements: dict[str, dict[str, Any]]
    landing_models: dict[str, list[str]]
    strategy_models: dict[str, list[str]]
    exposure: dict[str, Any]
    transfer_bases: list[str]
    # Bases valid for some countries only (basis -> countries): dpf -> US.
    transfer_basis_countries: dict[str, list[str]]
    expiry_warning_days: int

    def strongest(self, field: str, values: list[str]) -> str:
        order = self.orders[field]
        return min(values, key=order.index) if values else self.defaults[field]

    def exposure_level(self, score: int) -> str:
        for level, minimum in sorted(self.exposure["levels"].items(), key=lambda kv: -kv[1]):
            if score >= minimum:
                return str(level)
        return "none"


@cache
def verdict_model() -> VerdictModel:
    """rulesets/verdicts.yaml, checked against the vocabularies of `bleu_assess.vocab`: raises
    RulesetError naming the file and each field that uses an unknown value."""
    data = read("verdicts.yaml")
    problems = check_verdict_model(data)
    if problems:
        where = str(rulesets_dir() / "verdicts.yaml")
        raise RulesetError(f"invalid verdict model {where}", [
            Diagnostic(where, None, None, ".".join(path), message) for path, message in problems])
    return VerdictModel(**{key: data[key] for key in VerdictModel.__dataclass_fields__})


@dataclass(frozen=True)
class HdsActivities:
    """rulesets/hds-activities.yaml: activities (1-6, CSP R.1111-9) by hosting and by role."""

    by_hosting: dict[str, frozenset[int]]
    administers: frozenset[int]
    backs_up: frozenset[int]
    roles: dict[str, frozenset[int]]


@cache
def hds_activities() -> HdsActivities:
    data = read("hds-activities.yaml")
    return HdsActivities({k: frozenset(v) for k, v in data["by_hosting"].items()}, frozenset(data["administers"]),
                         frozenset(data["backs_up"]), {k: frozenset(v) for k, v in data["roles"].items()})
