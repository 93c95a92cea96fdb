"""Run one long core operation (a download, a conversion, a model check or test) in a thread, reporting by signals.

Why not the detection worker (`app.ui.worker`): that thread owns the app's loaded model and runs detections one after
another; a setup job must neither queue behind a detection nor block one for minutes, and each job needs its own
cancel flag. Every long core operation takes ``progress(stage, done, total)`` and a `threading.Event` (see
`app.core.model_files.progress`), so one small runner serves them all.

Signals reach slots in the thread that created the job (the GUI thread), so slots may touch widgets. Progress is
thinned to a few updates a second — a download reports every megabyte, which would flood the event queue — but the
first report of a stage and the one that completes it always get through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from app.core.errors import Cancelled, CloakroomError
from app.core.model_files.progress import ProgressCallback
from app.ui.summaries import core_text

JobFunction = Callable[[ProgressCallback, threading.Event], Any]
"""A core function bound to its arguments, waiting only for ``(progress, cancel)``."""

PROGRESS_INTERVAL_S = 0.1


class _ProgressThinner:
    """Lets a report through when its stage is new, when it completes the stage, or after a short pause."""

    def __init__(self, emit: Callable[[str, int, int], None], interval_s: float = PROGRESS_INTERVAL_S) -> None:
        self._emit = emit
        self._interval_s = interval_s
        self._stage: str | None = None
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        complete = total > 0 and done >= total
        if stage == self._stage and not complete and now - self._last < self._interval_s:
            return
        self._stage = stage
        self._last = now
        self._emit(stage, int(done), int(total))


class _Thread(QThread):
    """The thread itself; all it does is call back into its job."""

    def __init__(self, body: Callable[[], None]) -> None:
        super().__init__()
        self._body = body

    def run(self) -> None:
        self._body()


class BackgroundJob(QObject):
    """One run of ``function(progress, cancel)`` in its own thread. Create it in the GUI thread, then `start` it.

    Exactly one of `finished`, `failed` or `cancelled` is emitted at the end, then `ended`. A job runs once; make a
    new one to try again. A running job keeps itself alive (a thread object destroyed while it runs would abort the
    program), so a window may close while its job winds down: connect the signals to the window's own methods, which
    Qt disconnects when the window goes.
    """

    _running_jobs: ClassVar[set[BackgroundJob]] = set()

    progress = Signal(str, "qint64", "qint64")  # stage, done, total (0: unknown); 64-bit: downloads pass 2 GB
    finished = Signal(object)  # the function's return value
    failed = Signal(str)  # a sentence safe to show: never user text, never a traceback
    cancelled = Signal()
    ended = Signal()  # after any of the three above
    _outcome = Signal(str, object)  # kind, payload: queued from the worker thread to `_deliver`

    def __init__(self, function: JobFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._function = function
        self._cancel = threading.Event()
        self._thread = _Thread(self._run)
        self._started = False
        self._running = False
        self._outcome.connect(self._deliver)

    # --- GUI-thread API -----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            raise RuntimeError("A BackgroundJob runs once; create a new one to run it again.")
        self._started = True
        self._running = True
        BackgroundJob._running_jobs.add(self)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the function to stop at its next safe point; the job then ends with `cancelled`."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        """True from `start` until just before `ended` is delivered."""
        return self._running

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the thread has returned (at shutdown); True if it did in time.

        The end signals are queued to this object's thread: they arrive afterwards, once its events are processed.
        """
        if not self._started:
            return True
        return self._thread.wait(timeout_ms)

    # --- worker thread ------------------------------------------------------------------------------------------

    def _run(self) -> None:
        report = _ProgressThinner(self.progress.emit)
        try:
            result = self._function(report, self._cancel)
        except Cancelled:
            self._outcome.emit(_CANCELLED, None)
        except BaseException as error:  # noqa: BLE001 - the thread must end with a signal, whatever happened
            if self._cancel.is_set():
                self._outcome.emit(_CANCELLED, None)  # a failure caused by stopping midway is just the stop
            else:
                self._outcome.emit(_FAILED, failure_message(error))
        else:
            self._outcome.emit(_FINISHED, result)

    # --- back in the GUI thread ---------------------------------------------------------------------------------

    def _deliver(self, kind: str, payload: object) -> None:
        """Emit the public signals from the job's own thread, after `is_running` has turned False."""
        self._thread.wait()
        self._running = False
        try:
            self._emit_outcome(kind, payload)
        finally:
            BackgroundJob._running_jobs.discard(self)

    def _emit_outcome(self, kind: str, payload: object) -> None:
        if kind == _FINISHED:
            self.finished.emit(payload)
        elif kind == _FAILED:
            self.failed.emit(str(payload))
        else:
            self.cancelled.emit()
        self.ended.emit()


_FINISHED, _FAILED, _CANCELLED = "finished", "failed", "cancelled"


def failure_message(error: BaseException) -> str:
    """What to show for an exception: the core's own sentence, or a generic one that names only the error's kind."""
    if isinstance(error, CloakroomError):
        return core_text(error)
    if isinstance(error, MemoryError):
        return QCoreApplication.translate(
            "BackgroundJob", "There was not enough memory. Close other programs or choose a smaller model."
        )
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return QCoreApplication.translate("BackgroundJob", "A file operation failed: {reason}{where}.").format(
            reason=error.strerror, where=where
        )
    return QCoreApplication.translate("BackgroundJob", "It failed unexpectedly ({kind}).").format(
        kind=type(error).__name__
    )
