"""The AWS config and credentials files, parsed once per `ClientFactory` and shared by
the botocore session of every profile it opens.

A botocore session parses both files the first time it needs its profile's settings, and
every session does it again for itself: with 50 profiles that was 100 parses of the same
two files, about a fifth of a 500-registry login's CPU. A session of this class asks the
factory's `ParsedFiles` instead, which parses each pair of files once (the first session
to ask does it, the others wait for it) and hands every session the same result, as
botocore built it. Imported only once botocore is needed.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.session


class ParsedFiles:
    """botocore's parse of each (config file, credentials file) pair, made once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parsed: dict[tuple[str, str], dict[str, Any]] = {}

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
