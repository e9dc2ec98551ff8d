"""The YAML written by imports reads back as the data it was made from, by PyYAML and by our
own loader (YAML 1.2 core schema), whatever the strings hold."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bleu_assess.intake.emit import dump
from bleu_assess.inventory import yamlio

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False, width=64),
                    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                    st.sampled_from(["yes", "No", "on", "OFF", "y", "n", "null", "~", "2026-11-30", "0755", "1e3",
                                     "- a", "a: b", "a #b", "'q'", '"q"', "@x", "&a", "*a", "!t", "| x", "> x",
                                     "Sur site", "Direction des systèmes d'information", "12,5", "45 %", " x",
                                     "x ", "", "\u2028", "a\nb", "\t"]))
KEYS = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
                 st.sampled_from(["id", "on", "yes", "Operating System", "u_hebergement", "1", "null"]))
DATA = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(KEYS, inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, DATA, min_size=1, max_size=5))
def test_what_is_written_reads_back_the_same(data: dict[str, Any]) -> None:
    text = dump(data) + "\n"
    assert yaml.safe_load(text) == data
    assert yamlio.parse(text, "x.yaml") == data


def test_the_layout_is_the_usual_block_style() -> None:
    data = {"applications": [{"id": "dpi", "name": "Dossier patient", "hosting": {"model": "on-premises"},
                              "depends_on": ["annuaire"], "extra": {"Cluster": "c1", "on": "yes"}}]}
    assert dump(data) == ("applications:\n- id: dpi\n  name: Dossier patient\n  hosting:\n    model: on-premises\n"
                          "  depends_on:\n  - annuaire\n  extra:\n    Cluster: c1\n    \"on\": \"yes\"")


def test_the_characters_escaped_are_those_yaml_does_not_allow_raw() -> None:
    # YAML 1.2 §5.1, c-printable: every other code point must be escaped in a double-quoted scalar.
    from bleu_assess.intake.emit import _NON_PRINTABLE

    allowed = ((0x09, 0x09), (0x0A, 0x0A), (0x0D, 0x0D), (0x20, 0x7E), (0x85, 0x85), (0xA0, 0xD7FF),
               (0xE000, 0xFFFD), (0x10000, 0x10FFFF))
    wrong = [hex(c) for c in range(0x110000)
             if bool(_NON_PRINTABLE.match(chr(c))) == any(low <= c <= high for low, high in allowed)]
    assert wrong == []


def test_keys_other_than_texts_are_written_as_yaml_reads_them_whatever_came_before() -> None:
    # 1 and True are one key of a dict, "1" another: written at the same indentation, each keeps its own spelling.
    data = {"a": [{"x": 0, 1: "one"}, {"x": 0, True: "yes"}, {"x": 0, "1": "text"}, {"x": 0, None: "none"}]}
    assert dump(data) == ('a:\n- x: 0\n  1: one\n- x: 0\n  true: "yes"\n- x: 0\n  "1": text\n- x: 0\n  null: none')
    assert yaml.safe_load(dump(data)) == data
