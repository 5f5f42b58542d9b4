"""Benchmark: a cached `get` of docker-credential-ecrtui against Debian's Go
`docker-credential-ecr-login`, side by side in one run.

Both serve the same registry from their cache, with no AWS call:
- the Go helper from ~/.ecr/cache.json, primed by hand in its own format (a registry entry
  keyed by region, a checksum of the access key ID and the registry ID; valid while before
  half of its lifetime). The token primed there is one AWS would never hand out, so its
  appearing on stdout proves the answer came from the cache;
- ecrtui from the keyring: gnome-keyring's Secret Service on a private D-Bus session (what
  a Linux desktop has), and keyrings.alt's file backend.

ecrtui runs twice over the Secret Service: from source (no .pyc of ecrtui, every module
compiled at each start) and with its .pyc compiled by `python -m compileall` in the
measured venv, as pip does when it installs the wheel (the figure users get). Each is a
copy of the package on PYTHONPATH, ahead of the editable install.

Runs are interleaved (Go, ecrtui, ecrtui, Go, ...) so that load from other processes hits
every variant alike. Also measured: `python -c pass` in the same interpreter, the floor of
any Python helper. Prints the medians and the ratios to the Go helper and to the floor
(goal: the cached `get` with .pyc within 2x of `python -c pass`).

    .venv/bin/python benchmarks/helper_get.py [--runs N]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.cache.store import TokenCache
from ecrtui.core.clock import utc_now

# The Secret Service stand-in is test code (tests/support), not shipped in the wheel.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.gnome_keyring import SecretServiceSession, missing_binaries  # type: ignore[import-not-found]

ACCOUNT = "123456789012"
REGION = "us-east-1"
HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
ACCESS_KEY_ID = "AKIABENCHMARKEXAMPLE"
GO_HELPER = "docker-credential-ecr-login"
FLOOR = "python -c pass (the floor of any Python helper)"
INSTALLED = "docker-credential-ecrtui (Secret Service, gnome-keyring; .pyc)"
GOAL_RATIO = 2.0  # of `python -c pass`


def ecr_like_password() -> str:
    """A password shaped like an ECR one (base64 JSON, about 2.4 KB), so that the keyring
    stores it in chunks as it would a real token."""
    document = {"payload": "p" * 1600, "datakey": "d" * 200, "version": "2", "type": "DATA_KEY", "expiration": 0}
    return base64.b64encode(json.dumps(document).encode()).decode()


def prime_go_cache(home: Path, password: str) -> None:
    """~/.ecr/cache.json as the Go helper writes it. The key prefix is region + checksum
    of the access key ID: 0.6.x (Debian) base64-encodes the key's bytes followed by the
    MD5 of nothing (its `hasher.Sum([]byte(text))`); newer releases use base64(SHA-256)
    of the account ID. Both are written, so either version finds the entry."""
    now = dt.datetime.now(dt.timezone.utc)
    entry = {
        "AuthorizationToken": base64.b64encode(f"AWS:{password}".encode()).decode(),
        "RequestedAt": now.isoformat(),
        "ExpiresAt": (now + dt.timedelta(hours=12)).isoformat(),
        "ProxyEndpoint": f"https://{HOST}",
        "Service": "ecr",
    }
    legacy = base64.b64encode(ACCESS_KEY_ID.encode() + hashlib.md5(b"").digest()).decode()
    current = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    registries = {f"{REGION}-{prefix}-{ACCOUNT}": entry for prefix in (legacy, current)}
    folder = home / ".ecr"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cache.json").write_text(json.dumps({"Registries": registries, "Version": "1.0"}, indent=2))


def prime_ecrtui(backend: object, password: str) -> None:
    now = utc_now()
    TokenCache(backend).put(  # type: ignore[arg-type]
        CacheEntry(
            host=HOST,
            username="AWS",
            secret=password,
            expires_at=now + dt.timedelta(hours=12),
            refresh_at=now + dt.timedelta(hours=11, minutes=30),
            stored_at=now,
            identity=identity_key(None, None),
            source="login",
            account=ACCOUNT,
            region=REGION,
        )
    )


def package_copies(root: Path) -> tuple[Path, Path]:
    """Two copies of the ecrtui package: one without .pyc, one compiled as pip compiles
    an installed wheel. Their folders go on PYTHONPATH."""
    import ecrtui

    source, compiled = root / "source", root / "compiled"
    for folder in (source, compiled):
        shutil.copytree(Path(ecrtui.__file__).parent, folder / "ecrtui", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(compiled / "ecrtui")], check=True)
    return source, compiled


def run_get(command: list[str], environ: Mapping[str, str], password: str) -> tuple[float, float]:
    """Wall time, and the CPU time (user + system) of the process itself: on a machine
    others load, the second moves much less (but leaves out a keyring daemon's work)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, input=HOST.encode(), capture_output=True, env=dict(environ), check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if command[-1] == "get":
        answer = json.loads(completed.stdout or b"{}")
        if completed.returncode != 0 or answer.get("Secret") != password:
            raise SystemExit(f"{command[0]} did not serve the cached token: {completed.stdout!r} {completed.stderr!r}")
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per variant (default 40)")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a folder holding another ecrtui package (e.g. `git archive` of an older commit), "
        "compiled and measured alongside over the Secret Service: before and after in one run",
    )
    options = parser.parse_args()
    go = shutil.which(GO_HELPER)
    ecrtui = shutil.which("docker-credential-ecrtui", path=str(Path(sys.executable).parent)) or shutil.which(
        "docker-credential-ecrtui"
    )
    if go is None or ecrtui is None or missing_binaries():
        print(f"needs {GO_HELPER}, docker-credential-ecrtui, dbus-daemon and gnome-keyring-daemon", file=sys.stderr)
        return 2
    password = ecr_like_password()
    with tempfile.TemporaryDirectory(prefix="ecrtui-bench-") as temp:
        home = Path(temp)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XDG_", "DBUS_", "PYTHON_KEYRING"))}
        base.update(
            HOME=str(home),
            AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY="benchmark-secret",
            AWS_REGION=REGION,
            AWS_EC2_METADATA_DISABLED="true",
            # Nothing answers here: an AWS call by either helper would fail, not be timed.
            AWS_ENDPOINT_URL="http://127.0.0.1:9",
            PYTHONDONTWRITEBYTECODE="1",
        )
        prime_go_cache(home, password)
        source, compiled = package_copies(home / "packages")
        baseline = None
        if options.baseline is not None:
            baseline = home / "packages" / "baseline"
            shutil.copytree(
                options.baseline / "ecrtui", baseline / "ecrtui", ignore=shutil.ignore_patterns("__pycache__")
            )
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(baseline / "ecrtui")], check=True)
        with SecretServiceSession(home / "keyring") as session:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = session.address
            from keyring.backends.SecretService import Keyring as SecretService
            from keyrings.alt.file import PlaintextKeyring

            prime_ecrtui(SecretService(), password)
            file_backend = PlaintextKeyring()
            file_backend.file_path = str(home / ".local" / "share" / "python_keyring" / "keyring_pass.cfg")
            prime_ecrtui(file_backend, password)

            variants = {
                f"{GO_HELPER} (Go, ~/.ecr/cache.json)": ([go, "get"], base),
                "docker-credential-ecrtui (Secret Service, gnome-keyring; source)": (
                    [ecrtui, "get"],
                    {**base, **session.environ, "PYTHONPATH": str(source)},
                ),
                "docker-credential-ecrtui (Secret Service, gnome-keyring; .pyc)": (
                    [ecrtui, "get"],
                    {**base, **session.environ, "PYTHONPATH": str(compiled)},
                ),
                "docker-credential-ecrtui (keyrings.alt file backend)": (
                    [ecrtui, "get"],
                    {**base, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"},
                ),
                **(
                    {
                        f"baseline {options.baseline} (Secret Service; .pyc)": (
                            [ecrtui, "get"],
                            {**base, **session.environ, "PYTHONPATH": str(baseline)},
                        )
                    }
                    if baseline is not None
                    else {}
                ),
                FLOOR: ([sys.executable, "-c", "pass"], base),
            }
            timings: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
            for command, environ in variants.values():  # warm the page cache
                run_get(command, environ, password)
            for _ in range(options.runs):
                for name, (command, environ) in variants.items():
                    timings[name].append(run_get(command, environ, password))

    wall = {name: statistics.median(w for w, _ in values) * 1000 for name, values in timings.items()}
    cpu = {name: statistics.median(c for _, c in values) * 1000 for name, values in timings.items()}
    go_wall, go_cpu = next(iter(wall.values())), next(iter(cpu.values()))
    floor_wall, floor_cpu = wall[FLOOR], cpu[FLOOR]
    width = max(len(name) for name in wall)
    print(
        f"cached `get` of {HOST}, {options.runs} interleaved runs each, medians; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  {'':<{width}}  {'wall':>8}  {'/Go':>6}  {'/floor':>6}  {'CPU':>8}  {'/Go':>6}  {'/floor':>6}")
    for name in wall:
        print(
            f"  {name:<{width}}  {wall[name]:5.1f} ms  {wall[name] / go_wall:5.1f}x  {wall[name] / floor_wall:5.1f}x"
            f"  {cpu[name]:5.1f} ms  {cpu[name] / go_cpu:5.1f}x  {cpu[name] / floor_cpu:5.1f}x"
        )
    installed = wall[INSTALLED]
    verdict = "met" if installed <= GOAL_RATIO * floor_wall else "not met"
    print(
        f"goal: the installed (.pyc) get within {GOAL_RATIO:g}x of `python -c pass` "
        f"({GOAL_RATIO * floor_wall:.1f} ms wall): {installed / floor_wall:.2f}x, {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
