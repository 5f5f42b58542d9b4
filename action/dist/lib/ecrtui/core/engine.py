"""The login engine: registries grouped by (credentials, region, type), one
GetAuthorizationToken call per group and chunk of at most 10 IDs, calls in parallel,
credentials written as each call returns. One registry failing never stops the others.

Writes to one file are group-committed: a thread whose token arrives while another thread
of this run writes that file queues it, and the next writer writes every queued token in
one locked read-modify-write (one fsync, no lock polling) instead of one each.

Progress goes to `on_event`, called from worker threads: the CLI prints, the TUI posts
messages.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ecrtui.core.addresses import RegistryType
from ecrtui.core.aws import ClientFactory
from ecrtui.core.aws_errors import to_aws_error
from ecrtui.core.errors import AwsError, EcrtuiError
from ecrtui.core.gc_pause import cyclic_gc_paused
from ecrtui.core.models import LoginEvent, LoginFinished, LoginResult, LoginStarted, LoginStatus, Registry, Token
from ecrtui.core.tokens import MAX_IDS_PER_CALL, private_tokens, public_token
from ecrtui.core.writers import AuthFileWriter, make_writers

EventSink = Callable[[LoginEvent], None]
TokenSink = Callable[[Registry, Token], None]


@dataclass(frozen=True)
class TokenBatch:
    """A token batch: the registries one GetAuthorizationToken call serves (same credentials,
    region and type; at most 10 IDs)."""

    registries: tuple[Registry, ...]

    @property
    def first(self) -> Registry:
        return self.registries[0]

    @property
    def account_ids(self) -> list[str]:
        return [r.account_id for r in self.registries if r.account_id]


def group_key(registry: Registry) -> tuple[object, ...]:
    return (registry.profile, registry.role_arn, registry.region, registry.type)


def plan_batches(registries: Iterable[Registry]) -> list[TokenBatch]:
    """Group by credentials and region; split each group's IDs into chunks of 10. The
    caller's default registry (no ID) needs a call of its own; public needs exactly one."""
    groups: dict[tuple[object, ...], list[Registry]] = {}
    for registry in registries:
        groups.setdefault(group_key(registry), []).append(registry)
    batches: list[TokenBatch] = []
    for members in groups.values():
        if members[0].type is RegistryType.PUBLIC:
            batches.append(TokenBatch(tuple(members)))
            continue
        with_id = [r for r in members if r.account_id]
        without_id = [r for r in members if not r.account_id]
        batches.extend(
            TokenBatch(tuple(with_id[i : i + MAX_IDS_PER_CALL])) for i in range(0, len(with_id), MAX_IDS_PER_CALL)
        )
        if without_id:
            batches.append(TokenBatch(tuple(without_id)))
    return batches


class LoginEngine:
    """Runs token batches in parallel (bounded by `jobs`) and writes what comes back."""

    def __init__(
        self,
        factory: ClientFactory,
        *,
        jobs: int = 64,
        on_event: EventSink | None = None,
        on_token: TokenSink | None = None,
        writers: Callable[[tuple[str, ...]], Sequence[AuthFileWriter]] | None = None,
        lease: str | None = None,
    ) -> None:
        self.factory = factory
        self.jobs = max(1, jobs)
        self.on_event = on_event or (lambda event: None)
        self.on_token = on_token
        self.make_writers = writers or (lambda names: make_writers(names, factory.settings.environ, lease))
        self._batches = _WriteBatches()

    def login(self, registries: Sequence[Registry]) -> list[LoginResult]:
        batches = plan_batches(registries)
        results: dict[Registry, LoginResult] = {}
        if batches:
            with (
                cyclic_gc_paused(),
                ThreadPoolExecutor(max_workers=min(self.jobs, len(batches)), thread_name_prefix="ecrtui-login") as pool,
            ):
                for batch_results in pool.map(self._run_batch, batches):
                    for result in batch_results:
                        results[result.registry] = result
        return [results[r] for r in registries]

    def _run_batch(self, batch: TokenBatch) -> list[LoginResult]:
        for registry in batch.registries:
            self.on_event(LoginStarted(registry))
        try:
            results = self._fetch_and_write(batch)
        except Exception as error:  # a bug or an unexpected answer: report it, keep the others
            failure = self._as_error(error, batch.first)
            results = [_failed(r, failure) for r in batch.registries]
        for result in results:
            self.on_event(LoginFinished(result))
        return results

    def _as_error(self, error: Exception, registry: Registry) -> EcrtuiError:
        if isinstance(error, EcrtuiError):
            return error
        action = (
            "ecr-public:GetAuthorizationToken" if registry.type is RegistryType.PUBLIC else "ecr:GetAuthorizationToken"
        )
        return to_aws_error(error, action=action, profile=registry.profile, settings=self.factory.settings)

    def _fetch_and_write(self, batch: TokenBatch) -> list[LoginResult]:
        first = batch.first
        try:
            if first.type is RegistryType.PUBLIC:
                client = self.factory.shared_client(
                    "ecr-public", first.region, first.profile, first.role_arn, connections=self.jobs
                )
                token = public_token(client)
                tokens: dict[Registry, Token | EcrtuiError] = {r: token for r in batch.registries}
            else:
                client = self.factory.shared_client(
                    "ecr", first.region, first.profile, first.role_arn, connections=self.jobs
                )
                tokens = _match(batch, private_tokens(client, batch.account_ids, first.region))
        except Exception as error:
            failure = self._as_error(error, first)
            return [_failed(r, failure) for r in batch.registries]
        stored: list[tuple[Registry, Token]] = []
        results: dict[Registry, LoginResult] = {}
        for registry, answer in tokens.items():
            if isinstance(answer, EcrtuiError):
                results[registry] = _failed(registry, answer)
            else:
                host = registry.host or answer.host
                stored.append((registry, dataclasses.replace(answer, host=host)))
        for registry, token in stored:
            results[registry] = self._write(registry, token)
        return [results[r] for r in batch.registries]

    def _write(self, registry: Registry, token: Token) -> LoginResult:
        written: list[str] = []
        for writer in self.make_writers(registry.writers):
            try:
                self._batches.write(writer, token)
            except EcrtuiError as error:
                return _failed(registry, error, host=token.host, writers=tuple(written), prefix=f"{writer.name}: ")
            written.append(writer.name)
        if self.on_token is not None:
            self.on_token(registry, token)
        return LoginResult(registry, LoginStatus.OK, token.host, token=token, writers=tuple(written))


@dataclass
class _Pending:
    token: Token
    done: bool = False
    error: Exception | None = None


class _FileQueue:
    """Tokens waiting for one credentials file, and the turn to write it."""

    def __init__(self, writer: AuthFileWriter) -> None:
        self.writer = writer
        self.turn = threading.Lock()  # one writer of this file at a time in this process
        self.lock = threading.Lock()  # guards `pending`
        self.pending: list[_Pending] = []

    def write(self, token: Token) -> None:
        entry = _Pending(token)
        with self.lock:
            self.pending.append(entry)
        with self.turn:
            if not entry.done:  # else an earlier turn wrote it along with its own
                with self.lock:
                    batch, self.pending = self.pending, []
                self._flush(batch)
        if entry.error is not None:
            raise entry.error

    def _flush(self, batch: list[_Pending]) -> None:
        try:
            try:
                self.writer.write([entry.token for entry in batch])
            except EcrtuiError:
                if len(batch) == 1:
                    raise
                for entry in batch:  # one by one, so that each registry gets its own outcome
                    try:
                        self.writer.write([entry.token])
                    except EcrtuiError as error:
                        entry.error = error
        except Exception as error:
            for entry in batch:
                entry.error = entry.error or error
        finally:
            for entry in batch:
                entry.done = True


class _WriteBatches:
    """Group commit of the writes of one engine, per (writer, file)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str], _FileQueue] = {}

    def write(self, writer: AuthFileWriter, token: Token) -> None:
        key = (writer.name, str(getattr(writer, "path", "")))
        with self._lock:
            queue = self._queues.setdefault(key, _FileQueue(writer))
        queue.write(token)


def _match(batch: TokenBatch, tokens: list[Token]) -> dict[Registry, Token | EcrtuiError]:
    """Pair each registry of a batch with the token issued for its account, never by
    position: a token filed under another account's host would be a wrong password, or
    one a hostile endpoint chose. The caller's default registry (no ID) takes the only
    token; so does a lone registry whose answer names no account (a custom endpoint)."""
    by_account = {t.account_id: t for t in tokens if t.account_id}
    matched: dict[Registry, Token | EcrtuiError] = {}
    for registry in batch.registries:
        if registry.account_id in by_account:
            matched[registry] = by_account[registry.account_id]
        elif (
            len(batch.registries) == 1
            and len(tokens) == 1
            and (registry.account_id is None or tokens[0].account_id is None)
        ):
            matched[registry] = tokens[0]
        else:
            matched[registry] = AwsError(
                f"Amazon ECR returned no token for {registry.account_id or 'the default registry'}",
                remediation="the endpoint answered for other accounts; check AWS_ENDPOINT_URL_ECR and the registry IDs",
                code="NoData",
            )
    used = {id(t) for t in matched.values()}
    unasked = sorted(t.host for t in tokens if id(t) not in used)
    for host in unasked:  # an answer nobody asked for is never written anywhere
        logging.getLogger("ecrtui").warning(
            "ecrtui: warning: Amazon ECR answered with a token for %s, which was not asked for; it was ignored", host
        )
    return matched


def _failed(
    registry: Registry,
    error: EcrtuiError,
    *,
    host: str | None = None,
    writers: tuple[str, ...] = (),
    prefix: str = "",
) -> LoginResult:
    return LoginResult(
        registry,
        LoginStatus.FAILED,
        host or registry.host,
        writers=writers,
        error=prefix + error.message,
        remediation=error.remediation or None,
        error_code=getattr(error, "code", None) or None,
    )


def logout(
    hosts: Sequence[str], writer_names: Sequence[str], environ: dict[str, str] | None = None, lease: str | None = None
) -> dict[str, str | None]:
    """Erase `hosts` from every writer's file; per host None or why it failed. With a
    `lease`, release it and keep the hosts other jobs' leases still hold."""
    outcome: dict[str, str | None] = {host: None for host in hosts}
    for writer in make_writers(writer_names, environ, lease):
        try:
            for host, problem in writer.erase(hosts).items():
                if problem and outcome.get(host) is None:
                    outcome[host] = f"{writer.name}: {problem}"
        except EcrtuiError as error:
            for host in hosts:
                outcome[host] = outcome[host] or f"{writer.name}: {error.message}"
    return outcome
