"""Renderings of scan results: terminal table, Markdown (template), CSV, JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bleu_assess.assess.results import Finding, ScanResult, decided, scan_json_parts, top_of, wording_of
from bleu_assess.render import l10n
from bleu_assess.render.findings_words import uncertain_rules
from bleu_assess.render.i18n import label, t
from bleu_assess.render.tabular import csv_bytes, default_dialect
from bleu_assess.vocab import SEVERITY_RANK, ExposureLevel, Readiness

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bleu_assess.assess.results import ItemVerdict
    from bleu_assess.render.tables import Stack

_STYLES: dict[str, str] = {Readiness.READY: "green", Readiness.READY_WITH_CONDITIONS: "yellow",
                           Readiness.NOT_READY: "bold red", Readiness.UNKNOWN: "magenta",
                           ExposureLevel.CRITICAL: "bold red", ExposureLevel.HIGH: "red",
                           ExposureLevel.MEDIUM: "yellow", ExposureLevel.LOW: "cyan", ExposureLevel.NONE: "green"}


def _counts(kind: str, counts: dict[str, int], lang: str, provisional: dict[str, int] | None = None) -> str:
    """« Non requis 10 (dont 3 ?) »: each value's count, with how many of them are provisional
    (`summary()["provisional"]`: resting on facts missing from the inventory)."""
    return ", ".join(f"{label(kind, key, lang)} {provisional_count(value, (provisional or {}).get(key, 0), lang)}"
                     for key, value in counts.items() if value)


def provisional_count(count: int, provisional: int, lang: str) -> str:
    """A count of verdicts, saying how many of them are provisional (« 10 (dont 3 ?) »)."""
    if not provisional:
        return str(count)
    return t("scan.provisional_count", lang, count=count, provisional=provisional, mark=t("scan.undecided_mark", lang))


def _severity_counts(counts: dict[str, int], lang: str) -> str:
    """Findings per severity as the language counts them: « 9 bloquants, 10 de gravité élevée »
    (severity labels differ in gender; `scan.severity_count.<severity>` agrees with each count)."""
    return ", ".join(t(f"scan.severity_count.{key}", lang, count=value) for key, value in counts.items() if value)


# Above this many items the default table shows the summary and the SHOWN items that matter
# most, with a line saying how to get the rest; `--all` lists them all in a plain fixed-width
# layout (rich's table layout takes seconds at 10,000 rows and no one reads such a table).
LARGE = 100
SHOWN = 30
_PRIORITY = {"not-ready": 0, "unknown": 1, "ready-with-conditions": 2, "ready": 3}


def most_important(items: Sequence[ItemVerdict], count: int) -> list[ItemVerdict]:
    """The `count` items that matter most: not ready, then those that cannot be assessed, then
    with conditions, then ready; within each, the highest exposure score first, then inventory order."""
    from heapq import nsmallest

    # The first `count` of the order, not the whole estate sorted (n log n: it grew 15 times
    # from 10,000 to 100,000 applications); keys made in one comprehension, not a key function.
    priority = _PRIORITY.get
    keys = [(priority(i.readiness, 4), -i.exposure.score, k) for k, i in enumerate(items)]
    return [items[k] for _, _, k in nsmallest(count, keys)]


def table(result: ScanResult, width: int = 160, every: bool = False) -> Stack | str:
    """The verdicts as a table that fits `width` columns (see bleu_assess.render.tables).

    Up to LARGE items, or with `every`, every item; above LARGE without `every`, the SHOWN items
    of `most_important` and a line naming how to see the rest (`--all`, another --format). Above
    LARGE rows the table is plain text (bleu_assess.render.tables.plain), without colours."""
    from bleu_assess.render.tables import ALWAYS, Boxed, Column, Line, Stack, Styled, fitted, paragraphs, plain

    lang = result.lang
    items: Sequence[ItemVerdict] = result.items
    rest = None
    if len(items) > LARGE and not every:
        items = most_important(items, SHOWN)
        rest = t("scan.table_partial", lang, shown=len(items), total=len(result.items))
    large = len(items) > LARGE
    cell: Any = (lambda text, style="": text) if large else Styled

    def column(key: str, cells: list[Any], keep: int, **options: Any) -> Column:
        return Column(t(f"scan.{key}", lang), cells, keep, **options)

    # The kind's mark before the id, named in the summary: italics alone are lost without styling.
    marks = kind_marks(lang)
    columns = [
        column("col_item", [cell(f"{marks[i.kind]} {i.id}", "" if i.kind == "application" else "italic")
                            for i in items], ALWAYS, no_wrap=True),
        column("col_readiness", [cell(label("readiness", i.readiness, lang) + confidence_mark(i.confidence, lang),
                                      _STYLES.get(i.readiness, "")) for i in items], ALWAYS),
        column("col_scope", [cell(label("secnumcloud_scope", i.secnumcloud_scope, lang)
                                  + undecided_mark(i, "secnumcloud_scope", lang)) for i in items], 4),
        column("col_residency", [cell(label("residency", i.residency, lang) + undecided_mark(i, "residency", lang))
                                 for i in items], 2),
        column("col_exposure", [cell(f"{label('exposure', i.exposure.level, lang)} ({i.exposure.score})"
                                     + undecided_mark(i, "exposure", lang), _STYLES.get(i.exposure.level, ""))
                                for i in items], 6),
        column("col_target", [cell(label("target", i.target, lang) + undecided_mark(i, "target", lang))
                              for i in items], 3),
        column("col_platform", [cell(i.platform or "—") for i in items], 1),
        column("col_top_finding", [cell(finding_heading(top, lang) if (top := top_finding(i)) else "—")
                                   for i in items], 5, flexible_min=24),
    ]
    title = t("scan.title", lang, organisation=result.inventory.organisation)
    if large:
        return f"{plain(title, columns, width, lang)}\n{t('scan.summary_title', lang)}\n" \
            + paragraphs(summary_text(result), width)
    grid = fitted(title, columns, width, lang)
    summary = Boxed(summary_text(result), t("scan.summary_title", lang))
    return Stack(grid, Line(rest), summary) if rest else Stack(grid, summary)


def kind_marks(lang: str) -> dict[str, str]:
    """The table's mark of each item kind (« A », « D »), which its summary's first line names."""
    return {kind: t(f"scan.kind_mark.{kind}", lang) for kind in ("application", "dataset")}


def cannot_assess_line(result: ScanResult) -> str | None:
    """"Applications that cannot be assessed: 412 (Unclassified data: 400; No data declared: 12)",
    or None when every application could be assessed: unknown is never shown as green."""
    unknown = result.summary()["cannot_assess"]["applications"]
    if not unknown:
        return None
    lang = result.lang
    reasons = t("cli.list_separator", lang).join(f"{title} : {n}" if lang == "fr" else f"{title}: {n}"
                                                 for _, title, n in result.unknown_reasons())
    return t("scan.cannot_assess_line", lang, count=unknown, reasons=reasons or "—")


def confidence_mark(confidence: str | None, lang: str) -> str:
    """' †' after a verdict resting on catalogue facts that are not all official, else ''."""
    return " " + t("scan.confidence_mark", lang) if confidence else ""


def confidence_meaning(lang: str) -> str:
    """The legend of ' †' (« † repose sur des faits du catalogue de sources secondaires… »),
    wherever a verdict, finding or offer shows the mark."""
    return t("scan.confidence_legend", lang, mark=t("scan.confidence_mark", lang))


def undecided_mark(item: ItemVerdict, dimension: str, lang: str) -> str:
    """' ?' after a verdict (`secnumcloud_scope`, `residency`, `exposure`, `target`) that rests on
    facts missing from the inventory (`item.undecided`): provisional, never shown as definite."""
    return " " + t("scan.undecided_mark", lang) if dimension in item.undecided else ""


def undecided_legend(result: ScanResult) -> list[str]:
    """The legend of the provisional mark, when an item shows one."""
    if not any(i.undecided for i in result.items):
        return []
    return [t("scan.undecided_legend", result.lang, mark=t("scan.undecided_mark", result.lang))]


def confidence_legend(result: ScanResult) -> list[str]:
    """The legend of the mark, and the catalogue used, when the inventory refers to one."""
    catalogue = result.inventory.catalogue
    if catalogue is None:
        return []
    lines = [t("scan.catalogue_line", result.lang, **catalogue)]
    if any(i.confidence for i in result.items):
        lines.append(confidence_meaning(result.lang))
    return lines


def top_finding(item: ItemVerdict) -> Finding | None:
    """`item.top_finding`, worded alone: reading `item.findings` words every finding of the item
    (results.WordedItem), of which a table or CSV row shows one (all of them took two thirds of
    `scan --format table --all` at 100,000 applications, 7 s)."""
    wording = wording_of(item)
    if wording is None:
        return item.top_finding
    top = top_of(decided(item))
    return None if top is None else wording.finding(top, {"id": item.id, "name": item.name})


def finding_heading(finding: Finding, lang: str) -> str:
    """"RULE: title", marked when a legal basis is uncertain (`uncertain_mark`)."""
    return f"{finding.rule}: {finding.title}{uncertain_mark(finding, lang)}"


def uncertain_mark(finding: Finding, lang: str) -> str:
    """' [incertain]' after a finding whose rule's legal basis is uncertain, else ''; for a
    finding merged from several rules, the mark names the uncertain ones (« [base incertaine :
    HDS-EXI30-001] »), so that the heading's rule, verified, does not read as uncertain
    (findings_words.uncertain_rules). The table's top finding and the Markdown's show it alike."""
    uncertain = uncertain_rules(finding)
    if not uncertain:
        return ""
    if uncertain == (finding.rule,):
        return f" [{t('scan.uncertain_mark', lang)}]"
    named = t("cli.list_separator", lang).join(uncertain)
    return f" [{t('scan.uncertain_rules_mark', lang, rules=named)}]"


def summary_text(result: ScanResult) -> str:
    from bleu_assess.render.words import ruleset_status

    lang = result.lang
    s = result.summary()
    unknown = cannot_assess_line(result)
    return "\n".join([
        t("scan.table_summary_line", lang, applications=s["applications"], datasets=s["datasets"], **kind_marks(lang)),
        *([unknown] if unknown else []),
        t("scan.readiness_line", lang, values=_counts("readiness", s["readiness"], lang) or "—"),
        t("scan.scope_line", lang, values=_counts("secnumcloud_scope", s["secnumcloud_scope"], lang,
                                                  s["provisional"].get("secnumcloud_scope")) or "—"),
        t("scan.findings_line", lang, values=_severity_counts(s["findings"], lang) or "0"),
        t("scan.rulesets_line", lang, values=", ".join(
            f"{r.id}@{r.version}" + (f" ({ruleset_status(r, lang)})" if r.not_in_force else "") for r in result.rulesets)),
        *undecided_legend(result),
        *confidence_legend(result),
    ])


def markdown(result: ScanResult, template_dir: str | None = None) -> str:
    from bleu_assess.render.templating import render

    return render("scan/scan.md.j2", {"result": result, "summary": result.summary(),
                                      "cannot_assess": cannot_assess_line(result),
                                      "counted": lambda dimension, key, value: provisional_count(
                                          value, result.summary()["provisional"].get(dimension, {}).get(key, 0),
                                          result.lang),
                                      "label": lambda kind, value: label(kind, value, result.lang),
                                      "uncertain_mark": lambda finding: uncertain_mark(finding, result.lang),
                                      "date": lambda value: l10n.date(value, result.lang)},
                  template_dir, result.lang)


# `undecided`: the verdicts resting on facts missing, space-separated (ItemVerdict.undecided);
# `confidence`: the item's, when it rests on catalogue facts not all official (the JSON's);
# `top_uncertain`: the rules of the top finding whose legal basis is uncertain (uncertain_mark's).
CSV_COLUMNS = ("id", "kind", "name", "readiness", "secnumcloud_scope", "residency", "exposure_level",
               "exposure_score", "target", "platform", "findings", "top_rule", "top_severity", "top_message",
               "undecided", "confidence", "top_uncertain")


def csv_text(result: ScanResult, dialect: str | None = None) -> bytes:
    """One row per item (verdicts and its top finding), in `dialect` (bleu_assess.render.tabular; default
    from the results' language)."""
    rows = []
    for item in result.items:
        top = top_finding(item)
        rows.append((item.id, item.kind, item.name, item.readiness, item.secnumcloud_scope, item.residency,
                     item.exposure.level, item.exposure.score, item.target, item.platform or "", len(decided(item)),
                     top.rule if top else "", top.severity if top else "", top.message if top else "",
                     " ".join(item.undecided), item.confidence or "",
                     " ".join(uncertain_rules(top)) if top else ""))
    return csv_bytes(CSV_COLUMNS, rows, dialect or default_dialect(result.lang))


def json_text(result: ScanResult) -> bytes:
    """The JSON document, as UTF-8 (made in parts: a third of the memory of one string)."""
    return b"".join(scan_json_parts(result))


def worst_severity_at_least(result: ScanResult, level: str) -> int:
    """How many findings are at or above `level`."""
    rank = SEVERITY_RANK[level]
    return sum(1 for item in result.items for f in item.findings if SEVERITY_RANK[f.severity] <= rank)
