"""Bad and hostile input, each through the real `ecrtui` command, refused cleanly: one
table of cases (everyday mistakes, then hostile input) and one runner that checks the exit
code, the one clear line, no traceback, no secret, no AWS call when nothing was to be
tried, and nothing clobbered (support/refusal.py says all it checks)."""

from __future__ import annotations

import pytest
from support.environment import Env
from support.refusal import Refusal, assert_refused
from support.refusal_hostile import HOSTILE_INPUT
from support.refusal_hostile_files import HOSTILE_FILES
from support.refusal_mistakes import MISTAKES

from ecrtui.demo.standins.ecr_public import EcrPublicStandin


def prefixed(prefix: str, params: list) -> list:  # type: ignore[type-arg]
    return [pytest.param(*param.values, id=f"{prefix}-{param.id}") for param in params]


HOSTILE = HOSTILE_INPUT + HOSTILE_FILES
CASES = prefixed("mistake", MISTAKES) + prefixed("hostile", HOSTILE)


@pytest.mark.parametrize("case", CASES)
def test_bad_and_hostile_input_is_refused_cleanly(env: Env, ecr_public: EcrPublicStandin, case: Refusal) -> None:
    assert_refused(env, ecr_public, case)


def test_the_table_keeps_every_case() -> None:
    assert len(MISTAKES) >= 48 and len(HOSTILE) >= 93  # every case of the two tables this one merged
    assert len({c.id for c in CASES}) == len(CASES)
