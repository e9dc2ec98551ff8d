"""The support status of an operating system on a date, from `rulesets/os-lifecycle.yaml`.

Source: each vendor's published lifecycle (the entry's `source`); how sure each date is, in the
entry's `evidence` (carried into the server's `extra.os_lifecycle`).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any


@cache
def _systems() -> tuple[tuple[re.Pattern[str], dict[str, Any]], ...]:
    import yaml

    from bleu_assess.resources import rulesets_dir

    with (rulesets_dir() / "os-lifecycle.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return tuple((re.compile(entry["match"], re.IGNORECASE), entry) for entry in data["systems"])


def support(os_name: str | None, as_of: date) -> tuple[str, dict[str, Any] | None]:
    """(`supported` | `out-of-support` | `unknown`, the lifecycle facts used or None).
    An OS the table does not know is `unknown`, never assumed supported."""
    if not os_name:
        return "unknown", None
    for pattern, entry in _systems():
        if pattern.search(os_name):
            end = entry["end"]
            facts = {"name": entry["name"], "end_of_support": end.isoformat(), "evidence": entry["evidence"],
                     "source": entry["source"], "as_of": as_of.isoformat()}
            return ("out-of-support" if as_of > end else "supported"), facts
    return "unknown", None
