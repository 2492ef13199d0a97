"""Ctrl-C and SIGTERM: exit 130 and 143 as other command-line tools do, without a traceback.

SIGTERM's default action would end the process at once, leaving forked workers
behind and temporary files unclean; `Terminated` (a `BaseException`, so no
`except Exception` swallows it) unwinds the stack instead, like
`KeyboardInterrupt` for SIGINT, so every `finally` runs and `parallel` kills
its workers on the way out.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

SIGINT_EXIT = 128 + 2
SIGTERM_EXIT = 128 + 15


class Terminated(BaseException):
    """The process received SIGTERM."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def handle_termination() -> None:
    """Turn SIGTERM into `Terminated` (main thread only; a no-op elsewhere)."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _raise_terminated)


def exit_code(interruption: BaseException) -> int | None:
    """The exit status for an interruption, None for anything else."""
    if isinstance(interruption, KeyboardInterrupt):
        return SIGINT_EXIT
    if isinstance(interruption, Terminated):
        return SIGTERM_EXIT
    return None
