"""The doctor's AWS settings, the same for `ecrtui doctor` and the app's diagnostics."""

from __future__ import annotations

from collections.abc import Mapping

from ecrtui.core.aws import AwsSettings
from ecrtui.core.profiles_file import Defaults

# One attempt per call: the doctor reports what a call saw; retries would hide throttling
# and make an unreachable endpoint cost minutes.
DOCTOR_MAX_ATTEMPTS = 1


def doctor_settings(
    defaults: Defaults,
    environ: Mapping[str, str],
    *,
    timeout: float | None = None,
    http_proxy: str | None = None,
) -> AwsSettings:
    """`timeout` (a flag) wins over the profiles file's."""
    return AwsSettings(
        max_attempts=DOCTOR_MAX_ATTEMPTS,
        timeout=timeout or defaults.timeout,
        http_proxy=http_proxy,
        environ=dict(environ),
    )
