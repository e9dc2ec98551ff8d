"""`bleu-assess upgrade`: rewrite a v1 inventory as v2, keeping its comments and layout.

The rewrite is a list of small steps (`STEPS`), each reading the current text of one file and
returning text edits at the positions of the YAML nodes it changes: everything else is left byte
for byte, so a diff of the result shows only the changed lines. A step that has nothing to do
returns no edit. To add a step, write a function `(UpgradeFile) -> list[Edit]` and append it to
`STEPS` (docs/inventory.md, "Reading v1, upgrading", lists what each step does). A change that is
easier to write on a round-trip mapping (ruamel.yaml) than as text edits can be wrapped with
`item_step(section, change)`; only the files it changes are re-emitted, by ruamel.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from bleu_assess.inventory import model, sensitivity, yamlio

# Words a comment code and its values in the reader's language (given by the caller:
# `qualify.<code>`): say("upgrade_from_provider", provider="p").
Say = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] with `text` (offsets in characters)."""

    start: int
    end: int
    text: str


class UpgradeFile:
    """One file of the inventory being upgraded: its text, parsed data and node tree (with
    positions), what every file of the inventory declares (`providers` by id), and the format
    the inventory had before any step ran (`source_format`: steps rewrite only what it meant)."""

    def __init__(self, text: str, name: str, providers: dict[str, dict[str, Any]], source_format: str,
                 say: Say | None = None) -> None:
        self.text = text
        self.name = name
        self.source_format = source_format
        self.say = say  # words the comment codes a step writes, in the reader's language
        self.data = yamlio.parse(text, name)
        self.root = yamlio.compose(text)
        self.providers = providers

    def node(self, *path: Any) -> yaml.Node | None:
        node = self.root
        for part in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node

    def replace(self, node: yaml.Node, text: str) -> Edit:
        return Edit(node.start_mark.index, node.end_mark.index, text)

    def add_key(self, mapping: yaml.MappingNode, key: str, value: str, comment: str = "") -> list[Edit]:
        """Edits adding `key: value` at the end of a mapping, in its own style; `comment` goes at
        the end of the new line (block style) or on a line of its own above the item (flow style)."""
        if mapping.flow_style:
            close = mapping.end_mark.index - 1  # the closing brace
            edits = [Edit(close, close, f", {key}: {value}")]
            if comment:
                line_start = self.text.rfind("\n", 0, mapping.start_mark.index) + 1
                lead = self.text[line_start:mapping.start_mark.index]
                indent = " " * len(lead) if not lead.strip() else " " * (len(lead) - len(lead.lstrip()))
                edits.append(Edit(line_start, line_start, f"{indent}# {comment}\n"))
            return edits
        first_key = mapping.value[0][0]
        end = mapping.value[-1][1].end_mark
        offset = _line_offset(self.text, end.line if end.column == 0 else end.line + 1)
        suffix = f"  # {comment}" if comment else ""
        return [Edit(offset, offset, " " * first_key.start_mark.column + f"{key}: {value}{suffix}\n")]


def _line_offset(text: str, line: int) -> int:
    """Offset of the start of a 0-based line (the end of the text past the last line)."""
    offset = 0
    for _ in range(line):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def _flow_list(values: list[Any]) -> str:
    return "[" + ", ".join(str(v) if isinstance(v, str) else yaml.safe_dump(v, default_flow_style=True).strip()
                           for v in values) + "]"


# -- the steps ---------------------------------------------------------------------------------

def format_v2(f: UpgradeFile) -> list[Edit]:
    """`format: bleu-assess/v1` -> `bleu-assess/v2`."""
    node = f.node("format")
    if node is None or f.data.get("format") != model.FORMAT_V1:
        return []
    return [f.replace(node, model.FORMAT_V2)]


def qualifications_per_offer(f: UpgradeFile) -> list[Edit]:
    """v1 lets a provider's qualifications cover all its offers; v2 reads them per offer. Each
    offer that declares none gets its provider's, with a comment `upgrade: …` (`marked`) inviting a check
    of its scope (`upgrade_from_provider`, worded by `f.say`; none without it)."""
    edits: list[Edit] = []
    if f.source_format != model.FORMAT_V1:
        return edits
    platforms = f.data.get("platforms") if isinstance(f.data, dict) else None
    for index, platform in enumerate(platforms or []):
        provider = f.providers.get(platform.get("provider") or "") if isinstance(platform, dict) else None
        node = f.node("platforms", index)
        if provider is None or not isinstance(node, yaml.MappingNode):
            continue
        for key in ("qualifications", "pending_qualifications"):
            values = provider.get(key)
            if values and key not in platform:
                comment = marked(f.say, "upgrade_from_provider", provider=provider["id"]) if f.say else ""
                edits.extend(f.add_key(node, key, _flow_list(values), comment))
    return edits


Step = Callable[[UpgradeFile], list[Edit]]


def marked(say: Say, code: str, **values: Any) -> str:
    """The words of comment `code` behind the marker of the lines an upgrade asks to review
    (`upgrade_marker`: `upgrade:`, « mise à jour : »), the one `bleu-assess upgrade` names."""
    return f"{say('upgrade_marker')} {say(code, **values)}"


def item_step(section: str, change: Callable[[Any, Say | None], bool]) -> Step:
    """A step from a function that rewrites one item of a top-level list in place, on ruamel.yaml's
    round-trip mapping (`change(item, say) -> changed`; `say` words the codes of the comments it
    writes). Files where it changes nothing are left
    byte for byte; the others are re-emitted by ruamel, comments and flow styles kept."""

    def step(f: UpgradeFile) -> list[Edit]:
        if f.source_format != model.FORMAT_V1:
            return []
        from ruamel.yaml import YAML

        yaml_rt = YAML()
        yaml_rt.preserve_quotes = True
        yaml_rt.width = 4096
        yaml_rt.indent(mapping=2, sequence=4, offset=2)
        data = yaml_rt.load(f.text)
        items = data.get(section) if hasattr(data, "get") else None
        changed = [change(item, f.say) for item in items or [] if hasattr(item, "get")]
        if not any(changed):
            return []
        out = io.StringIO()
        yaml_rt.dump(data, out)
        return [Edit(0, len(f.text), out.getvalue())]

    step.__name__ = getattr(change, "__name__", "item_step")
    return step


# v1 `sensitive` -> the v2 class and `particular_sensitivity: yes`, with a review comment (issue 14).
STEPS: list[Step] = [format_v2, qualifications_per_offer, item_step("datasets", sensitivity.upgrade_v1_dataset)]


def _apply(text: str, edits: list[Edit]) -> str:
    # From the end, so that earlier offsets stay valid; insertions at one place keep their order.
    for _, edit in sorted(enumerate(edits), key=lambda e: (e[1].start, e[1].end, e[0]), reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def upgrade_texts(files: list[tuple[str, str]], steps: list[Step] | None = None,
                  say: Say | None = None) -> list[tuple[str, str]]:
    """[(name, text)] of an inventory's files -> the same files upgraded to the current format.
    `say(code, **values)` words the comments steps write (`upgrade_comment`,
    `upgrade_from_provider`), in the reader's language
    (the CLI gives `qualify.<code>` from the catalogue: the inventory stage knows no words);
    without it the steps write no comment. Raises InputError (located) when a file cannot be
    parsed."""
    providers: dict[str, dict[str, Any]] = {}
    source_format = model.FORMAT
    for name, text in files:
        data = yamlio.parse(text, name)
        if isinstance(data, dict) and data.get("format") == model.FORMAT_V1:
            source_format = model.FORMAT_V1  # one v1 file gives the whole inventory its v1 meaning
        for provider in (data.get("providers") or []) if isinstance(data, dict) else []:
            if isinstance(provider, dict) and isinstance(provider.get("id"), str):
                providers[provider["id"]] = provider
    out = []
    for name, text in files:
        for step in steps or STEPS:
            edits = step(UpgradeFile(text, name, providers, source_format, say))
            if edits:
                text = _apply(text, edits)
        out.append((name, text))
    return out
