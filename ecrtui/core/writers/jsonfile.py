"""Safe read-modify-write of a JSON credentials file shared with other tools.

An exclusive inter-process lock (filelock: a well-kept cross-platform lock, so we do not
hand-roll fcntl/msvcrt), a strict parse that refuses to overwrite anything that is not a
JSON object, and an atomic replace (temp file in the same folder, fsync, rename) that
leaves mode 0600. A crash at any point leaves the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ecrtui.core.errors import WriterError

LOCK_TIMEOUT_SECONDS = 60.0


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The file's JSON object, None if it does not exist; WriterError if it is unusable."""
    if path.is_dir():
        raise WriterError(f"{path} is a directory, not a credentials file", remediation="move it aside")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WriterError(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise WriterError(
            f"{path} is not valid JSON{where}; it was left untouched",
            remediation="fix or move the file, then log in again",
        ) from None
    if not isinstance(data, dict):
        raise WriterError(
            f"{path} holds a JSON {type(data).__name__}, not an object; it was left untouched",
            remediation="fix or move the file, then log in again",
        )
    return data


def check_shape(path: Path, data: dict[str, Any], *sections: str) -> None:
    """Refuse a file whose `auths`/`credHelpers`... are not objects: we would lose them."""
    for section in sections:
        if section in data and not isinstance(data[section], dict):
            raise WriterError(
                f"{path}: {section!r} is a {type(data[section]).__name__}, not an object; the file was left untouched",
                remediation=f"fix {section!r} to be a JSON object",
            )


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    payload = (json.dumps(data, indent="\t") + "\n").encode("utf-8")
    target = path.resolve() if path.is_symlink() else path
    # mkstemp creates the file 0600, so the secret is never readable by others, even briefly.
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    with contextlib.suppress(OSError):  # the rename is durable once the folder is synced
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def update_json_file(path: Path, mutate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Lock, read, let `mutate` change the object (returning whether it did), write back.

    Returns the object as it stands afterwards. The folder is created 0700 if missing.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise WriterError(f"cannot create {path.parent}: {error.strerror}") from None
    try:
        with FileLock(_lock_path(path), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600):
            existing = read_json_object(path)
            data = {} if existing is None else existing
            if mutate(data) or existing is None:
                write_atomically(path, data)
            return data
    except Timeout:
        raise WriterError(
            f"another process has held the lock on {path} for {LOCK_TIMEOUT_SECONDS:g} s",
            remediation=f"if no ecrtui is running, delete {_lock_path(path)}",
        ) from None
    except OSError as error:
        raise WriterError(
            f"cannot write {path}: {error.strerror}",
            remediation="check the file's and the folder's permissions",
        ) from None
