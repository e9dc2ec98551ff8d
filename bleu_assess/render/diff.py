"""`bleu-assess diff OLD NEW`: what changed between two assessments (results files, or
inventories assessed on the fly) — the progress line a programme manager reads each month."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bleu_assess.assess.finding import Finding
from bleu_assess.assess.results import RESULTS_FORMAT, to_json
from bleu_assess.errors import Diagnostic, InputError
from bleu_assess.render.findings_words import uncertain_rules
from bleu_assess.render.i18n import t
from bleu_assess.render.tabular import Coded, coded
from bleu_assess.vocab import Readiness

FIELDS = ("readiness", "secnumcloud_scope", "residency", "exposure", "target", "platform")


@dataclass
class Diff:
    old: str
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    new_findings: list[tuple[str, str, str]] = field(default_factory=list)  # item, rule, severity
    resolved_findings: list[tuple[str, str, str]] = field(default_factory=list)
    readiness: dict[str, tuple[int, int]] = field(default_factory=dict)
    findings_total: tuple[int, int] = (0, 0)
    # (item, rule) -> the title of a new or resolved finding, in the diff's language (not in the
    # JSON, which keeps codes): what the reader of a table, Markdown or CSV sees next to the rule.
    titles: dict[tuple[str, str], str] = field(default_factory=dict)
    # (item, rule) -> a new or resolved finding as its side recorded it: the uncertainty of its
    # legal basis and the confidence of the catalogue facts it rests on, shown in every format.
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)
    # item -> its confidence (results.ItemVerdict.confidence) before and after, when either is set:
    # a changed verdict resting on catalogue facts not all official is marked (†) on its side.
    confidence: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "bleu-assess-diff/v1", "old": self.old, "new": self.new, "added": self.added,
            "removed": self.removed,
            "changes": [{"item": i, "field": f, "before": b, "after": a, **self._item_marks(i)}
                        for i, f, b, a in self.changes],
            "new_findings": [{"item": i, "rule": r, "severity": s, **self._finding_marks(i, r)}
                             for i, r, s in self.new_findings],
            "resolved_findings": [{"item": i, "rule": r, "severity": s, **self._finding_marks(i, r)}
                                  for i, r, s in self.resolved_findings],
            "progress": {"readiness": {k: {"before": b, "after": a} for k, (b, a) in self.readiness.items()},
                         "findings": {"before": self.findings_total[0], "after": self.findings_total[1]}},
        }

    def uncertain(self, item: str, rule: str) -> tuple[str, ...]:
        """The rules of a new or resolved finding whose legal basis is uncertain (codes)."""
        finding = self.findings.get((item, rule))
        return uncertain_rules(finding) if finding is not None else ()

    def _finding_marks(self, item: str, rule: str) -> dict[str, Any]:
        """A finding's `uncertain_rules` and `confidence` codes, when it has them."""
        finding = self.findings.get((item, rule))
        marks: dict[str, Any] = {}
        if self.uncertain(item, rule):
            marks["uncertain_rules"] = list(self.uncertain(item, rule))
        if finding is not None and finding.confidence:
            marks["confidence"] = finding.confidence
        return marks

    def _item_marks(self, item: str) -> dict[str, Any]:
        """An item's `confidence` before and after, when either side's verdict has one."""
        if item not in self.confidence:
            return {}
        before, after = self.confidence[item]
        return {"confidence": {"before": before, "after": after}}


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a results document read from `path` (`document`), or an
    inventory loaded from it (`loaded`), to be assessed in the comparison's language."""

    path: str
    document: dict[str, Any] | None = None
    loaded: Any = None  # inventory.load.Loaded

    @property
    def country(self) -> str | None:
        """The organisation's country the results or the inventory declare."""
        if self.document is not None:
            inventory = self.document.get("inventory")
            country = inventory.get("country") if isinstance(inventory, dict) else None
            return country if isinstance(country, str) else None
        return str(self.loaded.inventory.organisation.country)

    @property
    def lang(self) -> str | None:
        """The language the results were recorded in (None for an inventory)."""
        recorded = self.document.get("lang") if self.document is not None else None
        return recorded if isinstance(recorded, str) else None

    def results(self, lang: str) -> dict[str, Any]:
        """The results document: as read, or the inventory assessed, its findings worded in `lang`."""
        if self.document is not None:
            return self.document
        from bleu_assess.assess.run import assess_inventory
        from bleu_assess.render.findings_words import scan
        from bleu_assess.rules.load import select

        return scan(assess_inventory(self.loaded.inventory, select(), lang)).to_dict()


def read_side(path: str) -> Side:
    """A results file (`scan --format json`) or an inventory (YAML, JSON, or a directory), read
    through the hardened reader (bleu_assess/inputs.py). Raises InputError, located."""
    if path.endswith(".json") and not Path(path).is_dir():
        from bleu_assess.inventory import yamlio

        text = yamlio.decode(yamlio.read_bytes(Path(path), path), path)
        document = yamlio.parse(text, path)
        if isinstance(document, dict) and document.get("format") == RESULTS_FORMAT:
            problem = _malformed(document)
            if problem:
                raise InputError("not results", [Diagnostic(path, None, None, problem, "missing or of the wrong type: "
                                                            "write the results again with scan --format json")])
            return Side(path, document=document)
        if not (isinstance(document, dict) and str(document.get("format", "")).startswith("bleu-assess/")):
            raise InputError("not results", [Diagnostic(path, 1, 1, "format", f"expected '{RESULTS_FORMAT}' "
                                                        "(bleu-assess scan --format json) or an inventory")])
    from bleu_assess.inventory.load import load_inventory

    return Side(path, loaded=load_inventory(path))


def _malformed(document: dict[str, Any]) -> str | None:
    """The path of the first part of a results document that `compare` needs and cannot use."""
    summary = document.get("summary")
    if not (isinstance(summary, dict) and isinstance(summary.get("readiness"), dict)
            and all(isinstance(n, int) for n in summary["readiness"].values())):
        return "summary.readiness"
    items = document.get("items")
    if not isinstance(items, list):
        return "items"
    for index, item in enumerate(items):
        if not (isinstance(item, dict) and isinstance(item.get("id"), str)):
            return f"items[{index}].id"
        if not (isinstance(item.get("exposure"), dict) and "level" in item["exposure"]):
            return f"items[{index}].exposure.level"
        findings = item.get("findings")
        if not (isinstance(findings, list) and all(isinstance(f, dict) and isinstance(f.get("rule"), str)
                                                   and isinstance(f.get("severity"), str) for f in findings)):
            return f"items[{index}].findings"
    return None


def _value(item: dict[str, Any], name: str) -> Any:
    return item["exposure"]["level"] if name == "exposure" else item.get(name)


def compare(old: dict[str, Any], new: dict[str, Any], old_name: str, new_name: str, lang: str | None = None) -> Diff:
    """What changed from `old` to `new` (results documents); with `lang`, the titles of the
    findings new and resolved, worded in `lang` (findings_words.titles: no assessment)."""
    before = {i["id"]: i for i in old["items"]}
    after = {i["id"]: i for i in new["items"]}
    diff = Diff(old_name, new_name, sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys()))
    for item_id in sorted(before.keys() & after.keys()):
        a, b = before[item_id], after[item_id]
        for name in FIELDS:
            if _value(a, name) != _value(b, name):
                diff.changes.append((item_id, name, _value(a, name), _value(b, name)))
        rules_a = {f["rule"]: f["severity"] for f in a["findings"]}
        rules_b = {f["rule"]: f["severity"] for f in b["findings"]}
        diff.resolved_findings += [(item_id, r, rules_a[r]) for r in sorted(rules_a.keys() - rules_b.keys())]
        diff.new_findings += [(item_id, r, rules_b[r]) for r in sorted(rules_b.keys() - rules_a.keys())]
    for item_id in diff.added:
        diff.new_findings += [(item_id, f["rule"], f["severity"]) for f in after[item_id]["findings"]]
    for side, found in ((before, diff.resolved_findings), (after, diff.new_findings)):
        for item_id, rule, _ in found:
            data = next(f for f in side[item_id]["findings"] if f["rule"] == rule)
            diff.findings[(item_id, rule)] = Finding.from_dict(data)
    for item_id in {i for i, *_ in diff.changes}:
        marks = (before[item_id].get("confidence"), after[item_id].get("confidence"))
        if any(marks):
            diff.confidence[item_id] = marks
    counts_a, counts_b = old["summary"]["readiness"], new["summary"]["readiness"]
    diff.readiness = {k: (counts_a.get(k, 0), counts_b.get(k, 0)) for k in Readiness}
    diff.findings_total = (sum(len(i["findings"]) for i in old["items"]), sum(len(i["findings"]) for i in new["items"]))
    if lang is not None:
        from bleu_assess.render.findings_words import titles

        diff.titles = titles(old, {(i, r) for i, r, _ in diff.resolved_findings}, lang)
        diff.titles.update(titles(new, {(i, r) for i, r, _ in diff.new_findings}, lang))
    return diff


def progress_line(diff: Diff, lang: str) -> str:
    from bleu_assess.render.i18n import label

    parts = [f"{label('readiness', k, lang)} {b} → {a} ({a - b:+d})" for k, (b, a) in diff.readiness.items() if a or b]
    b, a = diff.findings_total
    parts.append(f"{t('interop.diff_findings', lang)} {b} → {a} ({a - b:+d})")
    return t("cli.list_separator", lang).join(parts)


# How the table names each compared field, and the values catalogue that labels its values.
_FIELD_NAMES = {"readiness": "col_readiness", "secnumcloud_scope": "col_scope", "residency": "col_residency",
                "exposure": "col_exposure", "target": "col_target", "platform": "col_platform"}


# A row of the changes: item, change, field (for a finding: the rule and its title, no code), rule
# id (findings only), before, after; coded values as their code and words (render/tabular.py);
# then the row's uncertainty: the finding's rules whose legal basis is uncertain (space-separated),
# the confidence of the catalogue facts its before and its after rest on (None: official or inline).
CodedRow = tuple[str, Coded, Coded, str, Coded, Coded, str, Coded | None, Coded | None]
_NONE = Coded("", "")


def coded_rows(diff: Diff, lang: str) -> list[CodedRow]:
    """The changes, each value with its code (the JSON's) and its words in `lang`, sorted by
    item, then change and field as the reader sees them. A finding whose legal basis is
    uncertain is marked after its rule (render/scan.uncertain_mark), a value resting on catalogue
    facts not all official after the value (render/scan.confidence_mark), as `scan` marks them."""
    from bleu_assess.render.i18n import label
    from bleu_assess.render.scan import confidence_mark, uncertain_mark

    def value(name: str, code: Any, confidence: str | None = None) -> Coded:
        words = (code or "—") if name == "platform" else label(name, code, lang)
        return Coded(code or "", words + confidence_mark(confidence, lang))

    def change(code: str) -> Coded:
        return Coded(code, t(f"interop.diff_{code.replace('-', '_')}", lang))

    def rule(item: str, rule_id: str) -> Coded:
        title = diff.titles.get((item, rule_id))
        finding = diff.findings.get((item, rule_id))
        mark = uncertain_mark(finding, lang) if finding is not None else ""
        return Coded("", (f"{rule_id} — {title}" if title and title != rule_id else rule_id) + mark)

    def confident(code: str | None) -> Coded | None:
        return coded("confidence", code or None, lang, "catalogue")

    def finding(item: str, rule_id: str) -> tuple[str, str | None]:
        found = diff.findings.get((item, rule_id))
        return " ".join(diff.uncertain(item, rule_id)), found.confidence if found is not None else None

    out: list[CodedRow] = [(i, change("added"), _NONE, "", _NONE, _NONE, "", None, None) for i in diff.added]
    out += [(i, change("removed"), _NONE, "", _NONE, _NONE, "", None, None) for i in diff.removed]
    for i, f, b, a in diff.changes:
        was, now = diff.confidence.get(i, (None, None))
        out.append((i, change("changed"), Coded(f, t(f"scan.{_FIELD_NAMES[f]}", lang)), "", value(f, b, was),
                    value(f, a, now), "", confident(was), confident(now)))
    for i, r, s in diff.resolved_findings:
        uncertain, confidence = finding(i, r)
        out.append((i, change("resolved-finding"), rule(i, r), r, value("severity", s, confidence), _NONE,
                    uncertain, confident(confidence), None))
    for i, r, s in diff.new_findings:
        uncertain, confidence = finding(i, r)
        out.append((i, change("new-finding"), rule(i, r), r, _NONE, value("severity", s, confidence),
                    uncertain, None, confident(confidence)))
    return sorted(out, key=lambda r: (r[0], r[1].words, r[2].words))


def legend(diff: Diff, lang: str) -> list[str]:
    """The legend of the catalogue-confidence mark, when a row shows it (scan's words)."""
    from bleu_assess.render.scan import confidence_meaning

    if not (diff.confidence or any(f.confidence for f in diff.findings.values())):
        return []
    return [confidence_meaning(lang)]


def rows(diff: Diff, lang: str) -> list[tuple[str, str, str, str, str]]:
    """What a reader sees: field names and values labelled in `lang` (the JSON keeps the codes)."""
    return [(item, change.words, field.words, before.words, after.words)
            for item, change, field, _, before, after, *_ in coded_rows(diff, lang)]


def _heads(lang: str) -> list[str]:
    return [t(f"interop.diff_{k}", lang) for k in ("item", "change", "field", "before", "after")]


def markdown(diff: Diff, lang: str) -> str:
    from bleu_assess.render.markdown import md_escape

    lines = [f"# {md_escape(t('interop.diff_title', lang, old=diff.old, new=diff.new))}", "",
             f"**{t('interop.diff_progress', lang)}** — {md_escape(progress_line(diff, lang))}", ""]
    table = rows(diff, lang)
    if not table:
        return "\n".join([*lines, t("interop.diff_none", lang), ""])
    heads = _heads(lang)
    lines += ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in table]
    lines += ["", *(md_escape(line) for line in legend(diff, lang))] if legend(diff, lang) else []
    return "\n".join(lines) + "\n"


def table(diff: Diff, lang: str, width: int = 160) -> Any:
    """The changes as a table that fits `width` columns (see bleu_assess.render.tables)."""
    from rich.console import Group
    from rich.text import Text

    from bleu_assess.render.tables import ALWAYS, Column, fitted

    found = rows(diff, lang)
    keep = {"item": ALWAYS, "change": ALWAYS, "field": 3, "before": 2, "after": 2}
    columns = [Column(t(f"interop.diff_{key}", lang), [Text(row[n]) for row in found], keep[key], no_wrap=key == "item")
               for n, key in enumerate(keep)]
    grid = fitted(t("interop.diff_title", lang, old=diff.old, new=diff.new), columns, width, lang)
    return Group(grid, Text(t("interop.diff_progress", lang) + " — " + progress_line(diff, lang), style="bold"),
                 *(Text(line) for line in legend(diff, lang)))


def csv_text(diff: Diff, lang: str, dialect: str | None = None) -> bytes:
    """The changes, one row each, in `dialect` (bleu_assess.render.tabular): the table's columns,
    each coded one (change, field, before, after) followed by its code (the JSON's: `new-finding`,
    `readiness`, `not-ready`, `high`), the rule id of a finding's row, then its uncertainty:
    the rules whose legal basis is uncertain, the catalogue confidence of its before and of its
    after, each followed by its code (`secondary`, `unverified`, `uncertain`; empty when official)."""
    from bleu_assess.render.tabular import coded_columns, csv_bytes, default_dialect

    item, change, field, before, after = _heads(lang)

    header, table = coded_columns([(item, False), (change, True), (field, True), (t("interop.diff_rule", lang), False),
                                   (before, True), (after, True), (t("interop.diff_uncertain", lang), False),
                                   (t("interop.diff_confidence_before", lang), True),
                                   (t("interop.diff_confidence_after", lang), True)],
                                  coded_rows(diff, lang), lang)
    return csv_bytes(header, table, dialect or default_dialect(lang))


def json_text(diff: Diff) -> str:
    return to_json(diff.to_dict())
