"""The `ecrtui` command's choice between the app and a headless command."""

from __future__ import annotations

import pytest

from ecrtui.launcher import _only_config


@pytest.mark.parametrize(
    ("args", "config"),
    [
        (["--config", "team.yaml"], "team.yaml"),
        (["--config=team.yaml"], "team.yaml"),
        (["--config="], None),
        (["login", "--config", "team.yaml"], None),
        (["--config", "team.yaml", "--all"], None),
        (["status"], None),
    ],
)
def test_only_a_profiles_file_opens_the_app_on_it(args: list[str], config: str | None) -> None:
    assert _only_config(args) == config
