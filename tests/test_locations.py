"""ecrtui's own files and the AWS tools' files, each where its variable puts it and where
it falls back to (the container tools' files are in test_writer_paths.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ecrtui.core.errors import ConfigError
from ecrtui.core.locations import (
    aws_config_paths,
    default_profiles_path,
    find_profiles_file,
    sso_cache_dir,
    state_dir,
    tui_settings_path,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the Linux defaults")


def test_state_dir_follows_xdg_state_home_else_home() -> None:
    assert state_dir({"XDG_STATE_HOME": "/s", "HOME": "/h"}) == Path("/s/ecrtui")
    assert state_dir({"HOME": "/h"}) == Path("/h/.local/state/ecrtui")


def test_profiles_file_and_app_settings_share_the_config_folder() -> None:
    assert default_profiles_path({"XDG_CONFIG_HOME": "/c"}) == Path("/c/ecrtui/profiles.yaml")
    assert tui_settings_path({"XDG_CONFIG_HOME": "/c"}) == Path("/c/ecrtui/tui-settings.json")


def test_find_profiles_file_prefers_the_flag_then_the_variable(tmp_path: Path) -> None:
    flag, variable = tmp_path / "flag.yaml", tmp_path / "env.yaml"
    flag.write_text(""), variable.write_text("")
    environ = {"ECRTUI_CONFIG": str(variable), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert find_profiles_file(str(flag), environ) == flag
    assert find_profiles_file(None, environ) == variable
    assert find_profiles_file(None, {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}) is None  # no default file
    with pytest.raises(ConfigError, match="does not exist"):
        find_profiles_file(str(tmp_path / "missing.yaml"), environ)


def test_aws_files_follow_their_variables() -> None:
    environ = {"AWS_CONFIG_FILE": "/a/config", "AWS_SHARED_CREDENTIALS_FILE": "/a/creds"}
    assert aws_config_paths(environ) == (Path("/a/config"), Path("/a/creds"))
    home = Path.home()
    assert aws_config_paths({}) == (home / ".aws" / "config", home / ".aws" / "credentials")


def test_sso_cache_is_under_home() -> None:
    assert sso_cache_dir({"HOME": "/h"}) == Path("/h/.aws/sso/cache")
