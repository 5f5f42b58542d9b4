"""The one UTC clock: naive moments are UTC, bad text is None, the two written forms."""

import datetime as dt

from ecrtui.core import clock


def test_naive_moments_are_utc_and_aware_ones_are_converted() -> None:
    naive = dt.datetime(2026, 1, 2, 3, 4)
    assert clock.as_utc(naive) == naive.replace(tzinfo=dt.timezone.utc)
    paris = dt.datetime(2026, 1, 2, 4, 4, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert clock.as_utc(paris).hour == 3


def test_parse_iso_reads_every_suffix_and_refuses_the_rest() -> None:
    expected = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    for text in ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05+00:00", "2026-01-02 03:04:05UTC", "2026-01-02T03:04:05"):
        assert clock.parse_iso(text) == expected
    for bad in ("tomorrow", "", None, 12, "2026-13-01T00:00:00Z"):
        assert clock.parse_iso(bad) is None


def test_written_forms() -> None:
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert clock.iso_z(moment) == "2026-01-02T03:04:05Z"
    assert clock.iso_z(None) is None
    assert clock.shown(moment) == "2026-01-02 03:04 UTC"
    assert clock.utc_now().tzinfo is not None
