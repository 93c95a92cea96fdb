"""What a hand-written model stand-in needs to take the model's place in the app's worker (`assembly.LoadedDetector`).

The worker holds a loaded model detector, not a bare detector: it shows the model's notice, frees it with `close`, and
passes early findings to `detect`. Stand-ins run no llama.cpp model of their own, so they have nothing to report or
free; this base says so once instead of in every stand-in.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.core.detectors.base import FindingsCallback, ProgressCallback
from app.core.detectors.model.stats import ModelStats
from app.core.findings import Finding

if TYPE_CHECKING:
    from app.core.detectors.model.detector import ModelDetector  # imports llama.cpp: only for the type


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
