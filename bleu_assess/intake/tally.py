"""The import report of discovery imports: every row read is accounted for exactly once.

Each row lands in one outcome — `mapped` (it became part of the inventory), `suggested` (it
became a suggestion the user confirms, such as an application guessed from a VM folder) or
`left-out` — with a reason code and a few examples. The counts of the three add up to the rows
read (`check()`); the report also lists what was added to the inventory and what the merge had
to do (a list materialised) or could not do. Reasons are codes; their wording comes from
`templates/i18n/discovery.<lang>.yaml` at render time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bleu_assess.errors import Diagnostic

OUTCOMES = ("mapped", "suggested", "left-out")
# A note: words, a code of discovery.note.* with its values, or what the table reader did at a
# place of the file (a located diagnostic, worded in the report's language when rendered).
Said = str | tuple[str, dict[str, Any]] | Diagnostic


def said(code: str, **values: Any) -> tuple[str, dict[str, Any]]:
    """A note: the code of its message (`discovery.note.<code>`) and the values it names."""
    return code, values


def _word(entry: Said, lang: str) -> str:
    from bleu_assess.render.i18n import t

    if isinstance(entry, Diagnostic):
        from bleu_assess.render.intake_words import diagnostic

        return diagnostic(entry, lang).format()
    return entry if isinstance(entry, str) else t(f"discovery.note.{entry[0]}", lang, **entry[1])


def _data(entry: Said) -> Any:
    if isinstance(entry, Diagnostic):
        where = {"file": entry.file, "sheet": entry.sheet or None, "line": entry.line, "column": entry.column}
        return {"code": entry.code, **{k: v for k, v in where.items() if v is not None}, **dict(entry.params)}
    return entry if isinstance(entry, str) else {"code": entry[0], **entry[1]}
MAX_EXAMPLES = 5


@dataclass
class Bucket:
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import read, mapped, suggested and left out, with counts and reasons."""

    source: str
    kind: str  # rvtools, azure-migrate, archimate, …
    read: int = 0  # rows (or elements) read
    unit: str = "rows"
    outcomes: dict[tuple[str, str], Bucket] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)  # section -> items added
    details: dict[str, list[Said]] = field(default_factory=dict)  # heading code -> lines (endpoints, …)
    # What the import did that the user must know, and what it could not do: each a message code
    # with its values (worded at render time), or a located diagnostic already formatted.
    notes: list[Said] = field(default_factory=list)
    not_done: list[Said] = field(default_factory=list)

    def count(self, outcome: str, reason: str, example: Any = None, n: int = 1) -> None:
        """Account for `n` rows read with this outcome and reason; `example` (a value, or a pair
        shown `a -> b`) is kept among the first few."""
        bucket = self.outcomes.get((outcome, reason))
        if bucket is None:
            assert outcome in OUTCOMES, outcome
            bucket = self.outcomes[(outcome, reason)] = Bucket()
        bucket.count += n
        if len(bucket.examples) < MAX_EXAMPLES and example not in (None, ""):
            text = " -> ".join(example) if isinstance(example, tuple) else str(example)
            if text not in bucket.examples:
                bucket.examples.append(text)

    def total(self, outcome: str | None = None) -> int:
        return sum(b.count for (o, _), b in self.outcomes.items() if outcome is None or o == outcome)

    def check(self) -> None:
        """Every row read is in exactly one outcome (a bug otherwise, never a user error)."""
        if self.total() != self.read:
            raise AssertionError(f"import report of {self.source}: {self.total()} rows accounted for, {self.read} read")

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "kind": self.kind, "read": self.read, "unit": self.unit,
            "outcomes": [{"outcome": o, "reason": r, "count": b.count, "examples": b.examples}
                         for (o, r), b in sorted(self.outcomes.items(), key=lambda kv: (OUTCOMES.index(kv[0][0]), kv[0][1]))],
            "added": dict(sorted(self.added.items())),
            "details": {heading: [_data(e) for e in entries] for heading, entries in self.details.items()},
            "notes": [_data(n) for n in self.notes], "not_done": [_data(n) for n in self.not_done],
        }

    def lines(self, lang: str) -> list[str]:
        """The report as lines of text (terminal), in `lang`."""
        from bleu_assess.render.i18n import t

        out = [t("discovery.read", lang, source=self.source, kind=self.kind, count=self.read,
                 unit=t(f"discovery.unit.{self.unit}", lang, count=self.read))]
        for outcome in OUTCOMES:
            buckets = sorted((r, b) for (o, r), b in self.outcomes.items() if o == outcome)
            out.append(t(f"discovery.outcome.{outcome}", lang, count=sum(b.count for _, b in buckets)))
            for reason, bucket in buckets:
                examples = f" ({', '.join(bucket.examples)}{', …' if bucket.count > len(bucket.examples) else ''})" \
                    if bucket.examples else ""
                out.append("  - " + t("discovery.count_line", lang, count=bucket.count,
                                      reason=t(f"discovery.reason.{reason}", lang), examples=examples))
        if self.added:
            added = ", ".join(t(f"discovery.section.{s}", lang, count=n) for s, n in sorted(self.added.items()))
            out.append(t("discovery.added", lang, added=added))
        else:
            out.append(t("discovery.nothing_added", lang))
        for heading, entries in sorted(self.details.items()):
            if not entries:
                continue
            out.append(t(f"discovery.detail.{heading}", lang, count=len(entries)))
            out.extend(f"  - {_word(entry, lang)}" for entry in entries)
        for heading, said in (("notes", self.notes), ("not_done", self.not_done)):
            if said:
                out.append(t(f"discovery.{heading}", lang, count=len(said)))
                out.extend(f"  - {_word(entry, lang)}" for entry in said)
        return out

    def markdown(self, lang: str) -> str:
        """The report as Markdown (`--report FILE.md`): the summary line, then one section per
        outcome and detail, each with its list."""
        from bleu_assess.render.i18n import t

        lines = self.lines(lang)
        body = [f"# {t('discovery.title', lang, source=self.source)}", "", lines[0]]
        for line in lines[1:]:
            if line.startswith("  - "):
                body.append(line[2:])
            else:  # a heading: without the colon that announces its list on the terminal
                body += ["", f"## {line.rstrip(' :').rstrip(chr(0xa0))}", ""]
        text = "\n".join(body) + "\n"
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text
