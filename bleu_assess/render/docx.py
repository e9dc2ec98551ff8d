"""The editable note: `report --format docx`, a Word document (python-docx) that a consultant
hands to the client and edits — the one-page summary, the roadmap and the main blockers, in the
report's language, styled from the template's branding (report/brand.yaml: accent colour, font,
footer line, a line above the title).

Same inputs and SOURCE_DATE_EPOCH, same bytes: the document's properties carry the generation
moment, and the package's entries carry it as their time (python-docx stamps them with the
clock)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from bleu_assess.assess.results import PlanResult, ScanResult
from bleu_assess.inventory.model import Inventory
from bleu_assess.render.i18n import label, t
from bleu_assess.render.scan import confidence_mark
from bleu_assess.vocab import Severity

MAIN_BLOCKERS = (Severity.BLOCKER, Severity.HIGH)  # severities the note lists as main blockers


def _rgb(colour: str) -> Any:
    from docx.shared import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def render(scan: ScanResult, plan: PlanResult, inventory: Inventory, template_dir: str | None) -> bytes:
    """The note as .docx bytes. Raises TemplateError for bad branding settings."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from bleu_assess.clock import reference_moment
    from bleu_assess.render import l10n
    from bleu_assess.render.report import context

    lang = scan.lang
    ctx = context(scan, plan, inventory, "executive", template_dir)
    brand, page, roadmap = ctx["brand"], ctx["page"], ctx["roadmap"]
    accent = _rgb(brand["accent"])

    def say(key: str, **values: Any) -> str:
        return t(f"report.{key}", lang, **values)

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = brand["font"], Pt(10)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 11.5)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = brand["font"], Pt(size), accent
    if brand["footer"]:
        section.footer.paragraphs[0].text = brand["footer"]
        section.footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    def bullets(lines: list[str]) -> None:
        for line in lines:
            document.add_paragraph(line, style="List Bullet")

    def table(headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
        """A table; `widths` in centimetres, the last column taking what the others leave of
        the 17.4 cm line."""
        grid = document.add_table(rows=1, cols=len(headers))
        grid.style = "Light Grid Accent 1"
        for cell, text in zip(grid.rows[0].cells, headers):
            cell.text = text
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row):
                cell.text = text
        if widths is not None:
            grid.autofit = False
            for index, column in enumerate(grid.columns):
                # Word reads the cells' widths, LibreOffice the grid's: both are set.
                column.width = Cm(widths[index] if index < len(headers) - 1 else 17.4 - sum(widths[:-1]))
                for cell in column.cells:
                    cell.width = column.width

    # -- the one-page summary ------------------------------------------------------------
    if brand["logo_text"]:
        document.add_paragraph(brand["logo_text"])
    document.add_heading(say("title"), level=0)
    document.add_paragraph(f"{inventory.organisation.name} · {ctx['generated']}")
    document.add_heading(say("at_a_glance"), level=1)
    for line in ctx["rulesets_not_in_force"]:  # verdicts not of the rules in force: said first
        document.add_paragraph().add_run(line).bold = True
    table([text for _, text, _ in page["figures"]], [[l10n.number(value, lang) for value, _, _ in page["figures"]]])
    if page["recommended_note"]:
        document.add_paragraph().add_run(page["recommended_note"]).italic = True
    for key, lines in (("q_move", page["move"]),
                       ("q_cannot", [say("decide_line", why=g["why"], names=g["names"]) for g in page["cannot"]]
                        or [t("plan.none", lang)]),
                       ("q_when", page["when"] or [say("no_waves")])):
        document.add_heading(say(key), level=2)
        bullets(lines)
    document.add_heading(say("q_decide"), level=2)
    for decision in page["decisions"]:
        document.add_paragraph().add_run(decision["title"]).bold = True
        bullets(decision["lines"])
    if not page["decisions"]:
        bullets([say("no_decisions")])
    unknowns = document.add_paragraph()
    unknowns.add_run(f"{say('field', name=say('unknowns_title'))} {page['unknowns']['count']}").bold = True
    unknowns.add_run(" — " + (say("unknowns_line", count=page["unknowns"]["count"]) if page["unknowns"]["count"]
                              else say("unknowns_none")))
    bullets(page["unknowns"]["lines"])

    # -- the roadmap ---------------------------------------------------------------------
    document.add_heading(say("wave_plan"), level=1).paragraph_format.page_break_before = True
    names = ctx["app_names"]
    separator = t("cli.list_separator", lang)
    headers = [say("wave_column")] + ([say("start"), say("end")] if roadmap else []) + [say("effort_column"),
                                                                                      say("applications")]
    table(headers, [[say("wave", number=w.number)] + ([l10n.date(w.start, lang), l10n.date(w.end, lang)] if roadmap else [])
                    + [l10n.number(w.effort_days, lang), separator.join(names[a] for a in w.applications)]
                    for w in plan.waves], [2.2] + ([3.0, 3.0] if roadmap else []) + [2.2, 0])
    if roadmap and roadmap["deadlines"]:
        document.add_heading(say("deadlines"), level=2)
        table([t("plan.col_date", lang), say("deadline_col"), say("concerns")],
              [[l10n.date(d["date"], lang), d["title"] + (f" ({say('must_meet')})" if d["must_meet"] else ""),
                separator.join(d["names"])] for d in roadmap["deadlines"]], [3.0, 8.0, 0])
    if plan.held:
        document.add_heading(say("held"), level=2)
        table([say("applications"), say("reason")], [[names[h.id], label("held", h.reason, lang)] for h in plan.held],
              [10.0, 0])

    # -- the main blockers ---------------------------------------------------------------
    document.add_heading(say("top_blockers"), level=1)
    shown = False
    for group in (g for g in ctx["rule_groups"] if g["severity"] in MAIN_BLOCKERS):
        heading = document.add_paragraph()
        heading.add_run(f"{label('severity', group['severity'], lang)} — {group['title']} ").bold = True
        heading.add_run(f"({group['rule']}, {say('items_affected', count=len(group['items']))})")
        # † after an item whose finding rests on catalogue facts not all official (legend below).
        if group["severity"] == Severity.BLOCKER:  # few, and each message names its item and what blocks
            bullets([i["message"] + confidence_mark(i["confidence"], lang) for i in group["items"]])
        else:
            document.add_paragraph(separator.join(i["name"] + confidence_mark(i["confidence"], lang)
                                                  for i in group["items"]))
        if group["remediation"]:
            document.add_paragraph(f"{say('field', name=say('remediation'))} {group['remediation']}")
        else:  # each distinct remediation, with the items it is for
            document.add_paragraph(say("field", name=say("remediation")))
            bullets([f"{entry['text']} ({separator.join(entry['names'])})" for entry in group["remediations"]])
        # An uncertain legal basis, as the HTML report says it: the group's, else each note with its items.
        notes = [group["uncertain"]] if group["uncertain"] else [
            f"{entry['text']} ({separator.join(entry['names'])})" for entry in group["uncertainties"]]
        for text in notes:
            document.add_paragraph().add_run(f"{say('uncertain')} — {text}").italic = True
        shown = shown or any(i["confidence"] for i in group["items"])
    if shown:
        document.add_paragraph().add_run(ctx["confidence_legend"]).italic = True

    moment = reference_moment().replace(tzinfo=None)
    properties = document.core_properties
    properties.title = f"{say('title')} — {inventory.organisation.name}"
    properties.author = properties.last_modified_by = "bleu-assess"
    properties.created = properties.modified = properties.last_printed = moment
    properties.revision = 1
    properties.language = lang
    buffer = io.BytesIO()
    document.save(buffer)
    return _stamped(buffer.getvalue(), moment)


def _stamped(package: bytes, moment: dt.datetime) -> bytes:
    """The package rewritten with every entry dated `moment` (zip keeps no date before 1980)."""
    stamp = max(moment, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
