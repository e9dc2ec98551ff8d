"""One fact, one finding: the findings of one item whose rules are `about` the same fact (the
support staff's location, the host's jurisdiction…) become one finding that names every rule
behind it. Verdict effects are unchanged (every rule still applies its own); only what the
reader sees is merged.

The merged finding takes the most severe rule's id and severity (ties: the first rule id), every
rule id (`rules`, most severe first), the evidence and parameters of all. Its words are made when
it is worded (render/findings_words.py): the first rule's title and message, the remediations of
all (each once), the references of all, one per source with all its pinpoints.
"""

from __future__ import annotations

from typing import Any

from bleu_assess.assess.results import Finding
from bleu_assess.rules.model import Rule, Ruleset
from bleu_assess.vocab import SEVERITY_RANK


class Merger:
    """Merges findings per item; items alike (the same findings, shared by the evaluator) share
    one merged finding."""

    def __init__(self) -> None:
        self._merged: dict[tuple[int, ...], tuple[tuple[Finding, ...], Finding]] = {}

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
            out.append(group[0][2] if len(group) == 1 else self._remembered(group))
        return out

    def _remembered(self, group: list[tuple[Ruleset, Rule, Finding]]) -> Finding:
        findings = tuple(f for _, _, f in group)
        key = tuple(map(id, findings))
        found = self._merged.get(key)
        if found is None or any(a is not b for a, b in zip(found[0], findings)):
            found = self._merged[key] = (findings, _merged(group))
        return found[1]


def _merged(group: list[tuple[Ruleset, Rule, Finding]]) -> Finding:
    group = sorted(group, key=lambda e: (SEVERITY_RANK[e[1].severity], e[1].id))
    first = group[0][2]
    evidence: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for _, rule, finding in group:
        for key, value in finding.evidence.items():
            evidence.setdefault(key, value)
        for key, value in (finding.params or {}).items():
            if key not in params:
                params[key] = value
            elif params[key] != value:  # this rule shows another part of the fact's value
                params[f"{rule.id}:{key}"] = value
    # Positional, in Finding's field order (derogation and confidence are set later).
    return Finding(first.rule, first.ruleset, first.dimension, first.severity, "", "", (), evidence, "", None, None,
                   tuple(e[1].id for e in group), (), None, params)
