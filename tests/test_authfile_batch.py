"""One write of many tokens to a docker config: each host ends with one key, the newest
token's, whatever forms of that host the file held, and every other entry stays."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from ecrtui.core.locations import docker_config_path
from ecrtui.core.models import Token
from ecrtui.core.writers import AuthFileWriter
from ecrtui.core.writers.authfile import OWN_HELPER

A = "111111111111.dkr.ecr.us-east-1.amazonaws.com"
B = "222222222222.dkr.ecr.eu-west-1.amazonaws.com"
OWN = "333333333333.dkr.ecr.us-west-2.amazonaws.com"


def token(host: str, password: str) -> Token:
    return Token(host, "AWS", password, None, host.split(".", 1)[0], "us-east-1")


def test_a_write_of_many_tokens_leaves_one_key_per_host(tmp_path: Path) -> None:
    writer = AuthFileWriter("docker", docker_config_path, {"DOCKER_CONFIG": str(tmp_path)})
    original = {
        "auths": {
            f"https://{A}/v2/": {"auth": "b2xkOm9sZA=="},
            A: {"auth": "b2xkOm9sZA=="},
            "quay.io": {"auth": "dTpw"},
            OWN: {},
        },
        "credHelpers": {OWN: OWN_HELPER},
        "other": 1,
    }
    writer.path.write_text(json.dumps(original))
    writer.write([token(A, "first"), token(OWN, "own-1"), token(B, "b"), token(OWN, "own-2"), token(A, "last")])
    written = json.loads(writer.path.read_text())
    assert sorted(written["auths"]) == sorted([A, B, "quay.io"])  # OWN's placeholder gone: ecrtui serves it
    assert base64.b64decode(written["auths"][A]["auth"]).decode() == "AWS:last"
    assert base64.b64decode(written["auths"][B]["auth"]).decode() == "AWS:b"
    assert written["auths"]["quay.io"] == {"auth": "dTpw"}
    assert written["other"] == 1 and written["credHelpers"] == {OWN: OWN_HELPER}
