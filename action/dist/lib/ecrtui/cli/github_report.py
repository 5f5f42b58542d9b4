"""GitHub mode's report of a login: masks, outputs, the post step's state and the log
lines, exactly as the upstream Action sets them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from ecrtui.cli.render import expiry_text, render_failures
from ecrtui.core.github import (
    STATE_LEASE,
    STATE_REGISTRIES,
    STATE_WRITERS,
    append_file_commands,
    command,
    credential_outputs,
)
from ecrtui.core.models import LoginResult

UNMASKED_WARNING = (
    "Your docker password is not masked. "
    "See https://github.com/aws-actions/amazon-ecr-login#docker-credentials for more information."
)
NO_OUTPUT_FILE = "GITHUB_OUTPUT is not set: the registry and docker_* outputs were not written"


def _outputs(results: Sequence[LoginResult], mask: bool, out: TextIO) -> list[tuple[str, str]]:
    """The step's outputs; each password masked first (unless asked not to)."""
    outputs: list[tuple[str, str]] = []
    if len(results) == 1 and results[0].host:
        outputs.append(("registry", results[0].host))
    for result in results:
        if not result.ok or result.token is None:
            continue
        if mask:
            out.write(command("add-mask", result.token.password) + "\n")
        outputs += credential_outputs(result.token.host, result.token.username, result.token.password)
    if not mask and any(r.ok for r in results):
        out.write(command("warning", UNMASKED_WARNING) + "\n")
    return outputs


def _state(results: Sequence[LoginResult], lease: str | None) -> list[tuple[str, str]]:
    """What the post step's logout reads: the hosts, their writers and the job's lease."""
    logged_in = [r.host for r in results if r.ok and r.host]
    if not logged_in:
        return []
    writers = sorted({w for r in results if r.ok for w in r.writers})
    state = [(STATE_REGISTRIES, ",".join(logged_in)), (STATE_WRITERS, ",".join(writers))]
    if lease is not None:
        state.append((STATE_LEASE, lease))
    return state


def github_report(
    results: Sequence[LoginResult],
    environ: Mapping[str, str],
    out: TextIO,
    *,
    mask: bool,
    skip_logout: bool,
    lease: str | None = None,
) -> None:
    outputs = _outputs(results, mask, out)
    out.flush()
    if not append_file_commands(environ.get("GITHUB_OUTPUT"), "GITHUB_OUTPUT", outputs):
        out.write(command("warning", NO_OUTPUT_FILE) + "\n")
    if not skip_logout:
        append_file_commands(environ.get("GITHUB_STATE"), "GITHUB_STATE", _state(results, lease))
    for result in results:
        if result.ok:
            out.write(f"Logged in to {result.host} ({expiry_text(result.expires_at)})\n")
    render_failures(results, out, github=True)
