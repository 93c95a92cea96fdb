"""A stand-in for the model detector, for tests of what happens around a model: the worker thread, the clipboard
guard, progress, cancel, failures, the review window. Tests of the model itself run real llama.cpp instead.

It finds every whole-word occurrence of one word as a real name, the way the model detector reports findings, and is
told how to behave on the way there:

- how it blocks: until ``release`` is set, or for ``seconds``; either way it stops with `Cancelled` once the job's
  ``cancel`` is set, as the real detector does between tokens;
- what it reports first: ``chunks`` gives progress (1, chunks) when it starts, like a model on its second chunk;
- how it ends: with ``error`` raised instead of findings (settable while it blocks).

``started`` is set when a detection begins, so a test can act while the model is busy.
"""

from __future__ import annotations

import threading
import time

from app.core.detectors.base import ProgressCallback, check_cancelled
from app.core.errors import ModelError
from app.core.findings import MODEL, Finding, finding_at
from app.core.locate import find_exact
from app.core.taxonomy import Level

POLL_S = 0.01


class StandInDetector:
    """Finds ``word`` as a Real Name (PL2), after blocking as told; see the module docstring."""

    name = MODEL

    def __init__(
        self,
        word: str = "Dana",
        *,
        release: threading.Event | None = None,
        seconds: float = 0.0,
        chunks: int | None = None,
        error: Exception | None = None,
    ) -> None:
        self.word = word
        self.release = release
        self.seconds = seconds
        self.chunks = chunks
        self.error = error
        self.started = threading.Event()

    def detect(
        self, text: str, *, cancel: threading.Event | None = None, progress: ProgressCallback | None = None
    ) -> list[Finding]:
        if progress is not None and self.chunks is not None:
            progress(1, self.chunks)
        self.started.set()
        self._block(cancel)
        if self.error is not None:
            raise self.error
        return self.findings_in(text)

    def findings_in(self, text: str) -> list[Finding]:
        """What the stand-in answers for ``text``, without blocking."""
        spans = find_exact(text, self.word)
        return [finding_at(text, start, end, "Real Name", Level.PL2, MODEL) for start, end in spans]

    def _block(self, cancel: threading.Event | None) -> None:
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            check_cancelled(cancel)
            time.sleep(POLL_S)
        while self.release is not None and not self.release.wait(POLL_S):
            check_cancelled(cancel)


def blocking_detector(chunks: int = 1) -> StandInDetector:
    """A stand-in that blocks until the test sets its ``release`` (reporting part 1 of ``chunks`` meanwhile)."""
    return StandInDetector(release=threading.Event(), chunks=chunks)


def model_stopped() -> ModelError:
    """The error of a model that stopped in the middle of a detection, for ``error``."""
    return ModelError("the model stopped unexpectedly")
