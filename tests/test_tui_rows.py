"""The table's plain-data model, without a terminal: countdown wording and urgency, the
filter language, the board's bookkeeping of selection and login results, the batch
summary, and the demo's stand-in for `aws sso login`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecrtui.core.addresses import RegistryType
from ecrtui.core.aws_errors import SSO_EXPIRED
from ecrtui.core.models import LoginResult, LoginStatus, Registry, Token
from ecrtui.demo import sso as demo_sso
from ecrtui.tui.rows import (
    CachedState,
    ExpiryLevel,
    RegistryBoard,
    RegistryRow,
    RowStatus,
    batch_summary,
    expires_in_text,
    expiry_level,
    row_key,
    row_matches,
)

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def registry(target: str = "dev", account: str | None = "111111111111", region: str = "eu-west-1") -> Registry:
    host = f"{account}.dkr.ecr.{region}.amazonaws.com" if account else None
    return Registry(target, "dev-profile", None, RegistryType.PRIVATE, region, account, host)


def ok(reg: Registry, expires: dt.datetime) -> LoginResult:
    host = reg.host or f"123456789012.dkr.ecr.{reg.region}.amazonaws.com"
    token = Token(host, "AWS", "pw", expires, "123456789012", reg.region)
    return LoginResult(reg, LoginStatus.OK, host, token=token, writers=("docker",))


@pytest.mark.parametrize(
    ("left", "text", "level"),
    [
        (dt.timedelta(days=3, hours=4), "3d 04h", ExpiryLevel.FINE),
        (dt.timedelta(hours=11, minutes=59, seconds=59), "11h 59m", ExpiryLevel.FINE),
        (dt.timedelta(hours=1), "1h 00m", ExpiryLevel.FINE),
        (dt.timedelta(minutes=59, seconds=59), "59m 59s", ExpiryLevel.SOON),
        (dt.timedelta(seconds=1), "0m 01s", ExpiryLevel.SOON),
        (dt.timedelta(0), "expired", ExpiryLevel.EXPIRED),
        (-dt.timedelta(days=4000), "expired", ExpiryLevel.EXPIRED),
    ],
)
def test_countdown_wording_and_urgency(left: dt.timedelta, text: str, level: ExpiryLevel) -> None:
    assert expires_in_text(NOW + left, NOW) == text
    assert expiry_level(NOW + left, NOW) is level


def test_no_expiry_is_unknown() -> None:
    assert expires_in_text(None, NOW) == "—"
    assert expiry_level(None, NOW) is ExpiryLevel.UNKNOWN


def test_filter_words_and_fields() -> None:
    row = RegistryRow.planned(registry())
    assert row_matches(row, "")
    assert row_matches(row, "eu-west DEV")
    assert row_matches(row, "region:eu target:dev")
    assert not row_matches(row, "region:us")
    assert not row_matches(row, "eu-west staging")
    assert row_matches(row, "status:not")
    assert not row_matches(row, "type:public")


def test_select_all_toggles_and_respects_the_filter() -> None:
    board = RegistryBoard()
    dev, staging = registry("dev"), registry("staging", "222222222222", "us-west-2")
    board.load([dev, staging])
    board.query = "staging"
    assert board.select_all() == {row_key(staging)}  # only what the filter shows
    assert board.selected == {row_key(staging)}
    board.query = ""
    assert board.select_all() == {row_key(dev)}  # the rest joins
    assert board.selected == set(board.rows)
    assert board.select_all() == set(board.rows)  # all selected: the press selects none
    assert board.selected == set()


def test_chosen_is_the_shown_selection_else_the_cursor_row() -> None:
    board = RegistryBoard()
    dev, staging = registry("dev"), registry("staging", "222222222222", "us-west-2")
    board.load([dev, staging])
    everything = set(board.rows)
    assert [r.registry for r in board.chosen(row_key(staging), everything)] == [staging]
    board.toggle(row_key(dev))
    assert [r.registry for r in board.chosen(row_key(staging), everything)] == [dev]
    assert board.chosen(None, everything) == [board.rows[row_key(dev)]]
    # The filter hides the selected row: the action falls to the cursor row, and the
    # hidden selection is counted.
    assert [r.registry for r in board.chosen(row_key(staging), {row_key(staging)})] == [staging]
    assert board.hidden_selected({row_key(staging)}) == 1


def test_the_status_filter_matches_the_status_the_table_shows() -> None:
    board = RegistryBoard()
    dev = registry("dev")
    board.load([dev])
    board.apply_result(ok(dev, NOW - dt.timedelta(minutes=1)))  # logged in, token since run out
    board.now, board.query = NOW, "status:expired"
    assert [r.registry for r in board.visible()] == [dev]
    board.query = "status:logged"
    assert board.visible() == []


def test_sorting_by_expiry_puts_the_soonest_first_and_unknown_last() -> None:
    board = RegistryBoard()
    a, b, c = registry("a", "111111111111"), registry("b", "222222222222"), registry("c", "333333333333")
    board.load([a, b, c])
    board.apply_result(ok(a, NOW + dt.timedelta(hours=5)))
    board.apply_result(ok(c, NOW + dt.timedelta(hours=1)))
    assert [r.registry for r in board.visible("expires")] == [c, a, b]


def test_results_update_rows_and_the_default_registry_learns_its_host() -> None:
    board = RegistryBoard()
    default = registry(account=None)
    board.load([default])
    result = ok(default, NOW + dt.timedelta(hours=12))
    row = board.apply_result(result)
    assert row is not None
    assert row.status is RowStatus.LOGGED_IN
    assert row.host == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert row.account_id == "123456789012"
    assert row.status_text(NOW) == "logged in"
    assert row.status_text(NOW + dt.timedelta(hours=13)) == "expired"


def test_an_sso_failure_is_its_own_status_and_profile() -> None:
    board = RegistryBoard()
    reg = registry()
    board.load([reg])
    failure = LoginResult(
        reg, LoginStatus.FAILED, reg.host, error="sso expired", remediation="run: aws sso login", error_code=SSO_EXPIRED
    )
    row = board.apply_result(failure)
    assert row is not None and row.status is RowStatus.SSO_EXPIRED
    assert board.sso_expired_profiles() == ["dev-profile"]


def test_a_refresh_keeps_what_the_session_learnt() -> None:
    board = RegistryBoard()
    reg = registry()
    board.load([reg])
    board.toggle(row_key(reg))
    board.apply_result(ok(reg, NOW))
    board.load([reg, registry("new", "333333333333")])
    assert board.rows[row_key(reg)].status is RowStatus.LOGGED_IN
    assert board.selected == {row_key(reg)}
    # ...and cached state never overwrites a row this session already touched.
    assert board.apply_cached({row_key(reg): CachedState(expires_at=NOW - dt.timedelta(hours=1))}) == []


def test_cached_state_gives_status_expiry_and_learnt_host() -> None:
    board = RegistryBoard()
    default, written = registry(account=None), registry("other", "444444444444")
    board.load([default, written])
    changed = board.apply_cached(
        {
            row_key(default): CachedState(
                NOW, host="123456789012.dkr.ecr.eu-west-1.amazonaws.com", account_id="123456789012"
            ),
            row_key(written): CachedState(written_to=("docker",)),
        }
    )
    assert [(r.status, r.host) for r in changed] == [
        (RowStatus.LOGGED_IN, "123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
        (RowStatus.STORED, written.host),
    ]


def test_batch_summary() -> None:
    reg = registry()
    failed = LoginResult(reg, LoginStatus.FAILED, reg.host, error="x")
    assert batch_summary([ok(reg, NOW)] * 7 + [failed]) == "7 logged in, 1 failed"
    assert batch_summary([failed, failed]) == "2 failed"
    assert batch_summary([ok(reg, NOW)]) == "1 logged in"


def test_demo_sso_stand_in_turns_the_profile_into_a_working_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile sso]\nsso_start_url = https://x\nsso_region = us-east-1\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert demo_sso.main(["sso", "login", "--profile", "sso"]) == 0
    text = config.read_text()
    assert "sso_start_url" not in text
    assert "aws_access_key_id = testing" in text
    assert "region = eu-central-1" in text
    assert demo_sso.main(["sso", "login", "--profile", "missing"]) == 255
    assert demo_sso.main(["s3", "ls"]) == 2
