"""Per host of a target: what each credentials file holds for it (a plaintext `auths`
entry, a `credsStore` or `credHelpers` helper and whether its binary is on PATH), whether a
stored entry still opens the registry (its `/v2/` is probed with it), and stale `https://`
duplicates. What a credential helper holds is not fetched: asking a keychain can open a
password prompt."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from ecrtui.core import clock
from ecrtui.core.addresses import PUBLIC_HOSTS
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.credentials_files import CredentialsFile
from ecrtui.core.diagnose.login_probe import probe_login
from ecrtui.core.diagnose.models import Category, Check, CheckMaker
from ecrtui.core.diagnose.probe import ProbeResult
from ecrtui.core.tokens import password_expiry
from ecrtui.core.writers.authfile import OWN_HELPER, credential_store_for, decode_auth


def check_hosts(
    ctx: DoctorContext, target_name: str, hosts: list[str], files: list[CredentialsFile], login_hint: str
) -> list[Check]:
    make = CheckMaker(target_name, Category.LOCAL)
    checks: list[Check] = []
    for file in files:
        if file.error:
            checks.append(make.skip(CheckId.LOCAL_CREDENTIALS, "Stored credentials", f"{file.label}: {file.error}"))
            continue
        for host in hosts:
            checks.extend(_host_checks(ctx, make, file, host, login_hint))
    return checks


def _host_checks(
    ctx: DoctorContext, make: CheckMaker, file: CredentialsFile, host: str, login_hint: str
) -> list[Check]:
    title = "Stored credentials"
    where = f"{file.label} {file.path}"
    data = file.data or {}
    keys = file.keys_for(host)
    helper = credential_store_for(data, host)
    checks: list[Check] = []
    if helper is not None:
        checks.append(_helper_check(ctx, make, file, host, helper, keys))
    elif not keys:
        if host in PUBLIC_HOSTS:
            checks.append(
                make.ok(
                    CheckId.LOCAL_CREDENTIALS,
                    title,
                    f"nothing stored for {host} in {where}: anonymous pulls work",
                    subject=host,
                )
            )
        else:
            checks.append(
                make.warn(
                    CheckId.LOCAL_CREDENTIALS,
                    title,
                    f"nothing stored for {host} in {where}: docker is not logged in there",
                    remediation=f"run: {login_hint}",
                    subject=host,
                )
            )
    else:
        checks.append(_entry_check(ctx, make, file, host, keys[0], login_hint))
    for stale in keys[1:]:
        checks.append(_duplicate_check(ctx, make, file, host, keys[0], stale))
    return checks


def _helper_check(
    ctx: DoctorContext, make: CheckMaker, file: CredentialsFile, host: str, helper: str, keys: list[str]
) -> Check:
    title = "Credential helper"
    helpers = (file.data or {}).get("credHelpers")
    origin = "credHelpers" if isinstance(helpers, dict) and helpers.get(host) else "credsStore"
    program = f"docker-credential-{helper}"
    found = shutil.which(program, path=ctx.environ.get("PATH"))
    if found is None:
        return make.fail(
            CheckId.LOCAL_HELPER,
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
        return make.warn(
            CheckId.LOCAL_HELPER,
            title,
            f"{said}: Windows Credential Manager refuses passwords over ~2.5 KB (`The stub received bad data`), "
            "and ECR tokens of SSO sessions reach 3 KB+",
            remediation=f"point credHelpers[{host!r}] at ecrtui (`ecrtui helper install`), which splits long tokens",
            subject=host,
        )
    if leftover:
        return make.warn(
            CheckId.LOCAL_HELPER,
            title,
            f"{said}; a plaintext password for it also sits in {file.path}, unused while the helper is set",
            remediation=f"remove the `auth` of {host} from {file.path}",
            subject=host,
        )
    return make.ok(
        CheckId.LOCAL_HELPER,
        title,
        f"{said} (what it holds is not read: that could open a keychain prompt)",
        subject=host,
    )


def _entry_check(
    ctx: DoctorContext, make: CheckMaker, file: CredentialsFile, host: str, key: str, login_hint: str
) -> Check:
    title = "Stored credentials"
    entry = file.auths.get(key)
    shown = f"{file.label}: auths[{key!r}]"
    if not isinstance(entry, dict) or not entry:
        return make.warn(
            CheckId.LOCAL_CREDENTIALS,
            title,
            f"{shown} is an empty placeholder (left by a credential store), and no helper is set: "
            f"docker has no credentials for {host}",
            remediation=f"run: {login_hint}",
            subject=host,
        )
    if "auth" not in entry:
        kind = "an identity token" if "identitytoken" in entry else f"keys {sorted(entry)}"
        return make.ok(CheckId.LOCAL_CREDENTIALS, title, f"{shown} holds {kind}, not probed", subject=host)
    decoded = decode_auth(str(entry["auth"]))
    if decoded is None:
        return make.fail(
            CheckId.LOCAL_CREDENTIALS,
            title,
            f"{shown} is not base64 of user:password: docker cannot use it",
            remediation=f"remove it and run: {login_hint}",
            subject=host,
        )
    return entry_verdict(ctx, make, StoredEntry(host, shown, CheckId.LOCAL_CREDENTIALS, title), decoded, login_hint)


@dataclass(frozen=True)
class StoredEntry:
    """A stored login as its finding names it."""

    host: str
    named: str  # "docker config: auths['host']"
    id: CheckId
    title: str


def entry_verdict(
    ctx: DoctorContext, make: CheckMaker, entry: StoredEntry, decoded: tuple[str, str], login_hint: str
) -> Check:
    """Whether a stored user:password still opens its registry: an ECR token past the
    expiry written inside it is not even tried."""
    username, password = decoded
    expiry = password_expiry(password)
    public = entry.host in PUBLIC_HOSTS
    breaks = (
        f"; docker sends it with every pull from {entry.host}, even of public images, which then fail "
        "(`denied: Your authorization token has expired`)"
        if public
        else "; docker then says `Your authorization token has expired`"
    )
    fix = f"run: {login_hint}" + (f", or `docker logout {entry.host}` for anonymous pulls" if public else "")
    if expiry is not None and expiry <= ctx.clock():
        finding = f"{entry.named} holds a token that expired at {clock.shown(expiry)}{breaks}"
        return make.fail(entry.id, entry.title, finding, remediation=fix, subject=entry.host)
    result = probe_login(ctx, entry.host, username, password)
    if result.status is not None and 200 <= result.status < 300:
        until = f", valid until {clock.shown(expiry)}" if expiry else ""
        finding = f"{entry.named} works: the registry accepted it ({result.describe()}){until}"
        return make.ok(entry.id, entry.title, finding, subject=entry.host)
    return _refused(make, entry, result, breaks, fix, login_hint)


def _refused(
    make: CheckMaker, entry: StoredEntry, result: ProbeResult, breaks: str, fix: str, login_hint: str
) -> Check:
    id, title, host, named = entry.id, entry.title, entry.host, entry.named
    if result.status in (401, 403):
        return make.fail(
            id,
            title,
            f"{named} no longer works: the registry refused it ({result.describe()}): an ECR token lasts "
            f"12 hours{breaks}; or the password is wrong",
            remediation=fix,
            subject=host,
        )
    if result.status == 400:
        return make.fail(
            id,
            title,
            f"{named} is refused with HTTP 400 Bad Request: an ECR token works only in the region it was issued "
            "for, and this one is likely from another region",
            remediation=f"log in to {host}'s own region: {login_hint}",
            subject=host,
        )
    return make.warn(
        id,
        title,
        f"{named} could not be tried: {result.describe() if result.answered else result.error}",
        remediation="check the network path to the registry (docker uses its own proxy settings)",
        subject=host,
    )


def _duplicate_check(
    ctx: DoctorContext, make: CheckMaker, file: CredentialsFile, host: str, used: str, stale: str
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
    return make.warn(
        CheckId.LOCAL_DUPLICATE,
        "Stale duplicate entry",
        f"{file.label} has both {used!r} and {stale!r} for {host}: docker reads {used!r}, and "
        f"`docker logout {host}` removes only that key, after which docker falls back to {stale!r}.{state}",
        remediation=f"remove the key {stale!r} from {file.path} (the next `ecrtui login` does that)",
        subject=host,
    )


def public_entry_checks(
    ctx: DoctorContext, make: CheckMaker, docker: CredentialsFile, examined_hosts: set[str]
) -> list[Check]:
    """docker's entries for ECR Public that no target examined: once expired, they break
    even anonymous pulls."""
    if docker.data is None or docker.error:
        return []
    checks: list[Check] = []
    for host in PUBLIC_HOSTS:
        keys = docker.keys_for(host)
        if host in examined_hosts or not keys or credential_store_for(docker.data, host) is not None:
            continue  # a public target's own checks said it already
        entry = docker.auths.get(keys[0])
        decoded = decode_auth(str(entry.get("auth", ""))) if isinstance(entry, dict) else None
        if decoded is not None:
            named = StoredEntry(
                host, f"docker config: auths[{keys[0]!r}]", CheckId.LOCAL_PUBLIC_ENTRY, "ECR Public entry"
            )
            checks.append(entry_verdict(ctx, make, named, decoded, "ecrtui login --registry-type public"))
    return checks


def login_hint(target_name: str, *, from_file: bool) -> str:
    """The command that logs this target in again."""
    return f"ecrtui login --target {target_name}" if from_file else "ecrtui login (with the same options)"
