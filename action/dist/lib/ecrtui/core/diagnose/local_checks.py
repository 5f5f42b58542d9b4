"""Local checks of this machine: docker's config file and its `credsStore`, expired
`public.ecr.aws` entries that break anonymous pulls, and which keyring backend the token
cache would use. The checks per host of a target are in `host_checks`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

from ecrtui.core.cache.backends import chosen_backend
from ecrtui.core.deadline import DeadlinePassed, within
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.credentials_files import CredentialsFile, docker_config_file
from ecrtui.core.diagnose.host_checks import public_entry_checks
from ecrtui.core.diagnose.models import Category, Check, CheckMaker

KEYRING_DEADLINE_SECONDS = 2.0


def check_machine(
    ctx: DoctorContext, examined_hosts: set[str], uses_keyring: bool, keyring: Callable[[], Any] | None
) -> list[Check]:
    make = CheckMaker(None, Category.LOCAL)
    docker = docker_config_file(ctx)
    checks = [_docker_config_check(ctx, make, docker), *public_entry_checks(ctx, make, docker, examined_hosts)]
    checks.append(_keyring_check(make, uses_keyring, keyring or (lambda: chosen_backend(ctx.environ))))
    return checks


def _docker_config_check(ctx: DoctorContext, make: CheckMaker, docker: CredentialsFile) -> Check:
    title = "Docker config"
    if docker.error:
        return make.fail(
            CheckId.LOCAL_DOCKER_CONFIG, title, docker.error, remediation="fix or move the file, then log in again"
        )
    if docker.data is None:
        return make.ok(CheckId.LOCAL_DOCKER_CONFIG, title, f"{docker.path} does not exist: docker holds no credentials")
    store = docker.data.get("credsStore")
    if isinstance(store, str) and store:
        program = f"docker-credential-{store}"
        if shutil.which(program, path=ctx.environ.get("PATH")) is None:
            return make.fail(
                CheckId.LOCAL_DOCKER_CONFIG,
                title,
                f"{docker.path} sets credsStore {store!r}, but {program} is not on PATH: docker login and pulls of "
                "every registry without its own credHelpers entry fail",
                remediation=f"install {program}, or remove credsStore from {docker.path}",
            )
    entries = len(docker.auths)
    helpers = docker.data.get("credHelpers")
    helper_count = len(helpers) if isinstance(helpers, dict) else 0
    return make.ok(
        CheckId.LOCAL_DOCKER_CONFIG,
        title,
        f"{docker.path}: {entries} auths entries, credsStore {store or 'unset'}, {helper_count} credHelpers",
    )


def _keyring_check(make: CheckMaker, uses_keyring: bool, detect: Callable[[], Any]) -> Check:
    title = "Keyring backend"
    if not uses_keyring:
        return make.skip(CheckId.LOCAL_KEYRING, title, "the token cache is off (cache: none in the profiles file)")
    try:
        backend = within(detect, KEYRING_DEADLINE_SECONDS, name="ecrtui-doctor-keyring")
    except DeadlinePassed:
        return make.warn(
            CheckId.LOCAL_KEYRING,
            title,
            f"the keyring did not answer within {KEYRING_DEADLINE_SECONDS:g} s (a locked keychain, or a D-Bus "
            "service that does not answer): ecrtui runs with the token cache off",
            remediation="unlock the keyring, or set cache: none in the profiles file",
        )
    except Exception as error:  # a broken backend is a finding
        return make.warn(
            CheckId.LOCAL_KEYRING, title, f"the keyring cannot be used: {error}", remediation="set cache: none"
        )
    return _backend_verdict(make, backend)


def _backend_verdict(make: CheckMaker, backend: Any) -> Check:
    title = "Keyring backend"
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
        return make.warn(
            CheckId.LOCAL_KEYRING,
            title,
            f"no usable keyring backend ({name}): the token cache is off; logins still work, each one asks AWS",
            remediation=(
                "install and unlock a Secret Service (gnome-keyring, KWallet), or set cache: none to silence this"
            ),
        )
    if name.startswith("keyrings.alt.file.") or "Plaintext" in name:
        where = getattr(backend, "file_path", "a file")
        return make.warn(
            CheckId.LOCAL_KEYRING,
            title,
            f"{name} keeps cached tokens unencrypted in {where}",
            remediation="use the desktop's keyring (Secret Service, Keychain, Credential Manager), or cache: none",
        )
    if "Windows" in name or "WinVault" in name:
        return make.ok(
            CheckId.LOCAL_KEYRING,
            title,
            f"{name}: Windows Credential Manager holds ~1,280 characters per item; ecrtui splits longer tokens",
        )
    return make.ok(CheckId.LOCAL_KEYRING, title, f"{name} (priority {getattr(backend, 'priority', '?')})")
