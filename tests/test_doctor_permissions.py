"""`ecrtui doctor` permission checks against moto with IAM enforcement on.

A moto server of this module's own (the session's is shared and must stay unenforced)
holds IAM users and assumed roles whose policies lack each permission in turn; the doctor
must name the missing action and the minimal policy that grants it, and a fully permitted
caller must get nothing but ok (bar what moto cannot answer: GetDownloadUrlForLayer and
iam:SimulatePrincipalPolicy are not implemented there, so those checks must say so as
skip). Real ECR's AccessDeniedException comes from the ECR Public stand-in, which speaks
both services' JSON protocol.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from support.daemons import Daemon
from support.doctor import checks, doctor_in_process, failed, isolated_environ, one

from ecrtui.core.addresses import RegistrySpec, RegistryType
from ecrtui.core.diagnose import CheckStatus, Report
from ecrtui.core.models import Target
from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.ports import free_port

REPOSITORY = "team/app"
ACCOUNT = "123456789012"
REPOSITORY_ARN = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{REPOSITORY}"
UPLOADS = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"]
EVERYTHING = [
    "ecr:GetAuthorizationToken",
    "ecr:DescribeRepositories",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
    *UPLOADS,
    "iam:SimulatePrincipalPolicy",
]
# action taken away -> (check id, status it must get, resource of the policy it must propose)
MISSING = {
    "ecr:GetAuthorizationToken": ("permissions.login", CheckStatus.FAIL, "*"),
    "ecr:DescribeRepositories": ("permissions.repository", CheckStatus.WARN, REPOSITORY_ARN),
    "ecr:BatchGetImage": ("permissions.pull-image", CheckStatus.FAIL, REPOSITORY_ARN),
    "ecr:GetDownloadUrlForLayer": ("permissions.pull-layer", CheckStatus.FAIL, REPOSITORY_ARN),
    "ecr:BatchCheckLayerAvailability": ("permissions.push-check", CheckStatus.FAIL, REPOSITORY_ARN),
}


@dataclass
class IamWorld:
    url: str
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # user -> (key id, secret)
    roles: dict[str, str] = field(default_factory=dict)  # name -> ARN


def _reset_auth(url: str, count: str) -> None:
    request = urllib.request.Request(
        f"{url}/moto-api/reset-auth", data=count.encode(), method="POST", headers={"Content-Type": "text/plain"}
    )
    urllib.request.urlopen(request, timeout=10).read()


def _slug(action: str | None) -> str:
    return "full" if action is None else action.split(":")[1].lower()


@pytest.fixture(scope="module")
def iam_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IamWorld]:
    """moto in a process of its own: its state (enforcement included) is per process, so an
    in-process server would share it with the session's and leak into other tests."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto-server.log"
    server = Daemon([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log).start()
    try:
        server.wait_for_port(port, timeout=30)
        yield _populate(IamWorld(f"http://127.0.0.1:{port}"))
    finally:
        server.stop()


def _populate(world: IamWorld) -> IamWorld:
    """Users and roles lacking each permission in turn, then enforcement on."""
    _reset_auth(world.url, "inf")  # setup runs unchecked
    admin = {
        "endpoint_url": world.url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    boto3.client("ecr", **admin).create_repository(repositoryName=REPOSITORY)
    iam = boto3.client("iam", **admin)

    def user(name: str, actions: list[str]) -> str:
        arn = iam.create_user(UserName=name)["User"]["Arn"]
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        world.keys[name] = (key["AccessKeyId"], key["SecretAccessKey"])
        return str(arn)

    assumer = user("assumer", ["sts:AssumeRole"])
    user("no-simulator", [a for a in EVERYTHING if a != "iam:SimulatePrincipalPolicy"])
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": assumer}, "Action": "sts:AssumeRole"}],
    }
    for missing in [None, *MISSING]:
        allowed = [a for a in EVERYTHING if a != missing]
        user(f"user-{_slug(missing)}", allowed)
        role = iam.create_role(RoleName=f"role-{_slug(missing)}", AssumeRolePolicyDocument=json.dumps(trust))
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]}
        iam.put_role_policy(RoleName=role["Role"]["RoleName"], PolicyName="p", PolicyDocument=json.dumps(document))
        world.roles[f"role-{_slug(missing)}"] = role["Role"]["Arn"]
    _reset_auth(world.url, "0")  # from here on every call is checked
    return world


def _doctor(
    world: IamWorld,
    user: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    *,
    role: str | None = None,
    **extra: str,
) -> Report:
    key, secret = world.keys[user]
    environ = isolated_environ(
        monkeypatch, tmp_path, AWS_ENDPOINT_URL=world.url, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, **extra
    )
    target = Target(
        name="t", region="us-east-1", role_arn=world.roles[role] if role else None, repositories=(REPOSITORY,)
    )
    return doctor_in_process([target], environ)


@pytest.mark.parametrize("kind", ["user", "role"])
@pytest.mark.parametrize("missing", list(MISSING))
def test_each_missing_permission_is_named_with_its_policy(
    iam_world: IamWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, missing: str, kind: str
) -> None:
    if kind == "user":
        report = _doctor(iam_world, f"user-{_slug(missing)}", monkeypatch, tmp_path)
        principal = f"arn:aws:iam::{ACCOUNT}:user/user-{_slug(missing)}"
    else:
        report = _doctor(iam_world, "assumer", monkeypatch, tmp_path, role=f"role-{_slug(missing)}")
        principal = iam_world.roles[f"role-{_slug(missing)}"]
        assert "assumed-role" in one(report, "credentials.identity").finding
    check_id, status, resource = MISSING[missing]
    check = one(report, check_id)
    assert check.status is status, check.finding
    assert missing in check.finding
    assert principal in check.finding and principal in check.remediation
    assert check.policy == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": [missing], "Resource": resource}],
    }
    # nothing else is blamed, and the combined policy of the target is exactly this one
    assert [c.id for c in failed(report)] == ([check_id] if status is CheckStatus.FAIL else [])
    [group] = [g for g in report.by_target() if g.name == "t"]
    expected_combined = check.policy if status is CheckStatus.FAIL else None
    assert group.missing_policy() == expected_combined


@pytest.mark.parametrize("kind", ["user", "role"])
def test_a_fully_permitted_caller_gets_all_ok(
    iam_world: IamWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    if kind == "user":
        report = _doctor(iam_world, "user-full", monkeypatch, tmp_path)
    else:
        report = _doctor(iam_world, "assumer", monkeypatch, tmp_path, role="role-full")
    examined = [c for c in report.checks if c.target == "t" and c.category.value != "local"]
    not_ok = {c.id: c for c in examined if c.status is not CheckStatus.OK}
    # moto implements neither GetDownloadUrlForLayer nor the policy simulator: the only
    # checks that may not be ok, and they must say why rather than pass or fail
    assert set(not_ok) <= {"permissions.pull-layer", "permissions.push-upload"}, {
        k: (c.status, c.finding) for k, c in not_ok.items()
    }
    assert all(c.status is CheckStatus.SKIP for c in not_ok.values())
    assert "cannot be verified without writing" in one(report, "permissions.push-upload").finding
    assert not report.failed and report.exit_status == 0
    assert {c.id for c in examined if c.status is CheckStatus.OK} >= {
        "permissions.login",
        "permissions.repository",
        "permissions.pull-image",
        "permissions.push-check",
        "credentials.provider",
        "credentials.identity",
        "credentials.clock",
    }


def test_upload_actions_skip_when_the_simulator_is_not_allowed(
    iam_world: IamWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = _doctor(iam_world, "no-simulator", monkeypatch, tmp_path)
    upload = one(report, "permissions.push-upload")
    assert upload.status is CheckStatus.SKIP
    assert "cannot be verified without writing" in upload.finding
    assert "may not call iam:SimulatePrincipalPolicy" in upload.finding
    assert all(action in upload.finding for action in UPLOADS)
    assert REPOSITORY_ARN in upload.remediation


def test_a_role_that_cannot_be_assumed_names_sts_assume_role(
    iam_world: IamWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = _doctor(iam_world, "user-full", monkeypatch, tmp_path, role="role-full")
    check = one(report, "credentials.assume-role")
    assert check.status is CheckStatus.FAIL
    assert check.policy == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": iam_world.roles["role-full"]}],
    }
    assert f"arn:aws:iam::{ACCOUNT}:user/user-full" in check.remediation
    assert "trust policy" in check.remediation
    assert one(report, "permissions.skipped").status is CheckStatus.SKIP


def test_cross_account_repository_says_the_other_account_must_grant_the_role(
    iam_world: IamWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key, secret = iam_world.keys["user-batchgetimage"]
    environ = isolated_environ(
        monkeypatch, tmp_path, AWS_ENDPOINT_URL=iam_world.url, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret
    )
    other = "210987654321"
    target = Target(
        name="x", region="us-east-1", registries=(RegistrySpec(account_id=other),), repositories=(REPOSITORY,)
    )
    report = doctor_in_process([target], environ)
    cross = one(report, "permissions.cross-account")
    assert cross.status is CheckStatus.WARN
    principal = f"arn:aws:iam::{ACCOUNT}:user/user-batchgetimage"
    assert f"repository policy in account {other} must grant {principal}" in cross.finding
    assert cross.policy is not None
    [statement] = cross.policy["Statement"]
    assert statement["Principal"] == {"AWS": principal}
    assert "ecr:BatchGetImage" in statement["Action"]
    # the identity-side denial still carries the resource of the other account
    pull = one(report, "permissions.pull-image")
    assert pull.policy is not None and pull.policy["Statement"][0]["Resource"].endswith(
        f":{other}:repository/{REPOSITORY}"
    )


# --- real ECR's AccessDeniedException (JSON), through the stand-in ----------------------------------


def test_real_access_denied_exception_is_classified_with_its_policy(
    ecr_public: EcrPublicStandin, moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from support.standins import set_standin_mode

    set_standin_mode(ecr_public, "denied")
    environ = isolated_environ(
        monkeypatch,
        tmp_path,
        AWS_ENDPOINT_URL=moto,
        AWS_ENDPOINT_URL_ECR=ecr_public.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    report = doctor_in_process([Target(name="real", region="us-east-1")], environ)
    login = one(report, "permissions.login")
    assert login.status is CheckStatus.FAIL
    assert "ecr:GetAuthorizationToken" in login.finding
    assert login.policy is not None and login.policy["Statement"][0]["Action"] == ["ecr:GetAuthorizationToken"]


def test_public_login_denied_proposes_both_actions_of_the_readme(
    ecr_public: EcrPublicStandin, moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from support.standins import set_standin_mode

    set_standin_mode(ecr_public, "denied")
    environ = isolated_environ(
        monkeypatch,
        tmp_path,
        AWS_ENDPOINT_URL=moto,
        AWS_ENDPOINT_URL_ECR_PUBLIC=ecr_public.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    report = doctor_in_process([Target(name="pub", type=RegistryType.PUBLIC)], environ)
    login = one(report, "permissions.login")
    assert login.status is CheckStatus.FAIL
    assert login.policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"],
                "Resource": "*",
            }
        ],
    }
    # moto has no policy simulator: the bearer-token check cannot be told apart and says so
    assert one(report, "permissions.service-bearer-token").status is CheckStatus.SKIP


class _BearerDenied(BaseHTTPRequestHandler):
    """ECR Public as it answers a caller that lacks sts:GetServiceBearerToken. The ECR
    Public stand-in has no such mode, and the denial text is all that matters here."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {
                "__type": "AccessDeniedException",
                "message": f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: "
                "sts:GetServiceBearerToken on resource: *",
            }
        ).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_public_login_denied_for_the_bearer_token_names_sts(
    moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BearerDenied)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        environ = isolated_environ(
            monkeypatch,
            tmp_path,
            AWS_ENDPOINT_URL=moto,
            AWS_ENDPOINT_URL_ECR_PUBLIC=f"http://127.0.0.1:{server.server_address[1]}",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
        )
        report = doctor_in_process([Target(name="pub", type=RegistryType.PUBLIC)], environ)
    finally:
        server.shutdown()
        server.server_close()
    assert one(report, "permissions.login").status is CheckStatus.OK
    bearer = one(report, "permissions.service-bearer-token")
    assert bearer.status is CheckStatus.FAIL
    assert bearer.policy is not None and bearer.policy["Statement"][0]["Action"] == ["sts:GetServiceBearerToken"]
    assert checks(report, "permissions.pull-image") == []  # no repositories listed: nothing more asked


def test_a_cross_account_registry_without_repositories_still_says_what_it_needs(
    iam_world: IamWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key, secret = iam_world.keys["user-full"]
    environ = isolated_environ(
        monkeypatch, tmp_path, AWS_ENDPOINT_URL=iam_world.url, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret
    )
    target = Target(name="x", region="us-east-1", registries=(RegistrySpec(account_id="210987654321"),))
    report = doctor_in_process([target], environ)
    cross = one(report, "permissions.cross-account")
    assert cross.status is CheckStatus.OK and cross.subject == "210987654321.dkr.ecr.us-east-1.amazonaws.com"
    assert f"repository policies to grant arn:aws:iam::{ACCOUNT}:user/user-full" in cross.finding
    assert "--repository" in cross.remediation


def test_public_repositories_need_no_pull_permission_and_push_is_not_guessed(
    ecr_public: EcrPublicStandin, moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environ = isolated_environ(
        monkeypatch,
        tmp_path,
        AWS_ENDPOINT_URL=moto,
        AWS_ENDPOINT_URL_ECR_PUBLIC=ecr_public.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )
    target = Target(name="pub", type=RegistryType.PUBLIC, repositories=("team/app",))
    report = doctor_in_process([target], environ)
    assert one(report, "permissions.login").status is CheckStatus.OK
    pull = one(report, "permissions.pull-image")
    assert pull.status is CheckStatus.OK and "need no permission" in pull.finding
    # the stand-in knows only GetAuthorizationToken: an answer that proves nothing is a skip
    push = one(report, "permissions.push-check")
    assert push.status is CheckStatus.SKIP and "UnknownOperationException" in push.finding
    upload = one(report, "permissions.push-upload")
    assert upload.status is CheckStatus.SKIP and "ecr-public:PutImage" in upload.finding
    assert "arn:aws:ecr-public::123456789012:repository/team/app" in upload.remediation


class _PolicySimulator(BaseHTTPRequestHandler):
    """iam:SimulatePrincipalPolicy, which moto does not implement: every action is allowed
    except ecr:PutImage (implicitly denied), as for a pull-and-layers-only policy."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
        assert form["Action"] == ["SimulatePrincipalPolicy"]
        actions = [values[0] for key, values in sorted(form.items()) if key.startswith("ActionNames.member.")]
        members = "".join(
            f"<member><EvalActionName>{action}</EvalActionName><EvalResourceName>{form['ResourceArns.member.1'][0]}"
            f"</EvalResourceName><EvalDecision>{'implicitDeny' if action == 'ecr:PutImage' else 'allowed'}"
            "</EvalDecision></member>"
            for action in actions
        )
        body = (
            '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
            f"<EvaluationResults>{members}</EvaluationResults></SimulatePrincipalPolicyResult>"
            "<ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_policy_simulator_decides_what_probing_cannot(
    moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PolicySimulator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        environ = isolated_environ(
            monkeypatch,
            tmp_path,
            AWS_ENDPOINT_URL=moto,
            AWS_ENDPOINT_URL_IAM=f"http://127.0.0.1:{server.server_address[1]}",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
        )
        boto3.client("ecr", region_name="us-east-1").create_repository(repositoryName=REPOSITORY)
        report = doctor_in_process([Target(name="t", region="us-east-1", repositories=(REPOSITORY,))], environ)
    finally:
        server.shutdown()
        server.server_close()
    # moto answers GetDownloadUrlForLayer with a 500: the simulator settles it
    layer = one(report, "permissions.pull-layer")
    assert layer.status is CheckStatus.OK and "iam:SimulatePrincipalPolicy" in layer.finding
    upload = one(report, "permissions.push-upload")
    assert upload.status is CheckStatus.FAIL
    assert "may not call ecr:PutImage" in upload.finding
    assert upload.policy == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ecr:PutImage"], "Resource": REPOSITORY_ARN}],
    }
