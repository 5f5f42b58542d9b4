"""The first end-to-end run: the default registry of the caller, through moto server."""

from __future__ import annotations

import base64
import json

from conftest import Env, run_cli


def test_default_registry_login_writes_docker_config(env: Env) -> None:
    result = run_cli(env, "login", "--region", "us-east-1", "--output", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    [record] = document["results"]
    assert record["registry"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert record["status"] == "ok"
    auth = env.docker_auths()[record["registry"]]["auth"]  # type: ignore[index]
    assert base64.b64decode(auth).decode() == "AWS:123456789012-auth-token"
    assert "auth-token" not in result.stdout + result.stderr
