"""The AWS config and credentials files, parsed once per `ClientFactory` and shared by
the botocore session of every profile it opens.

A botocore session parses both files the first time it needs its profile's settings, and
every session does it again for itself: with 50 profiles that was 100 parses of the same
two files, about a fifth of a 500-registry login's CPU. A session of this class asks the
factory's `ParsedFiles` instead, which parses each pair of files once (the first session
to ask does it, the others wait for it) and hands every session the same result, as
botocore built it. The session's credential chain reads the files through it too: its
shared-credentials and config-file providers are swapped, in place, for ones built with
the factory's parsers (the constructors take them), each file parsed once as botocore
would. Imported only once botocore is needed.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.configloader
import botocore.session
from botocore.credentials import ConfigProvider, SharedCredentialProvider


class ParsedFiles:
    """botocore's parse of each (config file, credentials file) pair, made once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parsed: dict[tuple[str, str], dict[str, Any]] = {}
        self._files: dict[tuple[str, str], dict[str, Any]] = {}

    def _file(self, how: str, path: str, parse: Any) -> dict[str, Any]:
        """`parse(path)` once per (how, path); a missing file raises every time, as it did."""
        with self._lock:
            parsed = self._files.get((how, path))
            if parsed is None:
                parsed = self._files[(how, path)] = parse(path)
        return parsed

    def raw(self, path: str) -> dict[str, Any]:
        """botocore's `raw_config_parse` of `path` (the credentials file's provider's parser)."""
        return self._file("raw", path, botocore.configloader.raw_config_parse)

    def config(self, path: str) -> dict[str, Any]:
        """botocore's `load_config` of `path` (the config file's provider's parser)."""
        return self._file("config", path, botocore.configloader.load_config)

    def get(self, session: botocore.session.Session) -> dict[str, Any]:
        key = (str(session.get_config_variable("config_file")), str(session.get_config_variable("credentials_file")))
        with self._lock:
            parsed = self._parsed.get(key)
            if parsed is None:
                parsed = self._parsed[key] = botocore.session.Session.full_config.fget(session)
        return parsed


class SharedFilesSession(botocore.session.Session):  # type: ignore[misc]  # botocore is untyped
    """A botocore session whose view of the two files is its factory's one parse."""

    def __init__(self, *args: Any, parsed_files: ParsedFiles, **kwargs: Any) -> None:
        self._parsed_files = parsed_files
        super().__init__(*args, **kwargs)

    @property
    def full_config(self) -> dict[str, Any]:
        return self._parsed_files.get(self)


def share_with_credential_chain(session: botocore.session.Session, files: ParsedFiles) -> None:
    """The session's providers of credentials from the two files, rebuilt as botocore
    builds them but reading through `files`; every other provider and the order stay."""
    resolver = session.get_component("credential_provider")
    profile = session.get_config_variable("profile") or "default"
    for provider in (
        SharedCredentialProvider(
            creds_filename=session.get_config_variable("credentials_file"), profile_name=profile, ini_parser=files.raw
        ),
        ConfigProvider(
            config_filename=session.get_config_variable("config_file"), profile_name=profile, config_parser=files.config
        ),
    ):
        if provider.METHOD in [p.METHOD for p in resolver.providers]:
            resolver.insert_after(provider.METHOD, provider)
            resolver.remove(provider.METHOD)  # the first of the two: botocore's own
