"""Suggesting applications from how machines are organised: VM folders, vApps, a tag (custom
attribute) or a naming pattern. A suggestion is only that: the application is written with the
tag `suggested` and where it came from in `extra.suggested_from`, for the user to confirm."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bleu_assess.intake.said import usage
from bleu_assess.intake.servers import server_id

GROUP_BY = ("folder", "vapp", "tag", "pattern")


@dataclass(frozen=True)
class Grouping:
    """How to group: `by` one of GROUP_BY; `pattern` a regular expression whose first group (or
    group named `app`) is the application in the machine's name; `tag` the column to read."""

    by: str
    pattern: re.Pattern[str] | None = None
    tag: str = "Application"

    @classmethod
    def parse(cls, by: str | None, pattern: str | None, tag: str | None) -> Grouping | None:
        if by is None:
            if pattern:
                raise usage("pattern_without_group_by")
            return None
        if by not in GROUP_BY:
            raise usage("unknown_group_by", hint=True, value=by, options=tuple(GROUP_BY))
        compiled = None
        if by == "pattern":
            if not pattern:
                raise usage("group_by_pattern_without_pattern", hint=True)
            try:
                compiled = re.compile(pattern, re.IGNORECASE)
            except re.error as error:
                raise usage("bad_pattern", error=str(error)) from None
        return cls(by, compiled, tag or "Application")

    def group(self, name: str, folder: str | None, vapp: str | None, tag: str | None) -> tuple[str, str] | None:
        """(application id, where the suggestion came from) for one machine, or None."""
        if self.by == "pattern" and self.pattern is not None:
            found = self.pattern.search(name)
            if not found:
                return None
            value = found.groupdict().get("app") or (found.group(1) if found.groups() else found.group(0))
            source = f"pattern {self.pattern.pattern} on {name}"
        else:
            value = {"folder": _last_folder(folder), "vapp": vapp, "tag": tag}[self.by]
            source = f"{self.by} {value}"
        if not value or not str(value).strip():
            return None
        return server_id(str(value)), source


def _last_folder(path: str | None) -> str | None:
    """The innermost folder of a vCenter path (`/DC1/vm/Finance/Paie` -> `Paie`)."""
    if not path:
        return None
    parts = [p for p in re.split(r"[/\\]", str(path)) if p.strip() and p.strip().lower() not in ("vm", "discovered virtual machine")]
    return parts[-1] if parts else None
