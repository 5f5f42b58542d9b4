"""Secret hygiene (SECURITY.md): no token or password in any output, log, argv or
environment of a helper; credentials files 0600 in folders only their owner can write;
proxy credentials redacted in every message, `ecrtui doctor` included.

The suite-wide half lives in conftest.py: every `run_cli` is recorded and the session
fails at its end if any output or log file holds a known secret (support/hygiene.py).
The tests here check that machinery, then the places a secret could escape through
other than printed output.
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from support import hygiene
from support.commands import OUTSIDE, cli_command, run_cli
from support.environment import Env

from ecrtui.demo.standins.ports import free_port

ACCOUNT = "123456789012"
HOST = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
PASSWORD = f"{ACCOUNT}-auth-token"  # what moto hands out for ACCOUNT
LOGIN = ("login", "--region", "us-east-1", "--registries", ACCOUNT)
needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc (Linux only)")


# --- the suite-wide scan ----------------------------------------------------------------


def test_the_scanner_knows_every_secret_the_stand_ins_hand_out() -> None:
    text = "\n".join(
        [
            "::add-mask::123456789012-auth-token",  # registering the mask is the point of the line
            "ok 210987654321.dkr.ecr.us-east-1.amazonaws.com",  # a host is not a secret
            "error: Secret: 210987654321-auth-token",
            "public-auth-token leaked",
            '{"auth": "QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu"}',  # base64 of AWS:<password>
            "proxy http://u:s3cr3t-proxy-pw@h:1",
        ]
    )
    found = hygiene.find_secrets(text)
    assert [line for line, _ in found] == [3, 4, 5, 6]
    assert hygiene.find_secrets("nothing here", extra=["here"]) == [(1, "here")]


def test_every_cli_run_and_its_log_files_are_recorded(env: Env) -> None:
    log = env.home / ".cache" / "ecrtui" / "ecrtui.log"
    log.parent.mkdir(parents=True)
    log.write_text("a log line\n")
    before = len(hygiene.recorded())
    result = run_cli(env, *LOGIN, "--output", "json")
    assert result.returncode == 0, result.stderr
    mine = hygiene.recorded()[before:]
    assert {o.where for o in mine} == {"stdout", "stderr", str(log)}
    assert all(o.command.startswith("ecrtui login") for o in mine)
    assert all("test_every_cli_run_and_its_log_files_are_recorded" in o.test for o in mine)


def test_no_output_of_any_command_shows_the_password(env: Env, tmp_path: Path) -> None:
    """login in every output format, GitHub mode with and without masking, status and
    logout: the password is in the credentials files and GITHUB_OUTPUT (their job) and
    nowhere else: not in stdout or stderr, the state file, lock or lease files."""
    github_output, github_state = tmp_path / "output", tmp_path / "state"
    github_output.touch()
    github_state.touch()
    github = {
        **env.vars,
        "GITHUB_ACTIONS": "true",
        "AWS_REGION": "us-east-1",
        "GITHUB_OUTPUT": str(github_output),
        "GITHUB_STATE": str(github_state),
        "INPUT_REGISTRIES": ACCOUNT,
    }
    runs = [
        run_cli(env, *LOGIN),
        run_cli(env, *LOGIN, "--output", "json", "--writer", "docker,podman,helm"),
        run_cli(env, "status", "--region", "us-east-1", "--registries", ACCOUNT, "--output", "json"),
        run_cli(github, "login"),
        run_cli({**github, "INPUT_MASK-PASSWORD": "false"}, "login"),
    ]
    state = {name: value for line in github_state.read_text().splitlines() for name, _, value in [line.partition("=")]}
    runs.append(run_cli({**github, **{f"STATE_{k}": v for k, v in state.items()}}, "logout"))
    runs.append(run_cli(env, "logout", "--region", "us-east-1", "--registries", ACCOUNT, "--writer", "podman,helm"))
    for result in runs:
        assert result.returncode == 0, (result.args, result.stdout, result.stderr)
        shown = [line for line in (result.stdout + result.stderr).splitlines() if "::add-mask::" not in line]
        assert not hygiene.find_secrets("\n".join(shown)), result.args
    masks = [line for line in runs[3].stdout.splitlines() if line.startswith("::add-mask::")]
    assert masks == [f"::add-mask::{PASSWORD}"], "the mask comes before any output that holds the password"
    assert PASSWORD in github_output.read_text()
    assert not hygiene.find_secrets(github_state.read_text())
    for path in env.home.rglob("*"):
        if path.is_file() and (path.name.endswith((".lock", "-leases")) or "state" in path.name):
            assert PASSWORD not in path.read_text(errors="replace"), path


# --- helpers: argv and environment ------------------------------------------------------

SPY = """#!/bin/sh
# A docker credential helper that records how it was started.
out="$SPY_DIR/$$"
cat > "$out.stdin"
tr '\\0' '\\n' < /proc/$$/cmdline > "$out.argv"
tr '\\0' '\\n' < /proc/$$/environ > "$out.environ"
tr '\\0' '\\n' < /proc/$PPID/cmdline > "$out.parent-argv"
tr '\\0' '\\n' < /proc/$PPID/environ > "$out.parent-environ"
case "$1" in
  store|erase) exit 0 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


def install(env: Env, name: str, script: str) -> Path:
    folder = env.home / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / f"docker-credential-{name}"
    program.write_text(script)
    program.chmod(0o755)
    env.vars["PATH"] = f"{folder}:{env.vars['PATH']}"
    return program


@needs_proc
def test_helpers_get_the_secret_on_stdin_never_in_argv_or_environment(env: Env) -> None:
    """With `credsStore: spy`, ecrtui runs docker-credential-spy: the password reaches it
    on stdin only; neither its command line and environment nor ecrtui's own (read from
    /proc while the helper runs) holds it."""
    spy_dir = env.home / "spy"
    spy_dir.mkdir()
    install(env, "spy", SPY)
    env.vars["SPY_DIR"] = str(spy_dir)
    env.docker_config.parent.mkdir()
    env.docker_config.write_text(json.dumps({"credsStore": "spy"}))
    assert run_cli(env, *LOGIN).returncode == 0
    assert run_cli(env, "logout", "--region", "us-east-1", "--registries", ACCOUNT).returncode == 0

    stdins = sorted(spy_dir.glob("*.stdin"))
    assert len(stdins) == 2, "one store, one erase"
    stored = [json.loads(p.read_text()) for p in stdins if p.read_text().startswith("{")]
    assert stored == [{"ServerURL": HOST, "Username": "AWS", "Secret": PASSWORD}]
    for kind in ("argv", "environ", "parent-argv", "parent-environ"):
        files = sorted(spy_dir.glob(f"*.{kind}"))
        assert len(files) == 2
        for path in files:
            assert PASSWORD not in path.read_text(errors="replace"), path
    argv = {tuple(p.read_text().split("\n")[1:3]) for p in spy_dir.glob("*.argv")}
    assert argv == {
        (str(env.home / "bin" / "docker-credential-spy"), "store"),
        (str(env.home / "bin" / "docker-credential-spy"), "erase"),
    }
    assert json.loads(env.docker_config.read_text())["auths"] == {}


def test_a_helper_that_echoes_its_input_cannot_put_the_secret_in_an_error(env: Env) -> None:
    install(env, "echo", '#!/bin/sh\necho "refused: $(cat)"\nexit 1\n')
    env.docker_config.parent.mkdir()
    env.docker_config.write_text(json.dumps({"credHelpers": {HOST: "echo"}}))
    result = run_cli(env, *LOGIN, "--output", "json")
    assert result.returncode == 1
    [record] = json.loads(result.stdout)["results"]
    assert "docker-credential-echo store failed: refused: " in record["error"]
    assert '"Secret": "***"' in record["error"]
    assert PASSWORD not in result.stdout + result.stderr


# --- file modes -------------------------------------------------------------------------


@pytest.mark.parametrize("github", [False, True], ids=["laptop", "github"])
def test_credentials_files_are_0600_in_folders_only_their_owner_can_write(
    env: Env, tmp_path: Path, github: bool
) -> None:
    """Under umask 0, which would make anything world-writable, every file ecrtui creates
    is 0600 and every folder (missing parents included) 0700: the three writers' files,
    the token cache's keyring file on a laptop, the lease file in GitHub mode."""
    env.vars.update(
        DOCKER_CONFIG=str(env.home / "a" / "b" / "docker"),
        REGISTRY_AUTH_FILE=str(env.home / "c" / "d" / "auth.json"),
        HELM_REGISTRY_CONFIG=str(env.home / "e" / "f" / "registry.json"),
        AWS_REGION="us-east-1",
    )
    if github:
        env.vars.update(
            GITHUB_ACTIONS="true",
            INPUT_WRITERS="docker,podman,helm",
            GITHUB_OUTPUT=str(tmp_path / "output"),
            GITHUB_STATE=str(tmp_path / "state"),
        )
    args = ["login"] if github else ["login", "--writer", "docker,podman,helm"]
    before = {p for p in env.home.rglob("*")}
    completed = subprocess.run(
        [*cli_command(), *args],
        env=env.vars,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=OUTSIDE,
        umask=0,
        check=False,
    )
    hygiene.record("ecrtui", args, completed.stdout, completed.stderr, env.home)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    created = {p for p in env.home.rglob("*")} - before
    files = {p.name for p in created if p.is_file()}
    assert {"config.json", "auth.json", "registry.json"} <= files
    assert (".config.json.ecrtui-leases" in files) == github
    for path in created:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"


def test_an_existing_readable_file_is_tightened_to_0600(env: Env) -> None:
    env.docker_config.parent.mkdir(mode=0o755)
    env.docker_config.write_text("{}")
    env.docker_config.chmod(0o644)
    assert run_cli(env, *LOGIN).returncode == 0
    assert stat.S_IMODE(env.docker_config.stat().st_mode) == 0o600


# --- proxy credentials ------------------------------------------------------------------

# Passwords as people really write them: with an unescaped @, escaped, with a colon.
PROXY_PASSWORDS = ["p@ss-at-sign", "pass%40escaped", "pa:ss-colon"]


@pytest.mark.parametrize("password", PROXY_PASSWORDS)
@pytest.mark.parametrize("how", ["--http-proxy", "HTTP_PROXY", "INPUT_HTTP-PROXY"])
def test_proxy_credentials_are_redacted_in_every_message(env: Env, tmp_path: Path, password: str, how: str) -> None:
    port = free_port()  # a dead proxy: every call fails and says through what
    url = f"http://ops:{password}@127.0.0.1:{port}"
    hygiene.register_secret(password)
    variables = dict(env.vars)
    args = [*LOGIN, "--max-attempts", "1", "--timeout", "2"]
    if how == "--http-proxy":
        args += ["--http-proxy", url]
    elif how == "HTTP_PROXY":
        variables["HTTP_PROXY"] = url
    else:
        (tmp_path / "output").touch()
        variables.update(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(tmp_path / "output"), **{how: url})
    result = run_cli(variables, *args)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert f"cannot connect to the proxy http://***@127.0.0.1:{port}" in output
    for piece in {password, password.split("@")[-1], password.split(":")[-1], "ops:"}:
        assert piece not in output, piece


def test_a_scheme_less_proxy_url_with_credentials_is_redacted_when_refused(env: Env) -> None:
    hygiene.register_secret("bare-proxy-pw")
    result = run_cli(env, *LOGIN, "--http-proxy", "ops:bare-proxy-pw@127.0.0.1:99999")
    assert result.returncode == 2
    assert "'http://***@127.0.0.1:99999' has an invalid port" in result.stderr
    assert "bare-proxy-pw" not in result.stdout + result.stderr


@pytest.mark.parametrize("output", ["text", "json"])
def test_doctor_never_shows_proxy_credentials(env: Env, output: str) -> None:
    """The doctor's proxy and endpoint checks name the proxy they used: redacted, whether
    it came from --http-proxy or from HTTP_PROXY/HTTPS_PROXY."""
    dead = free_port()
    hygiene.register_secret("p@ss-doctor-flag")
    hygiene.register_secret("doctor-env-pw")
    from_env = f"http://envops:doctor-env-pw@127.0.0.1:{dead}"
    variables = {**env.vars, "HTTP_PROXY": from_env, "HTTPS_PROXY": from_env}
    for extra in (["--http-proxy", f"http://ops:p@ss-doctor-flag@127.0.0.1:{dead}"], []):
        result = run_cli(variables, "doctor", *LOGIN[1:], "--timeout", "2", "--output", output, *extra)
        assert result.returncode in (0, 1), result.stderr
        shown = result.stdout + result.stderr
        assert f"http://***@127.0.0.1:{dead}" in shown, "the doctor reports the proxy it used"
        for secret in ("p@ss-doctor-flag", "ss-doctor-flag", "doctor-env-pw", "ops:", "envops"):
            assert secret not in shown, secret


@needs_proc
def test_environment_of_a_login_never_gains_a_secret(env: Env) -> None:
    """ecrtui passes its environment to helpers unchanged: no variable it sets holds a
    token (checked through a spy helper's /proc/self/environ against the parent's)."""
    spy_dir = env.home / "spy"
    spy_dir.mkdir()
    install(env, "spy", SPY)
    env.vars["SPY_DIR"] = str(spy_dir)
    env.docker_config.parent.mkdir()
    env.docker_config.write_text(json.dumps({"credsStore": "spy"}))
    assert run_cli(env, *LOGIN).returncode == 0
    [environ] = spy_dir.glob("*.environ")
    helper_env = dict(line.partition("=")[::2] for line in environ.read_text().splitlines() if line)
    added = {k for k in helper_env if k not in env.vars}
    assert added <= {"PWD", "SHLVL", "_", "OLDPWD"}, added
    assert not any(PASSWORD in value for value in helper_env.values())


# --- proxy and endpoint credentials on every path (issue 10, defect 3) --------------------

# Passwords a URL parser cuts short: a slash, a space, a backslash, an unescaped @.
AWKWARD_PASSWORDS = ["pw/with-slash1", "pw with-space2", "pw\\with-backslash3", "s3cret@sla/both-4"]
PROXY_SOURCES = ["--http-proxy", "HTTPS_PROXY", "HTTPS_PROXY scheme-less", "INPUT_HTTP-PROXY"]


def pieces(password: str) -> set[str]:
    """The password and every piece of it of 6 characters or more, as a parser cuts it."""
    import re

    return {password, *(p for p in re.split(r"[/@\s\\]+", password) if len(p) >= 6)}


def proxy_run(env: Env, tmp_path: Path, how: str, url: str, command: tuple[str, ...], output: str) -> str:
    variables = dict(env.vars)
    args = [*command, "--timeout", "2", "--output", output]
    if how == "--http-proxy":
        args += ["--http-proxy", url]
    elif how.startswith("HTTPS_PROXY"):
        variables["HTTPS_PROXY"] = variables["HTTP_PROXY"] = url
    else:
        variables[how] = url
    if output == "github" or how.startswith("INPUT_"):
        (tmp_path / "output").touch()
        variables.update(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(tmp_path / "output"), AWS_REGION="us-east-1")
    result = run_cli(variables, *args)
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown
    return shown + ((tmp_path / "output").read_text() if (tmp_path / "output").exists() else "")


@pytest.mark.parametrize("password", AWKWARD_PASSWORDS)
@pytest.mark.parametrize("how", PROXY_SOURCES)
@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_awkward_proxy_passwords_never_show_in_login_or_doctor(
    env: Env, tmp_path: Path, password: str, how: str, output: str
) -> None:
    for piece in pieces(password):
        hygiene.register_secret(piece)
    dead = free_port()
    url = f"ops:{password}@127.0.0.1:{dead}"
    url = url if how.endswith("scheme-less") else f"http://{url}"
    for command in ((*LOGIN, "--max-attempts", "1"), ("doctor", "--region", "us-east-1")):
        shown = proxy_run(env, tmp_path, how, url, command, output)
        for piece in pieces(password) | {"ops:"}:
            assert piece not in shown, (command[0], piece, shown[-2000:])


def test_a_407_from_an_authenticating_proxy_never_shows_the_wrong_password(
    env: Env, tmp_path: Path, tinyproxy_auth: object
) -> None:
    port = tinyproxy_auth.port  # type: ignore[attr-defined]
    for password in AWKWARD_PASSWORDS:
        for piece in pieces(password):
            hygiene.register_secret(piece)
        url = f"http://proxyuser:{password}@127.0.0.1:{port}"
        for command in ((*LOGIN, "--max-attempts", "1"), ("doctor", "--region", "us-east-1")):
            for output in ("text", "github"):
                shown = proxy_run(env, tmp_path, "HTTPS_PROXY", url, command, output)
                for piece in pieces(password) | {"proxyuser:"}:
                    assert piece not in shown, (command[0], piece)


@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_endpoint_url_credentials_never_show(env: Env, tmp_path: Path, output: str) -> None:
    hygiene.register_secret("endpoint-url-pw")
    dead = free_port()
    variables = dict(env.vars, AWS_ENDPOINT_URL=f"http://svc:endpoint-url-pw@127.0.0.1:{dead}")
    if output == "github":
        (tmp_path / "output").touch()
        variables.update(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(tmp_path / "output"))
    for command in ((*LOGIN, "--max-attempts", "1"), ("doctor", "--region", "us-east-1")):
        result = run_cli(variables, *command, "--timeout", "2", "--output", output)
        shown = result.stdout + result.stderr
        assert f"127.0.0.1:{dead}" in shown, "the message names the endpoint it could not reach"
        assert "endpoint-url-pw" not in shown and "svc:" not in shown


def test_the_apps_report_and_its_clipboard_copy_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The diagnostics screen renders core's checks: a finding that quotes a proxy URL or an
    AWS error with a credential in it is redacted and escaped before any screen sees it."""
    from ecrtui.core.diagnose.models import Category, Check, CheckStatus
    from ecrtui.tui.services import Diagnosis

    monkeypatch.setenv("HTTPS_PROXY", "ops:report-proxy-pw/x@127.0.0.1:3128")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "report-session-token-value")
    finding = (
        "through ops:report-proxy-pw/x@127.0.0.1:3128: Invalid header value b'report-session-token-value\\n'"
        "\n::error::forged \x1b]0;title\x07"
    )
    check = Check("network.proxy", "t", Category.NETWORK, "Proxy", CheckStatus.FAIL, finding)
    text = Diagnosis("registry", (check,)).as_text()
    for secret in ("report-proxy-pw", "report-session-token-value", "ops:"):
        assert secret not in text
    assert "\x1b" not in text and "\n::error::forged" not in text
