"""Every id a doctor check can carry. Scripts and the TUI key on them, so they are a
stable contract: `docs/doctor-checks.md` lists exactly these (a test holds the two
together), and a new check gets a new id rather than reusing one."""

from __future__ import annotations

from enum import Enum


class CheckId(str, Enum):
    """`<category>.<what>`: the category it is listed under, then what it examines."""

    CONFIG_PROFILES_FILE = "config.profiles-file"
    CONFIG_REGISTRY = "config.registry"
    CONFIG_REGION = "config.region"
    CONFIG_PUBLIC_REGION = "config.public-region"
    CONFIG_PROFILE = "config.profile"
    CONFIG_REPOSITORY = "config.repository"
    CONFIG_PLAN = "config.plan"

    CREDENTIALS_SSO = "credentials.sso"
    CREDENTIALS_PROVIDER = "credentials.provider"
    CREDENTIALS_ASSUME_ROLE = "credentials.assume-role"
    CREDENTIALS_IDENTITY = "credentials.identity"
    CREDENTIALS_CLOCK = "credentials.clock"
    CREDENTIALS_SKIPPED = "credentials.skipped"

    NETWORK_ENDPOINT = "network.endpoint"
    NETWORK_PROXY = "network.proxy"
    NETWORK_CA_BUNDLE = "network.ca-bundle"
    NETWORK_SKIPPED = "network.skipped"

    PERMISSIONS_LOGIN = "permissions.login"
    PERMISSIONS_SERVICE_BEARER_TOKEN = "permissions.service-bearer-token"
    PERMISSIONS_REPOSITORY = "permissions.repository"
    PERMISSIONS_PULL_IMAGE = "permissions.pull-image"
    PERMISSIONS_PULL_LAYER = "permissions.pull-layer"
    PERMISSIONS_PUSH_CHECK = "permissions.push-check"
    PERMISSIONS_PUSH_UPLOAD = "permissions.push-upload"
    PERMISSIONS_CROSS_ACCOUNT = "permissions.cross-account"
    PERMISSIONS_SKIPPED = "permissions.skipped"

    LOCAL_CREDENTIALS = "local.credentials"
    LOCAL_HELPER = "local.helper"
    LOCAL_DUPLICATE = "local.duplicate"
    LOCAL_PUBLIC_ENTRY = "local.public-entry"
    LOCAL_DOCKER_CONFIG = "local.docker-config"
    LOCAL_KEYRING = "local.keyring"
    LOCAL_HELPER_LOG = "local.helper-log"
    LOCAL_RUNTIME_DESKTOP_LEFTOVER = "local.runtime.desktop-leftover"
    LOCAL_RUNTIME_RANCHER = "local.runtime.rancher"
    LOCAL_RUNTIME_FINCH = "local.runtime.finch"
    LOCAL_RUNTIME_NERDCTL = "local.runtime.nerdctl"
    LOCAL_SKIPPED = "local.skipped"

    DOCTOR_ERROR = "doctor.error"

    def __str__(self) -> str:  # the id itself in text, not `CheckId.NAME`
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


# The pull and push probes, which a cross-account repository's policy must grant too.
PULL_AND_PUSH = (
    CheckId.PERMISSIONS_PULL_IMAGE,
    CheckId.PERMISSIONS_PULL_LAYER,
    CheckId.PERMISSIONS_PUSH_CHECK,
    CheckId.PERMISSIONS_PUSH_UPLOAD,
)
