"""`docker-credential-ecrtui`: the Docker credential helper, serving ECR tokens from the
keyring cache so that no password sits in any file.

The protocol: the action in argv[1] (get, store, erase, list, version), its input on
stdin (a server URL, or for `store` a JSON object with ServerURL, Username and Secret),
the answer on stdout. Errors go to stdout too, with exit status 1: docker shows that
text to the user.

`get` serves a cached token that is still before its refresh time (by default 30 minutes
before it expires) without any AWS call. That hot path imports the standard library and
a few small ecrtui modules only (check with `python -X importtime -m ecrtui.helper get`):
on Linux with the Secret Service it reads the keyring over D-Bus without keyring; the
profiles file, boto3 and the login engine are imported only when a token must be fetched.
It never hands out an expired token: when a refresh fails it says why on stdout and logs
the details to $XDG_STATE_HOME/ecrtui/helper.log (never a secret).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from ecrtui import __version__
from ecrtui.core.cache.entry import CacheEntry
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.store import TokenCache, open_cache, open_fast_reader
from ecrtui.core.clock import shown, utc_now
from ecrtui.core.helper_protocol import MISSING_URL, NOT_FOUND, bare_host
from ecrtui.pipes import quiet_on_closed_pipe

TYPE_CHECKING = False  # typing itself is not imported: the cached `get` would pay for it
if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path
    from typing import TextIO

    from ecrtui.core.cache.entry import CacheEntry
    from ecrtui.core.cache.store import TokenCache
    from ecrtui.core.profiles_file import ProfilesFile

USAGE = "Usage: docker-credential-ecrtui <store|get|erase|list|version>"
LOG_MAX_BYTES = 1024 * 1024


class HelperFailure(Exception):
    """Ends an action with `message` on stdout (the protocol's error channel) and exit 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _answer(server_url: str, username: str, secret: str) -> str:
    return json.dumps({"ServerURL": server_url, "Username": username, "Secret": secret}, separators=(",", ":")) + "\n"


def _printable(text: str) -> str:
    from ecrtui.core.sanitize import clean  # here: the cached path never prints

    return clean(text)


def _stamp(moment: dt.datetime | None) -> str:
    return shown(moment) if moment else "an unknown time"


class Helper:
    """The four actions, over the keyring cache and (when needed) AWS."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    @property
    def log_path(self) -> Path:
        """Where failures are detailed; here, so that the cached `get` does not import pathlib."""
        from ecrtui.core.locations import state_dir

        return state_dir(self.environ) / "helper.log"

    def log(self, action: str, host: str, message: str) -> None:
        """One line in the helper's log; logging never fails the helper."""
        from ecrtui.core.writers.jsonfile import make_private_folders

        try:
            make_private_folders(self.log_path.parent)
            if self.log_path.exists() and self.log_path.stat().st_size > LOG_MAX_BYTES:
                os.replace(self.log_path, self.log_path.with_name(self.log_path.name + ".1"))
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                stamp = utc_now().isoformat(timespec="seconds")
                line = f"{action} {host or '-'}: {message}"
                # Hosts come from docker's stdin and the keyring: data, escaped on the way out.
                handle.write(f"{stamp} pid={os.getpid()} {_printable(line)}\n")
        except OSError:
            pass

    def _in_github_actions(self) -> bool:
        # The rule of login: a runner's disk, and its keyring, may outlive the job.
        return self.environ.get("GITHUB_ACTIONS", "").lower() == "true"

    def _profiles(self, action: str, host: str) -> ProfilesFile:
        _quiet_library_logs()  # every path to botocore reads the profiles first
        from ecrtui.core.errors import EcrtuiError
        from ecrtui.core.profiles_file import load_profiles

        try:
            return load_profiles(None, self.environ)
        except EcrtuiError as error:
            self.log(action, host, error.one_line())
            raise HelperFailure(f"ecrtui: {error.one_line()}") from None

    # --- get -------------------------------------------------------------------------

    def get(self, request: str | None) -> str:
        if request is None:  # not UTF-8: no host ecrtui could have stored
            raise HelperFailure(NOT_FOUND)
        server_url = request.strip()
        host = bare_host(server_url)
        if not host:
            raise HelperFailure(MISSING_URL)
        now = utc_now()
        if self._in_github_actions():  # nothing outlives the job: no cache read or written
            return self._refresh(server_url, host, None, None, now)
        try:
            cached = self._read_without_keyring(host)
        except CacheUnavailable as hung:  # keyring would hang as well
            self.log("get", host, f"token cache unavailable, asking AWS: {hung.one_line()}")
            return self._refresh(server_url, host, None, None, now)
        if cached is None or not cached.fresh(now):
            cache, cached = self._read_through_keyring(host)
            if cached is None or not cached.fresh(now):
                return self._refresh_once(server_url, host, cached, cache, now)
        return _answer(server_url, cached.username, cached.secret)

    def _read_without_keyring(self, host: str) -> CacheEntry | None:
        """The host's entry read straight from the Secret Service (Linux, keyring's default
        backend), or None when that read does not apply or is not plain: keyring decides.
        CacheUnavailable only for a hung service."""
        fast = open_fast_reader(self.environ)
        if fast is None:
            return None
        try:
            return fast.get(host)
        except CacheUnavailable as error:
            if error.reason == CacheUnavailable.TIMEOUT:
                raise
            return None  # locked, no default collection, a D-Bus error
        except Exception:  # an entry it does not understand
            return None

    def _read_through_keyring(self, host: str) -> tuple[TokenCache | None, CacheEntry | None]:
        """The cache (None when it cannot be used) and the host's entry read through it."""
        try:
            cache = open_cache(self.environ)
            try:
                return cache, cache.get(host)
            except CacheUnavailable:
                raise
            except Exception as error:  # an entry it does not understand is a miss
                self.log("get", host, f"unreadable cache entry ({type(error).__name__}), fetching a new token")
                return cache, None
        except CacheUnavailable as problem:
            self.log("get", host, f"token cache unavailable, asking AWS: {problem.one_line()}")
            return None, None

    def _refresh_once(
        self, server_url: str, host: str, cached: CacheEntry | None, cache: TokenCache | None, now: dt.datetime
    ) -> str:
        """Refresh, one process per host at a time when there is a cache to share the result."""
        if cache is None:
            return self._refresh(server_url, host, cached, cache, now)
        from ecrtui.core.refresh import one_refresh_at_a_time

        with one_refresh_at_a_time(self.log_path.parent, host):
            # Another process may have refreshed this host while this one waited.
            with contextlib.suppress(Exception):  # as the first read: an unreadable entry is a miss
                cached = cache.get(host)
            now = utc_now()
            if cached is not None and cached.fresh(now):
                return _answer(server_url, cached.username, cached.secret)
            return self._refresh(server_url, host, cached, cache, now)

    def _refresh(
        self, server_url: str, host: str, cached: CacheEntry | None, cache: TokenCache | None, now: dt.datetime
    ) -> str:
        """The slow path: map the host to a registry, fetch, cache, serve."""
        import datetime as dt

        from ecrtui.core import refresh
        from ecrtui.core.cache.entry import entry_for_login
        from ecrtui.core.errors import EcrtuiError

        profiles = self._profiles("get", host)
        registry = refresh.registry_for_host(host, profiles, self.environ, cached)
        if registry is None:
            if cached is None:
                raise HelperFailure(NOT_FOUND)
            raise HelperFailure(
                f"ecrtui: the token for {host} expired at {_stamp(cached.expires_at)}, and {host} is neither an "
                "ECR hostname nor a registry of the profiles file, so ecrtui cannot refresh it: log in again"
            )
        try:
            token = refresh.fetch_token(registry, refresh.settings_for(profiles.defaults, self.environ))
        except EcrtuiError as error:
            self.log(
                "get",
                host,
                f"refresh failed (target {registry.target}, profile {registry.profile or '(default chain)'}, "
                f"role {registry.role_arn or '-'}, region {registry.region}): {error.one_line()}",
            )
            if cached is not None and not cached.expired(now):
                self.log("get", host, f"served the cached token, valid until {_stamp(cached.expires_at)}")
                return _answer(server_url, cached.username, cached.secret)
            state = f"the cached token expired at {_stamp(cached.expires_at)}" if cached else "no token is cached"
            raise HelperFailure(
                f"ecrtui: cannot get a token for {host} ({state}): {error.one_line()} (details: {self.log_path})"
            ) from None
        if cache is not None and profiles.defaults.uses_keyring:
            margin = dt.timedelta(minutes=profiles.defaults.refresh_margin_minutes)
            try:
                cache.put(entry_for_login(registry, token, margin=margin, source="helper", now=now))
            except CacheUnavailable as problem:
                self.log("get", host, f"token not cached: {problem.one_line()}")
        return _answer(server_url, token.username, token.password)

    # --- store, erase, list ------------------------------------------------------------

    def store(self, request: str | None) -> str:
        """Cache what `docker login` (or `skopeo login`, `podman login`) hands over."""
        import datetime as dt

        from ecrtui.core import refresh

        try:
            if request is None:
                raise ValueError("not UTF-8")
            payload = json.loads(request)
            fields = [payload[key] for key in ("ServerURL", "Username", "Secret")]
            if not all(isinstance(value, str) and value for value in fields):
                raise ValueError("empty field")
        except (ValueError, KeyError, TypeError):
            raise HelperFailure(
                'ecrtui: store expects {"ServerURL": ..., "Username": ..., "Secret": ...} on stdin'
            ) from None
        server_url, username, secret = fields
        host = bare_host(server_url)
        if self._in_github_actions():
            raise HelperFailure(
                f"ecrtui: in GitHub Actions the token cache is off, so the credentials of {host} are not stored: "
                "log in with ecrtui (or the Action) instead of docker login"
            )
        profiles = self._profiles("store", host)
        if not profiles.defaults.uses_keyring:
            raise HelperFailure(
                f"ecrtui: the token cache is off (cache: none in {profiles.path}), so the credentials of {host} "
                "cannot be stored: set cache: keyring, or remove ecrtui from credsStore/credHelpers"
            )
        entry = refresh.docker_login_entry(
            host,
            username,
            secret,
            refresh.registry_for_host(host, profiles, self.environ),
            margin=dt.timedelta(minutes=profiles.defaults.refresh_margin_minutes),
        )
        return self._change("store", host, lambda cache: cache.put(entry))

    def erase(self, request: str | None) -> str:
        """Forget a host; erasing what is not there succeeds, as in the reference helpers
        (podman, skopeo and buildah logout fail otherwise)."""
        if request is None:  # not UTF-8: no host ecrtui could have stored
            return ""
        host = bare_host(request.strip())
        if not host:
            raise HelperFailure(MISSING_URL)
        return self._change("erase", host, lambda cache: cache.erase(host))

    def _change(self, action: str, host: str, change: Callable[[TokenCache], object]) -> str:
        """`change` applied to the cache; a cache problem is logged and ends the action."""
        try:
            change(open_cache(self.environ))
        except CacheUnavailable as error:
            self.log(action, host, error.one_line())
            raise HelperFailure(f"ecrtui: cannot {action} the credentials of {host}: {error.one_line()}") from None
        return ""

    def list(self, request: str | None) -> str:
        try:
            hosts = open_cache(self.environ).hosts()
        except CacheUnavailable as error:
            raise HelperFailure(f"ecrtui: cannot list the cached credentials: {error.one_line()}") from None
        return json.dumps(hosts, separators=(",", ":")) + "\n"


def _read_request(stream: TextIO) -> str | None:
    """stdin as text; None when it is not UTF-8 (the protocol's requests always are)."""
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout if stdout is None else stdout
    action = args[0] if args else ""
    if action == "version":
        out.write(f"docker-credential-ecrtui (ecrtui) {__version__}\n")
        return 0
    helper = Helper(os.environ if environ is None else environ)
    actions = {"get": helper.get, "store": helper.store, "erase": helper.erase, "list": helper.list}
    if not action:
        out.write(USAGE + "\n")
        return 1
    if action not in actions:
        from ecrtui.core.sanitize import printable  # only here: never on the cached `get`

        out.write(f"Unknown credential action `{printable(action[:40])}`\n")
        return 1
    request = _read_request(sys.stdin if stdin is None else stdin)
    try:
        out.write(actions[action](request))
    except HelperFailure as failure:
        out.write(_printable(failure.message) + "\n")
        return 1
    except BrokenPipeError:  # the reader went away: not a bug to log
        raise
    except Exception as error:  # a bug: logged with its traceback, never shown to docker
        import traceback

        helper.log(action, "", "internal error: " + "".join(traceback.format_exception(error)).replace("\n", " | "))
        out.write(f"ecrtui: internal error in {action} ({type(error).__name__}); details in {helper.log_path}\n")
        return 1
    return 0


def _quiet_library_logs() -> None:
    """Library warnings (botocore's refresh tracebacks) must not reach docker's terminal:
    failures are answered on stdout and detailed in the helper's own log. Set up on the way
    to AWS only: the cached path does not pay for importing logging."""
    import logging

    root = logging.getLogger()
    if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
        root.addHandler(logging.NullHandler())


def entry_point() -> None:
    raise SystemExit(quiet_on_closed_pipe(main))


if __name__ == "__main__":
    entry_point()
