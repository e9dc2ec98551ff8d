"""The compiled cache of shipped data (bleu_assess/cache.py): same results with it on or off,
rebuilt when a file changes, never trusted when an entry does not match its key."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bleu_assess import cache
from bleu_assess.inventory import catalogue
from bleu_assess.rules.load import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _scan(path: Path, env_cache: str, fmt: str) -> bytes:
    env = {"BLEU_ASSESS_CACHE": env_cache, "SOURCE_DATE_EPOCH": "1795996800", "PATH": "/usr/bin:/bin",
           "COLUMNS": "120"}
    done = subprocess.run([sys.executable, "-m", "bleu_assess", "scan", str(path), "--format", fmt],
                          capture_output=True, env=env, check=False)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


@pytest.mark.parametrize("example", [EXAMPLES[0], EXAMPLES[-1]], ids=lambda p: p.name)
def test_results_are_byte_identical_with_the_cache_off_cold_and_warm(example: Path, tmp_path: Path) -> None:
    off = _scan(example, "off", "json")
    cold = _scan(example, str(tmp_path / "c"), "json")
    assert list((tmp_path / "c").glob("ruleset-*.pickle")) and list((tmp_path / "c").glob("catalogue-*.pickle"))
    warm = _scan(example, str(tmp_path / "c"), "json")
    assert off == cold == warm


def test_an_edited_ruleset_is_read_again_not_taken_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    source = next((ROOT / "rulesets").glob("*/*.yaml"))
    folder = tmp_path / source.parent.name
    folder.mkdir()
    copy = folder / source.name
    shutil.copy(source, copy)
    first = load_ruleset(copy)
    text = copy.read_text(encoding="utf-8")
    title = first.rules[0].title["en"]
    copy.write_text(text.replace(title, title + " (edited)", 1), encoding="utf-8")
    assert load_ruleset(copy).rules[0].title["en"] == title + " (edited)"


def test_an_entry_that_does_not_match_its_key_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    built = cache.cached("probe", [b"content"], lambda: {"value": 1})
    (entry,) = tmp_path.glob("probe-*.pickle")
    entry.write_bytes(pickle.dumps(("another key", {"value": 2})))
    assert cache.cached("probe", [b"content"], lambda: {"value": 3}) == {"value": 3} != built
    entry.write_bytes(b"truncated")
    assert cache.cached("probe", [b"content"], lambda: {"value": 4}) == {"value": 4}


def test_a_broken_file_is_reported_every_time_and_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bleu_assess.errors import InputError

    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    copy = tmp_path / "catalogue"
    shutil.copytree(catalogue.default_path(), copy)
    index = copy / catalogue.INDEX_FILE
    index.write_text(index.read_text(encoding="utf-8") + "\nunexpected_field: 1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            catalogue.load(copy)
        assert "unexpected_field" in str(caught.value.diagnostics)
    assert not list((tmp_path / "cache").glob("catalogue-*"))


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.directory() is None
    assert cache.cached("probe", [b"x"], lambda: 5) == 5
    monkeypatch.delenv(cache.ENV)
    assert cache.directory() is not None and "bleu-assess" in str(cache.directory())


def test_a_template_s_bytecode_is_read_back_as_jinja_writes_it_and_checked(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2
    from jinja2.bccache import Bucket

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    store = cache.templates()
    env = jinja2.Environment()
    code = env.compile("{{ name }}!", "note", "note.j2")
    written = Bucket(env, "note", "checksum-1")
    written.code = code
    store.dump_bytecode(written)
    read = Bucket(env, "note", "checksum-1")
    store.load_bytecode(read)
    assert read.code == code
    edited = Bucket(env, "note", "checksum-2")  # the template changed since: compiled anew
    store.load_bytecode(edited)
    assert edited.code is None
    file = next(tmp_path.glob("templates-*/__jinja2_*.cache"))
    file.write_bytes(file.read_bytes()[:-8])  # truncated
    truncated = Bucket(env, "note", "checksum-1")
    store.load_bytecode(truncated)
    assert truncated.code is None



def test_a_memo_keeps_its_answers_and_starts_anew_past_its_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import atexit

    monkeypatch.setenv("BLEU_ASSESS_CACHE", str(tmp_path))
    monkeypatch.setattr(cache, "MEMO_MAX", 3)
    ends: list[Callable[[], None]] = []
    monkeypatch.setattr(atexit, "register", ends.append)

    def run(asked: str) -> list[str]:
        """One process: what it finds in the memo; it adds its answers, then ends."""
        answers = cache.memo("probe", ["x"])
        found = sorted(answers)
        answers.update({k: k.upper() for k in asked})
        ends.pop()()
        return found

    assert run("ab") == []
    assert run("c") == ["a", "b"]
    assert run("de") == ["a", "b", "c"]
    assert run("fghi") == ["d", "e"]  # five answers: started anew with that run's two
    assert run("") == ["d", "e"]  # a run asking more than the limit kept its answers to itself


def test_the_cache_stays_under_its_size_the_least_recently_used_entries_going_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries of other versions or of an edited checkout are never read again: past MAX_BYTES,
    storing an entry removes the entries least recently written or read, and other
    fingerprints' template folders and record code, never what this run uses."""
    import os

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    monkeypatch.setattr(cache, "MAX_BYTES", 30_000)
    cache.cached("old", [b"1"], lambda: b"x" * 10_000)
    cache.cached("used", [b"1"], lambda: b"y" * 10_000)
    stale = tmp_path / "templates-0123456789abcdef0123456789abcdef"
    stale.mkdir()
    (stale / "bytecode").write_bytes(b"z" * 5_000)
    foreign = tmp_path / "records-000000000000000000000000.marshal"  # another copy's record code
    foreign.write_bytes(b"r" * 3_000)
    os.utime(foreign, (999_999, 999_999))
    (old,) = tmp_path.glob("old-*.pickle")
    (used,) = tmp_path.glob("used-*.pickle")
    for number, entry in enumerate((old, used)):
        os.utime(entry, (1_000_000 + number, 1_000_000 + number))
    assert cache.cached("used", [b"1"], lambda: b"rebuilt") == b"y" * 10_000  # read: marked used
    assert used.stat().st_mtime > old.stat().st_mtime
    assert sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file()) > cache.MAX_BYTES - 10_000
    cache.cached("new", [b"1"], lambda: b"w" * 10_000)
    assert not old.exists() and not stale.exists() and not foreign.exists()
    assert used.exists() and list(tmp_path.glob("new-*.pickle"))
    assert sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file()) <= cache.MAX_BYTES
