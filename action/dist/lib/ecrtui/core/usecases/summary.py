"""The one-line tally after a batch: `7 logged in, 1 failed`."""

from __future__ import annotations

from collections.abc import Sequence

from ecrtui.core.models import LoginResult


def tally_text(done: int, failed: int, *, done_word: str = "logged in", zeros: bool = True) -> str:
    """`7 logged in, 1 failed`. With `zeros` False a count of nothing is left out (the
    done count stays when nothing failed, so the text is never empty)."""
    if zeros:
        return f"{done} {done_word}, {failed} failed"
    parts = [f"{done} {done_word}"] if done or not failed else []
    if failed:
        parts.append(f"{failed} failed")
    return ", ".join(parts)


def login_summary(results: Sequence[LoginResult], *, zeros: bool = True) -> str:
    failed = sum(1 for result in results if not result.ok)
    return tally_text(len(results) - failed, failed, zeros=zeros)
