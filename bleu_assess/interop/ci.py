"""Findings for CI systems, each located at the inventory line of its item:

- SARIF 2.1.0, which GitHub code scanning and GitLab read: a pull request that changes the
  inventory shows the findings on the lines it touched;
- JUnit XML, which GitLab, Jenkins and most CI servers show as test reports: one test case per
  item, failing when a finding reaches the threshold.

`info` findings (scope notes, not problems) are left out of SARIF and never fail a test case."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from xml.sax import saxutils

from bleu_assess import __version__, yamlio
from bleu_assess.i18n import t
from bleu_assess.results import SEVERITY_RANK, Finding, ItemVerdict, ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# SARIF has three alert levels; GitHub ranks security alerts by "security-severity" (0-10).
LEVEL = {"blocker": "error", "high": "error", "medium": "warning", "low": "note", "info": "none"}
SECURITY_SEVERITY = {"blocker": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
SECTIONS = {"applications": "application", "datasets": "dataset"}
# Characters XML 1.0 cannot carry at all, even escaped (names come from untrusted inventories).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def item_locations(path: str | os.PathLike[str]) -> dict[tuple[str, str], tuple[str, int]]:
    """(kind, id) -> (file as displayed, 1-based line of the item), for a file or a directory
    inventory. Composes the YAML nodes again: only the CI formats pay for it."""
    from bleu_assess.load import inventory_files

    display = os.fspath(path)
    found: dict[tuple[str, str], tuple[str, int]] = {}
    for file, shown in inventory_files(Path(display), display):
        root = yamlio.compose_unchecked(yamlio.decode(yamlio.read_bytes(file, shown), shown))
        if root is None or not hasattr(root, "value") or not isinstance(root.value, list):
            continue
        for key, section in root.value:
            kind = SECTIONS.get(getattr(key, "value", None))
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


def sarif(result: ScanResult, path: str | os.PathLike[str]) -> str:
    where = item_locations(path)
    rules: dict[str, Finding] = {}
    for item in result.items:
        for finding in _problems(item):
            rules.setdefault(finding.rule, finding)
    order = sorted(rules)
    index = {rule: i for i, rule in enumerate(order)}
    results = []
    for item in result.items:
        file, line = where.get((item.kind, item.id), (os.fspath(path).replace(os.sep, "/"), 1))
        for finding in _problems(item):
            results.append({
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": LEVEL[finding.severity],
                "message": {"text": _message(finding, result.lang)},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": file}, "region": {"startLine": line}},
                    "logicalLocations": [{"name": item.id, "kind": "object",
                                          "fullyQualifiedName": f"{item.kind}:{item.id}"}],
                }],
                # Stable when lines move: the same finding on the same item is the same alert.
                "partialFingerprints": {"bleuAssessFinding/v1": f"{item.kind}:{item.id}:{finding.rule}"},
                "properties": {"item": item.id, "kind": item.kind, "severity": finding.severity,
                               "rules": list(finding.rule_ids), "references": list(finding.references),
                               "method_references": list(finding.method_references),
                               "uncertain": finding.uncertain},
            })
    driver_rules = [{
        "id": rule,
        "name": rule,
        "shortDescription": {"text": rules[rule].title or rule},
        "defaultConfiguration": {"level": LEVEL[rules[rule].severity]},
        "properties": {"tags": ["security", rules[rule].dimension, rules[rule].ruleset,
                                *(["uncertain"] if rules[rule].uncertain else [])],
                       "security-severity": SECURITY_SEVERITY[rules[rule].severity],
                       "references": list(rules[rule].references)},
    } for rule in order]
    document: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "bleu-assess", "version": __version__, "rules": driver_rules}},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"inventory": result.inventory.to_dict(),
                           "rulesets": [r.to_dict() for r in result.rulesets]},
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _message(finding: Finding, lang: str) -> str:
    """The alert's text: message, remediation, and the uncertainty of the legal basis, if any."""
    text = f"{finding.message} {t('scan.remediation', lang)}: {finding.remediation}"
    if finding.uncertain:
        text += f" ({t('scan.uncertain', lang)}: {finding.uncertain})"
    return text


def junit(result: ScanResult, path: str | os.PathLike[str], threshold: str = "high") -> str:
    """One <testcase> per item, failing when one of its findings is at `threshold` or worse."""
    where = item_locations(path)
    limit = SEVERITY_RANK[threshold]
    suites = []
    total_tests = total_failures = 0
    for section, kind in SECTIONS.items():
        cases = []
        failures = 0
        items = [i for i in result.items if i.kind == kind]
        for item in items:
            file, line = where.get((kind, item.id), (os.fspath(path), 1))
            attrs = (f"classname={quoteattr(f'{kind}s')} name={quoteattr(f'{item.id} — {item.name}')} "
                     f"file={quoteattr(file)} line=\"{line}\"")
            failing = [f for f in item.findings if SEVERITY_RANK[f.severity] <= limit]
            if not failing:
                cases.append(f"    <testcase {attrs}/>")
                continue
            failures += 1
            first = failing[0]
            body = "\n".join(f"[{f.severity}] {f.rule}: {f.message}\n  → {f.remediation}" for f in failing)
            cases.append(f"    <testcase {attrs}>\n"
                         f"      <failure type={quoteattr(first.rule)} message={quoteattr(first.message)}>"
                         f"{_text(body)}</failure>\n    </testcase>")
        total_tests += len(items)
        total_failures += failures
        suites.append(f"  <testsuite name={quoteattr(section)} tests=\"{len(items)}\" failures=\"{failures}\" "
                      f"errors=\"0\" skipped=\"0\">\n" + "\n".join(cases) + "\n  </testsuite>")
    head = (f"<testsuites name={quoteattr('bleu-assess — ' + result.inventory.organisation)} "
            f"tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n" + "\n".join(suites) + "\n</testsuites>\n"


def quoteattr(value: str) -> str:
    return saxutils.quoteattr(_NOT_XML.sub("\ufffd", value))


def _text(value: str) -> str:
    return saxutils.escape(_NOT_XML.sub("\ufffd", value))
