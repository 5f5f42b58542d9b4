"""What users install is what works: the sdist and the wheel built by `python -m build`,
checked by twine, the wheel holding exactly the files listed here, and installed into a
fresh virtual environment, from which, in a temporary folder (no source tree anywhere on
sys.path), `ecrtui --version`, `--help`, `docker-credential-ecrtui version`, a headless
login against moto and the app itself in tmux (80x24 and 130x40) all work.

The wheel and its environment are built once per session (tests/support/wheel.py): by
`make test` before pytest starts (ECRTUI_TEST_DIST, ECRTUI_TEST_BIN), else by the fixture.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import hygiene, wheel
from support.commands import REPO
from support.environment import Env
from support.standins import require_binary
from support.terminal import Terminal

from ecrtui import __version__

pytestmark = pytest.mark.e2e

# Every file of the wheel. A file added to or removed from the package must be added to or
# removed from this list too: nothing ships (or goes missing) by accident.
PACKAGE_FILES = [
    "ecrtui/__init__.py",
    "ecrtui/__main__.py",
    "ecrtui/cli/__init__.py",
    "ecrtui/cli/commands/__init__.py",
    "ecrtui/cli/commands/discover.py",
    "ecrtui/cli/commands/doctor.py",
    "ecrtui/cli/commands/helper.py",
    "ecrtui/cli/commands/login.py",
    "ecrtui/cli/commands/logout.py",
    "ecrtui/cli/commands/sso.py",
    "ecrtui/cli/commands/status.py",
    "ecrtui/cli/exit_codes.py",
    "ecrtui/cli/github_report.py",
    "ecrtui/cli/main.py",
    "ecrtui/cli/options.py",
    "ecrtui/cli/parser.py",
    "ecrtui/cli/records.py",
    "ecrtui/cli/render.py",
    "ecrtui/cli/request.py",
    "ecrtui/core/__init__.py",
    "ecrtui/core/addresses.py",
    "ecrtui/core/aws.py",
    "ecrtui/core/aws_config_files.py",
    "ecrtui/core/aws_errors.py",
    "ecrtui/core/aws_profiles.py",
    "ecrtui/core/cache/__init__.py",
    "ecrtui/core/cache/backends.py",
    "ecrtui/core/cache/dbus_wire.py",
    "ecrtui/core/cache/entry.py",
    "ecrtui/core/cache/errors.py",
    "ecrtui/core/cache/login_cache.py",
    "ecrtui/core/cache/secret_service_reader.py",
    "ecrtui/core/cache/shared_session_keyring.py",
    "ecrtui/core/cache/store.py",
    "ecrtui/core/clock.py",
    "ecrtui/core/deadline.py",
    "ecrtui/core/diagnose/__init__.py",
    "ecrtui/core/diagnose/check_ids.py",
    "ecrtui/core/diagnose/client_checks.py",
    "ecrtui/core/diagnose/config_checks.py",
    "ecrtui/core/diagnose/context.py",
    "ecrtui/core/diagnose/credential_checks.py",
    "ecrtui/core/diagnose/credentials_files.py",
    "ecrtui/core/diagnose/host_checks.py",
    "ecrtui/core/diagnose/identity_checks.py",
    "ecrtui/core/diagnose/local_checks.py",
    "ecrtui/core/diagnose/login_probe.py",
    "ecrtui/core/diagnose/models.py",
    "ecrtui/core/diagnose/network_checks.py",
    "ecrtui/core/diagnose/permission_checks.py",
    "ecrtui/core/diagnose/permission_probe.py",
    "ecrtui/core/diagnose/probe.py",
    "ecrtui/core/diagnose/repository_checks.py",
    "ecrtui/core/diagnose/runner.py",
    "ecrtui/core/diagnose/sso_checks.py",
    "ecrtui/core/discover.py",
    "ecrtui/core/engine.py",
    "ecrtui/core/errors.py",
    "ecrtui/core/gc_pause.py",
    "ecrtui/core/github.py",
    "ecrtui/core/helper_protocol.py",
    "ecrtui/core/iam_policy.py",
    "ecrtui/core/locations.py",
    "ecrtui/core/memo.py",
    "ecrtui/core/models.py",
    "ecrtui/core/partitions.py",
    "ecrtui/core/plan.py",
    "ecrtui/core/profiles_file.py",
    "ecrtui/core/profiles_reader.py",
    "ecrtui/core/proxy.py",
    "ecrtui/core/refresh.py",
    "ecrtui/core/sanitize.py",
    "ecrtui/core/shared_clients.py",
    "ecrtui/core/sso.py",
    "ecrtui/core/sso_cache.py",
    "ecrtui/core/sso_config.py",
    "ecrtui/core/sso_profiles.py",
    "ecrtui/core/sso_targets.py",
    "ecrtui/core/tokens.py",
    "ecrtui/core/usecases/__init__.py",
    "ecrtui/core/usecases/credential_helper.py",
    "ecrtui/core/usecases/doctor.py",
    "ecrtui/core/usecases/doctor_settings.py",
    "ecrtui/core/usecases/login.py",
    "ecrtui/core/usecases/logout.py",
    "ecrtui/core/usecases/status.py",
    "ecrtui/core/usecases/summary.py",
    "ecrtui/core/writers/__init__.py",
    "ecrtui/core/writers/authfile.py",
    "ecrtui/core/writers/credential_programs.py",
    "ecrtui/core/writers/jsonfile.py",
    "ecrtui/core/written.py",
    "ecrtui/core/yaml_walk.py",
    "ecrtui/demo/__init__.py",
    "ecrtui/demo/environment.py",
    "ecrtui/demo/files.py",
    "ecrtui/demo/moto_world.py",
    "ecrtui/demo/run.py",
    "ecrtui/demo/sso.py",
    "ecrtui/demo/standins/__init__.py",
    "ecrtui/demo/standins/ecr_public.py",
    "ecrtui/demo/standins/identity_center.py",
    "ecrtui/demo/standins/identity_center_state.py",
    "ecrtui/demo/standins/ports.py",
    "ecrtui/demo/standins/registries.py",
    "ecrtui/demo/standins/server.py",
    "ecrtui/helper.py",
    "ecrtui/launcher.py",
    "ecrtui/pipes.py",
    "ecrtui/tui/__init__.py",
    "ecrtui/tui/app.py",
    "ecrtui/tui/app.tcss",
    "ecrtui/tui/app_view.py",
    "ecrtui/tui/bindings.py",
    "ecrtui/tui/commands.py",
    "ecrtui/tui/crash.py",
    "ecrtui/tui/flows/__init__.py",
    "ecrtui/tui/flows/diagnose.py",
    "ecrtui/tui/flows/keys.py",
    "ecrtui/tui/flows/login.py",
    "ecrtui/tui/flows/logout.py",
    "ecrtui/tui/flows/sso.py",
    "ecrtui/tui/flows/table.py",
    "ecrtui/tui/login_process.py",
    "ecrtui/tui/messages.py",
    "ecrtui/tui/rows.py",
    "ecrtui/tui/screens/__init__.py",
    "ecrtui/tui/screens/confirm_screen.py",
    "ecrtui/tui/screens/diagnostics_screen.py",
    "ecrtui/tui/screens/dialog.py",
    "ecrtui/tui/screens/discovery_screen.py",
    "ecrtui/tui/screens/help_screen.py",
    "ecrtui/tui/screens/identity_center.py",
    "ecrtui/tui/screens/main_screen.py",
    "ecrtui/tui/screens/row_screen.py",
    "ecrtui/tui/screens/sign_in_screen.py",
    "ecrtui/tui/services.py",
    "ecrtui/tui/settings.py",
    "ecrtui/tui/widgets/__init__.py",
    "ecrtui/tui/widgets/details_panel.py",
    "ecrtui/tui/widgets/profile_sidebar.py",
    "ecrtui/tui/widgets/registry_table.py",
    "ecrtui/tui/widgets/table_cells.py",
    "ecrtui/tui/widgets/table_columns.py",
    "ecrtui/tui/wording.py",
]
DIST_INFO_FILES = ["METADATA", "WHEEL", "entry_points.txt", "top_level.txt", "RECORD", "licenses/LICENSE"]
ACCOUNT = "123456789012"
HOST = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
DEADLINE_SECONDS = 30.0


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> wheel.Built:
    dist, bin_folder = os.environ.get("ECRTUI_TEST_DIST"), os.environ.get("ECRTUI_TEST_BIN")
    if dist and bin_folder:
        return wheel.Built(Path(dist), Path(bin_folder).parent)
    return wheel.build(tmp_path_factory.mktemp("wheel"))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder with nothing of the source tree in or above it."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    assert REPO not in folder.parents
    return folder


def installed(built: wheel.Built, env: dict[str, str], cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run one of the installed environment's commands (`ecrtui`, `python`, ...)."""
    program, *args = argv
    completed = subprocess.run(
        [str(built.bin / program), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    hygiene.record(program, args, completed.stdout, completed.stderr, None)
    return completed


def test_twine_accepts_the_sdist_and_the_wheel(built: wheel.Built) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(built.sdist), str(built.wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


def test_the_wheel_holds_exactly_the_listed_files(built: wheel.Built) -> None:
    assert built.wheel.name == f"ecrtui-{__version__}-py3-none-any.whl"
    info = f"ecrtui-{__version__}.dist-info"
    expected = set(PACKAGE_FILES) | {f"{info}/{name}" for name in DIST_INFO_FILES}
    actual = set(zipfile.ZipFile(built.wheel).namelist())
    assert not actual - expected, f"in the wheel but not in PACKAGE_FILES: {sorted(actual - expected)}"
    assert not expected - actual, f"in PACKAGE_FILES but not in the wheel: {sorted(expected - actual)}"


def test_the_sdist_carries_the_stylesheet_the_tests_and_the_license(built: wheel.Built) -> None:
    root = f"ecrtui-{__version__}"
    with tarfile.open(built.sdist) as sdist:
        names = set(sdist.getnames())
    for name in ("ecrtui/tui/app.tcss", "LICENSE", "CHANGELOG.md", "README.md", "tests/conftest.py"):
        assert f"{root}/{name}" in names, name
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.fixture
def user_env(env: Env) -> dict[str, str]:
    """The isolated HOME and moto of `env`, without any trace of the source tree."""
    variables = {k: v for k, v in env.vars.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    variables["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"  # the demo extra's
    return variables


def test_ecrtui_is_imported_from_the_installed_wheel(
    built: wheel.Built, user_env: dict[str, str], outside: Path
) -> None:
    code = "import ecrtui, sys; print(ecrtui.__file__); print(sys.prefix)"
    done = installed(built, user_env, outside, "python", "-c", code)
    assert done.returncode == 0, done.stderr
    module, prefix = done.stdout.splitlines()
    assert Path(module).is_relative_to(built.venv), module
    assert Path(prefix) == built.venv
    assert not Path(module).is_relative_to(REPO / "ecrtui")


def test_version_names_ecrtui_python_botocore_and_textual(
    built: wheel.Built, user_env: dict[str, str], outside: Path
) -> None:
    code = (
        "import importlib.metadata as m, platform; "
        "print(platform.python_version(), m.version('botocore'), m.version('textual'))"
    )
    python, botocore, textual = installed(built, user_env, outside, "python", "-c", code).stdout.split()
    done = installed(built, user_env, outside, "ecrtui", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ecrtui {__version__} (Python {python}, botocore {botocore}, Textual {textual})\n"


def test_help_lists_the_commands(built: wheel.Built, user_env: dict[str, str], outside: Path) -> None:
    done = installed(built, user_env, outside, "ecrtui", "--help")
    assert done.returncode == 0, done.stderr
    for command in ("login", "logout", "status", "doctor", "helper", "--version"):
        assert command in done.stdout, command
    assert "Traceback" not in done.stdout + done.stderr


def test_the_credential_helper_reports_its_version(built: wheel.Built, user_env: dict[str, str], outside: Path) -> None:
    done = installed(built, user_env, outside, "docker-credential-ecrtui", "version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"docker-credential-ecrtui (ecrtui) {__version__}\n"


def test_a_headless_login_against_moto(built: wheel.Built, user_env: dict[str, str], outside: Path, env: Env) -> None:
    done = installed(built, user_env, outside, "ecrtui", "login", "--region", "us-east-1", "--output", "json")
    assert done.returncode == 0, done.stderr
    [record] = json.loads(done.stdout)["results"]
    assert (record["registry"], record["status"]) == (HOST, "ok")
    auth = json.loads(env.docker_config.read_text())["auths"][HOST]["auth"]
    assert base64.b64decode(auth).decode() == f"AWS:{ACCOUNT}-auth-token"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Terminal]:
    """A private tmux server (see test_tui_terminal.py) whose session `app` the test starts."""
    terminal = Terminal(require_binary("tmux"), f"ecrtui-pack-{os.getpid()}-{tmp_path.name}", "app")
    try:
        yield terminal
    finally:
        terminal.run("kill-server")


def pane(terminal: Terminal, field: str) -> str:
    return terminal.run("display-message", "-p", "-t", terminal.session, f"#{{{field}}}").stdout.strip()


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (130, 40)])
def test_the_app_paints_its_table_in_a_real_terminal_and_quits_on_q(
    built: wheel.Built, user_env: dict[str, str], outside: Path, env: Env, tmux: Terminal, columns: int, lines: int
) -> None:
    profiles = env.write_profiles(
        f'version: 1\ntargets:\n  - name: wheel-check\n    region: us-east-1\n    registries: ["{ACCOUNT}"]\n'
    )
    variables = {k: v for k, v in user_env.items() if not k.startswith("TMUX")}
    variables.update(TERM="xterm-256color", ECRTUI_CONFIG=str(profiles))
    variables.pop("COLUMNS", None)
    variables.pop("LINES", None)
    conf = outside / "tmux.conf"
    conf.write_text("set -g remain-on-exit on\n")  # keep the pane, to read what is left on it
    size = ["-x", str(columns), "-y", str(lines)]
    # The shell keeps the exit status (tmux's own #{pane_dead_status} sometimes stays empty).
    status = outside / "exit-status"
    command = f"cd {shlex.quote(str(outside))} && {shlex.quote(str(built.bin / 'ecrtui'))}; echo $? > {status.name}"
    started = subprocess.run(
        [tmux.tmux, "-L", tmux.socket, "-f", str(conf), "new-session", "-d", "-s", tmux.session, *size, command],
        env=variables,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert started.returncode == 0, started.stderr

    painted = poll(
        tmux.screen, lambda s: ("wheel-check" in s and has_table_header(s)) or pane(tmux, "pane_dead") == "1"
    )
    screen = tmux.screen()
    assert painted and has_table_header(screen), f"the table never appeared at {columns}x{lines}:\n{screen}"
    assert pane(tmux, "pane_dead") == "0", f"the app exited:\n{screen}"
    assert "Traceback" not in screen

    tmux.keys("q")
    ended = poll(lambda: status.read_text() if status.exists() else "", lambda text: text.endswith("\n"))
    assert ended == "0\n", f"exit status {ended!r}:\n{tmux.screen()}"
    assert "Traceback" not in tmux.screen()


def has_table_header(screen: str) -> bool:
    """A line of the registry table's header: Target, Registry, Status, in that order."""
    for line in screen.splitlines():
        words = line.replace("│", " ").split()
        if "Target" in words and words[words.index("Target") + 1 : words.index("Target") + 3] == ["Registry", "Status"]:
            return True
    return False


def poll(read: Callable[[], str], ready: Callable[[str], bool]) -> str:
    """Read until ready (with a deadline, never a fixed sleep): that reading, or ''."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        value = read()
        if ready(value):
            return value
        time.sleep(0.1)
    return ""


def test_version_imports_neither_textual_nor_botocore(outside: Path) -> None:
    """`ecrtui --version` reads the versions from metadata: the headless path stays cheap."""
    code = (
        "import sys\nfrom ecrtui.launcher import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'botocore', 'boto3'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=outside, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    first, modules = done.stdout.splitlines()
    assert first.startswith(f"ecrtui {__version__} (Python ")
    assert modules == "[]"
