"""Stage 5b: a dated roadmap from a wave plan.

Waves move one after the other; each lasts the working days its effort takes at the team's
capacity (person-days per week, 5 working days a week). Working days skip weekends, the public
holidays of the organisation's country (the `holidays` library) and freeze periods. A wave that
waits for a pending qualification starts no earlier than its expected date. Deadlines come from
the inventory (qualification expiries, derogation ends, pending offers' expected dates) and from
reference data (`rulesets/deadlines.yaml`, each with its source), with the applications they
constrain; a wave that ends after a deadline it must meet is warned.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Iterable, Mapping

from bleu_assess.i18n import t
from bleu_assess.model import Inventory
from bleu_assess.results import PlanResult, ScanResult

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
    """A dated obligation on the timeline. `kind`: `qualification-expiry`, `derogation-end`,
    `offer-expected` (from the inventory) or `reference` (from rulesets/deadlines.yaml);
    `subject`: the provider, offer, derogation or reference it is about; `applications`: those it
    constrains; `must_meet`: a wave moving one of them must end by `date`."""

    date: dt.date
    kind: str
    subject: str
    applications: tuple[str, ...]
    must_meet: bool
    uncertain: bool = False
    title: Mapping[str, str] | None = None  # reference deadlines: wording by language
    source: str | None = None

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
    """Applications hosted today by a provider or on an offer (`hosting.platform`, format v2)."""
    return tuple(sorted(a.id for a in inventory.applications if a.hosting is not None and holder in (
        a.hosting.provider, getattr(a.hosting, "platform", None))))


def inventory_deadlines(inventory: Inventory) -> list[Deadline]:
    """The dated fields of the inventory, read where they are declared.

    The seam for the format v2 fields: a qualification with `until` (on a provider or an offer in
    `platforms`) constrains the applications hosted there today; a derogation with `until`
    constrains the applications it covers (`items`). Format v1 declares no dates, so a v1
    inventory gives none. Offers' pending qualifications (`expected`) are read by
    `pending_offers`, since they delay waves rather than bound them."""
    out = []
    for holder in (*inventory.providers, *inventory.platforms):
        for qualification in getattr(holder, "qualifications", ()):
            until = _date(getattr(qualification, "until", None))
            if until is not None:
                out.append(Deadline(until, "qualification-expiry", f"{holder.id}:{getattr(qualification, 'id', '')}",
                                    _hosted_on(inventory, holder.id), must_meet=True))
    apps = inventory.applications_by_id
    for derogation in getattr(inventory, "derogations", ()):
        until = _date(getattr(derogation, "until", None))
        if until is not None:
            covered = tuple(sorted(i for i in getattr(derogation, "items", ()) if i in apps))
            out.append(Deadline(until, "derogation-end", str(getattr(derogation, "id", "") or ", ".join(covered)),
                                covered, must_meet=True))
    return out


@cache
def _reference() -> list[dict[str, Any]]:
    from bleu_assess.refdata import _read

    return list(_read("deadlines.yaml").get("deadlines") or ())


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
            provider = inventory.provider(app.hosting.provider if app.hosting else None)
            held = {datasets[d].classification for d in app.datasets if d in datasets}
            if (not classes or held & classes) and (not host_qualifications or provider is not None and
                                                    host_qualifications & {str(getattr(q, "id", q)) for q in provider.qualifications}):
                constrained.append(app.id)
        if constrained:
            out.append(Deadline(_date(entry["date"]) or dt.date.min, "reference", entry["id"], tuple(sorted(constrained)),
                                bool(entry.get("must_meet")), bool(entry.get("uncertain")), entry.get("title"),
                                entry.get("source")))
    return out


@dataclass(frozen=True)
class PendingOffer:
    """An offer an application waits for: the platform, the qualification(s) pending there, and
    the date it is expected (None when the inventory does not say)."""

    platform: str
    qualifications: tuple[str, ...]
    expected: dt.date | None


def pending_offers(scan: ScanResult, inventory: Inventory) -> dict[str, list[PendingOffer]]:
    """Applications with no satisfying platform whose target's qualifications are pending at a
    declared platform's provider (or offer): application id -> the offers that would do.

    Reads `pending_qualifications` as format v1 strings (no date) or format v2 records with
    `id` and `expected`."""
    from bleu_assess.refdata import verdict_model

    requirements = verdict_model().target_requirements
    offers = []
    for platform in sorted(inventory.platforms, key=lambda p: p.id):
        provider = inventory.provider(platform.provider)
        pending = [*getattr(platform, "pending_qualifications", ()), *(provider.pending_qualifications if provider else ())]
        ids = {str(getattr(p, "id", p)): _date(getattr(p, "expected", None)) for p in pending}
        if ids:
            offers.append((platform.id, ids))
    out: dict[str, list[PendingOffer]] = {}
    for verdict in scan.applications:
        needed = set((requirements.get(verdict.target) or {}).get("qualifications") or ())
        if verdict.platform is not None or not needed:
            continue
        for platform_id, ids in offers:
            if needed.issubset(ids):
                dates = [ids[q] for q in sorted(needed)]
                expected = None if None in dates else max(d for d in dates if d is not None)
                out.setdefault(verdict.id, []).append(PendingOffer(platform_id, tuple(sorted(needed)), expected))
    return out


# -- scheduling -----------------------------------------------------------------------------


def schedule(plan: PlanResult, inventory: Inventory, options: RoadmapOptions) -> PlanResult:
    """The plan with `start` and `end` on each wave, its `roadmap`, and warnings for waves that
    end after a deadline they must meet or wait for an offer with no expected date."""
    lang = plan.scan.lang
    calendar = Calendar(inventory.organisation.country if options.holidays else None, options.freezes)
    deadlines = sorted(inventory_deadlines(inventory) + reference_deadlines(inventory),
                       key=lambda d: (d.date, d.kind, d.subject))
    offers = pending_offers(plan.scan, inventory)
    warnings = list(plan.warnings)
    cursor, waves = options.start, []
    for wave in plan.waves:
        earliest = cursor
        for app in wave.applications:
            # The soonest offer that would do; one with no date is said, and does not delay.
            dated = [o for o in offers.get(app, ()) if o.expected is not None]
            if dated:
                offer = min(dated, key=lambda o: (o.expected, o.platform))
                earliest = max(earliest, offer.expected)  # type: ignore[type-var]
            elif app in offers:
                warnings.append(t("plan.warn_offer_undated", lang, app=app, wave=wave.number,
                                  offers=", ".join(o.platform for o in offers[app])))
        first = calendar.next_working(earliest)
        daily = options.capacity_of(wave.number) / WORKING_DAYS_PER_WEEK
        last = calendar.span(first, max(1, math.ceil(round(wave.effort_days / daily, 6))))
        for deadline in deadlines:
            late = [a for a in deadline.applications if a in wave.applications]
            if deadline.must_meet and late and last > deadline.date:
                warnings.append(t("plan.warn_deadline", lang, wave=wave.number, end=last.isoformat(),
                                  date=deadline.date.isoformat(), subject=deadline.subject, apps=", ".join(late)))
        waves.append(replace(wave, start=first.isoformat(), end=last.isoformat()))
        cursor = last + dt.timedelta(days=1)
    roadmap = Roadmap(options.start, _date(waves[-1].end) if waves else None, options.capacity, options.freezes,
                      calendar.country, tuple(deadlines))
    return replace(plan, waves=tuple(waves), warnings=tuple(warnings), roadmap=roadmap)


def parse_freeze(text: str) -> tuple[dt.date, dt.date]:
    """`2027-07-14:2027-08-31` -> (first, last), both included. Raises ValueError."""
    first, sep, last = text.partition(":")
    if not sep:
        raise ValueError(f"'{text}' is not FROM:TO")
    a, b = dt.date.fromisoformat(first.strip()), dt.date.fromisoformat(last.strip())
    if b < a:
        raise ValueError(f"'{text}' ends before it starts")
    return a, b


def parse_capacity(text: str) -> tuple[float, ...]:
    """`40` (person-days a week for every wave) or `20,40,40` (wave by wave, the last value
    holding for later waves). Raises ValueError."""
    values = tuple(float(v) for v in text.split(",") if v.strip())
    if not values or any(not v > 0 or math.isinf(v) for v in values):
        raise ValueError(f"'{text}' is not a positive number of person-days a week (or a list of them)")
    return values


# -- what renderers show -------------------------------------------------------------------


def deadline_title(deadline: Deadline, lang: str, start: dt.date | None = None) -> str:
    """The deadline in words: reference deadlines carry their own wording, the others are worded
    from their kind; said uncertain when it is, and passed when it falls before `start`."""
    if deadline.title:
        text = deadline.title.get(lang) or deadline.title.get("en") or deadline.subject
    else:
        text = t(f"plan.deadline_{deadline.kind}", lang, subject=deadline.subject)
    return (text + (t("plan.uncertain_suffix", lang) if deadline.uncertain else "")
            + (t("plan.passed_suffix", lang) if start is not None and deadline.date < start else ""))


def view(plan: PlanResult, inventory: Inventory) -> dict[str, Any] | None:
    """What templates show of the roadmap (docs/planning.md): None when the plan is not dated;
    else `start`, `end` (dates), `freezes` [(from, to)], `holidays` (country or None),
    `capacity` (person-days a week, per wave), and `deadlines`, each a mapping with `date`,
    `title`, `kind`, `must_meet`, `uncertain`, `source`, `applications` (ids) and `names`."""
    roadmap = plan.roadmap
    if roadmap is None:
        return None
    names = {a.id: a.name for a in inventory.applications}
    lang = plan.scan.lang
    return {
        "start": roadmap.start, "end": roadmap.end, "freezes": roadmap.freezes, "holidays": roadmap.holidays,
        "capacity": roadmap.capacity,
        "deadlines": [{"date": d.date, "title": deadline_title(d, lang, roadmap.start), "kind": d.kind,
                       "must_meet": d.must_meet,
                       "uncertain": d.uncertain, "source": d.source, "applications": d.applications,
                       "names": [names[a] for a in d.applications]} for d in roadmap.deadlines],
    }


def gantt_text(text: object) -> str:
    """Text for a Mermaid gantt title, section or task name: `:`, `;` and `#` end or break those
    (gantt grammar), so they become look-alike characters."""
    return str(text).translate({ord(":"): "∶", ord(";"): ",", ord("#"): "＃", ord("\n"): " "}).strip()


def day_after(value: dt.date | str) -> str:
    """Mermaid gantt bars end before their end date: the day after a wave's last day."""
    day = _date(value) if isinstance(value, str) else value
    return ((day or dt.date.min) + dt.timedelta(days=1)).isoformat()
