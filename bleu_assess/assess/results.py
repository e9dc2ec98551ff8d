"""Results of `scan` and `plan`: typed records and their JSON form (spec/results.md, v1).

Lists are sorted deterministically (items by id, findings by severity then rule id), so the same
inputs give byte-identical output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from itertools import chain
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring as _string  # the C one, as the encoder uses
from operator import attrgetter, itemgetter
from typing import Any, Protocol, TypeVar

from bleu_assess import gcpause
from bleu_assess.assess.finding import Finding, quick_init
from bleu_assess.vocab import ExposureLevel, Readiness, Residency, Scope, Severity, Target

RESULTS_FORMAT = "bleu-assess-results/v1"



@quick_init  # made for every exposed item (some 13,000 at 10,000 applications)
@dataclass(frozen=True, slots=True)
class Exposure:
    level: str = "none"
    score: int = 0
    paths: tuple[tuple[str, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "score": self.score, "paths": [list(p) for p in self.paths]}


@quick_init
@dataclass(frozen=True, slots=True)
class ItemVerdict:
    id: str
    kind: str  # application | dataset
    name: str
    readiness: str
    secnumcloud_scope: str
    residency: str
    exposure: Exposure
    target: str
    platform: str | None
    findings: tuple[Finding, ...] = ()
    pending_platforms: tuple[str, ...] = ()  # offers that would fit once a pending qualification is granted
    # Facts carried for renderers (not required by the contract, listed after the required keys).
    owner: str | None = None
    criticality: str | None = None
    classification: str | None = None
    hosting_model: str | None = None
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Rules that found facts missing to decide (readiness `unknown`), in rule id order.
    unknown_reasons: tuple[str, ...] = ()
    confidence: str | None = None  # the worst of its findings' and its platform's (see Finding)
    # Verdicts (secnumcloud_scope, residency, exposure, target) that rest on facts missing: the
    # rules that found them missing say so (`verdict.undecided`); shown as provisional, never as definite.
    undecided: tuple[str, ...] = ()

    @property
    def top_finding(self) -> Finding | None:
        """The most severe finding that is more than information and not derogated, if any."""
        return top_of(self.findings)

    def to_dict(self) -> dict[str, Any]:
        out = self.head_dict()
        out["findings"] = [f.to_dict() for f in self.findings]
        out.update(self.tail_dict())
        return out

    def head_dict(self) -> dict[str, Any]:
        """The keys before `findings`."""
        return {
            "id": self.id, "kind": self.kind, "name": self.name, "readiness": self.readiness,
            "secnumcloud_scope": self.secnumcloud_scope, "residency": self.residency,
            "exposure": self.exposure.to_dict(), "target": self.target, "platform": self.platform,
            "pending_platforms": list(self.pending_platforms),
        }

    def tail_dict(self) -> dict[str, Any]:
        """The keys after `findings`."""
        if self.kind == "application":
            out: dict[str, Any] = {"owner": self.owner, "criticality": self.criticality,
                                   "hosting_model": self.hosting_model}
        else:
            out = {"classification": self.classification}
        out.update(tags=list(self.tags), extra=dict(self.extra), unknown_reasons=list(self.unknown_reasons))
        if self.undecided:
            out["undecided"] = list(self.undecided)
        if self.confidence:
            out["confidence"] = self.confidence
        return out


def top_of(findings: Iterable[Finding]) -> Finding | None:
    """The most severe of an item's `findings` (in their order: most severe first) that is more
    than information and not derogated, if any (ItemVerdict.top_finding)."""
    first = next((f for f in findings if f.counts), None)
    return first if first is not None and first.severity != "info" else None


# An item's findings as the evaluation decided them (rule ids, severity, evidence, parameters;
# texts empty): the `findings` slot of any ItemVerdict, which a WordedItem words when it is read.
_DECIDED = ItemVerdict.__dict__["findings"]
decided = _DECIDED.__get__
_COMPARED = attrgetter(*[f.name for f in fields(ItemVerdict) if f.compare])


class Wording(Protocol):
    """What words a WordedItem's findings (render/findings_words.FindingWords)."""

    def findings(self, item: ItemVerdict) -> tuple[Finding, ...]:
        """`decided(item)` worded in the result's language, naming `item`."""

    def finding(self, f: Finding, own: Mapping[str, Any]) -> Finding:
        """One decided finding worded, `own` giving its item's `id` and `name`."""

    def text(self, f: Finding, own: Mapping[str, Any], part: str) -> str:
        """The `message` or `remediation` of one decided finding, worded alone."""

    def splits(self, f: Finding) -> Words | None:
        """The words of a decided finding, split around the item's own id and name (Split:
        literal runs, and the slots `id`/`name` between them): title, message, remediations,
        legal and method references, uncertainty note; None when it keeps its recorded texts."""

    def own(self, item: ItemVerdict) -> Mapping[str, str]:
        """The texts the slots `id` and `name` show for `item`."""


Split = tuple[tuple[str, ...], tuple[str, ...]]
Words = tuple[Split, Split, tuple[Split, ...], tuple[str, ...], tuple[str, ...], str | None]
# A decided finding's JSON, marked (_ItemEncoder.template): whole, or around its remediations.
_Template = bytes | tuple[bytes, tuple[bytes, ...], bytes]


class WordedItem(ItemVerdict):
    """An item verdict whose findings are worded when first read, then kept: a scan of 10,000
    applications has some 100,000 findings, and a table or a summary reads few of them, while
    the JSON encoder (`scan_json_parts`) puts the item's words in its findings' JSON directly,
    from their parts encoded once per decided finding. Equal to the ItemVerdict of the same
    values; made by findings_words.scan, `wording` set through its slot (`WordedItem.made`).
    A copy (dataclasses.replace, pickle) is worded already: it holds the worded findings."""

    __slots__ = ("worded", "wording")

    @classmethod
    def made(cls, values: Iterable[Any], wording: Wording) -> WordedItem:
        """The item of these field values (in field order, the decided findings in `findings`),
        to be worded by `wording`."""
        item = cls(*values)
        _WORDING.__set__(item, wording)
        return item

    def _findings(self) -> tuple[Finding, ...]:
        try:
            return _WORDED.__get__(self)
        except AttributeError:
            pass
        try:
            wording = _WORDING.__get__(self)
        except AttributeError:  # a copy: made with its findings worded
            return decided(self)
        found = wording.findings(self)
        _WORDED.__set__(self, found)
        return found

    def _set_findings(self, value: tuple[Finding, ...]) -> None:  # unpickling (object.__setattr__)
        _DECIDED.__set__(self, value)

    findings = property(_findings, _set_findings)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ItemVerdict):
            return _COMPARED(self) == _COMPARED(other)
        return NotImplemented

    __hash__ = ItemVerdict.__hash__


_WORDING = WordedItem.__dict__["wording"]
_WORDED = WordedItem.__dict__["worded"]


def wording_of(item: ItemVerdict) -> Wording | None:
    """What words `item`'s decided findings, if they are still to be worded from it."""
    try:
        return _WORDING.__get__(item) if type(item) is WordedItem else None
    except AttributeError:
        return None


def worded(item: ItemVerdict, finding: Finding) -> Finding:
    """`finding`, one of `decided(item)`, in words, as `item.findings` gives it, without keeping
    the words on the item: a report reads the findings of every item once or twice, and the
    words of them all kept (some 600,000 findings at 100,000 applications, most of whose texts
    name their item) would stay in memory to the end (a third of the report's peak)."""
    wording = wording_of(item)
    if wording is None:
        return finding
    return wording.finding(finding, {"id": item.id, "name": item.name})


def worded_text(item: ItemVerdict, finding: Finding, part: str) -> str:
    """The `message` or `remediation` (`part`) of `worded(item, finding)`, worded alone."""
    wording = wording_of(item)
    if wording is None:
        return str(getattr(finding, part))
    return wording.text(finding, {"id": item.id, "name": item.name}, part)


def worded_findings(item: ItemVerdict) -> tuple[Finding, ...]:
    """`item.findings`, without keeping their words on the item (see `worded`)."""
    wording = wording_of(item)
    if wording is None:
        return item.findings
    try:
        return _WORDED.__get__(item)
    except AttributeError:
        return wording.findings(item)


@dataclass(frozen=True, slots=True)
class RulesetRef:
    """A ruleset a run applied: `status` stable, draft or deprecated; `superseded_by` the newest
    non-draft version of the same ruleset when the one applied is older."""

    id: str
    version: str
    sha256: str
    status: str = "stable"
    superseded_by: str | None = None

    @property
    def not_in_force(self) -> str | None:
        """Why the run does not apply the rules in force: `draft`, `deprecated` or `superseded`;
        None for the stable, newest version."""
        if self.status in ("draft", "deprecated"):
            return self.status
        return "superseded" if self.superseded_by else None

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "version": self.version, "sha256": self.sha256, "status": self.status}
        if self.superseded_by:
            out["superseded_by"] = self.superseded_by
        return out


@dataclass(frozen=True, slots=True)
class InventoryRef:
    path: str
    sha256: str
    organisation: str
    country: str = "FR"
    organisation_type: str = "other"
    # The catalogue its `ref:` entries were resolved with (path, version, as_of, sha256,
    # assessed_on), like a ruleset's id, version and sha256; absent when it has none.
    catalogue: Mapping[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "organisation": self.organisation,
                               "country": self.country, "organisation_type": self.organisation_type}
        if self.catalogue is not None:
            out["catalogue"] = dict(self.catalogue)
        return out


@dataclass(frozen=True, slots=True)
class ScanResult:
    tool_version: str
    inventory: InventoryRef
    rulesets: tuple[RulesetRef, ...]
    items: tuple[ItemVerdict, ...]  # sorted by id
    lang: str = "en"
    as_of: str = ""  # the assessment date (YYYY-MM-DD) qualifications were judged on
    # Where findings take their words from: rule id -> (ruleset, rule) applied (rules.model).
    # None: the texts recorded in the findings are the only ones (render/findings_words.py).
    sources: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    # False while findings are decisions only (the evaluation's output); True once worded in `lang`.
    worded: bool = field(default=True, compare=False)

    @property
    def applications(self) -> tuple[ItemVerdict, ...]:
        return tuple(i for i in self.items if i.kind == "application")

    @property
    def datasets(self) -> tuple[ItemVerdict, ...]:
        return tuple(i for i in self.items if i.kind == "dataset")

    def item(self, item_id: str) -> ItemVerdict | None:
        return next((i for i in self.items if i.id == item_id), None)

    def summary(self) -> dict[str, Any]:
        """The counts of the results' `summary` (docs/results.md): applications by each verdict,
        findings by severity, those that cannot be assessed and the provisional verdicts. The
        applications are read in one pass (each distinct combination of verdicts counted once,
        then added up): at 100,000 applications, one pass per count took 0.8 s, each reading
        every item from memory again."""
        apps = self.applications
        combinations = Counter(map(_VERDICTS, apps))
        return {
            "applications": len(apps),
            "datasets": len(self.items) - len(apps),
            **{name: _count(combinations, values, itemgetter(k)) for k, (name, values) in enumerate(_COUNTED)},
            # Severities are decided: counted without wording the findings.
            "findings": _count(Counter(map(attrgetter("severity"), chain.from_iterable(map(decided, self.items)))),
                               Severity, str),
            "cannot_assess": _cannot_assess(combinations),
            "provisional": _provisional(combinations),
        }

    def unknown_reasons(self) -> list[tuple[str, str, int]]:
        """Why applications cannot be assessed: (rule, title in the results' language, count of
        applications), most frequent first."""
        counts = _cannot_assess(Counter(map(_VERDICTS, self.applications)))["reasons"]
        # The title of each rule's last finding, in item order; found from the decisions, so
        # that only the items holding them are worded (WordedItem).
        titles: dict[str, str] = {}
        for item in reversed(self.applications):
            if len(titles) == len(counts):
                break
            decisions = decided(item)
            for k in range(len(decisions) - 1, -1, -1):
                rule = decisions[k].rule
                if rule in counts and rule not in titles:
                    titles[rule] = worded(item, decisions[k]).title
        return sorted(((rule, titles.get(rule, rule), n) for rule, n in counts.items()), key=lambda r: (-r[2], r[0]))

    def to_dict(self, items: bool = True) -> dict[str, Any]:
        """The JSON document (`items=False`: with an empty list of items)."""
        return {
            "format": RESULTS_FORMAT,
            "tool": {"name": "bleu-assess", "version": self.tool_version},
            "inventory": self.inventory.to_dict(),
            "rulesets": [r.to_dict() for r in self.rulesets],
            "lang": self.lang,
            "as_of": self.as_of,
            "summary": self.summary(),
            "items": [i.to_dict() for i in self.items] if items else [],
        }


# The verdicts the summary counts, in the order of _VERDICTS: (summary key, vocabulary).
_COUNTED = (("readiness", Readiness), ("secnumcloud_scope", Scope), ("residency", Residency),
            ("exposure", ExposureLevel), ("target", Target))
# What the summary reads of an application: its verdicts, then why it cannot be assessed and
# which verdicts are provisional.
_VERDICTS = attrgetter("readiness", "secnumcloud_scope", "residency", "exposure.level", "target", "unknown_reasons",
                       "undecided")
# Each verdict an item may leave undecided (ItemVerdict.undecided), by its place in _VERDICTS.
_UNDECIDED = {"secnumcloud_scope": 1, "residency": 2, "exposure": 3, "target": 4}


def _cannot_assess(combinations: Counter[tuple[Any, ...]]) -> dict[str, Any]:
    """Applications whose readiness is `unknown`: how many, and how many for each rule that found
    facts missing ({"applications": 412, "reasons": {"SNC-UNK-002": 400, ...}}), rules in id
    order; from the counts of _VERDICTS combinations."""
    unknown = 0
    reasons: dict[str, int] = {}
    for verdicts, n in combinations.items():
        if verdicts[0] == "unknown":
            unknown += n
            for rule in verdicts[5]:
                reasons[rule] = reasons.get(rule, 0) + n
    return {"applications": unknown, "reasons": dict(sorted(reasons.items()))}


def _count(counted: Counter[Any], values: Iterable[str], value: Callable[[Any], str]) -> dict[str, int]:
    """How many of the `counted` keys have each of `values` as their `value`, in the
    vocabulary's order; KeyError for a value outside it."""
    counts = dict.fromkeys(map(str, values), 0)  # plain strings as keys, in the vocabulary's order
    for key, n in counted.items():
        counts[value(key)] += n
    return counts


def _provisional(combinations: Counter[tuple[Any, ...]]) -> dict[str, dict[str, int]]:
    """Of the counts above, how many are provisional: per verdict, the applications whose value
    rests on facts missing (`undecided`), by value; only the values that have some."""
    counts: dict[str, dict[str, int]] = {}
    for verdicts, n in combinations.items():
        for dimension in verdicts[6]:
            value = str(verdicts[_UNDECIDED[dimension]])
            by_value = counts.setdefault(dimension, {})
            by_value[value] = by_value.get(value, 0) + n
    return {d: dict(sorted(counts[d].items())) for d in _UNDECIDED if d in counts}


def _compact_encoder() -> Callable[[Any], str]:
    """`JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode`, the same text, without
    its set-up on every call (its one-shot path makes a C encoder per call; this one is made
    once, with no check for cycles: results hold none). A scan of 10,000 applications encodes
    some 60,000 values apart (item heads and tails, evidence, parameters)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    if c_make_encoder is None:  # no C accelerator (another Python implementation)
        return encoder.encode
    encode = c_make_encoder(None, encoder.default, _string, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))


_compact = _compact_encoder()


def to_json(document: Mapping[str, Any]) -> str:
    """Top-level keys one per line, and each element of a top-level list (an item, a wave) on a
    line of its own: diffs in git show which items changed, and the C encoder stays in use
    (an indented dump is several times slower on large estates)."""
    return "".join(_json_parts(document, str))


_Text = TypeVar("_Text", str, bytes)
_T = TypeVar("_T")


def _json_parts(document: Mapping[str, Any], text: Callable[[str], _Text],
                made: Mapping[str, Iterable[_Text]] | None = None) -> Iterator[_Text]:
    """The text of `to_json` in parts, each given to `text` (`str`, or `str.encode`: UTF-8);
    `made` gives the inside of non-empty top-level lists already made, elements apart by
    `,\n    `, made as they are needed."""
    compact = _compact
    yield text("{\n")
    keys = list(document)
    for index, key in enumerate(keys):
        value = document[key]
        comma = ",\n" if index < len(keys) - 1 else "\n"
        inside = made.get(key) if made else None
        if inside is None and isinstance(value, list) and value:
            inside = map(text, _elements(value))
        if inside is not None:
            yield text(f"  {compact(key)}: [\n    ")
            yield from inside
            yield text("\n  ]" + comma)
        else:
            yield text(f"  {compact(key)}: {compact(value)}{comma}")
    yield text("}\n")


# Between two elements of a top-level list, each on a line of its own.
_BETWEEN = ",\n    "


def _elements(values: Iterable[Any]) -> Iterator[str]:
    """Each value's JSON, apart by _BETWEEN."""
    separator = ""
    for value in values:
        yield separator
        yield _compact(value)
        separator = _BETWEEN


def scan_json_parts(result: ScanResult) -> Iterator[bytes]:
    """`to_json(result.to_dict())` as UTF-8, byte for byte, in parts: the items in chunks of
    CHUNK items, each item's line made when it is needed, without a dict per finding. A
    scan of 10,000 applications has some 100,000 findings whose rule fields, references and
    evidence repeat; their JSON is made once and item lines are assembled from the parts (see
    _ItemEncoder), as UTF-8: the 109 MB of such a scan are never one string, whose characters
    would take two bytes each (an item's name with a dash `—` is enough)."""
    document = result.to_dict(items=False)
    made = {"items": _ItemEncoder().chunks(result.items)} if result.items else None
    return _json_parts(document, str.encode, made)


# A decided finding without a template yet (_ItemEncoder.worded).
_UNSEEN: Any = object()
# Items in a chunk of scan_json_parts: some 800 KB at 10,000 applications.
CHUNK = 100
# Distinct lists, item heads' runs and closings an _ItemEncoder remembers at most, each (an
# estate whose items each have their own tags then keeps no more than these).
SHARED_LISTS = 1000


class _ItemEncoder:
    """Encodes items as the C encoder would with separators (", ", ": "): a mapping is
    `{` + `"key": value` joined by ", " + `}`, so parts encoded apart join into the same text.
    A string's JSON is the JSON of its parts joined (each character is escaped on its own), so
    a finding's JSON is made once per decided finding (`template`), as UTF-8, with a marker
    where the item's id or name goes, and an item still to be worded (WordedItem) puts its own
    in: no worded finding is made, no message encoded per item. The markers are control
    characters, which JSON text never holds raw (the encoder escapes them in strings), nor does
    UTF-8 inside another character: an item's findings are joined in one call, then each
    marker replaced by the item's own text in one call."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget what was encoded."""
        # A finding's JSON but its message (and optional keys), per finding alike: see `finding`.
        self.findings: dict[tuple[Any, ...], tuple[Any, Any, str, str]] = {}
        self.prefixes: dict[tuple[Any, ...], tuple[str, bytes]] = {}
        # A template's UTF-8 before its message's text and after it up to its evidence: see `template`.
        self.around: dict[tuple[Any, ...], tuple[bytes, bytes]] = {}
        # As a string and as UTF-8:
        self.references: dict[tuple[Any, ...], tuple[str, bytes]] = {}
        self.mappings: dict[int, tuple[Mapping[str, Any], str, bytes]] = {}
        # Titles and remediations repeat from item to item (messages name their item): encoded once.
        self.strings: dict[str, str] = {}
        # Per decided finding (by identity) of the items of one wording: its JSON, marked (see
        # `template`; None: none, it is worded for each item).
        self.wording: Wording | None = None
        self.templates: dict[int, _Template | None] = {}
        self.kept: list[Finding] = []  # those findings: alive while their ids are keys
        # The decided findings (by identity) of one item alone: their JSON is not kept (see `chunks`).
        self.single: set[int] = set()
        # Per split text (by identity): its JSON string's content, marked.
        self.splits: dict[int, tuple[Split, bytes]] = {}
        # The marker of each slot of the item's own texts (`id`, `name`).
        self.markers: dict[str, str] = {}
        self.marks: list[tuple[str, bytes]] = []  # each slot and its marker as UTF-8
        # Lists of strings that items share (see `listed`).
        self.lists: dict[tuple[Any, ...], str] = {}
        # Parts of item heads and closings that items share (see `head`, `closing`).
        self.heads: dict[tuple[Any, ...], tuple[bytes, bytes]] = {}
        self.ends: dict[tuple[Any, ...], bytes] = {}
        self.tails: dict[tuple[Any, ...], bytes] = {}

    def finding(self, f: Finding) -> str:
        """The JSON of a worded finding."""
        params = f.params
        if params is None:
            before, after = self.parts(f)
        else:
            # A params mapping belongs to the findings of one rule (or one merge) alike (evaluate.py,
            # merge.py): with the rule, severity, evidence, title and remediation it fixes every
            # part but the message. The entry holds the mappings, so their ids stay theirs.
            key = (f.rule, f.severity, id(params), id(f.evidence), f.title, f.remediation)
            found = self.findings.get(key)
            if found is None:
                found = self.findings[key] = (params, f.evidence, *self.parts(f))
            before, after = found[2], found[3]
        return f"{before}{_string(f.message)}{after}{self.tail(f)}"

    def parts(self, f: Finding) -> tuple[str, str]:
        """The JSON of `f` before its message's text, and after it up to the optional keys."""
        strings = self.strings
        title = strings.get(f.title)
        if title is None:
            title = strings[f.title] = _string(f.title)
        remediation = strings.get(f.remediation)
        if remediation is None:
            remediation = strings[f.remediation] = _string(f.remediation)
        return (f'{self.prefix(f)[0]}{title}, "message": ',
                f', "remediation": {remediation}, "references": '
                f'{self.cited(f.references, f.method_references, f.uncertain)[0]}, "evidence": {self.evidence(f)}')

    def template(self, f: Finding, wording: Wording) -> _Template | None:
        """The JSON of the decided finding `f` worded by `wording`, as UTF-8, the item's own
        texts marked; None when it keeps its recorded texts. When its merged remediations name
        the item, which are joined without repeats once filled (findings_words.FindingWords.finding),
        the JSON before and after the remediation's text, and each remediation marked (`remedied`
        joins them for an item). Made of parts encoded once each: the texts of a rule alike,
        references, evidence and parameters are shared by many findings."""
        words = wording.splits(f)
        if words is None:
            return None
        title, message, remediations, legal, method, uncertain = words
        if len(remediations) == 1:
            remediation: Split | None = remediations[0]
        elif not any(slots for _, slots in remediations):
            remediation = ((" ".join(dict.fromkeys(texts[0] for texts, _ in remediations)),), ())
        else:
            remediation = None
        # All but the message and evidence: the same for every finding of a rule shown alike.
        key = (f.rule, f.rules, f.ruleset, f.dimension, f.severity, title, remediation, legal, method, uncertain)
        around = self.around.get(key)
        if around is None:
            after = b"".join((b'", "references": ', self.cited(legal, method, uncertain)[1], b', "evidence": '))
            if remediation is not None:
                after = b"".join((b'", "remediation": "', self.marked(remediation), after))
            around = self.around[key] = (b"".join((self.prefix(f)[1], b'"', self.marked(title), b'", "message": "')),
                                         after)
        parts = [around[0], self.marked(message), around[1], self.encoded(f.evidence)[2]]
        if f.params is not None:
            parts += (b', "params": ', self.encoded(f.params)[2])
        parts.append(b"}" if f.derogation is None and not f.confidence else self.tail(f).encode())
        if remediation is None:
            return (b"".join((*parts[:2], b'", "remediation": "')), tuple([self.marked(split) for split in remediations]),
                    b"".join(parts[2:]))
        return b"".join(parts)

    def remedied(self, template: tuple[bytes, tuple[bytes, ...], bytes], own: Mapping[str, str]) -> bytes:
        """A `template` whose merged remediations name the item, with those filled with the
        item's `own` texts and joined without repeats (a JSON string's content is its text's,
        character by character: the same repeats)."""
        before, remediations, after = template
        filled = []
        for text in remediations:
            for slot, mark in self.marks:
                if mark in text:
                    text = text.replace(mark, _string(own[slot])[1:-1].encode())
            filled.append(text)
        return b"".join((before, b" ".join(dict.fromkeys(filled)), after))

    def marked(self, split: Split) -> bytes:
        """`split` as a JSON string's content, as UTF-8, each slot of the item's own texts as its
        marker. Splits are shared by the findings of a rule alike (finding_texts.TextTemplate):
        made once each."""
        found = self.splits.get(id(split))  # holding the split keeps its id from being reused
        if found is None:
            texts, slots = split
            out = [_string(texts[0])[1:-1]]
            for slot, text in zip(slots, texts[1:]):
                marker = self.markers.get(slot)
                if marker is None:
                    marker = self.markers[slot] = chr(len(self.markers))
                    self.marks.append((slot, marker.encode()))
                out += (marker, _string(text)[1:-1])
            found = self.splits[id(split)] = (split, "".join(out).encode())
        return found[1]

    def prefix(self, f: Finding) -> tuple[str, bytes]:
        """The JSON of `f` up to its title's text (rule, rules, ruleset, dimension, severity), as
        a string and as UTF-8."""
        key = (f.rule, f.rules, f.ruleset, f.dimension, f.severity)
        prefix = self.prefixes.get(key)
        if prefix is None:
            string = _string
            text = (f'{{"rule": {string(f.rule)}, "rules": {_compact(list(f.rule_ids))}, '
                    f'"ruleset": {string(f.ruleset)}, '
                    f'"dimension": {string(f.dimension)}, "severity": {string(f.severity)}, "title": ')
            prefix = self.prefixes[key] = (text, text.encode())
        return prefix

    def cited(self, legal: tuple[str, ...], method: tuple[str, ...], uncertain: str | None) -> tuple[str, bytes]:
        """The JSON of `references` (their value), `method_references` and `uncertain`, as a
        string and as UTF-8."""
        key = (legal, method, uncertain)
        references = self.references.get(key)
        if references is None:
            text = (f'{_compact(list(legal))}, "method_references": {_compact(list(method))}, '
                    f'"uncertain": {_compact(uncertain)}')
            references = self.references[key] = (text, text.encode())
        return references

    def evidence(self, f: Finding) -> str:
        """The JSON of `f`'s evidence (its value) and parameters."""
        if f.params is None:
            return self.encoded(f.evidence)[1]
        return f'{self.encoded(f.evidence)[1]}, "params": {self.encoded(f.params)[1]}'

    @staticmethod
    def tail(f: Finding) -> str:
        """The optional keys of `f` (in to_dict's order) and its closing brace."""
        tail = ""
        if f.derogation is not None:
            tail += f', "derogation": {_compact(dict(f.derogation))}'
        if f.confidence:
            tail += f', "confidence": {_string(f.confidence)}'
        return tail + "}"

    def encoded(self, mapping: Mapping[str, Any]) -> tuple[Mapping[str, Any], str, bytes]:
        """One evidence or parameters mapping, then its JSON as a string and as UTF-8 (shared by
        findings alike: encoded once each)."""
        found = self.mappings.get(id(mapping))  # holding the mapping keeps its id its own
        if found is None:
            text = _compact(mapping)
            found = self.mappings[id(mapping)] = (mapping, text, text.encode())
        return found

    def worded(self, item: ItemVerdict, wording: Wording) -> bytes:
        """The JSON of the findings of `item`, still to be worded by `wording`, apart by `, `,
        as UTF-8: their templates joined, the item's own texts put in (a finding without a
        template is worded, then encoded)."""
        if wording is not self.wording:
            self.wording, self.templates, self.kept = wording, {}, []
        get = self.templates.get
        made = []
        own = None
        for f in decided(item):
            template = get(id(f), _UNSEEN)
            if template is _UNSEEN:
                template = self.template(f, wording)
                if id(f) not in self.single:
                    self.templates[id(f)] = template
                    self.kept.append(f)
            if template.__class__ is bytes:
                made.append(template)
            elif template is None:
                made.append(self.finding(wording.finding(f, {"id": item.id, "name": item.name})).encode())
            else:
                own = own or wording.own(item)
                made.append(self.remedied(template, own))
        text = b", ".join(made)
        if self.marks:  # most items' findings name them: put in without looking first
            own = own or wording.own(item)
            for slot, mark in self.marks:
                text = text.replace(mark, _string(own[slot])[1:-1].encode())
        return text

    def listed(self, values: tuple[Any, ...]) -> str:
        """`_listed(values)`, remembered for the lists that items share (pending platforms, tags,
        reasons why they cannot be assessed: a few distinct ones for 10,000 applications, each
        encoded once rather than for each item), up to SHARED_LISTS of them."""
        if not values:
            return "[]"
        found = self.lists.get(values)
        if found is None:
            found = self.shared(self.lists, values, _compact(values))
        return found

    def head(self, item: ItemVerdict) -> tuple[bytes, ...]:
        """`_compact(item.head_dict())` but its closing brace, then `, "findings": [`, as UTF-8
        in parts: the runs between the item's id, name and exposure paths depend on a few
        values that items share (kind, readiness, scope, residency, exposure level and score;
        target, platform, pending platforms), encoded once each (see `shared`)."""
        exposure = item.exposure
        score = exposure.score
        try:  # written out: strings, None and an int score as the C encoder writes them
            if type(score) is not int:
                raise TypeError(score)
            kind = item.kind
            key = (kind, item.readiness, item.secnumcloud_scope, item.residency, exposure.level, score)
            around = self.heads.get(key)
            if around is None:
                around = self.shared(self.heads, key, (
                    f', "kind": {_string(kind)}, "name": '.encode(),
                    (f', "readiness": {_string(item.readiness)}, "secnumcloud_scope": {_string(item.secnumcloud_scope)}, '
                     f'"residency": {_string(item.residency)}, "exposure": {{"level": {_string(exposure.level)}, '
                     f'"score": {int.__repr__(score)}, "paths": ').encode()))
            shown = (item.target, item.platform, item.pending_platforms)
            end = self.ends.get(shown)
            if end is None:
                end = self.shared(self.ends, shown, (
                    f'}}, "target": {_string(item.target)}, "platform": {_nullable(item.platform)}, '
                    f'"pending_platforms": {self.listed(item.pending_platforms)}, "findings": [').encode())
            return (b'{"id": ', _string(item.id).encode(), around[0], _string(item.name).encode(), around[1],
                    _compact(exposure.paths).encode() if exposure.paths else b"[]", end)
        except TypeError:  # a value of another type (a test's record): as the encoder writes it
            return ((_compact(item.head_dict())[:-1] + ', "findings": [').encode(),)

    def closing(self, item: ItemVerdict) -> bytes:
        """`]`, then `_compact(item.tail_dict())` but its opening brace, as UTF-8: the same for
        many items (owners, criticality, hosting model, tags...), encoded once each (see `shared`)."""
        if item.extra:  # any values (1, 1.0 and True are equal keys, not the same JSON): not shared
            return self._closing(item).encode()
        try:
            key = (item.kind, item.owner, item.criticality, item.hosting_model, item.classification, item.tags,
                   item.unknown_reasons, item.confidence, item.undecided)
            found = self.tails.get(key)
        except TypeError:  # an unhashable value (a test's record)
            return self._closing(item).encode()
        if found is None:
            found = self.shared(self.tails, key, self._closing(item).encode())
        return found

    def _closing(self, item: ItemVerdict) -> str:
        """`closing`'s text, made."""
        try:
            if item.kind == "application":
                out = (f'], "owner": {_nullable(item.owner)}, "criticality": {_nullable(item.criticality)}, '
                       f'"hosting_model": {_nullable(item.hosting_model)}')
            else:
                out = f'], "classification": {_nullable(item.classification)}'
            listed = self.listed
            out += (f', "tags": {listed(item.tags)}, "extra": {_compact(dict(item.extra)) if item.extra else "{}"}, '
                    f'"unknown_reasons": {listed(item.unknown_reasons)}')
            if item.undecided:
                out += f', "undecided": {listed(item.undecided)}'
            if item.confidence:
                out += f', "confidence": {_string(item.confidence)}'
            return out + "}"
        except TypeError:
            return "], " + _compact(item.tail_dict())[1:]

    @staticmethod
    def shared(memo: dict[tuple[Any, ...], _T], key: tuple[Any, ...], value: _T) -> _T:
        """`value`, kept in `memo` under `key` while it holds fewer than SHARED_LISTS."""
        if len(memo) < SHARED_LISTS:
            memo[key] = value
        return value

    def chunks(self, items: tuple[ItemVerdict, ...]) -> Iterator[bytes]:
        """The JSON of `items` apart by _BETWEEN, as UTF-8, in chunks of CHUNK items."""
        finding = self.finding
        between = _BETWEEN.encode()
        with gcpause.paused():  # millions of acyclic parts and records alike (see gcpause)
            self.single = _single(items)
            for start in range(0, len(items), CHUNK):
                out = [between] if start else []
                for item in items[start:start + CHUNK]:
                    wording = wording_of(item)
                    if wording is None:
                        findings = ", ".join([finding(f) for f in item.findings]).encode()
                    else:
                        findings = self.worded(item, wording)
                    out += self.head(item)
                    out += (findings, self.closing(item), between)
                out.pop()
                yield b"".join(out)
            # Some 100,000 records, gone before the collector is back on: else, fewer than
            # gcpause freezes, it would traverse them all at its next collection.
            self.reset()


def _single(items: tuple[ItemVerdict, ...]) -> set[int]:
    """The decided findings (by identity) that one of `items` alone holds:
    most of them (their parameters name the item), 17,000 of 20,000 at 10,000 applications.
    Their JSON, used once, is not kept to the end: at 100,000 applications the JSON of 160,000
    findings (some 1 KB each) stayed in memory, new memory to fill as it was made."""
    uses = Counter(map(id, chain.from_iterable(map(decided, items))))  # counted in C
    return {key for key, count in uses.items() if count == 1}


def _nullable(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _listed(values: tuple[Any, ...]) -> str:
    return _compact(values) if values else "[]"


# The plan's records live in assess/plan_results.py; importable from here as before.
from bleu_assess.assess.plan_results import (  # noqa: E402
    FINDING_MESSAGE,
    PLAN_FORMAT,
    Held,
    HybridLink,
    Phrase,
    Placement,
    PlanResult,
    Said,
    Staying,
    Text,
    Wave,
)

__all__ = ["FINDING_MESSAGE", "PLAN_FORMAT", "RESULTS_FORMAT", "Exposure", "Finding", "Held", "HybridLink", "InventoryRef", "ItemVerdict",
           "Phrase", "Placement", "PlanResult", "RulesetRef", "Said", "ScanResult", "Staying", "Text", "Wave",
           "scan_json_parts", "to_json"]

