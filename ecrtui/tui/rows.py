"""What the registry table shows, as plain data: one `RegistryRow` per registry, the
`RegistryBoard` that holds them in order with the user's selection, the expiry and status
wording, and the filter language. No textual here, so all of it is testable without a
terminal and the widgets only render what they are handed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ecrtui.core.aws_errors import SSO_EXPIRED
from ecrtui.core.models import LoginResult, Registry
from ecrtui.core.usecases.summary import login_summary


class RowStatus(str, Enum):
    """Where a registry's login stands in this session."""

    IDLE = "not logged in"
    STORED = "in config"  # a writer's file holds credentials, expiry unknown
    QUEUED = "queued"
    RUNNING = "logging in…"
    LOGGED_IN = "logged in"
    FAILED = "failed"
    SSO_EXPIRED = "SSO expired"
    LOGGING_OUT = "logging out…"
    LOGGED_OUT = "logged out"


BUSY = frozenset({RowStatus.QUEUED, RowStatus.RUNNING, RowStatus.LOGGING_OUT})


class ExpiryLevel(str, Enum):
    """How urgent a token's expiry is; the table colours by it."""

    UNKNOWN = "unknown"
    FINE = "fine"
    SOON = "soon"  # under an hour left: worth refreshing before a long build
    EXPIRED = "expired"


SOON_THRESHOLD = dt.timedelta(hours=1)


def expiry_level(expires_at: dt.datetime | None, now: dt.datetime) -> ExpiryLevel:
    if expires_at is None:
        return ExpiryLevel.UNKNOWN
    left = expires_at - now
    if left <= dt.timedelta(0):
        return ExpiryLevel.EXPIRED
    return ExpiryLevel.SOON if left < SOON_THRESHOLD else ExpiryLevel.FINE


def expires_in_text(expires_at: dt.datetime | None, now: dt.datetime) -> str:
    """A countdown as short as the urgency allows: days and hours far out, minutes and
    seconds in the last hour (so the cell visibly ticks when it matters)."""
    if expires_at is None:
        return "—"
    seconds = int((expires_at - now).total_seconds())
    if seconds <= 0:
        return "expired"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s"


def row_key(registry: Registry) -> str:
    """A stable text key for a registry: the same registry gets the same key after a
    refresh, so its status and selection survive re-reading the files."""
    parts = (
        registry.target,
        registry.profile,
        registry.role_arn,
        registry.type.value,
        registry.region,
        registry.account_id,
        registry.host,
    )
    return "|".join("" if part is None else part for part in parts)


@dataclass(frozen=True)
class RegistryRow:
    """One registry as the table shows it. `host` and `account_id` start as planned and
    are filled in by a login (the caller's default registry is known only then)."""

    key: str
    registry: Registry
    host: str | None
    account_id: str | None
    status: RowStatus = RowStatus.IDLE
    expires_at: dt.datetime | None = None
    error: str | None = None
    remediation: str | None = None
    writers: tuple[str, ...] = ()

    @classmethod
    def planned(cls, registry: Registry) -> RegistryRow:
        return cls(row_key(registry), registry, registry.host, registry.account_id)

    @property
    def busy(self) -> bool:
        return self.status in BUSY

    @property
    def label(self) -> str:
        return self.host or self.registry.label

    def status_text(self, now: dt.datetime) -> str:
        """The status column: a logged-in row whose token ran out says so."""
        if self.status is RowStatus.LOGGED_IN and expiry_level(self.expires_at, now) is ExpiryLevel.EXPIRED:
            return "expired"
        return self.status.value

    @property
    def has_credentials(self) -> bool:
        """Whether a logout would have something to erase: a known host that a login or a
        file gave credentials (a row never logged in, or whose host is still unknown, has
        none). A row in flight counts as it was before (IDLE) or may be after (LOGGING_OUT)."""
        return self.host is not None and self.status not in (
            RowStatus.IDLE,
            RowStatus.LOGGED_OUT,
            RowStatus.QUEUED,
            RowStatus.RUNNING,
        )

    @property
    def can_log_out(self) -> bool:
        """A logout may start now: credentials to erase, and no login or logout in flight."""
        return self.has_credentials and not self.busy

    def search_text(self, now: dt.datetime | None = None) -> dict[str, str]:
        """The fields the filter looks at, lower case: the status as the table shows it
        (a logged-in row whose token ran out reads "expired")."""
        registry = self.registry
        status = self.status_text(now) if now is not None else self.status.value
        return {
            "target": registry.target.lower(),
            "profile": (registry.profile or "").lower(),
            "account": (self.account_id or "").lower(),
            "region": registry.region.lower(),
            "host": self.label.lower(),
            "type": registry.type.value,
            "status": status.lower(),
        }


FILTER_FIELDS = ("target", "profile", "account", "region", "host", "type", "status")


def row_matches(row: RegistryRow, query: str, now: dt.datetime | None = None) -> bool:
    """Every word of `query` must match: `field:value` looks in that field, a bare word
    in any field. `target:dev region:eu` narrows to dev's European registries."""
    fields = row.search_text(now)
    for word in query.lower().split():
        name, sep, value = word.partition(":")
        if sep and name in FILTER_FIELDS:
            if value not in fields[name]:
                return False
        elif not any(word in text for text in fields.values()):
            return False
    return True


@dataclass(frozen=True)
class CachedState:
    """What is known about a registry before any network call: a cached token's expiry
    (and, for the caller's default registry, the host and account an earlier login
    learnt) and the writers whose files hold its credentials."""

    expires_at: dt.datetime | None = None
    written_to: tuple[str, ...] = ()
    host: str | None = None
    account_id: str | None = None


class RegistryBoard:
    """The rows in table order, the selection and the filter. Each `apply_*` returns the
    rows it changed, so the table redraws only those."""

    def __init__(self) -> None:
        self.rows: dict[str, RegistryRow] = {}
        self.selected: set[str] = set()
        self.query = ""
        self.now: dt.datetime | None = None  # the clock the filter reads statuses at

    # --- what is shown ---------------------------------------------------------------

    def visible(self, sort_by: str | None = None) -> list[RegistryRow]:
        """The rows the filter lets through, sorted by `sort_by` (a SORT_KEYS name; None:
        the profiles file's order)."""
        rows = list(self.rows.values())
        if self.query.strip():
            rows = [row for row in rows if row_matches(row, self.query, self.now)]
        if sort_by in SORT_KEYS:
            rows.sort(key=SORT_KEYS[sort_by])
        return rows

    def get(self, key: str) -> RegistryRow | None:
        return self.rows.get(key)

    def find(self, registry: Registry) -> RegistryRow | None:
        return self.rows.get(row_key(registry))

    # --- inventory -------------------------------------------------------------------

    def load(self, registries: Sequence[Registry]) -> None:
        """Replace the rows with a fresh plan; a registry planned before keeps what this
        session learnt about it (status, host, error) and its selection."""
        previous = self.rows
        self.rows = {}
        for registry in registries:
            fresh = RegistryRow.planned(registry)
            self.rows[fresh.key] = previous.get(fresh.key, fresh)
        self.selected &= self.rows.keys()

    def apply_cached(self, cached: Mapping[str, CachedState]) -> list[RegistryRow]:
        """Startup knowledge from the keyring cache and the credential files. Rows this
        session already touched keep their fresher state."""
        changed = []
        for key, state in cached.items():
            row = self.rows.get(key)
            if row is None or row.status is not RowStatus.IDLE:
                continue
            status = RowStatus.LOGGED_IN if state.expires_at is not None else RowStatus.STORED
            row = dataclasses.replace(
                row,
                status=status,
                expires_at=state.expires_at,
                writers=state.written_to,
                host=row.host or state.host,
                account_id=row.account_id or state.account_id,
            )
            changed.append(self._put(row))
        return changed

    # --- selection -------------------------------------------------------------------

    def toggle(self, key: str) -> bool:
        """Flip one row's selection; True when it is now selected."""
        if key in self.selected:
            self.selected.discard(key)
            return False
        self.selected.add(key)
        return True

    def select_all(self) -> set[str]:
        """Select every visible row, or clear the selection when all of them already are
        (the usual toggle-all behaviour). Returns the keys whose mark changed."""
        visible = {row.key for row in self.visible()}
        if visible and visible <= self.selected:
            self.selected -= visible
            return visible
        added = visible - self.selected
        self.selected |= visible
        return added

    def chosen(self, cursor_key: str | None, shown: Collection[str]) -> list[RegistryRow]:
        """The rows an action applies to: the selected rows that are shown, else the row
        under the cursor. A selection the filter hides is never acted on unseen."""
        picked = [row for key, row in self.rows.items() if key in self.selected and key in shown]
        if picked:
            return picked
        row = self.rows.get(cursor_key) if cursor_key else None
        return [row] if row else []

    def hidden_selected(self, shown: Collection[str]) -> int:
        """How many selected rows the filter hides (counted on screen, never acted on)."""
        return sum(1 for key in self.selected if key not in shown)

    # --- logins ----------------------------------------------------------------------

    def mark(self, keys: Iterable[str], status: RowStatus) -> list[RegistryRow]:
        return [self._put(dataclasses.replace(self.rows[key], status=status)) for key in keys if key in self.rows]

    def apply_started(self, registry: Registry) -> RegistryRow | None:
        row = self.find(registry)
        if row is None:
            return None
        return self._put(dataclasses.replace(row, status=RowStatus.RUNNING, error=None, remediation=None))

    def apply_result(self, result: LoginResult) -> RegistryRow | None:
        row = self.find(result.registry)
        if row is None:
            return None
        if result.ok:
            updated = dataclasses.replace(
                row,
                status=RowStatus.LOGGED_IN,
                host=result.host or row.host,
                account_id=result.account_id or row.account_id,
                expires_at=result.expires_at,
                error=None,
                remediation=None,
                writers=result.writers,
            )
        else:
            updated = dataclasses.replace(
                row,
                status=RowStatus.SSO_EXPIRED if result.error_code == SSO_EXPIRED else RowStatus.FAILED,
                host=result.host or row.host,
                error=result.error or "the login failed",
                remediation=result.remediation,
            )
        return self._put(updated)

    def apply_logout(self, key: str, problem: str | None) -> RegistryRow | None:
        row = self.rows.get(key)
        if row is None:
            return None
        if problem:
            updated = dataclasses.replace(
                row, status=RowStatus.FAILED, error=f"logout failed: {problem}", remediation=None
            )
        else:
            updated = dataclasses.replace(
                row, status=RowStatus.LOGGED_OUT, expires_at=None, error=None, remediation=None, writers=()
            )
        return self._put(updated)

    def sso_expired_profiles(self) -> list[str]:
        return sorted(
            {row.registry.profile or "default" for row in self.rows.values() if row.status is RowStatus.SSO_EXPIRED}
        )

    def _put(self, row: RegistryRow) -> RegistryRow:
        self.rows[row.key] = row
        return row


def _expiry_order(row: RegistryRow) -> tuple[int, dt.datetime]:
    """Soonest expiry first; rows with no known expiry last."""
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return (0, row.expires_at) if row.expires_at is not None else (1, far)


SORT_KEYS: dict[str, Callable[[RegistryRow], Any]] = {
    "expires": _expiry_order,
    "target": lambda row: row.registry.target.lower(),
    "host": lambda row: row.label.lower(),
    "status": lambda row: row.status.value,
    "account": lambda row: row.account_id or "~",
    "region": lambda row: row.registry.region,
    "type": lambda row: row.registry.type.value,
    "profile": lambda row: (row.registry.profile or "").lower(),
}
"""What the table can be sorted by (a column's key), each an ascending key."""


def batch_summary(results: Sequence[LoginResult]) -> str:
    """`7 logged in, 1 failed` (the notification after each batch)."""
    return login_summary(results, zeros=False)
