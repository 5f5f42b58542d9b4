"""The repository as a GitHub Action: action.yml declares the upstream inputs (with the
upstream defaults) plus ecrtui's extras, and its node24 main and post scripts, run with
`node` under a simulated runner, log in and then log out for real, with the ecrtui bundled
in action/dist (scripts/build_action_bundle.py), never the one installed for the tests.

The runner is simulated as it behaves: INPUT_<NAME> for every input given in `with:` or
having a default (name upper-cased, hyphens kept), GITHUB_OUTPUT and GITHUB_STATE files,
and for the post step the main step's state as STATE_<name>.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.action_runner import ACTION, HOST, SimulatedRunner, password_in
from support.commands import REPO
from support.environment import Env
from support.standins import require_binary

OTHER_HOST = "111111111111.dkr.ecr.us-east-1.amazonaws.com"
UPSTREAM_INPUTS = {
    "registries": None,
    "registry-type": "private",
    "mask-password": "true",
    "skip-logout": "false",
    "http-proxy": None,
}


def test_inputs_match_the_upstream_action() -> None:
    inputs = ACTION["inputs"]
    for name, default in UPSTREAM_INPUTS.items():
        assert inputs[name].get("default") == default, name
        assert inputs[name].get("required", False) is False
        assert inputs[name]["description"].strip()
    assert {"region", "profile", "writers", "role-to-assume"} <= set(inputs)


def test_outputs_are_documented() -> None:
    assert "registry" in ACTION["outputs"]
    # The dynamic per-registry outputs cannot be declared; the description names them.
    for name in ("docker_username_<suffix>", "docker_password_<suffix>", "docker_password_public_ecr_aws"):
        assert name in ACTION["description"], name


def test_runs_node_with_a_post_step() -> None:
    runs = ACTION["runs"]
    assert runs["using"] == "node24"  # node20 is deprecated for JavaScript actions
    for step in ("main", "post"):
        assert (REPO / runs[step]).is_file(), runs[step]
    assert "post-if" not in runs  # the default, always(): log out even after a failed step


@pytest.fixture
def runner(env: Env, tmp_path: Path) -> SimulatedRunner:
    node = require_binary("node")
    folder = tmp_path / "runner"
    folder.mkdir()
    return SimulatedRunner(env, folder, node)


def test_main_logs_in_and_post_logs_out(runner: SimulatedRunner, env: Env) -> None:
    main = runner.run("main", {"registries": "123456789012,111111111111", "writers": "docker,podman"})
    assert main.process.returncode == 0, main.process.stdout + main.process.stderr
    assert main.outputs["docker_password_123456789012_dkr_ecr_us_east_1_amazonaws_com"] == "123456789012-auth-token"
    assert "::add-mask::123456789012-auth-token" in main.process.stdout  # stdio reaches the log
    assert main.state["registries"] == f"{HOST},{OTHER_HOST}"
    for path in (env.docker_config, env.podman_auth):
        assert password_in(path, HOST) == "123456789012-auth-token"
        assert password_in(path, OTHER_HOST) == "111111111111-auth-token"

    post = runner.run("post", {"registries": "123456789012,111111111111"}, state=main.state)
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert f"Logged out of {HOST}" in post.process.stdout
    for path in (env.docker_config, env.podman_auth):
        assert password_in(path, HOST) is None
        assert password_in(path, OTHER_HOST) is None


def test_public_registry_through_the_action(runner: SimulatedRunner, env: Env) -> None:
    main, post = runner.job({"registry-type": "public"})
    assert main.process.returncode == 0, main.process.stdout + main.process.stderr
    assert main.outputs["registry"] == "public.ecr.aws"
    assert main.outputs["docker_username_public_ecr_aws"] == "AWS"
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert password_in(env.docker_config, "public.ecr.aws") is None


def test_skip_logout_leaves_the_credentials(runner: SimulatedRunner, env: Env) -> None:
    main, post = runner.job({"skip-logout": "true"})
    assert main.process.returncode == 0, main.process.stdout + main.process.stderr
    assert "registries" not in main.state
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert password_in(env.docker_config, HOST) == "123456789012-auth-token"


def test_a_failing_login_fails_the_step(runner: SimulatedRunner, env: Env) -> None:
    main, post = runner.job({"registry-type": "qwerty"})
    assert main.process.returncode == 2
    assert (
        "::error::Invalid input for 'registry-type', possible options are [private, public]"
        in main.process.stdout.splitlines()
    )
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert not env.docker_config.exists()


def test_no_usable_python_fails_the_step_clearly(runner: SimulatedRunner, env: Env) -> None:
    main = runner.run("main", {}, extra={"ECRTUI_PYTHON": str(runner.folder / "no-such-python")})
    assert main.process.returncode == 1
    errors = [line for line in main.process.stdout.splitlines() if line.startswith("::error::")]
    assert any("ECRTUI_PYTHON" in line and "does not exist" in line for line in errors), errors
    assert not env.docker_config.exists()


def test_no_python_on_path_fails_the_step_clearly(runner: SimulatedRunner, env: Env) -> None:
    """A runner without python3 (a bare self-hosted one): one ::error:: that says what to do."""
    empty = runner.folder / "empty-bin"
    empty.mkdir()
    main = runner.run("main", {}, extra={"ECRTUI_PYTHON": "", "PATH": str(empty)})
    assert main.process.returncode == 1
    errors = [line for line in main.process.stdout.splitlines() if line.startswith("::error::")]
    assert len(errors) == 1, main.process.stdout
    assert "Python 3.10 or newer" in errors[0] and "actions/setup-python" in errors[0]
    assert "ECRTUI_PYTHON" in errors[0]
    assert not env.docker_config.exists()


def test_a_python_older_than_3_10_is_refused_clearly(runner: SimulatedRunner, env: Env) -> None:
    old = sorted(Path.home().glob(".pyenv/versions/3.[6-9].*/bin/python3"))
    if not old:
        pytest.skip("no Python older than 3.10 on this machine")
    main = runner.run("main", {}, extra={"ECRTUI_PYTHON": str(old[-1])})
    assert main.process.returncode == 1
    assert any("needs Python 3.10 or newer" in line for line in main.process.stdout.splitlines()), main.process.stdout
    assert not env.docker_config.exists()


def test_role_to_assume_input(runner: SimulatedRunner, env: Env) -> None:
    """moto's STS hands an assumed role credentials of the role's account, and its ECR then
    answers with that account's default registry: the host proves AssumeRole happened and
    that GetAuthorizationToken used the role's credentials, not the job's."""
    role_host = "998877665544.dkr.ecr.us-east-1.amazonaws.com"
    inputs = {"role-to-assume": "arn:aws:iam::998877665544:role/ecr-login"}
    main = runner.run("main", inputs)
    assert main.process.returncode == 0, main.process.stdout + main.process.stderr
    assert main.outputs["registry"] == role_host
    assert password_in(env.docker_config, role_host) == "998877665544-auth-token"
    assert password_in(env.docker_config, HOST) is None
    post = runner.run("post", inputs, state=main.state)
    assert post.process.returncode == 0, post.process.stdout + post.process.stderr
    assert password_in(env.docker_config, role_host) is None


def test_a_malformed_role_to_assume_is_refused(runner: SimulatedRunner, env: Env) -> None:
    main = runner.run("main", {"role-to-assume": "arn:aws:iam::123:user/me"})
    assert main.process.returncode == 2
    errors = [line for line in main.process.stdout.splitlines() if line.startswith("::error::")]
    assert errors and "input 'role-to-assume'" in errors[0] and "is not an IAM role ARN" in errors[0], errors
    assert not env.docker_config.exists()
