"""Inline SVG charts for the readiness report, drawn by our own code: no library, no script,
no external resource. Each chart has a title and a description for assistive technology, and
carries its numbers as text, so that no information is given by colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bleu_assess.vocab import ExposureLevel, Readiness, Scope

# WCAG AA contrast with white text (>= 4.5:1).
COLOURS: dict[str, str] = {
    Readiness.READY: "#1a7f37", Readiness.READY_WITH_CONDITIONS: "#8a5a00", Readiness.NOT_READY: "#c0262d",
    Readiness.UNKNOWN: "#57606a",
    Scope.REQUIRED: "#0b4f9c", Scope.RECOMMENDED: "#4f6fad", Scope.NOT_REQUIRED: "#57606a", Scope.EXCLUDED: "#6e2594",
    ExposureLevel.NONE: "#eef1f4", ExposureLevel.LOW: "#fbe3a5", ExposureLevel.MEDIUM: "#f5b461",
    ExposureLevel.HIGH: "#e0703a", ExposureLevel.CRITICAL: "#b42318",
}
FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"


@dataclass(frozen=True)
class Series:
    key: str
    label: str


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (f"<svg viewBox='0 0 {width} {height}' width='100%' role='img' "
            f"aria-labelledby='{chart_id}-title {chart_id}-desc' {FONT} font-size='13'>"
            f"<title id='{chart_id}-title'>{escape(title)}</title><desc id='{chart_id}-desc'>{escape(desc)}</desc>"
            + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = "#1f2328", weight: str = "normal") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}' font-weight='{weight}'>"
            f"{escape(text)}</text>")


def stacked_bars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, dict[str, int]]],
                 series: Sequence[Series]) -> str:
    """Horizontal stacked bars, one row per category, segments labelled with their counts."""
    label_w, bar_w, row_h, top = 150, 470, 30, 10
    height = top + row_h * len(rows) + 40
    body: list[str] = []
    biggest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    for index, (name, counts) in enumerate(rows):
        y = top + index * row_h
        body.append(_text(label_w - 8, y + 19, name, "end"))
        x = float(label_w)
        total = sum(counts.values())
        for s in series:
            value = counts.get(s.key, 0)
            if not value:
                continue
            w = bar_w * value / biggest
            body.append(f"<rect x='{x:.1f}' y='{y + 4}' width='{w:.1f}' height='{row_h - 8}' fill='{COLOURS[s.key]}'>"
                        f"<title>{escape(f'{name} — {s.label}: {value}')}</title></rect>")
            if w >= 18:
                body.append(_text(x + w / 2, y + 19, str(value), "middle", "#ffffff", "bold"))
            x += w
        body.append(_text(x + 6, y + 19, f"{total}", "start", "#57606a"))
    legend, right = _legend(series, 10, height - 14)
    return _svg(chart_id, max(label_w + bar_w + 50, right), height, title, desc, body + legend)


def _legend(series: Sequence[Series], x: float, y: float) -> tuple[list[str], int]:
    """The legend's marks, and where it ends on the right (the chart is made wide enough)."""
    # A generous 8.5 px a character: the reader's font is unknown, and a tighter estimate let wide
    # letters (É, M) run into the next box.
    out = []
    for s in series:
        out.append(f"<rect x='{x:.1f}' y='{y - 10:.1f}' width='12' height='12' fill='{COLOURS[s.key]}' stroke='#57606a' "
                   "stroke-width='0.5'/>")
        out.append(_text(x + 16, y, s.label))
        x += 32 + 8.5 * len(s.label)
    return out, int(x)


def bars(chart_id: str, title: str, desc: str, values: Sequence[tuple[str, str, int]]) -> str:
    """Simple horizontal bars: (key for colour, label, value)."""
    label_w, bar_w, row_h = 230, 380, 28
    height = row_h * len(values) + 12
    biggest = max((v for _, _, v in values), default=0) or 1
    body = []
    for index, (key, name, value) in enumerate(values):
        y = 6 + index * row_h
        w = bar_w * value / biggest
        body.append(_text(label_w - 8, y + 18, name, "end"))
        body.append(f"<rect x='{label_w}' y='{y + 4}' width='{max(w, 1):.1f}' height='{row_h - 8}' fill='{COLOURS[key]}'/>")
        body.append(_text(label_w + max(w, 1) + 6, y + 18, str(value), "start", "#1f2328", "bold"))
    return _svg(chart_id, label_w + bar_w + 50, height, title, desc, body)


def heat_map(chart_id: str, title: str, desc: str, rows: Sequence[str], columns: Sequence[str],
             cells: dict[tuple[str, str], tuple[str, int, int]], row_labels: dict[str, str],
             column_labels: dict[str, str], levels: Sequence[Series]) -> str:
    """Cells (row, column) -> (worst exposure level, exposed count, total count), shown as
    'exposed/total' on a colour of the worst level."""
    label_w, cell_w, cell_h, top = 150, 92, 34, 40
    body = []
    for c, column in enumerate(columns):
        body.append(_text(label_w + c * cell_w + cell_w / 2, top - 12, column_labels[column], "middle", weight="bold"))
    for r, row in enumerate(rows):
        y = top + r * cell_h
        body.append(_text(label_w - 8, y + 22, row_labels[row], "end"))
        for c, column in enumerate(columns):
            x = label_w + c * cell_w
            level, exposed, total = cells.get((row, column), ("none", 0, 0))
            fill = COLOURS[level] if total else "#ffffff"
            body.append(f"<rect x='{x}' y='{y}' width='{cell_w - 2}' height='{cell_h - 2}' fill='{fill}' stroke='#d0d7de'>"
                        f"<title>{escape(f'{row_labels[row]} × {column_labels[column]}: {exposed}/{total}')}</title></rect>")
            if total:
                dark = level in (ExposureLevel.HIGH, ExposureLevel.CRITICAL)
                body.append(_text(x + cell_w / 2 - 1, y + 21, f"{exposed}/{total}", "middle",
                                  "#ffffff" if dark else "#1f2328", "bold"))
    height = top + cell_h * len(rows) + 34
    legend, right = _legend(levels, 10, height - 10)
    return _svg(chart_id, max(label_w + cell_w * len(columns) + 10, 620, right), height, title, desc, body + legend)


def timeline(chart_id: str, title: str, desc: str, waves: Sequence[tuple[str, float, str]]) -> str:
    """One bar per wave, its length the effort in person-days: (label, days, annotation)."""
    label_w, bar_w, row_h = 150, 420, 30
    height = row_h * len(waves) + 12
    biggest = max((d for _, d, _ in waves), default=0) or 1
    body = []
    for index, (name, days, note) in enumerate(waves):
        y = 6 + index * row_h
        w = bar_w * days / biggest
        body.append(_text(label_w - 8, y + 19, name, "end"))
        body.append(f"<rect x='{label_w}' y='{y + 4}' width='{max(w, 1):.1f}' height='{row_h - 8}' rx='3' "
                    f"fill='{COLOURS['required']}'/>")
        body.append(_text(label_w + max(w, 1) + 6, y + 19, note, "start", "#1f2328"))
    return _svg(chart_id, label_w + bar_w + 150, height, title, desc, body)  # room for the note


def dated_timeline(chart_id: str, title: str, desc: str, waves: Sequence[tuple[str, str, str, str]],
                   freezes: Sequence[tuple[str, str]], deadlines: Sequence[tuple[str, str, bool]],
                   months: Sequence[tuple[str, str]]) -> str:
    """A dated timeline: one bar per wave (label, first day, last day, annotation; ISO dates),
    freeze periods as hatched bands, deadlines as vertical lines (ISO date, short label, must
    be met), and `months` (ISO first day, label) as the axis. Only what falls between the first
    and last month is drawn; the report lists every deadline as text as well."""
    import datetime as dt

    if not months:
        return _svg(chart_id, 600, 20, title, desc, [])
    label_w, plot_w, row_h, top = 150, 560, 28, 26
    first = dt.date.fromisoformat(months[0][0])
    last = dt.date.fromisoformat(months[-1][0])
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # the day after the last month
    span = (last - first).days or 1

    def x(day: str, end: bool = False) -> float:
        offset = (dt.date.fromisoformat(day) - first).days + (1 if end else 0)
        return label_w + plot_w * min(max(offset, 0), span) / span

    height = top + row_h * len(waves) + 34 + 16 * len(deadlines)
    body = ["<defs><pattern id='" + chart_id + "-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
            "patternTransform='rotate(45)'><rect width='3' height='6' fill='#d0d7de'/></pattern></defs>"]
    bottom = top + row_h * len(waves)
    for start, end in freezes:
        a, b = x(start), x(end, True)
        if b > a:
            body.append(f"<rect x='{a:.1f}' y='{top - 4}' width='{b - a:.1f}' height='{bottom - top + 8}' "
                        f"fill='url(#{chart_id}-hatch)'><title>{escape(start)} – {escape(end)}</title></rect>")
    for day, name in months:
        mx = x(day)
        body.append(f"<line x1='{mx:.1f}' y1='{top - 6}' x2='{mx:.1f}' y2='{bottom}' stroke='#eaeef2'/>")
        body.append(f"<text x='{mx + 3:.1f}' y='{top - 10}' fill='#57606a' font-size='11'>{escape(name)}</text>")
    for index, (name, start, end, note) in enumerate(waves):
        y = top + index * row_h
        a, b = x(start), x(end, True)
        body.append(_text(label_w - 8, y + 18, name, "end"))
        body.append(f"<rect x='{a:.1f}' y='{y + 4}' width='{max(b - a, 2):.1f}' height='{row_h - 8}' rx='3' "
                    f"fill='{COLOURS['required']}'><title>{escape(f'{name}: {note}')}</title></rect>")
        inside = b - a > 8.5 * len(note) + 10
        body.append(_text((a + 5) if inside else (b + 5), y + 18, note, "start", "#ffffff" if inside else "#1f2328"))
    for index, (day, name, must) in enumerate(deadlines):
        dx = x(day)
        colour = "#b42318" if must else "#8a5a00"
        body.append(f"<line x1='{dx:.1f}' y1='{top - 4}' x2='{dx:.1f}' y2='{bottom + 10 + 16 * index}' stroke='{colour}' "
                    "stroke-width='2' stroke-dasharray='4 3'/>")
        # Labels right of the line, or left of it in the right half, cut to the room they have
        # (8 px a bold character, generously): the full wording is in the table beside the chart.
        right_half = dx > label_w + plot_w / 2
        room = int((dx if right_half else label_w + plot_w + 40 - dx) / 8)
        shown = name if len(name) <= room else name[:max(room - 1, 1)].rstrip() + "…"
        body.append(f"<text x='{dx - 4 if right_half else dx + 4:.1f}' y='{bottom + 14 + 16 * index:.1f}' "
                    f"text-anchor='{'end' if right_half else 'start'}' fill='{colour}' font-weight='bold'>"
                    f"<title>{escape(name)}</title>{escape(shown)}</text>")
    return _svg(chart_id, label_w + plot_w + 40, height, title, desc, body)
