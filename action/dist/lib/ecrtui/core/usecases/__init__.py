"""The use cases every face shares: log in with the token cache, log out and erase, what
is known about the registries, install the credential helper, the doctor's settings. The
CLI, the app and the credential helper are thin adapters over these functions, so the
rules live once. Pure: no printing, no textual."""
