"""`ecrtui doctor`: permission and environment diagnostics as data.

`plan_doctor` chooses the targets, `run_doctor` examines them and returns a `Report` of
`Check` records (status, finding, remediation, and where a permission is missing the IAM
policy that grants it). Nothing here prints: the CLI and the TUI render the report.
"""

from __future__ import annotations

from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.config_checks import DoctorPlan, plan_doctor
from ecrtui.core.diagnose.models import Category, Check, CheckStatus, Report, TargetReport
from ecrtui.core.diagnose.probe import HttpProbe, ProbeRequest, ProbeResult, http_probe
from ecrtui.core.diagnose.runner import run_doctor

__all__ = [
    "Category",
    "Check",
    "CheckId",
    "CheckStatus",
    "DoctorPlan",
    "HttpProbe",
    "ProbeRequest",
    "ProbeResult",
    "Report",
    "TargetReport",
    "http_probe",
    "plan_doctor",
    "run_doctor",
]
