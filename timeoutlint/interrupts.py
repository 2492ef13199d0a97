"""Ctrl-C and SIGTERM: exit 130 and 143 as other command-line tools do, without a traceback.

Both signals kill the forked workers at once (`parallel.kill_running_workers`),
then unwind the stack: SIGINT as `KeyboardInterrupt`, SIGTERM as `Terminated`
(a `BaseException`, so no `except Exception` swallows it), so that every
`finally` runs. An exception raised by a signal handler can land anywhere,
even inside a lock's bookkeeping; should the unwinding or the interpreter's
exit then hang, a watchdog ends the process with the same status after
`GRACE_SECONDS`, and a second signal ends it at once.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

SIGINT_EXIT = 128 + 2
SIGTERM_EXIT = 128 + 15
GRACE_SECONDS = 10.0


class Terminated(BaseException):
    """The process received SIGTERM."""


_interrupted: int | None = None


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _interrupted
    code = SIGINT_EXIT if signum == signal.SIGINT else SIGTERM_EXIT
    if _interrupted is not None:
        os._exit(_interrupted)
    _interrupted = code
    from timeoutlint.parallel import kill_running_workers

    kill_running_workers()
    watchdog = threading.Timer(GRACE_SECONDS, os._exit, (code,))
    watchdog.daemon = True
    watchdog.start()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated


def handle_interruptions() -> None:
    """Install the handlers (main thread only; a no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _on_signal)


def exit_code(interruption: BaseException) -> int | None:
    """The exit status for an interruption, None for anything else."""
    if isinstance(interruption, KeyboardInterrupt):
        return SIGINT_EXIT
    if isinstance(interruption, Terminated):
        return SIGTERM_EXIT
    return None
