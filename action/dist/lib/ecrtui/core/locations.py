"""Every file and folder ecrtui reads or writes, and the environment variables that move
them (docs/locations.md lists them in a table).

Each function takes the environment explicitly where the tool it imitates reads one, so
that a test's or a CI job's variables apply at call time. Nothing here touches the disk
except `find_profiles_file`, which checks that the file it names exists.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ecrtui.core.errors import ConfigError

TUI_SETTINGS_NAME = "tui-settings.json"


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def home_dir(environ: Mapping[str, str], platform: str | None = None) -> Path:
    """The home folder as the tools find it: $HOME ($USERPROFILE on Windows), else the
    account's own."""
    variable = "USERPROFILE" if (platform or sys.platform) == "win32" else "HOME"
    return Path(environ[variable]) if environ.get(variable) else Path.home()


# --- ecrtui's own files -------------------------------------------------------------------


def default_profiles_path(environ: Mapping[str, str] | None = None) -> Path:
    """%APPDATA%\\ecrtui on Windows, ~/Library/Application Support/ecrtui on macOS without
    $XDG_CONFIG_HOME, else $XDG_CONFIG_HOME/ecrtui (~/.config/ecrtui): profiles.yaml there."""
    env = _env(environ)
    if sys.platform == "win32" and env.get("APPDATA"):
        base = Path(env["APPDATA"])
    elif sys.platform == "darwin" and not env.get("XDG_CONFIG_HOME"):
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "ecrtui" / "profiles.yaml"


def find_profiles_file(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """`--config`, else `$ECRTUI_CONFIG`, else the platform default if it exists."""
    env = _env(environ)
    chosen = explicit or env.get("ECRTUI_CONFIG")
    if chosen:
        path = Path(chosen).expanduser()
        if not path.exists():
            raise ConfigError(
                f"profiles file {chosen} does not exist",
                remediation="check the path, or copy profiles.example.yaml there",
            )
        return path
    default = default_profiles_path(env)
    return default if default.exists() else None


def tui_settings_path(environ: Mapping[str, str]) -> Path:
    """The app's remembered settings, in the profiles file's folder."""
    return default_profiles_path(environ).parent / TUI_SETTINGS_NAME


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where ecrtui keeps its lock and log files: $XDG_STATE_HOME/ecrtui (platform
    equivalent elsewhere)."""
    env = _env(environ)
    if env.get("XDG_STATE_HOME"):
        base = Path(env["XDG_STATE_HOME"])
    elif sys.platform == "win32" and env.get("LOCALAPPDATA"):
        base = Path(env["LOCALAPPDATA"])
    else:
        home = env.get("HOME")
        base = (Path(home) if home else Path.home()) / ".local" / "state"
    return base / "ecrtui"


# --- the AWS tools' files ----------------------------------------------------------------


def aws_config_paths(environ: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """The shared config and credentials files: $AWS_CONFIG_FILE and
    $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials."""
    env = _env(environ)
    home = Path.home()
    config = Path(env.get("AWS_CONFIG_FILE") or home / ".aws" / "config").expanduser()
    credentials = Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials").expanduser()
    return config, credentials


def sso_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The SSO token cache the AWS CLI v2 and the SDKs share: $HOME/.aws/sso/cache."""
    env = _env(environ)
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".aws" / "sso" / "cache"


# --- the credentials files of the container tools -----------------------------------------
# Each tool's own lookup, per platform (`platform` as in sys.platform, passed in by tests),
# with HOME taken from `environ` like the tools do.


def docker_config_path(environ: Mapping[str, str], platform: str | None = None) -> Path:
    """docker: $DOCKER_CONFIG/config.json, else ~/.docker/config.json on every platform."""
    folder = environ.get("DOCKER_CONFIG")
    if folder:
        return Path(folder).expanduser() / "config.json"
    return home_dir(environ, platform) / ".docker" / "config.json"


def podman_auth_path(environ: Mapping[str, str], platform: str | None = None, uid: int | None = None) -> Path:
    """podman, skopeo, buildah: $REGISTRY_AUTH_FILE; on Linux
    $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/<uid>/auth.json; on macOS
    and Windows ~/.config/containers/auth.json (where the podman client runs)."""
    platform = platform or sys.platform
    if environ.get("REGISTRY_AUTH_FILE"):
        return Path(environ["REGISTRY_AUTH_FILE"]).expanduser()
    if platform in ("darwin", "win32"):
        return home_dir(environ, platform) / ".config" / "containers" / "auth.json"
    if environ.get("XDG_RUNTIME_DIR"):
        return Path(environ["XDG_RUNTIME_DIR"]) / "containers" / "auth.json"
    if uid is None:
        uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(f"/run/containers/{uid}/auth.json")


def helm_registry_path(environ: Mapping[str, str], platform: str | None = None) -> Path:
    """helm: $HELM_REGISTRY_CONFIG, else $HELM_CONFIG_HOME/registry/config.json, else its
    config home ($XDG_CONFIG_HOME/helm on every platform when set; otherwise
    ~/Library/Preferences/helm on macOS, %APPDATA%\\helm on Windows, ~/.config/helm)."""
    platform = platform or sys.platform
    if environ.get("HELM_REGISTRY_CONFIG"):
        return Path(environ["HELM_REGISTRY_CONFIG"]).expanduser()
    if environ.get("HELM_CONFIG_HOME"):
        return Path(environ["HELM_CONFIG_HOME"]).expanduser() / "registry" / "config.json"
    if environ.get("XDG_CONFIG_HOME"):
        base = Path(environ["XDG_CONFIG_HOME"]) / "helm"
    elif platform == "darwin":
        base = home_dir(environ, platform) / "Library" / "Preferences" / "helm"
    elif platform == "win32":
        base = (Path(environ["APPDATA"]) if environ.get("APPDATA") else home_dir(environ, platform)) / "helm"
    else:
        base = home_dir(environ, platform) / ".config" / "helm"
    return base / "registry" / "config.json"


def finch_config_path(environ: Mapping[str, str], platform: str | None = None) -> Path:
    """Finch: its nerdctl reads ~/.finch/config.json (its own DOCKER_CONFIG)."""
    return home_dir(environ, platform) / ".finch" / "config.json"
