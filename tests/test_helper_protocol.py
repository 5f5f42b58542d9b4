"""The credential helper protocol, edge by edge, against a reference helper.

Every input is run through `docker-credential-secretservice` (docker-credential-helpers,
Debian's golang-docker-credential-helpers) on a real gnome-keyring, and through
`docker-credential-ecrtui`: both must answer with the same exit code and the same stdout
(or, for errors whose wording is ours, the same shape: exit 1 and one line). Then the
containers tools' logouts, which crash when `erase` of a missing host fails.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from support import hygiene
from support.commands import OUTSIDE, cli_command
from support.credential_helper import use_secret_service
from support.environment import Env
from support.gnome_keyring import SecretServiceSession
from support.keyring_fixtures import start_secret_service
from support.standins import require_binary


@pytest.fixture(scope="module")
def shared_secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretServiceSession]:
    """One keyring for the module: each case uses its own hosts, and starting a daemon per
    case would dominate the run."""
    session = start_secret_service(tmp_path_factory.mktemp("keyring") / "home", "unlocked")
    try:
        yield session
    finally:
        session.stop()


NOT_FOUND = "credentials not found in native keychain"
STORED = json.dumps({"ServerURL": "h.example", "Username": "u", "Secret": "s3cret-value"})


def run_reference(env: Env, action: str, stdin: bytes) -> tuple[int, str]:
    program = require_binary("docker-credential-secretservice")
    completed = subprocess.run(
        [program, action], input=stdin, capture_output=True, env=env.vars, timeout=30, check=False
    )
    return completed.returncode, completed.stdout.decode("utf-8", "replace")


def run_ecrtui(env: Env, *args: str, stdin: bytes = b"") -> tuple[int, str]:
    completed = subprocess.run(
        [*cli_command("docker-credential-ecrtui"), *args],
        input=stdin,
        capture_output=True,
        env=env.vars,
        timeout=60,
        check=False,
        cwd=OUTSIDE,
    )
    stdout, stderr = completed.stdout.decode("utf-8", "replace"), completed.stderr.decode("utf-8", "replace")
    hygiene.record("docker-credential-ecrtui", list(args), stdout, stderr, env.home)
    assert "internal error" not in stdout, stdout
    assert stderr == "", f"the protocol answers on stdout only: {stderr}"
    return completed.returncode, stdout


# (action, stdin, how to compare): "same" = exit code and stdout equal; "shape" = exit code
# equal and a one-line answer (the wording of a refused store is ecrtui's own).
CASES = [
    ("get", b"", "same"),  # no credentials server URL
    ("get", b"nohost.example\n", "same"),  # not found, exit 1
    ("get", b"https://nohost.example/v2/", "same"),
    ("get", b"\xff\xfe", "same"),  # not UTF-8: not found
    ("erase", b"nohost.example", "same"),  # erasing what is not there succeeds
    ("erase", b"", "same"),
    ("erase", b"\xff", "same"),
    ("list", b"", "same"),  # {}
    ("bogus", b"x", "same"),  # Unknown credential action `bogus`
    ("store", b"", "shape"),
    ("store", b"{}", "shape"),
    ("store", b"\xff", "shape"),
    ("store", b'{"ServerURL": "", "Username": "u", "Secret": "s"}', "shape"),
    ("store", b'{"ServerURL": "h.example", "Username": "", "Secret": "s"}', "shape"),
]


@pytest.mark.parametrize(("action", "stdin", "compare"), CASES, ids=[f"{a}-{s!r}" for a, s, _ in CASES])
def test_each_edge_is_answered_as_the_reference_helper_does(
    env: Env, shared_secret_service: SecretServiceSession, action: str, stdin: bytes, compare: str
) -> None:
    use_secret_service(env, shared_secret_service)
    reference = run_reference(env, action, stdin)
    ours = run_ecrtui(env, action, stdin=stdin)
    if compare == "same":
        assert ours == reference
    else:
        assert ours[0] == reference[0] == 1
        assert ours[1].endswith("\n") and ours[1].count("\n") == 1, ours[1]


def test_a_round_trip_answers_as_the_reference_helper_does(env: Env, secret_service: SecretServiceSession) -> None:
    use_secret_service(env, secret_service)
    steps = [
        ("store", STORED.encode()),
        ("get", b"h.example"),
        ("list", b""),
        ("erase", b"h.example"),
        ("erase", b"h.example"),  # a second erase: nothing there, still success
        ("get", b"h.example"),
        ("list", b""),
    ]
    for action, stdin in steps:
        reference = run_reference(env, action, stdin)
        ours = run_ecrtui(env, action, stdin=stdin)
        if action == "get" and reference[0] == 0:
            assert ours[0] == 0
            assert json.loads(ours[1]) == json.loads(reference[1]) == json.loads(STORED)
        else:
            assert ours == reference, (action, stdin)


def test_without_an_action_both_print_their_usage(env: Env, secret_service: SecretServiceSession) -> None:
    use_secret_service(env, secret_service)
    program = require_binary("docker-credential-secretservice")
    completed = subprocess.run([program], capture_output=True, text=True, env=env.vars, timeout=30, check=False)
    code, stdout = run_ecrtui(env)
    assert (code, stdout) == (completed.returncode, completed.stdout.replace(program, "docker-credential-ecrtui"))
    assert code == 1 and stdout.startswith("Usage: docker-credential-ecrtui <")


def containers_env(env: Env, host: str) -> None:
    """ecrtui as the containers tools' helper for `host`, holding no token for it."""
    run_dir = env.home / "run"
    run_dir.mkdir(mode=0o700)
    env.vars["XDG_RUNTIME_DIR"] = str(run_dir)
    env.podman_auth.parent.mkdir(parents=True, exist_ok=True)
    env.podman_auth.write_text(json.dumps({"credHelpers": {host: "ecrtui"}}))


@pytest.mark.parametrize("tool", ["podman", "skopeo", "buildah"])
def test_containers_tools_log_out_when_ecrtui_holds_no_token(
    env: Env, secret_service: SecretServiceSession, tool: str
) -> None:
    binary = require_binary(tool)
    use_secret_service(env, secret_service)
    host = "127.0.0.1:5999"
    containers_env(env, host)
    for args in ([host], ["--all"]):
        completed = subprocess.run(
            [binary, "logout", *args], capture_output=True, text=True, env=env.vars, timeout=120, check=False
        )
        assert completed.returncode == 0, completed.stderr
        assert "Removed login credentials" in completed.stdout
