"""A model stand-in for the clipboard-guard tests: it blocks until the test releases it, so a test can look at the
clipboard while a masking is running; it honours cancel, and can be told to fail once released."""

from __future__ import annotations

import threading

from app.core.errors import Cancelled, ModelError
from app.core.findings import MODEL, Finding
from app.core.taxonomy import Level
from tests.helpers.stand_in_models import StandInLoadedDetector


class BlockingDetector(StandInLoadedDetector):
    """Finds the word "Dana" (a real name) once `release` is set, or raises `ModelError` then if ``fail`` is set."""

    name = MODEL

    def __init__(self, fail: bool = False, chunks: int = 1) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail = fail
        self.chunks = chunks  # reported as progress: (1, chunks) at the start, like a model on its second chunk

    def detect(self, text: str, *, cancel=None, progress=None, on_findings=None) -> list[Finding]:  # noqa: ANN001
        if progress is not None:
            progress(1, self.chunks)
        self.started.set()
        while not self.release.wait(0.01):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
        if self.fail:
            raise ModelError("the model stopped unexpectedly")
        start = text.find("Dana")
        return [] if start < 0 else [Finding(start, start + 4, "Dana", "Real Name", Level.PL2, MODEL)]
