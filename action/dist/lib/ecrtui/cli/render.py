"""Rendering of results as text, JSON or GitHub workflow commands. Passwords never
appear here: only the GitHub renderer touches them, for `::add-mask::` and the outputs
file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, TextIO

from ecrtui.core.github import command
from ecrtui.core.models import LoginResult
from ecrtui.core.sanitize import printable

JSON_VERSION = 1


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def expiry_text(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if moment is None:
        return "expiry unknown"
    now = now or dt.datetime.now(dt.timezone.utc)
    left = moment - now
    stamp = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if left.total_seconds() <= 0:
        return f"expired {stamp}"
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return f"expires {stamp} (in {hours}h{rest // 60:02d}m)"


def result_record(result: LoginResult) -> dict[str, Any]:
    """The JSON contract of one result (DESIGN.md); pinned by a test."""
    registry = result.registry
    return {
        "target": registry.target,
        "profile": registry.profile,
        "registry": result.host or registry.label,
        "type": registry.type.value,
        "account": result.account_id,
        "region": registry.region,
        "status": result.status.value,
        "expires_at": iso(result.expires_at),
        "writers": list(result.writers),
        "error": result.error if result.remediation is None else f"{result.error} ({result.remediation})",
    }


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    rows = [[printable(cell) for cell in row] for row in rows]  # hosts from the keyring, answers: data
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip() for row in rows
    ]


def render_text(results: Sequence[LoginResult], out: TextIO) -> None:
    if not results:
        return
    rows = [("STATUS", "REGISTRY", "TARGET", "DETAIL")]
    for result in results:
        detail = expiry_text(result.expires_at) if result.ok else (result.error or "failed")
        rows.append((result.status.value, result.host or result.registry.label, result.registry.target, detail))
    out.write("\n".join(table(rows)) + "\n")


def render_json(results: Sequence[LoginResult], out: TextIO) -> None:
    json.dump({"version": JSON_VERSION, "results": [result_record(r) for r in results]}, out, indent=2)
    out.write("\n")


def render_failures(results: Sequence[LoginResult], err: TextIO, *, github: bool) -> None:
    for result in results:
        if result.ok:
            continue
        label = result.host or result.registry.label
        if github:
            text = f"Could not login to registry {label}: {result.error}"
            err.write(command("error", text + (f" ({result.remediation})" if result.remediation else "")) + "\n")
        else:
            err.write(f"error: {label}: {result.error}\n")
            if result.remediation:
                err.write(f"  hint: {result.remediation}\n")


def summary(results: Sequence[LoginResult]) -> str:
    failed = sum(1 for r in results if not r.ok)
    return f"{len(results) - failed} logged in, {failed} failed"
