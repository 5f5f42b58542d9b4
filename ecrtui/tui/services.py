"""The TUI's one door into the core: every AWS, keyring and file operation the app needs,
as plain blocking calls that return plain data. The app runs each of them in a thread
worker; nothing here knows about textual, so the widgets never see a boto3 object and the
tests can drive the same calls the app makes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecrtui.core import written
from ecrtui.core.addresses import RegistryType
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.aws_profiles import AwsProfile, discover_aws_profiles
from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.login_cache import LoginCache
from ecrtui.core.cache.store import open_cache
from ecrtui.core.diagnose import Check, DoctorPlan, TargetReport, run_doctor
from ecrtui.core.engine import LoginEngine, logout
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import WRITER_NAMES, LoginEvent, LoginResult, Registry, Target
from ecrtui.core.plan import plan_registries
from ecrtui.core.profiles_file import Defaults, load_profiles
from ecrtui.core.writers import make_writers
from ecrtui.tui.rows import CachedState, RegistryRow, row_key

PUBLIC_TARGET_NAME = "ecr-public"


@dataclass(frozen=True)
class TargetProblem:
    """A target that could not be planned (unknown profile, no region): shown, not fatal."""

    target: str
    message: str
    remediation: str = ""


@dataclass(frozen=True)
class Inventory:
    """Everything the main screen lists, read from the profiles file and the AWS config."""

    profiles_path: str | None
    aws_profiles: tuple[AwsProfile, ...]
    targets: tuple[Target, ...]
    registries: tuple[Registry, ...]
    problems: tuple[TargetProblem, ...] = ()
    keymap: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Diagnosis:
    """The doctor's checks for one registry, ready to render and to copy."""

    subject: str
    checks: tuple[Check, ...]

    @property
    def policy(self) -> str | None:
        """Every missing permission in one IAM policy document (JSON), or None."""
        document = TargetReport(None, self.checks).missing_policy()
        return json.dumps(document, indent=2) if document else None

    def as_text(self) -> str:
        """The whole report as plain text, for the clipboard and for bug reports."""
        lines = [f"ecrtui diagnostics: {self.subject}", ""]
        for check in self.checks:
            lines.append(f"[{check.status.value.upper():4}] {check_title(check)}: {check.finding}")
            if check.remediation:
                lines.append(f"       fix: {check.remediation}")
        if self.policy:
            lines += ["", "IAM policy that grants what is missing:", self.policy]
        return "\n".join(lines)


def check_title(check: Check) -> str:
    """A check's name with what it is about: `Stored credentials [public.ecr.aws]`."""
    return f"{check.title} [{check.subject}]" if check.subject else check.title


def default_targets(aws_profiles: Sequence[AwsProfile]) -> tuple[Target, ...]:
    """With no profiles file: each AWS profile's own registry, plus ECR Public (through
    the default credential chain, as `docker login public.ecr.aws` users expect)."""
    targets = [Target(name=profile.name, profile=profile.name) for profile in aws_profiles]
    if not targets:
        targets.append(Target(name="default"))  # environment credentials only
    targets.append(Target(name=PUBLIC_TARGET_NAME, type=RegistryType.PUBLIC))
    return tuple(targets)


def display_path(path: str | None, environ: Mapping[str, str]) -> str:
    """A path as people write it: under the home folder with `~`."""
    if path is None:
        return "no profiles file"
    home = environ.get("HOME")
    if home and Path(path).is_relative_to(home):
        return "~/" + Path(path).relative_to(home).as_posix()
    return path


class Services:
    """Blocking core calls for the app's thread workers. `environ` is the environment the
    core reads (the real one, a test's, or the demo's); `aws_cli` is the command that
    starts the AWS CLI (the demo swaps in its stand-in)."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        config_path: str | None = None,
        aws_cli: Sequence[str] = ("aws",),
    ) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.config_path = config_path
        self.aws_cli = tuple(aws_cli)
        self.defaults = Defaults()
        self.targets: dict[str, Target] = {}

    # --- inventory -------------------------------------------------------------------

    def load_inventory(self) -> Inventory:
        """Read the profiles file and the AWS config, and plan every target. A target that
        cannot be planned becomes a problem beside the others, not a failure of all."""
        profiles = load_profiles(self.config_path, self.environ)
        aws_profiles = discover_aws_profiles(self.environ)
        targets = profiles.targets or default_targets(aws_profiles)
        self.defaults, self.targets = profiles.defaults, {t.name: t for t in targets}
        registries: dict[Registry, None] = {}  # ordered, without duplicates
        problems: list[TargetProblem] = []
        for target in targets:
            try:
                planned = plan_registries((target,), profiles.defaults, aws_profiles, environ=self.environ)
            except EcrtuiError as error:
                problems.append(TargetProblem(target.name, error.message, error.remediation))
                continue
            registries.update(dict.fromkeys(planned))
        return Inventory(
            profiles_path=profiles.path,
            aws_profiles=aws_profiles,
            targets=targets,
            registries=tuple(registries),
            problems=tuple(problems),
            keymap=profiles.keymap,
        )

    def cached_state(self, registries: Sequence[Registry]) -> tuple[dict[str, CachedState], EcrtuiError | None]:
        """What is known without a network call, per row key: the keyring cache's expiry
        of each registry's token and the credential files that hold its host. A keyring
        that cannot be used is returned as the problem, beside what the files say."""
        writers_by_name = {w.name: w for w in make_writers(WRITER_NAMES, self.environ)}
        expiries: dict[str, CacheEntry] = {}
        problem: EcrtuiError | None = None
        if self.defaults.uses_keyring:
            try:
                expiries = self._cached_entries(registries)
            except CacheUnavailable as error:
                problem = error
        states: dict[str, CachedState] = {}
        for registry in registries:
            key = row_key(registry)
            entry = expiries.get(key)
            host = registry.host or (entry.host if entry else None)
            held = tuple(
                n for n in registry.writers if host and n in writers_by_name and writers_by_name[n].holds(host)
            )
            if entry is not None or held:
                states[key] = CachedState(
                    expires_at=entry.expires_at if entry else None,
                    written_to=held,
                    host=host,
                    account_id=entry.account if entry else None,
                )
        return states, problem

    def _cached_entries(self, registries: Sequence[Registry]) -> dict[str, CacheEntry]:
        """Each registry's cache entry: by host and identity, or, for the caller's default
        registry (host unknown until AWS answers), the entry of the same identity and
        region that an earlier login stored."""
        cache = open_cache(self.environ)
        found: dict[str, CacheEntry] = {}
        hostless = [r for r in registries if r.host is None and r.type is RegistryType.PRIVATE]
        cached_hosts = list(cache.hosts()) if hostless else []
        for registry in registries:
            identity = identity_key(registry.profile, registry.role_arn)
            if registry.host is not None:
                entry = cache.get(registry.host, identity)
            else:
                entries = (cache.get(host, identity) for host in cached_hosts)
                entry = next((e for e in entries if e and e.region == registry.region and e.type == "private"), None)
            if entry is not None:
                found[row_key(registry)] = entry
        return found

    # --- login and logout ------------------------------------------------------------

    def settings(self) -> AwsSettings:
        return AwsSettings(max_attempts=self.defaults.max_attempts, timeout=self.defaults.timeout, environ=self.environ)

    def login(
        self,
        registries: Sequence[Registry],
        on_event: Callable[[LoginEvent], None],
        on_cache_problem: Callable[[EcrtuiError], None],
    ) -> list[LoginResult]:
        """Log into `registries` in parallel, caching each token in the keyring. A fresh
        client factory per batch, so a profile refreshed meanwhile (`aws sso login`) is
        read again, not remembered."""
        on_token = None
        if self.defaults.uses_keyring:
            margin = dt.timedelta(minutes=self.defaults.refresh_margin_minutes)
            on_token = LoginCache(lambda: open_cache(self.environ), margin=margin, on_problem=on_cache_problem)
        engine = LoginEngine(
            ClientFactory(self.settings()), jobs=self.defaults.jobs, on_event=on_event, on_token=on_token
        )
        results = engine.login(registries)
        with contextlib.suppress(EcrtuiError):  # the record helps a later logout; never fails a login
            written.note_logins(results, self.environ)
        return results

    def logout(self, rows: Sequence[RegistryRow]) -> tuple[dict[str, str | None], EcrtuiError | None]:
        """Erase each row's host from its writers and from the token cache (or the
        credential helper would still serve it). Per row key, None or why not; and a
        keyring problem, which does not fail the logout of the files."""
        outcome: dict[str, str | None] = {}
        by_writers: dict[tuple[str, ...], list[RegistryRow]] = {}
        for row in rows:
            if row.host is None:
                outcome[row.key] = "its host is known only after a login"
            else:
                by_writers.setdefault(row.registry.writers or ("docker",), []).append(row)
        for writers, group in by_writers.items():
            erased = logout([row.host for row in group if row.host], writers, self.environ)
            for row in group:
                outcome[row.key] = erased.get(row.host or "")
        problem: EcrtuiError | None = None
        hosts = {row.host for row in rows if row.host}
        if hosts and self.defaults.uses_keyring:
            try:
                cache = open_cache(self.environ)
                for host in sorted(hosts):
                    cache.erase(host)
            except CacheUnavailable as error:
                problem = error
        return outcome, problem

    # --- AWS SSO ---------------------------------------------------------------------

    def sso_login_command(self, profile: str) -> list[str]:
        return [*self.aws_cli, "sso", "login", "--profile", profile]

    def run_sso_login(self, profile: str, *, capture: bool) -> tuple[int, str]:
        """Run `aws sso login`: on the user's terminal (capture False, the app suspended)
        or captured when there is no terminal to hand over."""
        command = self.sso_login_command(profile)
        try:
            finished = subprocess.run(
                command,
                env=self.environ,
                check=False,
                capture_output=capture,
                text=True,
                stdin=subprocess.DEVNULL if capture else None,
            )
        except FileNotFoundError:
            return 127, f"{command[0]} not found: install the AWS CLI v2 to refresh SSO sessions"
        output = (finished.stdout or "") + (finished.stderr or "") if capture else ""
        return finished.returncode, output.strip()

    # --- diagnostics -----------------------------------------------------------------

    def diagnose(self, row: RegistryRow, on_check: Callable[[Check], None] | None = None) -> Diagnosis:
        """The doctor's report on the row's target (configuration, credentials, network,
        permissions, local files), then this machine's checks; `on_check` sees each check
        as it is made (from the doctor's threads)."""
        target = self.targets[row.registry.target]
        # One attempt per call, as `ecrtui doctor` does: a report of what a call saw, fast.
        settings = AwsSettings(max_attempts=1, timeout=self.defaults.timeout, environ=self.environ)
        report = run_doctor(
            DoctorPlan(targets=(target,), defaults=self.defaults),
            ClientFactory(settings),
            environ=self.environ,
            on_check=on_check,
        )
        home = self.environ.get("HOME", "")
        ours = [c for c in report.checks if c.target == target.name]
        machine = [c for c in report.checks if c.target is None]
        return Diagnosis(subject=row.label, checks=tuple(_with_tilde(c, home) for c in ours + machine))


def _with_tilde(check: Check, home: str) -> Check:
    """Paths under the home folder as `~/...`: shorter, and what people type."""
    if not home or home == "/":
        return check
    prefix = home.rstrip("/") + "/"
    return dataclasses.replace(
        check, finding=check.finding.replace(prefix, "~/"), remediation=check.remediation.replace(prefix, "~/")
    )
