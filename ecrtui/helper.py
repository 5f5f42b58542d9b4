"""`docker-credential-ecrtui`: the Docker credential helper (keyring-backed; see the
token-cache issue). Kept import-light: the cached path must not import boto3 or textual."""

from __future__ import annotations

import sys


def main() -> int:
    sys.stdout.write("credentials not found in native keychain\n")
    return 1


def entry_point() -> None:
    raise SystemExit(main())
