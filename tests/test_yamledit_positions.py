"""The inventory editor reads a plain block-style applications section without PyYAML: the
positions it finds, and the file it writes, are those libyaml's composer gives, on every shipped
inventory, the benchmark estate and generated variants; anything unusual goes to the composer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bleu_assess.intake import yamledit
from bleu_assess.intake.yamledit import InventoryEditor

ROOT = Path(__file__).resolve().parent.parent
ESTATE = Path("/tmp/bleu-assess-bench/deps-estate-v3-0.yaml")


def _editors(text: str) -> tuple[InventoryEditor, InventoryEditor]:
    """The editor as built (line reading when it can), and the same with libyaml's positions."""
    read = InventoryEditor(text, "inventory.yaml")
    composed = InventoryEditor(text, "inventory.yaml")
    composed._positions(composed._applications_node(compose=True))
    return read, composed


def _signature(node: yamledit.Node | None) -> object:
    """What the edits read of a value: its kind, and a list's style, positions and entries."""
    if node is None:
        return None
    if node.kind != "seq":
        return node.kind
    entries = [(e.kind, e.value, e.start, e.end[0]) for e in node.value]
    return ("seq", node.flow, node.end if node.flow else None, entries)


def _positions(editor: InventoryEditor, keys: set[str]) -> list[object]:
    out: list[object] = []
    for app_id, (index, item) in sorted(editor._apps.items()):
        out.append((app_id, index, item.start, item.flow))
        for key in sorted(keys | {"depends_on", "datasets", "absent"}):
            found = yamledit._own(item, key)
            out.append(None if found is None else (key, found[0].start, found[0].end, _signature(found[1])))
    return out


def _edit(editor: InventoryEditor) -> str:
    """Every application gains a dependency and a dataset; a new application and server are added."""
    for app_id in sorted(editor._apps):
        editor.add_to_list(app_id, "depends_on", ["app-new"])
        editor.add_to_list(app_id, "datasets", ["data-new", "data-other"])
    editor.append_items("applications", [{"id": "app-new", "name": "New", "depends_on": ["x"]}])
    editor.append_items("servers", [{"id": "srv-new", "applications": ["app-new"]}])
    return editor.text()


def _line_by_line(editor: InventoryEditor) -> tuple[dict[str, int], dict[str, list[tuple[int, int, int]]]]:
    """Top-level keys and each section's item starts, found one line at a time."""
    lines = editor.lines
    top = {m.group(1): n for n, line in enumerate(lines) if (m := yamledit._TOP_KEY.match(line))}
    starts: dict[str, list[tuple[int, int, int]]] = {}
    for section in top:
        out = starts[section] = []
        for number in range(top[section] + 1, editor._section_boundary(section)):
            found = yamledit._ITEM.match(lines[number])
            if found and (not out or len(found.group(1)) == out[0][1]):
                out.append((number, len(found.group(1)), found.end(2)))
    return top, starts


def _assert_same(text: str, read_lines: bool | None = None) -> None:
    read, composed = _editors(text)
    top, starts = _line_by_line(read)
    assert read.top == top
    assert {section: read._item_starts(section) for section in top} == starts
    if read_lines is not None:
        assert (read.apps_node is not None and read.apps_node.value[0].kind == "lazy") is read_lines
    keys = {k for a in read.values("applications") for k in a}
    assert _positions(read, keys) == _positions(composed, keys)
    assert _edit(read) == _edit(composed)


def _inventories() -> list[Path]:
    found = sorted((ROOT / "examples").rglob("*.yaml")) + sorted((ROOT / "tests" / "data").rglob("*.yaml"))
    return [p for p in found if "\napplications:" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", _inventories(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_inventories_read_as_libyaml_composes_them(path: Path) -> None:
    _assert_same(path.read_text(encoding="utf-8"))


def test_the_benchmark_estate_is_read_without_pyyaml_and_as_composed() -> None:
    if not ESTATE.is_file():
        pytest.skip("benchmark estate absent (benchmarks/generate.py writes it)")
    _assert_same(ESTATE.read_text(encoding="utf-8"), read_lines=True)


def _variant(seed: int) -> str:
    """A generated inventory: item and key indentation, comments, blank lines, lists in flow or
    block style (at the key's column or deeper), empty or missing lists, nested mappings."""
    rng = random.Random(seed)
    dash = rng.choice([0, 2, 4])
    gap = rng.choice([2, 3, 4])
    key = " " * (dash + gap)
    lines = ["format: bleu-assess/v2\n", "organisation:\n", "  name: Test\n"]
    if rng.random() < 0.3:
        lines.append("# the applications\n")
    lines.append("applications:" + rng.choice(["", "  # ours"]) + "\n")
    for n in range(rng.randint(1, 6)):
        fields = [f"name: Application {n} — l'hôpital\n", "criticality: high  # said by the owner\n"]
        if rng.random() < 0.5:
            fields.append("hosting:\n" + key + "  model: saas\n" + key + "  provider: p-1\n")
        for name in ("depends_on", "datasets"):
            ids = [f"{name[:3]}-{rng.randint(0, 9)}" for _ in range(rng.randint(0, 3))]
            style = rng.choice(["flow", "block", "compact", "missing", "null", "flow-comment"])
            if style == "flow":
                fields.append(f"{name}: [{', '.join(ids)}]\n")
            elif style == "flow-comment":
                fields.append(f"{name}:   [ {' ,  '.join(ids)} ]   # known\n")
            elif style in ("block", "compact") and ids:
                step = "  " if style == "block" else ""
                fields.append(f"{name}:\n" + "".join(f"{key}{step}- {i}\n" for i in ids))
            elif style == "null":
                fields.append(f"{name}:\n")
        rng.shuffle(fields)
        fields.insert(0, f"id: app-{n}\n")
        for position, text in enumerate(fields):
            if rng.random() < 0.15:
                lines.append(rng.choice(["\n", key + "# a comment\n", "# at column 0\n"]))
            lines.append((" " * dash + "- " + " " * (gap - 2) if position == 0 else key) + text)
        if rng.random() < 0.3:
            lines.append("\n")
    lines.append("servers:\n  - id: srv-1\n")
    return "".join(lines)


@pytest.mark.parametrize("seed", range(150))
def test_generated_inventories_read_as_libyaml_composes_them(seed: int) -> None:
    _assert_same(_variant(seed), read_lines=True)


@pytest.mark.parametrize("seed", range(10))
def test_windows_line_breaks_are_composed_by_libyaml(seed: int) -> None:
    _assert_same(_variant(seed).replace("\n", "\r\n"), read_lines=False)


UNUSUAL = {  # applications that only libyaml reads right, by what makes them unusual
    "anchor-alias": "  - id: a\n    depends_on: &deps [b]\n  - id: b\n    depends_on: *deps\n",
    "merge-key": "  - id: a\n    <<: {criticality: high}\n    depends_on: [b]\n",
    "flow-item": "  - {id: a, depends_on: [b]}\n  - id: b\n",
    "quoted-over-lines": "  - id: a\n    name: \"A\n      and more\"\n  - id: b\n",
    "quoted-id": "  - id: 'a'\n    depends_on: [b]\n",
    "plain-over-lines": "  - id: a\n    name: two\n      lines\n    depends_on: [b]\n",
    "flow-over-lines": "  - id: a\n    depends_on: [b,\n      c]\n",
    "block-scalar": "  - id: a\n    notes: |\n      - id: b\n    depends_on: [c]\n",
    "tag": "  - id: a\n    depends_on: !!seq [b]\n",
    "tab-in-a-value": "  - id: a\n    name: x\tb\n    depends_on: [b]\n",
    "quoted-key": "  - id: a\n    \"depends_on\": [b]\n",
    "id-not-a-string": "  - id: 12\n    depends_on: [b]\n",
    "quoted-entry": "  - id: a\n    depends_on:\n      - 'b'\n",
    "word-going-on": "  - id: a\n    name: A\n      depends_on_b\n    depends_on: [b]\n",
}


@pytest.mark.parametrize("unusual", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_yaml_is_composed_by_libyaml(unusual: str) -> None:
    text = "format: bleu-assess/v2\norganisation:\n  name: T\napplications:\n" + unusual
    read, _ = _editors(text)
    assert read.apps_node is not None and read.apps_node.value[0].kind != "lazy"
    _assert_same(text)


def test_a_list_found_unusual_when_edited_switches_to_libyaml_positions() -> None:
    # Plain enough to be read by lines, but a list entry is not a plain word: composed at that edit.
    text = ("format: bleu-assess/v2\norganisation:\n  name: T\napplications:\n"
            "  - id: a\n    depends_on: [b, c:d]\n  - id: b\n    depends_on: [a]\n")
    read, composed = _editors(text)
    assert read.apps_node is not None and read.apps_node.value[0].kind == "lazy"
    assert _edit(read) == _edit(composed)
    assert read.apps_node.value[0].kind == "map"  # libyaml's tree from that edit on
