"""Findings for CI systems, each located at the inventory line of its item:

- SARIF 2.1.0 (OASIS SARIF 2.1.0, its JSON schema `sarif-schema-2.1.0.json`), which GitHub code
  scanning and GitLab read: a pull request that changes the inventory shows the findings on the
  lines it touched;
- JUnit XML valid against the `junit-10.xsd` schema that Jenkins' xUnit plugin validates with
  (also read by GitLab and Azure DevOps): one test case per item, failing when a finding reaches
  the threshold.

`info` findings (scope notes, not problems) are left out of SARIF and never fail a test case.

Code scanning's documented upload limits (docs.github.com, "SARIF results exceed limits" and
"SARIF file is too large") are kept by construction: one run (at most 20 per file), one location
per result (at most 1,000), three tags per rule (at most 20), fewer rules than 25,000, and at
most `MAX_RESULTS` results in a file under `MAX_BYTES`. A larger estate keeps its most severe
findings and summarises the rest, one result per rule, saying how many were left out
(docs/results.md)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from xml.sax import saxutils

from bleu_assess import __version__
from bleu_assess.assess.results import Finding, ItemVerdict, ScanResult
from bleu_assess.inventory import yamlio
from bleu_assess.render.i18n import t
from bleu_assess.vocab import SEVERITY_RANK, Severity

if TYPE_CHECKING:
    from bleu_assess.rules.model import Rule, Ruleset
    from bleu_assess.rules.references import Citation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# SARIF has three alert levels; GitHub ranks security alerts by "security-severity" (0-10).
LEVEL: dict[str, str] = {Severity.BLOCKER: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
                         Severity.LOW: "note", Severity.INFO: "none"}
SECURITY_SEVERITY: dict[str, str] = {Severity.BLOCKER: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                                     Severity.LOW: "3.0", Severity.INFO: "0.0"}
SECTIONS = {"applications": "application", "datasets": "dataset"}
# Code scanning stores at most 5,000 results of an upload (it accepts 25,000 per run and drops the
# rest, in its own order): we choose which, most severe first, and say how many are summarised.
MAX_RESULTS = 5000
MAX_BYTES = 10_000_000  # uploads above 10 MB are refused; counted uncompressed, to be safe
URI_BASE = "%SRCROOT%"
# Characters XML 1.0 cannot carry at all, even escaped (names come from untrusted inventories).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def item_locations(path: str | os.PathLike[str]) -> dict[tuple[str, str], tuple[str, int]]:
    """(kind, id) -> (file as displayed, 1-based line of the item), for a file or a directory
    inventory. Composes the YAML nodes again: only the CI formats pay for it."""
    from bleu_assess.inventory.load import inventory_files

    display = os.fspath(path)
    found: dict[tuple[str, str], tuple[str, int]] = {}
    for file, shown in inventory_files(Path(display), display):
        root = yamlio.compose_unchecked(yamlio.decode(yamlio.read_bytes(file, shown), shown))
        if root is None or not hasattr(root, "value") or not isinstance(root.value, list):
            continue
        for key, section in root.value:
            kind = SECTIONS.get(getattr(key, "value", ""))
            if kind is None or not isinstance(section.value, list):
                continue
            for node in section.value:
                item_id = next((v.value for k, v in getattr(node, "value", ()) or ()
                                if getattr(k, "value", None) == "id" and isinstance(v.value, str)), None)
                if isinstance(item_id, str):
                    found.setdefault((kind, item_id), (shown.replace(os.sep, "/"), node.start_mark.line + 1))
    return found


def _problems(item: ItemVerdict) -> list[Finding]:
    return [f for f in item.findings if f.severity != "info"]


@dataclass(frozen=True)
class SarifBase:
    """Where relative artifact URIs start: the working directory when the inventory lies under it
    (code scanning reads paths relative to the repository root, where CI runs, and ignores
    `originalUriBaseIds`), else the inventory's own directory."""

    directory: Path

    @classmethod
    def for_inventory(cls, path: str | os.PathLike[str], cwd: str | os.PathLike[str] | None = None) -> SarifBase:
        inventory = Path(os.path.abspath(path))
        here = Path(os.path.abspath(cwd or os.getcwd()))
        if inventory.is_relative_to(here):
            return cls(here)
        return cls(inventory if inventory.is_dir() else inventory.parent)

    def uri(self) -> str:
        """The base as an absolute `file` URI ending in '/' (RFC 8089), percent-encoded."""
        return self.directory.as_uri().rstrip("/") + "/"

    def relative(self, file: str) -> str:
        """A file's URI reference relative to the base: '/'-separated, percent-encoded (RFC 3986
        §2.1), so that a space, '#', '%' or a ':' before the first '/' stay part of the path."""
        target = os.path.relpath(os.path.abspath(file), self.directory).replace(os.sep, "/")
        return quote(target, safe="/")


def _rule_descriptor(rule_id: str, finding: Finding, rule: Rule | None, ruleset: Ruleset | None,
                     lang: str) -> dict[str, Any]:
    """A SARIF reportingDescriptor: title, help (remediation and sources with their addresses)."""
    from bleu_assess.render.markdown import md_escape as _md

    title = finding.title or rule_id
    sources: list[tuple[str, str]] = []  # (reference text, primary address)
    if rule is not None and ruleset is not None:
        from bleu_assess.render.citations import render as cite

        # One line per source with all its pinpoints, as findings show them; its address beside.
        by_source: dict[tuple[str, str], list[Citation]] = {}
        for citation in ruleset.citations(rule):
            by_source.setdefault((citation.source.title, citation.source.url), []).append(citation)
        for (_, url), citations in by_source.items():
            legal, method = cite(citations, lang)
            sources.append(((legal or method)[0], url))
    else:
        sources = [(reference, "") for reference in finding.references]
    remediation = rule.remediation.get(lang, "") if rule is not None else ""
    heading = t("scan.references", lang)
    remedy, refs = t("scan.field", lang, name=t("scan.remediation", lang)), t("scan.field", lang, name=heading)
    text = "\n".join([title, "", f"{remedy} {remediation}" if remediation else "",
                      refs, *(f"- {name}" + (f" <{url}>" if url else "") for name, url in sources)]).strip()
    markdown = "\n".join([f"**{_md(title)}**", "", f"{remedy} {_md(remediation)}" if remediation else "",
                          refs, *(f"- [{_md(name)}]({url})" if url else f"- {_md(name)}" for name, url in sources)])
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": rule.name if rule is not None else rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": title},
        "help": {"text": text, "markdown": markdown.strip()},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        # The rule's own uncertainty: a finding merged with another rule's (one fact, one finding)
        # carries that rule's note, which says nothing of this rule.
        "properties": {"tags": list(dict.fromkeys(["security", finding.dimension, finding.ruleset.partition("@")[0],
                                                    *(["uncertain"] if (rule.uncertain if rule is not None
                                                                        else finding.uncertain) else [])])),
                       "security-severity": SECURITY_SEVERITY[finding.severity],
                       "references": [{"text": name, **({"url": url} if url else {})} for name, url in sources]},
    }
    first = next((url for _, url in sources if url), None)
    if first:
        descriptor["helpUri"] = first
    return descriptor


def _rules_by_id(rulesets: Iterable[Ruleset]) -> dict[str, tuple[Rule, Ruleset]]:
    return {rule.id: (rule, ruleset) for ruleset in rulesets for rule in ruleset.rules}


def sarif(result: ScanResult, path: str | os.PathLike[str], rulesets: Sequence[Ruleset] = (),
          cwd: str | os.PathLike[str] | None = None) -> str:
    """The SARIF log as text; see `sarif_log` for its shape and limits."""
    return sarif_log(result, path, rulesets, cwd)[0]


def sarif_log(result: ScanResult, path: str | os.PathLike[str], rulesets: Sequence[Ruleset] = (),
              cwd: str | os.PathLike[str] | None = None) -> tuple[str, int]:
    """(SARIF 2.1.0 text, number of findings summarised instead of listed).

    One run; one result per finding of severity `low` or above, located at its item's line in
    the inventory file (URI relative to the base `%SRCROOT%`, see `SarifBase`). Beyond
    `MAX_RESULTS` results or `MAX_BYTES`, the most severe findings are kept (ties in inventory
    order) and each rule with findings left out gets one summary result at the inventory's first
    line; a tool notification says how many."""
    lang = result.lang
    where = item_locations(path)
    base = SarifBase.for_inventory(path, cwd)
    default_file = os.fspath(path)
    if os.path.isdir(default_file):
        default_file = min((f for f, _ in where.values()), default=default_file)
    known = _rules_by_id(rulesets)
    first: dict[str, Finding] = {}
    found: list[tuple[int, int, ItemVerdict, Finding]] = []  # (severity rank, position, item, finding)
    for item in result.items:
        for finding in _problems(item):
            first.setdefault(finding.rule, finding)
            found.append((SEVERITY_RANK[finding.severity], len(found), item, finding))
    order = sorted(first)
    index = {rule: i for i, rule in enumerate(order)}
    driver_rules = []
    for rule_id in order:
        known_rule, known_set = known.get(rule_id, (None, None))
        driver_rules.append(_rule_descriptor(rule_id, first[rule_id], known_rule, known_set, lang))

    def location(file: str, line: int, item: ItemVerdict | None) -> dict[str, Any]:
        physical = {"artifactLocation": {"uri": base.relative(file), "uriBaseId": URI_BASE},
                    "region": {"startLine": line}}
        if item is None:
            return {"physicalLocation": physical}
        return {"physicalLocation": physical,
                "logicalLocations": [{"name": item.id, "kind": "object", "fullyQualifiedName": f"{item.kind}:{item.id}"}]}

    def encode(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def detailed(item: ItemVerdict, finding: Finding) -> str:
        file, line = where.get((item.kind, item.id), (default_file, 1))
        return encode({
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": LEVEL[finding.severity],
            "message": {"text": _message(finding, lang)},
            "locations": [location(file, line, item)],
            # Stable when lines move: the same finding on the same item is the same alert.
            "partialFingerprints": {"bleuAssessFinding/v1": f"{item.kind}:{item.id}:{finding.rule}"},
            "properties": {"item": item.id, "kind": item.kind, "severity": finding.severity,
                           "rules": list(finding.rule_ids), "references": list(finding.references),
                           "method_references": list(finding.method_references),
                           "uncertain": finding.uncertain, **_uncertainty(item, finding)},
        })

    run: dict[str, Any] = {
        "tool": {"driver": {"name": "bleu-assess", "version": __version__, "semanticVersion": __version__,
                            "rules": driver_rules}},
        "originalUriBaseIds": {URI_BASE: {"uri": base.uri(), "description": {"text": t("scan.sarif_base", lang)}}},
        "results": [],
        "columnKind": "unicodeCodePoints",
        "properties": {"inventory": result.inventory.to_dict(), "rulesets": [r.to_dict() for r in result.rulesets]},
    }
    skeleton = encode({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]})
    # Room for the summaries and the notification, should they be needed (each well under 2 kB).
    budget = MAX_BYTES - len(skeleton.encode()) - 2048 * (len(order) + 1)
    ranked = sorted(found, key=lambda f: f[:2])
    encoded: dict[int, str] = {}

    def select(limit: int) -> set[int]:
        kept: set[int] = set()
        used = 0
        for _, position, item, finding in ranked:
            text = encoded.get(position) or encoded.setdefault(position, detailed(item, finding))
            size = len(text.encode()) + 1
            if len(kept) >= limit or used + size > budget:
                break
            kept.add(position)
            used += size
        return kept

    kept = select(len(found))
    if len(found) > MAX_RESULTS or len(kept) < len(found):
        kept = select(MAX_RESULTS - len(order))  # leave room for one summary per rule
    omitted: dict[str, int] = {}
    for _, position, _, finding in found:
        if position not in kept:
            omitted[finding.rule] = omitted.get(finding.rule, 0) + 1
    parts = [encoded[position] for _, position, _, _ in found if position in kept]
    if omitted:
        for rule in sorted(omitted):
            parts.append(encode({
                "ruleId": rule, "ruleIndex": index[rule], "level": LEVEL[first[rule].severity],
                "message": {"text": t("scan.sarif_summary", lang, count=omitted[rule], rule=rule, limit=MAX_RESULTS)},
                "locations": [location(default_file, 1, None)],
                "partialFingerprints": {"bleuAssessSummary/v1": rule},
                "properties": {"summary": True, "count": omitted[rule]},
            }))
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [{
            "level": "warning", "descriptor": {"id": "bleu-assess/results-summarised"},
            "message": {"text": t("scan.sarif_truncated", lang, listed=len(kept), total=len(found),
                                  omitted=sum(omitted.values()), limit=MAX_RESULTS)}}]}]
    marker = '"results":[]'
    head, _, tail = encode({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}).partition(marker)
    return head + '"results":[' + ",\n".join(parts) + "]" + tail + "\n", sum(omitted.values())


def _uncertainty(item: ItemVerdict, finding: Finding) -> dict[str, Any]:
    """An alert's uncertainty as codes, for tools: the rules whose legal basis is uncertain
    (`uncertain_rules`), the confidence of the catalogue facts the finding rests on
    (`confidence`) and of those its item's verdict rests on (`item_confidence`), when set."""
    from bleu_assess.render.findings_words import uncertain_rules

    codes: dict[str, Any] = {}
    if uncertain_rules(finding):
        codes["uncertain_rules"] = list(uncertain_rules(finding))
    if finding.confidence:
        codes["confidence"] = finding.confidence
    if item.confidence:
        codes["item_confidence"] = item.confidence
    return codes


def _message(finding: Finding, lang: str) -> str:
    """The alert's text: message, remediation, the uncertainty of the legal basis, if any, and
    the mark of catalogue facts not all official with its legend (scan's words), if any."""
    from bleu_assess.render.scan import confidence_meaning

    text = f"{finding.message} {t('scan.field', lang, name=t('scan.remediation', lang))} {finding.remediation}"
    if finding.uncertain:
        text += f" ({t('scan.field', lang, name=t('scan.uncertain', lang))} {finding.uncertain})"
    if finding.confidence:
        text += f" ({confidence_meaning(lang)})"
    return text


def junit(result: ScanResult, path: str | os.PathLike[str], threshold: str = "high") -> str:
    """One <testcase> per item, failing when one of its findings is at `threshold` or worse.

    Valid against Jenkins xUnit's junit-10.xsd: the schema has no `file` or `line` attribute on a
    test case, so the item's location (`file:line`) is written in its `<system-out>`, which GitLab,
    Jenkins and Azure DevOps show with the test."""
    from bleu_assess.render.i18n import label
    from bleu_assess.render.scan import confidence_mark, confidence_meaning, uncertain_mark
    from bleu_assess.render.summary import missing_facts

    where = item_locations(path)
    limit = SEVERITY_RANK[threshold]
    missing = {verdict.id: titles for verdict, titles in missing_facts(result)}
    suites = []
    total_tests = total_failures = 0
    for section, kind in SECTIONS.items():
        cases = []
        failures = skipped = 0
        items = [i for i in result.items if i.kind == kind]
        for item in items:
            file, line = where.get((kind, item.id), (os.fspath(path), 1))
            attrs = f"name={quoteattr(f'{item.id} — {item.name}')} classname={quoteattr(f'{kind}s')}"
            # A verdict resting on catalogue facts not all official says so wherever the case shows.
            marked = f"\n{label('readiness', item.readiness, result.lang)}{confidence_mark(item.confidence, result.lang)}" \
                f" — {confidence_meaning(result.lang)}" if item.confidence else ""
            located = f"      <system-out>{_text(f'{file}:{line}{marked}')}</system-out>"
            failing = [f for f in item.findings if SEVERITY_RANK[f.severity] <= limit]
            if not failing and item.readiness == "unknown":  # not a pass: facts are missing to decide
                skipped += 1
                unknown = label("readiness", "unknown", result.lang)
                lacking = [title for title in missing.get(item.id, ()) if title != unknown]
                why = unknown + (" — " + t("cli.list_separator", result.lang).join(lacking) if lacking else "")
                cases.append(f"    <testcase {attrs}>\n      <skipped message={quoteattr(why)}/>\n{located}\n"
                             "    </testcase>")
                continue
            if not failing:
                cases.append(f"    <testcase {attrs}>\n{located}\n    </testcase>")
                continue
            failures += 1
            first = failing[0]
            body = "\n".join(f"[{f.severity}] {f.rule}: {f.message}{uncertain_mark(f, result.lang)}"
                             f"{confidence_mark(f.confidence, result.lang)}\n  → {f.remediation}" for f in failing)
            if any(f.confidence for f in failing):
                body += f"\n{confidence_meaning(result.lang)}"
            cases.append(f"    <testcase {attrs}>\n"
                         f"      <failure type={quoteattr(first.rule)} message={quoteattr(first.message)}>"
                         f"{_text(body)}</failure>\n{located}\n    </testcase>")
        total_tests += len(items)
        total_failures += failures
        suites.append(f"  <testsuite name={quoteattr(section)} tests=\"{len(items)}\" failures=\"{failures}\" "
                      f"errors=\"0\" skipped=\"{skipped}\">\n" + "\n".join(cases) + "\n  </testsuite>")
    head = (f"<testsuites name={quoteattr('bleu-assess — ' + result.inventory.organisation)} "
            f"tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n" + "\n".join(suites) + "\n</testsuites>\n"


def quoteattr(value: str) -> str:
    return saxutils.quoteattr(_NOT_XML.sub("\ufffd", value))


def _text(value: str) -> str:
    return saxutils.escape(_NOT_XML.sub("\ufffd", value))
