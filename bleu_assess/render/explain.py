"""`bleu-assess explain`: one item's verdicts, findings with their conditions, exposure tree, and
the facts its evaluation tested (assess/trace.py), each with the rules that fired on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from bleu_assess.assess.naming import Referrer, sources
from bleu_assess.assess.results import ItemVerdict
from bleu_assess.render import findings_words
from bleu_assess.render.i18n import label, t
from bleu_assess.render.scan import confidence_mark, confidence_meaning, uncertain_mark, undecided_mark

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bleu_assess.assess.trace import Trace
    from bleu_assess.inventory.graph import InventoryGraph
    from bleu_assess.rules.model import Ruleset


def render(verdict: ItemVerdict, trace: Trace, ig: InventoryGraph, rulesets: list[Ruleset],
           lang: str) -> RenderableType:
    """`verdict` as the scan gives it (catalogue marks included); `trace`: what its evaluation used."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    verdict = findings_words.verdict(verdict, sources(rulesets), lang)
    inv = ig.inventory
    head = Table.grid(padding=(0, 2))
    for key, kind, value in (("col_readiness", "readiness", verdict.readiness),
                             ("col_scope", "secnumcloud_scope", verdict.secnumcloud_scope),
                             ("col_residency", "residency", verdict.residency),
                             ("col_exposure", "exposure", verdict.exposure.level),
                             ("col_target", "target", verdict.target)):
        # Readiness takes the catalogue's mark, as in the scan (the others, the provisional one).
        mark = confidence_mark(verdict.confidence, lang) if kind == "readiness" else undecided_mark(verdict, kind, lang)
        head.add_row(Text(t(f"scan.{key}", lang)), Text(label(kind, value, lang) + mark))
    head.add_row(Text(t("scan.col_platform", lang)), Text(verdict.platform or "—"))
    fact_table = Table(title=t("scan.facts_tested", lang), expand=False)
    # Fact names whole (they are what a rule writer searches for); values and rules wrap.
    fact_table.add_column(t("scan.col_fact", lang), no_wrap=True)
    fact_table.add_column(t("scan.col_value", lang), overflow="fold")
    fact_table.add_column(t("scan.col_fired", lang), overflow="fold")
    for name, value in trace.facts.items():
        fired = trace.fired_using(name)
        fact_table.add_row(Text(name, style="bold" if fired else ""), Text(_show(value)),
                           Text(", ".join(fired) or "—"))
    rules = {rule.id: rule for r in rulesets for rule in r.rules}
    parts: list[Any] = [Panel(head, title=Text(f"{verdict.name} ({verdict.id})"), expand=False)]
    if verdict.undecided:  # verdicts resting on facts missing: provisional
        parts.append(Text(t("scan.undecided_legend", lang, mark=t("scan.undecided_mark", lang)), style="italic"))
    if verdict.confidence or any(f.confidence for f in verdict.findings):
        parts.append(Text(confidence_meaning(lang), style="italic"))

    def field(key: str) -> str:
        return t("scan.field", lang, name=t(f"scan.{key}", lang))

    if verdict.findings:
        for finding in verdict.findings:
            # The title goes in the body, where it wraps; a panel title is cut at the edge.
            body = [Text(finding.title, style="bold"), Text(finding.message),
                    Text(f"{field('remediation')} {finding.remediation}")]
            merged = len(finding.rule_ids) > 1
            for rule_id in finding.rule_ids:  # a merged finding: the condition of each of its rules
                rule = rules.get(rule_id)
                if rule is not None:
                    heading = field("condition") + (f" {rule_id}" if merged else "")
                    body.append(Text(heading + "\n" + yaml.safe_dump(rule.when, allow_unicode=True,
                                                                      sort_keys=False).rstrip()))
            separator = t("cli.list_separator", lang)
            if len(finding.rule_ids) > 1:
                body.append(Text(f"{field('rules')} " + ", ".join(finding.rule_ids)))
            body.append(Text(f"{field('references')} " + separator.join(finding.references)))
            if finding.method_references:
                body.append(Text(f"{field('method_references')} " + separator.join(finding.method_references)))
            if finding.uncertain:
                body.append(Text(f"{field('uncertain')} {finding.uncertain}", style="italic"))
            title = f"{label('severity', finding.severity, lang)}{confidence_mark(finding.confidence, lang)} · " \
                f"{finding.rule}{uncertain_mark(finding, lang)}"
            if finding.derogation is not None:  # kept, but no longer weighs on readiness
                title += " · " + t("scan.derogated", lang, id=finding.derogation["id"],
                                   until=finding.derogation["until"] or "—")
            parts.append(Panel(Group(*body), title=Text(title), title_align="left", expand=False))
    else:
        parts.append(Text(t("scan.no_findings", lang)))
    tree = Tree(t("scan.exposure_paths", lang) + f" — {label('exposure', verdict.exposure.level, lang)} "
                f"({verdict.exposure.score})")
    if not verdict.exposure.paths:
        tree.add(t("scan.no_exposure", lang))
    named = Referrer(inv)
    for path in verdict.exposure.paths:
        branch = tree
        for node in path:  # its name, then the id the inventory gives it
            name = named("path", node)
            branch = branch.add(Text(node if name == node else f"{name} ({node})"))
    parts.extend([tree, fact_table])
    if inv.catalogue is not None:
        from bleu_assess.render.catalogue import explain_block

        parts.append(explain_block(verdict, inv, lang))
    return Group(*parts)


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) if value else "—"
    return "—" if value is None else str(value)
