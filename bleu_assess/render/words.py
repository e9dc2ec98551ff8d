"""The one localisation step: decisions kept as codes (assess.results.Phrase, errors.Diagnostic
with a `code`) are worded here, in the reader's language, just before rendering.

Evaluation, planning and validation produce codes and parameters and never words; every
renderer words them through this module, so one result renders in French and in English
(`plan(result, "fr")` and `plan(result, "en")` from the same PlanResult). Wording lives in
templates/i18n/<area>.<fr|en>.yaml (the same keys in both languages); findings take theirs from
their rules (render/findings_words.py, which `plan` uses for the plan's scan and the findings
its held details quote).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from bleu_assess.assess.results import (
    FINDING_MESSAGE,
    Held,
    ItemVerdict,
    Phrase,
    Placement,
    PlanResult,
    RulesetRef,
    Said,
    Staying,
    Wave,
    decided,
    worded_text,
)
from bleu_assess.errors import Diagnostic
from bleu_assess.inventory.walker import WORDED_PARAMS
from bleu_assess.render import findings_words, l10n
from bleu_assess.render.i18n import catalogue, label_or_code, t

if TYPE_CHECKING:
    from bleu_assess.plan.roadmap import Deadline

# Parameters that name applications by id: worded as the application's name (its id when the
# result does not know it), a tuple of them as a list.
ITEM_PARAMS = frozenset({"app", "apps", "dependency", "members", "group", "vital"})


# A finding's message in the reader's language: (item id, rule id) -> the message (words.plan).
Quotes = Callable[[str, str], str]


def phrase(said: Said, lang: str, names: Mapping[str, str] | None = None, quotes: Quotes | None = None) -> str:
    """The words of `said` in `lang` (a text already worded is returned as it is). `names`
    maps item ids to the names that replace them in ITEM_PARAMS parameters; `quotes` gives the
    findings' messages FINDING_MESSAGE phrases quote (the rule id without it)."""
    if isinstance(said, str):
        return said
    if said.key == FINDING_MESSAGE:
        return quotes(said.params["item"], said.params["rule"]) if quotes else str(said.params["rule"])
    if not said.key:
        return t("cli.list_separator", lang).join(phrase(p, lang, names, quotes) for p in said.params["parts"])
    values = {key: _value(key, value, lang, names or {}, quotes) for key, value in said.params.items()}
    return t(said.key, lang, **values)


def _value(key: str, value: Any, lang: str, names: Mapping[str, str], quotes: Quotes | None) -> Any:
    if isinstance(value, Phrase):
        return phrase(value, lang, names, quotes)
    if key == "deadline":  # a plan.roadmap.Deadline
        return deadline_title(value, lang)
    if key in ITEM_PARAMS:
        ids = value if isinstance(value, tuple) else (value,)
        return ", ".join(names.get(i, i) for i in ids)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return value


def item_names(plan: PlanResult) -> dict[str, str]:
    """Item id -> name, as the plan's scan knows them."""
    return {item.id: item.name for item in plan.scan.items}


def plan(result: PlanResult[Said], lang: str | None = None) -> PlanResult[str]:
    """`result` with every reason, detail and warning worded in `lang` (default: the scan's
    language): a PlanResult[str], whose texts renderers use as they are. Idempotent: a plan
    already worded comes back equal."""
    texts = [*(p.reason for w in result.waves for p in w.placements), *(h.detail for h in result.held),
             *(s.reason for s in result.staying), *result.warnings]
    if texts and all(isinstance(text, str) for text in texts):
        return cast("PlanResult[str]", result)  # already worded (its scan with it): one language per plan
    lang = lang or result.scan.lang
    scan = findings_words.scan(result.scan, lang)
    names = item_names(result)
    by_id: dict[str, ItemVerdict] = {}

    def quote(item: str, rule: str) -> str:
        if not by_id:
            by_id.update((i.id, i) for i in scan.items)
        verdict = by_id[item]
        return next(worded_text(verdict, f, "message") for f in decided(verdict) if f.rule == rule)

    def say(said: Said) -> str:
        return phrase(said, lang, names, quote)

    # Built field by field (dataclasses.replace would keep the Said type of the texts); every
    # field that is not a text is passed on as it is (tests/test_plan_reasons.py checks all are).
    waves = tuple(Wave(number=w.number, applications=w.applications, datasets=w.datasets,
                       move_groups=w.move_groups, effort_days=w.effort_days,
                       placements=tuple(Placement(p.id, say(p.reason), p.not_before) for p in w.placements),
                       start=w.start, end=w.end, pilot=w.pilot) for w in result.waves)
    return PlanResult(scan=scan, waves=waves,
                      held=tuple(Held(h.id, h.reason, say(h.detail)) for h in result.held),
                      staying=tuple(Staying(s.id, s.target, say(s.reason)) for s in result.staying),
                      hybrid_links=result.hybrid_links, split_datasets=result.split_datasets,
                      warnings=tuple(say(w) for w in result.warnings), effort=result.effort,
                      roadmap=result.roadmap)


def deadline_title(deadline: Deadline, lang: str, start: dt.date | None = None) -> str:
    """The deadline in words: reference deadlines carry their own wording, the others are worded
    from their kind; said uncertain when it is, and passed when it falls before `start`."""
    if deadline.title:
        text = deadline.title.get(lang) or deadline.title.get("en") or deadline.subject
    else:
        holder, _, qualification = deadline.subject.partition(":")  # qualification-expiry: HOLDER:QUALIFICATION
        text = t(f"plan.deadline_{deadline.kind}", lang, subject=deadline.subject, holder=holder,
                 qualification=label_or_code("qualification", qualification, lang) if qualification else "")
    return (text + (t("plan.uncertain_suffix", lang) if deadline.uncertain else "")
            + (t("plan.passed_suffix", lang) if start is not None and deadline.date < start else ""))


def ruleset_status(ruleset: RulesetRef, lang: str) -> str:
    """A ruleset's status in words: « stable », « brouillon, pas en vigueur », « remplacé par la
    version 2.0 » (a stable version older than the newest non-draft one)."""
    code = ruleset.not_in_force or "stable"
    return t(f"scan.ruleset_status.{code}", lang, version=ruleset.superseded_by or "")


def ruleset_warning(ruleset: RulesetRef, lang: str) -> str | None:
    """The sentence saying a run applied a ruleset that is not in force (draft, deprecated or
    superseded), with the version in force when there is one; None for a ruleset in force."""
    code = ruleset.not_in_force
    if code is None:
        return None
    instead = t("scan.ruleset_in_force", lang, version=ruleset.superseded_by) if ruleset.superseded_by else ""
    return t(f"scan.ruleset_not_in_force.{code}", lang, ref=f"{ruleset.id}@{ruleset.version}", instead=instead)


def diagnostic(diag: Diagnostic, lang: str) -> Diagnostic:
    """`diag` with its message worded in `lang` when it is a code (`validate.unknown_field`,
    templates/i18n/validate.<lang>.yaml); a diagnostic in words only comes back unchanged."""
    if not diag.code:
        return diag
    lang = getattr(lang, "value", lang)  # a language given as the CLI's enum member
    params = {k: ", ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in diag.params}
    countries = dict(diag.params).get("countries")
    if isinstance(countries, tuple):  # codes (validate.country_name_ambiguous): « Corée du Nord (KP) ou … »
        params["countries"] = l10n.join([f"{l10n.country(code, lang)} ({code})" for code in countries], lang, "or")
    for key, table in WORDED_PARAMS.items():
        if key in params and f"validate.{table}.{params[key]}" in catalogue(lang):  # else a type's name
            params[key] = t(f"validate.{table}.{params[key]}", lang)
    if "hint" in params:
        params["hint"] = t("validate.did_you_mean", lang, name=params["hint"]) if params["hint"] else ""
    if "month" in params:  # a month as YYYY-MM (validate.no_such_day): « février 2025 »
        params["month"] = l10n.month(params["month"], lang)
    return replace(diag, message=t(diag.code, lang, **params))


def diagnostics(items: Iterable[Diagnostic], lang: str) -> list[Diagnostic]:
    """Every diagnostic of `items` worded in `lang`, in order."""
    return [diagnostic(d, lang) for d in items]
