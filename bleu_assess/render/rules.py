"""`bleu-assess rules list|show|diff` renderings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from bleu_assess.errors import UsageError
from bleu_assess.render.citations import render
from bleu_assess.render.i18n import label, t
from bleu_assess.rules.load import discover, load_ruleset, resolve, select
from bleu_assess.rules.model import Rule, Ruleset, version_key
from bleu_assess.rules.references import Citation

if TYPE_CHECKING:
    from rich.console import RenderableType

VERDICT_FIELDS = ("readiness", "secnumcloud_scope", "residency", "target", "platform")
# How tables name each verdict field (the scan table's column names).
_FIELD_NAMES = {"readiness": "col_readiness", "secnumcloud_scope": "col_scope", "residency": "col_residency",
                "target": "col_target", "platform": "col_platform"}


def listing(rules_dir: str | None, lang: str, width: int = 160) -> RenderableType:
    """The rulesets and the rules of their default versions, as two tables fitted to `width`
    columns (bleu_assess.render.tables: identifiers whole, the least useful columns left out first)."""
    from rich.console import Group
    from rich.text import Text

    from bleu_assess.render import l10n
    from bleu_assess.render.i18n import label, t
    from bleu_assess.render.tables import ALWAYS, Column, fitted

    def say(key: str) -> str:
        return t(f"cli.rules_list.{key}", lang)

    yes = say("yes")
    available = discover(rules_dir)
    defaults = {r.ref for r in select(None, rules_dir)}
    sets: list[tuple[str, ...]] = []
    rules: list[tuple[str, ...]] = []
    for ruleset_id in sorted(available):
        for version in sorted(available[ruleset_id], key=version_key):
            ruleset = load_ruleset(available[ruleset_id][version].path)
            is_default = ruleset.ref in defaults
            sets.append((ruleset.id, ruleset.version, say(f"statuses.{ruleset.status}"), yes if is_default else "",
                         str(len(ruleset.rules)), l10n.date(ruleset.effective, lang, "medium"), ruleset.title[lang]))
            if is_default:
                rules.extend((rule.id, ruleset.ref, rule.dimension, label("severity", rule.severity, lang),
                              ", ".join(label("kind", kind, lang) for kind in rule.applies_to),
                              rule.title[lang], yes if rule.uncertain else "") for rule in ruleset.rules)

    def table(title: str, rows: list[tuple[str, ...]], headers: tuple[tuple[str, int], ...]) -> RenderableType:
        # keep: ALWAYS for identifiers, else the rank of the column's use; the title wraps.
        columns = [Column(say(key), [Text(row[n]) for row in rows], keep, no_wrap=keep >= ALWAYS,
                          flexible_min=16 if key == "title" else None) for n, (key, keep) in enumerate(headers)]
        return fitted(title, columns, width, lang)

    return Group(
        table(say("rulesets"), sets, (("id", ALWAYS), ("version", ALWAYS), ("status", 5), ("default", 4), ("count", 2),
                                      ("effective", 3), ("title", 6))),
        table(say("rules"), rules, (("rule", ALWAYS), ("ruleset", 4), ("dimension", 3), ("severity", 6),
                                    ("applies_to", 1), ("title", 7), ("uncertain", 5))))


def _kinds(rule: Rule, lang: str) -> str:
    return ", ".join(label("kind", kind, lang) for kind in rule.applies_to)


def _find(rule_id: str, selectors: list[str] | None, rules_dir: str | None, lang: str) -> tuple[Ruleset, Rule]:
    from bleu_assess.render.i18n import did_you_mean

    rulesets = select(selectors, rules_dir)
    for ruleset in rulesets:
        for rule in ruleset.rules:
            if rule.id == rule_id or rule.name == rule_id:
                return ruleset, rule
    known = [rule.id for ruleset in rulesets for rule in ruleset.rules]
    raise UsageError(t("rules.unknown_rule", lang, rule=rule_id) + did_you_mean(rule_id, known, lang),
                     hint="bleu-assess rules list")


def show(rule_id: str, selectors: list[str] | None, rules_dir: str | None, lang: str) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    ruleset, rule = _find(rule_id, selectors, rules_dir, lang)
    lines = [
        f"{rule.id} · {rule.name} · {ruleset.ref} ({ruleset.status})",
        f"{rule.title[lang]}",
        t("rules.dimensions", lang, dimension=rule.dimension, severity=label("severity", rule.severity, lang),
          kinds=_kinds(rule, lang)),
        "",
        t("rules.when", lang),
        yaml.safe_dump(rule.when, allow_unicode=True, sort_keys=False).rstrip(),
    ]
    if rule.verdict:
        lines += ["", t("rules.verdict", lang) + " " + ", ".join(f"{k}={_plain(v)}" for k, v in rule.verdict.items())]
    lines += ["", f"{t('rules.message', lang)} {rule.message[lang]}",
              f"{t('rules.remediation', lang)} {rule.remediation[lang]}"]
    if rule.about:
        lines.append(t("rules.about", lang, fact=rule.about))
    lines += source_lines(ruleset.citations(rule), lang)
    if rule.uncertain:
        lines += ["", f"{t('rules.uncertain', lang)} {rule.uncertain[lang]}"]
    return Group(Panel(Text("\n".join(lines)), expand=False))


def source_lines(citations: tuple[Citation, ...], lang: str) -> list[str]:
    """Each source once, with its pinpoints, primary address and date; method documents apart."""
    out: list[str] = []
    for kind, heading in (("legal", t("rules.references", lang)), ("method", t("rules.method", lang))):
        chosen = [c for c in citations if c.source.kind == kind]
        if not chosen:
            continue
        out += ["", heading]
        sources = {(c.source.title, c.source.url): c.source for c in chosen}
        texts = render(chosen, lang)[0 if kind == "legal" else 1]
        for text, source in zip(texts, sources.values()):
            dated = f", {source.date}" if source.date else ""
            out.append(f"  - {text}" + (f" <{source.url}>{dated}" if source.url else dated))
    return out


def _plain(value: Any) -> str:
    if isinstance(value, (frozenset, set, list, tuple)):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    return str(value)


def _comparable(rule: Rule) -> tuple[Any, ...]:
    return (rule.name, rule.applies_to, rule.dimension, rule.severity, repr(rule.when),
            sorted((k, _plain(v)) for k, v in rule.verdict.items()), dict(rule.message), dict(rule.remediation),
            rule.references)


def compare(old: Ruleset, new: Ruleset) -> dict[str, list[str]]:
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(i for i in before.keys() & after.keys() if _comparable(before[i]) != _comparable(after[i])),
    }


def _changed_fields(old: Rule, new: Rule) -> list[str]:
    names = ("name", "applies_to", "dimension", "severity", "when", "verdict", "message", "remediation", "references")
    return [n for n, a, b in zip(names, _comparable(old), _comparable(new)) if a != b]


def diff(old_ref: str, new_ref: str, inventory: str | None, rules_dir: str | None, lang: str) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    for ref in (old_ref, new_ref):
        if "@" not in ref:
            raise UsageError(t("rules.needs_version", lang, ref=ref))
    old, new = resolve(old_ref, rules_dir), resolve(new_ref, rules_dir)
    changes = compare(old, new)
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    table = Table(title=f"{old.ref} ({old.status}) → {new.ref} ({new.status})")
    for column in ("change", "rule", "what", "title"):
        table.add_column(t(f"rules.col_{column}", lang), overflow="fold")
    for rule_id in changes["added"]:
        table.add_row(t("rules.added", lang), rule_id, "", after[rule_id].title[lang])
    for rule_id in changes["removed"]:
        table.add_row(t("rules.removed", lang), rule_id, "", before[rule_id].title[lang])
    for rule_id in changes["changed"]:
        table.add_row(t("rules.changed", lang), rule_id, ", ".join(_changed_fields(before[rule_id], after[rule_id])),
                      after[rule_id].title[lang])
    parts: list[Any] = [table]
    if inventory:
        parts.append(_verdict_changes(old, new, inventory, rules_dir, lang))
    return Group(*parts)


def _verdict_changes(old: Ruleset, new: Ruleset, inventory: str, rules_dir: str | None, lang: str) -> Any:
    from rich.table import Table

    from bleu_assess.assess.run import assess_inventory
    from bleu_assess.inventory.graph import build_graph
    from bleu_assess.inventory.load import load_inventory

    inv = load_inventory(inventory).inventory
    ig = build_graph(inv)
    others = [r for r in select(None, rules_dir) if r.id != old.id]
    results = [assess_inventory(inv, sorted([*others, r], key=lambda x: x.id), lang, ig) for r in (old, new)]
    table = Table(title=t("rules.verdict_changes", lang, inventory=inventory))
    for column in (t("rules.col_item", lang), t("rules.col_field", lang), old.ref, new.ref):
        table.add_column(column, overflow="fold")
    before = {i.id: i for i in results[0].items}
    count = 0
    for item in results[1].items:
        previous = before[item.id]
        for field in VERDICT_FIELDS:
            a, b = getattr(previous, field), getattr(item, field)
            if a != b:
                worded = [str(v or "—") if field == "platform" else label(field, v, lang) for v in (a, b)]
                table.add_row(item.id, t(f"scan.{_FIELD_NAMES[field]}", lang), *worded)
                count += 1
        rules_a = {f.rule for f in previous.findings}
        rules_b = {f.rule for f in item.findings}
        if rules_a != rules_b:
            table.add_row(item.id, t("rules.findings", lang), ", ".join(sorted(rules_a - rules_b)) or "—",
                          ", ".join(sorted(rules_b - rules_a)) or "—")
            count += 1
    if not count:
        table.add_row("—", t("rules.no_verdict_changes", lang), "", "")
    return table
