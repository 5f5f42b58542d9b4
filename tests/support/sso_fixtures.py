"""IAM Identity Center fixtures for the sign-in and discovery tests: the stand-in (one per
test, so its state is the test's own) and an isolated HOME whose ~/.aws/config has only an
`[sso-session corp]`. Registered by tests/conftest.py; plain helpers are in sso.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ecrtui.demo.standins.identity_center import IdentityCenterStandin, organisation
from support import hygiene
from support.environment import Env
from support.sso import SESSION_CONFIG


@pytest.fixture
def identity_center() -> Iterator[IdentityCenterStandin]:
    """A stand-in with 5 accounts (1 to 3 roles each) that asks for polls every 0 s."""
    with IdentityCenterStandin(organisation(5), interval=0) as server:
        try:
            yield server
        finally:
            for secret in server.state.handed_out:  # never printed, by any run of any test
                hygiene.register_secret(secret)


@pytest.fixture
def sso_env(env: Env, identity_center: IdentityCenterStandin) -> Env:
    """The isolated HOME of the `env` fixture, with the stand-in and only an sso-session;
    no static keys, so every AWS credential must come from Identity Center."""
    env.vars.update(identity_center.environment())
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.vars.pop(name, None)
    env.vars.pop("DISPLAY", None)
    env.vars.pop("WAYLAND_DISPLAY", None)
    env.write_aws_config(SESSION_CONFIG)
    return env
