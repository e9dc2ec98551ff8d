"""Terminal views of the catalogue: `catalogue list`, `catalogue show`, `catalogue check`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bleu_assess.inventory.catalogue import Catalogue, CheckItem, Fact, Offer, ProviderEntry, Source, parse_date
from bleu_assess.render import l10n
from bleu_assess.render.i18n import label_or_code, t

if TYPE_CHECKING:
    from rich.console import RenderableType


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) if value else "—"
    return "—" if value is None else str(value)


def qualification_text(offer: Offer, day: dt.date, lang: str) -> str:
    """`SecNumCloud 3.2 [IaaS] until 29 December 2026`, one per line, in words; expired ones say so."""
    lines = []
    for q in offer.qualifications:
        when = ""
        if q.until:
            expired = parse_date(q.until, end=True) < day
            when = " " + t("catalogue.expired" if expired else "catalogue.until", lang, until=q.until)
        scope = ", ".join(label_or_code("hosting", m, lang) for m in q.scope)
        lines.append(f"{label_or_code('qualification', q.id, lang)} [{scope}]{when} "
                     f"({t('catalogue.confidence.' + q.fact.mark, lang)})")
    return "\n".join(lines) or "—"


def listing(catalogue: Catalogue, day: dt.date, lang: str) -> RenderableType:
    from rich.table import Table

    offers = list(catalogue.offers())
    table = Table(title=t("catalogue.title", lang, version=catalogue.version, as_of=catalogue.as_of,
                          providers=len(catalogue.providers), offers=len(offers)), show_lines=True)
    for key in ("col_offer", "col_models", "col_regions", "col_qualifications", "col_pending"):
        # Offer references whole, folded rather than cut: they are what `catalogue show` takes.
        table.add_column(t(f"catalogue.{key}", lang), overflow="fold")
    for provider in catalogue.providers.values():
        if not provider.offers:
            table.add_row(provider.id, "—", "—", "—", "—")
        for offer in provider.offers:
            pending = "\n".join(f"{label_or_code('qualification', p.id, lang)} {p.milestone or '?'}"
                                for p in offer.pending) or "—"
            models = offer.facts.get("models") and offer.facts["models"].value
            regions = offer.facts.get("regions") and offer.facts["regions"].value
            table.add_row(offer.ref, _value([label_or_code("hosting", m, lang) for m in models or ()]),
                          _value([l10n.country(r, lang) for r in regions or ()]),
                          qualification_text(offer, day, lang), pending)
    return table


def _fact_rows(facts: list[tuple[str, Fact]], lang: str) -> RenderableType:
    from rich.table import Table

    table = Table(show_lines=True)
    for key in ("col_fact", "col_value", "col_confidence", "col_source"):
        table.add_column(t(f"catalogue.{key}", lang), overflow="fold")  # addresses are never cut
    for name, fact in facts:
        value = fact_value(name, fact.value, lang)
        extra = [fact.note] if fact.note else []
        if fact.uncertain:
            extra.append(t("catalogue.uncertain", lang, text=fact.uncertain[lang]))
        for other in fact.disputed:
            extra.append(t("catalogue.disputed", lang, value=_value(other["value"]), source=_value(other["source"])))
        sources = "\n".join(f"{s.title}\n{source_address(s.address, lang)} ({source_date(s.date, lang)}, "
                            f"{t('catalogue.confidence.' + s.confidence, lang)})" for s in fact.sources)
        worded = field_name(name, lang)  # with the key the catalogue's files write
        table.add_row(name if worded == name else f"{worded} ({name})", "\n".join([value, *extra]),
                      t(f"catalogue.confidence.{fact.mark}", lang), sources)
    return table


def offer_facts(offer: Offer, lang: str) -> list[tuple[str, Fact]]:
    """Every fact of an offer, qualifications included, in file order."""
    facts = list(offer.facts.items())
    for q in offer.qualifications:
        dates = " ".join(filter(None, [q.since and t("catalogue.since", lang, since=q.since),
                                       q.until and t("catalogue.until", lang, until=q.until)]))
        facts.append((f"qualification {q.id}", _with_value(q.fact, f"[{', '.join(q.scope)}] {dates} {q.evidence}".strip())))
    for p in offer.pending:
        bits = [f"{p.milestone or '?'}", p.since and t("catalogue.since", lang, since=p.since),
                p.expected and t("catalogue.expected", lang, expected=p.expected)]
        facts.append((f"pending {p.id}", _with_value(p.fact, " ".join(filter(None, bits)))))
    return facts


def _with_value(fact: Fact, value: str) -> Fact:
    from dataclasses import replace

    return replace(fact, value=value)


def show(entry: ProviderEntry | Offer, lang: str) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    if isinstance(entry, Offer):
        return Group(Text(entry.ref, style="bold"), _fact_rows(offer_facts(entry, lang), lang),
                     *([Text(entry.note)] if entry.note else []))
    parts: list[Any] = [Text(f"{entry.id} ({entry.file})", style="bold"), _fact_rows(list(entry.facts.items()), lang)]
    if entry.note:
        parts.append(Text(entry.note))
    for offer in entry.offers:
        parts.append(show(offer, lang))
    return Group(*parts)


def check_lines(catalogue: Catalogue, items: list[CheckItem], day: dt.date, lang: str) -> list[tuple[str, str]]:
    """(level, message) per problem, then the summary line."""
    out = [(i.level, t(f"catalogue.check_{i.code}", lang, where=i.where, **i.values)) for i in items]
    errors = sum(1 for i in items if i.level == "error")
    if not errors:
        out.append(("info", t("catalogue.check_ok", lang, version=catalogue.version, as_of=catalogue.as_of,
                              day=day.isoformat())))
    out.append(("info", t("catalogue.check_summary", lang, errors=errors, warnings=len(items) - errors)))
    return out


def explain_block(verdict: Any, inventory: Any, lang: str) -> RenderableType:
    """For `explain`: the catalogue entries a verdict rests on, their confidence, the fields the
    inventory overrides, and every fact used that is not official, with its source."""
    from rich.tree import Tree

    from bleu_assess.assess.confidence import item_entries

    resolution = inventory.catalogue
    entries = {(e.section, e.id): e for e in item_entries(resolution, inventory, verdict.id, None, verdict.platform)}
    for finding in verdict.findings:
        entries.update({(e.section, e.id): e for e in item_entries(resolution, inventory, verdict.id, finding.evidence)})
    tree = Tree(t("scan.catalogue_facts", lang))
    if not entries:
        tree.add("—")
    for entry in entries.values():
        confidence = t(f"catalogue.confidence.{entry.confidence}", lang) if entry.confidence else "—"
        branch = tree.add(t("scan.catalogue_entry", lang, id=entry.id, ref=entry.ref, confidence=confidence))
        if entry.overrides:
            branch.add(t("scan.catalogue_override", lang, fields=", ".join(entry.overrides)))
        for name, fact in entry.doubtful():
            sources = "; ".join(source_text(s, lang) for s in fact.sources)
            note = f" — {fact.uncertain[lang]}" if fact.uncertain else ""
            said = t("catalogue.fact_line", lang, field=field_name(name, lang), value=fact_value(name, fact.value, lang))
            branch.add(f"{said} — {t('catalogue.confidence.' + fact.mark, lang)}{note} — {sources}")
    return tree


# A source the catalogue names by its research-index number, its repository not identified
# (`research-index:N`): worded in the reader's language, the number kept.
_RESEARCH_INDEX = "research-index:"


def source_address(address: str, lang: str) -> str:
    """A source's address as the reader reads it: `research-index:N` worded with its number
    (« fichier public, dépôt non identifié (index de recherche n° N) »), others as they are."""
    if address.startswith(_RESEARCH_INDEX):
        return t("catalogue.address_research_index", lang, number=address[len(_RESEARCH_INDEX):])
    return address


def source_date(date: str, lang: str) -> str:
    """A source's date as written (YYYY, YYYY-MM or YYYY-MM-DD), or « non daté » / "undated"."""
    return t("catalogue.undated", lang) if date == "undated" else date


def source_text(source: Source, lang: str) -> str:
    """« title, address (date) », the address and a missing date in the reader's language."""
    return f"{source.title}, {source_address(source.address, lang)} ({source_date(source.date, lang)})"


def _offline(text: str) -> str:
    """Addresses as text without their scheme: a report links to nothing on the internet."""
    import re

    return re.sub(r"\bhttps?://", "", text)


# Fields of providers and offers whose values are codes of a vocabulary of the values catalogue,
# and those whose values are countries (ISO 3166-1 codes).
_VOCABULARY = {"models": "hosting", "kind": "host_kind", "qualifications": "qualification",
               "pending_qualifications": "qualification", "services": "service"}
_COUNTRIES = frozenset({"headquarters", "regions", "admin_regions", "support_regions", "non_eu_jurisdictions",
                        "contract_law"})


def field_name(name: str, lang: str) -> str:
    """The words of a provider's or offer's field (`pending_qualifications` → « qualifications
    en cours »), from `catalogue.field.<name>`; a field without words as it is written."""
    return label_or_code("field", name, lang, area="catalogue")


def fact_value(name: str, value: Any, lang: str) -> str:
    """A fact's value in `lang`: codes by their label, countries by their name, lists joined."""
    values = value if isinstance(value, (list, tuple)) else [value]
    if value is None or not values or not all(isinstance(v, str) for v in values):
        return _value(value)
    if name in _VOCABULARY:
        return ", ".join(label_or_code(_VOCABULARY[name], v, lang) for v in values)
    if name in _COUNTRIES:
        return ", ".join(l10n.country(v, lang) for v in values)
    return _value(value)


def report_context(inventory: Any, lang: str) -> dict[str, Any] | None:
    """What the report's catalogue section (templates/report/catalogue.*.j2) reads: the
    catalogue used, and each entry built from it with its confidence, overrides and every fact
    used that is not official, with its sources. None when the inventory has no references."""
    resolution = inventory.catalogue
    if resolution is None:
        return None
    entries = []
    for entry in sorted(resolution.entries, key=lambda e: (e.section, e.id)):
        entries.append({
            "id": entry.id, "ref": entry.ref, "section": entry.section,
            "overrides": [field_name(name, lang) for name in entry.overrides],
            "confidence": t(f"catalogue.confidence.{entry.confidence}", lang) if entry.confidence else "—",
            "doubtful": [{"field": field_name(name, lang), "value": _offline(fact_value(name, fact.value, lang)),
                          "mark": t(f"catalogue.confidence.{fact.mark}", lang), "note": _offline(fact.uncertain[lang]) if fact.uncertain else "",
                          "sources": [_offline(source_text(s, lang)) for s in fact.sources]}
                         for name, fact in entry.doubtful()],
        })
    return {"line": t("scan.catalogue_line", lang, **resolution.to_dict()), "sha256": resolution.catalogue.sha256,
            "entries": entries}
