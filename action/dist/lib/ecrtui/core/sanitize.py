"""The one filter every message passes on its way out: credentials redacted, control
characters escaped.

`redact` hides the AWS credentials and the proxy and endpoint passwords this process knows
(from the environment, `--http-proxy`, the resolved profile) wherever they appear, however
they are quoted, and any `user:pass@` of a URL, with or without a scheme. `printable`
escapes control characters, so text from outside (AWS errors, answers, files) can neither
forge a line (a `::error::` workflow command) nor drive the terminal.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

# Up to the last @ of a run without spaces or quotes: a password may hold an unescaped @
# or / (urllib3 splits the authority at the last @ too), and everything before it is secret.
_SCHEMED = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^\s'\"<>]*@")
# `user:pass@host` without a scheme (HTTPS_PROXY is often written so).
_BARE = re.compile(r"(?<![\w/.:%~+*-])[\w.%~+-]+:(?!//)[^\s'\"<>]*@")

SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
ACCESS_KEY_VARIABLE = "AWS_ACCESS_KEY_ID"
URL_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "INPUT_HTTP-PROXY")
_MIN_SECRET = 8  # shorter values ("testing") would blot out ordinary words
_MIN_PASSWORD = 4
_MIN_PIECE = 6  # a shorter piece of a cut password ("with") would blot out ordinary words
_CUTS = re.compile(r"[/?#@\s\\]+")

_lock = threading.Lock()
_remembered: dict[str, str] = {}  # secret -> what replaces it


def _forms(value: str) -> set[str]:
    """The ways a value shows up in a message: as is, stripped, escaped by repr or bytes."""
    forms = {value, value.strip()}
    for each in list(forms):
        forms.add(each.encode("unicode_escape").decode("ascii"))
        forms.add(repr(each)[1:-1])
    return {f for f in forms if f}


def remember_secret(value: str | None, *, keep: int = 0) -> None:
    """Redact `value` from every later message (the first `keep` characters stay)."""
    if not value or len(value.strip()) < _MIN_SECRET:
        return
    with _lock:
        for form in _forms(value):
            _remembered[form] = form[:keep] + "***"


def _userinfo(url: str) -> str | None:
    rest = url.split("://", 1)[1] if "://" in url else url
    return rest.rsplit("@", 1)[0] if "@" in rest else None


def remember_url(url: str | None) -> None:
    """Redact the `user:pass` of a proxy or endpoint URL from every later message, and the
    pieces a URL parser cuts an unescaped password into (at `/`, `?`, `#`, `@`, spaces)."""
    userinfo = _userinfo(url.strip()) if url else None
    if not userinfo:
        return
    with _lock:
        for info in {userinfo, unquote(userinfo)}:
            password = info.partition(":")[2]
            pieces = {p for p in (*_CUTS.split(info), *_CUTS.split(password)) if len(p) >= _MIN_PIECE}
            for piece in {info, password, *pieces}:
                if len(piece) >= _MIN_PASSWORD:  # the generic URL patterns cover shorter ones
                    for form in _forms(piece):
                        _remembered[form] = "***"


def remember_environment(environ: Mapping[str, str]) -> None:
    for name in SECRET_VARIABLES:
        remember_secret(environ.get(name))
    remember_secret(environ.get(ACCESS_KEY_VARIABLE), keep=4)
    for name, value in environ.items():
        if name in URL_VARIABLES or name.startswith("AWS_ENDPOINT_URL"):
            remember_url(value)


def _known() -> Iterable[tuple[str, str]]:
    remember_environment(os.environ)
    with _lock:
        return sorted(_remembered.items(), key=lambda item: -len(item[0]))


def redact(text: str) -> str:
    """`text` with every known credential and every URL's `user:pass@` replaced by `***`."""
    for secret, shown in _known():
        if secret in text:
            text = text.replace(secret, shown)
    text = _SCHEMED.sub(r"\g<scheme>***@", text)
    return _BARE.sub("***@", text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with control and format characters (line breaks, ESC, bidi marks) escaped."""
    return "".join(_escape(c) if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def clean(text: str) -> str:
    """What may leave the process: redacted and printable."""
    return printable(redact(text))
