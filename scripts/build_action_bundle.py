"""Build action/dist/: the headless ecrtui and its pure-Python dependencies, which the
GitHub Action runs with no install step and no package index (like a JavaScript action's
committed dist/).

    python scripts/build_action_bundle.py              # rebuild action/dist in place
    python scripts/build_action_bundle.py --out DIR    # build elsewhere (the up-to-date test)

What goes in:
- ecrtui's headless code (ecrtui/core and ecrtui/cli; no app, no keyring backend: in
  GitHub Actions the token cache is off);
- the dependencies pinned in action/bundle-requirements.txt (exact versions and wheel
  hashes, every one supporting Python 3.10), unpacked from their wheels: Python files and
  the data they read at run time only. botocore keeps the service models ecrtui calls
  (ecr, ecr-public, sts, and sso/sso-oidc for SSO profiles) and its endpoint data cut to
  those services; PyYAML's optional C extension is left out (it falls back to pure Python);
- each distribution's licence files, under licenses/<name>/;
- bytecode for every supported CPython (3.10 to 3.14), hash-checked (PEP 552), so that
  a fresh runner does not compile botocore on its first import, and a stale or edited
  source file is never run from old bytecode.

The wheels are fetched with pip (from its cache when it has them) into a cache folder;
the output is the same, byte for byte, for the same source tree and pins.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "action" / "dist"
REQUIREMENTS = REPO / "action" / "bundle-requirements.txt"
SERVICES = ("ecr", "ecr-public", "sts", "sso", "sso-oidc")
BOTOCORE_DATA = ("_retry.json", "partitions.json", "sdk-default-configuration.json")
# Model files botocore reads when it makes a client, pages or waits; never examples-1.json.
MODEL_FILES = ("service-2.json.gz", "endpoint-rule-set-1.json.gz", "paginators-1.json", "waiters-2.json")
# Modules of the headless ecrtui the Action never runs: the token cache is off in GitHub
# Actions (keyring is left out, and with it the Secret Service backend and direct reader).
ECRTUI_EXCLUDED = (
    "ecrtui/core/cache/shared_session_keyring.py",
    "ecrtui/core/cache/secret_service_reader.py",
    "ecrtui/core/cache/dbus_wire.py",
)
# Parts of dependencies never imported by ecrtui: tests, docs, emscripten, the tz database
# (botocore uses dateutil.tz's UTC and local zones only), PyYAML's C-extension glue.
DROPPED_PARTS = (
    "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz",
    "dateutil/zoneinfo/rebuild.py",
    "urllib3/contrib/emscripten/",
    "yaml/_yaml",
    "_yaml/",
)
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")  # bytecode is written for those found here
REQUIRED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")  # what GitHub-hosted runners have
WHEEL_CACHE = Path(os.environ.get("ECRTUI_BUNDLE_WHEELS", Path.home() / ".cache" / "ecrtui" / "bundle-wheels"))


def pins() -> list[tuple[str, str, str]]:
    """(name, version, sha256) of each pinned wheel."""
    found = []
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, _, digest = line.partition(" --hash=sha256:")
        name, _, version = requirement.partition("==")
        found.append((name.strip(), version.strip(), digest.strip()))
    return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _normalized(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def fetch_wheels(cache: Path = WHEEL_CACHE) -> dict[str, Path]:
    """The pinned wheels, each checked against its hash; pip downloads the missing ones."""
    cache.mkdir(parents=True, exist_ok=True)
    wanted = pins()

    def lookup() -> dict[str, Path]:
        by_hash = {_sha256(p): p for p in cache.glob("*.whl")}
        return {name: by_hash[digest] for name, _, digest in wanted if digest in by_hash}

    found = lookup()
    if len(found) < len(wanted):
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.10",
            "--implementation",
            "cp",
            "--platform",
            "manylinux2014_x86_64",  # PyYAML's wheel; its Python files are the same on every platform
            "--require-hashes",
            "-r",
            str(REQUIREMENTS),
            "-d",
            str(cache),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"build_action_bundle: pip could not fetch the pinned wheels:\n{done.stderr.strip()}")
        found = lookup()
    missing = [name for name, _, _ in wanted if name not in found]
    if missing:
        raise SystemExit(f"build_action_bundle: no wheel with the pinned hash for {', '.join(missing)}")
    return found


def _keep_dependency_file(name: str) -> bool:
    if (
        name.endswith("/")
        or ".data/" in name
        or "/tests/" in name
        or name.startswith("tests/")
        or "/__pycache__/" in name
    ):
        return False
    if any(name.startswith(part) for part in DROPPED_PARTS):
        return False
    if name.startswith("botocore/data/"):
        return False  # chosen by _botocore_data
    return name.endswith((".py", "py.typed")) or name == "botocore/cacert.pem"


def _botocore_data(wheel: zipfile.ZipFile) -> Iterator[tuple[str, bytes]]:
    prefixes = set()
    for service in SERVICES:
        versions = sorted(
            {
                n.split("/")[3]
                for n in wheel.namelist()
                if n.startswith(f"botocore/data/{service}/") and n.count("/") == 4
            }
        )
        newest = versions[-1]  # botocore itself loads the newest API version
        for model in MODEL_FILES:
            path = f"botocore/data/{service}/{newest}/{model}"
            if path in wheel.namelist():
                data = wheel.read(path)
                if model == "service-2.json.gz":
                    prefixes.add(json.loads(gzip.decompress(data))["metadata"]["endpointPrefix"])
                yield path, data
    for name in BOTOCORE_DATA:
        yield f"botocore/data/{name}", wheel.read(f"botocore/data/{name}")
    endpoints = json.loads(wheel.read("botocore/data/endpoints.json"))
    for partition in endpoints["partitions"]:
        partition["services"] = {k: v for k, v in partition["services"].items() if k in prefixes}
    yield "botocore/data/endpoints.json", (json.dumps(endpoints, indent=1, sort_keys=True) + "\n").encode()


def dependency_files(wheels: dict[str, Path]) -> Iterator[tuple[str, bytes]]:
    for name, path in sorted(wheels.items()):
        with zipfile.ZipFile(path) as wheel:
            for entry in sorted(wheel.namelist()):
                base = entry.rsplit("/", 1)[-1]
                if not base:
                    continue
                if ".dist-info/" in entry and (
                    base.upper().startswith(("LICENSE", "NOTICE", "COPYING")) or "/licenses/" in entry
                ):
                    yield f"licenses/{_normalized(name)}/{base}", wheel.read(entry)
                elif _keep_dependency_file(entry):
                    yield f"lib/{entry}", wheel.read(entry)
            if name == "botocore":
                for entry, data in _botocore_data(wheel):
                    yield f"lib/{entry}", data


def ecrtui_files() -> Iterator[tuple[str, bytes]]:
    package = REPO / "ecrtui"
    sources = [
        package / "__init__.py",
        *sorted((package / "core").rglob("*.py")),
        *sorted((package / "cli").rglob("*.py")),
    ]
    for path in sources:
        relative = path.relative_to(REPO).as_posix()
        if relative not in ECRTUI_EXCLUDED:
            yield f"lib/{relative}", path.read_bytes()


def manifest(files: dict[str, bytes], wheels: dict[str, Path]) -> bytes:
    versions = {name: version for name, version, _ in pins()}
    document = {
        "what": "ecrtui's GitHub Action bundle; built by scripts/build_action_bundle.py, do not edit",
        "dependencies": versions,
        "services": list(SERVICES),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    return (json.dumps(document, indent=1) + "\n").encode()


def interpreters() -> dict[str, str]:
    """Each supported CPython found on this machine, by version."""
    found = {}
    for version in PYTHONS:
        candidates = [f"python{version}"]
        pyenv = Path.home() / ".pyenv" / "versions"
        candidates += [str(p / "bin" / "python3") for p in sorted(pyenv.glob(f"{version}.*"))]
        for candidate in candidates:
            program = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
            if not program:
                continue
            probe = subprocess.run(
                [program, "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                check=False,
            )
            if probe.returncode == 0 and probe.stdout.strip() == version:
                found[version] = program
                break
    return found


def compile_bytecode(out: Path, pythons: dict[str, str]) -> None:
    """Hash-checked bytecode of every module in lib/, for each interpreter."""
    script = (
        "import compileall, sys, py_compile\n"
        "ok = compileall.compile_dir(sys.argv[1], quiet=2, workers=1,"
        " invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)\n"
        "sys.exit(0 if ok else 1)\n"
    )
    for _version, program in sorted(pythons.items()):
        subprocess.run([program, "-I", "-S", "-c", script, str(out / "lib")], check=True)


def keep_unchanged_bytecode(new: Path, old: Path) -> None:
    """marshal's output varies from run to run for the same code; where the header (magic,
    flags, source hash) is the same, the existing .pyc is as valid: keep its bytes, so a
    rebuild changes only the bytecode of changed sources."""
    for pyc in new.rglob("*.pyc"):
        previous = old / pyc.relative_to(new)
        if previous.is_file():
            with previous.open("rb") as handle:
                header = handle.read(16)
            if header == pyc.read_bytes()[:16]:
                shutil.copyfile(previous, pyc)


def build(out: Path, *, bytecode: bool = True, cache: Path = WHEEL_CACHE) -> None:
    wheels = fetch_wheels(cache)
    files = dict(dependency_files(wheels))
    files.update(ecrtui_files())
    staging = Path(tempfile.mkdtemp(prefix="ecrtui-bundle-", dir=out.parent if out.parent.exists() else None))
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / "BUNDLE.json").write_bytes(manifest(files, wheels))
        if bytecode:
            found = interpreters()
            missing = [v for v in REQUIRED_PYTHONS if v not in found]
            if missing:
                raise SystemExit(
                    f"build_action_bundle: no Python {', '.join(missing)} here to compile the bundle's bytecode with "
                    "(install them, e.g. with pyenv; a bundle without it compiles on every fresh runner)"
                )
            compile_bytecode(staging, found)
            if out.exists():
                keep_unchanged_bytecode(staging, out)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to build (default action/dist)")
    parser.add_argument("--no-bytecode", action="store_true", help="sources only (measurements)")
    args = parser.parse_args(argv)
    build(args.out.resolve(), bytecode=not args.no_bytecode)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
