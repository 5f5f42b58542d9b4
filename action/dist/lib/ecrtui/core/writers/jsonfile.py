"""Safe read-modify-write of a JSON credentials file shared with other tools.

An exclusive inter-process lock (filelock: a well-kept cross-platform lock, so we do not
hand-roll fcntl/msvcrt), a strict parse that refuses to overwrite anything that is not a
JSON object, and an atomic replace (temp file in the same folder, fsync, rename) that
leaves mode 0600. A crash at any point leaves the old file or the new one, never a torn one.
`write_text_atomically` replaces a text file the same way (the SSO cache, the profiles
file's and ~/.aws/config's generated blocks).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ecrtui.core.errors import EcrtuiError, WriterError

LOCK_TIMEOUT_SECONDS = 60.0

# Temp files being written right now: they hold tokens, so SIGTERM and SIGINT remove them
# before the process ends (SIGKILL cannot be caught: the next write removes those).
_live_temp_files: set[str] = set()


def _remove_live_temp_files() -> None:
    for name in list(_live_temp_files):
        with contextlib.suppress(OSError):
            os.unlink(name)


@contextlib.contextmanager
def removed_on_signal(name: str) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT remove the temp file `name` (it holds secrets)."""
    _live_temp_files.add(name)
    try:
        yield
    finally:
        _live_temp_files.discard(name)


def _install_signal_cleanup() -> None:
    if threading.current_thread() is not threading.main_thread():
        return  # handlers can only be set from the main thread

    def chain(signum: int, previous: Any) -> None:
        def handler(number: int, frame: Any) -> None:
            _remove_live_temp_files()
            if callable(previous):
                previous(number, frame)  # Python's own SIGINT handler raises KeyboardInterrupt
                return
            signal.signal(number, signal.SIG_DFL)  # die of the signal, as without us
            os.kill(os.getpid(), number)

        signal.signal(signum, handler)

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous not in (signal.SIG_IGN, None):  # an ignored signal stays ignored
            with contextlib.suppress(OSError, ValueError):
                chain(signum, previous)


_install_signal_cleanup()


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def resolve_target(path: Path) -> Path:
    """The file to read and replace: `path`, or where its symlinks lead.

    Symlinks are followed, as docker does, and the target is replaced, never the link; a
    link to nothing or to itself is refused rather than guessed at.
    """
    if not path.is_symlink():
        return path
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        raise WriterError(
            f"{path} is a symlink to {os.readlink(path)}, which does not exist; it was left untouched",
            remediation="create the file it points to, or remove the symlink",
        ) from None
    except (RuntimeError, OSError):  # a loop: RuntimeError before Python 3.13, OSError after
        raise WriterError(
            f"{path} is a symlink that leads back to itself; it was left untouched",
            remediation="remove the symlink loop",
        ) from None
    return target


def json_type(value: object) -> str:
    """What a parsed JSON value is, in JSON's words (lists keep Python's name)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else type(value).__name__  # list stays "list"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The file's JSON object, None if it does not exist; WriterError if it is unusable."""
    if path.is_dir():
        raise WriterError(f"{path} is a directory, not a credentials file", remediation="move it aside")
    if path.exists() and not path.is_file():  # a FIFO or a device would hang or never end
        raise WriterError(f"{path} is not a regular file", remediation="point ecrtui at a regular JSON file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WriterError(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        return {}
    try:
        # NaN and Infinity are Python's, not JSON's: docker could not read them back.
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise WriterError(
            f"{path} is not valid JSON{where}; it was left untouched",
            remediation="fix or move the file, then log in again",
        ) from None
    if not isinstance(data, dict):
        raise WriterError(
            f"{path} holds a JSON {json_type(data)}, not an object; it was left untouched",
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
    try:
        payload = (json.dumps(data, indent="\t", allow_nan=False) + "\n").encode("utf-8")
    except ValueError:  # a number too large for a float (1e999) was read as infinity
        raise WriterError(
            f"{path} holds a number JSON cannot represent; it was left untouched",
            remediation="fix the out-of-range number in the file",
        ) from None
    target = resolve_target(path)
    # mkstemp creates the file 0600, so the secret is never readable by others, even briefly.
    fd, temp_name = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    _live_temp_files.add(temp_name)
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
    finally:
        _live_temp_files.discard(temp_name)
    with contextlib.suppress(OSError):  # the rename is durable once the folder is synced
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def refuse_shared_folder(folder: Path) -> None:
    """Refuse a folder others may write to (every user, a group, or another owner than us
    or root): they could read, swap or plant the file there (a planted `credsStore` would
    receive the next token), or hold its lock."""
    try:
        info = folder.stat()
    except OSError as error:
        raise WriterError(f"cannot inspect {folder}: {error.strerror}") from None
    if info.st_mode & stat.S_IWOTH:
        raise WriterError(
            f"{folder} is writable by every user; ecrtui does not keep credentials there",
            remediation=f"chmod o-w {folder}, or point the writer at a private folder",
        )
    if info.st_mode & stat.S_IWGRP:
        raise WriterError(
            f"{folder} is writable by its group; ecrtui does not keep credentials there",
            remediation=f"chmod g-w {folder}, or point the writer at a private folder",
        )
    geteuid = getattr(os, "geteuid", None)  # POSIX only: Windows folders have ACLs instead
    if geteuid is not None and info.st_uid not in (geteuid(), 0):
        raise WriterError(
            f"{folder} belongs to another user (uid {info.st_uid}); ecrtui does not keep credentials there",
            remediation="point the writer at a folder of your own",
        )


def check_writable(path: Path) -> None:
    """Refuse a read-only file or folder, by its mode bits, so that root honours them too."""
    try:
        folder = path.parent.stat()
        mode = path.stat().st_mode if path.exists() else None
    except OSError as error:
        raise WriterError(f"cannot inspect {path}: {error.strerror}") from None
    if not folder.st_mode & stat.S_IWUSR:
        raise WriterError(
            f"{path.parent} is read-only; {path.name} was left untouched",
            remediation=f"chmod u+w {path.parent} if ecrtui should write there",
        )
    if mode is not None and not mode & stat.S_IWUSR:
        raise WriterError(
            f"{path} is read-only; it was left untouched",
            remediation=f"chmod u+w {path} if ecrtui should update it",
        )


def _remove_stale_temp_files(path: Path) -> None:
    """Temp files of a writer that was killed mid-write (they may hold a password). Only
    called under the lock, so no live writer of this file has one."""
    for stale in path.parent.glob(f"{_temp_prefix(path)}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def make_private_folders(folder: Path) -> None:
    """`folder` and its missing parents, each 0700 (`mkdir -p` would give the parents the
    umask's mode: with umask 0, folders anyone could write to, above our secrets)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):
            each.mkdir(mode=0o700)


def update_json_file(path: Path, mutate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Lock, read, let `mutate` change the object (returning whether it did), write back.

    Returns the object as it stands afterwards. The folder is created 0700 if missing. A
    symlinked file is updated where the link leads, and locked there too, so writers that
    reach one file through different links still exclude each other.
    """
    try:
        make_private_folders(path.parent)
    except OSError as error:
        raise WriterError(f"cannot create {path.parent}: {error.strerror}") from None
    link_folder, path = path.parent, resolve_target(path)
    for folder in dict.fromkeys((link_folder, path.parent)):  # before a lock file is made there
        refuse_shared_folder(folder)
    try:
        with FileLock(_lock_path(path), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600):
            existing = read_json_object(path)
            data = {} if existing is None else existing
            if mutate(data) or existing is None:
                check_writable(path)
                _remove_stale_temp_files(path)
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


def write_text_atomically(
    path: Path,
    text: str,
    mode: int | None = None,
    *,
    check: Callable[[Path], None] | None = None,
    commit: bool = True,
    error: type[EcrtuiError] = WriterError,
) -> None:
    """Replace `path` (or the file its symlink leads to: the link stays) by `text` through a
    temporary file in its folder (fsync, rename); mode: given, else the file's own, else 0600.
    `check` sees the written temp file first and may raise; `commit=False` only checks. An
    OS error becomes `error`, naming the file."""
    try:
        target = resolve_target(path)
        make_private_folders(target.parent)  # every folder it makes 0700, whatever the umask
        if mode is None:
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o600
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with removed_on_signal(temp):
            try:
                if hasattr(os, "fchmod"):  # Windows has it only from Python 3.13
                    os.fchmod(fd, mode)
                else:
                    os.chmod(temp, mode)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                if check is not None:
                    check(Path(temp))
                if commit:
                    os.replace(temp, target)
            finally:
                if os.path.exists(temp):
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
    except OSError as problem:
        raise error(
            f"cannot write {path}: {problem.strerror or problem}",
            remediation=f"check that {path.parent} is a folder you can write to, then try again",
        ) from None
