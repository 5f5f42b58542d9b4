"""The client matrix: container clients nobody here wrote, against a real docker-registry
(htpasswd: user AWS, the password the ECR stand-in hands out), using only what ecrtui wrote
or serves. Clients: the docker CLI with a real dockerd of the module (skipped, with the
engine's own words, where dockerd cannot start), skopeo, podman, buildah (vfs storage, in
temp dirs),
docker-py's credential lookup (`docker.auth` + `docker.credentials`, what its client runs
before a pull), oras-py and the Helm v4 SDK (helm-python-sdk). Modes:

- auths: `ecrtui login` writes the token into each tool's file;
- cache: `ecrtui helper install` + `ecrtui login`, then AWS is unreachable, so every token
  comes from ecrtui's keyring cache through `docker-credential-ecrtui get`;
- client-login: the client's own login stores through the helper (ecrtui's `store`), AWS
  unreachable;
- logout: after `ecrtui logout` (auths and cache) each client is refused again.

"""

from __future__ import annotations

import base64
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.commands import run_cli
from support.credential_helper import use_ecr_standin, use_file_keyring
from support.environment import Env
from support.oci import write_oci_layout
from support.standins import RealRegistry, require_binary

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.ports import free_port

REPOSITORY = "team/app"
TAG = "1.0.0"
CLIENTS = ["docker", "skopeo", "podman", "buildah", "docker-py", "oras-py", "helm-sdk"]
WRITERS = "docker,podman,helm"


@dataclass
class Matrix:
    env: Env
    registry: RealRegistry
    profiles: Path
    tmp: Path
    runroot: Path  # podman refuses a runroot path over 50 characters: a short one in /tmp
    dockerd: str | None = None  # the socket of this module's dockerd, when docker is tested

    def run(self, *command: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            list(command), env=self.env.vars, input=stdin, capture_output=True, text=True, timeout=180, check=False
        )
        # shown when a cell fails: what the client said
        print(f"$ {' '.join(command[:4])} ... -> {result.returncode}\n{result.stdout[-600:]}{result.stderr[-600:]}")
        return result

    def ecrtui(self, *args: str) -> None:
        result = run_cli(self.env, *args, "--config", str(self.profiles), "--all", "--writer", WRITERS)
        assert result.returncode == 0, result.stdout + result.stderr

    def aws_unreachable(self) -> None:
        """From here on, any AWS call fails: a token can only come from the cache."""
        dead = f"http://127.0.0.1:{free_port()}"
        self.env.vars.update(AWS_ENDPOINT_URL=dead, AWS_ENDPOINT_URL_ECR=dead)

    def storage_flags(self) -> list[str]:
        """vfs storage, new for every run: a pull then always asks the registry."""
        root = Path(tempfile.mkdtemp(prefix="storage-", dir=self.tmp))
        return ["--storage-driver", "vfs", "--root", str(root), "--runroot", str(self.runroot)]


def _tags_url(m: Matrix) -> str:
    return f"http://{m.registry.host}/v2/{REPOSITORY}/tags/list"


# --- what each client does to reach the registry: True when it got in ----------------------


def docker_reads(m: Matrix) -> bool:
    """`docker pull`: the CLI resolves the credentials (file or helper), the engine pulls."""
    assert m.dockerd is not None
    result = m.run("docker", "-H", m.dockerd, "pull", f"{m.registry.host}/{REPOSITORY}:{TAG}")
    return result.returncode == 0


def skopeo_reads(m: Matrix) -> bool:
    result = m.run("skopeo", "list-tags", "--tls-verify=false", f"docker://{m.registry.host}/{REPOSITORY}")
    return result.returncode == 0 and TAG in json.loads(result.stdout)["Tags"]


def podman_reads(m: Matrix) -> bool:
    result = m.run(
        "podman", *m.storage_flags(), "search", "--list-tags", "--tls-verify=false", f"{m.registry.host}/{REPOSITORY}"
    )
    return result.returncode == 0 and TAG in result.stdout


def buildah_reads(m: Matrix) -> bool:
    result = m.run(
        "buildah", *m.storage_flags(), "pull", "--tls-verify=false", f"docker://{m.registry.host}/{REPOSITORY}:{TAG}"
    )
    return result.returncode == 0


def docker_py_reads(m: Matrix) -> bool:
    """docker-py's own lookup (credHelpers, credsStore, auths), then the registry with it."""
    script = (
        "import json, sys\n"
        "from docker import auth\n"
        "config = auth.load_config(sys.argv[1])\n"
        "found = auth.resolve_authconfig(config, sys.argv[2]) or {}\n"
        "print(json.dumps([found.get('Username') or found.get('username'), found.get('Password') or found.get('password')]))\n"
    )
    result = m.run(sys.executable, "-c", script, str(m.env.docker_config), m.registry.host)
    if result.returncode != 0:
        return False
    username, password = json.loads(result.stdout)
    return bool(username and password) and _registry_accepts(m, username, password)


def oras_reads(m: Matrix) -> bool:
    """oras-py's own lookup (~/.docker/config.json: auths, credHelpers, credsStore; it reads
    no DOCKER_CONFIG, and the test's DOCKER_CONFIG is that folder), then a manifest with it.
    Without credentials oras-py retries a 401 for minutes: no lookup result is a refusal."""
    script = (
        "import sys, oras.client\n"
        "ref = sys.argv[1] + '/' + sys.argv[2]\n"
        "client = oras.client.OrasClient(hostname=sys.argv[1], insecure=True, auth_backend='basic')\n"
        "client.auth.load_configs(client.get_container(ref))\n"
        "if not getattr(client.auth, '_basic_auth', None):\n"
        "    sys.exit('oras-py found no credentials')\n"
        "print(client.get_manifest(ref)['config']['digest'])\n"
    )
    result = m.run(sys.executable, "-c", script, m.registry.host, f"{REPOSITORY}:{TAG}")
    return result.returncode == 0 and result.stdout.startswith("sha256:")


def helm_reads(m: Matrix) -> bool:
    script = (
        "import sys, helm_python.registry as r\n"
        "client = r.RegistryClient(plain_http=True, credentials_file=sys.argv[1])\n"
        "print(client.resolve(sys.argv[2])['digest'])\n"
    )
    ref = f"oci://{m.registry.host}/{REPOSITORY}:{TAG}"
    result = m.run(sys.executable, "-c", script, str(m.env.helm_config), ref)
    return result.returncode == 0 and result.stdout.startswith("sha256:")


def _registry_accepts(m: Matrix, username: str, password: str) -> bool:
    request = urllib.request.Request(_tags_url(m))
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError:
        return False


READERS: dict[str, Callable[[Matrix], bool]] = {
    "docker": docker_reads,
    "skopeo": skopeo_reads,
    "podman": podman_reads,
    "buildah": buildah_reads,
    "docker-py": docker_py_reads,
    "oras-py": oras_reads,
    "helm-sdk": helm_reads,
}


# --- each client's own login, which must store through the helper ------------------------


def containers_login(tool: str) -> Callable[[Matrix], None]:
    def login(m: Matrix) -> None:
        result = m.run(
            tool,
            "login",
            "--tls-verify=false",
            "-u",
            "AWS",
            "--password-stdin",
            m.registry.host,
            stdin=m.registry.password,
        )
        assert result.returncode == 0, result.stderr

    return login


def docker_login(m: Matrix) -> None:
    assert m.dockerd is not None
    result = m.run(
        "docker", "-H", m.dockerd, "login", "-u", "AWS", "--password-stdin", m.registry.host, stdin=m.registry.password
    )
    assert result.returncode == 0, result.stderr


def docker_py_login(m: Matrix) -> None:
    """docker-py's credential store client, as its users store a login through a helper."""
    script = (
        "import sys\n"
        "from docker.credentials import Store\n"
        "Store('ecrtui').store(server=sys.argv[1], username='AWS', secret=sys.stdin.read())\n"
    )
    result = m.run(sys.executable, "-c", script, m.registry.host, stdin=m.registry.password)
    assert result.returncode == 0, result.stderr


def helm_login(m: Matrix) -> None:
    script = (
        "import sys, helm_python.registry as r\n"
        "client = r.RegistryClient(plain_http=True, credentials_file=sys.argv[1])\n"
        "client.login(sys.argv[2], 'AWS', sys.stdin.read(), plain_http=True)\n"
    )
    result = m.run(sys.executable, "-c", script, str(m.env.helm_config), m.registry.host, stdin=m.registry.password)
    assert result.returncode == 0, result.stderr


LOGINS: dict[str, Callable[[Matrix], None]] = {
    "docker": docker_login,
    "skopeo": containers_login("skopeo"),
    "podman": containers_login("podman"),
    "buildah": containers_login("buildah"),
    "docker-py": docker_py_login,
    "helm-sdk": helm_login,
}


# --- set-up --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real docker engine of this module (vfs storage, no bridge or iptables: it only
    pulls), on its own socket."""
    binary = require_binary("dockerd")
    require_binary("docker")
    root = Path(tempfile.mkdtemp(prefix="dockerd-", dir="/tmp"))  # short: socket paths are limited
    socket = root / "d.sock"
    log = (root / "log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            "--data-root",
            str(root / "data"),
            "--exec-root",
            str(root / "exec"),
            "--pidfile",
            str(root / "pid"),
            "--host",
            f"unix://{socket}",
            "--iptables=false",
            "--ip6tables=false",
            "--bridge=none",
            "--storage-driver=vfs",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run(
                ["docker", "-H", f"unix://{socket}", "version"], capture_output=True, timeout=30, check=False
            )
            if ready.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                reason = f"dockerd does not start here: {(root / 'log').read_text(errors='replace')[-300:]}"
                # Our own engine needs root: required in CI where the run is root (.ci/run).
                if os.environ.get("ECRTUI_REQUIRE_ALL") == "1" and getattr(os, "geteuid", lambda: -1)() == 0:
                    pytest.fail(f"CI requires every client: {reason}")
                pytest.skip(reason)
            time.sleep(0.2)  # polling the engine's readiness, with a deadline
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _require(client: str, request: pytest.FixtureRequest, m: Matrix) -> None:
    if client == "docker":
        m.dockerd = request.getfixturevalue("dockerd")
    if client in ("skopeo", "podman", "buildah"):
        require_binary(client)
    module = {"docker-py": "docker", "oras-py": "oras", "helm-sdk": "helm_python"}.get(client)
    if module is not None:
        if os.environ.get("ECRTUI_REQUIRE_ALL") == "1":
            importlib.import_module(module)  # in the test extra: CI must have it
        pytest.importorskip(module, reason=f"{client} is in the test extra of pyproject.toml")


@pytest.fixture
def matrix(env: Env, docker_registry: RealRegistry, ecr_public: EcrPublicStandin, tmp_path: Path) -> Iterator[Matrix]:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)  # tokens with a real 12-hour expiry, so the cache keeps them
    run_dir = tmp_path / "xdg-run"
    run_dir.mkdir(mode=0o700)
    env.vars["XDG_RUNTIME_DIR"] = str(run_dir)
    profiles = env.write_profiles(
        "version: 1\ntargets:\n  - name: local\n    region: us-east-1\n    registries:\n"
        f'      - {{id: "123456789012", host: "{docker_registry.host}"}}\n'
    )
    runroot = Path(tempfile.mkdtemp(prefix="ecrtui-", dir="/tmp"))
    m = Matrix(env, docker_registry, profiles, tmp_path, runroot)
    # One image in the registry, pushed with a throwaway auth file outside HOME.
    image = tmp_path / "image"
    write_oci_layout(image, TAG)
    pusher = tmp_path / "push-auth.json"
    token = base64.b64encode(f"AWS:{docker_registry.password}".encode()).decode()
    pusher.write_text(json.dumps({"auths": {docker_registry.host: {"auth": token}}}))
    pushed = m.run(
        require_binary("skopeo"),
        "copy",
        "--dest-tls-verify=false",
        "--dest-authfile",
        str(pusher),
        f"oci:{image}:{TAG}",
        f"docker://{docker_registry.host}/{REPOSITORY}:{TAG}",
    )
    assert pushed.returncode == 0, pushed.stderr
    pusher.unlink()
    try:
        yield m
    finally:
        shutil.rmtree(runroot, ignore_errors=True)


def _docker_host(m: Matrix, client: str) -> list[str]:
    return ["-H", m.dockerd] if client == "docker" and m.dockerd else []


def _no_password_in_files(m: Matrix) -> None:
    forms = (m.registry.password.encode(), base64.b64encode(f"AWS:{m.registry.password}".encode()))
    for path in (m.env.docker_config, m.env.podman_auth, m.env.helm_config):
        if path.exists():
            assert not any(form in path.read_bytes() for form in forms), f"a password was written to {path}"


# --- the cells -----------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_plain_auths_then_logout(matrix: Matrix, client: str, request: pytest.FixtureRequest) -> None:
    _require(client, request, matrix)
    read = READERS[client]
    assert not read(matrix), "nothing opens the registry before ecrtui writes"
    matrix.ecrtui("login")
    assert read(matrix)
    matrix.ecrtui("logout")
    assert not read(matrix), "logout closes it again"


@pytest.mark.parametrize("client", CLIENTS)
def test_cred_helpers_with_the_cache_then_logout(matrix: Matrix, client: str, request: pytest.FixtureRequest) -> None:
    _require(client, request, matrix)
    read = READERS[client]
    matrix.ecrtui("helper", "install")
    matrix.ecrtui("login")  # fills the keyring cache; the files get no password
    matrix.aws_unreachable()
    assert read(matrix), "served from the cache through docker-credential-ecrtui"
    _no_password_in_files(matrix)
    matrix.ecrtui("logout")
    assert not read(matrix), "after logout the cache is empty and AWS is unreachable"


@pytest.mark.parametrize("client", [c for c in CLIENTS if c in LOGINS])
def test_client_login_through_the_helper(matrix: Matrix, client: str, request: pytest.FixtureRequest) -> None:
    _require(client, request, matrix)
    read = READERS[client]
    matrix.ecrtui("helper", "install")
    matrix.aws_unreachable()
    assert not read(matrix), "nothing cached yet, and AWS cannot be asked"
    LOGINS[client](matrix)
    assert read(matrix), "the client's login went into ecrtui's cache, which serves it"
    _no_password_in_files(matrix)
    if client in ("docker", "skopeo", "podman", "buildah"):
        logout = matrix.run(client, *_docker_host(matrix, client), "logout", matrix.registry.host)
        assert logout.returncode == 0, logout.stderr
        assert not read(matrix), "the client's logout erased it through the helper"
