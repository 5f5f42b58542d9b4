"""The doctor, the same for `ecrtui doctor` and the app's diagnostics: the targets chosen
as `login` chooses them (leniently: a broken profiles file or a bad registry entry is a
finding, not the end of the run), examined with the doctor's AWS settings."""

from __future__ import annotations

from collections.abc import Mapping

from ecrtui.core.aws import ClientFactory
from ecrtui.core.diagnose import Report, plan_doctor, run_doctor
from ecrtui.core.diagnose.runner import CheckSink
from ecrtui.core.errors import ConfigError
from ecrtui.core.models import Target
from ecrtui.core.plan import Selection
from ecrtui.core.profiles_file import Defaults, ProfilesFile
from ecrtui.core.usecases.doctor_settings import doctor_settings


def diagnose(
    profiles: ProfilesFile,
    selection: Selection,
    environ: Mapping[str, str],
    *,
    repositories: tuple[str, ...] = (),
    profiles_error: ConfigError | None = None,
    timeout: float | None = None,
    http_proxy: str | None = None,
    on_check: CheckSink | None = None,
) -> Report:
    """The doctor's report on what `selection` chooses from `profiles` (`profiles_error`:
    why the file could not be read), then this machine's checks. `on_check` sees each
    check as it is made (from the doctor's threads)."""
    plan = plan_doctor(profiles, selection, repositories, profiles_error=profiles_error)
    settings = doctor_settings(profiles.defaults, environ, timeout=timeout, http_proxy=http_proxy)
    return run_doctor(plan, ClientFactory(settings), environ=environ, on_check=on_check)


def diagnose_target(
    target: Target, defaults: Defaults, environ: Mapping[str, str], on_check: CheckSink | None = None
) -> Report:
    """The report on one target already known (the app's row: from the profiles file or
    the AWS config), chosen by name as `ecrtui doctor --target NAME` chooses it."""
    profiles = ProfilesFile(defaults=defaults, targets=(target,))
    return diagnose(profiles, Selection(target_names=(target.name,)), environ, on_check=on_check)
