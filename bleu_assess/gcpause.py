"""The cycle collector, paused while a stage builds millions of acyclic records.

A scan of 10,000 applications allocates millions of tuples, dicts and frozen records; with the
collector on, each of them is traversed several times by collections that can free nothing
(our records hold no reference cycles), which costs as much as the work itself. `paused()` turns
it off for one stage. When the stage allocated a great many objects, what is alive afterwards
is moved to the permanent generation (`gc.freeze`), so that later stages do not traverse it
again either: reference counting still frees it as usual, only a reference cycle would outlive
its use, and these records have none. Small runs (tests, notebooks) are left as they were.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Containers allocated during a stage above which the survivors are frozen.
FREEZE_ABOVE = 100_000


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > FREEZE_ABOVE:
                gc.freeze()
            gc.enable()
