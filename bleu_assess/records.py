"""Start-up: the methods `dataclasses` writes for our records, compiled once and kept.

Python's `dataclasses` writes each record's `__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__`… as source text and compiles it on every import (Python 3.11: one compile per
method). The pipeline's seventy-odd frozen records cost some 30 ms of a hospital-sized `scan`
that way, every run. `install()` gives the `dataclasses` module an `exec` that, for a record of
bleu-assess's pipeline (its module is under `bleu_assess`, not `bleu_assess.cli`), runs the code
object compiled from the very same text on an earlier run, kept in the compiled cache's
directory (bleu_assess.cache):

- the key is the exact source text, so the code run is the code `exec` would have compiled
  (same text, same compiler: a file per Python version and copy of the tool, as marshal requires);
- a text not found is compiled as `exec` does and added to the file when the process ends
  (written atomically; skipped silently when the cache is off or cannot be written);
- everything else (other libraries' dataclasses, the cache turned off by `BLEU_ASSESS_CACHE`)
  goes to the builtin `exec` unchanged; so do the command line's few records (cli/console.py's
  settings), built before a command is known: `--help` and `--version` neither read the file
  nor import the cache.
"""

from __future__ import annotations

import builtins
import os
from typing import Any, TypeVar

T = TypeVar("T")

_PREFIX = "bleu_assess."
_SKIPPED = "bleu_assess.cli"
# A file holding more texts than this (a checkout edited many times) is started anew.
MAX_ENTRIES = 5000

_known: dict[str, Any] | None = None  # text -> code object, read on the first record built
_new: dict[str, Any] = {}  # compiled during this run


def install() -> None:
    """Route `dataclasses`' compiles through the cache (see the module doc). Idempotent."""
    import dataclasses

    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin


def _exec(source: Any, globals: dict[str, Any] | None = None, locals: dict[str, Any] | None = None) -> None:
    module = str(globals.get("__name__", "")) if globals is not None else ""
    if not (isinstance(source, str) and module.startswith(_PREFIX)) or module.startswith(_SKIPPED):
        builtins.exec(source, globals, locals)
        return
    known = _known if _known is not None else _load()
    code = known.get(source)
    if code is None:
        code = _new[source] = compile(source, "<string>", "exec")  # as exec(str) compiles it
        known[source] = code
        if len(_new) == 1:
            import atexit

            atexit.register(_save)
    builtins.exec(code, globals, locals)


def _file() -> Any:
    """The cache file for this Python and this copy of the tool, or None when the cache is off.
    Named by cache's fingerprint (the tool's version, Python's, and each module's path, size and
    modification time): every installed or checked-out copy, every edit, has a file holding just
    its own texts, read whole on every run; one file per version grew with the texts of every
    copy sharing the cache directory (several checkouts, a branch edited), each run reading them all."""
    from bleu_assess import cache

    folder = cache.directory()
    if folder is None:
        return None
    return folder / f"records-{cache.fingerprint().hex()[:24]}.marshal"


def _load() -> dict[str, Any]:
    global _known
    import marshal

    known: dict[str, Any] = {}
    file = _file()
    if file is not None:
        try:
            with open(file, "rb") as stream:
                stored = marshal.loads(stream.read())  # marshal.load reads a file piece by piece: 5x slower
            if isinstance(stored, dict):
                known = stored
        except Exception:  # missing, unreadable, truncated or from another Python: compiled anew
            known = {}
    _known = known
    return known


def _save() -> None:
    """Add this run's new texts to the file (atomically); skipped when it cannot be written."""
    import marshal

    file = _file()
    if file is None or not _new:
        return
    kept = dict(_known or {})
    if len(kept) > MAX_ENTRIES:
        kept = dict(_new)
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as stream:
            marshal.dump(kept, stream)
        os.replace(temporary, file)
    except (OSError, ValueError):
        try:
            temporary.unlink()
        except OSError:
            pass


def quick_init(cls: type[T]) -> type[T]:
    """Gives a frozen slots dataclass an __init__ of the same signature that sets each slot
    through the slot's own descriptor: the generated one goes through object.__setattr__, 2-3x
    slower, and a scan of 10,000 applications makes some 130,000 findings and 26,000 item
    verdicts (decided, then worded), and its model some 80,000 records (applications, flows,
    datasets, hostings). Its source is made from the fields, as dataclasses makes its own;
    apply it above @dataclass."""
    from dataclasses import MISSING, fields

    namespace: dict[str, Any] = {"MISSING": MISSING}
    params, lines = [], []
    for index, f in enumerate(fields(cls)):  # type: ignore[arg-type]
        namespace[f"set{index}"] = cls.__dict__[f.name].__set__
        value = f.name
        if f.default is not MISSING:
            namespace[f"default{index}"] = f.default
            params.append(f"{f.name}=default{index}")
        elif f.default_factory is not MISSING:
            namespace[f"factory{index}"] = f.default_factory
            params.append(f"{f.name}=MISSING")
            value = f"factory{index}() if {f.name} is MISSING else {f.name}"
        else:
            params.append(f.name)
        lines.append(f"    set{index}(self, {value})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines), namespace)
    setattr(cls, "__init__", namespace["__init__"])  # noqa: B010 (mypy refuses assigning a method)
    return cls
