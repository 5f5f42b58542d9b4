"""The `ecrtui` command: the interactive app with no arguments (or `--demo`), a headless
command otherwise. It sits above cli/ and tui/ so neither imports the other."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    # botocore logs refresh failures with tracebacks; with no handler configured Python
    # would print them on stderr (over the TUI's screen). ecrtui reports errors itself.
    logging.getLogger().addHandler(logging.NullHandler())
    raw = list(sys.argv[1:] if argv is None else argv)
    if "--demo" in raw:
        if "--headless" in raw:
            from ecrtui.demo import run_headless_demo

            return run_headless_demo()
        from ecrtui.tui.app import run_app

        return run_app(demo=True)
    config = _only_config(raw)
    if not raw or config is not None:
        from ecrtui.tui.app import run_app

        return run_app(config=config)
    from ecrtui.cli.main import main as headless_main

    return headless_main(raw)


def _only_config(args: list[str]) -> str | None:
    """The path of `ecrtui --config PATH` (the app on another profiles file), else None."""
    if len(args) == 2 and args[0] == "--config":
        return args[1]
    if len(args) == 1 and args[0].startswith("--config="):
        return args[0].split("=", 1)[1] or None
    return None


def entry_point() -> None:
    raise SystemExit(main())
