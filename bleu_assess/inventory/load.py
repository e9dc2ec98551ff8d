"""Stage 1: from a path (one file, or a directory of files merged) to a validated Inventory."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bleu_assess import gcpause, inputs, output
from bleu_assess.errors import Diagnostic, InputError, InventoryError
from bleu_assess.inventory import fastcheck, yamlio
from bleu_assess.inventory.build import Outline
from bleu_assess.inventory.model import Inventory
from bleu_assess.inventory.validate import Document

INVENTORY_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class Loaded:
    inventory: Inventory
    warnings: list[Diagnostic]


def inventory_files(root: Path, display: str, problems: list[Diagnostic] | None = None) -> list[tuple[Path, str]]:
    """The files of an inventory: the file itself, or a directory's YAML/JSON files, recursively,
    in name order, without following symbolic links to directories (no loops). Folders that
    cannot be listed are errors: added to `problems` when given, else raised."""
    if not root.is_dir():
        return [(root, display)]
    found: list[tuple[Path, str]] = []
    unreadable: list[Diagnostic] = []

    def refuse(exc: OSError) -> None:
        # A folder that cannot be listed would silently drop part of the estate: an error.
        where = os.path.join(display, os.path.relpath(exc.filename, root)) if exc.filename else display
        unreadable.extend(inputs.refusal(os.path.normpath(where), "unreadable_directory",
                                         error=str(exc.strerror or exc)).diagnostics)

    for folder, dirs, files in os.walk(root, followlinks=False, onerror=refuse):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(INVENTORY_SUFFIXES) and not name.startswith("."):
                path = Path(folder) / name
                found.append((path, os.path.join(display, os.path.relpath(path, root))))
    found.sort(key=lambda item: item[1])
    if unreadable:
        if problems is None or not found:
            raise InputError(f"cannot read {display}", unreadable)
        problems.extend(unreadable)
    if not found:
        raise inputs.refusal(display, "no_inventory_files")
    return found


def load_inventory(path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None,
                   as_of: date | None = None, warnings: bool = True) -> Loaded:
    """Read, parse and validate an inventory (its catalogue references resolved with `catalogue`
    on the assessment date `as_of`: see validate; no warning looked for unless `warnings`: the
    errors are the same). Raises InputError with located diagnostics."""
    display, docs, sha = _read(path)
    with gcpause.paused():  # validation builds the records: acyclic, millions on a large estate
        # A large inventory goes through a compiled validator first (the walker words any error).
        inventory, found = fastcheck.validate(docs, display, sha, catalogue, as_of, warnings=warnings)
    return Loaded(inventory, found)


@dataclass(frozen=True, slots=True)
class Checked:
    """A valid inventory as `bleu-assess validate` reports it: its Outline (organisation, counts,
    servers, dependencies) and located warnings, without the model of every entry."""

    outline: Outline
    warnings: list[Diagnostic]


def check_inventory(path: str | os.PathLike[str], catalogue: str | os.PathLike[str] | None = None,
                    as_of: date | None = None, warnings: bool = True) -> Checked:
    """load_inventory without building the model: the same checks, errors and warnings (none
    looked for unless `warnings`; the errors are the same)."""
    _, docs, _ = _read(path, hashed=False)
    with gcpause.paused():
        shape, found = fastcheck.check(docs, catalogue, as_of, warnings=warnings)
    return Checked(shape, found)


def read_file(file: Path, shown: str) -> tuple[bytes, str, Any]:
    """The bytes, text and parsed data of one inventory file, shown as `shown`. Raises
    InputError; a workbook or a CSV table given as an inventory is refused as such
    (input.table_workbook, input.table_csv: the CLI names the command that imports it)."""
    raw = b""
    try:
        raw = yamlio.read_bytes(file, shown)
        if inputs.looks_like_table(raw, shown):
            raise inputs.table_refusal(raw, shown)
        text = yamlio.decode(raw, shown)
        data = yamlio.parse(text, shown, raw)
        if not isinstance(data, dict) and inputs.looks_like_table(raw, shown, parsed=False):
            raise inputs.table_refusal(raw, shown)
    except InputError as exc:
        if raw and not exc.diagnostics[0].code.startswith("input.table_") and \
                inputs.looks_like_table(raw, shown, parsed=False):
            raise inputs.table_refusal(raw, shown) from None  # a table that is not even YAML
        raise
    return raw, text, data


def _read(path: str | os.PathLike[str], hashed: bool = True) -> tuple[str, list[Document], str]:
    """The path as shown, the parsed documents of its files, and the inventory's sha256 (of the
    file, or of a directory's listing of its files' hashes; "" unless `hashed`). Raises
    InventoryError with every file that cannot be read or parsed."""
    display = os.fspath(path)
    output.register_input(display)
    problems: list[Diagnostic] = []
    files = inventory_files(Path(display), display, problems)
    docs: list[Document] = []
    digests: list[str] = []
    for file, shown in files:
        output.register_input(file)
        try:
            raw, text, data = read_file(file, shown)
        except InputError as exc:
            problems.extend(exc.diagnostics)
            continue
        docs.append(Document(shown, text, data))
        digests.append(hashlib.sha256(raw).hexdigest() if hashed else "")
    if problems:
        raise InventoryError(f"cannot read {display}", problems)
    if not hashed:
        sha = ""
    elif len(files) == 1 and not Path(display).is_dir():
        sha = digests[0]
    else:
        # A directory: hash of the sorted list of (relative name, file hash), as sha256sum prints it.
        listing = "".join(f"{digest}  {os.path.relpath(doc.file, display)}\n" for doc, digest in zip(docs, digests))
        sha = hashlib.sha256(listing.encode()).hexdigest()
    return display, docs, sha
