"""`ecrtui --demo`: the real product against embedded local stand-ins, no AWS account.

Starts moto server in this process (STS, IAM and ECR), our ECR Public stand-in, writes a
throwaway HOME with AWS profiles of several accounts and regions, a profiles file, and an
empty docker config, and points ecrtui at them through the standard environment variables.
Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ecrtui.core.clock import utc_now
from ecrtui.standins.ports import free_port
from ecrtui.standins.registries import LocalRegistries

DEMO_AWS_CONFIG = """\
[default]
region = us-east-1

[profile dev]
region = eu-west-1

[profile staging]
region = us-west-2

[profile prod]
region = us-east-1
role_arn = arn:aws:iam::123456789012:role/ecr-login
source_profile = default

[sso-session demo]
sso_start_url = https://demo.awsapps.com/start
sso_region = us-east-1

[profile sso-expired]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = Developer
region = eu-central-1
"""

DEMO_CREDENTIALS = """\
[default]
aws_access_key_id = testing
aws_secret_access_key = testing

[dev]
aws_access_key_id = testing
aws_secret_access_key = testing

[staging]
aws_access_key_id = testing
aws_secret_access_key = testing
"""

DEMO_PROFILES = """\
version: 1
defaults:
  region: us-east-1
  writers: [docker]
targets:
  - name: dev
    profile: dev
    registries: ["111111111111", "222222222222"]
  - name: staging
    profile: staging
    registries:
      - "333333333333"
      - 333333333333.dkr.ecr.eu-central-1.amazonaws.com
      - 444444444444.dkr.ecr.ap-southeast-2.amazonaws.com
    repositories: [team/app]
  - name: prod
    profile: prod
    role_arn: arn:aws:iam::998877665544:role/ecr-pull
    registries: ["998877665544", "998877665545"]
    repositories: [team/app]
  - name: public
    type: public
  - name: legacy-sso
    profile: sso-expired
"""


def _fresh_moto_tokens() -> None:
    """moto hands out tokens that expired in 2015; the demo wants realistic 12-hour ones so
    the expiry column means something. Patched in this demo process only."""
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse as EcrResponse

    original = EcrResponse.get_authorization_token

    def get_authorization_token(self: EcrResponse) -> ActionResult:
        result = original(self)
        expires = utc_now() + dt.timedelta(hours=12)
        for entry in result.result["authorizationData"]:  # type: ignore[index]
            entry["expiresAt"] = expires
        return result

    EcrResponse.get_authorization_token = get_authorization_token  # type: ignore[method-assign]


MISSING_EXTRA = (
    "error: the demo needs its extra (moto server and a file keyring): "
    "pip install 'ecrtui[demo]' (with pipx: pipx install 'ecrtui[demo]', "
    "or pipx inject ecrtui 'moto[server]' keyrings.alt)"
)


def missing_extra() -> str | None:
    """What to run when the demo's dependencies are not installed, else None."""
    try:
        import keyrings.alt.file  # noqa: F401 - the demo's keyring
        import moto.server  # noqa: F401 - the demo's AWS
    except ImportError:
        return MISSING_EXTRA
    return None


# The repository staging and prod examine, in each of their registries: (caller's account,
# region, registry). moto keeps repositories per caller account and region.
DEMO_REPOSITORIES = (
    ("123456789012", "us-west-2", "333333333333"),
    ("123456789012", "eu-central-1", "333333333333"),
    ("123456789012", "ap-southeast-2", "444444444444"),
    ("998877665544", "us-east-1", "998877665544"),
)
# What the demo's pull-only role (prod's ecr-pull) may not do: a push.
PULL_ONLY_ROLE = ":role/ecr-pull"
PUSH_ONLY_ACTIONS = ("InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage")


def _create_repositories() -> None:
    from moto.ecr.models import ecr_backends

    for account, region, registry in DEMO_REPOSITORIES:
        ecr_backends[account][region].create_repository(
            repository_name="team/app",
            registry_id=registry,
            encryption_config={},
            image_scan_config={},
            image_tag_mutability="MUTABLE",
            tags=[],
        )


def _policy_simulator() -> None:
    """moto has no IAM policy simulator; the demo answers for it: the pull-only role may not
    push (so prod's diagnosis shows the policy that would grant it), all else is allowed.
    Patched in this demo process only."""
    from moto.core.responses import ActionResult
    from moto.iam.responses import IamResponse

    def simulate_principal_policy(self: IamResponse) -> ActionResult:
        principal = self._get_param("PolicySourceArn") or ""
        resources = self._get_param("ResourceArns", []) or ["*"]
        pull_only = PULL_ONLY_ROLE in principal or "assumed-role/ecr-pull/" in principal
        results = [
            {
                "EvalActionName": action,
                "EvalResourceName": resources[0],
                "EvalDecision": "implicitDeny" if pull_only and action.endswith(PUSH_ONLY_ACTIONS) else "allowed",
            }
            for action in self._get_param("ActionNames", [])
        ]
        return ActionResult({"EvaluationResults": results, "IsTruncated": False})

    IamResponse.simulate_principal_policy = simulate_principal_policy  # type: ignore[attr-defined]


@contextlib.contextmanager
def _registries_on_loopback(registries: LocalRegistries) -> Iterator[None]:
    """Every HTTP request of this process to an ECR registry host goes to the stand-in: the
    diagnostics try stored credentials at their registry's /v2/ through botocore's HTTP
    session, and a demo reaches nothing outside 127.0.0.1. Patched in this process only."""
    from botocore.awsrequest import AWSPreparedRequest
    from botocore.httpsession import URLLib3Session

    original = URLLib3Session.send

    def send(self: URLLib3Session, request: AWSPreparedRequest) -> object:
        request.url = registries.route(request.url)
        return original(self, request)

    URLLib3Session.send = send  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        URLLib3Session.send = original  # type: ignore[method-assign]


@contextlib.contextmanager
def demo_environment() -> Iterator[Path]:
    """Start the stand-ins, write the throwaway files, set os.environ; restore on exit."""
    from moto.server import ThreadedMotoServer

    from ecrtui.standins.ecr_public import EcrPublicStandin
    from ecrtui.standins.identity_center import IdentityCenterStandin, organisation

    _fresh_moto_tokens()
    _policy_simulator()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log is noise here
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="ecrtui-demo-") as folder:
        home = Path(folder)
        (home / ".aws").mkdir()
        (home / ".aws" / "config").write_text(DEMO_AWS_CONFIG)
        (home / ".aws" / "credentials").write_text(DEMO_CREDENTIALS)
        profiles = home / "profiles.yaml"
        profiles.write_text(DEMO_PROFILES)
        port = free_port()
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto.start()
        _create_repositories()
        public = EcrPublicStandin().start()
        registries = LocalRegistries().start()
        # A dozen accounts behind the sso-session `demo`; its "user" approves every code.
        identity_center = IdentityCenterStandin(organisation(12), auto_approve=True).start()
        for key in [k for k in os.environ if k.startswith(("AWS_", "HTTP", "HTTPS", "NO_PROXY", "GITHUB_", "INPUT_"))]:
            del os.environ[key]
        os.environ.update(
            HOME=str(home),
            AWS_CONFIG_FILE=str(home / ".aws" / "config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
            AWS_ENDPOINT_URL_ECR_PUBLIC=public.url,
            **identity_center.environment(),
            AWS_EC2_METADATA_DISABLED="true",
            DOCKER_CONFIG=str(home / ".docker"),
            REGISTRY_AUTH_FILE=str(home / "containers" / "auth.json"),
            HELM_REGISTRY_CONFIG=str(home / "helm" / "registry.json"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            ECRTUI_CONFIG=str(profiles),
            PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        )
        try:
            with _registries_on_loopback(registries):
                yield home
        finally:
            identity_center.stop()
            registries.stop()
            public.stop()
            moto.stop()
            os.environ.clear()
            os.environ.update(saved)


@contextlib.contextmanager
def app_stage() -> Iterator[str]:
    """The app's demo world: the stand-ins running and os.environ pointing at them; yields
    the module that stands in for the AWS CLI (the demo has no SSO portal to log into)."""
    with demo_environment():
        yield "ecrtui.tui.demo_sso"


def run_headless_demo() -> int:
    """Log into every demo target, show the results and the docker config, log out."""
    import sys

    from ecrtui.cli.main import main

    with demo_environment() as home:
        out = sys.stdout
        out.write(f"ecrtui demo: stand-ins running, throwaway HOME {home}\n\n")
        out.write("$ ecrtui login --all\n")
        out.flush()
        code = main(["login", "--all"])
        out.write(f"(exit code {code}: the legacy-sso target fails on purpose, to show the hint)\n\n")
        out.write("$ ecrtui doctor --target staging\n")
        out.flush()
        main(["doctor", "--target", "staging"])
        out.write("\n")
        out.write("$ ecrtui status\n")
        out.flush()
        main(["status"])
        out.write("\n$ ecrtui sso login --sso-session demo --no-browser\n")
        out.flush()
        sso_code = main(["sso", "login", "--sso-session", "demo", "--no-browser"])
        out.write("\n$ ecrtui discover --sso-session demo --region us-east-1\n")
        out.flush()
        discover_code = main(["discover", "--sso-session", "demo", "--region", "us-east-1"])
        config = (home / ".docker" / "config.json").read_text()
        hosts = config.count('"auth"')
        out.write(f"\n{home}/.docker/config.json now holds {hosts} registry entries (mode 0600).\n")
        out.write("\n$ ecrtui logout --target dev --target staging --target prod --target public\n")
        out.flush()
        logout_code = main(
            ["logout", "--target", "dev", "--target", "staging", "--target", "prod", "--target", "public"]
        )
        return 0 if code in (0, 1) and logout_code == sso_code == discover_code == 0 else 1
