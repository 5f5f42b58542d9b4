"""The cyclic collector is paused while a login run works, and comes back after: when the
last of overlapping runs ends, and only if it was on before."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from ecrtui.core.addresses import RegistryType
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.engine import LoginEngine
from ecrtui.core.gc_pause import cyclic_gc_paused
from ecrtui.core.models import LoginEvent, LoginStatus, Registry


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_overlapping_runs_bring_the_collector_back_when_the_last_ends() -> None:
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with cyclic_gc_paused():
            first_in.set()
            assert second_done.wait(30)
            seen.append(gc.isenabled())  # the second run ended; this one still works

    worker = threading.Thread(target=first)
    worker.start()
    assert first_in.wait(30)
    with cyclic_gc_paused():
        seen.append(gc.isenabled())
    second_done.set()
    worker.join(30)
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_login_run_pauses_the_collector_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    during: list[bool] = []

    def on_event(event: LoginEvent) -> None:
        during.append(gc.isenabled())

    registry = Registry("t", "no-such-profile", None, RegistryType.PRIVATE, "us-east-1", "111111111111", None)
    engine = LoginEngine(ClientFactory(AwsSettings(environ={})), jobs=2, on_event=on_event, writers=lambda names: ())
    [result] = engine.login([registry])
    assert result.status is LoginStatus.FAILED  # the profile does not exist: no call made
    assert during and not any(during)
    assert gc.isenabled()
