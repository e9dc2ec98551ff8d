"""Renderings of a wave plan: Markdown and JSON through templates (templates/plan/), a terminal table."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bleu_assess.assess.results import PlanResult, Said, decided, to_json, worded
from bleu_assess.plan.roadmap import day_after, gantt_text
from bleu_assess.render import l10n, words
from bleu_assess.render.findings_words import uncertain_rules
from bleu_assess.render.graph_export import mermaid_node_id, mermaid_text
from bleu_assess.render.i18n import label, t
from bleu_assess.render.scan import confidence_mark, confidence_meaning, uncertain_mark
from bleu_assess.render.tabular import Coded, coded, coded_columns, csv_bytes, default_dialect

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bleu_assess.inventory.model import Inventory

MERMAID_MAX_APPLICATIONS = 300  # beyond, a diagram is unreadable and slow to render in a wiki


def context(plan: PlanResult, inventory: Inventory) -> dict[str, Any]:
    """What the plan templates see (documented in docs/planning.md), its reasons worded."""
    plan = words.plan(plan)
    verdicts = {i.id: i for i in plan.scan.items}
    apps = inventory.applications_by_id
    wave_of = {a: w.number for w in plan.waves for a in w.applications}
    checklists = {}
    for wave in plan.waves:
        tasks = []
        for app_id in wave.applications:
            verdict = verdicts[app_id]
            for finding in decided(verdict):
                if finding.severity in ("high", "medium", "low"):
                    finding = worded(verdict, finding)
                    tasks.append({"app": app_id, "rule": finding.rule, "severity": finding.severity,
                                  "remediation": finding.remediation, "title": finding.title,
                                  "uncertain_rules": list(uncertain_rules(finding)),
                                  "uncertain_mark": uncertain_mark(finding, plan.scan.lang),
                                  "confidence": finding.confidence})
        checklists[wave.number] = tasks
    moving_deps = sorted((a, d) for a in wave_of for d in apps[a].depends_on if d in wave_of and d != a)
    return {
        "plan": plan, "scan": plan.scan, "inventory": plan.scan.inventory, "apps": apps, "verdicts": verdicts,
        "checklists": checklists, "wave_of": wave_of, "dependencies": moving_deps,
        "moving": len(wave_of), "total_effort": round(sum(w.effort_days for w in plan.waves), 1),
        "show_diagram": 0 < len(wave_of) <= MERMAID_MAX_APPLICATIONS,
        "effort": plan.effort,
        "label": lambda kind, value: label(kind, value, plan.scan.lang),
        "rulesets": ", ".join(f"{r.id}@{r.version}" + (f" ({words.ruleset_status(r, plan.scan.lang)})"
                                                          if r.not_in_force else "") for r in plan.scan.rulesets),
        "roadmap": roadmap_view(plan, inventory),
        "date": lambda value, form="long": l10n.date(value, plan.scan.lang, form),
        "number": lambda value: l10n.number(value, plan.scan.lang),
        "country": lambda code: l10n.country(code, plan.scan.lang),
        "summary_line": summary_line(plan, len(wave_of)),
        "no_wave": None if plan.waves else no_wave_line(plan),
        # scan's marks: a task's uncertain legal basis after its rule (its `uncertain_mark`), †
        # after a value resting on catalogue facts not all official, and its legend when one shows.
        "confidence_mark": lambda confidence: confidence_mark(confidence, plan.scan.lang),
        "confidence_legend": confidence_legend(plan, wave_of, checklists),
    }


def confidence_legend(plan: PlanResult, moving: dict[str, int], checklists: dict[int, list[dict[str, Any]]]
                      ) -> str | None:
    """The legend of the catalogue's mark (†), when a moving application's readiness or a task shows it."""
    shown = any(i.confidence for i in plan.scan.items if i.id in moving) or \
        any(task["confidence"] for tasks in checklists.values() for task in tasks)
    return confidence_meaning(plan.scan.lang) if shown else None


def no_wave_line(plan: PlanResult) -> str:
    """Why a plan has no wave, in place of an empty table: no application at all, or every one
    held, staying, or either (the sections that give each one's reason named)."""
    lang = plan.scan.lang
    case = {(False, False): "empty", (True, False): "held", (False, True): "staying", (True, True): "both"}[
        (bool(plan.held), bool(plan.staying))]
    return t(f"plan.no_wave.{case}", lang, held_title=t("plan.held_title", lang),
             staying_title=t("plan.staying_title", lang))


def summary_line(plan: PlanResult, moving: int) -> str:
    """« 4 vagues pour 11 applications ; 12 en attente ; 6 restent en place. », each count
    worded with its plural form."""
    lang = plan.scan.lang
    return t("plan.summary_line", lang, count=len(plan.waves), moving=t("plan.moving_count", lang, count=moving),
             held=t("plan.held_count", lang, count=len(plan.held)),
             staying=t("plan.staying_count", lang, count=len(plan.staying)))


def mermaid_id(app_id: str) -> str:
    """The application's Mermaid node id: the same injective escaping as `graph` (graph_export)."""
    return mermaid_node_id("application", app_id)


def num(value: float) -> str:
    """15.0 -> 15, 2.5 -> 2.5."""
    return f"{value:g}"


def roadmap_view(plan: PlanResult, inventory: Inventory) -> dict[str, Any] | None:
    """What templates show of the roadmap (docs/planning.md): None when the plan is not dated;
    else `start`, `end` (dates), `freezes` [(from, to)], `holidays` (country or None),
    `capacity` (person-days a week, per wave), and `deadlines`, each a mapping with `date`,
    `title`, `kind`, `must_meet`, `uncertain`, `note` (why uncertain, in the plan's language, or
    None), `source`, `applications` (ids) and `names`."""
    roadmap = plan.roadmap
    if roadmap is None:
        return None
    names = {a.id: a.name for a in inventory.applications}
    lang = plan.scan.lang
    return {
        "start": roadmap.start, "end": roadmap.end, "freezes": roadmap.freezes, "holidays": roadmap.holidays,
        "capacity": roadmap.capacity,
        "deadlines": [{"date": d.date, "title": words.deadline_title(d, lang, roadmap.start), "kind": d.kind,
                       "must_meet": d.must_meet,
                       "uncertain": d.uncertain, "note": d.note[lang] if d.note else None, "source": d.source, "applications": d.applications,
                       "names": [names[a] for a in d.applications]} for d in roadmap.deadlines],
    }


FILTERS: dict[str, Callable[..., Any]] = {"mermaid": mermaid_text, "mermaid_id": mermaid_id, "json": to_json,
                                          "num": num, "gantt": gantt_text, "day_after": day_after}


def markdown(plan: PlanResult, inventory: Inventory, template_dir: str | None = None) -> str:
    from bleu_assess.render.templating import render

    lang = plan.scan.lang
    return render("plan/plan.md.j2", context(plan, inventory), template_dir, lang,
                  {**FILTERS, "number": lambda value: l10n.number(value, lang)})


def json_text(plan: PlanResult, inventory: Inventory, template_dir: str | None = None) -> str:
    from bleu_assess.render.templating import render

    document = words.plan(plan).to_dict()
    # Each wave's checklist, as the Markdown and the CSV give it: what a ticket tracker imports.
    checklists = context(plan, inventory)["checklists"]
    for wave in document["waves"]:
        # Uncertainty as codes, when a task has it: its uncertain rules, its catalogue confidence.
        wave["tasks"] = [{**{key: task[key] for key in ("app", "rule", "severity", "title", "remediation")},
                          **{key: task[key] for key in ("uncertain_rules", "confidence") if task[key]}}
                         for task in checklists[wave["number"]]]
    return render("plan/plan.json.j2", {"document": document}, template_dir, plan.scan.lang, FILTERS)


CSV_COLUMNS = ("application", "name", "owner", "criticality", "status", "wave", "move_group", "depends_on",
               "target", "platform", "effort_days", "readiness", "reason", "tasks", "wave_start", "wave_end",
               "confidence")
# The columns whose values are decision codes: each followed by a column of the code itself.
CODED = frozenset({"criticality", "status", "target", "readiness", "reason", "confidence"})
# A reason's code is its decision's catalogue key less its area and kind: `plan.reason_after`
# → `after`, `plan.staying_retain` → `retain` (a held application's is the JSON's `reason`).
_REASON_KEYS = ("plan.reason_", "plan.staying_")


def reason_code(said: Said) -> str:
    """The codes of a wave placement's or a staying application's reason (a Phrase, or several
    joined), space-separated, the same in every language (`group after`); '' for a reason
    already worded, whose codes are lost."""
    if isinstance(said, str):
        return ""
    codes = []
    for part in (said.params["parts"] if not said.key else (said,)):
        key = next((part.key[len(prefix):] for prefix in _REASON_KEYS if part.key.startswith(prefix)), part.key)
        codes.append(key.replace("_", "-"))
    return " ".join(dict.fromkeys(codes))


def csv_text(plan: PlanResult, inventory: Inventory, dialect: str | None = None) -> bytes:
    """One row per application, in wave order then held then staying, for a ticket tracker or a
    spreadsheet: `status` is `wave`, `held` or `staying`; `reason` is why it sits there (in the
    plan's language); `tasks` lists the findings to clear before it moves, one per line;
    `wave_start` and `wave_end` are its wave's ISO dates when the plan is dated (--start);
    `confidence` that of the catalogue facts its verdict rests on, when not all official (its
    readiness then marked †), and a task's rule is followed by scan's uncertain-basis mark. In
    `dialect` (bleu_assess.render.tabular; default from the plan's language). Headers are in the
    plan's language; a coded value (criticality, status, target, readiness, confidence) is written
    in words, then as its code in the next column (CODED, the convention of bleu_assess.render.tabular); the
    reason's code is `reason_code`'s, or a held application's `reason` (`not-ready`...)."""
    codes = {p.id: reason_code(p.reason) for w in plan.waves for p in w.placements}
    codes.update((s.id, reason_code(s.reason)) for s in plan.staying)
    codes.update((h.id, h.reason) for h in plan.held)
    plan = words.plan(plan)
    lang = plan.scan.lang
    ctx = context(plan, inventory)
    apps, verdicts = ctx["apps"], ctx["verdicts"]
    rows: list[tuple[Any, ...]] = []

    def marked(value: Coded | None, confidence: str | None) -> Coded | None:
        """The readiness' words followed by † when it rests on catalogue facts not all official."""
        return value and value._replace(words=value.words + confidence_mark(confidence, lang))

    def row(app_id: str, status: str, wave: int | None, group: tuple[str, ...], reason: str,
            effort: float | None = None, tasks: str = "", dates: tuple[str | None, str | None] = (None, None)) -> None:
        app, verdict = apps[app_id], verdicts[app_id]
        rows.append((app_id, app.name, app.owner or "", coded("criticality", app.criticality, lang),
                     Coded(status, t(f"plan.status_{status}", lang)), wave, " ".join(group), " ".join(app.depends_on),
                     coded("target", verdict.target, lang), verdict.platform or "", effort,
                     marked(coded("readiness", verdict.readiness, lang), verdict.confidence),
                     Coded(codes[app_id], reason), tasks, dates[0] or "", dates[1] or "",
                     coded("confidence", verdict.confidence, lang, "catalogue")))

    for wave in plan.waves:
        group_of = {a: g for g in wave.move_groups for a in g}
        reasons = {p.id: p.reason for p in wave.placements}
        tasks: dict[str, list[str]] = {}
        for task in ctx["checklists"][wave.number]:
            tasks.setdefault(task["app"], []).append(f"{task['rule']}{task['uncertain_mark']}: {task['remediation']}")
        for app_id in wave.applications:
            row(app_id, "wave", wave.number, group_of[app_id], reasons[app_id], ctx["effort"][app_id],
                "\n".join(tasks.get(app_id, ())), (wave.start, wave.end))
    for held in plan.held:
        row(held.id, "held", None, (), t("plan.held_line", lang, reason=label("held", held.reason, lang),
                                         detail=held.detail))
    for staying in plan.staying:
        row(staying.id, "staying", None, (), staying.reason)
    header, table = coded_columns([(t(f"plan.csv.{column}", lang), column in CODED) for column in CSV_COLUMNS], rows,
                                  lang)
    return csv_bytes(header, table, dialect or default_dialect(lang))


def table(plan: PlanResult, inventory: Inventory, width: int = 160) -> RenderableType:
    """The plan as terminal tables that fit `width` columns (see bleu_assess.render.tables)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from bleu_assess.render.tables import ALWAYS, Column, fitted

    plan = words.plan(plan)
    lang = plan.scan.lang
    ctx = context(plan, inventory)
    parts: list[Any] = [Text(t("plan.title", lang, organisation=plan.scan.inventory.organisation), style="bold"),
                        Text(ctx["summary_line"])]
    if ctx["no_wave"]:
        parts.append(Text(ctx["no_wave"]))
    roadmap = plan.roadmap
    if roadmap is not None:  # dated (--start): the roadmap's line, and each wave's dates below
        parts.append(Text(t("plan.roadmap_line", lang, start=l10n.date(roadmap.start, lang),
                            end=l10n.date(roadmap.end, lang), count=max(roadmap.capacity),
                            capacity="/".join(l10n.number(c, lang) for c in roadmap.capacity),
                            holidays=t("plan.roadmap_holidays", lang, country=l10n.country(roadmap.holidays, lang))
                            if roadmap.holidays else "",
                            freezes=t("plan.roadmap_freezes", lang) if roadmap.freezes else "")))
    for wave in plan.waves:
        title = t("plan.wave_pilot" if wave.pilot else "plan.wave", lang, number=wave.number)
        if wave.start and wave.end:
            title += " — " + t("plan.wave_dates", lang, start=l10n.date(wave.start, lang), end=l10n.date(wave.end, lang))
        apps = wave.applications
        verdicts = [ctx["verdicts"][a] for a in apps]
        reasons = {p.id: p.reason for p in wave.placements}
        columns = [
            Column(t("plan.col_application", lang), [Text(a) for a in apps], ALWAYS, no_wrap=True),
            Column(t("plan.col_criticality", lang),
                   [Text(label("criticality", inventory.applications_by_id[a].criticality, lang)) for a in apps], 2),
            Column(t("plan.col_platform", lang), [Text(v.platform or "—") for v in verdicts], 3),
            Column(t("plan.col_effort", lang), [Text(f"{ctx['effort'][a]:g}") for a in apps], 1),
            Column(t("plan.col_readiness", lang), [Text(label("readiness", v.readiness, lang)
                                                        + confidence_mark(v.confidence, lang)) for v in verdicts], 4),
            Column(t("plan.col_reason", lang), [Text(reasons[a]) for a in apps], 5, flexible_min=20),
        ]
        days = t("plan.person_days", lang, count=wave.effort_days)
        parts.append(fitted(f"{title} — {t('plan.wave_line', lang, count=len(apps), days=days)}",
                            columns, width, lang))
    for key, column, rows in (
            ("held", "col_reason_held", [(h.id, label("held", h.reason, lang), h.detail) for h in plan.held]),
            ("staying", "col_target", [(s.id, label("target", s.target, lang), s.reason) for s in plan.staying])):
        if rows:  # applications held, then those that stay: the id, why, and the detail
            side = Table(title=t(f"plan.{key}_title", lang))
            side.add_column(t("plan.col_application", lang))
            side.add_column(t(f"plan.{column}", lang))
            side.add_column(t("plan.col_detail", lang), overflow="fold")
            for row in rows:
                side.add_row(*map(Text, row))
            parts.append(side)
    if ctx["confidence_legend"]:
        parts.append(Text(ctx["confidence_legend"], style="italic"))
    for warning in plan.warnings:
        parts.append(Text("⚠ " + warning, style="yellow"))
    return Group(*parts)
