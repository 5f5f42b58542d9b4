"""The login engine's shared clients, against moto server: profiles that differ only in
their credentials share one client per region, yet every call is signed with its own
profile's keys; a profile with its own settings (an endpoint) gets its own client; a
call on a shared client with no credentials bound never leaves the process."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from support.environment import Env

from ecrtui.core.addresses import RegistryType
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.engine import LoginEngine
from ecrtui.core.models import Registry
from ecrtui.core.shared_clients import UnboundCall, prepare

KEYS = {"alpha": "AKIDALPHA0000001", "beta": "AKIDBETA00000002", "gamma": "AKIDGAMMA0000003"}
ACCOUNTS = {"alpha": "111111111111", "beta": "222222222222", "gamma": "333333333333"}
REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture
def profiles(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    """Three static-key profiles; gamma names its endpoint itself (the same moto)."""
    credentials = "".join(f"[{p}]\naws_access_key_id = {k}\naws_secret_access_key = s-{p}\n" for p, k in KEYS.items())
    (env.home / ".aws" / "credentials").write_text(credentials)
    env.write_aws_config(
        "[profile alpha]\nregion = us-east-1\n[profile beta]\nregion = eu-west-1\n"
        f"[profile gamma]\nendpoint_url = {env.vars['AWS_ENDPOINT_URL']}\n"
    )
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in env.vars.items():
        if key not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.setenv(key, value)
    return env


def registry(profile: str, region: str) -> Registry:
    account = ACCOUNTS[profile]
    host = f"{account}.dkr.ecr.{region}.amazonaws.com"
    return Registry(profile, profile, None, RegistryType.PRIVATE, region, account, host)


def test_profiles_share_a_client_per_region_and_sign_with_their_own_keys(profiles: Env) -> None:
    factory = ClientFactory(AwsSettings(environ=dict(profiles.vars)))
    signed: list[tuple[str, str]] = []  # (registry ID asked for, access key of the signature)

    def record(request: Any, **_: Any) -> None:
        key = re.search(r"Credential=(\w+)/", request.headers["Authorization"].decode())
        assert key is not None
        signed.append((re.findall(r"\d{12}", request.body.decode())[0], key[1]))

    clients = {(p, r): factory.shared_client("ecr", r, p, connections=8) for p in KEYS for r in REGIONS}
    for region in REGIONS:
        assert clients[("alpha", region)].meta is clients[("beta", region)].meta
        assert clients[("gamma", region)].meta is not clients[("alpha", region)].meta
    assert clients[("alpha", "us-east-1")].meta is not clients[("alpha", "eu-west-1")].meta
    for client in {id(c.meta): c for c in clients.values()}.values():
        client.meta.events.register("before-send.ecr.GetAuthorizationToken", record)

    wanted = [registry(p, r) for p in KEYS for r in REGIONS]
    results = LoginEngine(factory, jobs=8).login(wanted)

    assert [r.ok for r in results] == [True] * len(wanted)
    assert sorted(signed) == sorted((ACCOUNTS[p], KEYS[p]) for p in KEYS for _ in REGIONS)
    assert set(profiles.docker_auths()) == {r.host for r in wanted}


def test_a_shared_client_refuses_a_call_without_credentials(profiles: Env) -> None:
    import botocore.session

    sent: list[object] = []
    raw = prepare(
        botocore.session.Session().create_client("ecr", "us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    )
    raw.meta.events.register("before-send", lambda **kwargs: sent.append(kwargs))
    with pytest.raises(UnboundCall):
        raw.get_authorization_token()
    assert sent == []

    shared = ClientFactory(AwsSettings(environ=dict(profiles.vars))).shared_client("ecr", "us-east-1", "alpha")
    with pytest.raises(AttributeError):
        shared.get_paginator("describe_repositories")


def test_profiles_share_one_parse_of_the_aws_files_yet_read_their_own_settings(profiles: Env) -> None:
    """The config and credentials files are parsed once per factory, not once per
    profile: every session sees the same parse, and still its own profile's keys and
    region; a second factory parses again (an edited file is read by the next run)."""
    with profiles.aws_config.open("a") as config:  # keys in the config file: botocore's last provider
        config.write("[profile delta]\naws_access_key_id = AKIDDELTA0000004\naws_secret_access_key = s-delta\n")
    factory = ClientFactory(AwsSettings(environ=dict(profiles.vars)))
    sessions = {p: factory.session(p) for p in (*KEYS, "delta")}
    assert sessions["alpha"].full_config is sessions["beta"].full_config is sessions["delta"].full_config
    for profile, key in {**KEYS, "delta": "AKIDDELTA0000004"}.items():
        assert factory.credentials(profile, None).access_key == key
    assert factory.credentials("delta", None).secret_key == "s-delta"
    assert sessions["alpha"].get_config_variable("region") == "us-east-1"
    assert sessions["beta"].get_config_variable("region") == "eu-west-1"
    (profiles.home / ".aws" / "credentials").write_text(
        "[alpha]\naws_access_key_id = AKIDALPHAEDITED1\naws_secret_access_key = s-alpha\n"
    )
    again = ClientFactory(AwsSettings(environ=dict(profiles.vars)))
    assert again.session("alpha").full_config is not sessions["alpha"].full_config
    assert again.credentials("alpha", None).access_key == "AKIDALPHAEDITED1"
