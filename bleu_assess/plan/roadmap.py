"""Stage 5b: a dated roadmap from a wave plan.

Waves move one after the other; each lasts the working days its effort takes at the team's
capacity (person-days per week, 5 working days a week). Working days skip weekends, the public
holidays of the organisation's country (the `holidays` library) and freeze periods. A wave that
waits for a pending qualification starts no earlier than its expected date (the plan's
`not_before`). Deadlines come from the inventory (qualification expiries, derogation ends) and from
reference data (`rulesets/deadlines.yaml`, each with its source), with the applications they
constrain; a wave that ends after a deadline it must meet is warned.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from bleu_assess.assess.results import Phrase, PlanResult
from bleu_assess.errors import option_error
from bleu_assess.inventory.model import Inventory, Platform, Provider

WORKING_DAYS_PER_WEEK = 5
DEFAULT_CAPACITY = 10.0  # person-days a week: a team of two


@dataclass(frozen=True)
class RoadmapOptions:
    """`start`: the first day work may begin. `capacity`: person-days a week for wave 1, 2, …
    (the last value holds for the later waves). `freezes`: (first, last) days, both included,
    when no migration work is done. `holidays`: skip the public holidays of the organisation's
    country."""

    start: dt.date
    capacity: tuple[float, ...] = (DEFAULT_CAPACITY,)
    freezes: tuple[tuple[dt.date, dt.date], ...] = ()
    holidays: bool = True

    def capacity_of(self, wave: int) -> float:
        return self.capacity[min(wave, len(self.capacity)) - 1]


@dataclass(frozen=True)
class Deadline:
    """A dated obligation on the timeline. `kind`: `qualification-expiry`, `derogation-end`
    (from the inventory) or `reference` (from rulesets/deadlines.yaml);
    `subject`: the provider, offer, derogation or reference it is about; `applications`: those it
    constrains; `must_meet`: a wave moving one of them must end by `date`; `note`: why an
    uncertain reference deadline is uncertain, by language."""

    date: dt.date
    kind: str
    subject: str
    applications: tuple[str, ...]
    must_meet: bool
    uncertain: bool = False
    title: Mapping[str, str] | None = None  # reference deadlines: wording by language
    source: str | None = None
    note: Mapping[str, str] | None = None  # reference deadlines: why uncertain, by language

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"date": self.date.isoformat(), "kind": self.kind, "subject": self.subject,
                               "applications": list(self.applications), "must_meet": self.must_meet,
                               "uncertain": self.uncertain}
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Roadmap:
    """The dated plan: options used, the calendar's country, and the deadlines shown."""

    start: dt.date
    end: dt.date | None
    capacity: tuple[float, ...]
    freezes: tuple[tuple[dt.date, dt.date], ...]
    holidays: str | None  # the country whose public holidays are skipped, if any
    deadlines: tuple[Deadline, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None,
                "capacity_per_week": list(self.capacity),
                "freezes": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in self.freezes],
                "holidays": self.holidays, "deadlines": [d.to_dict() for d in self.deadlines]}


# -- calendar -------------------------------------------------------------------------------


class Calendar:
    """Working days: Monday to Friday, minus public holidays of `country` and freeze periods."""

    def __init__(self, country: str | None, freezes: Iterable[tuple[dt.date, dt.date]]) -> None:
        self.country = country if country and _holidays_of(country, 2000) is not None else None
        self.freezes = tuple(freezes)

    def working(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or any(first <= day <= last for first, last in self.freezes):
            return False
        return self.country is None or day not in (_holidays_of(self.country, day.year) or ())

    def next_working(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the first one after it."""
        while not self.working(day):
            day += dt.timedelta(days=1)
        return day

    def span(self, first: dt.date, days: int) -> dt.date:
        """The last day of `days` working days starting on the working day `first`."""
        day, left = first, days - 1
        while left > 0:
            day = self.next_working(day + dt.timedelta(days=1))
            left -= 1
        return day


@cache
def _holidays_of(country: str, year: int) -> frozenset[dt.date] | None:
    """Public holidays of a country in a year (national ones only); None when the library does
    not know the country."""
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return None


# -- deadlines ------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _hosted_on(inventory: Inventory, holder: str) -> tuple[str, ...]:
    """Applications hosted today by a provider or on an offer (`hosting.platform`)."""
    return tuple(sorted(a.id for a in inventory.applications if a.hosting is not None and holder in (
        a.hosting.provider, a.hosting.platform)))


def inventory_deadlines(inventory: Inventory, plan: PlanResult | None = None) -> list[Deadline]:
    """The dated fields of the inventory that constrain at least one application (format v2; a
    v1 inventory declares none).

    A qualification's `until` (`model.Qualification`, on a provider or an offer in `platforms`)
    constrains the applications hosted there today (given the `plan`, those its waves move) and those its waves land on
    that offer for a target that requires it (rulesets/verdicts.yaml `target_requirements`): each
    must have moved while it holds. An offer that carries its provider's qualifications, as in
    v1, is not counted twice. A derogation's `until` constrains the applications it covers and
    those holding the datasets it covers. Pending qualifications' `expected` dates delay waves
    instead (`Placement.not_before`, set by the plan)."""
    from bleu_assess.rules.refdata import verdict_model

    requirements = verdict_model().target_requirements
    landing: dict[str, list[tuple[str, set[str]]]] = {}
    moving = {a for w in plan.waves for a in w.applications} if plan is not None else set()
    for verdict in plan.scan.applications if plan is not None else ():
        if verdict.platform is not None and verdict.id in moving:
            needed = set((requirements.get(verdict.target) or {}).get("qualifications") or ())
            landing.setdefault(verdict.platform, []).append((verdict.id, needed))
    out = []
    providers = inventory.providers_by_id
    holders: tuple[Provider | Platform, ...] = (*inventory.providers, *inventory.platforms)
    for holder in holders:
        provider = providers.get(getattr(holder, "provider", None) or "")
        if provider is not None and holder.qualifications is provider.qualifications:
            continue
        hosted = set(_hosted_on(inventory, holder.id))
        for qualification in holder.qualifications or ():
            until = _date(qualification.until)
            # Given a plan, of those hosted there today only the ones its waves move: one that stays
            # has no move to make before the date (the plan says why it stays).
            leaving = hosted & moving if plan is not None else hosted
            constrained = leaving | {a for a, needed in landing.get(holder.id, ()) if qualification.id in needed}
            if until is not None and constrained:
                out.append(Deadline(until, "qualification-expiry", f"{holder.id}:{qualification.id}",
                                    tuple(sorted(constrained)), must_meet=True))
    for derogation in inventory.derogations:
        until = _date(derogation.until)
        if until is not None:
            datasets = set(derogation.datasets)
            covered = tuple(sorted(a.id for a in inventory.applications
                                   if a.id in derogation.applications or datasets & set(a.datasets)))
            if covered:
                out.append(Deadline(until, "derogation-end", derogation.id, covered, must_meet=True))
    return out


@cache
def _reference() -> list[dict[str, Any]]:
    from bleu_assess.rules.refdata import read

    return list(read("deadlines.yaml").get("deadlines") or ())


def _host_holds(inventory: Inventory, app: Any) -> set[str]:
    """The qualification ids of an application's host today: its offer's when it names one
    (format v2: qualifications are per offer), else its provider's."""
    hosting = app.hosting
    if hosting is None:
        return set()
    offer = inventory.platforms_by_id.get(hosting.platform or "")
    if offer is not None and offer.qualifications is not None:
        return {q.id for q in offer.qualifications}
    provider = inventory.provider(hosting.provider)
    return set(provider.qualification_ids) if provider is not None else set()


def reference_deadlines(inventory: Inventory) -> list[Deadline]:
    """Deadlines of rulesets/deadlines.yaml that constrain at least one application: those
    holding data of a listed classification on a current host holding a listed qualification."""
    datasets = inventory.datasets_by_id
    out = []
    for entry in _reference():
        scope = entry.get("applies_to") or {}
        classes = set(scope.get("classifications") or ())
        host_qualifications = set(scope.get("host_qualifications") or ())
        constrained = []
        for app in inventory.applications:
            held = {datasets[d].classification for d in app.datasets if d in datasets}
            if (not classes or held & classes) and (not host_qualifications or host_qualifications & _host_holds(inventory, app)):
                constrained.append(app.id)
        if constrained:
            out.append(Deadline(_date(entry["date"]) or dt.date.min, "reference", entry["id"], tuple(sorted(constrained)),
                                bool(entry.get("must_meet")), bool(entry.get("uncertain")), entry.get("title"),
                                entry.get("source"), entry.get("uncertain") or None))
    return out


# -- scheduling -----------------------------------------------------------------------------


def schedule(plan: PlanResult, inventory: Inventory, options: RoadmapOptions) -> PlanResult:
    """The plan with `start` and `end` on each wave, its `roadmap`, and warnings for waves that
    end after a deadline they must meet. A wave starts no earlier than its members'
    `not_before` (a pending offer's expected date, see `plan.pending_offers`)."""
    calendar = Calendar(inventory.organisation.country if options.holidays else None, options.freezes)
    deadlines = sorted(inventory_deadlines(inventory, plan) + reference_deadlines(inventory),
                       key=lambda d: (d.date, d.kind, d.subject))
    warnings = list(plan.warnings)
    cursor, waves = options.start, []
    for wave in plan.waves:
        # A member whose landing zone awaits a qualification (the plan warned of it) holds the
        # wave until the date expected for it.
        earliest = max([cursor, *(dt.date.fromisoformat(p.not_before) for p in wave.placements if p.not_before)])
        first = calendar.next_working(earliest)
        daily = options.capacity_of(wave.number) / WORKING_DAYS_PER_WEEK
        last = calendar.span(first, max(1, math.ceil(round(wave.effort_days / daily, 6))))
        members = set(wave.applications)  # not the tuple: thousands of deadline applications look each up
        for deadline in deadlines:
            late = [a for a in deadline.applications if a in members]
            if deadline.must_meet and late and last > deadline.date:
                warnings.append(Phrase("plan.warn_deadline", {
                    "wave": wave.number, "ends": last.isoformat(), "until": deadline.date.isoformat(),
                    "deadline": deadline, "apps": tuple(late)}))
        waves.append(replace(wave, start=first.isoformat(), end=last.isoformat()))
        cursor = last + dt.timedelta(days=1)
    roadmap = Roadmap(options.start, _date(waves[-1].end) if waves else None, options.capacity, options.freezes,
                      calendar.country, tuple(deadlines))
    return replace(plan, waves=tuple(waves), warnings=tuple(warnings), roadmap=roadmap)


def parse_freeze(text: str) -> tuple[dt.date, dt.date]:
    """`2027-07-14:2027-08-31` -> (first, last), both included. Raises a UsageError
    (`usage.freeze_*`, worded in the command's language); a date of the right form that names no
    day (`2027-02-30`) is said as such, as for --start."""
    first, sep, last = text.partition(":")
    try:
        a, b = dt.date.fromisoformat(first.strip()), dt.date.fromisoformat(last.strip())
    except ValueError:
        from bleu_assess.inventory.walker import no_such_day

        missing = next((m for m in (no_such_day("--freeze", d.strip()) for d in (first, last)) if m), None)
        raise (missing or option_error("freeze_not_range", value=text)) from None
    if not sep:
        raise option_error("freeze_not_range", value=text)
    if b < a:
        raise option_error("freeze_backwards", value=text)
    return a, b


def parse_capacity(text: str) -> tuple[float, ...]:
    """`40` (person-days a week for every wave) or `20,40,40` (wave by wave, the last value
    holding for later waves). Raises a UsageError (`usage.bad_capacity`)."""
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        values = ()
    if not values or any(not v > 0 or math.isinf(v) for v in values):
        raise option_error("bad_capacity", value=text)
    return values


# -- what renderers show -------------------------------------------------------------------


def gantt_text(text: object) -> str:
    """Text for a Mermaid gantt title, section or task name: `:`, `;` and `#` end or break those
    (gantt grammar), so they become look-alike characters."""
    return str(text).translate({ord(":"): "∶", ord(";"): ",", ord("#"): "＃", ord("\n"): " "}).strip()


def day_after(value: dt.date | str) -> str:
    """Mermaid gantt bars end before their end date: the day after a wave's last day."""
    day = _date(value) if isinstance(value, str) else value
    return ((day or dt.date.min) + dt.timedelta(days=1)).isoformat()
