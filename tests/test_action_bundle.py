"""The GitHub Action's bundle (action/dist): up to date with the source and its pins, runs
on the oldest supported Python, and is the only code the action ever runs.

The isolation tests plant, in the job's workspace (the step's working folder), on
PYTHONPATH and in the runner's own site-packages, every module name the action imports
(ecrtui, yaml, filelock, botocore, urllib3, ...) and the hooks Python runs at start-up
(sitecustomize, usercustomize, .pth files, PYTHONSTARTUP), each writing a marker file
when it is imported; then run `node action/main.js` and `node action/post.js` as the
runner does, against moto, and check that the login and logout happened and no marker
was written.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.action_runner import HOST, SimulatedRunner, password_in
from support.commands import REPO
from support.environment import Env

DIST = REPO / "action" / "dist"
BUILD = REPO / "scripts" / "build_action_bundle.py"
PLANTED = (
    "ecrtui",
    "yaml",
    "filelock",
    "boto3",
    "botocore",
    "urllib3",
    "jmespath",
    "dateutil",
    "six",
    "keyring",
    "sitecustomize",
    "usercustomize",
    "logging",
    "argparse",
)


def test_bundle_is_up_to_date(tmp_path: Path) -> None:
    """Rebuilt from this tree and action/bundle-requirements.txt, every source and data
    file is the same, byte for byte; nothing extra is committed."""
    out = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, str(BUILD), "--no-bytecode", "--out", str(out)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 and "could not fetch" in done.stderr and os.environ.get("ECRTUI_REQUIRE_ALL") != "1":
        pytest.skip(f"the pinned wheels cannot be fetched here: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr
    built = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    committed = {p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file() and p.suffix != ".pyc"}
    stale = sorted(built ^ committed) + sorted(
        name for name in built & committed if not filecmp.cmp(out / name, DIST / name, shallow=False)
    )
    assert not stale, f"action/dist is stale ({stale[:5]}): run `python scripts/build_action_bundle.py` and commit"


# Run by each interpreter on its own bytecode (the source hash's algorithm changed in 3.11).
CHECK_PYCS = """
import _imp, pathlib, sys
tag = sys.implementation.cache_tag
bad = []
for pyc in pathlib.Path(sys.argv[1]).rglob("__pycache__/*." + tag + ".pyc"):
    data = pyc.read_bytes()
    source = pyc.parent.parent / (pyc.name.split(".")[0] + ".py")
    if not source.is_file() or int.from_bytes(data[4:8], "little") != 0b11:
        bad.append(str(pyc))
    elif _imp.source_hash(int.from_bytes(data[:4], "little"), source.read_bytes()) != data[8:16]:
        bad.append(str(pyc))
print(bad or "ok")
"""


def interpreter(version: str) -> str | None:
    found = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    return str(found[-1]) if found else shutil.which(f"python{version}")


@pytest.mark.parametrize("version", ["3.10", "3.11", "3.12", "3.13"])
def test_bundled_bytecode_matches_its_source(version: str) -> None:
    """Each supported CPython has its bytecode in the bundle (a fresh runner then never
    compiles botocore), every .pyc hash-checked (PEP 552: never trusted over an edited
    source, never invalidated by a checkout's file times) and compiled from the source
    beside it."""
    tag = f"cpython-{version.replace('.', '')}"
    pycs = list(DIST.rglob(f"__pycache__/*.{tag}.pyc"))
    sources = [p for p in (DIST / "lib").rglob("*.py")]
    assert len(pycs) == len(sources), f"{len(pycs)} {tag} .pyc files for {len(sources)} modules"
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} here to check its bytecode with")
    done = subprocess.run(
        [python, "-I", "-S", "-c", CHECK_PYCS, str(DIST)], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stdout + done.stderr


def test_bundle_holds_only_what_the_action_needs() -> None:
    lib = DIST / "lib"
    assert sorted(p.name for p in lib.iterdir() if p.name != "__pycache__") == [
        "botocore",
        "dateutil",
        "ecrtui",
        "filelock",
        "jmespath",
        "six.py",
        "urllib3",
        "yaml",
    ]
    assert (
        not (lib / "ecrtui" / "tui").exists()
        and not (lib / "ecrtui" / "core" / "cache" / "shared_session_keyring.py").exists()
    )
    services = sorted(p.name for p in (lib / "botocore" / "data").iterdir() if p.is_dir())
    assert services == ["ecr", "ecr-public", "sso", "sso-oidc", "sts"]
    licences = {p.parent.name for p in (DIST / "licenses").rglob("*") if p.is_file()}
    assert licences == {"botocore", "filelock", "jmespath", "python_dateutil", "pyyaml", "six", "urllib3"}
    size = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file() and p.suffix != ".pyc")
    assert size < 5 * 1024 * 1024, f"the bundle's sources grew to {size / 2**20:.1f} MiB"


def python_310() -> str:
    found = sorted(Path.home().glob(".pyenv/versions/3.10.*/bin/python3.10"))
    for candidate in [*map(str, found), "python3.10"]:
        probe = (
            subprocess.run(
                [candidate, "-I", "-S", "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
                capture_output=True,
                text=True,
                check=False,
            )
            if (Path(candidate).is_file() or "/" not in candidate)
            else None
        )
        if probe is not None and probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    pytest.skip("no Python 3.10 on this machine (the oldest the action supports)")


@pytest.fixture
def runner(env: Env, tmp_path: Path) -> SimulatedRunner:
    from support.standins import require_binary

    folder = tmp_path / "runner"
    folder.mkdir()
    return SimulatedRunner(env, folder, require_binary("node"))


def test_the_action_runs_on_python_3_10(runner: SimulatedRunner, env: Env) -> None:
    python = python_310()
    main = runner.run("main", {"registries": "123456789012"}, extra={"ECRTUI_PYTHON": python})
    assert main.process.returncode == 0, main.process.stdout + main.process.stderr
    assert password_in(env.docker_config, HOST) == "123456789012-auth-token"
    post = runner.run("post", {}, state=main.state, extra={"ECRTUI_PYTHON": python})
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert password_in(env.docker_config, HOST) is None


def plant(folder: Path, markers: Path) -> None:
    """Every planted module writes markers/<where>-<name> when imported."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in PLANTED:
        code = f"open({str(markers / (folder.name + '-' + name))!r}, 'w').close()\n"
        if name in ("ecrtui", "boto3", "botocore", "urllib3", "dateutil", "keyring"):
            (folder / name).mkdir(exist_ok=True)
            (folder / name / "__init__.py").write_text(code)
        else:
            (folder / f"{name}.py").write_text(code)
    (folder / "zz-planted.pth").write_text(f"import os; open({str(markers / (folder.name + '-pth'))!r}, 'w').close()\n")


def planted_python(tmp_path: Path, markers: Path) -> Path:
    """A virtual environment (the runner's Python, as a job might have set it up) with a
    fake ecrtui and the other planted modules in its site-packages."""
    venv = tmp_path / "runner-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    plant(site, markers)
    return venv / "bin" / "python"


def test_nothing_from_the_workspace_or_the_runner_is_imported(
    runner: SimulatedRunner, env: Env, tmp_path: Path
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    plant(runner.workspace, markers)  # the step's working folder and GITHUB_WORKSPACE
    python = planted_python(tmp_path, markers)
    startup = runner.workspace / "startup.py"
    startup.write_text(f"open({str(markers / 'startup')!r}, 'w').close()\n")
    # A `python3` in the workspace, reachable through `.` and empty PATH entries.
    fake = runner.workspace / "python3"
    fake.write_text(f"#!/bin/sh\ntouch {markers / 'python3-from-workspace'}\nexit 3\n")
    fake.chmod(0o755)
    real_bin = tmp_path / "real-bin"
    real_bin.mkdir()
    (real_bin / "python3").symlink_to(python)
    hostile = {
        "ECRTUI_PYTHON": "",
        "PATH": f".::{real_bin}:{env.vars['PATH']}",
        "PYTHONPATH": f"{runner.workspace}{os.pathsep}.",
        "PYTHONSTARTUP": str(startup),
        "PYTHONHOME": str(runner.workspace),
        "PYTHONUSERBASE": str(runner.workspace),
        "PYTHONINSPECT": "1",
    }
    main = runner.run("main", {"registries": "123456789012,111111111111"}, extra=hostile)
    assert main.process.returncode == 0, main.process.stdout + main.process.stderr
    assert password_in(env.docker_config, HOST) == "123456789012-auth-token"
    post = runner.run("post", {}, state=main.state, extra=hostile)
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert password_in(env.docker_config, HOST) is None
    assert sorted(p.name for p in markers.iterdir()) == []
    # The planted modules do work when imported the ordinary way: the test can see them.
    probe = subprocess.run([str(python), "-c", "import ecrtui"], cwd=tmp_path, check=False)
    assert probe.returncode == 0 and (markers / "site-packages-ecrtui").exists()


def test_the_entry_script_refuses_to_run_unisolated() -> None:
    """run_ecrtui.py set up by hand without -I -S would see PYTHONPATH and site: it stops."""
    done = subprocess.run(
        [sys.executable, str(REPO / "action" / "run_ecrtui.py"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("::error::run_ecrtui.py must be started as `python -I -S")


def test_bundled_ecrtui_is_the_one_that_runs(tmp_path: Path) -> None:
    """The entry script's sys.path: the bundle, then the standard library, nothing else."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import runpy, sys\n"
        f"sys.argv = [{str(REPO / 'action' / 'run_ecrtui.py')!r}, '--version']\n"
        "try:\n"
        f"    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "import ecrtui\n"
        "print(ecrtui.__file__)\n"
        "print('\\n'.join(sys.path))\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(probe)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert Path(lines[1]).is_relative_to(DIST / "lib"), lines
    assert lines[2] == str(DIST / "lib")
    stdlib = Path(importlib.util.find_spec("json").origin or "").parent.parent  # type: ignore[union-attr]
    for entry in lines[3:]:
        assert "site-packages" not in entry and str(tmp_path) not in entry, entry
        assert Path(entry).is_relative_to(Path(sys.base_prefix)) or Path(entry).is_relative_to(stdlib), entry


def test_the_bundle_without_keyring_runs_commands_that_read_the_cache(env: Env, tmp_path: Path) -> None:
    """The bundle has no keyring: a command that opens the token cache (status) treats it
    as no backend at all, never an ImportError traceback."""
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            str(REPO / "action" / "run_ecrtui.py"),
            "status",
            "--output",
            "json",
            "--registries",
            "123456789012",
            "--region",
            "us-east-1",
        ],
        env=env.vars,
        cwd=REPO / "action",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "keyring" not in done.stderr
    assert '"cached": null' in done.stdout


UPSTREAM = Path(os.environ.get("ECRTUI_UPSTREAM_ACTION", Path.home() / ".cache" / "ecrtui" / "amazon-ecr-login"))


def test_parity_with_the_upstream_action(env: Env, tmp_path: Path) -> None:
    """The upstream Action (its released dist/, when present here) and ecrtui's, run as the
    runner runs them with the same inputs: the same outputs, masks and `registries` state,
    and the post steps log out of the same hosts. The upstream shells out to `docker`: a
    recording one is first on PATH."""
    from support.github_files import parse_file_commands, step_environment

    if not (UPSTREAM / "dist" / "index.js").is_file():
        pytest.skip(f"the upstream Action's release is not in {UPSTREAM} (set ECRTUI_UPSTREAM_ACTION)")
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    argv_log = tmp_path / "docker-argv"
    (bin_folder / "docker").write_text(f'#!/bin/sh\necho "$@" >> {argv_log}\necho "Login Succeeded"\n')
    (bin_folder / "docker").chmod(0o755)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    inputs = {
        "INPUT_REGISTRIES": "123456789012,111111111111",
        "INPUT_REGISTRY-TYPE": "private",
        "INPUT_MASK-PASSWORD": "true",
        "INPUT_SKIP-LOGOUT": "false",
    }
    seen = {}
    for name, main, post in (
        ("upstream", UPSTREAM / "dist" / "index.js", UPSTREAM / "dist" / "cleanup" / "index.js"),
        ("ecrtui", REPO / "action" / "main.js", REPO / "action" / "post.js"),
    ):
        folder = tmp_path / name
        folder.mkdir()
        steps = []
        state: dict[str, str] = {}
        for number, script in enumerate((main, post), 1):
            variables, output, saved = step_environment(env.vars, folder, number)
            variables.update(inputs, PATH=f"{bin_folder}:{env.vars['PATH']}", GITHUB_WORKSPACE=str(workspace))
            variables.update({f"STATE_{k}": v for k, v in state.items()}, ECRTUI_PYTHON=sys.executable)
            done = subprocess.run(
                ["node", str(script)], env=variables, cwd=workspace, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, f"{name} {script.name}: {done.stdout}{done.stderr}"
            state = dict(parse_file_commands(saved.read_text()))
            steps.append((done.stdout, dict(parse_file_commands(output.read_text())), state))
            if name == "ecrtui" and number == 1:  # what ecrtui wrote itself, with the passwords
                written = sorted(
                    h for h in env.docker_auths() if password_in(env.docker_config, h) == h[:12] + "-auth-token"
                )
        (main_out, outputs, main_state), (post_out, _, _) = steps
        masks = sorted(line for line in main_out.splitlines() if line.startswith("::add-mask::"))
        if name == "upstream":
            calls = argv_log.read_text().splitlines()
            # `login -u AWS -p <password> https://<host>`: the password must be the host's token
            logins = sorted(
                c.split()[-1].removeprefix("https://")
                for c in calls
                if c.startswith("login") and c.split()[4].startswith(c.split()[-1].removeprefix("https://")[:12])
            )
            logouts = sorted(c.split()[-1] for c in calls if c.startswith("logout"))
        else:
            logins = written
            logouts = sorted(
                line.removeprefix("Logged out of ")
                for line in post_out.splitlines()
                if line.startswith("Logged out of ")
            )
        seen[name] = (outputs, masks, main_state.get("registries"), logins, logouts)
    assert seen["ecrtui"][:3] == seen["upstream"][:3]
    assert seen["ecrtui"][4] == seen["upstream"][4] == sorted(seen["upstream"][2].split(","))
    assert seen["ecrtui"][3] == seen["upstream"][3] == sorted(seen["upstream"][2].split(","))
    assert not env.docker_auths()  # ecrtui's post step left nothing behind
