"""The credential helper in GitHub Actions and over a keyring it does not understand
(issue 10, defects 4 and 9): in a job nothing is cached, the post step erases what a job
may have cached, and a corrupt or foreign cache entry is a miss, never "internal error"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from support.cached_tokens import prime, served
from support.commands import run_cli
from support.credential_helper import HOST, file_cache, helper, helper_log, use_ecr_standin, use_file_keyring
from support.environment import Env

from ecrtui.core.cache.entry import identity_key
from ecrtui.core.cache.store import SERVICE
from ecrtui.demo.standins.ecr_public import EcrPublicStandin

CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


def in_a_job(env: Env) -> Env:
    env.vars.update(GITHUB_ACTIONS="true", AWS_REGION="us-east-1")
    return env


def without_credentials(env: Env) -> Env:
    """The next job on this runner: no AWS credentials at all."""
    for name in CREDENTIALS:
        env.vars.pop(name, None)
    return env


def test_a_jobs_helper_caches_nothing_and_a_later_job_gets_nothing(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    in_a_job(env)
    first = served(helper(env, "get", HOST))
    assert first["Secret"] == "123456789012-auth-token"
    assert file_cache(env).get(HOST) is None and file_cache(env).hosts() == {}
    later = helper(without_credentials(env), "get", HOST)
    assert later.returncode == 1
    assert "123456789012-auth-token" not in later.stdout


def test_a_job_is_not_served_what_an_earlier_run_cached(env: Env) -> None:
    use_file_keyring(env)
    prime(env, "earlier-run-secret-token", dt.timedelta(hours=10))
    result = helper(without_credentials(in_a_job(env)), "get", HOST)
    assert result.returncode == 1
    assert "earlier-run-secret-token" not in result.stdout


def test_docker_login_through_the_helper_stores_nothing_in_a_job(env: Env) -> None:
    use_file_keyring(env)
    in_a_job(env)
    request = json.dumps({"ServerURL": HOST, "Username": "AWS", "Secret": "job-docker-login-secret"})
    result = helper(env, "store", request)
    assert result.returncode == 1 and "token cache is off" in result.stdout
    assert file_cache(env).hosts() == {}


def test_the_post_step_erases_what_the_job_cached(env: Env) -> None:
    use_file_keyring(env)
    prime(env, "cached-during-the-job-token", dt.timedelta(hours=10))
    in_a_job(env)
    result = run_cli({**env.vars, "STATE_registries": HOST, "STATE_writers": "docker"}, "logout")
    assert result.returncode == 0, result.stdout + result.stderr
    assert file_cache(env).get(HOST) is None


CORRUPT_ENTRIES = [
    "[" * 100_000,  # nested past the parser's recursion limit
    '{"v": 1, "host": "' + HOST + '", "stored_at": "not a date"}',
    '{"v": 1}',
    '{"v": 99, "host": "x"}',
    "\x00\xff garbage",
    "ecrtui-chunks:9:0000:part",
]
CORRUPT_HOST_RECORDS = ["[" * 100_000, '{"current": 5}', '{"current": {"a": 1}}', "null", "not json"]


@pytest.mark.parametrize("value", CORRUPT_ENTRIES)
def test_a_corrupt_token_entry_is_a_miss_and_a_fresh_fetch(env: Env, ecr_public: EcrPublicStandin, value: str) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    entry = prime(env, "soon-overwritten-token", dt.timedelta(hours=10))
    backend = file_cache(env).backend
    digest = json.loads(backend.get_password(SERVICE, f"host:{HOST}"))["current"]
    assert entry.identity == identity_key(None, None)
    backend.set_password(SERVICE, f"token:{HOST}:{digest}", value)
    result = helper(env, "get", HOST)
    assert served(result)["Secret"] == "123456789012-auth-token"
    assert "internal error" not in result.stdout + helper_log(env)


@pytest.mark.parametrize("value", CORRUPT_HOST_RECORDS)
def test_a_corrupt_host_record_is_a_miss(env: Env, ecr_public: EcrPublicStandin, value: str) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    file_cache(env).backend.set_password(SERVICE, f"host:{HOST}", value)
    result = helper(env, "get", HOST)
    assert served(result)["Secret"] == "123456789012-auth-token"
    assert "internal error" not in result.stdout + helper_log(env)
