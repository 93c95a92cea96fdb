"""The one interface every detector implements."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from app.core.errors import Cancelled
from app.core.findings import Finding

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) units of work, e.g. chunks of a long text."""

FindingsCallback = Callable[[list[Finding]], None]
"""Receives early findings while a detector is still working (the model's, element by element): a preview only."""


class Detector(Protocol):
    """Finds private spans. Implementations must not log, print or keep the text they are given."""

    name: str

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        """Return findings (possibly overlapping) with offsets into ``text``; raise `Cancelled` if ``cancel`` is set."""
        ...


def check_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()
