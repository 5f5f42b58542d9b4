"""Docker's credential-helper protocol (the one docker-credential-helpers' reference
helpers speak): its fixed answers and the host key of a request, written once for
ecrtui's own helper and for the code that runs other helpers or reads docker's files.

On the credential helper's hot path: no imports."""

from __future__ import annotations

# "Nothing here": docker then goes on without credentials, and an `erase` of what is not
# stored is no failure.
NOT_FOUND = "credentials not found in native keychain"
# A request that names no server.
MISSING_URL = "no credentials server URL"


def bare_host(server_url: str) -> str:
    """`https://host/v2/` -> `host`: the key docker itself uses (its ConvertToHostname)."""
    url = server_url.strip()
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme) :]
            break
    return url.split("/", 1)[0].lower()
