"""Every shell command of README.md is run here, as a user would type it, against the
stand-ins (moto for ECR and STS, the ECR Public stand-in), with the installed commands on
PATH, in a HOME that holds what the README assumes: an AWS profile `dev` in eu-west-1 and
the README's own profiles file. A command that cannot run on this machine is listed in
NOT_RUNNABLE with the reason; a README command that is neither run nor listed fails."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import hygiene
from support.environment import Env

import ecrtui
from ecrtui.demo.standins.identity_center import IdentityCenterStandin
from ecrtui.demo.standins.identity_center_state import organisation

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"

NETWORK = "needs the network (GitHub); this machine reaches only package registries"
INTERACTIVE = "opens the interactive app; tests/test_packaging.py and tests/test_tui_terminal.py run it in tmux"

# The command exactly as the README writes it (comment stripped) -> why it is not run here.
NOT_RUNNABLE: dict[str, str] = {
    'pipx install "git+https://github.com/ecrtui/ecrtui@v0.2.0"': NETWORK,
    'python3 -m pip install --user "git+https://github.com/ecrtui/ecrtui@v0.2.0"': NETWORK,
    'pipx install "ecrtui[demo] @ git+https://github.com/ecrtui/ecrtui@v0.2.0"': NETWORK,
    "pipx install dist/ecrtui-0.2.0-py3-none-any.whl": (
        "installs the wheel with pipx; tests/test_packaging.py installs the same wheel into a fresh environment"
    ),
    "ecrtui --demo": INTERACTIVE,
    "ecrtui": INTERACTIVE,
    "ecrtui --config team.yaml": INTERACTIVE,
    "docker pull 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:latest": (
        "no Docker engine on this machine; tests/test_registry_e2e.py pulls and pushes with skopeo using the same credentials"
    ),
    "make test": "it is the command that runs this test (.ci/run)",
    "make test-e2e": "runs part of the suite this test belongs to (make test runs all of it)",
    "make test-unit": "runs part of the suite this test belongs to, this test included (make test runs all of it)",
    "make bench": "takes minutes and measures, it does not test; run by hand",
}

# Commands whose documented outcome is not exit 0: doctor exits 1 when a check fails, and
# the README's targets name accounts whose repositories the stand-in does not hold.
EXIT_CODES: dict[str, set[int]] = {
    "ecrtui doctor": {0, 1},
    "ecrtui doctor --target dev --repository team/app": {0, 1},
    "ecrtui doctor --registries 123456789012 --region eu-west-1 --output json": {0, 1},
}

AWS_CONFIG = """\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[profile dev]
region = eu-west-1
[profile dev-sso]
region = us-east-1
[profile prod]
region = us-east-1
"""

AWS_CREDENTIALS = """\
[dev]
aws_access_key_id = testing
aws_secret_access_key = testing
[dev-sso]
aws_access_key_id = testing
aws_secret_access_key = testing
[prod]
aws_access_key_id = testing
aws_secret_access_key = testing
"""


@dataclass(frozen=True)
class Block:
    line: int
    commands: tuple[str, ...]


def _commands(text: str) -> tuple[str, ...]:
    commands = []
    for raw in text.splitlines():
        line = re.sub(r"\s+#\s.*$", "", raw).strip()  # the README's comments: two spaces, then '# '
        if line and not line.startswith("#"):
            commands.append(line)
    return tuple(commands)


def readme_blocks() -> list[Block]:
    text = README.read_text()
    blocks = []
    for match in re.finditer(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.S | re.M):
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(line, _commands(match.group(1))))
    return blocks


def _bin_dir() -> Path:
    """The installed commands: the wheel's environment when the suite runs on it."""
    configured = os.environ.get("ECRTUI_TEST_BIN")
    return Path(configured) if configured else Path(sys.executable).parent


def _world(env: Env, identity_center: IdentityCenterStandin) -> dict[str, str]:
    env.write_aws_config(AWS_CONFIG)
    Path(env.vars["AWS_SHARED_CREDENTIALS_FILE"]).write_text(AWS_CREDENTIALS)
    profiles = Path(env.vars["XDG_CONFIG_HOME"]) / "ecrtui" / "profiles.yaml"
    profiles.parent.mkdir(parents=True, exist_ok=True)
    profiles.write_text(readme_profiles_file())
    (env.home / "team.yaml").write_text(readme_profiles_file())
    variables = dict(env.vars)
    variables.pop("AWS_ACCESS_KEY_ID", None)  # as on a laptop: credentials come from the profiles
    variables.pop("AWS_SECRET_ACCESS_KEY", None)
    variables["AWS_PROFILE"] = "dev"  # the default chain, for commands that name no profile
    variables["PATH"] = f"{_bin_dir()}{os.pathsep}{variables.get('PATH', '')}"
    variables.update(identity_center.environment())  # the README's sso-session `corp`
    return variables


def readme_profiles_file() -> str:
    """The README's example profiles file (the YAML block that starts with `version: 1`)."""
    for match in re.finditer(r"```yaml\n(.*?)```", README.read_text(), re.S):
        if match.group(1).startswith("version: 1"):
            return match.group(1)
    raise AssertionError("README.md has no example profiles file (a yaml block starting with 'version: 1')")


def test_every_readme_command_is_run_or_explained() -> None:
    listed = {command for block in readme_blocks() for command in block.commands}
    stale = sorted(set(NOT_RUNNABLE) - listed) + sorted(set(EXIT_CODES) - listed)
    assert not stale, f"entries for commands the README no longer has: {stale}"
    assert len(readme_blocks()) >= 8, "README.md lost its shell blocks"


def test_readme_names_the_release_it_documents() -> None:
    """The install lines and `uses:` pin a tag: it must be this version's."""
    text = README.read_text()
    tags = set(re.findall(r"@v(\d+\.\d+\.\d+)", text)) | set(re.findall(r"ecrtui-(\d+\.\d+\.\d+)-py3", text))
    assert tags == {ecrtui.__version__}, f"README pins {sorted(tags)}, the package is {ecrtui.__version__}"
    assert "<owner>" not in text


@pytest.fixture
def identity_center() -> Iterator[IdentityCenterStandin]:
    """IAM Identity Center for `ecrtui sso login`: its user approves the code at once."""
    with IdentityCenterStandin(organisation(3), interval=0, auto_approve=True) as server:
        try:
            yield server
        finally:
            for secret in server.state.handed_out:
                hygiene.register_secret(secret)


@pytest.mark.parametrize("block", readme_blocks(), ids=lambda block: f"line{block.line}")
def test_readme_block_runs(block: Block, env: Env, identity_center: IdentityCenterStandin) -> None:
    variables = _world(env, identity_center)
    ran = 0
    for command in block.commands:
        if command in NOT_RUNNABLE:
            continue
        cwd = REPO if command.startswith("make ") else env.home
        completed = subprocess.run(
            ["bash", "-c", command],
            env=variables,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        # The helper's `get` answers with the secret on stdout: that is its protocol.
        program, args = (
            ("docker-credential-ecrtui", ("get",)) if "credential-ecrtui get" in command else ("ecrtui", (command,))
        )
        hygiene.record(program, args, completed.stdout, completed.stderr, env.home)
        output = completed.stdout + completed.stderr
        assert completed.returncode in EXIT_CODES.get(command, {0}), (
            f"README line {block.line}: `{command}` exited {completed.returncode}:\n{output[-3000:]}"
        )
        assert "Traceback" not in output, f"`{command}` printed a traceback:\n{output[-3000:]}"
        ran += 1
    if ran == 0:
        pytest.skip("every command of this block is listed in NOT_RUNNABLE, with its reason")
