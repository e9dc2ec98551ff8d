"""Parts of the report's context beyond the scan's own records: findings grouped by rule, the
dependency and exposure diagrams, the dated timeline, and the branding settings shared by the
HTML and Word renderings (docs/report.md)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from bleu_assess.assess.results import Finding, ItemVerdict, PlanResult, ScanResult, decided, worded, worded_text
from bleu_assess.inventory.model import Inventory
from bleu_assess.render import charts, l10n
from bleu_assess.render.words import deadline_title
from bleu_assess.vocab import SEVERITY_RANK

Say = Callable[..., str]


class Records:
    """A sequence of template records made from `source` as they are read (`make(element)`),
    never all held at once: a report of 100,000 applications reads a million finding records
    once each, row by row, while they are written (templating.stream). It has a length, is
    true when not empty, iterates (each time anew) and indexes or slices like a list."""

    __slots__ = ("_make", "_source")

    def __init__(self, source: Sequence[Any], make: Callable[[Any], dict[str, Any]]) -> None:
        self._source, self._make = source, make

    def __len__(self) -> int:
        return len(self._source)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._make, self._source)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._make(element) for element in self._source[index]]
        return self._make(self._source[index])


def rule_groups(scan: ScanResult) -> list[dict[str, Any]]:
    """Every finding, grouped by rule: most severe first, then the rules affecting most items.
    Each group: `rule`, `ruleset`, `dimension`, `severity`, `title`, `remediation` (None when
    its findings' remediations differ), `remediations` ({text, names}: each distinct one, with
    the names of the items it is for), `rules` (every rule merged into a finding of the group,
    `rule` first: its findings may merge different rules), `references` and `method_references`
    (those of all these rules: `_cited`), `uncertain` (the note on an uncertain legal basis when
    every finding of the group has the same, else None), `uncertainties` ({text, names}: each
    distinct note, with the names of the items whose finding has it; an item whose finding has
    none is in none), `items` ({id, kind, name, message, confidence}, by name, `confidence` that of
    the catalogue facts its finding rests on when not all official; Records: made as they are
    read). Nothing is dropped: the items of a group are exactly those with a finding of that rule."""
    groups: dict[str, dict[str, Any]] = {}
    # A group is worded by the first finding of its rule in the results' order. Findings are
    # worded as they are needed and not kept (results.worded): held to the end of the report,
    # the words of every finding were a third of its peak memory at 100,000 applications.
    for item in scan.items:
        for finding in decided(item):
            if finding.rule not in groups:
                finding = worded(item, finding)
                groups[finding.rule] = {
                    "rule": finding.rule, "ruleset": finding.ruleset, "dimension": finding.dimension,
                    "severity": finding.severity, "title": finding.title, "remediation": finding.remediation,
                    "references": finding.references, "rules": finding.rule_ids, "uncertain": finding.uncertain,
                    "method_references": finding.method_references}
    # Items taken by name once (a stable sort, as sorting each group's items was): each group's
    # list comes out in that order, without a sort key made for each of a million findings.
    pairs: dict[str, list[tuple[ItemVerdict, Finding]]] = {rule: [] for rule in groups}
    for item in sorted(scan.items, key=lambda i: (i.name.casefold(), i.id)):
        for finding in decided(item):
            pairs[finding.rule].append((item, finding))
    for rule, group in groups.items():
        group["items"] = Records(pairs[rule], _group_item)
        # A remediation that names its item (« Migrer Messagerie… vers… ») is not the group's:
        # the group shows one only when every finding of the rule has the same.
        # Then it lists each distinct remediation once, with the items it is for.
        distinct: dict[str, list[str]] = {}
        for item, finding in pairs[rule]:
            distinct.setdefault(worded_text(item, finding, "remediation"), []).append(item.name)
        group["remediations"] = [{"text": text, "names": names} for text, names in distinct.items()]
        if len(distinct) > 1:
            group["remediation"] = None
        # The note is its rules' (those merged into each finding: assess/merge.py), not the
        # group's: an item whose finding merges no uncertain rule must not read as uncertain.
        merged: dict[tuple[str, ...], Finding] = {}  # a worded finding per distinct tuple of rules
        notes: dict[str, list[str]] = {}
        for item, finding in pairs[rule]:
            ids = finding.rule_ids
            if ids not in merged:
                merged[ids] = worded(item, finding)
            if merged[ids].uncertain:
                notes.setdefault(str(merged[ids].uncertain), []).append(item.name)
        group["uncertainties"] = [{"text": text, "names": names} for text, names in notes.items()]
        everyone = len(notes) == 1 and len(next(iter(notes.values()))) == len(pairs[rule])
        group["uncertain"] = next(iter(notes)) if everyone else None
        _cited(group, scan, list(merged.values()))
    return sorted(groups.values(), key=lambda g: (SEVERITY_RANK[g["severity"]], -len(g["items"]), g["rule"]))


def _cited(group: dict[str, Any], scan: ScanResult, merged: list[Finding]) -> None:
    """The group's `rules` and references: those of every rule its findings merge (`merged`: a
    worded finding per distinct tuple of rule ids, by item name), not its first finding's alone:
    its rule, then the others as the findings first name them. Worded from the rules' sources
    (findings_words.references), each source once with all its pinpoints; for rules this tool
    does not know (a results file read back), the findings' own references, each once."""
    from bleu_assess.render.findings_words import references

    ids = tuple(dict.fromkeys((group["rule"], *(r for f in merged for r in f.rule_ids))))
    if ids == group["rules"]:
        return
    group["rules"] = ids
    if scan.sources is not None and all(r in scan.sources for r in ids):
        group["references"], group["method_references"] = references(scan.sources, ids, scan.lang)
    else:
        group["references"] = tuple(dict.fromkeys(r for f in merged for r in f.references))
        group["method_references"] = tuple(dict.fromkeys(r for f in merged for r in f.method_references))


def _group_item(pair: tuple[ItemVerdict, Finding]) -> dict[str, Any]:
    """The record of an item in its finding's group, `pair` its item and decided finding."""
    item, finding = pair
    return {"id": item.id, "kind": item.kind, "name": item.name, "message": worded_text(item, finding, "message"),
            "confidence": finding.confidence}


def diagrams(scan: ScanResult, inventory: Inventory, say: Say, limit: int | None = None) -> list[dict[str, Any]]:
    """The report's diagrams (bleu_assess.render.diagram): `id`, `title`, `svg` (None without
    Graphviz), `paths` (each {level, names}: the exposure paths it shows, as text), `unlinked`
    (names of applications an overview leaves out). At most `limit` diagrams, the first ones."""
    from bleu_assess.render import diagram

    titles = {"exposure": say("diagram_exposure"), "overview": say("diagram_overview"), "item": say("diagram_item")}
    pictures = diagram.diagrams(scan.applications, inventory, titles)[:limit]
    svgs = diagram.render_svgs([(p, p.title, say("diagram_desc", count=len(p.paths))) for p in pictures])
    out = []
    for picture, svg in zip(pictures, svgs):
        paths = [{"level": level, "names": [picture.nodes[n][1] for n in steps]} for level, steps in picture.paths]
        out.append({"id": f"diagram-{picture.key}", "key": picture.key, "title": picture.title,
                    "svg": Markup(svg) if svg else None, "paths": paths,
                    "unlinked": diagram.unlinked(picture, inventory) if picture.key == "overview" else []})
    return out


def dated_timeline(plan: PlanResult, notes: dict[int, str], say: Say) -> str:
    """The roadmap as an SVG timeline: waves by date, freezes, and the deadlines that fall
    within a month of the plan (all are listed as text beside it)."""
    roadmap = plan.roadmap
    lang = plan.scan.lang
    first = dt.date.fromisoformat(plan.waves[0].start or "")
    last = dt.date.fromisoformat(plan.waves[-1].end or "")
    window = (first - dt.timedelta(days=31), last + dt.timedelta(days=31))
    shown = [d for d in roadmap.deadlines if window[0] <= d.date <= window[1]]
    for deadline in shown:
        first, last = min(first, deadline.date), max(last, deadline.date)
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append((day.isoformat(), l10n.date(day, lang, "LLL yyyy")))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    waves = [(say("wave", number=w.number), w.start or "", w.end or "", notes[w.number]) for w in plan.waves]
    freezes = [(a.isoformat(), b.isoformat()) for a, b in roadmap.freezes]
    marks = [(d.date.isoformat(), f"{l10n.date(d.date, lang, 'medium')} — {deadline_title(d, lang)}", d.must_meet)
             for d in shown]
    desc = say("chart_roadmap_desc", start=l10n.date(plan.waves[0].start, lang), end=l10n.date(plan.waves[-1].end, lang),
               count=len(plan.waves))
    return charts.dated_timeline("chart-waves", say("chart_roadmap"), desc, waves, freezes, marks, months)


BRAND_DEFAULTS = {"accent": "#0b4f9c", "font": "Calibri", "footer": "", "logo_text": ""}


def brand(template_dir: str | None) -> dict[str, str]:
    """Branding settings: `report/brand.yaml` in the user's --template-dir over the shipped one
    (`accent` colour as #rrggbb, `font` for the Word note, `footer` text, `logo_text` above the
    title). Raises TemplateError, naming the file and the line, when the file cannot be read,
    is not a mapping of the known settings to text, or its colour is not #rrggbb."""
    import functools
    import re

    from bleu_assess import cache
    from bleu_assess.errors import template_error
    from bleu_assess.resources import templates_dir

    keys, newline = tuple(BRAND_DEFAULTS), b"\n"

    def parsed(path: Path, raw: bytes) -> Any:
        import yaml  # on a cache miss only: the shipped file is the same run after run

        try:
            return yaml.safe_load(raw.decode("utf-8")) or {}
        except UnicodeDecodeError as exc:
            raise template_error("brand_unreadable", where=str(path), detail=str(exc)) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
            raise template_error("brand_unreadable", where=where, detail=getattr(exc, "problem", None) or str(exc)) from None

    def at(path: Path, raw: bytes, key: str) -> str:
        """`path:line` of `key`'s line in the file (the file alone when it cannot be found)."""
        found = re.search(rb"^[ \t]*[\"']?" + re.escape(key.encode()) + rb"[\"']?[ \t]*:", raw, re.MULTILINE)
        return f"{path}:{raw.count(newline, 0, found.start()) + 1}" if found else str(path)

    settings = dict(BRAND_DEFAULTS)
    accent_at = "brand.yaml"
    for folder in [templates_dir()] + ([Path(template_dir)] if template_dir else []):
        path = folder / "report" / "brand.yaml"
        if not path.is_file():
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise template_error("brand_unreadable", where=str(path), detail=exc.strerror or str(exc)) from None
        data = cache.cached("brand", (str(path), raw), functools.partial(parsed, path, raw))
        if not isinstance(data, dict):
            raise template_error("brand_not_mapping", where=str(path), keys=keys)
        for key, value in data.items():
            if key not in BRAND_DEFAULTS:
                raise template_error("brand_unknown_key", where=at(path, raw, str(key)), key=str(key),
                                     hint=next(iter(difflib.get_close_matches(str(key), keys, n=1)), ""), keys=keys)
            if not isinstance(value, str):
                raise template_error("brand_not_text", where=at(path, raw, key), key=key, keys=keys)
        if "accent" in data:
            accent_at = at(path, raw, "accent")
        settings.update(data)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", settings["accent"]):
        raise template_error("brand_bad_accent", where=accent_at, value=settings["accent"])
    return settings
