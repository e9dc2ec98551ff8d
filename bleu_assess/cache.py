"""A compiled cache of the shipped data read on every run (rulesets, catalogue, reference values).

Every command reads and checks the same rulesets, catalogue and reference files; parsing and
validating them costs more than assessing a hospital-sized inventory. `cached(kind, parts, build)`
returns `build()`'s value, pickled once in the user's cache directory (platformdirs:
`~/.cache/bleu-assess` on Linux) under a key that is the sha256 of:

- `parts`: the caller's key material, always including the full content (or its sha256)
  of every file the value is built from, read again on every run: an edited file gets a
  new key, and a stale entry is never used;
- bleu-assess's version and a fingerprint (path, size, modification time) of its own modules,
  so an upgrade or an edited checkout builds anew;
- the Python version (pickles are not portable across them).

An entry holds its key and is used only if the key read back matches. Entries of another
version, Python or edited checkout are never read again: the folder is kept under MAX_BYTES,
the entries least recently used removed first when one is stored (`_prune`). Only values that
passed every check are stored: a broken file is checked (and reported) on every run. A
missing, unreadable or corrupt entry is rebuilt; a cache that cannot be written is skipped
silently (read-only home, full disk). The cache directory belongs to the user: whoever can
write there can already run code as that user.

`BLEU_ASSESS_CACHE` relocates the cache (a directory) or turns it off (`off`, `0` or empty).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from bleu_assess import __version__

T = TypeVar("T")
ENV = "BLEU_ASSESS_CACHE"
_OFF = ("", "0", "off", "no", "false")


def directory() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    return _directory(os.environ.get(ENV))


@cache  # asked for each entry a run reads (a dozen): platformdirs answers once per setting
def _directory(setting: str | None) -> Path | None:
    if setting is not None:
        return None if setting.strip().lower() in _OFF else Path(setting)
    from platformdirs import user_cache_path

    return user_cache_path("bleu-assess", appauthor=False)


@cache
def fingerprint() -> bytes:
    """bleu-assess's version, Python's, and the path, size and mtime of each of our modules."""
    package = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0{package}\0".encode())
    folders = [package]
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__" and not entry.name.startswith("."):
                    folders.append(entry.path)
            elif entry.name.endswith(".py"):
                stat = entry.stat()
                h.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return h.digest()


def cached(kind: str, parts: Iterable[bytes | str], build: Callable[[], T]) -> T:
    """`build()`, or the value stored for the same `kind`, `parts` and tool (see the module doc).

    `kind` names the entry's family in its file name (e.g. `ruleset`, `catalogue`); `parts` must
    identify every input of `build` (file contents or their sha256, display names used in the
    value). Exceptions of `build` propagate and nothing is stored."""
    folder = directory()
    if folder is None:
        return build()
    key = _key(kind, parts)
    file = folder / f"{kind}-{key}.pickle"
    found, value = _read(file, key)
    if found:
        return value
    value = build()
    _store(folder, file, key, value)
    return value


def _key(kind: str, parts: Iterable[bytes | str]) -> str:
    h = hashlib.sha256(fingerprint())
    for part in (kind, *parts):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _read(file: Path, key: str) -> tuple[bool, Any]:
    """(True, the value) of the entry in `file` when it holds `key`, else (False, None). An
    entry read is marked used (its modification time: see `_prune`)."""
    try:
        with open(file, "rb") as stream:
            stored_key, value = pickle.load(stream)
        if stored_key == key:
            with contextlib.suppress(OSError):  # a read-only cache is still read
                os.utime(file)
            return True, value
    except Exception:  # missing, unreadable, truncated or from another layout: rebuilt
        pass
    return False, None


# A memo holding more answers than this (years of daily runs, an estate of many distinct
# numbers) is started anew.
MEMO_MAX = 10_000


def memo(kind: str, parts: Iterable[bytes | str]) -> dict[Any, Any]:
    """A dictionary of answers kept from run to run under `kind` and `parts` (as `cached`: the
    key also names this tool and Python): what a run adds to it is written back (atomically)
    when the process ends. For answers a library computes from its arguments alone, such as
    Babel's wording of a date, which cost its import on a run that has them all. A plain
    dictionary, never written, when the cache is off."""
    folder = directory()
    if folder is None:
        return {}
    key = _key(kind, parts)
    file = folder / f"{kind}-{key}.pickle"
    found, value = _read(file, key)
    answers: dict[Any, Any] = value if found and isinstance(value, dict) and len(value) <= MEMO_MAX else {}
    known = len(answers)

    def save() -> None:
        if len(answers) == known:
            return
        # Past MEMO_MAX, the memo starts anew with this run's answers (kept to itself past it too).
        kept = dict(answers) if len(answers) <= MEMO_MAX else dict(list(answers.items())[known:])
        if len(kept) <= MEMO_MAX:
            _store(folder, file, key, kept)

    import atexit

    atexit.register(save)
    return answers


def templates(variant: str = "") -> Any:
    """A Jinja bytecode cache (jinja2.BytecodeCache) for the compiled templates, or None when
    the cache is off. Jinja compiles a template's source to Python on every run (a quarter of
    a hospital report's time); its bytecode is kept in a folder of the cache directory named
    by this tool's fingerprint (the environment's options are in our code) and `variant` (an
    environment that compiles templates differently, e.g. outside Jinja's sandbox, keeps its
    own), and checked by Jinja against the template source's checksum and the Python version,
    so an edited template is compiled anew. A folder that cannot be written is skipped silently."""
    folder = directory()
    if folder is None:
        return None
    import jinja2

    class Skipping(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                with open(self._get_cache_filename(bucket), "rb") as stream:
                    data = stream.read()
            except OSError:  # missing, or a file where the folder should be
                return
            _load_bucket(bucket, data)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                os.makedirs(self.directory, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Skipping(str(folder / f"templates-{fingerprint().hex()[:32]}{variant and '-' + variant}"))


def _load_bucket(bucket: Any, data: bytes) -> None:
    """jinja2.bccache.Bucket.load_bytecode on the file's bytes, unmarshalled whole: marshal.load
    reads a file object piece by piece, ten times slower than marshal.loads (a few ms per
    report). The same checks: Jinja's magic (its format and Python's version), then the
    template's checksum; anything else leaves the bucket empty (the template is compiled)."""
    import io
    import marshal

    from jinja2.bccache import bc_magic

    stream = io.BytesIO(data)
    if stream.read(len(bc_magic)) != bc_magic:
        return
    try:
        if pickle.load(stream) != bucket.checksum:
            return
        bucket.code = marshal.loads(data[stream.tell():])
    except (EOFError, ValueError, TypeError, pickle.UnpicklingError):
        bucket.reset()


def _store(folder: Path, file: Path, key: str, value: object) -> None:
    """Write one entry atomically (a temporary file renamed); skipped when it cannot be written."""
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as stream:
            pickle.dump((key, value), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, file)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        try:
            temporary.unlink()
        except OSError:
            pass
        return
    _prune(folder, file)


# The cache folder's size past which its least recently used entries are removed (a run reads
# some 2 MB of entries; each version, Python or edit of a checkout has its own).
MAX_BYTES = 64 * 1024 * 1024


def _prune(folder: Path, stored: Path) -> None:
    """Remove the least recently used entries of `folder` (by modification time: written, or
    read by `_read`) until they take no more than MAX_BYTES: its files (pickled entries, other
    fingerprints' compiled record code: records.py) and other fingerprints' Jinja bytecode
    folders (`templates`). Never `stored`, the entry just written, nor what bears this tool's
    fingerprint (read without being marked). Entries another process removes first, or that
    cannot be removed, are passed over."""
    own = fingerprint().hex()[:24]
    entries: list[tuple[int, int, str]] = []  # (modification time in ns, size in bytes, path): removable
    total = 0
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue  # another process's file being written
                if entry.is_file(follow_symlinks=False):
                    status = entry.stat(follow_symlinks=False)
                    size, mtime = status.st_size, status.st_mtime_ns
                elif entry.name.startswith("templates-") and entry.is_dir(follow_symlinks=False):
                    size = sum(f.stat().st_size for f in os.scandir(entry.path) if f.is_file(follow_symlinks=False))
                    mtime = 0  # another fingerprint's (below): never read again
                else:
                    continue
                total += size
                if own not in entry.name and entry.path != str(stored):
                    entries.append((mtime, size, entry.path))
    except OSError:
        return
    excess = total - MAX_BYTES
    for _, size, path in sorted(entries):
        if excess <= 0:
            break
        try:
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:
            continue
        excess -= size
