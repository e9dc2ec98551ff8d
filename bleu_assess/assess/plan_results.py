"""Results of `plan`: the waves, held and staying applications, hybrid links and warnings, as
typed records and their JSON form (spec/results.md, v1). Reasons and warnings are `Phrase`s
(codes with parameters) until `render/words.py` words them (`PlanResult[str]`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bleu_assess.assess.results import ScanResult

PLAN_FORMAT = "bleu-assess-plan/v1"


@dataclass(frozen=True, slots=True)
class Phrase:
    """A decision still in codes: a catalogue key (templates/i18n, `plan.reason_after`) and its
    parameters, worded in the reader's language just before rendering (render/words.py).

    Parameter values are numbers, ISO dates, item ids (worded as the item's name), tuples of
    them, or Phrases. A Phrase with the empty key joins the Phrases of `parts` as a list."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def joined(cls, parts: Iterable[Phrase]) -> Phrase:
        """Several phrases said one after the other (`a; b`)."""
        return cls("", {"parts": tuple(parts)})


# A Phrase that quotes a finding's message ({"item": id, "rule": rule id}): worded as that finding
# of the plan's scan is, in the reader's language (render/words.py).
FINDING_MESSAGE = "finding.message"

# A text in a result: a Phrase until worded (render/words.py), then the words in one language.
Said = Phrase | str
# The texts of a plan and its parts: Said as planned, str once worded (words.plan returns a
# PlanResult[str], whose reasons renderers use as text).
Text = TypeVar("Text", bound=Said, covariant=True)


@dataclass(frozen=True, slots=True)
class Placement(Generic[Text]):
    """Why an application landed in its wave ("after Annuaire, wave 2")."""

    id: str
    reason: Text
    not_before: str | None = None  # YYYY-MM-DD: its only landing zones await a qualification expected then


@dataclass(frozen=True, slots=True)
class Wave(Generic[Text]):
    number: int
    applications: tuple[str, ...]
    datasets: tuple[str, ...]
    move_groups: tuple[tuple[str, ...], ...]
    effort_days: float
    placements: tuple[Placement[Text], ...] = ()
    start: str | None = None  # ISO dates of the first and last working day, when the plan is dated
    end: str | None = None
    pilot: bool = False  # the pilot wave: wave 1, unless only vital applications can start the plan

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "applications": list(self.applications), "datasets": list(self.datasets),
            "move_groups": [list(g) for g in self.move_groups], "effort_days": float(self.effort_days),
            "placements": [{"id": p.id, "reason": p.reason, "not_before": p.not_before} for p in self.placements],
            "start": self.start, "end": self.end, "pilot": self.pilot,
        }


@dataclass(frozen=True, slots=True)
class Held(Generic[Text]):
    id: str
    reason: str  # a vocab.HeldReason
    detail: Text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reason": self.reason, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Staying(Generic[Text]):
    id: str
    target: str  # one of TARGETS: the item's verdict target (a retained application keeps its own)
    reason: Text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "target": self.target, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class HybridLink:
    """A dependency or flow between a moved application and one that stays or moves later."""

    source: str
    target: str
    kind: str  # depends_on | flow
    datasets: tuple[str, ...]
    source_wave: int | None  # None: does not move (held or staying)
    target_wave: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "kind": self.kind, "datasets": list(self.datasets),
                "from_wave": self.source_wave, "to_wave": self.target_wave}


@dataclass(frozen=True, slots=True)
class PlanResult(Generic[Text]):
    scan: ScanResult
    waves: tuple[Wave[Text], ...]
    held: tuple[Held[Text], ...]
    staying: tuple[Staying[Text], ...]
    hybrid_links: tuple[HybridLink, ...] = ()
    split_datasets: tuple[tuple[str, tuple[int, ...]], ...] = ()  # dataset, waves of its holders
    warnings: tuple[Text, ...] = ()
    # Days counted for each moving application (its own estimate or its size under the plan's
    # --effort-days): what the waves' effort_days add up, shown per application by renderers.
    effort: Mapping[str, float] = field(default_factory=dict)
    roadmap: Any = None  # bleu_assess.plan.roadmap.Roadmap when dated (plan --start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "tool": {"name": "bleu-assess", "version": self.scan.tool_version},
            "inventory": self.scan.inventory.to_dict(),
            "rulesets": [r.to_dict() for r in self.scan.rulesets],
            "lang": self.scan.lang,
            "as_of": self.scan.as_of,
            "waves": [w.to_dict() for w in self.waves],
            "held": [h.to_dict() for h in self.held],
            "staying": [s.to_dict() for s in self.staying],
            "hybrid_links": [h.to_dict() for h in self.hybrid_links],
            "split_datasets": [{"dataset": d, "waves": list(w)} for d, w in self.split_datasets],
            "warnings": list(self.warnings),
            "roadmap": self.roadmap.to_dict() if self.roadmap is not None else None,
        }
