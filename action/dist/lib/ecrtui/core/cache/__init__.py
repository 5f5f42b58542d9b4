"""The token cache: registry tokens in the operating system's keyring, so that
`docker-credential-ecrtui` can hand them to docker, podman, skopeo and helm and no
password has to sit in any file.

One concern a module, so that the credential helper's cached `get` imports only the
small ones it needs (this file re-exports nothing on purpose):

- `errors`: CacheUnavailable, the one error the rest of ecrtui handles, and its kinds.
- `entry`: CacheEntry, one cached token, and how a login's token becomes one.
- `backends`: which keyring backend the cache uses in an environment, and opening it.
- `store`: TokenCache, the layout of entries, host records and index shards in the
  keyring, and the chunking of long values.
- `secret_service_reader` and `dbus_wire`: a read-only Secret Service client over a
  small D-Bus client of our own, for the helper's hot path.
- `shared_session_keyring`: keyring's Secret Service backend sharing one D-Bus session.
- `login_cache`: LoginCache, the writer thread that caches every token a login fetches.
"""
