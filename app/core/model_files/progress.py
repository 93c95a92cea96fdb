"""Progress reporting and cancelling, shared by every long model operation.

The setup wizard shows one bar per stage, so a callback gets the stage's name with its own units (bytes for
downloads and files, steps otherwise) rather than one overall percentage that would stall on the slow stages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.core.errors import Cancelled

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; ``total`` is 0 when it is not known yet."""

# Stage names; the UI may translate them.
CHECK = "check"
DOWNLOAD = "download"
VERIFY = "verify"
CONVERTER = "converter"
CONVERT = "convert"
QUANTIZE = "quantize"
LOAD = "load"
CLEANUP = "cleanup"
MEASURE = "measure"  # speed measurement on stand-ins: one step per option


def report(progress: ProgressCallback | None, stage: str, done: int, total: int) -> None:
    """Call the callback if there is one, so callers need no ``if progress`` at every step."""
    if progress is not None:
        progress(stage, done, total)


def raise_if_cancelled(cancel: threading.Event | None, message: str | None = None) -> None:
    """Stop at a safe point when the person asked to cancel."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(message) if message else Cancelled()


def offset_progress(progress: ProgressCallback | None, offset: int, total: int) -> ProgressCallback | None:
    """Report one part of a multi-part job (files of a snapshot) as progress of the whole job."""
    if progress is None:
        return None

    def forward(stage: str, done: int, _part_total: int) -> None:
        progress(stage, offset + done, total)

    return forward
