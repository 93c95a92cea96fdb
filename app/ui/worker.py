"""The worker thread that owns the detector model and runs detection jobs.

llama.cpp is not thread-safe and a detection can take seconds to minutes on a laptop CPU, so one QThread owns the
model and runs jobs one at a time from its event queue. The GUI thread never waits on it: jobs go in through queued
signals, results, progress and state changes come back through signals. Each job has a `threading.Event` the GUI
can set to cancel it; the detectors check it between chunks and during generation.
"""

from __future__ import annotations

import enum
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from app.core.assembly import LoadedDetector
from app.core.detectors.base import FindingsCallback, ProgressCallback, check_cancelled
from app.core.engine import Engine
from app.core.errors import Cancelled, CloakroomError, ModelError
from app.core.findings import Finding
from app.core.masking import MaskResult
from app.ui.summaries import core_text, join_sentences

ModelFactory = Callable[[], LoadedDetector]
"""Loads the model and returns its detector; runs in the worker thread; raises `CloakroomError` on failure."""


class ModelState(enum.Enum):
    NO_MODEL = "no model"
    LOADING = "loading"
    READY = "ready"
    WORKING = "working"
    ERROR = "error"


class ModelSlot:
    """A detector that delegates to the loaded model, or finds nothing while none is loaded.

    It is the engine's ``model``, so the engine's one data path runs unchanged with or without a model; only the
    worker thread ever calls it.
    """

    name = "model"

    def __init__(self) -> None:
        self.detector: LoadedDetector | None = None
        self.early_findings: FindingsCallback | None = None  # set by the worker for one job

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        if self.detector is None:
            return []
        return self.detector.detect(text, cancel=cancel, progress=progress, on_findings=self.early_findings)


@dataclass
class DetectionJob:
    job_id: int
    text: str
    model_only: bool
    mask: bool = False  # detect, apply the policy and commit the mappings, all off the GUI thread
    interim: bool = False  # with ``mask``: first mask what the rules find, and send that ahead (`mask_interim`)
    cancel: threading.Event = field(default_factory=threading.Event)


class DetectionWorker(QObject):
    """Owns the model in its own thread. Create it in the GUI thread, then call `start`."""

    state_changed = Signal(object, str)  # ModelState, a message safe to show (never user text)
    job_progress = Signal(int, int, int)  # job id, done, total
    job_findings = Signal(int, list)  # job id, model findings found so far that are new (a preview, may overlap)
    job_finished = Signal(int, list)  # job id, findings (merged, non-overlapping)
    mask_interim = Signal(int, object)  # job id, MaskResult of the rules alone (committed), before the model runs
    mask_finished = Signal(int, object)  # job id, MaskResult: its mappings are committed to the store
    job_failed = Signal(int, str)  # job id, message safe to show
    job_cancelled = Signal(int)

    _job_requested = Signal(object)
    _load_requested = Signal(object)
    _unload_requested = Signal()

    def __init__(self, engine: Engine, model_slot: ModelSlot) -> None:
        super().__init__()
        self._engine = engine
        self._slot = model_slot
        self._ids = itertools.count(1)
        self._jobs: dict[int, DetectionJob] = {}
        self._jobs_lock = threading.Lock()
        self._thread = QThread()
        self._thread.setObjectName("cloakroom-model")
        self._idle_timer: QTimer | None = None
        self._idle_minutes = 0
        self.state = ModelState.NO_MODEL
        self.state_message = self.tr("No model is set up: rules detection only.")
        self.moveToThread(self._thread)
        self._job_requested.connect(self._run_job)
        self._load_requested.connect(self._load)
        self._unload_requested.connect(self._unload)
        self.state_changed.connect(self._remember_state)

    # --- GUI-thread API -------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def shutdown(self, wait_ms: int = 10_000) -> None:
        """Cancel everything and stop the thread (the current job stops at its next cancellation check)."""
        self.cancel_all()
        self._thread.quit()
        self._thread.wait(wait_ms)

    def load_model(self, factory: ModelFactory, unload_after_minutes: int = 0) -> None:
        self._idle_minutes = unload_after_minutes
        self._load_requested.emit(factory)

    def unload_model(self) -> None:
        self._unload_requested.emit()

    def submit(self, text: str, *, model_only: bool = False, mask: bool = False, interim: bool = False) -> int:
        """Queue a detection (or with ``mask``, a whole masking) of ``text``; the answer arrives as
        `job_finished` (`mask_finished`), `job_failed` or `job_cancelled`. With ``interim`` a masking first sends
        the rules-only result (`mask_interim`) when a model will run after it."""
        job = DetectionJob(next(self._ids), text, model_only, mask, interim)
        with self._jobs_lock:
            self._jobs[job.job_id] = job
        self._job_requested.emit(job)
        return job.job_id

    def cancel(self, job_id: int) -> None:
        with self._jobs_lock:
            job = self._jobs.get(job_id)
        if job is not None:
            job.cancel.set()

    def cancel_all(self) -> None:
        with self._jobs_lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()

    @property
    def busy(self) -> bool:
        with self._jobs_lock:
            return bool(self._jobs)

    @property
    def has_model(self) -> bool:
        return self._slot.detector is not None

    # --- worker-thread slots -------------------------------------------------------------------------------------

    @Slot(object, str)
    def _remember_state(self, state: ModelState, message: str) -> None:
        self.state = state
        self.state_message = message

    @Slot(object)
    def _load(self, factory: ModelFactory) -> None:
        self._slot.detector = None
        self.state_changed.emit(ModelState.LOADING, self.tr("Loading the model…"))
        try:
            detector = factory()
        except CloakroomError as error:
            self.state_changed.emit(
                ModelState.ERROR, self.tr("The model could not be loaded: %1").replace("%1", core_text(error))
            )
            return
        except Exception as error:  # noqa: BLE001 - a broken model file must not take the app down
            self.state_changed.emit(
                ModelState.ERROR, self.tr("The model could not be loaded (%1).").replace("%1", type(error).__name__)
            )
            return
        self._slot.detector = detector
        notice = detector.notice
        self.state_changed.emit(ModelState.READY, self.tr("Model ready.") + (f" {notice}" if notice else ""))
        self._restart_idle_timer()

    @Slot()
    def _unload(self) -> None:
        detector, self._slot.detector = self._slot.detector, None
        if detector is None:
            return
        detector.close()
        self.state_changed.emit(
            ModelState.NO_MODEL, self.tr("Model unloaded to free memory; it loads again when needed.")
        )

    @Slot(object)
    def _run_job(self, job: DetectionJob) -> None:
        """Run a job, then report it — after the worker is idle again, so whoever receives the result already sees
        the model "ready" and the worker not busy."""
        try:
            report = self._run(job)
        finally:
            with self._jobs_lock:
                self._jobs.pop(job.job_id, None)
            self._set_working(False)
            self._restart_idle_timer()
        report()

    def _run(self, job: DetectionJob) -> Callable[[], None]:
        """Run a job; return how to report its outcome (the signal to emit)."""
        try:
            check_cancelled(job.cancel)
            self._set_working(True)
            outcome = self._mask(job) if job.mask else self._detect(job)
        except Cancelled:
            return lambda: self.job_cancelled.emit(job.job_id)
        except ModelError as error:
            message = self._model_failure(job, error)
        except CloakroomError as error:
            message = core_text(error)
        except Exception as error:  # noqa: BLE001 - report, never crash the thread; the message names no content
            message = self.tr("Detection failed unexpectedly (%1).").replace("%1", type(error).__name__)
        else:
            finished = self.mask_finished if job.mask else self.job_finished
            return lambda: finished.emit(job.job_id, outcome)
        return lambda: self.job_failed.emit(job.job_id, message)

    def _progress(self, job: DetectionJob) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            self.job_progress.emit(job.job_id, done, total)

        return progress

    def _detect(self, job: DetectionJob) -> list[Finding]:
        """Detect; the model's findings also stream out (`job_findings`) while it answers, for the review window."""
        self._slot.early_findings = lambda findings: self.job_findings.emit(job.job_id, findings)
        try:
            return self._engine.detect(
                job.text, use_rules=not job.model_only, cancel=job.cancel, progress=self._progress(job)
            )
        finally:
            self._slot.early_findings = None

    def _mask(self, job: DetectionJob) -> MaskResult:
        if job.interim and self._slot.detector is not None:
            rules_only = self._engine.detect(job.text, use_model=False, cancel=job.cancel)
            self.mask_interim.emit(job.job_id, self._engine.mask_findings(job.text, rules_only))
        return self._engine.mask(job.text, cancel=job.cancel, progress=self._progress(job))

    def _model_failure(self, job: DetectionJob, error: ModelError) -> str:
        """The model's failure; for a whole masking, where to still use what the rules found."""
        message = core_text(error)
        if job.model_only:
            return message
        hint = self.tr("The review window (Ctrl+Alt+R) shows what the rules found, and can mask that.")
        return join_sentences(message, hint)

    def _set_working(self, working: bool) -> None:
        if self._slot.detector is None:
            return
        if working and self.state is ModelState.READY:
            self.state_changed.emit(ModelState.WORKING, self.tr("Detecting…"))
        elif not working and self.state is ModelState.WORKING:
            self.state_changed.emit(ModelState.READY, self.tr("Model ready."))

    def _restart_idle_timer(self) -> None:
        if self._idle_minutes <= 0 or self._slot.detector is None:
            return
        if self._idle_timer is None:
            self._idle_timer = QTimer()
            self._idle_timer.setSingleShot(True)
            self._idle_timer.timeout.connect(self._unload)
        self._idle_timer.start(self._idle_minutes * 60_000)
