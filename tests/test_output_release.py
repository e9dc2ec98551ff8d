"""A large output written in chunks gives the page cache back as it grows (output._write_chunks)
and is the same file, byte for byte, as one written at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bleu_assess import output


def _chunks() -> list[bytes]:
    return [bytes([i % 251]) * (1000 + i) for i in range(200)]


def test_a_file_written_in_chunks_releasing_its_pages_holds_every_chunk(monkeypatch: Any, tmp_path: Path) -> None:
    advised: list[tuple[int, int]] = []
    real = getattr(os, "posix_fadvise", None)

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        advised.append((offset, length))
        if real is not None:
            real(fd, offset, length, advice)

    monkeypatch.setattr(output, "RELEASE_EVERY", 10_000)
    monkeypatch.setattr(os, "posix_fadvise", advise, raising=False)
    monkeypatch.setattr(os, "POSIX_FADV_DONTNEED", getattr(os, "POSIX_FADV_DONTNEED", 4), raising=False)
    target = tmp_path / "large.json"
    output.write_atomic(target, iter(_chunks()))
    assert target.read_bytes() == b"".join(_chunks())
    # Each call covers what the previous one left (its pages then written back) and what is new.
    assert len(advised) > 5
    for (offset, length), (later, _) in zip(advised, advised[1:]):
        assert offset <= later < offset + length
    assert advised[0][0] == 0


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="Linux only")
def test_without_the_advice_the_file_is_the_same(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.delattr(os, "posix_fadvise")
    monkeypatch.setattr(output, "RELEASE_EVERY", 10_000)
    target = tmp_path / "large.json"
    output.write_atomic(target, iter(_chunks()))
    assert target.read_bytes() == b"".join(_chunks())
