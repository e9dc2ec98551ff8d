"""Start-up: the methods dataclasses generates for our records are compiled once and kept in the
compiled cache (bleu_assess/records.py), and are exactly the methods dataclasses compiles."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from bleu_assess import records

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "chu-exemple.yaml"
SOURCE = '''
from dataclasses import dataclass, field

@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    regions: tuple[str, ...] = ()
    facts: frozenset = field(default_factory=frozenset)
'''
METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def _module(name: str) -> types.ModuleType:
    """A module `name` defining the record Offer (dataclasses reads the class's module)."""
    module = sys.modules[name] = types.ModuleType(name)
    try:
        exec(SOURCE, module.__dict__)  # the dataclass decorator runs with this module's globals
    finally:
        del sys.modules[name]
    return module


def _codes(module: types.ModuleType) -> dict[str, types.CodeType]:
    return {name: getattr(module.Offer, name).__code__ for name in METHODS}


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty cache directory, records' state as at start-up, restored afterwards."""
    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path))
    monkeypatch.setattr(records, "_known", None)
    monkeypatch.setattr(records, "_new", {})
    return tmp_path


def test_a_record_read_back_has_the_methods_dataclasses_compiles(fresh: Path) -> None:
    records.install()
    plain = _codes(_module("elsewhere"))  # not ours: compiled by the builtin exec
    assert not records._new
    first = _module("bleu_assess._records_probe")
    assert _codes(first) == plain and len(records._new) == len(METHODS)
    records._save()
    assert len(list(fresh.glob("records-*.marshal"))) == 1
    records._known, records._new = None, {}
    again = _module("bleu_assess._records_probe")  # every method from the file
    assert not records._new and _codes(again) == plain
    offer = again.Offer("a", ("fr",))
    assert offer == again.Offer("a", ("fr",)) and hash(offer) == hash(again.Offer("a", ("fr",)))
    assert repr(offer) == "Offer(id='a', regions=('fr',), facts=frozenset())"
    with pytest.raises(dataclasses.FrozenInstanceError):
        offer.id = "b"


def test_a_corrupt_file_is_compiled_anew(fresh: Path) -> None:
    records.install()
    file = records._file()
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"not marshal")
    assert _codes(_module("bleu_assess._records_probe")) == _codes(_module("elsewhere"))
    assert len(records._new) == len(METHODS)


def _run(argv: list[str], cache: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BLEU_ASSESS_CACHE": cache, "COLUMNS": "120", "BLEU_ASSESS_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "bleu_assess", *argv], capture_output=True, text=True,
                          check=False, env=env)


def test_a_scan_with_records_read_back_prints_what_a_scan_without_the_cache_prints(tmp_path: Path) -> None:
    argv = ["scan", str(EXAMPLE), "--format", "json"]
    assert _run(["--version"], str(tmp_path)).returncode == 0
    assert not list(tmp_path.glob("records-*"))  # --version builds no record of ours
    written = _run(argv, str(tmp_path))
    assert list(tmp_path.glob("records-*.marshal"))
    read_back, off = _run(argv, str(tmp_path)), _run(argv, "off")
    assert written.returncode == read_back.returncode == off.returncode == 0
    assert written.stdout == read_back.stdout == off.stdout and '"items"' in off.stdout
