"""Stage 6: the readiness report — one self-contained HTML file, or Markdown — from a scan and
a plan. This module builds the documented context the templates see (docs/report.md); the
wording lives in templates/i18n/report.*.yaml and the layout in templates/report/."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from bleu_assess import gcpause
from bleu_assess.assess.naming import Referrer
from bleu_assess.assess.results import Finding, ItemVerdict, PlanResult, ScanResult, worded_findings
from bleu_assess.clock import reference_moment
from bleu_assess.inventory.model import CLASSIFICATIONS, CRITICALITIES, HOSTING_MODELS, Inventory
from bleu_assess.render import charts, l10n
from bleu_assess.render.i18n import label, t
from bleu_assess.render.scan import confidence_meaning
from bleu_assess.vocab import EXPOSURE_RANK, SEVERITY_RANK, ExposureLevel, Readiness, Scope

AUDIENCES = ("executive", "technical")
# Applications most in need of attention first.
READINESS_ORDER: dict[str, int] = {Readiness.NOT_READY: 0, Readiness.UNKNOWN: 1, Readiness.READY_WITH_CONDITIONS: 2,
                                   Readiness.READY: 3}


def generation_time() -> str | None:
    """The generation moment, ISO 8601 in UTC (the audit trail's machine-readable form)."""
    return reference_moment().strftime("%Y-%m-%d %H:%M UTC")


def _item(verdict: ItemVerdict) -> dict[str, Any]:
    exposure = verdict.exposure
    findings = worded_findings(verdict)  # not kept on the item: each record is made once
    return {
        "id": verdict.id, "kind": verdict.kind, "name": verdict.name, "owner": verdict.owner,
        "criticality": verdict.criticality, "classification": verdict.classification,
        "readiness": verdict.readiness, "scope": verdict.secnumcloud_scope, "residency": verdict.residency,
        "exposure": {"level": exposure.level, "score": exposure.score, "paths": exposure.paths},
        "target": verdict.target, "platform": verdict.platform,
        "findings": [_finding(f) for f in findings], "hosting_model": verdict.hosting_model,
        "codes": " ".join(sorted({f.rule for f in findings})),  # the item table's summary line
        "confidence": verdict.confidence,
        "undecided": verdict.undecided,  # verdicts resting on facts missing: marked provisional
    }


def _finding(finding: Finding) -> dict[str, Any]:
    # Templates read the same fields; the sandbox reads a mapping's keys about three times
    # faster than a record's attributes (which it vets one by one), and there are ~10 per item.
    return {"rule": finding.rule, "ruleset": finding.ruleset, "dimension": finding.dimension,
            "severity": finding.severity, "title": finding.title, "message": finding.message,
            "remediation": finding.remediation, "references": finding.references, "evidence": finding.evidence,
            "confidence": finding.confidence,
            "rules": finding.rule_ids, "method_references": finding.method_references, "uncertain": finding.uncertain}


def context(scan: ScanResult, plan: PlanResult, inventory: Inventory, audience: str,
            template_dir: str | None = None, fit: Any = None) -> dict[str, Any]:
    """`fit`: a fit.FitMatrix for the fit section, or None."""
    from bleu_assess.render import catalogue as catalogue_render
    from bleu_assess.render import fit as fit_render
    from bleu_assess.render import words
    from bleu_assess.render.summary import executive_sentences, one_page, top_blockers

    lang = scan.lang
    plan = words.plan(plan, lang)

    def say(key: str, **values: Any) -> str:
        return t(f"report.{key}", lang, **values)

    labels: dict[tuple[str, str | None], str] = {}

    def lab(kind: str, value: str | None) -> str:
        # The same few codes on every row (a severity for each finding): each worded once.
        found = labels.get((kind, value))
        if found is None:
            found = labels[kind, value] = label(kind, value, lang)
        return found

    summary = scan.summary()
    apps = sorted(scan.applications, key=lambda i: (READINESS_ORDER[i.readiness], i.id))
    datasets = sorted(scan.datasets, key=lambda i: (-EXPOSURE_RANK[i.exposure.level], i.id))
    top_rules = top_blockers(scan)
    executive = executive_sentences(scan, plan, inventory, top_rules)

    # Data not classified yet has no row in the exposure heat map.
    classes = {a.id: {c for d in a.datasets if (c := inventory.datasets_by_id[d].classification) is not None}
               for a in inventory.applications}
    chart_list = _charts(scan, summary, plan, classes, say, lab)
    from bleu_assess.render import plan as plan_render
    from bleu_assess.render import report_parts

    plan_context = plan_render.context(plan, inventory)
    groups = report_parts.rule_groups(scan)
    return {
        "lang": lang, "audience": audience, "technical": audience == "technical",
        "organisation": inventory.organisation, "generated": l10n.moment(reference_moment(), lang),
        "generated_iso": generation_time(),
        "page": one_page(scan, plan, inventory), "roadmap": plan_context["roadmap"],
        "checklists": plan_context["checklists"], "rule_groups": groups,
        "finding_count": sum(len(g["items"]) for g in groups),
        # The executive audience gets the exposure paths only; the technical one every diagram.
        "diagrams": report_parts.diagrams(scan, inventory, say, None if audience == "technical" else 1),
        "brand": report_parts.brand(template_dir),
        "date": lambda value, form="long": l10n.date(value, lang, form),
        "number": lambda value: l10n.number(value, lang),
        "tool_version": scan.tool_version, "inventory": scan.inventory,
        # Each ruleset with its status in words; those not in force also said first thing.
        "rulesets": [{"id": r.id, "version": r.version, "sha256": r.sha256, "status": words.ruleset_status(r, lang)}
                     for r in scan.rulesets],
        "undecided_mark": t("scan.undecided_mark", lang),
        "undecided_legend": (t("scan.undecided_legend", lang, mark=t("scan.undecided_mark", lang))
                             if any(i.undecided for i in scan.items) else None),
        # The legend of † wherever a finding shows it (its group's items; the docx's blockers).
        "confidence_legend": (confidence_meaning(lang)
                              if any(i.confidence for i in scan.items) else None),
        "rulesets_not_in_force": [said[:1].upper() + said[1:] for r in scan.rulesets
                                  if (said := words.ruleset_warning(r, lang))],
        "summary": summary, "executive": executive, "top_rules": top_rules, "charts": chart_list,
        "applications": report_parts.Records(apps, _item), "datasets": report_parts.Records(datasets, _item),
        "plan": plan, "app_names": {a.id: a.name for a in inventory.applications},
        # An exposure path's steps by their names (`provider:ms365` -> « Microsoft 365 »).
        "path_names": lambda steps, named=Referrer(inventory): [named("path", s) for s in steps],
        "platforms": {a.id: a.platform for a in scan.applications},
        "label": lab, "severity_rank": SEVERITY_RANK,
        # templates/report/catalogue.*.j2: the catalogue used and the fit matrix (issue 20).
        "catalogue": catalogue_render.report_context(inventory, lang),
        "fit": fit_render.report_context(fit, lang) if fit is not None else None,
    }


def _charts(scan: ScanResult, summary: dict[str, Any], plan: PlanResult, classes: dict[str, set[str]], say: Any,
            lab: Any) -> list[dict[str, Any]]:
    apps = scan.applications
    out = []
    # Readiness by criticality.
    rows: list[tuple[str, dict[str, int]]] = []
    for criticality in reversed(CRITICALITIES):
        counts = Counter(a.readiness for a in apps if a.criticality == criticality)
        rows.append((criticality, {r: counts.get(r, 0) for r in Readiness}))
    series = [charts.Series(r, lab("readiness", r)) for r in Readiness]
    out.append({
        "id": "chart-readiness", "title": say("chart_readiness"),
        "svg": Markup(charts.stacked_bars("chart-readiness", say("chart_readiness"), say("chart_readiness_desc"),
                                          [(lab("criticality", c), v) for c, v in rows], series)),
        "headers": [say("criticality")] + [s.label for s in series],
        "rows": [[lab("criticality", c)] + [v[r] for r in Readiness] for c, v in rows],
    })
    # Exposure heat map: classification of the data held x current hosting model.
    cells: dict[tuple[str, str], tuple[str, int, int]] = {}
    for app in apps:
        model = app.hosting_model or "on-premises"
        for classification in classes[app.id]:
            level, exposed, total = cells.get((classification, model), ("none", 0, 0))
            worst = max(level, app.exposure.level, key=EXPOSURE_RANK.__getitem__)
            cells[(classification, model)] = (worst, exposed + (app.exposure.level != "none"), total + 1)
    out.append({
        "id": "chart-exposure", "title": say("chart_exposure"),
        "svg": Markup(charts.heat_map("chart-exposure", say("chart_exposure"), say("chart_exposure_desc"),
                                      CLASSIFICATIONS, HOSTING_MODELS, cells,
                                      {c: lab("classification", c) for c in CLASSIFICATIONS},
                                      {m: lab("hosting", m) for m in HOSTING_MODELS},
                                      [charts.Series(level, lab("exposure", level)) for level in ExposureLevel])),
        "headers": [say("classification")] + [lab("hosting", m) for m in HOSTING_MODELS],
        "rows": [[lab("classification", c)] + [
            (f"{cells[(c, m)][1]}/{cells[(c, m)][2]} ({lab('exposure', cells[(c, m)][0])})" if (c, m) in cells else "—")
            for m in HOSTING_MODELS] for c in CLASSIFICATIONS],
    })
    # SecNumCloud scope.
    scope = summary["secnumcloud_scope"]
    out.append({
        "id": "chart-scope", "title": say("chart_scope"),
        "svg": Markup(charts.bars("chart-scope", say("chart_scope"), say("chart_scope_desc"),
                                  [(s, lab("secnumcloud_scope", s), scope[s]) for s in Scope])),
        "headers": [say("scope"), say("applications")],
        "rows": [[lab("secnumcloud_scope", s), scope[s]] for s in Scope],
    })
    # Wave timeline: dated when the plan is (--start), else the effort of each wave.
    lang = scan.lang
    # Beside a bar the note must be short: abbreviated units (« 62 j·h · 4 appli. »).
    notes = {w.number: say("chart_wave_note", days=w.effort_days, count=len(w.applications)) for w in plan.waves}
    if plan.roadmap is not None and plan.waves:
        from bleu_assess.render.report_parts import dated_timeline

        svg = dated_timeline(plan, notes, say)
        out.append({
            "id": "chart-waves", "title": say("chart_roadmap"), "svg": Markup(svg),
            "headers": [say("wave_column"), say("start"), say("end"), say("effort_column"), say("applications")],
            "rows": [[say("wave", number=w.number), l10n.date(w.start, lang), l10n.date(w.end, lang),
                      l10n.number(w.effort_days, lang), len(w.applications)] for w in plan.waves],
        })
        return out
    waves = [(say("wave", number=w.number), w.effort_days, notes[w.number]) for w in plan.waves]
    out.append({
        "id": "chart-waves", "title": say("chart_waves"),
        "svg": Markup(charts.timeline("chart-waves", say("chart_waves"), say("chart_waves_desc"), waves)),
        "headers": [say("wave_column"), say("effort_column"), say("applications")],
        "rows": [[say("wave", number=w.number), l10n.number(w.effort_days, lang), len(w.applications)]
                 for w in plan.waves],
    })
    return out


def render(scan: ScanResult, plan: PlanResult, inventory: Inventory, fmt: str, audience: str,
           template_dir: str | None, fit: Any = None) -> str:
    """The report as one string (see `stream`)."""
    return "".join(stream(scan, plan, inventory, fmt, audience, template_dir, fit))


def stream(scan: ScanResult, plan: PlanResult, inventory: Inventory, fmt: str, audience: str,
           template_dir: str | None, fit: Any = None) -> Iterator[str]:
    """The report (`fmt` html or markdown) as chunks of text, generated while they are written
    (templating.stream): the whole HTML of a large estate is never held in memory at once."""
    from bleu_assess.render.plan import FILTERS
    from bleu_assess.render.templating import stream as stream_template

    with gcpause.paused():
        ctx = context(scan, plan, inventory, audience, template_dir, fit)
        name = "report/report.html.j2" if fmt == "html" else "report/report.md.j2"
        yield from stream_template(name, ctx, template_dir, scan.lang, FILTERS)
