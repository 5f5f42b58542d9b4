"""When the app crashes: the terminal back as it was, one line naming a crash report
(in the state folder, 0600, secrets redacted), a non-zero exit; Textual's own traceback,
which shows local variables (tokens among them), only with ECRTUI_DEBUG=1."""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import re
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path

from textual.app import App

from ecrtui import __version__
from ecrtui.core.cache.state_folder import state_dir
from ecrtui.core.proxy import redact
from ecrtui.core.writers.jsonfile import make_private_folders

CRASHED = 70  # EX_SOFTWARE: an internal error, not the user's
# Registry tokens, AWS secret keys and session tokens are long runs of base64; no line of
# a traceback needs one.
_LONG_SECRET = re.compile(r"[A-Za-z0-9+/=_-]{40,}")


def debugging(environ: Mapping[str, str]) -> bool:
    return environ.get("ECRTUI_DEBUG", "").strip() == "1"


def scrub(text: str) -> str:
    return _LONG_SECRET.sub("[redacted]", redact(text))


def write_report(error: BaseException, environ: Mapping[str, str]) -> Path:
    """The crash report's path; the file is created 0600 and never overwrites another."""
    folder = state_dir(environ) / "crashes"
    make_private_folders(folder)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    import textual

    lines = [
        f"ecrtui {__version__} crashed at {stamp}",
        f"python {platform.python_version()} on {platform.platform()}, textual {textual.__version__}",
        f"command: ecrtui {' '.join(sys.argv[1:])}",
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(scrub("\n".join(line.rstrip("\n") for line in lines)) + "\n")
    return path


def report_crash(error: BaseException, environ: Mapping[str, str]) -> int:
    """Write the report, say where it is in one line; the exit code."""
    try:
        where = f"the report is in {write_report(error, environ)}"
    except OSError as problem:
        where = f"no report could be written ({problem.strerror})"
    hint = "" if debugging(environ) else "; run with ECRTUI_DEBUG=1 to see the traceback here"
    sys.stderr.write(f"ecrtui crashed ({type(error).__name__}): {where}{hint}\n")
    return CRASHED


def run_guarded(app: App[None], environ: Mapping[str, str]) -> int:
    """Run `app`; a crash becomes a report. 0 when the app ended normally."""
    if not debugging(environ):
        # Textual prints its traceback through this console once the screen is restored.
        app.error_console.file = io.StringIO()
    try:
        app.run()
    except Exception as error:
        return report_crash(error, environ)
    caught = getattr(app, "_exception", None)  # what Textual caught inside the app
    if caught is not None:
        return report_crash(caught, environ)
    return int(app.return_code or 0)
