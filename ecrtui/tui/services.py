"""The TUI's one door into the core: every AWS, keyring and file operation the app needs,
as plain blocking calls that return plain data. The app runs each of them in a thread
worker; nothing here knows about textual, so the widgets never see a boto3 object and the
tests can drive the same calls the app makes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecrtui.core.addresses import RegistryType
from ecrtui.core.aws import AwsSettings
from ecrtui.core.aws_profiles import AwsProfile, discover_aws_profiles
from ecrtui.core.diagnose import Check, TargetReport
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginResult, Registry, Target
from ecrtui.core.plan import plan_registries
from ecrtui.core.profiles_file import Defaults, load_profiles
from ecrtui.core.usecases.doctor import diagnose_target
from ecrtui.core.usecases.login import NOT_CACHED, NOT_RECORDED, login
from ecrtui.core.usecases.logout import DEFAULT_WRITERS, NOT_RERECORDED, TOKENS_NOT_ERASED, logout
from ecrtui.core.usecases.status import registry_status
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
        """What is known without a network call, per row key (the same answer as `ecrtui
        status`): the cached token's expiry and the credential files that hold the host.
        A keyring that cannot be used is returned as the problem, beside what the files say."""
        report = registry_status(registries, self.defaults, self.environ)
        states: dict[str, CachedState] = {}
        for status in report.statuses:
            key = row_key(status.planned)
            if key in states or (status.entry is None and not status.written_to):
                continue
            states[key] = CachedState(
                expires_at=status.expires_at,
                written_to=status.written_to,
                host=status.host,
                account_id=status.entry.account if status.entry else status.registry.account_id,
            )
        return states, report.cache_problem

    # --- login and logout ------------------------------------------------------------

    def settings(self) -> AwsSettings:
        return AwsSettings(max_attempts=self.defaults.max_attempts, timeout=self.defaults.timeout, environ=self.environ)

    def login(
        self,
        registries: Sequence[Registry],
        on_event: Callable[[LoginEvent], None],
        on_problem: Callable[[EcrtuiError, str], None],
    ) -> list[LoginResult]:
        """Log into `registries` in parallel, caching each token in the keyring; the
        record of written hosts helps a later logout. Neither fails a login: their
        problems go to `on_problem` with what they cost, as `ecrtui login` warns. Returns
        once every token is in the cache, so a keyring's late problem is never lost."""
        outcome = login(
            registries,
            self.settings(),
            self.defaults,
            jobs=self.defaults.jobs,
            on_event=on_event,
            on_cache_problem=lambda problem: on_problem(problem, NOT_CACHED),
        )
        outcome.wait_for_cache()
        if outcome.record_problem is not None:
            on_problem(outcome.record_problem, NOT_RECORDED)
        return outcome.results

    def logout(self, rows: Sequence[RegistryRow]) -> tuple[dict[str, str | None], list[tuple[EcrtuiError, str]]]:
        """Erase each row's host from its writers, the token cache and the record. Per
        row key, None or why not; and the keyring's or the record's problems with what
        they cost (neither fails the logout)."""
        outcome: dict[str, str | None] = {}
        by_writers: dict[tuple[str, ...], list[RegistryRow]] = {}
        for row in rows:
            if row.host is None:
                outcome[row.key] = "its host is known only after a login"
            else:
                by_writers.setdefault(row.registry.writers or DEFAULT_WRITERS, []).append(row)
        problems: dict[str, EcrtuiError] = {}  # the first of each kind
        for writers, group in by_writers.items():
            done = logout([row.host for row in group if row.host], writers, self.defaults, self.environ)
            outcome.update({row.key: done.problems.get(row.host or "") for row in group})
            for consequence, problem in (
                (TOKENS_NOT_ERASED, done.cache_problem),
                (NOT_RERECORDED, done.record_problem),
            ):
                if problem is not None:
                    problems.setdefault(consequence, problem)
        return outcome, [(problem, consequence) for consequence, problem in problems.items()]

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
        report = diagnose_target(target, self.defaults, self.environ, on_check)
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
