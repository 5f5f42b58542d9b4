"""Checks for the clients that use ecrtui's credentials: the credential helper's last
failure per host (docker and docker-py discard a helper's message, so `docker pull` only
says "no basic auth credentials"), and the known traps of the local runtimes people run on
laptops: Finch's own config file, Rancher Desktop rewriting `credsStore`, a `credsStore:
desktop` left behind without Docker Desktop (colima), and nerdctl's reading of docker's
config. Files are only read."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.models import Category, Check, CheckMaker
from ecrtui.core.errors import WriterError
from ecrtui.core.helper_protocol import bare_host
from ecrtui.core.locations import docker_config_path, finch_config_path, home_dir, state_dir
from ecrtui.core.writers.authfile import OWN_HELPER, credential_store_for
from ecrtui.core.writers.jsonfile import read_json_object

# How much of the log's end is read: the helper rotates it at 1 MiB.
LOG_TAIL_BYTES = 256 * 1024
# `2026-11-30T14:00:00+00:00 pid=12 get host: message` (ecrtui/helper.py Helper.log)
_LOG_LINE = re.compile(r"^(?P<stamp>\S+) pid=\d+ (?P<action>get|store|erase|list) (?P<host>\S+): (?P<message>.*)$")
# Lines that record what went well, not a failure.
_NOT_FAILURES = ("served the cached token",)


def helper_log_path(environ: Mapping[str, str]) -> Path:
    """Where `docker-credential-ecrtui` logs its failures (the same as Helper.log_path)."""
    return state_dir(environ) / "helper.log"


def last_helper_failures(path: Path) -> dict[str, tuple[str, str]]:
    """Per host, the stamp and message of the helper's last logged failure."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - LOG_TAIL_BYTES))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        match = _LOG_LINE.match(line)
        if match is None or match["host"] == "-" or match["message"].startswith(_NOT_FAILURES):
            continue
        found[match["host"]] = (match["stamp"], match["message"][:400])
    return found


def check_helper_log(ctx: DoctorContext, hosts: Iterable[str]) -> list[Check]:
    """Where the helper's log is, and its last failure for each examined host (every
    host of the log when doctor examined none)."""
    make = CheckMaker(None, Category.LOCAL)
    title = "Credential helper log"
    path = helper_log_path(ctx.environ)
    failures = last_helper_failures(path)
    wanted = set(hosts)
    shown = {host: failure for host, failure in failures.items() if not wanted or host in wanted}
    if not shown:
        said = "no failure logged" + (" for the examined hosts" if wanted and failures else "")
        where = f"{path} ({said})" if path.exists() else f"{path} (not written yet: the helper has logged nothing)"
        return [
            make.ok(
                CheckId.LOCAL_HELPER_LOG,
                title,
                f"docker-credential-ecrtui logs why a `get` failed to {where}; docker itself only says "
                "`no basic auth credentials`",
            )
        ]
    return [
        make.warn(
            CheckId.LOCAL_HELPER_LOG,
            title,
            f"the credential helper's last failure for {host} ({stamp}): {message}",
            remediation=f"fix what it says, then retry; every failure is in {path}",
            subject=host,
        )
        for host, (stamp, message) in sorted(shown.items())
    ]


# --- local runtimes ------------------------------------------------------------------------


def _read(path: Path) -> dict[str, object] | None:
    try:
        return read_json_object(path)
    except WriterError:
        return None


def _which(program: str, environ: Mapping[str, str]) -> str | None:
    return shutil.which(program, path=environ.get("PATH"))


def check_local_runtimes(ctx: DoctorContext, hosts: Iterable[str]) -> list[Check]:
    """One check per runtime trap found on this machine; none when no runtime is there."""
    make = CheckMaker(None, Category.LOCAL)
    docker = _DockerConfig(docker_config_path(ctx.environ))
    found = [
        _desktop_leftover(ctx, make, docker),
        _rancher(ctx, make, docker),
        _finch(ctx, make, docker, sorted(set(hosts))),
        _nerdctl(ctx, make, docker),
    ]
    return [check for check in found if check is not None]


class _DockerConfig:
    """docker's config file, as read (empty when it cannot be)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = _read(path) or {}
        self.store = self.data.get("credsStore")


def _desktop_leftover(ctx: DoctorContext, make: CheckMaker, docker: _DockerConfig) -> Check | None:
    """colima (or any engine without Docker Desktop): `credsStore: desktop` left behind."""
    if docker.store != "desktop" or _which("docker-credential-desktop", ctx.environ) is not None:
        return None
    return make.fail(
        CheckId.LOCAL_RUNTIME_DESKTOP_LEFTOVER,
        "Leftover Docker Desktop store",
        f"{docker.path} sets credsStore 'desktop' (left by Docker Desktop) but docker-credential-desktop "
        "is not installed: every login and pull fails with `executable file not found` (colima, OrbStack "
        "and plain engines hit this after Docker Desktop is removed)",
        remediation=f'remove the line `"credsStore": "desktop"` from {docker.path}, then run ecrtui login '
        "(or `ecrtui helper install`)",
    )


def _rancher(ctx: DoctorContext, make: CheckMaker, docker: _DockerConfig) -> Check | None:
    """Rancher Desktop rewrites credsStore to its own helper at every start."""
    rancher = _which("rdctl", ctx.environ) is not None or (home_dir(ctx.environ) / ".rd").is_dir()
    if not rancher or docker.store != OWN_HELPER:
        return None
    return make.warn(
        CheckId.LOCAL_RUNTIME_RANCHER,
        "Rancher Desktop",
        f"{docker.path} has credsStore 'ecrtui', but Rancher Desktop sets credsStore to its own helper "
        "each time it starts, so docker stops asking ecrtui",
        remediation="use per-host credHelpers, which Rancher Desktop keeps: ecrtui helper install",
    )


def _finch(ctx: DoctorContext, make: CheckMaker, docker: _DockerConfig, hosts: list[str]) -> Check | None:
    """Finch reads its own config file, with its own managed credsStore."""
    finch_path = finch_config_path(ctx.environ)
    if _which("finch", ctx.environ) is None and not finch_path.parent.is_dir():
        return None
    finch = _read(finch_path) or {}
    missing = [h for h in hosts if credential_store_for(finch, h) is None and not _holds(finch, h)]
    if not missing:
        return None
    return make.warn(
        CheckId.LOCAL_RUNTIME_FINCH,
        "Finch",
        f"Finch reads {finch_path}, not {docker.path}; it has nothing for {', '.join(missing)}",
        remediation=f"DOCKER_CONFIG={finch_path.parent} ecrtui helper install (credHelpers there; "
        "or DOCKER_CONFIG=... ecrtui login to write tokens)",
    )


def _nerdctl(ctx: DoctorContext, make: CheckMaker, docker: _DockerConfig) -> Check | None:
    """nerdctl/containerd read docker's config: an `https://` key only is fine for them, a
    stale public.ecr.aws entry makes ECR Public pulls fail with 403 instead of anonymous."""
    if _which("nerdctl", ctx.environ) is None:
        return None
    auths = docker.data.get("auths")
    stale = [k for k in auths if bare_host(k) == "public.ecr.aws"] if isinstance(auths, dict) else []
    if not stale or credential_store_for(docker.data, "public.ecr.aws") is not None:
        return None
    return make.warn(
        CheckId.LOCAL_RUNTIME_NERDCTL,
        "nerdctl",
        f"nerdctl reads {docker.path}; its entry for public.ecr.aws ({stale[0]!r}) makes pulls from "
        "ECR Public fail with 403 once the token expires (12 hours), instead of pulling anonymously",
        remediation="nerdctl logout public.ecr.aws, or ecrtui login --registry-type public before pulls",
    )


def _holds(data: Mapping[str, object], host: str) -> bool:
    auths = data.get("auths")
    return isinstance(auths, dict) and any(bare_host(key) == host for key in auths)
