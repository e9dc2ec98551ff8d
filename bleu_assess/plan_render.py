"""Renderings of a wave plan: Markdown and JSON through templates (templates/plan/), a terminal table."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bleu_assess.graph_export import mermaid_text
from bleu_assess.i18n import t
from bleu_assess.results import PlanResult, to_json
from bleu_assess.scan_render import label

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bleu_assess.model import Inventory

MERMAID_MAX_APPLICATIONS = 300  # beyond, a diagram is unreadable and slow to render in a wiki


def context(plan: PlanResult, inventory: "Inventory") -> dict[str, Any]:
    """What the plan templates see (documented in docs/planning.md)."""
    verdicts = {i.id: i for i in plan.scan.items}
    apps = inventory.applications_by_id
    wave_of = {a: w.number for w in plan.waves for a in w.applications}
    checklists = {}
    for wave in plan.waves:
        tasks = []
        for app_id in wave.applications:
            for finding in verdicts[app_id].findings:
                if finding.severity in ("high", "medium", "low"):
                    tasks.append({"app": app_id, "rule": finding.rule, "severity": finding.severity,
                                  "remediation": finding.remediation, "title": finding.title})
        checklists[wave.number] = tasks
    moving_deps = sorted((a, d) for a in wave_of for d in apps[a].depends_on if d in wave_of and d != a)
    return {
        "plan": plan, "scan": plan.scan, "inventory": plan.scan.inventory, "apps": apps, "verdicts": verdicts,
        "checklists": checklists, "wave_of": wave_of, "dependencies": moving_deps,
        "moving": len(wave_of), "total_effort": round(sum(w.effort_days for w in plan.waves), 1),
        "show_diagram": 0 < len(wave_of) <= MERMAID_MAX_APPLICATIONS,
        "effort": plan.effort,
        "label": lambda kind, value: label(kind, value, plan.scan.lang),
        "rulesets": ", ".join(f"{r.id}@{r.version}" for r in plan.scan.rulesets),
    }


def mermaid_id(app_id: str) -> str:
    return "a_" + re.sub(r"[^A-Za-z0-9_]", "_", app_id)


def num(value: float) -> str:
    """15.0 -> 15, 2.5 -> 2.5."""
    return f"{value:g}"


FILTERS = {"mermaid": mermaid_text, "mermaid_id": mermaid_id, "json": to_json, "num": num}


def markdown(plan: PlanResult, inventory: "Inventory", template_dir: str | None = None) -> str:
    from bleu_assess.render import render

    return render("plan/plan.md.j2", context(plan, inventory), template_dir, plan.scan.lang, FILTERS)


def json_text(plan: PlanResult, inventory: "Inventory", template_dir: str | None = None) -> str:
    from bleu_assess.render import render

    return render("plan/plan.json.j2", {"document": plan.to_dict()}, template_dir, plan.scan.lang, FILTERS)


def table(plan: PlanResult, inventory: "Inventory") -> "RenderableType":
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    lang = plan.scan.lang
    ctx = context(plan, inventory)
    parts: list[Any] = [Text(t("plan.title", lang, organisation=plan.scan.inventory.organisation), style="bold"),
                        Text(t("plan.summary_line", lang, waves=len(plan.waves), moving=ctx["moving"],
                               held=len(plan.held), staying=len(plan.staying)))]
    for wave in plan.waves:
        title = t("plan.wave_pilot" if wave.number == 1 else "plan.wave", lang, number=wave.number)
        grid = Table(title=f"{title} — {t('plan.wave_line', lang, count=len(wave.applications), days=wave.effort_days)}")
        grid.add_column(t("plan.col_application", lang), no_wrap=True)
        for key in ("col_criticality", "col_platform", "col_effort", "col_readiness"):
            grid.add_column(t(f"plan.{key}", lang), overflow="fold")
        grid.add_column(t("plan.col_reason", lang), overflow="fold", ratio=1, min_width=20)
        reasons = {p.id: p.reason for p in wave.placements}
        for app_id in wave.applications:
            verdict = ctx["verdicts"][app_id]
            grid.add_row(Text(app_id), Text(label("criticality", inventory.applications_by_id[app_id].criticality, lang)),
                         Text(verdict.platform or "—"), Text(f"{ctx['effort'][app_id]:g}"),
                         Text(label("readiness", verdict.readiness, lang)), Text(reasons[app_id]))
        parts.append(grid)
    if plan.held:
        held = Table(title=t("plan.held_title", lang))
        held.add_column(t("plan.col_application", lang))
        held.add_column(t("plan.col_reason_held", lang))
        held.add_column(t("plan.col_detail", lang), overflow="fold")
        for item in plan.held:
            held.add_row(Text(item.id), Text(label("held", item.reason, lang)), Text(item.detail))
        parts.append(held)
    if plan.staying:
        staying = Table(title=t("plan.staying_title", lang))
        staying.add_column(t("plan.col_application", lang))
        staying.add_column(t("plan.col_target", lang))
        staying.add_column(t("plan.col_detail", lang), overflow="fold")
        for item in plan.staying:
            staying.add_row(Text(item.id), Text(label("target", item.target, lang)), Text(item.reason))
        parts.append(staying)
    for warning in plan.warnings:
        parts.append(Text("⚠ " + warning, style="yellow"))
    return Group(*parts)
