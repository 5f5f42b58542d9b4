"""The local stand-ins every benchmark runs against, in processes of their own.

moto (server mode) sits behind the tests' latency-injecting reverse proxy
(`tests/support/faultproxy.py`, reused, not copied), so every AWS call costs a fixed,
configurable delay, as a real region away would. The proxy runs in a child process and
moto in one of its own, so that their request handling never competes with the measured
code, or with each other, for a GIL. The benchmark talks to the proxy's process over its
stdin/stdout, one JSON command per line:

    {"op": "latency", "seconds": 0.15}      -> {"ok": true}
    {"op": "clear"}                         -> {"ok": true}  (forget the requests and rules)
    {"op": "seen"}                          -> {"requests": [[at, region, target], ...]}
    {"op": "throttle", "per_region": 2}     -> {"ok": true}  (the next 2 calls in each region
                                               get ThrottlingException, then latency again)

`python -m benchmarks._standins` is that child; `StandIns` starts and drives it. The
docker-registry stand-in (`Registry`) and the isolated workspace (`Workspace`: HOME, AWS
profiles, profiles file, docker config) live here too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ecrtui.demo.standins.ports import free_port, wait_for_port

REPO = Path(__file__).resolve().parent.parent
SUPPORT = REPO / "tests" / "support"
ACCOUNT = "123456789012"  # moto's caller account: `get-login-password` is its token
PASSWORD = f"{ACCOUNT}-auth-token"
REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
    "eu-north-1",
    "ap-south-1",
)


# --- the child process ---------------------------------------------------------------------


def _serve() -> None:
    """Run moto (a process of its own) and the proxy; answer commands until stdin closes."""
    sys.path.insert(0, str(SUPPORT))
    from faultproxy import Fault, FaultProxy

    port = free_port()
    # moto in its own process: its request handling (a few ms of CPU per call) must not
    # hold the proxy's GIL, or the proxy would add latency of its own.
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    proxy = FaultProxy(f"http://127.0.0.1:{port}").start()
    print(json.dumps({"url": proxy.url}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        answer: dict[str, Any] = {"ok": True}
        if op == "latency":
            proxy.latency = float(command["seconds"])
        elif op == "clear":
            proxy.clear()
        elif op == "seen":
            answer = {"requests": [[s.at, s.region, s.target] for s in proxy.seen]}
        elif op == "throttle":
            for region in REGIONS:
                throttles = [Fault.throttle()] * int(command["per_region"])
                proxy.inject(
                    *throttles, then=Fault.forward(proxy.latency), region=region, target="GetAuthorizationToken"
                )
        print(json.dumps(answer), flush=True)
    proxy.stop()
    moto.terminate()
    moto.wait(timeout=10)


# --- the benchmark's side --------------------------------------------------------------------


class StandIns:
    """moto behind the latency proxy, in a child process. `url` goes in AWS_ENDPOINT_URL."""

    def __init__(self, latency: float) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._standins"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self._lock = threading.Lock()
        ready = json.loads(self._stdout.readline())
        self.url: str = ready["url"]
        self.latency = latency
        self.set_latency(latency)

    @property
    def _stdout(self) -> IO[str]:
        assert self._process.stdout is not None
        return self._process.stdout

    def _ask(self, **command: Any) -> dict[str, Any]:
        assert self._process.stdin is not None
        with self._lock:
            self._process.stdin.write(json.dumps(command) + "\n")
            self._process.stdin.flush()
            answer: dict[str, Any] = json.loads(self._stdout.readline())
        return answer

    def set_latency(self, seconds: float) -> None:
        self.latency = seconds
        self._ask(op="latency", seconds=seconds)

    def clear(self) -> None:
        self._ask(op="clear")

    def throttle(self, per_region: int) -> None:
        """The next `per_region` GetAuthorizationToken calls in each region get AWS's
        ThrottlingException (HTTP 400), the later ones the usual latency."""
        self._ask(op="throttle", per_region=per_region)

    def requests(self) -> list[tuple[float, str | None, str | None]]:
        """(arrival time, region, X-Amz-Target) of every request since the last clear."""
        return [(float(at), region, target) for at, region, target in self._ask(op="seen")["requests"]]

    def token_calls(self) -> int:
        return sum(1 for _, _, target in self.requests() if target and target.endswith("GetAuthorizationToken"))

    def peak_in_flight(self) -> int:
        """Most GetAuthorizationToken calls that arrived within one latency window: each
        of them was still held by the proxy when the last arrived, so at least this many
        were in flight at once (a close lower bound, as the upstream answers in ~ms)."""
        times = sorted(at for at, _, target in self.requests() if target and target.endswith("GetAuthorizationToken"))
        peak, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= self.latency:
                start += 1
            peak = max(peak, end - start + 1)
        return peak

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> StandIns:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Registry:
    """docker-registry (distribution) on a loopback port, htpasswd user AWS with the
    password moto hands out: `docker login` and `skopeo login` really check it."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("docker-registry")
        htpasswd = shutil.which("htpasswd")
        if binary is None or htpasswd is None:
            raise RuntimeError(
                "docker-registry and htpasswd are needed (apt-get install docker-registry apache2-utils)"
            )
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([htpasswd, "-Bbc", str(folder / "htpasswd"), "AWS", PASSWORD], check=True, capture_output=True)
        self.port = free_port()
        config = folder / "config.yml"
        config.write_text(
            "version: 0.1\n"
            "log: {level: error}\n"
            f"storage: {{filesystem: {{rootdirectory: {folder / 'data'}}}}}\n"
            f"http: {{addr: 127.0.0.1:{self.port}}}\n"
            f"auth: {{htpasswd: {{realm: bench, path: {folder / 'htpasswd'}}}}}\n"
        )
        self._log = open(folder / "registry.log", "wb")  # noqa: SIM115 - closed in close()
        self._process = subprocess.Popen([binary, "serve", str(config)], stdout=self._log, stderr=self._log)
        wait_for_port(self.port)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        self._log.close()


@dataclass(frozen=True)
class Layout:
    """Which registries a run logs into: `targets` AWS profiles, each with one registry
    in each of `regions` regions (so targets x regions groups, one call each)."""

    targets: int
    regions: int

    @property
    def registries(self) -> int:
        return self.targets * self.regions

    def account(self, target: int, region: int) -> str:
        return f"{100000000000 + target * 100 + region:012d}"

    def entries(self) -> list[tuple[str, str, str]]:
        """(profile, region, registry host) of every registry."""
        return [
            (f"bench{t:03d}", REGIONS[r], f"{self.account(t, r)}.dkr.ecr.{REGIONS[r]}.amazonaws.com")
            for t in range(self.targets)
            for r in range(self.regions)
        ]


class Workspace:
    """An isolated HOME: AWS config and credentials with one static-key profile per
    target, a profiles file, an empty docker config. `env` is the environment to run in."""

    def __init__(self, root: Path, standins: StandIns, layout: Layout, *, jobs: int | None = None) -> None:
        self.root = root
        self.layout = layout
        home = root / "home"
        if home.exists():
            shutil.rmtree(home)
        (home / ".aws").mkdir(parents=True)
        config, credentials = [], []
        for t in range(layout.targets):
            config.append(f"[profile bench{t:03d}]\nregion = us-east-1\n")
            credentials.append(
                f"[bench{t:03d}]\naws_access_key_id = AKIDBENCH{t:03d}\naws_secret_access_key = testing\n"
            )
        (home / ".aws" / "config").write_text("[default]\nregion = us-east-1\n" + "\n".join(config))
        (home / ".aws" / "credentials").write_text(
            "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n" + "\n".join(credentials)
        )
        lines = ["version: 1", "defaults:", "  region: us-east-1", "  cache: none", "  writers: [docker]"]
        if jobs is not None:
            lines.append(f"  jobs: {jobs}")
        lines.append("targets:")
        by_profile: dict[str, list[str]] = {}
        for profile, _, host in layout.entries():
            by_profile.setdefault(profile, []).append(host)
        for profile, hosts in by_profile.items():
            lines += [f"  - name: {profile}", f"    profile: {profile}", "    registries:"]
            lines += [f"      - {host}" for host in hosts]
        self.profiles = home / "profiles.yaml"
        self.profiles.write_text("\n".join(lines) + "\n")
        self.home = home
        self.docker_config = home / ".docker"
        keep = ("PATH", "LANG", "LC_ALL", "TERM", "SYSTEMROOT", "TMPDIR")
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            AWS_CONFIG_FILE=str(home / ".aws" / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
            AWS_ENDPOINT_URL=standins.url,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
            DOCKER_CONFIG=str(self.docker_config),
            ECRTUI_CONFIG=str(self.profiles),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
            PYTHONPATH=str(REPO),
        )

    def reset_docker(self, *, file_store: bool = False) -> None:
        """An empty docker config before each run, so every run writes the same.

        `file_store` pins `docker login` to the config file, where ecrtui writes: with no
        auth entry in the file, docker picks a platform credential store by itself
        (`pass` wherever docker-credential-pass is installed) and fails when that store
        is not set up. A `credHelpers` entry for a host nobody logs into turns that
        guess off and changes nothing else."""
        if self.docker_config.exists():
            shutil.rmtree(self.docker_config)
        self.docker_config.mkdir(parents=True)
        if file_store:
            pinned = {"auths": {}, "credHelpers": {"unused.invalid": "none"}}
            (self.docker_config / "config.json").write_text(json.dumps(pinned))

    def docker_hosts(self) -> set[str]:
        path = self.docker_config / "config.json"
        if not path.exists():
            return set()
        return set(json.loads(path.read_text()).get("auths", {}))


def scratch(name: str) -> Path:
    """A fresh scratch folder for one benchmark (removed by the caller's cleanup)."""
    return Path(tempfile.mkdtemp(prefix=f"ecrtui-bench-{name}-"))


if __name__ == "__main__":
    _serve()
