"""Local-state checks: what the credentials files hold for each host of a target (a
plaintext `auths` entry, a `credsStore` or `credHelpers` helper and whether its binary is
on PATH), whether a stored entry still opens the registry (its `/v2/` is probed with it),
stale `https://` duplicates, an expired `public.ecr.aws` entry that breaks anonymous
pulls, and which keyring backend the token cache would use.

Files are only read, never changed, and what a credential helper holds is not fetched:
asking a keychain can open a password prompt.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from ecrtui.core.cache.backends import chosen_backend
from ecrtui.core.deadline import DeadlinePassed, within
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.models import Category, Check, CheckBuilder
from ecrtui.core.diagnose.probe import ProbeRequest, ProbeResult
from ecrtui.core.errors import WriterError
from ecrtui.core.helper_protocol import bare_host
from ecrtui.core.proxy import proxy_for, redact
from ecrtui.core.registry import PUBLIC_HOSTS
from ecrtui.core.tokens import password_expiry
from ecrtui.core.writers import make_writers
from ecrtui.core.writers.authfile import OWN_HELPER, decode_auth, docker_config_path, helper_for
from ecrtui.core.writers.jsonfile import read_json_object

KEYRING_DEADLINE_SECONDS = 2.0


@dataclass(frozen=True)
class CredentialsFile:
    """One docker-format credentials file (docker, podman or helm), as read."""

    label: str  # "docker config", "podman auth.json", ...
    path: Path
    data: dict[str, Any] | None  # None: the file does not exist
    error: str = ""  # set when the file cannot be used

    @property
    def auths(self) -> dict[str, Any]:
        auths = (self.data or {}).get("auths")
        return auths if isinstance(auths, dict) else {}

    def keys_for(self, host: str) -> list[str]:
        """Every key docker reads as `host`, the one it uses first."""
        keys = [key for key in self.auths if bare_host(key) == host]
        return sorted(keys, key=lambda key: key != host)


def read_credentials_file(label: str, path: Path) -> CredentialsFile:
    try:
        return CredentialsFile(label, path, read_json_object(path))
    except WriterError as error:
        return CredentialsFile(label, path, None, error=error.message)


def is_loopback(host: str) -> bool:
    """Whether `host` (with an optional port) is this machine: decided by every address the
    name resolves to, never by how the name starts (`localhost.evil.test`)."""
    import ipaddress
    import socket

    try:
        name = urlsplit(f"//{host}").hostname or ""
        addresses = {info[4][0] for info in socket.getaddrinfo(name, None)} if name else set()
        return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)
    except (OSError, UnicodeError, ValueError):
        return False


def _same_authority(url: str, host: str) -> bool:
    """Whether `url` is on the registry `host` itself (same name, same port)."""
    parts, registry = urlsplit(url), urlsplit(f"//{host}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname == registry.hostname and port in ({registry.port} if registry.port else {443, 80})
    except ValueError:
        return False


def probe_login(ctx: DoctorContext, host: str, username: str, password: str) -> ProbeResult:
    """Try the credentials as docker would: `/v2/` with Basic auth (ECR private, a plain
    registry); where the registry answers with a Bearer challenge (ECR Public, Docker
    Hub), its token endpoint with Basic auth. Loopback registries may be plain HTTP, as
    docker allows for 127.0.0.0/8."""
    basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")

    def get(url: str) -> ProbeResult:
        proxy = proxy_for(url, None, ctx.environ)
        return ctx.probe(ProbeRequest(url=url, headers={"Authorization": basic}, proxy=proxy, timeout=ctx.timeout))

    result = get(f"https://{host}/v2/")
    # Resolved only where it decides something: a name lookup is itself traffic.
    if not result.answered and result.error_kind in ("tls", "connect") and is_loopback(host):
        result = get(f"http://{host}/v2/")
    challenge = {k.lower(): v for k, v in result.headers.items()}.get("www-authenticate", "")
    if result.status == 401 and challenge.lower().startswith("bearer "):
        fields = dict(part.strip().split("=", 1) for part in challenge[7:].split(",") if "=" in part)
        realm = fields.get("realm", "").strip('"')
        if realm.startswith(("https://", "http://")):
            # The password goes to the registry itself only, and in the clear only on loopback.
            trusted = _same_authority(realm, host) and (realm.startswith("https://") or is_loopback(host))
            if not trusted:
                return ProbeResult(
                    realm,
                    None,
                    result.elapsed,
                    error_kind="untrusted",
                    error=f"not tried: the registry sends logins to {redact(realm.split('?')[0])!r}, not to "
                    f"https://{host} itself, and ecrtui sends no password elsewhere",
                )
            service = fields.get("service", "").strip('"')
            return get(f"{realm}?{urlencode({'service': service, 'account': username})}")
    return result


# --- per target: the hosts' entries --------------------------------------------------------------


_LABELS = {"docker": "docker config", "podman": "podman auth.json", "helm": "helm registry config"}


def target_files(ctx: DoctorContext, writer_names: tuple[str, ...]) -> list[CredentialsFile]:
    """The credentials files of the target's writers (docker when it has none), each read
    once per run."""

    def read(name: str, path: Path) -> CredentialsFile:
        return ctx.memo.get(("file", name), lambda: read_credentials_file(_LABELS[name], path))

    return [read(writer.name, writer.path) for writer in make_writers(writer_names or ("docker",), ctx.environ)]


def check_hosts(
    ctx: DoctorContext, target_name: str, hosts: list[str], files: list[CredentialsFile], login_hint: str
) -> list[Check]:
    check = CheckBuilder(target_name, Category.LOCAL)
    checks: list[Check] = []
    for file in files:
        if file.error:
            checks.append(check.skip("local.credentials", "Stored credentials", f"{file.label}: {file.error}"))
            continue
        for host in hosts:
            checks.extend(_host_checks(ctx, check, file, host, login_hint))
    return checks


def _host_checks(
    ctx: DoctorContext, check: CheckBuilder, file: CredentialsFile, host: str, login_hint: str
) -> list[Check]:
    title = "Stored credentials"
    where = f"{file.label} {file.path}"
    data = file.data or {}
    keys = file.keys_for(host)
    helper = helper_for(data, host)
    checks: list[Check] = []
    if helper is not None:
        checks.append(_helper_check(ctx, check, file, host, helper, keys))
    elif not keys:
        if host in PUBLIC_HOSTS:
            checks.append(
                check.ok(
                    "local.credentials",
                    title,
                    f"nothing stored for {host} in {where}: anonymous pulls work",
                    subject=host,
                )
            )
        else:
            checks.append(
                check.warn(
                    "local.credentials",
                    title,
                    f"nothing stored for {host} in {where}: docker is not logged in there",
                    remediation=f"run: {login_hint}",
                    subject=host,
                )
            )
    else:
        checks.append(_entry_check(ctx, check, file, host, keys[0], login_hint))
    for stale in keys[1:]:
        checks.append(_duplicate_check(ctx, check, file, host, keys[0], stale))
    return checks


def _helper_check(
    ctx: DoctorContext, check: CheckBuilder, file: CredentialsFile, host: str, helper: str, keys: list[str]
) -> Check:
    title = "Credential helper"
    helpers = (file.data or {}).get("credHelpers")
    origin = "credHelpers" if isinstance(helpers, dict) and helpers.get(host) else "credsStore"
    program = f"docker-credential-{helper}"
    found = shutil.which(program, path=ctx.environ.get("PATH"))
    if found is None:
        return check.fail(
            "local.helper",
            title,
            f"{file.label} names the helper {helper!r} for {host} ({origin}), but {program} is not on PATH: "
            "docker fails with `executable file not found` on every pull and push there",
            remediation=f"install {program}, or remove it from {origin} in {file.path}",
            subject=host,
        )
    leftover = any(isinstance(file.auths.get(k), dict) and file.auths[k].get("auth") for k in keys)
    said = f"{host}: docker asks {found} ({origin})"
    if helper == OWN_HELPER:
        said += ", which serves ecrtui's keyring cache"
    if helper == "wincred":
        return check.warn(
            "local.helper",
            title,
            f"{said}: Windows Credential Manager refuses passwords over ~2.5 KB (`The stub received bad data`), "
            "and ECR tokens of SSO sessions reach 3 KB+",
            remediation=f"point credHelpers[{host!r}] at ecrtui (`ecrtui helper install`), which splits long tokens",
            subject=host,
        )
    if leftover:
        return check.warn(
            "local.helper",
            title,
            f"{said}; a plaintext password for it also sits in {file.path}, unused while the helper is set",
            remediation=f"remove the `auth` of {host} from {file.path}",
            subject=host,
        )
    return check.ok(
        "local.helper", title, f"{said} (what it holds is not read: that could open a keychain prompt)", subject=host
    )


def _entry_check(
    ctx: DoctorContext, check: CheckBuilder, file: CredentialsFile, host: str, key: str, login_hint: str
) -> Check:
    title = "Stored credentials"
    entry = file.auths.get(key)
    shown = f"{file.label}: auths[{key!r}]"
    if not isinstance(entry, dict) or not entry:
        return check.warn(
            "local.credentials",
            title,
            f"{shown} is an empty placeholder (left by a credential store), and no helper is set: "
            f"docker has no credentials for {host}",
            remediation=f"run: {login_hint}",
            subject=host,
        )
    if "auth" not in entry:
        kind = "an identity token" if "identitytoken" in entry else f"keys {sorted(entry)}"
        return check.ok("local.credentials", title, f"{shown} holds {kind}, not probed", subject=host)
    decoded = decode_auth(str(entry["auth"]))
    if decoded is None:
        return check.fail(
            "local.credentials",
            title,
            f"{shown} is not base64 of user:password: docker cannot use it",
            remediation=f"remove it and run: {login_hint}",
            subject=host,
        )
    return _verdict(ctx, check, host, shown, decoded, login_hint, id="local.credentials", title=title)


def _verdict(
    ctx: DoctorContext,
    check: CheckBuilder,
    host: str,
    shown: str,
    decoded: tuple[str, str],
    login_hint: str,
    *,
    id: str,
    title: str,
) -> Check:
    username, password = decoded
    expiry = password_expiry(password)
    public = host in PUBLIC_HOSTS
    breaks = (
        f"; docker sends it with every pull from {host}, even of public images, which then fail "
        "(`denied: Your authorization token has expired`)"
        if public
        else "; docker then says `Your authorization token has expired`"
    )
    fix = f"run: {login_hint}" + (f", or `docker logout {host}` for anonymous pulls" if public else "")
    if expiry is not None and expiry <= ctx.clock():
        stamp = expiry.strftime("%Y-%m-%d %H:%M UTC")
        return check.fail(
            id, title, f"{shown} holds a token that expired at {stamp}{breaks}", remediation=fix, subject=host
        )
    result = probe_login(ctx, host, username, password)
    if result.status is not None and 200 <= result.status < 300:
        until = f", valid until {expiry.strftime('%Y-%m-%d %H:%M UTC')}" if expiry else ""
        return check.ok(
            id, title, f"{shown} works: the registry accepted it ({result.describe()}){until}", subject=host
        )
    if result.status in (401, 403):
        return check.fail(
            id,
            title,
            f"{shown} no longer works: the registry refused it ({result.describe()}): an ECR token lasts "
            f"12 hours{breaks}; or the password is wrong",
            remediation=fix,
            subject=host,
        )
    if result.status == 400:
        return check.fail(
            id,
            title,
            f"{shown} is refused with HTTP 400 Bad Request: an ECR token works only in the region it was issued "
            "for, and this one is likely from another region",
            remediation=f"log in to {host}'s own region: {login_hint}",
            subject=host,
        )
    return check.warn(
        id,
        title,
        f"{shown} could not be tried: {result.describe() if result.answered else result.error}",
        remediation="check the network path to the registry (docker uses its own proxy settings)",
        subject=host,
    )


def _duplicate_check(
    ctx: DoctorContext, check: CheckBuilder, file: CredentialsFile, host: str, used: str, stale: str
) -> Check:
    entry = file.auths.get(stale)
    state = ""
    if isinstance(entry, dict) and entry.get("auth"):
        decoded = decode_auth(str(entry["auth"]))
        if decoded is not None:
            result = probe_login(ctx, host, *decoded)
            if result.status is not None and 200 <= result.status < 300:
                state = " Its credentials still work."
            elif result.status in (401, 403):
                state = f" Its credentials are refused ({result.describe()})."
    return check.warn(
        "local.duplicate",
        "Stale duplicate entry",
        f"{file.label} has both {used!r} and {stale!r} for {host}: docker reads {used!r}, and "
        f"`docker logout {host}` removes only that key, after which docker falls back to {stale!r}.{state}",
        remediation=f"remove the key {stale!r} from {file.path} (the next `ecrtui login` does that)",
        subject=host,
    )


# --- this machine -------------------------------------------------------------------------------


def check_machine(
    ctx: DoctorContext, examined_hosts: set[str], cache_mode: str, keyring: Callable[[], Any] | None
) -> list[Check]:
    check = CheckBuilder(None, Category.LOCAL)
    docker = ctx.memo.get(
        ("file", "docker"), lambda: read_credentials_file(_LABELS["docker"], docker_config_path(ctx.environ))
    )
    checks = [_docker_config_check(ctx, check, docker)]
    if docker.data is not None and not docker.error:
        for host in PUBLIC_HOSTS:
            keys = docker.keys_for(host)
            if host in examined_hosts or not keys or helper_for(docker.data, host) is not None:
                continue  # a public target's own checks said it already
            entry = docker.auths.get(keys[0])
            decoded = decode_auth(str(entry.get("auth", ""))) if isinstance(entry, dict) else None
            if decoded is not None:
                checks.append(
                    _verdict(
                        ctx,
                        check,
                        host,
                        f"docker config: auths[{keys[0]!r}]",
                        decoded,
                        "ecrtui login --registry-type public",
                        id="local.public-entry",
                        title="ECR Public entry",
                    )
                )
    checks.append(_keyring_check(check, cache_mode, keyring or (lambda: chosen_backend(ctx.environ))))
    return checks


def _docker_config_check(ctx: DoctorContext, check: CheckBuilder, docker: CredentialsFile) -> Check:
    title = "Docker config"
    if docker.error:
        return check.fail(
            "local.docker-config", title, docker.error, remediation="fix or move the file, then log in again"
        )
    if docker.data is None:
        return check.ok("local.docker-config", title, f"{docker.path} does not exist: docker holds no credentials")
    store = docker.data.get("credsStore")
    if isinstance(store, str) and store:
        program = f"docker-credential-{store}"
        if shutil.which(program, path=ctx.environ.get("PATH")) is None:
            return check.fail(
                "local.docker-config",
                title,
                f"{docker.path} sets credsStore {store!r}, but {program} is not on PATH: docker login and pulls of "
                "every registry without its own credHelpers entry fail",
                remediation=f"install {program}, or remove credsStore from {docker.path}",
            )
    entries = len(docker.auths)
    helpers = docker.data.get("credHelpers")
    helper_count = len(helpers) if isinstance(helpers, dict) else 0
    return check.ok(
        "local.docker-config",
        title,
        f"{docker.path}: {entries} auths entries, credsStore {store or 'unset'}, {helper_count} credHelpers",
    )


def _keyring_check(check: CheckBuilder, cache_mode: str, detect: Callable[[], Any]) -> Check:
    title = "Keyring backend"
    if cache_mode == "none":
        return check.skip("local.keyring", title, "the token cache is off (cache: none in the profiles file)")
    try:
        backend = within(detect, KEYRING_DEADLINE_SECONDS, name="ecrtui-doctor-keyring")
    except DeadlinePassed:
        return check.warn(
            "local.keyring",
            title,
            f"the keyring did not answer within {KEYRING_DEADLINE_SECONDS:g} s (a locked keychain, or a D-Bus "
            "service that does not answer): ecrtui runs with the token cache off",
            remediation="unlock the keyring, or set cache: none in the profiles file",
        )
    except Exception as error:  # a broken backend is a finding
        return check.warn("local.keyring", title, f"the keyring cannot be used: {error}", remediation="set cache: none")
    return _backend_verdict(check, backend)


def _backend_verdict(check: CheckBuilder, backend: Any) -> Check:
    title = "Keyring backend"
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
        return check.warn(
            "local.keyring",
            title,
            f"no usable keyring backend ({name}): the token cache is off; logins still work, each one asks AWS",
            remediation=(
                "install and unlock a Secret Service (gnome-keyring, KWallet), or set cache: none to silence this"
            ),
        )
    if name.startswith("keyrings.alt.file.") or "Plaintext" in name:
        where = getattr(backend, "file_path", "a file")
        return check.warn(
            "local.keyring",
            title,
            f"{name} keeps cached tokens unencrypted in {where}",
            remediation="use the desktop's keyring (Secret Service, Keychain, Credential Manager), or cache: none",
        )
    if "Windows" in name or "WinVault" in name:
        return check.ok(
            "local.keyring",
            title,
            f"{name}: Windows Credential Manager holds ~1,280 characters per item; ecrtui splits longer tokens",
        )
    return check.ok("local.keyring", title, f"{name} (priority {getattr(backend, 'priority', '?')})")


def login_hint(target_name: str, *, from_file: bool) -> str:
    """The command that logs this target in again."""
    return f"ecrtui login --target {target_name}" if from_file else "ecrtui login (with the same options)"
