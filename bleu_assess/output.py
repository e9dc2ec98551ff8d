"""Writing results: atomically (temporary file in the same directory, then rename), never over
an input file, never half-way."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from bleu_assess.errors import option_error

# Every file or directory read in this process (inventories, rulesets, templates): never a target.
_INPUTS: set[str] = set()


def register_input(path: str | os.PathLike[str]) -> None:
    """Remember an input, so that no output of this process is ever written over it."""
    _INPUTS.add(os.fspath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_target(target: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Refuse to write over an input (or into an input directory)."""
    path = Path(target)
    for source in [*inputs, *sorted(_INPUTS)]:
        src = Path(source)
        if _same_file(path, src) or (src.is_dir() and path.resolve().is_relative_to(src.resolve())):
            raise option_error("output_is_input", path=str(path))
    if path.is_dir():
        raise option_error("output_is_directory", with_hint=False, path=str(path))
    if not path.parent.exists():
        raise option_error("output_no_directory", with_hint=False, path=str(path), directory=str(path.parent))
    return path


# Text generated while it is written (a streamed report, scan's JSON): chunks of str, encoded
# as UTF-8, or of UTF-8 already.
Chunks = Iterator[str] | Iterator[bytes]


def write_atomic(target: str | os.PathLike[str], content: str | bytes | bytearray | Chunks,
                 inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write `content` to `target` in one step: an interruption, or an error while chunks are
    generated, leaves the old file intact."""
    path = check_target(target, inputs)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with _terminate_as_interrupt():
        _write(path, data)
    return path


def rewrite_input(target: str | os.PathLike[str], content: str) -> Path:
    """Rewrite an input file in place, atomically: for commands whose purpose is to edit the
    inventory they read (`qualify`, imports with `--in-place`). An interruption leaves the old
    file intact."""
    path = Path(target)
    with _terminate_as_interrupt():
        _write(path, content.encode("utf-8"))
    return path


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a file is written, SIGTERM (kill) and SIGHUP (terminal closed) clean up like Ctrl-C.
    (SIGKILL cannot be caught: the temporary file may stay, the target is intact all the same.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    saved = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _write(path: Path, data: bytes | bytearray | Chunks) -> None:
    import tempfile  # only when a file is written (most runs write to standard output)

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, (bytes, bytearray)):
                handle.write(data)
            else:
                _write_chunks(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        # Ctrl-C or any error: no partial file, the previous version stays as it was.
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# Bytes written between two calls to _release: a large output (a scan of 100,000 applications
# is 1.1 GB of JSON) then holds some 64 MiB of the page cache at a time, not all of it.
RELEASE_EVERY = 32 << 20


def _write_chunks(handle: BinaryIO, chunks: Chunks) -> None:
    """Write `chunks` to `handle`, giving back the page cache as the file grows (Linux): each
    RELEASE_EVERY bytes, POSIX_FADV_DONTNEED on what was written asks the kernel to start
    writing the newest part to disk and drops the pages of the part written before, whose
    writeback the previous call started. Without it, a 1.1 GB file fills 1.1 GB of fresh memory
    before the final fsync, which on a virtual machine cost three to four times as much system
    time as the writing itself (benchmarks/after.txt, session 12); with it, the final fsync finds
    the file almost written."""
    advise = getattr(os, "posix_fadvise", None)
    fileno = handle.fileno()
    written = marked = released = 0
    for chunk in chunks:
        written += handle.write(_utf8(chunk))
        if advise is not None and written - marked >= RELEASE_EVERY:
            handle.flush()
            advise(fileno, released, written - released, os.POSIX_FADV_DONTNEED)
            released, marked = marked, written


def _utf8(chunk: str | bytes) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def emit(content: str | bytes | bytearray | Chunks, output: str | None,
         inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """To `output` atomically, or to standard output when no file (or '-') is given."""
    if output and output != "-":
        write_atomic(output, content, inputs)
        return
    if isinstance(content, (bytes, bytearray)):
        sys.stdout.buffer.write(content)
    elif isinstance(content, str):
        sys.stdout.write(content)
    else:  # whole, as a file is: an error while generating prints nothing half-way
        whole = bytearray()  # UTF-8, a third of the memory of one string
        for chunk in content:
            whole += _utf8(chunk)
        sys.stdout.flush()
        sys.stdout.buffer.write(whole)
    sys.stdout.flush()
