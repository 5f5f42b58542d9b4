"""What the installed commands load, asked of the commands themselves: the headless paths
(`ecrtui --version`, `--help`, `status`, `login --help`) never load textual, and the
credential helper's `version`, `list` and cached `get` load neither boto3/botocore nor
textual nor keyring's scan of installed backends. Each command runs in a fresh interpreter
under `python -X importtime`, whose report names every module imported; the import
contracts (tests/test_import_contracts.py) hold the same lines statically."""

from __future__ import annotations

import subprocess

import pytest
from support.commands import OUTSIDE, cli_python, run_cli
from support.credential_helper import HOST, use_ecr_standin, use_secret_service
from support.environment import Env
from support.gnome_keyring import SecretServiceSession

from ecrtui.demo.standins.ecr_public import EcrPublicStandin

HEAVY = {"boto3", "botocore", "s3transfer", "textual"}
# keyring's choice of backend scans the installed distributions' entry points and
# imports every backend it finds; these modules come only from that scan.
KEYRING_SCAN = {"keyring.backends.chainer", "keyring.backends.kwallet", "keyring.backends.libsecret"}


def imported(stderr: str) -> set[str]:
    """Every module named by `-X importtime` on stderr."""
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def loaded(env: Env, program: str, *args: str, stdin: str = "") -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the installed command under `-X importtime`; its result and the modules it loaded."""
    completed = run_cli(env, *args, stdin=stdin, program=program, python_flags=("-X", "importtime"))
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed, imported(completed.stderr)


def test_the_check_sees_textual_when_it_is_loaded(env: Env) -> None:
    result = subprocess.run(
        [cli_python(), "-X", "importtime", "-c", "import textual.app"],
        env=env.vars,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert {"textual", "textual.app"} <= imported(result.stderr)


HEADLESS = [
    pytest.param(("--version",), id="version"),
    pytest.param(("--help",), id="help"),
    pytest.param(("status",), id="status-empty-config"),
    pytest.param(("login", "--help"), id="login-help"),
]


@pytest.mark.parametrize("args", HEADLESS)
def test_the_headless_paths_never_load_textual(env: Env, args: tuple[str, ...]) -> None:
    result, modules = loaded(env, "ecrtui", *args)
    assert result.returncode in (0, 2), result.stderr
    assert "ecrtui.launcher" in modules or "ecrtui.cli.main" in modules  # the command ran
    assert "textual" not in top_level(modules), sorted(m for m in modules if m.startswith("textual"))


@pytest.fixture
def logged_in(env: Env, ecr_public: EcrPublicStandin, secret_service: SecretServiceSession) -> Env:
    """A token for HOST cached in a real Secret Service, as after `ecrtui login`."""
    use_secret_service(env, secret_service)
    use_ecr_standin(env, ecr_public)
    result = run_cli(env, "login", "--region", "us-east-1", "--registries", "123456789012")
    assert result.returncode == 0, result.stderr
    env.vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"  # were any AWS call made, it would fail
    return env


@pytest.mark.parametrize(("action", "stdin"), [("version", ""), ("list", ""), ("get", HOST)])
def test_the_helper_paths_load_no_aws_sdk_textual_or_keyring_scan(logged_in: Env, action: str, stdin: str) -> None:
    result, modules = loaded(logged_in, "docker-credential-ecrtui", action, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert "ecrtui.core" in modules  # the helper ran (as ecrtui.helper, or as __main__ from the tree)
    assert not top_level(modules) & HEAVY, sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not modules & KEYRING_SCAN, sorted(modules & KEYRING_SCAN)
    if action == "get":
        assert HOST in result.stdout  # served from the cache: the run proves the cached path


def test_the_demo_sso_stand_in_runs_without_textual(env: Env) -> None:
    """The app runs it as a subprocess once per SSO refresh: it must stay light."""
    code = "import json, sys, ecrtui.demo.sso; print(json.dumps('textual' in sys.modules))"
    result = subprocess.run(
        [cli_python(), "-c", code], env=env.vars, capture_output=True, text=True, timeout=60, check=False, cwd=OUTSIDE
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "false"
