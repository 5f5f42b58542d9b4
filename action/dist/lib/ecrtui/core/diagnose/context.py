"""What every check may consult during one doctor run: its collaborators (client factory,
environment, HTTP probe, clock) and a memo, so targets that share credentials or
endpoints are examined once even when they run in parallel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ecrtui.core.aws import ClientFactory
from ecrtui.core.aws_profiles import AwsProfile
from ecrtui.core.clock import utc_now
from ecrtui.core.diagnose.probe import HttpProbe, http_probe
from ecrtui.core.errors import ConfigError
from ecrtui.core.memo import Memo
from ecrtui.core.profiles_file import Defaults

T = TypeVar("T")

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class DoctorContext:
    """The collaborators of one run. `aws_profiles` is the ConfigError when the AWS config
    files cannot be read (a finding of the profile check, not a crash)."""

    factory: ClientFactory
    environ: Mapping[str, str]
    aws_profiles: tuple[AwsProfile, ...] | ConfigError
    defaults: Defaults = field(default_factory=Defaults)
    probe: HttpProbe = http_probe
    clock: Clock = utc_now
    credential_deadline: float = 10.0
    memo: Memo = field(default_factory=Memo)

    @property
    def known_profiles(self) -> tuple[AwsProfile, ...]:
        return self.aws_profiles if isinstance(self.aws_profiles, tuple) else ()

    @property
    def timeout(self) -> float:
        return self.factory.settings.timeout
