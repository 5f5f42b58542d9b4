"""The core: pure logic shared by the CLI, the TUI and the credential helper.

Nothing here prints or imports textual; collaborators (clients, caches, writers) come in
as arguments and results go out as frozen dataclasses.
"""
