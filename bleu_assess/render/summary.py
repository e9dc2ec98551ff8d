"""The one-page summary that opens every report: four answers in names, not ids — what can
move, what cannot and why, when, and what the direction must decide — with the unknowns
counted where they show. Which findings call for which decision is data
(`rulesets/decisions.yaml`); the wording is in templates/i18n/report.*.yaml."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from bleu_assess.assess.results import ItemVerdict, PlanResult, ScanResult, decided, worded
from bleu_assess.inventory.model import Inventory
from bleu_assess.plan.waves import CRITICALITY_RANK, pending_offers
from bleu_assess.render import l10n, words
from bleu_assess.render.i18n import catalogue, label, t
from bleu_assess.render.words import deadline_title
from bleu_assess.vocab import SEVERITY_RANK, HeldReason

MAX_NAMES = 6  # names listed in a sentence before "and N more": the page must hold
# The readiness sentence's clauses (report.readiness_<part>), in reading order.
READINESS_PARTS = (("ready", "ready"), ("conditions", "ready-with-conditions"), ("blocked", "not-ready"),
                   ("unknown", "unknown"))


@cache
def decision_data() -> dict[str, Any]:
    from bleu_assess.rules.refdata import read

    return read("decisions.yaml")


def names_list(names: Iterable[str], lang: str, limit: int = MAX_NAMES) -> str:
    """`A, B and 3 more` in the reader's language (list separator of the catalogue)."""
    names = list(names)
    shown = t("cli.list_separator", lang).join(names[:limit])
    return shown + (" " + t("report.more", lang, count=len(names) - limit) if len(names) > limit else "")


def _qualification(code: str, lang: str) -> str:
    """A qualification's label, or its code when the catalogue does not know it."""
    return label("qualification", code, lang) if f"values.qualification.{code}" in catalogue(lang) else code


# Why an application cannot move, the hardest first: a declared or found blocker, then waiting for
# one, no landing zone, missing facts; an application that stays by choice comes after them all.
BLOCKER_RANK = {HeldReason.NOT_READY: 0, HeldReason.DEPENDS_ON_HELD: 1, HeldReason.PIN_CONFLICT: 2,
                HeldReason.NO_LANDING_ZONE: 3, HeldReason.UNKNOWN: 4}


def one_page(scan: ScanResult, plan: PlanResult, inventory: Inventory) -> dict[str, Any]:
    """The summary's content (docs/report.md): `figures` [(value, label, kind)], `recommended_note`
    (recommended_caveat, under the figures, or None), `move` and
    `when` (sentences), `cannot` [{why, names}], `decisions` [{kind, title, lines}], `unknowns`
    {count, lines}. Every application or provider is named by its name."""
    lang = scan.lang
    say = lambda key, **values: t(f"report.{key}", lang, **values)  # noqa: E731
    names = {a.id: a.name for a in inventory.applications} | {d.id: d.name for d in inventory.datasets}
    providers = {p.id: p.name for p in inventory.providers}
    verdicts = {v.id: v for v in scan.items}
    apps = inventory.applications_by_id
    moving = [a for w in plan.waves for a in w.applications]
    total_days = sum(w.effort_days for w in plan.waves)

    move = []
    if plan.waves:
        move.append(say("move_line", count=len(moving), waves=say("waves_count", count=len(plan.waves)),
                        days=t("plan.person_days", lang, count=total_days)))
        pilot = plan.waves[0]
        pilot_names = names_list((names[a] for a in pilot.applications), lang)
        # A dated plan says when the pilot starts; an undated one, that nothing holds it back.
        # No pilot when only vital applications can start the plan (plan/waves.py).
        dated, undated = ("move_pilot_dated", "move_pilot") if pilot.pilot else ("move_first_dated", "move_first")
        move.append(say(dated, names=pilot_names, day=pilot.start) if pilot.start else say(undated, names=pilot_names))
    else:
        move.append(say("move_none"))

    # What cannot move, grouped by why: id -> the why's place among the blockers (BLOCKER_RANK).
    cannot: dict[str, list[str]] = defaultdict(list)
    blocking: dict[str, int] = {}
    held_ids = {h.id for h in plan.held}
    missing = {verdict.id: titles for verdict, titles in missing_facts(scan)}
    for held in plan.held:
        verdict = verdicts[held.id]
        if held.reason == "not-ready":
            blocker = min((f for f in decided(verdict) if f.severity in ("blocker", "high")),
                          key=lambda f: SEVERITY_RANK[f.severity], default=None)
            why = worded(verdict, blocker).title if blocker else label("held", held.reason, lang)
        elif held.reason == "depends-on-held":
            waited = sorted(d for d in apps[held.id].depends_on if d in held_ids)
            why = say("why_waits", name=names[waited[0]]) if waited else label("held", held.reason, lang)
        elif held.reason == "unknown" and held.id in missing:
            why = missing[held.id][0]  # what is missing, not « Indéterminé »
        else:
            why = label("held", held.reason, lang)
        cannot[why].append(held.id)
        blocking[why] = min(blocking.get(why, len(BLOCKER_RANK)), BLOCKER_RANK[HeldReason(held.reason)])
    for stays in plan.staying:
        # Why it stays (its strategy), not where it would go: a retained application is no target.
        strategy = apps[stays.id].strategy if stays.id in apps else None
        why = say(f"cannot_{strategy}") if strategy in ("retain", "retire") else words.phrase(stays.reason, lang, names)
        why = why[:1].upper() + why[1:]
        cannot[why].append(stays.id)
        blocking[why] = len(BLOCKER_RANK)

    def weight(app_id: str) -> tuple[int, str]:
        """What matters first to a direction: the most critical application, then by name."""
        app = apps.get(app_id)
        return (-CRITICALITY_RANK[app.criticality] if app else 0, names[app_id])

    def order(why: str, who: list[str]) -> tuple[int, int, str, str]:
        """A reason's place: its most critical application's criticality, how hard the blocker
        is, that application's name, the reason itself (deterministic)."""
        rank, name = weight(min(who, key=weight))
        return rank, blocking[why], name, why

    when = []
    roadmap = plan.roadmap
    if roadmap is not None and plan.waves:
        for wave in plan.waves:
            when.append(say("when_wave", number=wave.number, start=l10n.date(wave.start, lang),
                            end=l10n.date(wave.end, lang), count=len(wave.applications)))
        # What lies ahead, and what had to be met; passed notices stay in the deadlines table.
        for deadline in (d for d in roadmap.deadlines if d.must_meet or d.date >= roadmap.start):
            when.append(say("when_deadline", date=l10n.date(deadline.date, lang),
                            title=deadline_title(deadline, lang, roadmap.start),
                            names=names_list((names[a] for a in deadline.applications), lang, 3)))
    elif plan.waves:
        when.append(say("when_undated", count=len(plan.waves), days=t("plan.person_days", lang, count=total_days)))

    data = decision_data()
    staying = {s.id for s in plan.staying}
    decisions = []
    for kind, spec in (data.get("decisions") or {}).items():
        lines = []
        models, kinds = set(spec.get("hosting_models") or ()), set(spec.get("kinds") or ())
        rules, unlawful = set(spec.get("rules") or ()), set(spec.get("staying_rules") or ())
        by_why: dict[str, list[str]] = defaultdict(list)
        for verdict in scan.items:
            if ((models and (verdict.kind != "application" or verdict.hosting_model not in models))
                    or (kinds and verdict.kind not in kinds)):
                continue
            # A retained application asks for a decision only about what is unlawful where it is.
            asked = unlawful if verdict.id in staying else rules
            titles = [worded(verdict, f).title for f in decided(verdict) if f.rule in asked]
            if verdict.readiness in (spec.get("readiness") or ()):
                titles.append(label("readiness", verdict.readiness, lang))
            if titles:
                app = apps.get(verdict.id)
                provider = providers.get(app.hosting.provider) if app and app.hosting and app.hosting.provider else None
                who = say("name_at", name=names[verdict.id], provider=provider) if provider else names[verdict.id]
                by_why[titles[0]].append(who)
        if kind == "pending-offer":
            offers: dict[tuple[str, str, str], list[str]] = defaultdict(list)
            platforms = inventory.platforms_by_id
            for verdict in sorted(scan.applications, key=lambda v: v.id):
                if verdict.id in staying or verdict.platform is not None:
                    continue
                app_id = verdict.id
                for offer in pending_offers(verdict, inventory)[:1]:  # the soonest (or first) offer that would do
                    provider = providers.get(platforms[offer.platform].provider, offer.platform)
                    expected = l10n.date(offer.expected, lang) if offer.expected else say("date_unknown")
                    qualifications = ", ".join(_qualification(q, lang) for q in offer.qualifications)
                    offers[(provider, qualifications, expected)].append(names[app_id])
            lines += [say("decide_pending", names=names_list(n, lang), provider=p, qualification=q, date=d)
                      for (p, q, d), n in sorted(offers.items())]
        if kind == "derogation" and roadmap is not None:
            lines += [say("decide_derogation", subject=d.subject, date=l10n.date(d.date, lang),
                          names=names_list((names[a] for a in d.applications), lang))
                      for d in roadmap.deadlines if d.kind == "derogation-end"]
        lines += [say("decide_line", why=why, names=names_list(who, lang)) for why, who in sorted(by_why.items())]
        if lines:
            decisions.append({"kind": kind, "title": say(f"decision_{kind}"), "lines": lines})

    unknown: dict[str, list[str]] = defaultdict(list)
    unknown_ids = set()
    for verdict in scan.items:
        for title in missing.get(verdict.id, ()):
            unknown[title].append(names[verdict.id])
            unknown_ids.add(verdict.id)

    summary = scan.summary()
    scope = summary["secnumcloud_scope"]
    # The headline's unknowns are the applications that cannot be assessed (readiness unknown, as
    # `scan` counts them); one whose readiness is decided but another verdict rests on a missing
    # fact keeps its place (held, staying) and is named among the unknowns below.
    cannot_assess = {i.id for i in scan.applications if i.readiness == "unknown"}
    # The recommended scope beside the required one: an estate of health data is mostly the former.
    figures = [(count, say(key, count=count), kind) for count, key, kind in (
        (summary["applications"], "figure_applications", "total"),
        (len(moving), "figure_moving", "ready"),
        # The headline adds up to the total: what cannot be assessed is counted once, as unknown.
        (len(held_ids - cannot_assess), "figure_held", "not-ready"),
        (len({s.id for s in plan.staying} - cannot_assess), "figure_staying", "neutral"),
        # Applications only, as the figures beside it: an unknown dataset is named below, not counted here.
        (len(cannot_assess), "figure_unknown", "unknown"),
        (scope["required"], "figure_snc", "required"),
        (scope["recommended"], "figure_snc_recommended", "recommended"),
    )]
    return {
        "figures": figures, "recommended_note": recommended_caveat(scan, named=False), "move": move, "when": when,
        "cannot": [{"why": why, "names": names_list((names[a] for a in sorted(who, key=weight)), lang)}
                   for why, who in sorted(cannot.items(), key=lambda c: order(*c))],
        "decisions": decisions,
        "unknowns": {"count": len(unknown_ids),
                     "lines": [say("decide_line", why=why, names=names_list(who, lang)) for why, who in sorted(unknown.items())]},
    }


def recommended_caveat(scan: ScanResult, named: bool = True) -> str | None:
    """What a count of SecNumCloud-recommended applications rests on, in the scan's language, said
    wherever the summary counts them: a recommendation, not a legal requirement; then how many of
    them were made recommended by a rule whose basis is itself uncertain or contested (its
    `uncertain` note, e.g. health data of a hospital), with those findings' titles when `named`
    (the one-page summary counts them only: its page is full). None when no application is
    recommended."""
    lang = scan.lang
    recommended = [a for a in scan.applications if a.secnumcloud_scope == "recommended"]
    if not recommended:
        return None
    titles: Counter[str] = Counter()
    contested = 0
    # By the finding's rules: whether they make the scope recommended on a contested basis, and
    # its title (rule titles name no item): worded once per rule, not once per application.
    basis: dict[tuple[str, tuple[str, ...]], str | None] = {}
    for app in recommended:
        said: set[str] = set()
        for finding in decided(app):
            key = (finding.rule, tuple(finding.rules or ()))
            if key not in basis:
                words = worded(app, finding) if _makes_recommended(scan, finding) else None
                basis[key] = words.title if words is not None and words.uncertain else None
            title = basis[key]
            if title is not None:
                said.add(title)
        titles.update(said)
        contested += bool(said)
    out = t("report.recommended_basis", lang)
    if contested and not named:
        out += " " + t("report.recommended_contested_count", lang, count=contested)
    elif contested:
        out += " " + t("report.recommended_contested", lang, count=contested, titles=t("cli.list_separator", lang).join(
            t("report.recommended_title", lang, title=title, count=n)
            for title, n in sorted(titles.items(), key=lambda kv: (-kv[1], kv[0]))))
    return out


def _makes_recommended(scan: ScanResult, finding: Any) -> bool:
    """Whether one of the finding's rules sets the scope to recommended (the rules when the scan
    has them; a result read back without them: any SecNumCloud finding)."""
    if not scan.sources:
        return bool(finding.dimension == "secnumcloud")
    rules = [scan.sources[r][1] for r in (finding.rules or (finding.rule,)) if r in scan.sources]
    return any(rule.verdict.get("secnumcloud_scope") == "recommended" for rule in rules)


def missing_facts(scan: ScanResult) -> Iterator[tuple[ItemVerdict, list[str]]]:
    """Each item that lacks facts (rulesets/decisions.yaml `unknowns`: its rules, or a readiness
    listed there), with what it lacks: the titles of those rules' findings, else its readiness."""
    spec = decision_data().get("unknowns") or {}
    rules, readiness = set(spec.get("rules") or ()), set(spec.get("readiness") or ())
    for verdict in scan.items:
        titles = list(dict.fromkeys(worded(verdict, f).title for f in decided(verdict) if f.rule in rules))
        # 'Unknown' readiness only when no finding says what is missing (it would name it twice).
        if not titles and verdict.readiness in readiness:
            titles.append(label("readiness", verdict.readiness, scan.lang))
        if titles:
            yield verdict, titles


def top_blockers(scan: ScanResult, limit: int = 5) -> list[dict[str, Any]]:
    """The rules of blocker and high findings on applications, blockers first, then those
    affecting most applications: each {rule, title, count (applications), severity}."""
    blocking = Counter((f.severity, f.rule, worded(a, f).title) for a in scan.applications for f in decided(a)
                       if f.severity in ("blocker", "high"))
    return [{"rule": rule, "title": title, "count": n, "severity": severity}
            for (severity, rule, title), n in sorted(
                blocking.items(), key=lambda kv: (SEVERITY_RANK[kv[0][0]], -kv[1], kv[0][1]))[:limit]]


# The scan table's column naming each verdict an item may leave undecided.
_VERDICT_COLUMNS = {"secnumcloud_scope": "col_scope", "residency": "col_residency", "exposure": "col_exposure",
                    "target": "col_target"}


def _provisional_sentence(provisional: dict[str, dict[str, int]], say: Any, lang: str) -> list[str]:
    """The sentence saying how many of the counted verdicts are provisional, by verdict and value
    (they rest on facts missing from the inventory); none when every verdict is decided."""
    parts = [t("report.field", lang, name=t(f"scan.{_VERDICT_COLUMNS[dimension]}", lang)) + " "
             + ", ".join(f"{label(dimension, value, lang)} {n}"
                         for value, n in by_value.items())
             for dimension, by_value in provisional.items()]
    return [say("exec_provisional", values=t("cli.list_separator", lang).join(parts))] if parts else []


def executive_sentences(scan: ScanResult, plan: PlanResult, inventory: Inventory,
                        top_rules: list[dict[str, Any]]) -> list[str]:
    """The executive summary's sentences in the scan's language, each count worded with its
    plural form (« aucune application n'est … », « 1 application est … », « 3 applications
    sont … »): what cannot be assessed, readiness, SecNumCloud scope, exposure to non-EU law,
    main obstacles (`top_rules`, from top_blockers), the pilot wave and the held count."""
    lang = scan.lang
    say = lambda key, **values: t(f"report.{key}", lang, **values)  # noqa: E731
    separator = t("cli.list_separator", lang)
    summary = scan.summary()
    readiness, scope = summary["readiness"], summary["secnumcloud_scope"]
    unknown = summary["cannot_assess"]["applications"]
    # Facts missing come first: an estate that cannot be assessed must not read as green.
    out = [say("exec_cannot_assess", count=unknown, reasons=separator.join(
        f"{title} ({n})" for _, title, n in scan.unknown_reasons()))] if unknown else []
    exposed = [a for a in scan.applications if a.exposure.level != "none"]
    critical = [a for a in exposed if a.exposure.level == "critical"]
    out += [
        say("exec_readiness", count=summary["applications"], parts=l10n.join(
            [say(f"readiness_{part}", count=readiness[code]) for part, code in READINESS_PARTS if readiness[code]],
            lang)),
        say("exec_scope", required=say("scope_required", count=scope["required"]),
            recommended=say("scope_recommended", count=scope["recommended"]),
            excluded=say("scope_excluded", count=scope["excluded"])),
        # « Recommended » is a recommendation, some of them on a contested basis: said with the count.
        *([caveat] if (caveat := recommended_caveat(scan)) else []),
        *_provisional_sentence(summary["provisional"], say, lang),
        say("exec_exposure", count=len(exposed), critical=say(
            "exposure_all_critical" if critical and len(critical) == len(exposed) else "exposure_critical",
            count=len(critical))),
    ]
    if top_rules:
        out.append(say("exec_blockers", rules=separator.join(f"{r['title']} ({r['count']})" for r in top_rules[:3])))
    if plan.waves:
        names = {a.id: a.name for a in inventory.applications}
        pilot = plan.waves[0]
        out.append(say("exec_pilot" if pilot.pilot else "exec_first",
                       apps=separator.join(names[a] for a in pilot.applications),
                       days=t("plan.person_days", lang, count=pilot.effort_days), count=len(plan.waves)))
    # As the headline counts them (one_page): what lacks facts is told apart (exec_cannot_assess).
    unassessed = {verdict.id for verdict, _ in missing_facts(scan)}
    waiting = [h for h in plan.held if h.id not in unassessed]
    if waiting:
        out.append(say("exec_held", count=len(waiting)))
    return out
