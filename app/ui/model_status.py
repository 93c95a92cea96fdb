"""The model's status (file, size, device, memory) with a "Test" button, and the test run the setup wizard shares.

A test run loads the model the way the app does (`assembly.model_detector_factory`: same threads, context, GPU layers
and prompt profile), detects private data in a fixed made-up sample, reports what it found, where it ran and how
much memory it took, and frees the model again. It answers the two questions people have after setting a model up:
"does it work?" and "can my computer afford it?".
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.assembly import LoadedDetector, model_detector_factory
from app.core.errors import CloakroomError, ModelOutputError
from app.core.findings import Finding
from app.core.model_files import speed
from app.core.model_files.gguf_info import format_bytes, inspect_gguf
from app.core.model_files.progress import ProgressCallback, raise_if_cancelled, report
from app.core.model_files.runtime import LoadedModel, ModelMemory
from app.core.settings import Settings
from app.ui.background_job import BackgroundJob
from app.ui.prompt_status import describe_prompt
from app.ui.type_labels import type_display

TRIAL_LOAD = "trial-load"
TRIAL_DETECT = "trial-detect"
# The sample's answer is ~150 tokens for a real MemPrivacy model; a model that is no privacy detector would otherwise
# ramble on to the detector's full limit before the test could say so.
TRIAL_MAX_NEW_TOKENS = 384

DetectorLoader = Callable[[], LoadedDetector]
"""Loads the model and returns its detector (`assembly.model_detector_factory` makes one)."""
TrialLoader = Callable[[Settings, Path], DetectorLoader]

translate = QCoreApplication.translate  # by this name, Qt's lupdate finds the strings of module-level functions


def sample_text() -> str:
    """The made-up text a test run detects in. Translatable: a Chinese sample tests the model in Chinese."""
    return translate(
        "ModelTrial",
        "Hi, this is Dana Reyes. Please send the contract to dana.reyes@example.org or call me on "
        "+1 415 555 0134. My login code is 482913 and the wifi password is Tr0ub4dor&3.",
    )


def default_trial_loader(settings: Settings, path: Path) -> DetectorLoader:
    return model_detector_factory(settings, path, max_new_tokens=TRIAL_MAX_NEW_TOKENS)


@dataclass(frozen=True)
class TrialResult:
    """What a test run found and cost; the findings hold only the sample's made-up values.

    ``error`` is set when the model loaded but its detection failed (an answer cut off, say): where it ran and the
    memory it took are still worth showing.
    """

    findings: tuple[Finding, ...]
    device: str
    notice: str | None
    memory: ModelMemory | None
    load_seconds: float
    detect_seconds: float
    error: str | None = None


def _detect(
    detector: LoadedDetector, text: str, progress: ProgressCallback, cancel: threading.Event
) -> tuple[list[Finding], str | None]:
    """The findings, or none and the reason when the detection failed (a cancel is not a failure: it raises)."""
    try:
        return detector.detect(
            text, cancel=cancel, progress=lambda done, total: progress(TRIAL_DETECT, done, total)
        ), None
    except ModelOutputError:
        return [], translate(
            "ModelTrial",
            "Its answer was not a complete list of findings: it ran on to the "
            "answer limit or broke the expected format.",
        )
    except CloakroomError as error:
        return [], str(error)


def run_trial(load: DetectorLoader, text: str, progress: ProgressCallback, cancel: threading.Event) -> TrialResult:
    """Load, detect in ``text``, measure, free the model — in the calling (background) thread."""
    report(progress, TRIAL_LOAD, 0, 0)
    started = time.perf_counter()
    detector = load()
    try:
        load_seconds = time.perf_counter() - started
        raise_if_cancelled(cancel)
        report(progress, TRIAL_DETECT, 0, 0)
        started = time.perf_counter()
        findings, error = _detect(detector, text, progress, cancel)
        detect_seconds = time.perf_counter() - started
        loaded = detector.loaded
        return TrialResult(
            findings=tuple(findings),
            device=loaded.device if loaded is not None else "CPU",
            notice=detector.notice,
            memory=loaded.memory() if loaded is not None else None,
            load_seconds=load_seconds,
            detect_seconds=detect_seconds,
            error=error,
        )
    finally:
        detector.close()


def trial_job(settings: Settings, path: Path, loader: TrialLoader = default_trial_loader) -> BackgroundJob:
    """A job that test-runs the model at ``path`` with ``settings``; `finished` carries a `TrialResult`."""
    load = loader(settings, path)
    text = sample_text()
    return BackgroundJob(lambda progress, cancel: run_trial(load, text, progress, cancel))


def describe_memory(memory: ModelMemory | None) -> str:
    """One line for people: the model's weights, its context cache, and what the whole app holds."""
    if memory is None:
        return translate("ModelStatus", "not measured")
    parts = []
    if memory.weights_bytes:
        parts.append(translate("ModelStatus", "weights {size}").format(size=format_bytes(memory.weights_bytes)))
    if memory.kv_cache_bytes:
        parts.append(translate("ModelStatus", "context cache {size}").format(size=format_bytes(memory.kv_cache_bytes)))
    if memory.process_bytes:
        parts.append(
            translate("ModelStatus", "Cloakroom in all {size}").format(size=format_bytes(memory.process_bytes))
        )
    return " · ".join(parts) or translate("ModelStatus", "not measured")


def describe_device(device: str, notice: str | None = None) -> str:
    """ "GPU" or "CPU", and on a line of its own why it is not the GPU when llama.cpp said so (a fallback, say)."""
    text = translate("ModelStatus", "GPU") if device == "GPU" else translate("ModelStatus", "CPU")
    return f"{text}\n{notice}" if notice else text


def planned_device(settings: Settings) -> str:
    """Where the model will run when loaded, before it is: GPU offload needs a llama.cpp built with a GPU backend."""
    from app.core.model_files.hardware import gpu_offload_supported  # imports llama.cpp: only when shown

    if settings.n_gpu_layers == 0:
        return translate("ModelStatus", "CPU (GPU layers set to 0)")
    if gpu_offload_supported():
        return translate("ModelStatus", "GPU when it fits, else the CPU")
    return translate("ModelStatus", "CPU (this llama.cpp has no GPU support)")


def summarize_findings(findings: tuple[Finding, ...]) -> str:
    if not findings:
        return translate("ModelStatus", "It found nothing in the sample.")
    kinds = translate("Summaries", ", ").join(sorted({type_display(finding.type) for finding in findings}))
    count = len(findings)  # a count in a variable: lupdate misses messages whose arguments call functions
    return translate("ModelStatus", "It found %n item(s) in the sample: %1.", None, count).replace("%1", kinds)


class ModelStatus(QWidget):
    """The configured model at a glance, for the Settings dialog's Model tab.

    ``loaded_model`` (optional) returns the app's loaded `runtime.LoadedModel`, or None while none is loaded: then
    device and memory show the real figures. Without it they show where the model will run, and "Test" measures.
    """

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        loaded_model: Callable[[], LoadedModel | None] | None = None,
        trial_loader: TrialLoader = default_trial_loader,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._settings_source: Callable[[], Settings] = lambda: self._settings
        self._loaded_model = loaded_model
        self._trial_loader = trial_loader
        self._path: Path | None = None
        self._job: BackgroundJob | None = None
        self._estimate: speed.SavedEstimate | None = None
        self._build()
        self.set_model_path(settings.model_path)

    # --- layout ---------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.file_label = self._value_label()
        self.details_label = self._value_label()
        self.device_label = self._value_label()
        self.memory_label = self._value_label()
        self.prompt_label = self._value_label()
        self.speed_label = self._value_label()
        self.test_button = QPushButton(self.tr("&Test the model"))
        self.test_button.setToolTip(self.tr("Load the model, find the private data in a made-up sample, free it."))
        self.test_button.clicked.connect(self.toggle_test)
        self.test_result = self._value_label()
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Model:"), self.file_label)
        form.addRow(self.tr("File:"), self.details_label)
        form.addRow(self.tr("Runs on:"), self.device_label)
        form.addRow(self.tr("Memory:"), self.memory_label)
        form.addRow(self.tr("Asked with:"), self.prompt_label)
        form.addRow(self.tr("Speed:"), self.speed_label)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(test_row)

    @staticmethod
    def _value_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # --- state ----------------------------------------------------------------------------------------------------

    def set_settings_source(self, source: Callable[[], Settings]) -> None:
        """Where "Test" takes threads, context and GPU layers from (the dialog's current, unsaved choices)."""
        self._settings_source = source

    def set_model_path(self, path: str | None) -> None:
        text = (path or "").strip()
        self._path = Path(text).expanduser() if text else None
        self.test_result.clear()
        self.refresh()

    def refresh(self) -> None:
        """Show the file's facts, and device and memory from the loaded model when there is one."""
        running = self._job is not None and self._job.is_running()
        self.prompt_label.setText(describe_prompt(self._settings_source()))
        if self._path is None:
            self.file_label.setText(self.tr("None set up — only the rules detector runs."))
            self.details_label.setText("—")
            self.device_label.setText("—")
            self.memory_label.setText("—")
            self.speed_label.setText("—")
            self.test_button.setEnabled(False)
            return
        self.file_label.setText(self._path.name)
        self.file_label.setToolTip(str(self._path))
        usable = self._show_file_facts(self._path)
        self.test_button.setEnabled(usable or running)
        loaded = self._current_loaded_model()
        if loaded is not None:
            self.device_label.setText(describe_device(loaded.device, loaded.notice))
            self.memory_label.setText(describe_memory(loaded.memory()))
        else:
            self.device_label.setText(planned_device(self._settings_source()))
            self.memory_label.setText(self.tr("not loaded now"))

    def _show_file_facts(self, path: Path) -> bool:
        try:
            info = inspect_gguf(path)
        except CloakroomError as error:
            self.details_label.setText(self.tr("Cannot use it: {reason}").format(reason=str(error)))
            self.speed_label.setText("—")
            return False
        self.details_label.setText(f"{format_bytes(info.file_size)} · {info.architecture} · {info.quantization}")
        self._estimate = speed.estimate_for(info.parameter_count, info.quantization)
        self.speed_label.setText(self._estimate_text() or self.tr("not measured yet — Test measures it"))
        return True

    def _estimate_text(self) -> str:
        if self._estimate is None:
            return ""
        return self.tr(
            "estimated about {short:.0f} s for a short chat message, {email:.0f} s for a 2 KB e-mail "
            "(measured on stand-ins)"
        ).format(short=self._estimate.short_seconds, email=self._estimate.email_seconds)

    def _current_loaded_model(self) -> LoadedModel | None:
        if self._loaded_model is None:
            return None
        loaded = self._loaded_model()
        if loaded is None or self._path is None or Path(loaded.path).resolve() != self._path.resolve():
            return None  # the app runs another file than the one shown (the path was just edited)
        return loaded

    # --- test -----------------------------------------------------------------------------------------------------

    def toggle_test(self) -> None:
        """Start a test run, or stop the one running."""
        if self._job is not None and self._job.is_running():
            self._job.cancel()
            self.test_result.setText(self.tr("Stopping…"))
            return
        if self._path is None:
            return
        settings = dataclasses.replace(self._settings_source(), model_path=str(self._path))
        job = trial_job(settings, self._path, self._trial_loader)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_result)
        job.failed.connect(self._on_failure)
        job.cancelled.connect(self._on_cancelled)
        job.ended.connect(self._on_ended)
        self._job = job
        self.test_button.setText(self.tr("S&top test"))
        self.test_result.setText(self.tr("Loading the model…"))
        job.start()

    @property
    def test_running(self) -> bool:
        return self._job is not None and self._job.is_running()

    def stop(self) -> None:
        """Ask a running test to stop; it frees the model in its own thread."""
        if self._job is not None and self._job.is_running():
            self._job.cancel()

    def hideEvent(self, event: QHideEvent) -> None:
        """The dialog closed (not just another tab shown): a test nobody sees would only hold memory."""
        if not self.window().isVisible():
            self.stop()
        super().hideEvent(event)

    def _on_progress(self, stage: str, _done: int, _total: int) -> None:
        if stage == TRIAL_DETECT:
            self.test_result.setText(self.tr("Finding private data in the sample…"))

    def _on_result(self, result: TrialResult) -> None:
        seconds = result.load_seconds + result.detect_seconds
        if result.error:
            self.test_result.setText(
                self.tr("It loaded, but the detection failed: {reason}").format(reason=result.error)
            )
        else:
            self.test_result.setText(
                summarize_findings(result.findings)
                + " "
                + self.tr("Loaded and answered in {seconds:.1f} s.").format(seconds=seconds)
            )
        self.device_label.setText(describe_device(result.device, result.notice))
        self.memory_label.setText(
            self.tr("{memory} (measured during the test)").format(memory=describe_memory(result.memory))
        )
        self._show_real_speed(result.detect_seconds)

    def _show_real_speed(self, detect_seconds: float) -> None:
        """The sample is a short chat message: its detection time is the real figure for the estimate."""
        real = self.tr("a short chat message took {seconds:.1f} s in the test").format(seconds=detect_seconds)
        if self._estimate is None:
            self.speed_label.setText(real)
            return
        self.speed_label.setText(
            self.tr("{real}; the estimate was about {estimate:.0f} s").format(
                real=real, estimate=self._estimate.short_seconds
            )
        )

    def _on_failure(self, message: str) -> None:
        self.test_result.setText(self.tr("The test failed: {reason}").format(reason=message))

    def _on_cancelled(self) -> None:
        self.test_result.setText(self.tr("Test stopped."))

    def _on_ended(self) -> None:
        self.test_button.setText(self.tr("&Test the model"))
        self.test_button.setEnabled(self._path is not None)
