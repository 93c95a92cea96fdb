"""A stand-in for the model detector, for tests of what happens around a model: the worker thread, the clipboard
guard, progress, cancel, failures, the review window. Tests of the model itself run real llama.cpp instead.

It finds every whole-word occurrence of one word as a real name, the way the model detector reports findings, and is
told how to behave on the way there:

- how it blocks: until ``release`` is set, or for ``seconds``; either way it stops with `Cancelled` once the job's
  ``cancel`` is set, as the real detector does between tokens;
- what it reports first: ``chunks`` gives progress (1, chunks) when it starts, like a model on its second chunk;
- how it ends: with ``error`` raised instead of findings (settable while it blocks).

``started`` is set when a detection begins, so a test can act while the model is busy.

The worker holds a loaded model detector (`assembly.LoadedDetector`), not a bare detector: it shows the model's
notice, frees it with `close`, and passes early findings to `detect`. `StandInLoadedDetector` says once that a
stand-in has nothing of that; `BorrowedModel` lends the worker a real `ModelDetector` on a fixture's model.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from app.core.detectors.base import FindingsCallback, ProgressCallback, check_cancelled
from app.core.detectors.model.stats import ModelStats
from app.core.errors import ModelError
from app.core.findings import MODEL, Finding, finding_at
from app.core.locate import find_exact
from app.core.taxonomy import Level

if TYPE_CHECKING:
    from app.core.detectors.model.detector import ModelDetector  # imports llama.cpp: only for the type

POLL_S = 0.01


class StandInLoadedDetector:
    """Base of model stand-ins: no loaded llama.cpp model, no notice, no statistics, nothing to free.

    Subclasses define ``name`` and ``detect`` (with ``on_findings``, which they may ignore).
    """

    loaded = None
    notice: str | None = None
    stats: ModelStats | None = None

    def close(self) -> None:
        """Nothing to free."""


class BorrowedModel:
    """A real `ModelDetector` on a llama.cpp model the test owns (a shared fixture): the worker runs it, but closing
    it leaves the model to its owner."""

    name = "model"
    loaded = None
    notice = None

    def __init__(self, detector: ModelDetector) -> None:
        self.detector = detector

    @property
    def stats(self) -> ModelStats | None:
        return self.detector.last_stats

    def close(self) -> None:
        """The model belongs to the test's fixture."""

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
        on_findings: FindingsCallback | None = None,
    ) -> list[Finding]:
        return self.detector.detect(text, cancel=cancel, progress=progress, on_findings=on_findings)


class StandInDetector(StandInLoadedDetector):
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
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
        on_findings: FindingsCallback | None = None,
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
