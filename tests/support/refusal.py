"""The refusal harness: bad and hostile input through the real `ecrtui` command, one case
table entry each (refusal_mistakes.py, refusal_hostile.py, refusal_hostile_files.py) and one runner,
`assert_refused`, used by tests/test_refusals.py.

Every case must end with its exit code (2: nothing tried; 1: the login ran and the file it
meant to write was refused), one line saying why (on stderr, or an `::error::` line on
stdout in GitHub mode), no traceback, no secret, nothing that moves a terminal's cursor, no
AWS call for 2, and every file under the test's home exactly as it was: bytes, mode and
symlink target. The setups below build each case's trap.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ecrtui.demo.standins.ecr_public import PRIVATE_TARGET, EcrPublicStandin
from support.commands import run_cli, starts_command
from support.environment import Env

Setup = Callable[[Env], None]
Where = Callable[[Env], Path]
FORGED = "registry=evil.example.com"  # an output line a hostile input tries to add


@dataclass(frozen=True)
class Refusal:
    args: tuple[str, ...]  # after `ecrtui`; `{home}` is the test's HOME
    reason: str  # what the one line about the failure must say
    code: int = 2
    env: dict[str, str] = field(default_factory=dict)
    setup: Setup | None = None
    github: bool = False  # the reason is an `::error::` line on stdout
    absent: str = ""  # a string the output must not contain (a secret, a forged line)


# --- where a trap goes, and the traps -------------------------------------------------------


def in_home(name: str) -> Where:
    return lambda env: env.home / name


def docker_config(env: Env) -> Path:
    return env.docker_config


def docker_folder(env: Env) -> Path:
    return env.docker_config.parent


def podman_auth(env: Env) -> Path:
    return env.podman_auth


def aws_config(env: Env) -> Path:
    return env.aws_config


def written(where: Where, text: str | bytes) -> Setup:
    def write(env: Env) -> None:
        where(env).write_bytes(text if isinstance(text, bytes) else text.encode())

    return write


def a_directory(where: Where) -> Setup:
    def make(env: Env) -> None:
        where(env).unlink()
        where(env).mkdir()

    return make


def fifo(where: Where) -> Setup:
    def make(env: Env) -> None:
        path = where(env)
        if path.exists():
            path.unlink()
        os.mkfifo(path)

    return make


def symlink(where: Where, to: str) -> Setup:
    def make(env: Env) -> None:
        path = where(env)
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(to.format(home=env.home, name=path.name))

    return make


def chmod(where: Where, mode: int) -> Setup:
    def change(env: Env) -> None:
        where(env).chmod(mode)

    return change


# --- the runner -------------------------------------------------------------------------------


def prepare(env: Env, case: Refusal) -> dict[str, str]:
    """Credentials and AWS files worth protecting, GitHub files, then the case's own trap."""
    for path, content in (
        (env.docker_config, {"auths": {"ghcr.io": {"auth": "bWU6cHc="}}, "credHelpers": {"gcr.io": "gcloud"}}),
        (env.podman_auth, {"auths": {"quay.io": {"auth": "bWU6cHc="}}}),
        (env.helm_config, {"auths": {}}),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
        path.chmod(0o600)
    env.aws_config.write_text("[profile dev]\nregion = eu-west-1\n")
    (env.home / ".aws" / "credentials").write_text(
        "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    (env.home / "file").write_text("a regular file\n")
    for name in ("github-output", "github-state"):
        (env.home / name).write_text("")
    variables = {
        "GITHUB_OUTPUT": str(env.home / "github-output"),
        "GITHUB_STATE": str(env.home / "github-state"),
        **{key: value.format(home=env.home) for key, value in case.env.items()},
    }
    if case.setup is not None:
        case.setup(env)
    return variables


def snapshot(root: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every path under `root` as (mode, content): bytes for files, the target for
    symlinks, a marker for folders and special files (never read: a FIFO would block)."""
    state: dict[str, tuple[int, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        if path.name.endswith(".lock"):
            continue  # the writers' lock files hold no data
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            content: bytes | str = f"-> {os.readlink(path)}"
        elif stat.S_ISREG(info.st_mode):
            content = path.read_bytes()
        else:
            content = "<dir>" if stat.S_ISDIR(info.st_mode) else "<special>"
        state[str(path)] = (stat.S_IMODE(info.st_mode), content)
    return state


def writable_again(env: Env) -> None:
    """Give back the write permission cases take away, so that pytest can clean up."""
    for path in (env.docker_config.parent, env.docker_config):
        if path.exists() and not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


@starts_command
def assert_refused(env: Env, ecr_public: EcrPublicStandin, case: Refusal) -> None:
    """Run the case through `ecrtui` and check everything a refusal promises."""
    env.vars["AWS_ENDPOINT_URL_ECR"] = ecr_public.url  # counts calls: exit 2 must mean none
    try:
        env.vars.update(prepare(env, case))
        before = snapshot(env.home)
        result = run_cli(env, *(arg.format(home=env.home) for arg in case.args))
        assert_one_clear_line(result.returncode, result.stdout, result.stderr, case)
        assert_nothing_changed(env, before, case)
    finally:
        writable_again(env)
    calls = [call for call in ecr_public.state.calls if call == PRIVATE_TARGET]
    assert len(calls) == (1 if case.code == 1 else 0)


def assert_one_clear_line(code: int, stdout: str, stderr: str, case: Refusal) -> None:
    output = stdout + stderr
    assert code == case.code, output
    assert "Traceback" not in output
    stream = stdout if case.github else stderr
    lines = [line for line in stream.splitlines() if case.reason in line]
    assert lines, f"{case.reason!r} not on one line of {stream!r}"
    if case.github:  # exactly one workflow command: the error, nothing forged around it
        assert [line for line in output.splitlines() if line.startswith("::")] == [lines[0]]
        assert lines[0].startswith("::error::")
        assert not any(line.startswith(FORGED) for line in output.splitlines())
    elif case.code == 2:
        assert stdout == ""  # stdout carries results only
        assert stderr.startswith("ecrtui: error: ")  # the one line; a hint may follow it
        assert lines[0].startswith(("ecrtui: error: ", "  hint: ")), lines[0]
    if case.absent:
        assert case.absent not in output
    for line in output.splitlines():  # nothing printed can move the cursor or retitle a terminal
        assert "\x1b" not in line and "\x07" not in line, line


def assert_nothing_changed(env: Env, before: dict[str, tuple[int, bytes | str]], case: Refusal) -> None:
    after = snapshot(env.home)
    if case.github and case.code == 1:  # upstream sets `registry` even when that login failed
        output_file = str(env.home / "github-output")
        assert after.pop(output_file)[1][:10] == b"registry<<"
        before.pop(output_file)
    assert after == before, "a refused run changed a file"
    assert not (env.home / "pwned").exists()
