"""The fast parser (rapidyaml) and the precise one (libyaml) mean the same thing.

Every inventory is read by rapidyaml when it is installed and by libyaml otherwise (or when
rapidyaml cannot vouch for a document); whichever reads it, the data, the errors and the scan
results must be identical.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bleu_assess import api
from bleu_assess.errors import InputError
from bleu_assess.inventory import yamlio
from bleu_assess.render.scan import json_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.skipif(yamlio._ryml() is None, reason="rapidyaml is not installed")


def both(monkeypatch: pytest.MonkeyPatch, call: Callable[[], Any]) -> tuple[Any, Any]:
    """`call()` with the fast parser, then with the precise one; an InputError is a result too."""
    results = []
    for forced in ("auto", "libyaml"):
        monkeypatch.setenv("BLEU_ASSESS_PARSER", forced)
        assert yamlio.parser() == ("rapidyaml" if forced == "auto" else "libyaml")
        try:
            results.append(call())
        except InputError as exc:
            results.append(("error", [d.format() for d in exc.diagnostics]))
    return results[0], results[1]


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True is not good enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        # Keys compared with same() too: a NaN key (`.nan: x`) never equals itself under ==.
        return len(a) == len(b) and all(same(ka, kb) and same(va, vb)
                                        for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


SNIPPETS = [
    "a: 1\nb: -2\nc: +3\nd: 0x1F\ne: 0o17\nf: 017\n",
    "a: 1.5\nb: .5\nc: 1e3\nd: -1.2E-4\ne: .inf\nf: -.Inf\ng: 1.\n",
    "a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: off\nh: y\ni: NO\n",
    "a: ~\nb: null\nc: Null\nd:\ne: ''\nf: \"\"\ng: 'null'\nh: \"true\"\n",
    "date: 2024-01-01\ntime: 12:30\nversion: 1.2.3\nport: '8080'\nzip: 01000\n",
    "text: |\n  line one\n  line two\nfolded: >\n  one\n  two\nkept: |+\n  x\n\n",
    "list: [a, 'b', \"c\", 1, 2.0, true, null]\nmap: {k: v, n: 3}\n",
    "é: accentué\n\"quoted key\": 1\n'1': one\n2: two\n",
    "nested:\n  - id: x\n    tags: [a, b]\n  - id: y\n    extra: {depth: {deeper: [1, [2, [3]]]}}\n",
    "a: 'it''s'\nb: \"tab\\there\"\nc: \"\\u00e9\"\nd: plain # comment\ne: 'has # hash'\n",
    "anchor: &x {a: 1}\nalias: *x\n",
    "base: &b {a: 1}\nmerged:\n  <<: *b\n  c: 2\n",
    "tagged: !!str 42\n",
    "a: 1\na: 2\n",
    "---\na: 1\n---\nb: 2\n",
    "a: [unclosed\n",
    "a:\n  - b\n c: d\n",
    "",
    "# only a comment\n",
    "- 1\n- 2\n",
    "just a scalar\n",
    "a: 123456789012345678901234567890\nb: 1e400\n",
    "a: 1\r\nb: [x, y]\r\nc: |\r\n  line1\r\n  line2\r\nd: 'q' # c\r\n",  # Windows line ends
    "a: 1\rb: 2\r",
    # Quoted texts that would be typed plain, next to plain ones (the fast path keeps the first).
    "version: \"2024.2\"\nport: '8080'\nflag: \"true\"\nnone: 'null'\nlist: [\"1\", '2.5', \"~\"]\n",
    "version: \"2024.2\"\nother: 2024.2\n",
    "a: \"7\"\n7: seven\n",
    "a: '0x1F'\nb: [0x1F]\n",
    "a: \"1\"\nb: |-\n  1\nc: >-\n  1\n",
    "a: '.nan'\nb: nan\n",  # rapidyaml writes the plain one as the string ".nan"
]


# Sequences that the fast parser cuts into runs of entries (yamlio._pieces) when PIECE_BYTES is
# small: a line that looks like an entry inside a quoted text or a flow collection left open, a
# nested sequence at the same indentation, comments and blank lines between entries, a key twice
# across runs or across the document, entries at the margin, keys the cut does not read.
PIECES = [
    "a:\n  - x\n  - y\n  - z\nb:\n  - 1\n  - 2\n",
    "a:\n  - d: \"first\n  - second\"\n  - e\n",
    "a:\n  - d: 'first\n  - second'\n  - e\n",
    "a:\n  - t: [1,\n  - 2]\n  - e\n",
    "a:\n  - t: {k: 1,\n  - z: 2}\n  - e\n",
    "a:\n  - id: x\n    tags:\n    - t1\n    - t2\n  - id: y\n",
    "a:\n  # before\n\n  - x  # after\n  # between\n\n  - y\n# margin comment\n  - z\n",
    "a:\n  - id: x\n    id: y\n  - id: z\n",
    "a:\n  - x\nb: 1\na:\n  - y\n",
    "a:\n- x\n- y\n",
    "a:\n- id: x\n  tags:\n  - t\n- id: y\nb: 1\nc:\n- z\n",
    "a: 1\n- x\n",
    "a:\n  b: 1\n- x\n",
    "a:\n- x\n-\n- - y\n- 'q\n- r'\n",
    "a: # comment\n  - x\n  - y\nformat: v2 # c\n",
    "a:\n  - |\n    text\n  - - nested\n    - twice\n  -\n  - last\n",
    "a:\n  - b: |\n      - not an entry\n  - c\n",
    "\"a\":\n  - x\n  - y\n",
    "a:\n  - x\n  - y\n...\n",
    "a:\n  - x\n  -  y\n  - \"1\"\n  - 1\n",
    "a:\n  - x\n b: 1\n  - y\n",
    "a:\n    - x\n    - y\n  - z\n",
    "null:\n  - x\n  - y\n",
    "a:\n  - x\n\n\n",
]


@pytest.mark.parametrize("piece", [None, 1], ids=["pieces of 64 KiB", "an entry a piece"])
@pytest.mark.parametrize("text", SNIPPETS + PIECES, ids=range(len(SNIPPETS + PIECES)))
def test_every_snippet_parses_to_the_same_data_or_the_same_error(monkeypatch: pytest.MonkeyPatch, text: str,
                                                                 piece: int | None) -> None:
    if piece:
        monkeypatch.setattr(yamlio, "PIECE_BYTES", piece)
    fast, precise = both(monkeypatch, lambda: yamlio.parse(text, "snippet.yaml"))
    assert same(fast, precise), (fast, precise)


def test_a_large_inventory_is_parsed_in_pieces_as_it_would_be_whole() -> None:
    """Top-level keys apart, long sequences in runs of entries of about PIECE_BYTES: one small
    rapidyaml tree for them all rather than one for the whole text (75 MB for 7 MB of YAML)."""
    raw = generate(2000, 0).encode("utf-8")
    pieces = yamlio._pieces(raw)
    assert pieces is not None
    runs = dict((name, len(texts)) for name, texts in pieces)
    assert list(runs)[:3] == ["format", "organisation", "providers"]
    assert runs["applications"] > 5 and runs["flows"] > 5
    assert max(len(text) for _, texts in pieces for text in texts) < 2 * yamlio.PIECE_BYTES
    ryml = yamlio._ryml()
    tree = ryml.Tree()
    whole = yamlio._parse_tree(ryml, tree, raw, bytearray(2 * len(raw) + 4096))
    assert same(yamlio._parse_pieces(ryml, pieces), whole)
    assert same(yamlio.parse(raw.decode("utf-8"), "estate.yaml"), whole)


@pytest.mark.parametrize("text", ["%YAML 1.2\n---\na: 1\n", "a:\n  - x\n---\nb: 1\n", "a: 1\rb: 2\n", "- x\n",
                                  "a: [1,\n2]\n", "  a: 1\n", ""])
def test_a_document_the_cut_cannot_read_plainly_is_parsed_whole(text: str) -> None:
    assert yamlio._pieces(text.encode("utf-8")) is None


# YAML's indicators and the whitespace parsers disagree on, mixed with any other character.
INDICATORS = list(" -:?,[]{}#&*!|>'\"%@`\\~.\t\n\u00a0\u2028") + list("0123456789aexTNné")
SCALAR = st.text(alphabet=st.sampled_from(INDICATORS) | st.characters(blacklist_categories=("Cs", "Cc")),
                 max_size=8)


@given(SCALAR)
@settings(max_examples=500, deadline=None)
def test_any_scalar_in_any_position_means_the_same(text: str) -> None:
    # A hypothesis test cannot take the monkeypatch fixture: the environment is set by hand.
    import os

    documents = (f"value: {text}\n", f"value: '{text}'\n", f"a: '{text}'\nb: {text}\n", f"'{text}': v\n{text}: w\n", f"{text}: value\n", f"- {text}\n",
                 f"k: [{text}]\n", f"k: {{a: {text}}}\n", f"a:\n  {text}\n", text,
                 f"k:\n  - {text}\n  - b: {text}\n  - '{text}'\n  - \"{text}\"\nz:\n  - {text}\n")
    results = []
    pieces = yamlio.PIECE_BYTES
    try:
        for forced in ("auto", "auto-cut", "libyaml"):
            # "auto-cut": every sequence entry a piece of its own (yamlio._pieces).
            yamlio.PIECE_BYTES = 1 if forced == "auto-cut" else pieces
            os.environ["BLEU_ASSESS_PARSER"] = forced.removesuffix("-cut")
            os.environ["BLEU_ASSESS_PARSER"] = forced
            row = []
            for document in documents:
                try:
                    row.append(yamlio.parse(document, "scalar.yaml"))
                except InputError as exc:
                    row.append(("error", [d.format() for d in exc.diagnostics]))
            results.append(row)
    finally:
        os.environ.pop("BLEU_ASSESS_PARSER", None)
        yamlio.PIECE_BYTES = pieces
    assert same(results[0], results[2]) and same(results[1], results[2]), (text, results)


def scan_bytes(path: Path) -> bytes:
    return bytes(json_text(api.scan(path)))


INVENTORIES = sorted(p for p in (ROOT / "examples").iterdir())


@pytest.mark.parametrize("path", INVENTORIES, ids=[p.name for p in INVENTORIES])
def test_the_examples_scan_identically_with_both_parsers(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    fast, precise = both(monkeypatch, lambda: (api.load(path).inventory, scan_bytes(path)))
    assert fast[0] == precise[0]
    assert fast[1] == precise[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_estates_scan_identically_with_both_parsers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                             seed: int) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text(generate(150, seed), encoding="utf-8")
    fast, precise = both(monkeypatch, lambda: scan_bytes(path))
    assert fast == precise


def test_an_invalid_inventory_gets_the_same_located_errors(monkeypatch: pytest.MonkeyPatch,
                                                           write_inventory: Callable[..., Path]) -> None:
    path = write_inventory(
        "format: bleu-assess/v1\n"
        "organisation: {name: T, country: FR, type: other}\n"
        "applications:\n"
        "  - id: app\n"
        "    name: App\n"
        "    hosting: {model: on-premises}\n"
        "    datasets: [dta]\n"
        "    criticality: 3\n"
        "datasets:\n"
        "  - id: data\n"
        "    name: Data\n"
        "    classification: internal\n")
    fast, precise = both(monkeypatch, lambda: api.load(path))
    assert fast[0] == "error" and fast == precise
    assert any(":7:" in line and "dta" in line for line in fast[1])


@given(st.text(alphabet="[]{} #\na,", max_size=40))
def test_the_comment_in_a_flow_collection_check_is_linear_and_means_what_it_meant(text: str) -> None:
    """The lenient parser's 'comment before the collection closes' patterns were rewritten to
    run in linear time on 100,000 nested brackets (34 s before); they match the same texts."""
    import re

    for old, new in ((r"\[[^\n\]]* #", r"\[[^\n\[\]]* #"), (r"\{[^\n}]* #", r"\{[^\n{}]* #")):
        assert new in [p.pattern for p in yamlio._FLOW_COMMENTS]
        assert (re.search(old, text) is None) == (re.search(new, text) is None), (old, text)
    # Looked for only where ` #` is: the same answer as every pattern looked for.
    every = (*yamlio._ODD_STARTS, *yamlio._FLOW_COMMENTS)
    assert yamlio._lenient(text) == (any(c in text for c in yamlio._ODD_SPACE) or any(p.search(text) for p in every))


@given(st.text(alphabet='"~-+.09nNulLtTrRuefFasSE x\\', max_size=40))
def test_the_ambiguous_string_candidates_are_found_where_they_were(text: str) -> None:
    """The candidates' pattern gained a lookahead that rejects most quotes early: the same
    matches as the pattern without it."""
    import re

    before = re.compile(r'"(?:[-+.0-9]|~"|"|[nN]ull"|NULL"|[tT]rue"|TRUE"|[fF]alse"|FALSE")')
    assert [m.span() for m in yamlio._CANDIDATE.finditer(text)] == [m.span() for m in before.finditer(text)]
