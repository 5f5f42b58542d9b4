"""Output into a pipe whose reader went away (`ecrtui status | head -1`): end quietly, as
`cat` does, instead of a BrokenPipeError traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# What a shell reports for a process that wrote into a closed pipe (128 + SIGPIPE), as for
# `cat`: a reader that stopped early is not a success of the writer.
BROKEN_PIPE = 141


def quiet_on_closed_pipe(run: Callable[[], int]) -> int:
    """`run()`'s exit code, or BROKEN_PIPE once stdout's reader is gone."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE
