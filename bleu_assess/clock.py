"""The one clock of the tool: SOURCE_DATE_EPOCH when set (reproducible builds,
https://reproducible-builds.org/specs/source-date-epoch/), else now, in UTC."""

from __future__ import annotations

import datetime
import os


def reference_moment() -> datetime.datetime:
    """SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set to a whole number, else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    return datetime.datetime.now(datetime.UTC)


def assessment_date() -> str:
    """The default assessment date (`--as-of`): the reference moment's date, YYYY-MM-DD."""
    return reference_moment().date().isoformat()
