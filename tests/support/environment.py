"""The isolated environment every end-to-end test runs in: its own HOME with its own AWS,
docker, podman and helm files, none of the developer's variables that could reach a real
account or keyring, and AWS pointed at the local stand-ins."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

DROPPED = (
    "AWS_",
    "GITHUB_",
    "INPUT_",
    "STATE_",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "DOCKER_CONFIG",
    "REGISTRY_AUTH_FILE",
    "HELM_",
    "ECRTUI_CONFIG",
    "XDG_",
    "DBUS_SESSION_BUS_ADDRESS",  # logins cache tokens: never in the developer's own keyring
    "PYTHON_KEYRING_BACKEND",
)


@dataclass
class Env:
    """An isolated HOME with its own AWS, docker, podman and helm files."""

    vars: dict[str, str]
    home: Path

    @property
    def docker_config(self) -> Path:
        return Path(self.vars["DOCKER_CONFIG"]) / "config.json"

    @property
    def podman_auth(self) -> Path:
        return Path(self.vars["REGISTRY_AUTH_FILE"])

    @property
    def helm_config(self) -> Path:
        return Path(self.vars["HELM_REGISTRY_CONFIG"])

    @property
    def aws_config(self) -> Path:
        return Path(self.vars["AWS_CONFIG_FILE"])

    def write_aws_config(self, text: str) -> None:
        self.aws_config.write_text(text)

    def write_profiles(self, text: str, name: str = "profiles.yaml") -> Path:
        path = self.home / name
        path.write_text(text)
        return path

    def docker_auths(self) -> dict[str, object]:
        return json.loads(self.docker_config.read_text()).get("auths", {})


def isolated_env(home: Path, moto_url: str, ecr_public_url: str) -> Env:
    """A fresh HOME under `home`, AWS answered by moto and the ECR Public stand-in."""
    (home / ".aws").mkdir(parents=True)
    variables = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
    variables.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_ENDPOINT_URL=moto_url,
        AWS_ENDPOINT_URL_ECR_PUBLIC=ecr_public_url,
        AWS_EC2_METADATA_DISABLED="true",
        DOCKER_CONFIG=str(home / ".docker"),
        REGISTRY_AUTH_FILE=str(home / "containers" / "auth.json"),
        HELM_REGISTRY_CONFIG=str(home / "helm" / "registry.json"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return Env(variables, home)
