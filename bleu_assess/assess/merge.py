"""One fact, one finding: the findings of one item whose rules are `about` the same fact (the
support staff's location, the host's jurisdiction…) become one finding that lists every rule
and every reference behind it. Verdict effects are unchanged (every rule still applies its
own); only what the reader sees is merged.

The merged finding takes the most severe rule's severity, title and message (ties: the first
rule id), the remediations of all (each once), every rule id (`rules`, most severe first) and
the references of all, one per source with all its pinpoints.
"""

from __future__ import annotations

from typing import Any

from bleu_assess.assess.results import Finding
from bleu_assess.render.citations import render
from bleu_assess.rules.model import Rule, Ruleset
from bleu_assess.vocab import SEVERITY_RANK


class Merger:
    """Merges findings per item; the texts shared by every item with the same rules are made once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._shared: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...], str | None]] = {}

    def merge(self, fired: list[tuple[Ruleset, Rule, Finding]]) -> list[Finding]:
        """`fired`: each rule that fired with its finding; returns the findings, merged by `about`."""
        seen: set[str] = set()
        for _, rule, _ in fired:
            about = rule.about
            if about is not None:
                if about in seen:
                    break
                seen.add(about)
        else:  # no fact repeated: nothing to merge (most items)
            return [finding for _, _, finding in fired]
        groups: dict[Any, list[tuple[Ruleset, Rule, Finding]]] = {}
        for entry in fired:
            about = entry[1].about
            groups.setdefault(about if about is not None else ("rule", entry[1].id), []).append(entry)
        out = []
        for group in groups.values():
            out.append(group[0][2] if len(group) == 1 else self._merged(group))
        return out

    def _merged(self, group: list[tuple[Ruleset, Rule, Finding]]) -> Finding:
        group = sorted(group, key=lambda e: (SEVERITY_RANK[e[1].severity], e[1].id))
        first = group[0][2]
        ids = tuple(e[1].id for e in group)
        shared = self._shared.get(ids)
        if shared is None:
            citations = [c for ruleset, rule, _ in group for c in ruleset.citations(rule)]
            legal, method = render(citations, self.lang)
            notes = [f"{rule.id} : {rule.uncertain[self.lang]}" if self.lang == "fr"
                     else f"{rule.id}: {rule.uncertain[self.lang]}" for _, rule, _ in group if rule.uncertain]
            shared = self._shared[ids] = (legal, method, " ".join(notes) or None)
        legal, method, uncertain = shared
        remediation = " ".join(dict.fromkeys(f.remediation for _, _, f in group))
        evidence: dict[str, Any] = {}
        for _, _, finding in group:
            for key, value in finding.evidence.items():
                evidence.setdefault(key, value)
        # Positional, in Finding's field order (derogation and confidence are set later).
        return Finding(first.rule, first.ruleset, first.dimension, first.severity, first.message, remediation,
                       legal, evidence, first.title, None, None, ids, method, uncertain)
