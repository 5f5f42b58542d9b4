"""The profiles file loader and AWS profile discovery (ecrtui/core/profiles_file.py,
profiles_reader.py, yaml_walk.py, aws_profiles.py), and the planning from targets and
flags to registries (ecrtui/core/plan.py): every key of the documented file, every mistake
reported with file:line and a fix, hostile files (non-UTF-8, binary, huge, alias bombs)
refused fast, and the region precedence of the SDK."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.commands import REPO, run_cli
from support.environment import Env

from ecrtui.core.addresses import RegistrySpec, RegistryType
from ecrtui.core.aws_profiles import AwsProfile, discover_aws_profiles, region_for
from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.models import SourceLocation, Target
from ecrtui.core.plan import Selection, choose_targets, plan_registries
from ecrtui.core.profiles_file import (
    MAX_FILE_BYTES,
    CacheMode,
    Defaults,
    ProfilesFile,
    load_profiles,
    load_profiles_file,
)

FULL_FILE = """\
version: 1
defaults:
  region: us-east-1
  writers: [docker, helm]
  cache: none
  max_attempts: 5
  timeout: 2.5
  jobs: 4
  refresh_margin: 45
targets:
  - name: dev
    profile: dev-sso
    region: eu-west-1
    role_arn: arn:aws:iam::998877665544:role/ecr-pull
    type: private
    registries:
      - "123456789012"
      - 998877665544.dkr.ecr.eu-central-1.amazonaws.com
      - id: "210987654321"
        region: us-west-2
        host: ecr.internal.example.com
      - 012345678901
      - "123456789012"
    repositories: [team/app, team/api]
    writers: [podman]
  - name: public
    type: PUBLIC
    registries: [public.ecr.aws]
keymap:
  login: ctrl+l
"""


def write(tmp_path: Path, text: str | bytes, name: str = "profiles.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def load_error(tmp_path: Path, text: str | bytes) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_profiles_file(path)
    return caught.value


# --- a valid file ----------------------------------------------------------------------------


def test_every_key_of_the_design_example_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_FILE)
    loaded = load_profiles_file(path)
    assert loaded.path == str(path)
    assert loaded.defaults == Defaults(
        region="us-east-1",
        writers=("docker", "helm"),
        cache="none",
        max_attempts=5,
        timeout=2.5,
        jobs=4,
        refresh_margin_minutes=45,
    )
    assert loaded.defaults.cache is CacheMode.NONE and not loaded.defaults.uses_keyring
    assert Defaults().uses_keyring
    dev, public = loaded.targets
    assert dev == Target(
        name="dev",
        profile="dev-sso",
        region="eu-west-1",
        role_arn="arn:aws:iam::998877665544:role/ecr-pull",
        type=RegistryType.PRIVATE,
        registries=(
            RegistrySpec(account_id="123456789012"),
            RegistrySpec(
                account_id="998877665544",
                region="eu-central-1",
                host="998877665544.dkr.ecr.eu-central-1.amazonaws.com",
            ),
            RegistrySpec(account_id="210987654321", region="us-west-2", host="ecr.internal.example.com"),
            # unquoted, yet its leading zero is kept: the loader reads the text as written
            RegistrySpec(account_id="012345678901"),
        ),  # and the repeated "123456789012" collapsed
        repositories=("team/app", "team/api"),
        writers=("podman",),
        source=SourceLocation(str(path), 11),
    )
    assert public.type is RegistryType.PUBLIC
    assert public.registries == (RegistrySpec(type=RegistryType.PUBLIC, host="public.ecr.aws"),)
    assert loaded.keymap == (("login", "ctrl+l"),)


def test_the_shipped_example_file_loads() -> None:
    loaded = load_profiles_file(REPO / "profiles.example.yaml")
    assert [t.name for t in loaded.targets] == ["dev", "prod", "public"]
    assert loaded.targets[1].role_arn == "arn:aws:iam::998877665544:role/ecr-pull"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_file_has_no_targets(tmp_path: Path, text: str) -> None:
    assert load_profiles_file(write(tmp_path, text)).targets == ()


def test_the_file_is_found_through_config_then_env_then_xdg(tmp_path: Path) -> None:
    explicit = write(tmp_path, "targets: [{name: explicit}]\n", "a.yaml")
    from_env = write(tmp_path, "targets: [{name: from-env}]\n", "b.yaml")
    xdg = tmp_path / "xdg" / "ecrtui" / "profiles.yaml"
    xdg.parent.mkdir(parents=True)
    xdg.write_text("targets: [{name: xdg}]\n")
    environ = {"ECRTUI_CONFIG": str(from_env), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert load_profiles(str(explicit), environ).targets[0].name == "explicit"
    assert load_profiles(None, environ).targets[0].name == "from-env"
    assert load_profiles(None, {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}).targets[0].name == "xdg"
    assert load_profiles(None, {"XDG_CONFIG_HOME": str(tmp_path / "none")}) == ProfilesFile()
    with pytest.raises(ConfigError, match="does not exist"):
        load_profiles(str(tmp_path / "missing.yaml"), environ)


# --- mistakes, each with file:line and a fix ---------------------------------------------------------

MISTAKES = [
    pytest.param(
        "targets:\n  - name: a\n    regoin: us-east-1\n",
        3,
        "unknown key 'regoin'",
        "did you mean 'region'?",
        id="unknown-key",
    ),
    pytest.param("target:\n  - name: a\n", 1, "unknown key 'target'", "did you mean 'targets'?", id="unknown-top-key"),
    pytest.param("defaults:\n  wrtiers: [docker]\n", 2, "unknown key 'wrtiers'", "'writers'", id="unknown-default"),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - {id: '123456789012', regin: x}\n",
        4,
        "unknown key 'regin'",
        "'region'",
        id="unknown-registry-key",
    ),
    pytest.param("targets:\n  name: a\n", 2, "targets must be a list", "targets: [item, item]", id="targets-not-list"),
    pytest.param(
        "targets:\n  - name: a\n    registries: 123456789012\n",
        3,
        "registries must be a list",
        "[item",
        id="regs-scalar",
    ),
    pytest.param("targets:\n  - name: [a]\n", 2, "target name must be a text value", "", id="name-list"),
    pytest.param("targets:\n  - name:\n", 2, "target name must be a text value", "", id="name-null"),
    pytest.param("targets:\n  - profile: x\n", 2, "a target has no name", "add name:", id="no-name"),
    pytest.param("defaults:\n  max_attempts: three\n", 2, "must be a whole number", "max_attempts", id="attempts-word"),
    pytest.param("defaults:\n  max_attempts: 2.5\n", 2, "must be a whole number", "", id="attempts-float"),
    pytest.param("defaults:\n  max_attempts: 0\n", 2, "must be between 1 and 20", "", id="attempts-zero"),
    pytest.param("defaults:\n  timeout: [1]\n", 2, "defaults.timeout must be a number", "", id="timeout-list"),
    pytest.param("defaults:\n  timeout: .nan\n", 2, "defaults.timeout must be", "", id="timeout-nan"),
    pytest.param("defaults:\n  jobs: 100000\n", 2, "must be between 1 and 256", "", id="jobs-huge"),
    pytest.param("defaults:\n  cache: redis\n", 2, "unknown cache 'redis'", "cache: none", id="cache"),
    pytest.param(
        "defaults:\n  writers: [docker, dokcer]\n", 2, "unknown writer 'dokcer'", "docker, podman", id="writer"
    ),
    pytest.param("defaults:\n  writers: docker\n", 2, "defaults.writers must be a list", "", id="writers-scalar"),
    pytest.param(
        "defaults:\n  region: moon\n", 2, "'moon' is not an AWS region name", "us-east-1", id="default-region"
    ),
    pytest.param("targets:\n  - name: a\n    region: 1\n", 3, "is not an AWS region name", "", id="target-region"),
    pytest.param("targets:\n  - name: a\n    type: secret\n", 3, "has type 'secret'", "type: private", id="type"),
    pytest.param("version: 2\n", 1, "unsupported version 2", "version: 1", id="version"),
    pytest.param("- a\n- b\n", 1, "must be a mapping", "", id="root-list"),
    pytest.param("just text\n", 1, "must be a mapping", "", id="root-scalar"),
    pytest.param(
        "targets:\n  - name: a\n    region: us-east-1\n    region: eu-west-1\n",
        4,
        "duplicate key 'region'",
        "keep one",
        id="duplicate-key",
    ),
    pytest.param("version: 1\nversion: 1\n", 2, "duplicate key 'version'", "", id="duplicate-top-key"),
    pytest.param(
        "targets:\n  - name: a\n  - name: b\n  - name: a\n",
        4,
        "duplicate target name 'a' (first at line 2)",
        "unique name",
        id="duplicate-name",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - 12345678901\n",
        4,
        "has 11 digits, not 12",
        'write it quoted, "012345678901"',
        id="id-11-digits",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - id: 12345678901\n",
        4,
        "has 11 digits, not 12",
        '"012345678901"',
        id="long-form-id-11-digits",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - region: us-east-1\n",
        4,
        "has no id",
        'id: "123456789012"',
        id="long-form-no-id",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - 123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example.com\n",
        4,
        "looks like an ECR hostname but is not one",
        "ACCOUNT.dkr.ecr.REGION.amazonaws.com",
        id="bad-ecr-host",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - registry.example.com\n",
        4,
        "neither a 12-digit account ID nor an ECR hostname",
        "",
        id="not-ecr-host",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - id: '123456789012'\n        host: 'bad host!'\n",
        5,
        "host 'bad host!' is not a hostname",
        "registry.example.com:5000",
        id="bad-custom-host",
    ),
    pytest.param(
        "targets:\n  - name: a\n    registries:\n      - 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app\n",
        4,
        "includes a repository path",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        id="repository-path",
    ),
    pytest.param(
        "targets:\n  - name: a\n    role_arn: ecr-pull\n", 3, "is not a role ARN", "arn:aws:iam::", id="role-arn-name"
    ),
    pytest.param(
        "targets:\n  - name: a\n\n    role_arn: arn:aws:iam::123456789012:user/bob\n",
        4,
        "is not a role ARN",
        ":role/NAME",
        id="role-arn-user",
    ),
    pytest.param(
        "targets:\n  - name: pub\n    type: public\n    registries:\n      - '123456789012'\n",
        5,
        "target 'pub' is public but lists the private registry 123456789012",
        "separate targets",
        id="public-lists-private",
    ),
    pytest.param(
        "targets:\n  - name: priv\n    registries:\n      - public.ecr.aws\n",
        4,
        "is private but lists the public registry public.ecr.aws",
        "separate targets",
        id="private-lists-public",
    ),
    pytest.param("defaults: &d {region: us-east-1}\ntargets: [{<<: *d, name: a}]\n", 2, "merge keys", "", id="merge"),
    pytest.param("keymap: [login]\n", 1, "keymap must map binding ids to keys", "", id="keymap-list"),
    pytest.param("targets:\n  - name: a\n    region: [us-east-1\n", 4, "not valid YAML", "YAML syntax", id="yaml-flow"),
    pytest.param("targets:\n\t- name: a\n", 2, "not valid YAML", "indentation", id="yaml-tab"),
    pytest.param("targets:\n  - name: 'a\n", 3, "not valid YAML", "", id="yaml-quote"),
]


@pytest.mark.parametrize(("text", "line", "message", "hint"), MISTAKES)
def test_mistakes_name_the_file_line_and_fix(tmp_path: Path, text: str, line: int, message: str, hint: str) -> None:
    error = load_error(tmp_path, text)
    assert error.message.startswith(f"{tmp_path / 'profiles.yaml'}:{line}: "), error.message
    assert message in error.message
    assert hint in error.remediation


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, b"version: 1\ntargets:\n  - name: caf\xe9\n")
    assert error.message == f"{tmp_path / 'profiles.yaml'}:3: the file is not UTF-8 text"
    assert "UTF-8" in error.remediation


def test_binary_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20)
    assert "is binary, not YAML" in error.message


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        load_profiles_file(tmp_path / "dir.yaml")


def test_more_than_one_mib_is_refused_without_parsing(tmp_path: Path) -> None:
    text = "# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    error = load_error(tmp_path, text)
    assert "larger than 1 MiB" in error.message


def _timed_load(path: Path) -> tuple[float, ConfigError | ProfilesFile]:
    started = time.monotonic()
    try:
        outcome: ConfigError | ProfilesFile = load_profiles_file(path)
    except ConfigError as error:
        outcome = error
    return time.monotonic() - started, outcome


def test_billion_laughs_finishes_fast(tmp_path: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for depth in range(1, 10):
        prev, name = chr(ord("a") + depth - 1), chr(ord("a") + depth)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "targets:\n  - name: t\n    repositories:\n      - {" + ", ".join(levels) + "}\n"
    elapsed, outcome = _timed_load(write(tmp_path, text))
    assert elapsed < 2
    assert isinstance(outcome, ConfigError)
    assert ":4: a repository of target 't' must be a text value" in outcome.message


def test_aliased_registry_lists_are_bounded(tmp_path: Path) -> None:
    """1,000 registries aliased into 2,000 targets: a 90 kB file that would make two
    million registries. The loader stops at its total budget, quickly."""
    lines = ["targets:", "  - name: t0", "    registries: &r"]
    lines += [f"      - '{100000000000 + i}'" for i in range(1000)]
    lines += [f"  - {{name: t{i}, registries: *r}}" for i in range(1, 2000)]
    elapsed, outcome = _timed_load(write(tmp_path, "\n".join(lines) + "\n"))
    assert elapsed < 5
    assert isinstance(outcome, ConfigError)
    assert "list entries in all (each use of a YAML alias counts)" in outcome.message
    assert outcome.message.startswith(f"{tmp_path / 'profiles.yaml'}:3: ")


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    elapsed, outcome = _timed_load(write(tmp_path, "targets: " + "[" * 100_000 + "]" * 100_000 + "\n"))
    assert elapsed < 5
    assert isinstance(outcome, ConfigError)


def test_a_large_valid_file_loads_quickly(tmp_path: Path) -> None:
    """40 targets of 1,000 distinct registries each (900 kB, no aliases) load in about a
    second: the duplicate check is not quadratic (it was: 8 s)."""
    lines = ["targets:"]
    for t in range(40):
        lines += [f"  - name: t{t}", "    registries:"]
        lines += [f"      - '{100000000000 + t * 1000 + i}'" for i in range(1000)]
    elapsed, outcome = _timed_load(write(tmp_path, "\n".join(lines) + "\n"))
    assert isinstance(outcome, ProfilesFile)
    assert sum(len(t.registries) for t in outcome.targets) == 40_000
    assert elapsed < 5


# --- AWS shared config discovery -----------------------------------------------------------------

AWS_CONFIG = """\
[default]
region = us-east-1

[profile sso-new]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Dev
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Dev

[profile role]
role_arn = arn:aws:iam::998877665544:role/ecr-pull
source_profile = default
region = us-west-2

[profile proc]
credential_process = /usr/bin/true

[profile web]
role_arn = arn:aws:iam::123456789012:role/ci
web_identity_token_file = /var/run/token

[profile keys-in-both]
region = ap-south-1

[services local]
ecr =
  endpoint_url = http://127.0.0.1:1
"""

AWS_CREDENTIALS = """\
[default]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[only-credentials]
aws_access_key_id = AKIAEXAMPLE2
aws_secret_access_key = secret2

[keys-in-both]
aws_access_key_id = AKIAEXAMPLE3
aws_secret_access_key = secret3
"""


def aws_files(tmp_path: Path, config: str | bytes = AWS_CONFIG, credentials: str = AWS_CREDENTIALS) -> dict[str, str]:
    config_path = write(tmp_path, config, "aws-config")
    credentials_path = write(tmp_path, credentials, "aws-credentials")
    return {"AWS_CONFIG_FILE": str(config_path), "AWS_SHARED_CREDENTIALS_FILE": str(credentials_path)}


def test_every_kind_of_aws_profile_is_discovered(tmp_path: Path) -> None:
    environ = aws_files(tmp_path)
    profiles = {p.name: p for p in discover_aws_profiles(environ)}
    config, credentials = environ["AWS_CONFIG_FILE"], environ["AWS_SHARED_CREDENTIALS_FILE"]
    assert list(profiles) == [
        "default",
        "sso-new",
        "sso-legacy",
        "role",
        "proc",
        "web",
        "keys-in-both",
        "only-credentials",
    ]  # config order first; sso-session and services sections are not profiles
    assert profiles["default"] == AwsProfile("default", "static", "us-east-1", config)
    assert profiles["sso-new"] == AwsProfile(
        "sso-new",
        "sso",
        "eu-west-1",
        config,
        sso_session="corp",
        sso_start_url="https://corp.awsapps.com/start",
    )
    assert profiles["sso-legacy"].kind == "sso"
    assert profiles["sso-legacy"].sso_start_url == "https://legacy.awsapps.com/start"
    assert profiles["role"] == AwsProfile(
        "role",
        "assume-role",
        "us-west-2",
        config,
        role_arn="arn:aws:iam::998877665544:role/ecr-pull",
        source_profile="default",
    )
    assert profiles["proc"].kind == "credential-process"
    assert profiles["web"].kind == "web-identity"
    assert profiles["keys-in-both"] == AwsProfile("keys-in-both", "static", "ap-south-1", config)
    assert profiles["only-credentials"] == AwsProfile("only-credentials", "static", None, credentials)


def test_no_aws_files_is_no_profiles(tmp_path: Path) -> None:
    environ = {"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none2")}
    assert discover_aws_profiles(environ) == ()


@pytest.mark.parametrize(
    ("config", "line"),
    [
        ("[default]\nregion = us-east-1\nthis line is not ini\n", 3),
        ("region = us-east-1\n[default]\n", 1),
        ("[default]\nregion = us-east-1\n\n[profile x]\nkey\n", 5),
    ],
)
def test_malformed_aws_config_names_its_line(tmp_path: Path, config: str, line: int) -> None:
    environ = aws_files(tmp_path, config)
    with pytest.raises(ConfigError) as caught:
        discover_aws_profiles(environ)
    assert caught.value.message.startswith(f"{environ['AWS_CONFIG_FILE']}:{line}: ")
    assert "[profile NAME]" in caught.value.remediation


def test_non_utf8_aws_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be parsed"):
        discover_aws_profiles(aws_files(tmp_path, b"[default]\nregion = \xff\n"))


# --- region precedence --------------------------------------------------------------------------

PROFILES = (
    AwsProfile("default", "static", "ap-south-1", "config"),
    AwsProfile("dev", "sso", "eu-west-1", "config"),
    AwsProfile("bare", "static", None, "credentials"),
)


@pytest.mark.parametrize(
    ("explicit", "profile", "environ", "defaults_region", "expected", "origin"),
    [
        ("us-west-2", "dev", {"AWS_REGION": "ca-central-1"}, "us-east-1", "us-west-2", "set explicitly"),
        (
            None,
            "dev",
            {"AWS_REGION": "ca-central-1", "AWS_DEFAULT_REGION": "sa-east-1"},
            None,
            "ca-central-1",
            "$AWS_REGION",
        ),
        (None, "dev", {"AWS_REGION": " ", "AWS_DEFAULT_REGION": "sa-east-1"}, None, "sa-east-1", "$AWS_DEFAULT_REGION"),
        (None, "dev", {}, "us-east-1", "eu-west-1", "profile dev in config"),
        (None, None, {"AWS_PROFILE": "dev"}, "us-east-1", "eu-west-1", "profile dev in config"),
        (None, None, {}, "us-east-1", "ap-south-1", "profile default in config"),
        (None, "bare", {}, "us-east-1", "us-east-1", "defaults.region of the profiles file"),
        (None, "bare", {}, None, None, "nowhere"),
    ],
)
def test_region_precedence_follows_the_sdk(
    explicit: str | None,
    profile: str | None,
    environ: dict[str, str],
    defaults_region: str | None,
    expected: str | None,
    origin: str,
) -> None:
    assert region_for(explicit, profile, defaults_region, PROFILES, environ) == (expected, origin)


# --- planning: targets and flags -> registries -------------------------------------------------------


def plan(
    profiles: ProfilesFile, selection: Selection, environ: dict[str, str] | None = None
) -> list[tuple[object, ...]]:
    targets = choose_targets(profiles, selection)
    registries = plan_registries(targets, profiles.defaults, PROFILES, writers=selection.writers, environ=environ or {})
    return [(r.target, r.profile, r.type.value, r.region, r.account_id, r.host, r.writers) for r in registries]


def test_targets_of_the_file_resolve_regions_hosts_and_writers(tmp_path: Path) -> None:
    profiles = load_profiles_file(write(tmp_path, FULL_FILE.replace("profile: dev-sso", "profile: dev")))
    assert plan(profiles, Selection(all_targets=True)) == [
        (
            "dev",
            "dev",
            "private",
            "eu-west-1",
            "123456789012",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            ("podman",),
        ),
        (
            "dev",
            "dev",
            "private",
            "eu-central-1",  # a hostname's region wins over the target's
            "998877665544",
            "998877665544.dkr.ecr.eu-central-1.amazonaws.com",
            ("podman",),
        ),
        ("dev", "dev", "private", "us-west-2", "210987654321", "ecr.internal.example.com", ("podman",)),
        (
            "dev",
            "dev",
            "private",
            "eu-west-1",
            "012345678901",
            "012345678901.dkr.ecr.eu-west-1.amazonaws.com",
            ("podman",),
        ),
        ("public", None, "public", "us-east-1", None, "public.ecr.aws", ("docker", "helm")),
    ]
    # --writer on the command line wins over the target's and the defaults' writers
    assert {row[-1] for row in plan(profiles, Selection(target_names=("public",), writers=("helm",)))} == {("helm",)}


def test_ad_hoc_flags_make_one_target() -> None:
    selection = Selection(
        profile="dev",
        region="us-west-2",
        registries="123456789012, 998877665544.dkr.ecr.eu-central-1.amazonaws.com",
    )
    assert plan(ProfilesFile(), selection) == [
        (
            "dev",
            "dev",
            "private",
            "us-west-2",
            "123456789012",
            "123456789012.dkr.ecr.us-west-2.amazonaws.com",
            ("docker",),
        ),
        (
            "dev",
            "dev",
            "private",
            "eu-central-1",
            "998877665544",
            "998877665544.dkr.ecr.eu-central-1.amazonaws.com",
            ("docker",),
        ),
    ]
    # public goes to us-east-1 whatever the region, and ignores the registries as upstream does
    public = Selection(region="eu-west-1", registries="123456789012", registry_type=RegistryType.PUBLIC)
    assert plan(ProfilesFile(), public) == [
        ("default", None, "public", "us-east-1", None, "public.ecr.aws", ("docker",))
    ]
    # no registries: the caller's default registry, host known only after the call
    assert plan(ProfilesFile(), Selection(region="eu-west-1")) == [
        ("default", None, "private", "eu-west-1", None, None, ("docker",))
    ]


@pytest.mark.parametrize(
    "selection",
    [
        Selection(target_names=("dev",), registries="123456789012"),
        Selection(all_targets=True, profile="dev"),
        Selection(all_targets=True, region="us-east-1"),
        Selection(target_names=("dev",), registry_type=RegistryType.PUBLIC),
    ],
)
def test_targets_and_ad_hoc_flags_do_not_mix(tmp_path: Path, selection: Selection) -> None:
    profiles = load_profiles_file(write(tmp_path, FULL_FILE))
    with pytest.raises(UsageError, match="cannot be combined with --target or --all"):
        choose_targets(profiles, selection)


def test_unknown_target_and_empty_all_are_usage_errors(tmp_path: Path) -> None:
    profiles = load_profiles_file(write(tmp_path, FULL_FILE))
    with pytest.raises(UsageError, match="no target named 'prod'") as caught:
        choose_targets(profiles, Selection(target_names=("prod",)))
    assert caught.value.remediation == "use one of: dev, public"
    with pytest.raises(UsageError, match=r"^--all: no profiles file was found$"):
        choose_targets(ProfilesFile(), Selection(all_targets=True))


def test_region_missing_and_unknown_profile_name_the_target(tmp_path: Path) -> None:
    path = write(tmp_path, "targets:\n  - name: a\n    profile: bare\n  - name: b\n    profile: nope\n")
    profiles = load_profiles_file(path)
    with pytest.raises(ConfigError, match=rf"^{path}:2: Region is missing for target 'a'"):
        plan(profiles, Selection(target_names=("a",)))
    with pytest.raises(ConfigError, match=rf"^{path}:4: target 'b': AWS profile 'nope' does not exist") as caught:
        plan(profiles, Selection(target_names=("b",)), {"AWS_REGION": "us-east-1"})
    assert "bare, default, dev" in caught.value.remediation


@pytest.mark.parametrize(
    ("selection", "environ"),
    [(Selection(region="moon"), {}), (Selection(), {"AWS_REGION": "us-east-1; rm -rf /"})],
)
def test_a_malformed_region_never_reaches_aws(selection: Selection, environ: dict[str, str]) -> None:
    with pytest.raises(UsageError, match="is not an AWS region name"):
        plan(ProfilesFile(), selection, environ)


# --- the same through the real CLI -------------------------------------------------------------------


def test_cli_region_missing_exits_2(env: Env) -> None:
    result = run_cli(env, "login", "--output", "json")
    assert result.returncode == 2
    assert "Region is missing" in result.stderr
    assert result.stdout == ""
    assert not env.docker_config.exists()


def test_cli_unknown_profile_exits_2(env: Env) -> None:
    env.write_aws_config("[profile dev]\nregion = us-east-1\n")
    result = run_cli(env, "login", "--profile", "nope")
    assert result.returncode == 2
    assert "AWS profile 'nope' does not exist" in result.stderr
    assert "dev" in result.stderr  # the profiles that do exist


def test_cli_target_with_ad_hoc_flags_exits_2(env: Env) -> None:
    profiles = env.write_profiles("targets:\n  - name: dev\n    region: us-east-1\n")
    result = run_cli(env, "login", "--config", str(profiles), "--target", "dev", "--registries", "123456789012")
    assert result.returncode == 2
    assert "cannot be combined with --target or --all" in result.stderr


def test_cli_config_error_names_file_and_line(env: Env) -> None:
    profiles = env.write_profiles("targets:\n  - name: dev\n    regoin: us-east-1\n")
    result = run_cli(env, "login", "--config", str(profiles), "--all")
    assert result.returncode == 2
    assert f"{profiles}:3: unknown key 'regoin' in a target" in result.stderr
    assert "did you mean 'region'?" in result.stderr
