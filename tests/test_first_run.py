"""The first minutes with ecrtui, through the real command: no terminal, a closed pipe,
the help, and command lines a newcomer is likely to type."""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.commands import REPO, run_cli
from support.environment import Env
from support.terminal import Terminal, open_terminal, row

from ecrtui.tui.crash import scrub

NO_TERMINAL_HINT = "use `ecrtui login` (or `ecrtui --headless`)"
_SHELLS = itertools.count()


def plain_env(tmp_path: Path) -> dict[str, str]:
    """No AWS at all: these command lines must be answered before any AWS call."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XDG_", "DOCKER_", "ECRTUI_"))}
    variables.update(HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="true", AWS_ENDPOINT_URL="http://127.0.0.1:9")
    return variables


# --- no terminal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ((), NO_TERMINAL_HINT),
        (("--config", "team.yaml"), NO_TERMINAL_HINT),
        (("--demo",), "`ecrtui --demo --headless`"),
    ],
)
def test_without_a_terminal_the_app_is_never_started(tmp_path: Path, args: tuple[str, ...], hint: str) -> None:
    started = time.monotonic()
    result = run_cli(plain_env(tmp_path), *args, stdin="", timeout=10)
    elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and hint in result.stderr
    assert "\x1b" not in result.stderr
    assert elapsed < 1.5, f"took {elapsed:.2f}s"


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Terminal]:
    """A real terminal running bash, for command lines whose stdin or stdout is redirected."""
    env = {k: v for k, v in plain_env(tmp_path).items() if not k.startswith("TMUX")}
    env.update(TERM="xterm-256color", PS1="$ ")
    # a server of its own per test: a new one on the name of one still shutting down fails
    name = f"first{next(_SHELLS)}"
    term = open_terminal(name, ["bash", "--norc", "--noprofile"], env, width=200, height=30, cwd=str(tmp_path))
    term.wait_for("the prompt", lambda s: s.startswith("$"))
    try:
        yield term
    finally:
        term.run("kill-server")


@pytest.mark.parametrize(
    ("line", "status"),
    [("ecrtui </dev/null", "$?"), ("ecrtui | cat", "${PIPESTATUS[0]}"), ("ecrtui --demo | cat", "${PIPESTATUS[0]}")],
)
def test_a_redirected_ecrtui_in_a_terminal_prints_one_line(
    shell: Terminal, tmp_path: Path, line: str, status: str
) -> None:
    command = line.replace("ecrtui", f"{sys.executable} -m ecrtui", 1)
    (tmp_path / "r").write_text(f"cd {REPO}\n{command}\necho exit=={status}==\n")
    shell.keys("bash r", "Enter")
    screen = shell.wait_for("the command to end", lambda s: "exit==" in s)
    lines = [text for text in screen.splitlines() if text.strip()]
    assert lines[0] == "$ bash r", screen
    assert "needs a terminal" in lines[1] and "\x1b" not in lines[1], screen
    assert lines[2:] == ["exit==2==", "$"], screen
    assert shell.run("display-message", "-p", "-t", shell.session, "#{alternate_on}").stdout.strip() == "0"


# --- a closed pipe ---------------------------------------------------------------------------


def _into_closed_pipe(variables: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    """Run with stdout a pipe whose reader is gone before the command writes (`| head -0`)."""
    process = subprocess.Popen(
        argv, env=variables, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=REPO
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)
    return subprocess.CompletedProcess(argv, code, "", stderr)


def test_output_into_a_closed_pipe_ends_quietly_like_cat(env: Env) -> None:
    profiles = env.write_profiles(
        'version: 1\ntargets:\n  - name: dev\n    region: us-east-1\n    registries: ["111111111111"]\n'
    )
    variables = {**env.vars, "ECRTUI_CONFIG": str(profiles)}
    for argv in (
        (sys.executable, "-m", "ecrtui", "status", "--output", "json"),
        (sys.executable, "-m", "ecrtui", "doctor"),
        (sys.executable, "-m", "ecrtui.helper", "version"),
    ):
        result = _into_closed_pipe(variables, *argv)
        assert result.returncode == 141, (argv, result.stderr)
        assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, (argv, result.stderr)


# --- the help and newcomers' command lines -----------------------------------------------------


def test_the_help_shows_the_three_ways_in_and_one_line_per_command(tmp_path: Path) -> None:
    result = run_cli({**plain_env(tmp_path), "COLUMNS": "100"}, "--help")
    assert result.returncode == 0, result.stderr
    help_text = result.stdout
    for way in ("ecrtui                ", "ecrtui --demo ", "ecrtui --demo --headless", "ecrtui --headless"):
        assert way in help_text
    lines = help_text.splitlines()
    for command in ("login", "logout", "status", "helper", "doctor"):
        at = next(i for i, text in enumerate(lines) if text.strip().startswith(command + " "))
        assert not lines[at + 1].startswith("      "), f"{command}'s help takes more than one line"


def test_demo_help_prints_the_help_instead_of_starting_the_demo(tmp_path: Path) -> None:
    result = run_cli(plain_env(tmp_path), "--demo", "--help", timeout=10)
    assert result.returncode == 0, result.stderr
    assert "Three ways in" in result.stdout


def test_a_login_flag_without_a_command_says_what_to_type(tmp_path: Path) -> None:
    result = run_cli(plain_env(tmp_path), "--region", "eu-west-1")
    assert result.returncode == 2
    assert "did you mean `ecrtui login --region eu-west-1`" in result.stderr
    assert "invalid choice" not in result.stderr and "Traceback" not in result.stderr


def test_options_before_a_command_are_the_commands_own(env: Env) -> None:
    result = run_cli(env, "--region", "us-east-1", "login", "--registries", "111111111111", "--writer", "none")
    assert result.returncode == 0, result.stderr
    assert "111111111111.dkr.ecr.us-east-1.amazonaws.com" in result.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--target", "logout", "login"), "logout"),  # a login into target `logout`, not a logout
        (("--headless", "--target", "status"), "status"),  # a login into target `status`
        (("--target", "dev", "--target", "status", "logout"), "status"),
    ],
)
def test_an_options_value_is_never_the_command(env: Env, args: tuple[str, ...], named: str) -> None:
    profiles = env.write_profiles("version: 1\ntargets:\n  - name: dev\n    region: us-east-1\n")
    result = run_cli({**env.vars, "ECRTUI_CONFIG": str(profiles)}, *args, timeout=30)
    assert result.returncode == 2, result.stderr
    assert f"no target named '{named}'" in result.stderr, result.stderr


def test_a_command_with_demo_never_opens_the_demo(tmp_path: Path) -> None:
    result = run_cli(plain_env(tmp_path), "status", "--demo", timeout=10)
    assert result.returncode == 2
    assert "--demo" in result.stderr and "demo stand-ins" not in result.stdout
    result = run_cli(plain_env(tmp_path), "--demo", "status", timeout=10)
    assert result.returncode == 2 and "--demo takes no command" in result.stderr


# --- the demo from an install ------------------------------------------------------------------


def _without_moto(folder: Path) -> Path:
    """A folder for PYTHONPATH where moto is not importable, as in an install without the
    `demo` extra."""
    (folder / "moto").mkdir(parents=True)
    (folder / "moto" / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'moto'\", name='moto')\n")
    return folder


def _says_what_to_install(stderr: str) -> None:
    assert "pip install 'ecrtui[demo]'" in stderr
    assert "pipx inject ecrtui 'moto[server]' keyrings.alt" in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_the_headless_demo_without_its_extra_says_what_to_install(tmp_path: Path) -> None:
    variables = {**plain_env(tmp_path), "PYTHONPATH": str(_without_moto(tmp_path / "site"))}
    result = run_cli(variables, "--demo", "--headless", timeout=30)
    assert result.returncode == 2, result.stderr
    _says_what_to_install(result.stderr)


def test_the_demo_app_without_its_extra_says_what_to_install(shell: Terminal, tmp_path: Path) -> None:
    site = _without_moto(tmp_path / "site")
    (tmp_path / "r").write_text(f"cd {REPO}\nPYTHONPATH={site} {sys.executable} -m ecrtui --demo\necho exit==$?==\n")
    shell.keys("bash r", "Enter")
    shell.wait_for("the command to end", lambda s: "exit==" in s)
    lines = [line.rstrip() for line in joined(shell).splitlines() if line.strip()]
    assert lines[-2:] == ["exit==2==", "$"], lines
    _says_what_to_install(lines[-3] + "\n")


# --- small wording -------------------------------------------------------------------------------


def test_doctor_counts_one_warning_and_lists_a_shared_endpoint_once(env: Env) -> None:
    profiles = env.write_profiles(
        "version: 1\ndefaults:\n  cache: none\ntargets:\n  - name: t\n    region: us-east-1\n"
    )
    result = run_cli(env, "doctor", "--config", str(profiles))
    assert result.stdout.rstrip().endswith(" ok, 1 warning, 0 failed, 1 skipped"), result.stdout
    endpoints = [line for line in result.stdout.splitlines() if "Endpoint [" in line]
    assert len(endpoints) == 1 and "(for sts, ecr)" in endpoints[0], result.stdout


def test_logout_of_a_host_never_logged_into_says_so(env: Env) -> None:
    host = "111111111111.dkr.ecr.us-east-1.amazonaws.com"
    result = run_cli(env, "logout", "--region", "us-east-1", "--registries", "111111111111")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{host}: not logged in (nothing to erase)\n"
    assert run_cli(env, "login", "--region", "us-east-1", "--registries", "111111111111").returncode == 0
    result = run_cli(env, "logout", "--region", "us-east-1", "--registries", "111111111111")
    assert result.stdout == f"Logged out of {host}\n"


# --- a crash -------------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", ["", "1"])
def test_a_crash_restores_the_terminal_and_points_to_a_private_report(
    shell: Terminal, tmp_path: Path, debug: str
) -> None:
    # A real cause: an install that lost a data file of the app (its stylesheet), as a
    # wheel built without package data once did.
    install = tmp_path / "install"
    shutil.copytree(REPO / "ecrtui", install / "ecrtui", ignore=shutil.ignore_patterns("__pycache__", "app.tcss"))
    home = tmp_path / "home"
    (tmp_path / "r").write_text(
        f"cd {install}\nHOME={home} ECRTUI_DEBUG={debug} PYTHONPATH={install} {sys.executable} -m ecrtui\n"
        "echo exit==$?==\n"
    )
    shell.keys("bash r", "Enter")
    screen = shell.wait_for("the app to end", lambda s: "exit==" in s)
    assert shell.run("display-message", "-p", "-t", shell.session, "#{alternate_on}").stdout.strip() == "0"
    assert "exit==70==" in screen, screen
    [report] = (home / ".local" / "state" / "ecrtui" / "crashes").iterdir()
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert "StylesheetError" in report.read_text() and "Traceback" in report.read_text()
    lines = [line.rstrip() for line in joined(shell).splitlines() if line.strip()]
    if debug:  # Textual's own traceback, on request
        assert "StylesheetError: unable to read CSS file" in "\n".join(lines), lines
        assert lines[-3] == f"ecrtui crashed (StylesheetError): the report is in {report}", lines
    else:
        assert lines == [
            "$ bash r",
            f"ecrtui crashed (StylesheetError): the report is in {report}; "
            "run with ECRTUI_DEBUG=1 to see the traceback here",
            "exit==70==",
            "$",
        ]


def joined(shell: Terminal) -> str:
    """The screen with wrapped lines joined back."""
    return shell.run("capture-pane", "-p", "-J", "-t", shell.session).stdout


def test_crash_reports_hold_no_secret() -> None:
    token = "QVdTOmV5SndZWGxzYjJGa0lqb2lZV0pqWkdWbVoyaHBhbXRzYlc1dmNIRnljM1IxZG5kNGVYb2lmUT09"
    text = f"KeyError: {token!r} via http://user:s3cr3t@proxy:3128 and aws_secret_access_key=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
    scrubbed = scrub(text)
    assert token not in scrubbed and "s3cr3t" not in scrubbed and "wJalrXUtnFEMIK7MDENG" not in scrubbed
    assert "KeyError" in scrubbed and "proxy:3128" in scrubbed


# --- the demo touches nothing outside 127.0.0.1 -----------------------------------------------------

NETGUARD = REPO / "tests" / "support" / "netguard"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def demo_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A user's environment with no AWS at all, every Python process's addresses logged."""
    log = tmp_path / "addresses.log"
    variables = {**plain_env(tmp_path), "PYTHONPATH": str(NETGUARD), "ECRTUI_TEST_NETLOG": str(log)}
    del variables["AWS_ENDPOINT_URL"]
    return variables, log


def addresses(log: Path) -> set[str]:
    return {line.split(" ", 1)[1] for line in log.read_text().splitlines()}


def test_the_headless_demo_and_its_diagnostics_stay_on_loopback(tmp_path: Path) -> None:
    variables, log = demo_env(tmp_path)
    result = run_cli(variables, "--demo", "--headless", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    seen = addresses(log)
    assert "127.0.0.1" in seen  # the guard saw the demo's own calls
    assert seen <= LOOPBACK, seen - LOOPBACK
    doctor = result.stdout.split("$ ecrtui doctor --target staging", 1)[1].split("$ ecrtui status", 1)[0]
    stored = [line for line in doctor.splitlines() if "Stored credentials [" in line]
    assert len(stored) == 3 and all("works: the registry accepted it" in line for line in stored), doctor
    assert "✗ FAIL" not in doctor and "DNS" not in doctor
    assert "Repository exists (ecr:DescribeRepositories)" in doctor


def test_the_demo_apps_diagnostics_stay_on_loopback_and_show_their_intended_states(tmp_path: Path) -> None:
    variables, log = demo_env(tmp_path)
    variables.update(TERM="xterm-256color", COLUMNS="", LINES="")
    command = f"cd {REPO} && exec {sys.executable} -m ecrtui --demo"
    term = open_terminal("demo-net", command, variables, width=170, height=80)
    try:
        term.wait_for("the demo's registries", lambda s: "legacy-sso" in s and "not logged in" in s)
        term.keys("a", "l")
        term.wait_for("the logins", lambda s: all("logged in" in row(s, t) for t in ("dev", "staging", "prod")))
        term.keys("d")  # the first row: dev's first registry
        screen = term.wait_for("dev's diagnosis", lambda s: "Diagnostics:" in s and " ok " in s)
        summary = next(line for line in screen.splitlines() if " ok " in line and "✔" in line)
        assert "failed" not in summary, screen
        assert "IAM policy that grants" not in screen
        # prod's pull-only role may not push: its diagnosis shows the policy that grants it
        term.keys("Escape", "Down", "Down", "Down", "Down", "Down", "d")
        screen = term.wait_for("prod's diagnosis", lambda s: "Diagnostics: 998877665544" in s and " ok " in s)
        assert "IAM policy that grants what is missing" in screen, screen
        assert '"ecr:CompleteLayerUpload",' in screen and "may not call ecr:CompleteLayerUpload" in screen, screen
    finally:
        term.run("kill-server")
    seen = addresses(log)
    assert "127.0.0.1" in seen
    assert seen <= LOOPBACK, seen - LOOPBACK
