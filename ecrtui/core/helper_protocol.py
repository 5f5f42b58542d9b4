"""The fixed answers of Docker's credential-helper protocol (the one
docker-credential-helpers' reference helpers speak), written once for ecrtui's own helper
and for the code that runs other helpers."""

from __future__ import annotations

# "Nothing here": docker then goes on without credentials, and an `erase` of what is not
# stored is no failure.
NOT_FOUND = "credentials not found in native keychain"
# A request that names no server.
MISSING_URL = "no credentials server URL"
