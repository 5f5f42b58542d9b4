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
    if not raw:
        from ecrtui.tui.app import run_app

        return run_app()
    from ecrtui.cli.main import main as headless_main

    return headless_main(raw)


def entry_point() -> None:
    raise SystemExit(main())
