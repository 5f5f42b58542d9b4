"""Messages as the app's user should read them: no Python class names, and advice in
terms of what the app does (its keys, the profiles file) rather than CLI flags it does
not take."""

from __future__ import annotations

import re

# Error classes that reach messages from botocore and Python, in words.
CLASS_WORDS = {
    "ResponseParserError": "an answer AWS's client could not read",
    "ModuleNotFoundError": "a Python module is missing",
    "ImportError": "a Python module could not be loaded",
    "EndpointConnectionError": "the endpoint could not be reached",
    "ConnectTimeoutError": "the connection timed out",
    "ReadTimeoutError": "the answer timed out",
    "KeyboardInterrupt": "interrupted",
}
_CLASS = re.compile(r"\b([A-Z][A-Za-z0-9]*(?:Error|Exception|Interrupt))\b(:\s*)?")
# CLI flags, and what the app's user does instead.
_FLAGS = (
    (re.compile(r"pass --region( [\w-]+)?"), "set region: on the target in the profiles file (r re-reads it)"),
    (re.compile(r"\(--no-cache, or (`cache: none` in the profiles file)\)"), r"(\1)"),
    (re.compile(r"--no-cache"), "`cache: none` in the profiles file"),
    (re.compile(r"from --region"), "from the target's region:"),
    (re.compile(r" \(or --repository\)"), ""),
    (re.compile(r"--http-proxy, "), ""),
    (
        re.compile(r"run: ecrtui login --target (\S+)"),
        r"log in: press l on the row (or select target:\1's rows, then l)",
    ),
)


def for_the_app(text: str | None) -> str:
    """`text` with class names put in words and CLI flags put as the app's own actions."""
    if not text:
        return ""

    def words(match: re.Match[str]) -> str:
        name = match.group(1)
        said = CLASS_WORDS.get(name)
        if said is None:
            return "" if match.group(2) else "an unexpected error"
        return f"{said}: " if match.group(2) else said

    out = _CLASS.sub(words, text)
    for pattern, instead in _FLAGS:
        out = pattern.sub(instead, out)
    return out
