"""`ecrtui doctor` configuration checks, through the real command against moto: every
configuration mistake of the issue is reported as a failed (or, for ECR Public's region,
warned) check with a remediation, and one run lists them all."""

from __future__ import annotations

from support.doctor import doctor_cli, json_checks
from support.environment import Env

PROFILES = """\
version: 1
targets:
  - name: good
    region: us-east-1
  - name: no-region
    registries: ["123456789012"]
  - name: missing-profile
    profile: deev
    region: us-east-1
  - name: bad-repository
    region: us-east-1
    repositories: ["Team/App:latest", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app", "team/app"]
  - name: public-west
    type: public
    profile: west
"""

AWS_CONFIG = """\
[profile dev]
region = eu-west-1
[profile west]
region = us-west-2
"""


def _by_target(document: dict, name: str | None, id: str) -> list[dict]:
    return [c for c in json_checks(document, id) if c["target"] == name]


def test_every_target_mistake_is_reported_in_one_run(env: Env) -> None:
    env.write_aws_config(AWS_CONFIG)
    profiles = env.write_profiles(PROFILES)
    code, document, _ = doctor_cli(env, "--config", str(profiles), "--all")
    assert code == 1

    [region] = _by_target(document, "good", "config.region")
    assert (
        region["status"] == "ok" and "us-east-1" in region["finding"] and "region: of the target" in region["finding"]
    )

    [region] = _by_target(document, "no-region", "config.region")
    assert region["status"] == "fail"
    assert "Region is missing" in region["finding"] and "$AWS_REGION" in region["finding"]
    assert "--region" in region["remediation"]
    [skipped] = _by_target(document, "no-region", "network.skipped")
    assert skipped["status"] == "skip"

    [profile] = _by_target(document, "missing-profile", "config.profile")
    assert profile["status"] == "fail" and "'deev'" in profile["finding"]
    assert "did you mean 'dev'?" in profile["remediation"]
    [credentials] = _by_target(document, "missing-profile", "credentials.skipped")
    assert credentials["status"] == "skip"

    names = {c["subject"]: c for c in _by_target(document, "bad-repository", "config.repository")}
    assert names["Team/App:latest"]["status"] == "fail"
    assert "tag or digest" in names["Team/App:latest"]["finding"]
    assert names["Team/App:latest"]["remediation"].endswith(": team/app")
    image_uri = names["123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"]
    assert image_uri["status"] == "fail" and "image URI" in image_uri["finding"]
    assert names[None]["status"] == "ok" and names[None]["finding"] == "to examine: team/app"
    # only the valid name is probed
    assert {c["subject"] for c in _by_target(document, "bad-repository", "permissions.pull-image")} == {
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"
    }

    [public] = _by_target(document, "public-west", "config.public-region")
    assert public["status"] == "warn"
    assert "us-west-2" in public["finding"] and "profile west" in public["finding"]
    assert "only supported in us-east-1" in public["finding"]
    assert "Inaccessible host: 'api.ecr-public.us-west-2.amazonaws.com'" in public["finding"]
    assert "--region us-east-1" in public["remediation"]


def test_public_target_in_us_east_1_is_fine_and_exits_0(env: Env) -> None:
    env.vars["AWS_DEFAULT_REGION"] = "us-east-1"
    env.vars["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"  # no keyring warning to read past
    code, document, _ = doctor_cli(env, "--registry-type", "PUBLIC")
    [public] = json_checks(document, "config.public-region")
    assert public["status"] == "ok"
    assert code == 0, [c for c in json_checks(document) if c["status"] == "fail"]


def test_an_eleven_digit_registry_is_named_as_a_lost_leading_zero(env: Env) -> None:
    code, document, _ = doctor_cli(
        env,
        "--region",
        "us-east-1",
        "--registries",
        "12345678901, 123456789012 123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com",
    )
    assert code == 1
    by_subject = {c["subject"]: c for c in json_checks(document, "config.registry")}
    lost_zero = by_subject["12345678901"]
    assert lost_zero["status"] == "fail" and "11 digits" in lost_zero["finding"]
    assert '"012345678901"' in lost_zero["remediation"] and "starts with 0" in lost_zero["remediation"]
    fake = by_subject["123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com"]
    assert fake["status"] == "fail" and "not one" in fake["finding"]
    # the valid registry is still examined
    assert by_subject[None]["status"] == "ok" and "123456789012" in by_subject[None]["finding"]
    [login] = json_checks(document, "permissions.login")
    assert login["status"] == "ok"


def test_an_eleven_digit_id_in_the_profiles_file_is_a_failed_check_with_its_line(env: Env) -> None:
    profiles = env.write_profiles("version: 1\ntargets:\n  - name: t\n    registries:\n      - 12345678901\n")
    code, document, _ = doctor_cli(env, "--config", str(profiles))
    assert code == 1
    [check] = json_checks(document, "config.profiles-file")
    assert check["status"] == "fail" and check["target"] is None
    assert f"{profiles}:5" in check["finding"] and "11 digits" in check["finding"]
    assert '"012345678901"' in check["remediation"]


def test_region_source_is_named_and_a_bad_region_refused(env: Env) -> None:
    env.write_aws_config(AWS_CONFIG)
    env.vars["AWS_PROFILE"] = "dev"
    code, document, _ = doctor_cli(env)
    [region] = json_checks(document, "config.region")
    assert region["status"] == "ok" and region["finding"].startswith("eu-west-1, from profile dev in ")
    [profile] = json_checks(document, "config.profile")
    assert profile["status"] == "ok" and "region eu-west-1" in profile["finding"]

    env.vars["AWS_REGION"] = "us-east1"
    code, document, _ = doctor_cli(env)
    assert code == 1
    [region] = json_checks(document, "config.region")
    assert region["status"] == "fail"
    assert "'us-east1' (from $AWS_REGION) is not an AWS region name" in region["finding"]


def test_a_profile_named_by_aws_profile_that_does_not_exist(env: Env) -> None:
    env.write_aws_config(AWS_CONFIG)
    env.vars["AWS_PROFILE"] = "prod"
    env.vars["AWS_REGION"] = "us-east-1"
    code, document, _ = doctor_cli(env)
    assert code == 1
    [profile] = json_checks(document, "config.profile")
    assert profile["status"] == "fail" and "named by $AWS_PROFILE" in profile["finding"]
    assert "dev, west" in profile["remediation"]
