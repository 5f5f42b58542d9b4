"""Text rendering of results, progress and warnings. Passwords never appear here: only
the GitHub report touches them, for `::add-mask::` and the outputs file."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TextIO

from ecrtui.core.clock import shown, utc_now
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.github import command
from ecrtui.core.models import LoginResult
from ecrtui.core.sanitize import printable


def expiry_text(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if moment is None:
        return "expiry unknown"
    left = moment - (now or utc_now())
    if left.total_seconds() <= 0:
        return f"expired {shown(moment)}"
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return f"expires {shown(moment)} (in {hours}h{rest // 60:02d}m)"


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


def warn(problem: EcrtuiError, what: str, err: TextIO | None = None) -> None:
    """`ecrtui: warning: WHAT: PROBLEM` on stderr, with its hint: for trouble that does
    not fail the command (the keyring, the record of written hosts)."""
    out = sys.stderr if err is None else err
    out.write(f"ecrtui: warning: {what}: {problem.message}\n")
    if problem.remediation:
        out.write(f"  hint: {problem.remediation}\n")
    out.flush()
