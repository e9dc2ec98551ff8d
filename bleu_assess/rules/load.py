"""Finding, validating and compiling rulesets (`rulesets/<id>/<version>.yaml`).

A ruleset is untrusted input: it gets the same located errors as an inventory, and a broken
one is refused, never skipped.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bleu_assess import cache, output
from bleu_assess.errors import Diagnostic, RulesetError, option_error
from bleu_assess.inventory import yamlio
from bleu_assess.inventory.schema import Spec
from bleu_assess.inventory.walker import Collector, Document, Walker, closest, locate, suggest
from bleu_assess.resources import rulesets_dir
from bleu_assess.rules.conditions import Compiler
from bleu_assess.rules.facts import FACTS
from bleu_assess.rules.model import Rule, Ruleset, Source, version_key
from bleu_assess.rules.refdata import region_groups, verdict_model
from bleu_assess.rules.references import parse as parse_reference
from bleu_assess.vocab import ItemKind, Severity

RULESET_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")
RULE_ID = re.compile(r"^[A-Z]{2,5}(-[A-Z0-9]{1,8})*-[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
STATUSES = ("stable", "draft", "deprecated")
KINDS = tuple(ItemKind)
SOURCE_KINDS = ("legal", "method")
# Left-over notes that a stable ruleset must not carry: verify the text, or mark the rule uncertain.
TO_VERIFY = re.compile(r"à vérifier|a verifier|to be verified|to verify|\bTODO\b", re.IGNORECASE)
DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
UNDECIDED = ("secnumcloud_scope", "residency", "exposure", "target")
FIRST_PASS_EFFECTS = ("secnumcloud_scope", "residency", "target", "requires_qualifications", "requires_regions")


def _localised(description: str, required: bool = True) -> Spec:
    return Spec("object", description, required=required, fields={
        "fr": Spec("string", "French.", required=True), "en": Spec("string", "English.", required=True)})


_model = verdict_model()
VERDICT = Spec("object", "Verdict effects when the rule fires.", fields={
    "secnumcloud_scope": Spec("string", enum=tuple(_model.orders["secnumcloud_scope"])),
    "residency": Spec("string", enum=tuple(_model.orders["residency"])),
    "target": Spec("string", enum=tuple(_model.orders["target"])),
    "readiness": Spec("string", enum=("unknown",)),
    "requires_qualifications": Spec("list", item=Spec("id")),
    "requires_regions": Spec("free", "A @group or a list of country codes."),
    "undecided": Spec("list", "With readiness unknown: the item's verdicts the missing fact leaves undecided, "
                      "shown as provisional.", item=Spec("string", enum=UNDECIDED)),
})
RULE = Spec("object", "A rule.", fields={
    "id": Spec("string", "Stable code, e.g. SNC-SCOPE-001.", required=True),
    "name": Spec("string", "Readable name, category.slug.", required=True),
    "applies_to": Spec("list", "Kinds of item.", required=True, non_empty=True, item=Spec("string", enum=KINDS)),
    "dimension": Spec("string", "residency, extraterritorial, secnumcloud, hds, or the ruleset's own.", required=True),
    "severity": Spec("string", "Severity of the finding.", required=True, enum=tuple(Severity)),
    "title": _localised("Short title."),
    "when": Spec("free", "The condition (all/any/not over fact tests).", required=True),
    "verdict": VERDICT,
    "message": _localised("What was found, with {fact} placeholders."),
    "remediation": _localised("What to do."),
    "references": Spec("list", "Keys of ruleset.sources, optionally followed by a pinpoint.", required=True,
                       non_empty=True, item=Spec("string")),
    "uncertain": Spec("free", "Why the legal basis is uncertain, {fr: …, en: …}; shown in every output."),
    "about": Spec("id", "The fact the finding is about (e.g. support-location): findings of one item about the "
                  "same fact are merged into one, which lists every rule and reference.", nullable=True),
})
RULESET = Spec("object", "A bleu-assess ruleset.", fields={
    "ruleset": Spec("object", "Metadata.", required=True, fields={
        "id": Spec("string", "Ruleset id (the directory name).", required=True),
        "version": Spec("string", "Version (the file name), dotted numbers, in quotes.", required=True),
        "status": Spec("string", "stable, draft or deprecated.", required=True, enum=STATUSES),
        "effective": Spec("free", "Date the encoded texts apply from (YYYY-MM-DD).", required=True),
        "title": _localised("Title."),
        "description": _localised("Description.", required=False),
        "sources": Spec("list", "Sources cited by the rules.", required=True, non_empty=True, item=Spec(
            "object", fields={
                "key": Spec("id", "Key the rules cite.", required=True),
                "title": Spec("string", "Title of the text.", required=True),
                "url": Spec("string", "Primary address (Légifrance, EUR-Lex, cyber.gouv.fr…).", required=True),
                "date": Spec("free", "Date of the text (YYYY-MM-DD, or YYYY-MM, YYYY).", nullable=True),
                "kind": Spec("string", "legal (default) or method (the tool's own documentation).",
                             enum=SOURCE_KINDS),
            })),
    }),
    "rules": Spec("list", "The rules.", required=True, non_empty=True, item=RULE),
})


@dataclass(frozen=True, slots=True)
class Available:
    id: str
    version: str
    path: Path
    origin: str  # shipped | user


def discover(rules_dir: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Available]]:
    """Every ruleset file: id -> version -> file. A user's --rules-dir overrides shipped files."""
    found: dict[str, dict[str, Available]] = {}
    roots = [(rulesets_dir(), "shipped")]
    if rules_dir is not None:
        if not Path(rules_dir).is_dir():
            raise option_error("rules_dir_missing", with_hint=False, path=str(rules_dir))
        roots.append((Path(rules_dir), "user"))
    for root, origin in roots:
        try:
            folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
            for folder in folders:
                for file in sorted(folder.glob("*.yaml")):
                    if not VERSION.match(file.stem):  # would be silently left out of every selection
                        raise RulesetError(f"invalid ruleset file name {file}", [Diagnostic(
                            os.fspath(file), None, None, "",
                            f"a ruleset file is named after its version, such as {folder.name}/1.0.yaml")])
                    found.setdefault(folder.name, {})[file.stem] = Available(folder.name, file.stem, file, origin)
        except OSError as exc:  # an unreadable folder: said, never skipped
            where = exc.filename or root
            raise RulesetError(f"cannot read {where}", [
                Diagnostic(os.fspath(where), None, None, "", f"cannot read this directory: {exc.strerror or exc}")
            ]) from None
    return found


def _sorted_versions(versions: dict[str, Available]) -> list[str]:
    valid = [v for v in versions if VERSION.match(v)]
    return sorted(valid, key=version_key, reverse=True)


def select(selectors: list[str] | None = None, rules_dir: str | os.PathLike[str] | None = None,
           only: list[str] | None = None) -> list[Ruleset]:
    """The rulesets to apply, sorted by id.

    Start from the latest non-draft version of every ruleset found, or, with `only`
    (--only-ruleset), from just the rulesets it names. Each selector (--ruleset, `ID` or
    `ID@VERSION`) then sets that ruleset's version and keeps the others: trying the draft
    `secnumcloud@1.1` keeps the HDS and residency rules. Raises UsageError for an unknown
    ruleset or version, or one named twice with different versions."""
    available = discover(rules_dir)
    chosen: dict[str, Ruleset] = {}
    named: dict[str, str] = {}
    if only:
        for selector in only:
            ruleset = _resolve(selector, available, named)
            chosen[ruleset.id] = ruleset
    else:
        for ruleset_id in sorted(available):
            latest = _latest(available[ruleset_id], drafts=False)
            if latest is not None:
                chosen[ruleset_id] = latest
    for selector in selectors or ():
        ruleset = _resolve(selector, available, named)
        chosen[ruleset.id] = ruleset
    return [_with_successor(chosen[i], available[i]) for i in sorted(chosen)]


def _with_successor(ruleset: Ruleset, versions: dict[str, Available]) -> Ruleset:
    """`ruleset`, told the newest non-draft version of its id when that one is newer."""
    for candidate in _sorted_versions(versions):
        if version_key(candidate) <= version_key(ruleset.version):
            return ruleset
        if load_ruleset(versions[candidate].path).status != "draft":
            return dataclasses.replace(ruleset, superseded_by=candidate)
    return ruleset


def resolve(selector: str, rules_dir: str | os.PathLike[str] | None = None) -> Ruleset:
    """One ruleset: `ID@VERSION`, or `ID` for its latest non-draft version (else its latest draft)."""
    available = discover(rules_dir)
    ruleset = _resolve(selector, available, {})
    return _with_successor(ruleset, available[ruleset.id])


def _resolve(selector: str, available: dict[str, dict[str, Available]], named: dict[str, str]) -> Ruleset:
    ruleset_id, _, version = selector.partition("@")
    versions = available.get(ruleset_id)
    if not versions:
        raise option_error("unknown_ruleset", ruleset=ruleset_id, hint=closest(ruleset_id, available))
    if version and version not in versions:
        raise option_error("unknown_ruleset_version", with_hint=False, ruleset=ruleset_id, version=version,
                           versions=tuple(_sorted_versions(versions)))
    if named.setdefault(ruleset_id, selector) != selector:
        raise option_error("ruleset_twice", with_hint=False, ruleset=ruleset_id, first=named[ruleset_id],
                           second=selector)
    if version:
        return load_ruleset(versions[version].path)
    # Named without a version: the latest non-draft one, else (only drafts exist) the latest draft.
    latest = _latest(versions, drafts=False) or _latest(versions, drafts=True)
    assert latest is not None  # versions is not empty
    return latest


def _latest(versions: dict[str, Available], drafts: bool) -> Ruleset | None:
    for candidate in _sorted_versions(versions):
        ruleset = load_ruleset(versions[candidate].path)
        if drafts or ruleset.status != "draft":
            return ruleset
    return None


def load_ruleset(path: str | os.PathLike[str]) -> Ruleset:
    display = os.fspath(path)
    output.register_input(display)
    raw = yamlio.read_bytes(Path(display), display)
    # Decoded, parsed, checked against RULESET and its texts checked once per file content and
    # tool (bleu_assess.cache); the other semantic checks run every time, as they compile the rules.
    data, clean, texts = cache.cached("ruleset", (display, raw),
                                      lambda: _parse_checked(display, yamlio.decode(raw, display)))
    c = Collector([])
    rules: list[Rule] = []
    if clean:
        rules = _check_semantics(c, data, Path(display))
        for field, message in texts:
            c.error(0, field, message)
    errors = [i for i in c.issues if i.severity == "error"]
    if errors:
        docs = [Document(display, yamlio.decode(raw, display), data)]
        raise RulesetError(f"invalid ruleset {display}", locate(docs, errors))
    meta = data["ruleset"]
    return Ruleset(
        id=meta["id"], version=meta["version"], status=meta["status"], effective=str(meta["effective"]),
        title=meta["title"], description=meta.get("description") or {"fr": "", "en": ""},
        sources=tuple(Source(s["key"], s["title"], s["url"], _date(s.get("date")), s.get("kind") or "legal")
                      for s in meta["sources"]),
        rules=tuple(rules), path=display, sha256=hashlib.sha256(raw).hexdigest(),
    )


def _parse_checked(display: str, text: str) -> tuple[Any, bool, list[tuple[tuple[Any, ...], str]]]:
    """A ruleset file parsed and walked against RULESET: its data, whether the walk raised
    nothing at all (not even a warning), the condition for the semantic checks, and then the
    problems of its texts (`_text_problems`: (field path, message) pairs).
    Raises RulesetError when it cannot be parsed or breaks RULESET (nothing is cached then)."""
    try:
        data = yamlio.parse(text, display)
    except RulesetError:
        raise
    except Exception as exc:  # InputError from the parser: re-raise as a ruleset error
        diagnostics = getattr(exc, "diagnostics", [Diagnostic(display, None, None, "", str(exc))])
        raise RulesetError(f"invalid ruleset {display}", diagnostics) from None
    docs = [Document(display, text, data)]
    c = Collector(docs)
    if not isinstance(data, dict):
        c.error(0, (), "a ruleset is a mapping with 'ruleset:' and 'rules:'")
    else:
        Walker(c, 0).walk(data, RULESET, ())
    errors = [i for i in c.issues if i.severity == "error"]
    if errors:
        raise RulesetError(f"invalid ruleset {display}", locate(docs, errors))
    return data, not c.issues, [] if c.issues else _text_problems(data)


def _text_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """(field path, message) for each problem of a well-formed ruleset's texts: a 'to verify'
    note left in a stable ruleset, an unknown or unbalanced placeholder in a rule's message,
    remediation or title. Depends on the text alone: cached with the parse (the costliest checks)."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    if data["ruleset"]["status"] == "stable":
        _check_nothing_to_verify(problems, data, ())
    for index, raw in enumerate(data["rules"]):
        kinds = tuple(dict.fromkeys(raw["applies_to"]))
        for field in ("message", "remediation", "title"):
            for lang in ("fr", "en"):
                _check_placeholders(problems, raw[field][lang], kinds, ("rules", index, field, lang))
    return problems


def _check_semantics(c: Collector, data: dict[str, Any], path: Path) -> list[Rule]:
    meta = data["ruleset"]
    if not RULESET_ID.match(meta["id"]):
        c.error(0, ("ruleset", "id"), f"invalid ruleset id '{meta['id']}': lower-case letters, digits and '-'")
    elif path.parent.name != meta["id"]:
        c.error(0, ("ruleset", "id"), f"ruleset id '{meta['id']}' does not match its directory '{path.parent.name}'")
    if not VERSION.match(meta["version"]):
        c.error(0, ("ruleset", "version"), f"invalid version '{meta['version']}': dotted numbers such as \"1.0\"")
    elif path.stem != meta["version"]:
        c.error(0, ("ruleset", "version"), f"version '{meta['version']}' does not match the file name '{path.name}'")
    effective = meta["effective"]
    if not isinstance(effective, datetime.date):
        try:
            datetime.date.fromisoformat(str(effective))
        except ValueError:
            c.error(0, ("ruleset", "effective"), f"invalid date '{effective}': expected YYYY-MM-DD")
    sources = {}
    for index, source in enumerate(meta["sources"]):
        if source["key"] in sources:
            c.error(0, ("ruleset", "sources", index, "key"), f"duplicate source key '{source['key']}'")
        sources[source["key"]] = source
        date = source.get("date")
        if date is not None and not DATE.match(_date(date) or ""):
            c.error(0, ("ruleset", "sources", index, "date"), f"invalid date '{date}': expected YYYY-MM-DD, YYYY-MM or YYYY")
    groups = region_groups()
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    rules = []
    for index, raw in enumerate(data["rules"]):
        at = ("rules", index)
        rule_id, name = raw["id"], raw["name"]
        if not RULE_ID.match(rule_id):
            c.error(0, (*at, "id"), f"invalid rule id '{rule_id}': upper-case code such as SNC-SCOPE-001")
        if rule_id in seen_ids:
            c.error(0, (*at, "id"), f"duplicate rule id '{rule_id}' (first at rules[{seen_ids[rule_id]}])")
        seen_ids.setdefault(rule_id, index)
        if not RULE_NAME.match(name):
            c.error(0, (*at, "name"), f"invalid rule name '{name}': category.slug in lower case")
        if name in seen_names:
            c.error(0, (*at, "name"), f"duplicate rule name '{name}' (first at rules[{seen_names[name]}])")
        seen_names.setdefault(name, index)
        kinds = tuple(dict.fromkeys(raw["applies_to"]))
        compiler = Compiler(FACTS, kinds, groups, suggest)
        condition = compiler.compile(raw["when"], (*at, "when"))
        for path_, message in compiler.errors:
            c.error(0, path_, message)
        for ref_index, reference in enumerate(raw["references"]):
            key, pinpoint = parse_reference(reference)
            if key not in sources:
                c.error(0, (*at, "references", ref_index), f"unknown source '{key}'{suggest(key, sources)}; "
                        "declare it under ruleset.sources")
            elif pinpoint and pinpoint.casefold() in str(sources[key]["title"]).casefold():
                c.error(0, (*at, "references", ref_index), f"the pinpoint '{pinpoint}' is already in the title of "
                        f"source '{key}': a title names the whole text, the rule gives the pinpoint")
        uncertain = _uncertain(c, raw.get("uncertain"), (*at, "uncertain"))
        verdict = dict(raw.get("verdict") or {})
        regions = verdict.get("requires_regions")
        if regions is not None:
            verdict["requires_regions"] = _regions(c, regions, groups, (*at, "verdict", "requires_regions"))
        if verdict.get("undecided") and verdict.get("readiness") != "unknown":
            c.error(0, (*at, "verdict", "undecided"), "'undecided' says which verdicts a missing fact leaves "
                    "undecided: the rule also sets 'readiness: unknown'")
        second = any(FACTS[f].second_pass for f in compiler.used)
        if second:
            for effect in FIRST_PASS_EFFECTS:
                if effect in verdict:
                    c.error(0, (*at, "verdict", effect), f"a rule that tests verdict.* or platform.* facts cannot set "
                            f"'{effect}' (it would change what it tests)")
        rules.append(Rule(
            id=rule_id, name=name, applies_to=kinds, dimension=raw["dimension"], severity=raw["severity"],
            title=raw["title"], when=raw["when"], message=raw["message"], remediation=raw["remediation"],
            references=tuple(raw["references"]), verdict=verdict, uncertain=uncertain, about=raw.get("about"),
            condition=condition, constants=tuple(compiler.constants), facts_used=tuple(compiler.used), second_pass=second,
            shown=compiler.shown,
        ))
    return rules


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def _uncertain(c: Collector, value: Any, path: tuple[Any, ...]) -> dict[str, str] | None:
    """`uncertain:` as {fr, en}: every output is worded in French or English, so a note in one
    language only is refused (an English report would show a French sentence)."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"fr", "en"} and all(isinstance(v, str) and v.strip()
                                                                       for v in value.values()):
        return dict(value)
    if isinstance(value, str):
        c.error(0, path, "a note in one language only: write it as {fr: …, en: …} (outputs are in French or English)")
    else:
        c.error(0, path, "expected a mapping with 'fr' and 'en' texts")
    return None


def _check_nothing_to_verify(problems: list[tuple[tuple[Any, ...], str]], node: Any, path: tuple[Any, ...]) -> None:
    """A stable ruleset states what it verified: a note such as 'à vérifier' is refused."""
    if isinstance(node, str):
        if TO_VERIFY.search(node):
            problems.append((path, "a stable ruleset carries no 'to verify' note: verify the text, or mark the rule "
                             "'uncertain' (shown in every output)"))
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_nothing_to_verify(problems, value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_nothing_to_verify(problems, value, (*path, index))


def _check_placeholders(problems: list[tuple[tuple[Any, ...], str]], text: str, kinds: tuple[str, ...],
                        path: tuple[Any, ...]) -> None:
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        spec = FACTS.get(name)
        if spec is None:
            problems.append((path, f"unknown placeholder '{{{name}}}'{suggest(name, FACTS)}"))
        elif any(k not in spec.kinds for k in kinds):
            problems.append((path, f"placeholder '{{{name}}}' does not exist for every kind in applies_to"))
    if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
        problems.append((path, "unbalanced '{' or '}' (placeholders are {fact.name})"))


def _regions(c: Collector, value: Any, groups: dict[str, frozenset[str]], path: tuple[Any, ...]) -> frozenset[str]:
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] in groups:
            return groups[value[1:]]
        c.error(0, path, f"unknown country group '{value}'{suggest(value[1:], groups)}")
    elif isinstance(value, list) and all(isinstance(v, str) and re.match(r"^[A-Z]{2}$", v) for v in value):
        return frozenset(value)
    else:
        c.error(0, path, "expected a @group or a list of country codes")
    return frozenset()


def schema() -> dict[str, Any]:
    """JSON Schema of ruleset files."""
    from bleu_assess.inventory.schema import spec_json

    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "bleu-assess ruleset",
            **spec_json(RULESET)}

