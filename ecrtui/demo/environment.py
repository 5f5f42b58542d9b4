"""The demo's world: the stand-ins started in this process (moto server for STS, IAM and
ECR, ECR Public, the registries' `/v2/`, IAM Identity Center), a throwaway HOME with
the demo's files, and `os.environ` pointing ecrtui at them through the standard
variables. Nothing outside the temporary folder is touched; all is undone on exit."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ecrtui.demo import moto_world
from ecrtui.demo.files import DEMO_AWS_CONFIG, DEMO_CREDENTIALS, DEMO_PROFILES
from ecrtui.demo.standins.ports import free_port

# The user's settings that would reach past the demo's stand-ins: cleared while it runs.
CLEARED_PREFIXES = ("AWS_", "HTTP", "HTTPS", "NO_PROXY", "GITHUB_", "INPUT_")


def write_files(home: Path) -> Path:
    """The AWS config and credentials and the profiles file; the profiles file's path."""
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(DEMO_AWS_CONFIG)
    (home / ".aws" / "credentials").write_text(DEMO_CREDENTIALS)
    profiles = home / "profiles.yaml"
    profiles.write_text(DEMO_PROFILES)
    return profiles


def demo_variables(home: Path, profiles: Path, endpoints: dict[str, str]) -> dict[str, str]:
    """What points ecrtui, botocore, the writers and keyring into the throwaway HOME."""
    return {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        **endpoints,
        "AWS_EC2_METADATA_DISABLED": "true",
        "DOCKER_CONFIG": str(home / ".docker"),
        "REGISTRY_AUTH_FILE": str(home / "containers" / "auth.json"),
        "HELM_REGISTRY_CONFIG": str(home / "helm" / "registry.json"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "ECRTUI_CONFIG": str(profiles),
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
    }


@contextlib.contextmanager
def running_standins() -> Iterator[dict[str, str]]:
    """Every stand-in started, each stopped on exit; yields the endpoint variables."""
    from moto.server import ThreadedMotoServer

    from ecrtui.demo.standins.ecr_public import EcrPublicStandin
    from ecrtui.demo.standins.identity_center import IdentityCenterStandin
    from ecrtui.demo.standins.identity_center_state import organisation
    from ecrtui.demo.standins.registries import LocalRegistries

    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    try:
        moto_world.create_repositories()
        # A dozen accounts behind the sso-session `demo`; its "user" approves every code.
        with (
            EcrPublicStandin() as public,
            LocalRegistries() as registries,
            IdentityCenterStandin(organisation(12), auto_approve=True) as identity_center,
            moto_world.registries_on_loopback(registries),
        ):
            yield {
                "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                "AWS_ENDPOINT_URL_ECR_PUBLIC": public.url,
                **identity_center.environment(),
            }
    finally:
        moto.stop()


@contextlib.contextmanager
def demo_environment() -> Iterator[Path]:
    """Start the stand-ins, write the throwaway files, set os.environ; restore on exit.
    Yields the throwaway HOME."""
    moto_world.fresh_moto_tokens()
    moto_world.policy_simulator()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log is noise here
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="ecrtui-demo-") as folder, running_standins() as endpoints:
        home = Path(folder)
        profiles = write_files(home)
        for key in [k for k in os.environ if k.startswith(CLEARED_PREFIXES)]:
            del os.environ[key]
        os.environ.update(demo_variables(home, profiles, endpoints))
        try:
            yield home
        finally:
            os.environ.clear()
            os.environ.update(saved)
