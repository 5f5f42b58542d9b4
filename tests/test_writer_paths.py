"""Each tool's credentials file, resolved as the tool itself resolves it on Linux, macOS
and Windows (the platform is passed in, so every branch runs here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrtui.core.locations import docker_config_path, finch_config_path, helm_registry_path, podman_auth_path

UNIX = {"HOME": "/home/u"}
WINDOWS = {"USERPROFILE": r"C:\Users\u", "APPDATA": r"C:\Users\u\AppData\Roaming"}


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        (UNIX, "linux", "/home/u/.docker/config.json"),
        (UNIX, "darwin", "/home/u/.docker/config.json"),
        (WINDOWS, "win32", str(Path(r"C:\Users\u") / ".docker" / "config.json")),
        ({**UNIX, "DOCKER_CONFIG": "/etc/d"}, "darwin", "/etc/d/config.json"),
    ],
)
def test_docker(environ: dict[str, str], platform: str, expected: str) -> None:
    assert docker_config_path(environ, platform) == Path(expected)


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({**UNIX, "XDG_RUNTIME_DIR": "/run/user/1000"}, "linux", "/run/user/1000/containers/auth.json"),
        (UNIX, "linux", "/run/containers/1000/auth.json"),
        # macOS and Windows: the podman client reads the file in the home folder, even
        # with XDG_RUNTIME_DIR set.
        ({**UNIX, "XDG_RUNTIME_DIR": "/tmp/r"}, "darwin", "/home/u/.config/containers/auth.json"),
        (WINDOWS, "win32", str(Path(r"C:\Users\u") / ".config" / "containers" / "auth.json")),
        ({**UNIX, "REGISTRY_AUTH_FILE": "/x/auth.json"}, "darwin", "/x/auth.json"),
        ({**UNIX, "REGISTRY_AUTH_FILE": "/x/auth.json", "XDG_RUNTIME_DIR": "/r"}, "linux", "/x/auth.json"),
    ],
)
def test_podman(environ: dict[str, str], platform: str, expected: str) -> None:
    assert podman_auth_path(environ, platform, uid=1000) == Path(expected)


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        (UNIX, "linux", "/home/u/.config/helm/registry/config.json"),
        (UNIX, "darwin", "/home/u/Library/Preferences/helm/registry/config.json"),
        (WINDOWS, "win32", str(Path(r"C:\Users\u\AppData\Roaming") / "helm" / "registry" / "config.json")),
        ({**UNIX, "XDG_CONFIG_HOME": "/cfg"}, "darwin", "/cfg/helm/registry/config.json"),
        ({**UNIX, "HELM_CONFIG_HOME": "/h"}, "win32", "/h/registry/config.json"),
        ({**UNIX, "HELM_REGISTRY_CONFIG": "/r.json", "HELM_CONFIG_HOME": "/h"}, "linux", "/r.json"),
    ],
)
def test_helm(environ: dict[str, str], platform: str, expected: str) -> None:
    assert helm_registry_path(environ, platform) == Path(expected)


def test_finch() -> None:
    assert finch_config_path(UNIX, "darwin") == Path("/home/u/.finch/config.json")
