"""The one UTC clock and the few ways ecrtui writes and reads a moment.

Everything ecrtui stores or compares is an aware UTC datetime; naive values from files or
AWS answers are taken as UTC, never as local time.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """The same moment in UTC; a naive value is read as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_iso(value: object) -> dt.datetime | None:
    """An ISO 8601 moment (`Z`, `+00:00` or a `UTC` suffix), or None if `value` is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("UTC", "+00:00")
    try:
        return as_utc(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


def iso_z(moment: dt.datetime | None) -> str | None:
    """`2026-11-30T16:45:00Z`: the form JSON output uses."""
    return as_utc(moment).isoformat().replace("+00:00", "Z") if moment else None


def shown(moment: dt.datetime) -> str:
    """`2026-11-30 16:45 UTC`: the form people read."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")
