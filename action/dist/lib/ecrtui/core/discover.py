"""Discovery: every account and role the signed-in user has in IAM Identity Center.

ListAccounts pages are read one after another (each needs the last one's token), and
each account's ListAccountRoles starts as soon as its page arrives, on a pool of threads.
At most `jobs` calls are in flight, the listing's included (it keeps one slot of its own).
Throttling is retried by botocore's standard retry mode. Every answer is checked before use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ecrtui.core.aws_errors import code_and_message
from ecrtui.core.errors import AwsError
from ecrtui.core.sso import current_token, not_signed_in
from ecrtui.core.sso_config import ACCOUNT_ID, ROLE_NAME, SsoConfig

DEFAULT_JOBS = 16
PAGE_SIZE = 100  # the most ListAccounts/ListAccountRoles return at once
MAX_PAGES = 10_000  # a service that always answers with a next token must not loop forever


@dataclass(frozen=True)
class DiscoveredAccount:
    account_id: str
    account_name: str
    roles: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        return {"account_id": self.account_id, "account_name": self.account_name, "roles": list(self.roles)}


def _clean_name(value: object, fallback: str) -> str:
    """An account name as shown and written: printable, one line, bounded."""
    if not isinstance(value, str):
        return fallback
    text = "".join(ch for ch in value if ch.isprintable()).strip()[:128]
    return text or fallback


class Portal:
    """The sso portal client, every call under the shared bound on calls in flight."""

    def __init__(self, factory: Any, token: str, config: SsoConfig, jobs: int) -> None:
        self.client = factory.anonymous_client("sso", config.region)
        self.settings = factory.settings
        self.token = token
        self.config = config
        # One slot of the bound is the listing's own: its pages are the critical path, and
        # waiting behind role calls for a slot would stall every account after them.
        self.roles_bound = threading.BoundedSemaphore(max(1, jobs - 1))
        self.listing_bound = self.roles_bound if jobs == 1 else threading.BoundedSemaphore(1)

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        with self.listing_bound if operation == "list_accounts" else self.roles_bound:
            try:
                answer: dict[str, Any] = getattr(self.client, operation)(accessToken=self.token, **kwargs)
            except Exception as error:
                raise self._translate(error, operation) from None
        return answer if isinstance(answer, dict) else {}

    def _translate(self, error: Exception, operation: str) -> AwsError:
        code = code_and_message(error)[0]
        if code == "UnauthorizedException":
            return not_signed_in(self.config)
        from ecrtui.core.aws_errors import to_aws_error

        return to_aws_error(error, action=f"sso:{_ACTION[operation]}", profile=None, settings=self.settings)

    def pages(self, operation: str, key: str, **kwargs: Any) -> Iterator[list[Any]]:
        token: str | None = None
        for _ in range(MAX_PAGES):
            extra = {"nextToken": token} if token else {}
            answer = self.call(operation, maxResults=PAGE_SIZE, **kwargs, **extra)
            items = answer.get(key)
            yield items if isinstance(items, list) else []
            token = answer.get("nextToken") if isinstance(answer.get("nextToken"), str) else None
            if not token:
                return


_ACTION = {"list_accounts": "ListAccounts", "list_account_roles": "ListAccountRoles"}


def discover(
    config: SsoConfig,
    factory: Any,
    *,
    jobs: int = DEFAULT_JOBS,
    environ: Mapping[str, str] | None = None,
    on_account: Callable[[DiscoveredAccount], None] | None = None,
) -> list[DiscoveredAccount]:
    """Every account (sorted by ID) with its roles (sorted by name)."""
    token = current_token(config, factory, environ)
    portal = Portal(factory, token, config, max(1, jobs))
    with ThreadPoolExecutor(max_workers=max(1, jobs - 1), thread_name_prefix="ecrtui-discover") as pool:
        names, futures = _list_accounts(portal, pool)
        accounts = [DiscoveredAccount(a, names[a], futures[a].result()) for a in sorted(futures)]
    if on_account is not None:
        for account in accounts:
            on_account(account)
    return accounts


def _list_accounts(
    portal: Portal, pool: ThreadPoolExecutor
) -> tuple[dict[str, str], dict[str, Future[tuple[str, ...]]]]:
    """Each account's name, and its roles' listing started on `pool` as its page arrives;
    on a failure the listings not yet started are cancelled."""
    names: dict[str, str] = {}
    futures: dict[str, Future[tuple[str, ...]]] = {}
    try:
        for page in portal.pages("list_accounts", "accountList"):
            for item in page:
                account_id = item.get("accountId") if isinstance(item, dict) else None
                if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id) or account_id in names:
                    continue
                names[account_id] = _clean_name(item.get("accountName"), account_id)
                futures[account_id] = pool.submit(_roles_of, portal, account_id)
    except BaseException:
        for future in futures.values():
            future.cancel()
        raise
    return names, futures


def _roles_of(portal: Portal, account_id: str) -> tuple[str, ...]:
    found: list[str] = []
    for page in portal.pages("list_account_roles", "roleList", accountId=account_id):
        for item in page:
            role = item.get("roleName") if isinstance(item, dict) else None
            if isinstance(role, str) and ROLE_NAME.fullmatch(role):
                found.append(role)
    return tuple(sorted(set(found)))


def choose(accounts: list[DiscoveredAccount], roles: tuple[str, ...] = ()) -> list[DiscoveredAccount]:
    """Only the roles named (all when none are), and only accounts left with one."""
    if not roles:
        return [a for a in accounts if a.roles]
    wanted = set(roles)
    chosen = [
        DiscoveredAccount(a.account_id, a.account_name, tuple(r for r in a.roles if r in wanted)) for a in accounts
    ]
    return [a for a in chosen if a.roles]


@dataclass(frozen=True)
class EcrCheck:
    """Whether a role of an account gets an ECR token in a region, and why not."""

    account_id: str
    role: str
    region: str
    ok: bool
    error: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "role": self.role,
            "region": self.region,
            "ok": self.ok,
            "error": self.error,
        }


def check_ecr(
    session: str, accounts: list[DiscoveredAccount], regions: tuple[str, ...], factory: Any, *, jobs: int = DEFAULT_JOBS
) -> list[EcrCheck]:
    """One GetAuthorizationToken per (account, role, region), in parallel under `jobs`:
    where each role can log into its account's registry. The token itself is dropped."""
    from ecrtui.core.aws_errors import to_aws_error
    from ecrtui.core.sso_config import SsoRole

    def one(account: DiscoveredAccount, role: str, region: str) -> EcrCheck:
        key = SsoRole(session, account.account_id, role).profile_key
        try:
            factory.client("ecr", region, key).get_authorization_token(registryIds=[account.account_id])
        except AwsError as error:
            return EcrCheck(account.account_id, role, region, False, error.message)
        except Exception as error:
            problem = to_aws_error(error, action="ecr:GetAuthorizationToken", profile=None, settings=factory.settings)
            return EcrCheck(account.account_id, role, region, False, problem.message)
        return EcrCheck(account.account_id, role, region, True)

    work = [(a, r, g) for a in accounts for r in a.roles for g in regions]
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(work) or 1)), thread_name_prefix="ecrtui-ecr") as pool:
        return list(pool.map(lambda item: one(*item), work))
