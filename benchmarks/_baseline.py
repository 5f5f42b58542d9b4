"""The baselines the benchmarks install for themselves: the AWS CLI from PyPI in a venv
of its own (benchmarks/.venv-baseline, kept between runs), and the registry login tool of
today's shell scripts (`docker login`, else `skopeo login` where docker is absent)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BASELINE_VENV = Path(__file__).resolve().parent / ".venv-baseline"


def awscli() -> Path:
    """The `aws` command of the baseline venv, installed on first use (pip, from PyPI)."""
    aws = BASELINE_VENV / "bin" / "aws"
    if not aws.exists():
        print(f"benchmarks: installing the awscli baseline into {BASELINE_VENV} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(BASELINE_VENV)], check=True)
        subprocess.run(
            [str(BASELINE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "awscli"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return aws


def awscli_version() -> str:
    done = subprocess.run([str(awscli()), "--version"], capture_output=True, text=True, check=True)
    return (done.stdout or done.stderr).strip()


def login_command(host: str) -> str:
    """The shell that logs into `host` with a password on stdin, as scripts do today
    (its stderr kept, so that a failure says why). Run it after
    `Workspace.reset_docker(file_store=True)`: docker then writes the config file."""
    if shutil.which("docker"):
        return f"docker login --username AWS --password-stdin {host} >/dev/null"
    if shutil.which("skopeo"):
        return f"skopeo login --tls-verify=false --username AWS --password-stdin {host} >/dev/null"
    raise RuntimeError("neither docker nor skopeo is installed: no baseline registry login")


def login_tool() -> str:
    return "docker login" if shutil.which("docker") else "skopeo login"


def login_path() -> str:
    """How the baseline's registry login runs on this machine, for the section's notes."""
    if not shutil.which("docker"):
        return "`skopeo login` (docker is not installed)"
    daemon = subprocess.run(
        ["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=60, check=False
    )
    if daemon.returncode == 0:
        return f"`docker login` through the docker daemon {daemon.stdout.strip()}"
    return (
        "`docker login` with no docker daemon answering: the docker CLI then checks the password "
        "against the registry itself (through a daemon it would take one hop more)"
    )
