"""The setup assistant: get the detector model onto this computer, check it, try it — or skip it for now.

Pages: Welcome → Licence → Source → File | Download | Convert → Progress → Test → Done.

Why an assistant and not a settings field: the model is licensed CC BY-NC-ND 4.0, so Cloakroom cannot ship it; the
person fetches it (a download they start here, or a download and conversion on their own machine), which takes
gigabytes and minutes to hours. The assistant says so plainly, recommends a size for this computer, shows every stage
with a way to stop, and finally runs a detection on a made-up sample so the person sees it work.

Nothing here writes the settings file: `result_settings` returns them (``model_path`` set only to a file that passed
every check of `app.core.model_files.library`, ``first_run_done`` always True) and the app saves them when the assistant
is accepted — skipping accepts it too, so it does not come back at every start.

Every long step runs in a `BackgroundJob`. Cancelling (Stop, Cancel, closing the window) stops the job at its next
safe point; the core functions never leave a half-written model under a real name, and the unfinished ``.part``
download (or the kept weights of a conversion) is deleted too unless the person asks to keep it for resuming.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.core.findings import Finding
from app.core.model_files import convert as conversion
from app.core.model_files import official_prompt, speed
from app.core.model_files import progress as stages
from app.core.model_files.catalog import CatalogModel, load_catalog
from app.core.model_files.download import download_gguf
from app.core.model_files.download_checks import free_bytes
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.hardware import HardwareInfo, Recommendation, detect_hardware, recommend
from app.core.model_files.library import ModelCheck, local_model_files, models_folder, validate_model_file
from app.core.model_files.partial_files import discard_partial, partial_path
from app.core.model_files.quantize import DEFAULT_QUANTIZATION, QUANTIZATIONS, UNQUANTIZED, estimated_size
from app.core.settings import Settings
from app.ui.background_job import BackgroundJob
from app.ui.model_status import (
    TRIAL_DETECT,
    TrialLoader,
    TrialResult,
    default_trial_loader,
    describe_device,
    describe_memory,
    sample_text,
    trial_job,
)
from app.ui.summaries import core_text, join_sentences, sentence_gap
from app.ui.type_labels import type_display


class Page(enum.IntEnum):
    WELCOME = 0
    LICENCE = 1
    SOURCE = 2
    FILE = 3
    DOWNLOAD = 4
    CONVERT = 5
    PROGRESS = 6
    TEST = 7
    DONE = 8


class Source(enum.Enum):
    FILE = "file"
    DOWNLOAD = "download"
    CONVERT = "convert"


@dataclass(frozen=True)
class ObtainedModel:
    """A model file that passed every check (header, architecture, llama.cpp loads it): the only kind registered."""

    path: Path
    check: ModelCheck


REPO_PATTERN = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SHA256_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")
BYTE_STAGES = frozenset({stages.DOWNLOAD, stages.VERIFY, stages.CONVERT, stages.QUANTIZE})
PERMILLE = 1000  # the bar counts in thousandths: QProgressBar holds 32-bit values, downloads pass 2 GB
RATE_AFTER_S = 1.0  # measure speed only after this long, so the first burst does not promise too much

translate = QCoreApplication.translate  # by this name, Qt's lupdate finds the strings of module-level functions


def stage_label(stage: str) -> str:
    labels = {
        stages.CHECK: translate("SetupWizard", "Checking free space and tools"),
        stages.CONVERTER: translate("SetupWizard", "Fetching llama.cpp's converter"),
        stages.DOWNLOAD: translate("SetupWizard", "Downloading"),
        stages.VERIFY: translate("SetupWizard", "Verifying the checksum"),
        stages.CONVERT: translate("SetupWizard", "Converting to GGUF"),
        stages.QUANTIZE: translate("SetupWizard", "Quantizing"),
        stages.LOAD: translate("SetupWizard", "Checking that llama.cpp loads it"),
        stages.CLEANUP: translate("SetupWizard", "Deleting intermediate files"),
    }
    return labels.get(stage, stage)


def quantization_description(name: str) -> str:
    descriptions = {
        "Q4_K_M": translate("SetupWizard", "recommended: small and close to the original"),
        "Q4_K_S": translate("SetupWizard", "a little smaller than Q4_K_M, a little worse"),
        "Q5_K_M": translate("SetupWizard", "between Q4_K_M and Q6_K"),
        "Q6_K": translate("SetupWizard", "nearly lossless"),
        "Q8_0": translate("SetupWizard", "practically lossless, twice the size of Q4_K_M"),
        "F16": translate("SetupWizard", "unquantized, half precision"),
        "BF16": translate("SetupWizard", "unquantized, the official weights' own precision"),
    }
    return descriptions.get(name, "")


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return translate("SetupWizard", "less than a minute")
    minutes = round(seconds / 60)
    if minutes < 60:
        return translate("SetupWizard", "about {minutes} min").format(minutes=minutes)
    return translate("SetupWizard", "about {hours} h {minutes} min").format(hours=minutes // 60, minutes=minutes % 60)


# ---------------------------------------------------------------------------------------------------------------------
# Small widgets


def paragraph(text: str, *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(rich)
    return label


def muted(text: str = "") -> QLabel:
    """Secondary text, drawn in the palette's placeholder colour (readable in light and dark themes)."""
    label = paragraph(text)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


# (text, background) per kind of notice, for light and dark themes; each pair has WCAG AA contrast.
NOTICE_COLORS = {
    "error": (("#8c1020", "#fdecee"), ("#ffb3bd", "#4a1820")),
    "warning": (("#6b4200", "#fff4dc"), ("#ffd08a", "#47330f")),
    "success": (("#14612f", "#e7f6ec"), ("#9ce8b4", "#173823")),
    "info": (("#1d3f66", "#e9f1fb"), ("#b5d3f5", "#1a2c42")),
}
STAGE_SYMBOLS = {"pending": "○", "active": "▶", "done": "✓", "failed": "✗"}


class Notice(QLabel):
    """Feedback in a tinted box. Errors and warnings start with a word, so colour is never the only cue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names, which may hold "<"
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        prefixes = {"error": self.tr("Error: "), "warning": self.tr("Warning: ")}
        self.kind = kind
        foreground, background = NOTICE_COLORS[kind][1 if _is_dark(self) else 0]
        self.setStyleSheet(
            f"QLabel {{ color: {foreground}; background: {background}; border-radius: 4px; padding: 8px 10px; }}"
        )
        self.setText(prefixes.get(kind, "") + text)
        self.show()

    def clear_message(self) -> None:
        self.kind = ""
        self.clear()
        self.hide()


class StageList(QWidget):
    """The stages of a job, each marked pending, active, done or failed — by a symbol, not only by emphasis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._rows: dict[str, QLabel] = {}
        self._plan: list[str] = []
        self._current = -1

    def set_plan(self, plan: list[str]) -> None:
        for label in self._rows.values():
            self._layout.removeWidget(label)
            label.setParent(None)
            label.deleteLater()
        self._rows = {}
        self._plan = list(plan)
        self._current = -1
        for stage in plan:
            self._rows[stage] = QLabel()
            self._layout.addWidget(self._rows[stage])
        self._redraw()

    def advance_to(self, stage: str) -> None:
        """Mark ``stage`` active and all planned stages before it done; never step back (stages may interleave)."""
        if stage in self._plan and self._plan.index(stage) > self._current:
            self._current = self._plan.index(stage)
            self._redraw()

    def complete(self) -> None:
        self._current = len(self._plan)
        self._redraw()

    def fail(self) -> None:
        self._redraw(failed=True)

    def state_of(self, stage: str) -> str:
        index = self._plan.index(stage)
        return "done" if index < self._current else "active" if index == self._current else "pending"

    def _state_words(self) -> dict[str, str]:
        """What a screen reader says for each symbol."""
        return {"pending": self.tr("to do"), "active": self.tr("in progress"), "done": self.tr("done"),
                "failed": self.tr("stopped")}

    def _redraw(self, failed: bool = False) -> None:
        for stage in self._plan:
            state = self.state_of(stage)
            if failed and state == "active":
                state = "failed"
            label = self._rows[stage]
            label.setText(f"{STAGE_SYMBOLS[state]}  {stage_label(stage)}")
            font = label.font()
            font.setBold(state in ("active", "failed"))
            label.setFont(font)
            label.setEnabled(state != "pending")
            label.setAccessibleName(f"{stage_label(stage)}: {self._state_words()[state]}")


class RateMeter:
    """Speed and time left of a byte stage, from where the stage started (a resumed download starts midway)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stage = ""
        self._start_time = 0.0
        self._start_done = 0

    def detail(self, stage: str, done: int, total: int) -> str:
        now = self._clock()
        if stage != self._stage:
            self._stage, self._start_time, self._start_done = stage, now, done
        if total <= 0:
            return format_bytes(done) if stage in BYTE_STAGES and done else ""
        if stage not in BYTE_STAGES:
            return f"{min(100, done * 100 // total)} %"
        text = translate("SetupWizard", "{done} of {total}").format(done=format_bytes(done), total=format_bytes(total))
        elapsed = now - self._start_time
        if stage == stages.DOWNLOAD and elapsed >= RATE_AFTER_S and done > self._start_done and done < total:
            rate = (done - self._start_done) / elapsed
            text += " · " + translate("SetupWizard", "{rate}/s").format(rate=format_bytes(rate))
            text += " · " + translate("SetupWizard", "{time} left").format(time=format_duration((total - done) / rate))
        return text


# ---------------------------------------------------------------------------------------------------------------------
# Pages


class _Page(QWizardPage):
    """A page with a vertical body and access to the assistant's shared state."""

    def __init__(self) -> None:
        super().__init__()
        self.body = QVBoxLayout(self)
        self.body.setSpacing(10)

    def assistant(self) -> SetupWizard:
        return cast(SetupWizard, self.wizard())


class WelcomePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Welcome to Cloakroom"))
        self.setSubTitle(self.tr("Keep private data out of chatbots, on this computer."))
        points = (
            (self.tr("Masks before you paste, restores after."), self.tr(
                "Cloakroom replaces private data in text you copy — names, contact details, ID and card numbers, "
                "passwords, one-time codes — with placeholders before you paste it into a web chatbot, and puts the "
                "real values back into the chatbot's answer.")),
            (self.tr("Two detectors."), self.tr(
                "Built-in rules, always on, catch what has a fixed shape: e-mail addresses, phone and card numbers, "
                "keys. A language model, MemPrivacy, also understands context: names, addresses, health details and "
                "secrets written in words.")),
            (self.tr("Nothing leaves this computer."), self.tr(
                "The model runs here. The only network access Cloakroom ever makes is a download you start in this "
                "assistant.")),
            (self.tr("A few minutes to an hour."), self.tr(
                "This assistant gets the model (1.3 to 2.5 GB) onto this computer, checks it and tries it. How long "
                "that takes depends on the source you choose.")),
        )
        for lead, text in points:
            self.body.addWidget(paragraph(f"<b>{_escape(lead)}</b>{sentence_gap(lead)}{_escape(text)}", rich=True))
        self.body.addStretch(1)
        self.skip_button = QPushButton()
        self.skip_button.clicked.connect(lambda: self.assistant().skip())
        skip_row = QHBoxLayout()
        skip_row.addWidget(self.skip_button)
        self.skip_hint = muted()
        skip_row.addWidget(self.skip_hint, 1)
        self.body.addLayout(skip_row)

    def initializePage(self) -> None:
        current = self.assistant().current_model_name()
        if current:
            self.skip_button.setText(self.tr("&Keep using {name}").format(name=current))
            self.skip_hint.setText(self.tr("Leaves the model as it is."))
        else:
            self.skip_button.setText(self.tr("&Skip — use rules only for now"))
            self.skip_hint.setText(self.tr("You can set the model up later in Settings → Model."))


class LicencePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("The MemPrivacy model and its licence"))
        self.setSubTitle(self.tr("What you are about to get, on what terms, and which size suits this computer."))
        catalog = load_catalog()
        model = catalog.default_model()
        self.body.addWidget(paragraph(self.tr(
            "MemPrivacy, by IAAR-Shanghai and MemTensor, is a language model trained to find private data at four "
            "levels, from identifiable details (PL2) to credentials and secrets (PL4), in English and Chinese. It "
            "comes in two sizes: 4B, the most accurate, and 1.7B for computers with less memory.")))
        self.body.addWidget(self._licence_box(model))
        self.hardware_box = QGroupBox(self.tr("This computer"))
        hardware_layout = QVBoxLayout(self.hardware_box)
        self.hardware_label = paragraph(self.tr("Checking memory, processor and graphics card…"))
        self.recommendation_label = paragraph("")
        self.recommendation_label.setTextFormat(Qt.TextFormat.RichText)
        self.warnings = Notice()
        hardware_layout.addWidget(self.hardware_label)
        hardware_layout.addWidget(self.recommendation_label)
        hardware_layout.addWidget(self._size_table(catalog.models))
        hardware_layout.addWidget(self.warnings)
        self.measure_button = QPushButton(self.tr("&Measure the speed on this computer"))
        self.measure_button.setToolTip(self.tr(
            "Runs stand-ins of each model size for about half a minute and recommends from the seconds they take, "
            "not from memory alone."))
        self.measure_button.clicked.connect(self.measure_speed)
        self.speed_label = paragraph("", rich=True)
        measure_row = QHBoxLayout()
        measure_row.addWidget(self.measure_button)
        measure_row.addStretch(1)
        hardware_layout.addLayout(measure_row)
        hardware_layout.addWidget(self.speed_label)
        self.body.addWidget(self.hardware_box)
        self.body.addStretch(1)

    def _licence_box(self, model: CatalogModel) -> QFrame:
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        licence = model.licence
        layout.addWidget(paragraph(self.tr("<b>Licence: CC BY-NC-ND 4.0</b> — {name} (<a href=\"{url}\">read it</a>)")
                                   .format(name=licence.name, url=licence.url), rich=True))
        layout.addWidget(paragraph(self.tr(
            "Cloakroom does not include the model and never uploads it. You obtain it yourself, onto this computer, "
            "for non-commercial use only, crediting its authors — and a file you download or convert here is for "
            "your own use: do not share it.")))
        return box

    def _size_table(self, models: tuple[CatalogModel, ...]) -> QLabel:
        rows = []
        for model in models:
            size = model.expected_gguf_size(model.recommended_quantization) or 0
            rows.append(self.tr("<b>{name}</b>: needs {ram:g} GB of RAM or more; about {size} at {quant}.").format(
                name=model.name, ram=model.min_ram_gb, size=format_bytes(size), quant=model.recommended_quantization))
        return paragraph("<br>".join(rows), rich=True)

    def initializePage(self) -> None:
        self.assistant().check_hardware(self.show_hardware)

    def show_hardware(self, hardware: HardwareInfo | None, advice: Recommendation | None) -> None:
        if hardware is None or advice is None:
            self.hardware_label.setText(self.tr("The hardware check failed; the 4B model is the default."))
            return
        self.hardware_label.setText(describe_hardware(hardware))
        where = self.tr("on the graphics card") if advice.use_gpu else self.tr("on the processor")
        size = advice.model.expected_gguf_size(advice.quantization) or 0
        self.recommendation_label.setText(self.tr(
            "Recommended here: <b>{model} at {quant}</b> (about {size}), running {where}. <i>Why: {reason}.</i>"
        ).format(model=advice.model.name, quant=advice.quantization, size=format_bytes(size), where=where,
                 reason=core_text(advice.reason)))
        if advice.warnings:
            self.warnings.show_message("warning", " ".join(core_text(warning) for warning in advice.warnings))

    def measure_speed(self) -> None:
        """Measure stand-ins in the background; the table and the recommendation replace the memory-only guess."""
        assistant = self.assistant()
        if assistant.hardware is None:
            return
        hardware = assistant.hardware
        use_gpu = hardware.gpu_offload_supported and bool(hardware.gpus)
        threads = assistant.settings.n_threads or hardware.free_physical_cores
        job = BackgroundJob(lambda progress, cancel: speed.measure_options(
            load_catalog(), hardware, n_threads=threads, use_gpu=use_gpu, quantizations=speed.MEASURED_QUANTIZATIONS,
            progress=progress, cancel=cancel))
        job.progress.connect(self._on_measure_progress)
        job.finished.connect(lambda options: self.show_speed(options, use_gpu))
        job.failed.connect(self._on_measure_failed)
        self.measure_button.setEnabled(False)
        self.measure_button.setText(self.tr("Measuring…"))
        assistant.track(job)
        job.start()

    def _on_measure_progress(self, _stage: str, done: int, total: int) -> None:
        self.measure_button.setText(self.tr("Measuring… {done} of {total}").format(done=done, total=total))

    def _on_measure_failed(self, message: str) -> None:
        self.measure_button.setEnabled(True)
        self.measure_button.setText(self.tr("&Measure the speed on this computer"))
        self.speed_label.setText(_escape(self.tr("The measurement failed: {reason}").format(reason=core_text(message))))

    def show_speed(self, options: list[speed.SpeedOption], use_gpu: bool) -> None:
        """The table, and the measured recommendation in place of the one from memory alone."""
        self.measure_button.setEnabled(True)
        self.measure_button.setText(self.tr("&Measure again"))
        self.speed_label.setText(speed_table_html(options))
        speed.save_estimates(options)
        advice = speed.recommend_from_speed(options, load_catalog())
        if advice is None:
            return
        option = advice.option
        self.assistant().recommendation = Recommendation(
            option.model, option.quantization, use_gpu, advice.reason, advice.warnings)
        self.recommendation_label.setText(self.tr(
            "Recommended from the measurement: <b>{model} at {quant}</b>, about {seconds:.0f} s for a short chat "
            "message. <i>Why: the most accurate option that fits in memory and stays within {target:.0f} s.</i>"
        ).format(model=option.model.name, quant=option.quantization, seconds=option.short_seconds,
                 target=speed.TARGET_SECONDS))
        if advice.warnings:
            self.recommendation_label.setText(self.tr(
                "Recommended from the measurement: <b>{model} at {quant}</b>, the fastest here."
            ).format(model=option.model.name, quant=option.quantization))
            self.warnings.show_message("warning", self.tr(
                "No option masks a short chat message within {target:.0f} s on this computer; the fastest takes about "
                "{seconds:.0f} s. The rules still mask at once; the model adds its findings when it is done."
            ).format(target=speed.TARGET_SECONDS, seconds=option.short_seconds))
        else:
            self.warnings.clear_message()


def speed_table_html(options: list[speed.SpeedOption]) -> str:
    """Seconds for a short chat message and a 2 KB e-mail, per size and quantization; options that do not fit greyed."""
    header = "".join(f"<th align='left'>{_escape(title)}&nbsp;&nbsp;</th>" for title in (
        translate("SetupWizard", "Model"), translate("SetupWizard", "Quantization"),
        translate("SetupWizard", "Short chat message"), translate("SetupWizard", "2 KB e-mail")))
    rows = []
    for option in options:
        cells = [option.model.name, option.quantization,
                 translate("SetupWizard", "about {seconds:.0f} s").format(seconds=option.short_seconds),
                 translate("SetupWizard", "about {seconds:.0f} s").format(seconds=option.email_seconds)]
        if not option.fits:
            cells[-1] += " · " + translate("SetupWizard", "does not fit in memory")
        style = "" if option.fits else " style='color: gray'"
        rows.append(f"<tr{style}>" + "".join(f"<td>{_escape(cell)}&nbsp;&nbsp;</td>" for cell in cells) + "</tr>")
    return f"<table cellspacing='2'><tr>{header}</tr>{''.join(rows)}</table>"


def describe_hardware(hardware: HardwareInfo) -> str:
    ram = format_bytes(hardware.total_ram_bytes) if hardware.total_ram_bytes else translate("SetupWizard", "unknown")
    cores = translate("SetupWizard", "{physical} processor cores").format(physical=hardware.physical_cores)
    if hardware.gpus and hardware.gpu_offload_supported:
        gpu = ", ".join(f"{gpu.name} ({format_bytes(gpu.total_bytes)})" for gpu in hardware.gpus)
    elif hardware.gpus:
        names = ", ".join(gpu.name for gpu in hardware.gpus)
        gpu = translate("SetupWizard", "{names}, which this llama.cpp cannot use").format(names=names)
    else:
        gpu = translate("SetupWizard", "none that llama.cpp can use")
    return translate("SetupWizard", "{ram} of RAM · {cores} · graphics card: {gpu}").format(
        ram=ram, cores=cores, gpu=gpu)


class SourcePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Where should the model come from?"))
        self.setSubTitle(self.tr("Each ends with the same checks: the file must be a GGUF model that llama.cpp loads."))
        self.group = QButtonGroup(self)
        self.buttons: dict[Source, QRadioButton] = {}
        self._add_choice(Source.FILE, self.tr("&A GGUF file I already have"), self.tr(
            "Choose a .gguf file on this computer, for example one you converted before."))
        self._add_choice(Source.DOWNLOAD, self.tr("&Download a GGUF from Hugging Face"), self.tr(
            "Name a repository and file you trust. The download resumes after an interruption and is verified."))
        self._add_choice(Source.CONVERT, self.tr("&Convert the official weights on this computer"), self.tr(
            "Downloads the authors' weights (about 8 GB for 4B), converts and quantizes them here, then deletes "
            "what is no longer needed. The way to get MemPrivacy itself: its authors publish no GGUF."))
        self.body.addStretch(1)
        self.group.buttonToggled.connect(lambda *_: self.completeChanged.emit())

    def _add_choice(self, source: Source, text: str, explanation: str) -> None:
        button = QRadioButton(text)
        self.group.addButton(button)
        self.buttons[source] = button
        hint = muted(explanation)
        hint.setContentsMargins(24, 0, 0, 6)
        self.body.addWidget(button)
        self.body.addWidget(hint)

    def initializePage(self) -> None:
        if self.group.checkedButton() is None:
            self.buttons[Source.CONVERT].setChecked(True)

    def isComplete(self) -> bool:
        return self.group.checkedButton() is not None

    def source(self) -> Source | None:
        return next((source for source, button in self.buttons.items() if button.isChecked()), None)


class FilePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Choose a GGUF file"))
        self.setSubTitle(self.tr("Cloakroom reads its header and loads it once with llama.cpp before using it."))
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Path to a .gguf file"))
        self.path_edit.textChanged.connect(self._forget_check)
        self.path_edit.returnPressed.connect(self.check_path)
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.body.addLayout(row)
        self.known_files = QComboBox()
        self.known_files.activated.connect(self._pick_known)
        self.known_row = QWidget()
        known_layout = QHBoxLayout(self.known_row)
        known_layout.setContentsMargins(0, 0, 0, 0)
        known_layout.addWidget(QLabel(self.tr("Or one already in Cloakroom's models folder:")))
        known_layout.addWidget(self.known_files, 1)
        self.body.addWidget(self.known_row)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()
        self.status = Notice()
        self.warnings = Notice()
        self.metadata = _two_column_table()
        self.metadata.hide()
        for widget in (self.busy, self.status, self.warnings, self.metadata):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self._job: BackgroundJob | None = None
        self._checked: ObtainedModel | None = None

    def initializePage(self) -> None:
        files = local_model_files()
        self.known_files.clear()
        self.known_files.addItem(self.tr("Choose…"), "")
        for path in files:
            self.known_files.addItem(path.name, str(path))
        self.known_row.setVisible(bool(files))

    def isComplete(self) -> bool:
        return self._checked is not None and not self.checking

    def validatePage(self) -> bool:
        self.assistant().obtained = self._checked
        return self._checked is not None

    @property
    def checking(self) -> bool:
        return self._job is not None and self._job.is_running()

    @property
    def checked(self) -> ObtainedModel | None:
        return self._checked

    def _browse(self) -> None:
        start = models_folder() if models_folder().is_dir() else Path.home()
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a GGUF model"), str(start), self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.choose(path)

    def _pick_known(self, index: int) -> None:
        path = self.known_files.itemData(index)
        if path:
            self.choose(path)

    def choose(self, path: str) -> None:
        self.path_edit.setText(path)
        self.check_path()

    def _forget_check(self) -> None:
        if self._checked is not None and str(self._checked.path) != self.path_edit.text().strip():
            self._checked = None
            self.completeChanged.emit()

    def check_path(self) -> None:
        """Validate the file in the background: header, content, and a real load with llama.cpp."""
        text = self.path_edit.text().strip()
        if not text:
            return
        if self._job is not None:
            self._job.cancel()  # its answer is for another path; ignored when it comes
        path = Path(text).expanduser()
        self._checked = None
        self._show_checking()
        job = BackgroundJob(lambda _progress, _cancel: (path, validate_model_file(path, load=True)))
        job.finished.connect(self._on_checked)
        job.failed.connect(self._on_failed)
        job.ended.connect(self.completeChanged)
        self._job = job
        self.assistant().track(job)
        job.start()
        self.completeChanged.emit()

    def _show_checking(self) -> None:
        self.busy.show()
        self.status.show_message("info", self.tr("Checking the file: reading its header and loading it once…"))
        self.warnings.clear_message()
        self.metadata.hide()

    def _answer_is_current(self) -> bool:
        """Whether the job reporting is the latest check (an earlier one, for another path, may answer late)."""
        return self.sender() is self._job

    def _on_checked(self, outcome: tuple[Path, ModelCheck]) -> None:
        if not self._answer_is_current():
            return
        path, check = outcome
        self.busy.hide()
        self._checked = ObtainedModel(path.resolve(), check)
        self.status.show_message("success", "✓ " + self.tr("llama.cpp loads this model: it can be used."))
        if check.warnings:
            self.warnings.show_message("warning", " ".join(check.warnings))
        fill_metadata(self.metadata, check)

    def _on_failed(self, message: str) -> None:
        if not self._answer_is_current():
            return
        self.busy.hide()
        self.status.show_message("error", join_sentences(message, self.tr("Choose another file.")))


def _two_column_table() -> QTableWidget:
    table = QTableWidget(0, 2)
    table.horizontalHeader().setVisible(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    return table


def metadata_label(name: str) -> str:
    """The core's English row names (`GgufInfo.summary_rows`), translated."""
    labels = {
        "Size": translate("SetupWizard", "Size"),
        "Architecture": translate("SetupWizard", "Architecture"),
        "Name": translate("SetupWizard", "Name"),
        "Quantization": translate("SetupWizard", "Quantization"),
        "Parameters": translate("SetupWizard", "Parameters"),
        "Layers": translate("SetupWizard", "Layers"),
        "Embedding length": translate("SetupWizard", "Embedding length"),
        "Attention heads": translate("SetupWizard", "Attention heads"),
        "Context length": translate("SetupWizard", "Context length"),
        "Vocabulary": translate("SetupWizard", "Vocabulary"),
        "Chat template": translate("SetupWizard", "Chat template"),
        "GGUF version": translate("SetupWizard", "GGUF version"),
        "Tensors": translate("SetupWizard", "Tensors"),
    }
    return labels.get(name, name)


def fill_metadata(table: QTableWidget, check: ModelCheck) -> None:
    rows = [row for row in check.info.summary_rows() if row[0] != "File"]
    table.setRowCount(len(rows))
    for index, (name, value) in enumerate(rows):
        table.setItem(index, 0, QTableWidgetItem(metadata_label(name)))
        table.setItem(index, 1, QTableWidgetItem(value))
    table.resizeRowsToContents()
    height = sum(table.rowHeight(index) for index in range(len(rows))) + 2 * table.frameWidth()
    table.setFixedHeight(min(height, 260))
    table.show()


class DownloadPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Download a GGUF from Hugging Face"))
        self.setSubTitle(self.tr("Name the repository and the file; Cloakroom checks it before using it."))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Download"))
        form = QFormLayout()
        self.repo = QLineEdit()
        self.repo.setPlaceholderText(self.tr("owner/name, e.g. my-org/MemPrivacy-4B-RL-GGUF"))
        self.filename = QLineEdit()
        self.filename.setPlaceholderText(self.tr("file name, e.g. MemPrivacy-4B-RL-Q4_K_M.gguf"))
        self.revision = QLineEdit("main")
        self.sha256 = QLineEdit()
        self.sha256.setPlaceholderText(self.tr("optional: 64 hex digits, checked besides what the repository says"))
        form.addRow(self.tr("&Repository:"), self.repo)
        form.addRow(self.tr("&File:"), self.filename)
        form.addRow(self.tr("Re&vision:"), self.revision)
        form.addRow(self.tr("&SHA-256:"), self.sha256)
        self.body.addLayout(form)
        for edit in (self.repo, self.filename, self.revision, self.sha256):
            edit.textChanged.connect(self.completeChanged)
        caution = Notice()
        caution.show_message("info", self.tr(
            "The authors publish no GGUF of MemPrivacy, and its licence forbids sharing one. Use this for a file "
            "you may download, such as your organisation's own conversion."))
        self.body.addWidget(caution)
        self.space = muted()
        self.body.addWidget(self.space)
        self.body.addStretch(1)

    def initializePage(self) -> None:
        folder = models_folder()
        self.space.setText(self.tr(
            "The file goes to {folder} ({free} free). Cloakroom checks the free space first, resumes an interrupted "
            "download, verifies the checksum the repository publishes, and loads the file once before using it."
        ).format(folder=folder, free=format_bytes(free_bytes(folder))))

    def isComplete(self) -> bool:
        sha = self.sha256.text().strip()
        return (
            bool(REPO_PATTERN.match(self.repo.text().strip()))
            and self.filename.text().strip().lower().endswith(".gguf")
            and bool(self.revision.text().strip())
            and (not sha or bool(SHA256_PATTERN.match(sha)))
        )

    def request(self) -> DownloadRequest:
        return DownloadRequest(
            repo=self.repo.text().strip(),
            filename=self.filename.text().strip(),
            revision=self.revision.text().strip() or "main",
            sha256=self.sha256.text().strip().lower() or None,
        )


@dataclass(frozen=True)
class DownloadRequest:
    repo: str
    filename: str
    revision: str
    sha256: str | None

    def partial_file(self) -> Path:
        return partial_path(models_folder() / PurePosixPath(self.filename).name)


@dataclass(frozen=True)
class ConversionRequest:
    model: CatalogModel
    quantization: str
    keep_download: bool = False


class ConvertPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Convert the official weights"))
        self.setSubTitle(self.tr("Choose the size and the quantization; everything happens on this computer."))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Convert"))
        self._models = load_catalog().models
        self.size_group = QButtonGroup(self)
        self.size_buttons: dict[str, QRadioButton] = {}
        sizes = QGroupBox(self.tr("Model"))
        sizes_layout = QVBoxLayout(sizes)
        for model in self._models:
            button = QRadioButton()
            self.size_group.addButton(button)
            self.size_buttons[model.size] = button
            sizes_layout.addWidget(button)
        self.body.addWidget(sizes)
        self.quantization = QComboBox()
        for name in QUANTIZATIONS:
            self.quantization.addItem(f"{name} — {quantization_description(name)}", name)
        form = QFormLayout()
        form.addRow(self.tr("&Quantization:"), self.quantization)
        self.body.addLayout(form)
        self.delete_download = QCheckBox(self.tr("&Delete the downloaded weights when done"))
        self.delete_download.setChecked(True)
        self.delete_download.setToolTip(self.tr(
            "They are only needed to convert again, for example to another quantization. Keeping them saves the "
            "download next time."))
        self.body.addWidget(self.delete_download)
        self.summary = paragraph("")
        self.body.addWidget(self.summary)
        self.body.addStretch(1)
        self.delete_download.toggled.connect(lambda *_: self._update_summary())
        self.size_group.buttonToggled.connect(lambda *_: self._update_summary())
        self.quantization.currentIndexChanged.connect(lambda *_: self._update_summary())

    def initializePage(self) -> None:
        advice = self.assistant().recommendation
        recommended = advice.model.size if advice else load_catalog().default_model().size
        for model in self._models:
            label = self.tr("{name} — needs {ram:g} GB of RAM or more").format(name=model.name, ram=model.min_ram_gb)
            if model.size == recommended:
                label += "  " + self.tr("(recommended for this computer)")
            self.size_buttons[model.size].setText(label)
        self.size_buttons[recommended].setChecked(True)
        quantization = advice.quantization if advice else DEFAULT_QUANTIZATION
        self.quantization.setCurrentIndex(max(0, self.quantization.findData(quantization)))
        self._update_summary()

    def request(self) -> ConversionRequest:
        size = next(size for size, button in self.size_buttons.items() if button.isChecked())
        model = next(model for model in self._models if model.size == size)
        return ConversionRequest(model, self.quantization.currentData(), not self.delete_download.isChecked())

    def _update_summary(self) -> None:
        if self.size_group.checkedButton() is None:
            return
        request = self.request()
        model, quantization = request.model, request.quantization
        result = model.expected_gguf_size(quantization) or estimated_size(
            model.parameters, QUANTIZATIONS[quantization])
        intermediate = 0 if quantization in UNQUANTIZED else (model.expected_gguf_size("BF16") or model.weights_bytes)
        folder = models_folder()
        text = self.tr(
            "Cloakroom downloads the official weights of {repo} (about {weights}), converts them to GGUF here "
            "(about {intermediate} of temporary space), quantizes them to {quant} (about {result}) and checks that "
            "the result loads, with Cloakroom's own converter (nothing else to install). It needs about {total} of "
            "free space; {free} are free. Expect it to take a while: tens of minutes on a laptop."
        ).format(repo=model.repo, weights=format_bytes(model.weights_bytes), intermediate=format_bytes(intermediate),
                 quant=quantization, result=format_bytes(result),
                 total=format_bytes(model.weights_bytes + intermediate + result), free=format_bytes(free_bytes(folder)))
        if request.keep_download:
            text = join_sentences(text, self.tr("The downloaded weights stay in the cache folder afterwards."))
        else:
            text = join_sentences(text, self.tr("The weights and intermediate files are deleted afterwards."))
        self.summary.setText(text)


class ProgressPage(_Page):
    """Runs the download or the conversion: stages, a bar with bytes and time left, Stop, and what went wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Getting the model"))
        self.setSubTitle("")
        self.stage_list = StageList()
        self.body.addWidget(self.stage_list)
        self.body.addSpacing(8)
        self.stage_title = QLabel()
        font = self.stage_title.font()
        font.setBold(True)
        self.stage_title.setFont(font)
        self.bar = QProgressBar()
        self.bar.setRange(0, PERMILLE)
        self.bar.setTextVisible(False)
        self.detail = muted()
        self.stop_button = QPushButton(self.tr("&Stop"))
        self.stop_button.clicked.connect(self.stop)
        bar_row = QHBoxLayout()
        bar_row.addWidget(self.bar, 1)
        bar_row.addWidget(self.stop_button)
        self.body.addWidget(self.stage_title)
        self.body.addLayout(bar_row)
        self.body.addWidget(self.detail)
        self.message = Notice()
        self.body.addWidget(self.message)
        self.retry_button = QPushButton(self.tr("&Try again"))
        self.retry_button.clicked.connect(self.start)
        self.retry_button.hide()
        retry_row = QHBoxLayout()
        retry_row.addWidget(self.retry_button)
        retry_row.addStretch(1)
        self.body.addLayout(retry_row)
        self.body.addStretch(1)
        self.keep_partial = QCheckBox()
        self.body.addWidget(self.keep_partial)
        self._job: BackgroundJob | None = None
        self._meter = RateMeter()
        self._source = Source.DOWNLOAD
        self._download: DownloadRequest | None = None
        self._conversion: ConversionRequest | None = None

    # --- life cycle -------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        assistant = self.assistant()
        self._source = assistant.source() or Source.DOWNLOAD
        self._download = assistant.download_page.request() if self._source is Source.DOWNLOAD else None
        self._conversion = assistant.convert_page.request() if self._source is Source.CONVERT else None
        if self._download is not None:
            self.setTitle(self.tr("Downloading the model"))
            self.setSubTitle(self.tr("{file} from {repo}. You can use the computer meanwhile.").format(
                file=PurePosixPath(self._download.filename).name, repo=self._download.repo))
            self.keep_partial.setText(self.tr("Keep an unfinished download, so the next try resumes where it stopped"))
        elif self._conversion is not None:
            self.setTitle(self.tr("Converting the official weights"))
            self.setSubTitle(self.tr("{model} at {quant}, on this computer. You can use it meanwhile.").format(
                model=self._conversion.model.name, quant=self._conversion.quantization))
            self.keep_partial.setText(self.tr("Keep the downloaded weights after a stop or failure, so the next try "
                                              "resumes instead of downloading them again"))
        self.start()

    def cleanupPage(self) -> None:
        """Back to the details (only possible when nothing runs): tidy up what this attempt left."""
        self.discard_unfinished()
        self.assistant().obtained = None

    def isComplete(self) -> bool:
        return self.assistant().obtained is not None and not self.running

    @property
    def running(self) -> bool:
        return self._job is not None and self._job.is_running()

    # --- the job ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        self.assistant().obtained = None
        self.message.clear_message()
        self.retry_button.hide()
        self.keep_partial.show()
        self.stop_button.setEnabled(True)
        self.stop_button.show()
        self._meter = RateMeter()
        self.stage_list.set_plan(self._plan())
        self._set_stage(self._plan()[0], 0, 0)
        job = BackgroundJob(self._job_function())
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.ended.connect(self._on_ended)
        self._job = job
        self.assistant().track(job)
        self._lock_back(True)
        job.start()

    def stop(self) -> None:
        if self.running:
            self._job.cancel()  # type: ignore[union-attr]
            self.stop_button.setEnabled(False)
            self.stage_title.setText(self.tr("Stopping…"))

    def _plan(self) -> list[str]:
        if self._source is Source.DOWNLOAD:
            return [stages.DOWNLOAD, stages.VERIFY, stages.LOAD]
        plan = [stages.CHECK, stages.DOWNLOAD, stages.CONVERT]
        if self._conversion is not None and self._conversion.quantization not in UNQUANTIZED:
            plan.append(stages.QUANTIZE)
        return plan + [stages.LOAD, stages.CLEANUP]

    def _job_function(self) -> Callable[[Any, Any], Any]:
        if self._download is not None:
            request = self._download
            return lambda progress, cancel: download_gguf(
                request.repo, request.filename, revision=request.revision, expected_sha256=request.sha256,
                progress=progress, cancel=cancel)
        conversion_request = cast(ConversionRequest, self._conversion)
        threads = self.assistant().settings.n_threads or 0
        return lambda progress, cancel: conversion.convert_official_model(
            conversion_request.model, conversion_request.quantization, n_threads=threads,
            keep_download=conversion_request.keep_download, progress=progress, cancel=cancel)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self.running and self._job is not None and self._job.cancel_requested:
            return  # keep showing "Stopping…"
        self._set_stage(stage, done, total)

    def _set_stage(self, stage: str, done: int, total: int) -> None:
        self.stage_list.advance_to(stage)
        self.stage_title.setText(stage_label(stage) + "…")
        if total > 0 and (stage in BYTE_STAGES or total > 1):
            self.bar.setRange(0, PERMILLE)
            self.bar.setValue(min(PERMILLE, done * PERMILLE // total))
        else:
            self.bar.setRange(0, 0)  # a step of unknown length: the bar shows activity
        self.detail.setText(self._meter.detail(stage, done, total))

    def _on_finished(self, result: Any) -> None:
        self.assistant().obtained = ObtainedModel(Path(result.path).resolve(), result.check)
        self.stage_list.complete()
        self.bar.setRange(0, PERMILLE)
        self.bar.setValue(PERMILLE)
        info = result.check.info
        self.stage_title.setText(self.tr("Done"))
        self.detail.setText("")
        text = self.tr("The model is ready: {name} ({size}, {arch}, {quant}).").format(
            name=Path(result.path).name, size=format_bytes(info.file_size), arch=info.architecture,
            quant=info.quantization)
        if result.check.warnings:
            self.message.show_message("warning", join_sentences(text, *result.check.warnings))
        else:
            self.message.show_message("success", "✓ " + text)
        self.stop_button.hide()
        self.keep_partial.hide()

    def _on_failed(self, message: str) -> None:
        self.stage_list.fail()
        self.stage_title.setText(self.tr("Stopped by an error"))
        self.bar.setRange(0, PERMILLE)
        self.message.show_message("error", join_sentences(message, self.tr(
            "Try again, or go Back to change the details.")))
        self.retry_button.show()
        self.stop_button.hide()

    def _on_cancelled(self) -> None:
        self.discard_unfinished()
        self.stage_list.fail()
        self.stage_title.setText(self.tr("Stopped"))
        self.bar.setRange(0, PERMILLE)
        self.bar.setValue(0)
        self.detail.setText("")
        kept = self.tr(" What was downloaded is kept for the next try.") if self.keep_partial.isChecked() else ""
        self.message.show_message("info", self.tr("Stopped; nothing unfinished was left in the models folder.") + kept)
        self.retry_button.show()
        self.stop_button.hide()

    def _on_ended(self) -> None:
        self._lock_back(self.assistant().obtained is not None)
        self.completeChanged.emit()

    def _lock_back(self, locked: bool) -> None:
        """No Back while the job runs (the details must not change under it) nor after it succeeded.

        QWizard disables Back on the page after a commit page, so the details page becomes one for that time.
        """
        details = Page.DOWNLOAD if self._source is Source.DOWNLOAD else Page.CONVERT
        self.assistant().page(details).setCommitPage(locked)
        self.completeChanged.emit()

    def discard_unfinished(self) -> None:
        """Delete what an unfinished attempt left, unless the person chose to keep it for resuming."""
        if self.running or self.keep_partial.isChecked():
            return
        if self._download is not None:
            discard_partial(self._download.partial_file())
        elif self._conversion is not None and self.assistant().obtained is None:
            conversion.remove_conversion_cache()


class TestPage(_Page):
    """Runs a detection on a made-up sample with the new model and shows what it found."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Try the model"))
        self.setSubTitle(self.tr("Cloakroom loads the model and looks for private data in a made-up sample."))
        self.sample = QPlainTextEdit()
        self.sample.setReadOnly(True)
        self.sample.setMaximumHeight(64)
        self.sample.setAccessibleName(self.tr("Sample text"))
        self.body.addWidget(QLabel(self.tr("Sample (made up):")))
        self.body.addWidget(self.sample)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.rerun_button = QPushButton(self.tr("Test &again"))
        self.rerun_button.clicked.connect(self.run_test)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.rerun_button)
        self.body.addLayout(status_row)
        self.body.addWidget(self.busy)
        self.findings = QTableWidget(0, 3)
        self.findings.setHorizontalHeaderLabels([self.tr("Found text"), self.tr("Type"), self.tr("Level")])
        self.findings.verticalHeader().setVisible(False)
        self.findings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.findings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings.setMinimumHeight(120)
        self.findings.verticalHeader().setDefaultSectionSize(self.findings.fontMetrics().height() + 10)
        self.findings.setAlternatingRowColors(True)
        self.body.addWidget(self.findings, 1)
        self.facts = muted()
        self.body.addWidget(self.facts)
        self.advice = Notice()
        self.body.addWidget(self.advice)
        self.body.addWidget(self._prompt_box())
        self._job: BackgroundJob | None = None
        self._prompt_job: BackgroundJob | None = None
        self.outcome = ""  # "found", "nothing", "failed", "stopped" — what the page shows

    def _prompt_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("The authors' prompt"))
        layout = QHBoxLayout(box)
        text = paragraph(self.tr(
            "MemPrivacy was trained with its authors' prompt and finds the most with it; Cloakroom uses it whenever it "
            "is installed. It is licensed CC BY-NC-ND 4.0 too, so it is not included: for a MemPrivacy model "
            "Cloakroom fetches it from the authors' GitHub repository (two files, 25 kB) and keeps it only if it is "
            "exactly the published file. Without it the model is asked in Cloakroom's own words."))
        self.prompt_button = QPushButton(self.tr("&Fetch the official prompt"))
        self.prompt_button.clicked.connect(lambda: self.fetch_prompt())
        self.prompt_status = Notice()
        column = QVBoxLayout()
        column.addWidget(text)
        column.addWidget(self.prompt_status)
        layout.addLayout(column, 1)
        layout.addWidget(self.prompt_button, 0, Qt.AlignmentFlag.AlignTop)
        return box

    # --- life cycle -------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        """Fetch the official prompt first for a MemPrivacy model (the test then runs as the app will), then test."""
        self.sample.setPlainText(sample_text())
        obtained = self.assistant().obtained
        if not official_prompt.missing_official_prompts():
            self.prompt_status.show_message("success", self.tr("The official prompt is installed and verified."))
            self.prompt_button.setEnabled(False)
        elif obtained is not None and obtained.check.info.names_memprivacy:
            self.fetch_prompt(then_test=True)
            return
        self.run_test()

    def validatePage(self) -> bool:
        """Next while the test runs: stop it; the model passed its checks already, the test is only a demonstration."""
        if self.testing:
            self._job.cancel()  # type: ignore[union-attr]
        return True

    def cleanupPage(self) -> None:
        if self.testing:
            self._job.cancel()  # type: ignore[union-attr]

    def isComplete(self) -> bool:
        return not (self._prompt_job is not None and self._prompt_job.is_running())

    @property
    def testing(self) -> bool:
        return self._job is not None and self._job.is_running()

    # --- the test ---------------------------------------------------------------------------------------------

    def run_test(self) -> None:
        obtained = self.assistant().obtained
        if obtained is None or self.testing:
            return
        self.outcome = ""
        self.findings.setRowCount(0)
        self.facts.setText("")
        self.advice.clear_message()
        self.busy.show()
        self.rerun_button.setEnabled(False)
        self.status.setText(self.tr("Loading the model…"))
        assistant = self.assistant()
        settings = dataclasses.replace(assistant.settings, model_path=str(obtained.path))
        job = trial_job(settings, obtained.path, assistant.trial_loader)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_result)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.ended.connect(self._on_ended)
        self._job = job
        assistant.track(job)
        job.start()

    def _on_progress(self, stage: str, _done: int, _total: int) -> None:
        if stage == TRIAL_DETECT:
            self.status.setText(self.tr("Looking for private data in the sample…"))

    def _on_result(self, result: TrialResult) -> None:
        findings = sorted(result.findings, key=lambda finding: finding.start)
        self._fill_findings(findings)
        if result.error:
            self.status.setText(self.tr("The model loaded, but the test did not succeed."))
            self.advice.show_message("error", join_sentences(result.error, self._not_a_detector_hint()))
        elif findings:
            self.status.setText(self.tr("The model found %n item(s) in the sample.", "", len(findings)))
        else:
            self.status.setText(self.tr("The model found nothing in the sample."))
            self.advice.show_message("warning", self._not_a_detector_hint())
        self.facts.setText(self.tr("Ran on {device} · {memory} · loaded and answered in {seconds:.1f} s").format(
            device=describe_device(result.device), memory=describe_memory(result.memory),
            seconds=result.load_seconds + result.detect_seconds) + (f"\n{result.notice}" if result.notice else ""))
        self.outcome = "failed" if result.error else "found" if findings else "nothing"

    def _fill_findings(self, findings: list[Finding]) -> None:
        """A row per finding: text, type, level. The sample is made up, so showing its values leaks nothing."""
        self.findings.setRowCount(len(findings))
        for row, finding in enumerate(findings):
            for column, value in enumerate((finding.text, type_display(finding.type), finding.level.label)):
                self.findings.setItem(row, column, QTableWidgetItem(value))
        self._size_findings_columns()

    def _size_findings_columns(self) -> None:
        self.findings.resizeColumnsToContents()
        for column, least in ((1, 170), (2, 70)):
            self.findings.setColumnWidth(column, max(least, self.findings.columnWidth(column) + 16))

    def _on_failed(self, message: str) -> None:
        self.outcome = "failed"
        self.status.setText(self.tr("The test did not succeed."))
        self.advice.show_message("error", join_sentences(message, self._not_a_detector_hint()))

    def _on_cancelled(self) -> None:
        self.outcome = "stopped"
        self.status.setText(self.tr("Test stopped."))

    def _on_ended(self) -> None:
        self.busy.hide()
        self.rerun_button.setEnabled(True)

    def _not_a_detector_hint(self) -> str:
        return self.tr(
            "A MemPrivacy model finds the name, the e-mail address, the phone number, the code and the password "
            "here. If this one does not, it may not be a privacy-detection model. You can still use it (the rules "
            "always run as well), or go Back and choose another.")

    # --- the official prompt ----------------------------------------------------------------------------------

    def fetch_prompt(self, then_test: bool = False) -> None:
        self.prompt_button.setEnabled(False)
        self.prompt_status.show_message("info", self.tr("Fetching the official prompt…"))
        job = BackgroundJob(lambda progress, cancel: official_prompt.fetch_missing_official_prompts(
            progress=progress, cancel=cancel))
        job.finished.connect(self._on_prompt_stored)
        job.failed.connect(self._on_prompt_failed)
        job.ended.connect(self.completeChanged)
        if then_test:
            job.ended.connect(self.run_test)
        self._prompt_job = job
        self.assistant().track(job)
        job.start()
        self.completeChanged.emit()

    def _on_prompt_stored(self, _paths: object) -> None:
        self.prompt_status.show_message("success", self.tr(
            "The official prompt is installed and verified: the model is asked with it from now on."))

    def _on_prompt_failed(self, message: str) -> None:
        self.prompt_status.show_message("error", self.tr(
            "%1 Until it is fetched, the model is asked in Cloakroom's own words and may find less.").replace(
            "%1", message))
        self.prompt_button.setEnabled(True)


class DonePage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("All set"))
        self.setSubTitle("")
        self.summary = paragraph("", rich=True)
        self.body.addWidget(self.summary)
        self.body.addStretch(1)

    def initializePage(self) -> None:
        assistant = self.assistant()
        hotkeys = assistant.settings.hotkeys
        usage = self.tr(
            "Copy text and press <b>{mask}</b> to mask it, or <b>{review}</b> to review it first. Copy the "
            "chatbot's answer and press <b>{unmask}</b> to put the real values back."
        ).format(mask=hotkeys.get("mask", ""), review=hotkeys.get("review", ""), unmask=hotkeys.get("unmask", ""))
        if assistant.obtained is not None and not assistant.skipped:
            self.setTitle(self.tr("Cloakroom is ready"))
            self.setSubTitle(self.tr("The model is set up and runs on this computer only."))
            self.summary.setText(self._model_text(assistant.obtained) + "<br><br>" + usage)
        elif assistant.current_model_name():
            self.setTitle(self.tr("Nothing changed"))
            self.setSubTitle(self.tr("Cloakroom keeps using the model it had."))
            self.summary.setText(usage)
        else:
            self.setTitle(self.tr("Rules only, for now"))
            self.setSubTitle(self.tr("You can add the model whenever you like."))
            self.summary.setText(self.tr(
                "Cloakroom will mask what its rules recognise: e-mail addresses, phone, card and account numbers, "
                "ID numbers, keys, passwords and codes with a known shape. Names and details written in words need "
                "the model: set it up later in <b>Settings → Model → Set up a model…</b>") + "<br><br>" + usage)

    def cleanupPage(self) -> None:
        self.assistant().skipped = False

    def _model_text(self, obtained: ObtainedModel) -> str:
        info = obtained.check.info
        return self.tr(
            "Cloakroom will use <b>{name}</b> ({size}, {arch}, {quant}) from {folder}. The rules detector runs as "
            "well. The model loads when Cloakroom starts; you can change it in Settings → Model."
        ).format(name=_escape(obtained.path.name), size=format_bytes(info.file_size), arch=_escape(info.architecture),
                 quant=info.quantization, folder=_escape(str(obtained.path.parent)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------------------------------
# The assistant


class SetupWizard(QWizard):
    """The first-run assistant; ``exec()`` it, and if accepted save and apply `result_settings()`.

    ``trial_loader`` builds the detector for the test run (tests pass one that keeps a random-weight model short).
    """

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        trial_loader: TrialLoader = default_trial_loader,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.trial_loader = trial_loader
        self.obtained: ObtainedModel | None = None
        self.skipped = False
        self.hardware: HardwareInfo | None = None
        self.recommendation: Recommendation | None = None
        self._hardware_job: BackgroundJob | None = None
        self._hardware_listeners: list[Callable[[HardwareInfo | None, Recommendation | None], None]] = []
        self._jobs: set[BackgroundJob] = set()
        self._closing = False
        self._add_pages()
        self.setWindowTitle(self.tr("Set up Cloakroom"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self._set_logo()
        self.setMinimumSize(780, 640)

    def _add_pages(self) -> None:
        self.welcome_page = WelcomePage()
        self.licence_page = LicencePage()
        self.source_page = SourcePage()
        self.file_page = FilePage()
        self.download_page = DownloadPage()
        self.convert_page = ConvertPage()
        self.progress_page = ProgressPage()
        self.test_page = TestPage()
        self.done_page = DonePage()
        pages = (self.welcome_page, self.licence_page, self.source_page, self.file_page, self.download_page,
                 self.convert_page, self.progress_page, self.test_page, self.done_page)
        for page_id, page in zip(Page, pages, strict=True):
            self.setPage(page_id, page)
        self.setStartId(Page.WELCOME)

    def _set_logo(self) -> None:
        from app.ui.icons import app_icon  # the icon module pulls in the worker: import it only here

        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))

    # --- navigation -------------------------------------------------------------------------------------------

    def nextId(self) -> int:
        current = self.currentId()
        if current == Page.WELCOME:
            return Page.DONE if self.skipped else Page.LICENCE
        if current == Page.SOURCE:
            return {Source.FILE: Page.FILE, Source.DOWNLOAD: Page.DOWNLOAD,
                    Source.CONVERT: Page.CONVERT}.get(self.source(), Page.FILE)  # type: ignore[arg-type]
        if current in (Page.DOWNLOAD, Page.CONVERT):
            return Page.PROGRESS
        if current in (Page.FILE, Page.PROGRESS):
            return Page.TEST
        if current == Page.TEST:
            return Page.DONE
        if current == Page.DONE:
            return -1
        return current + 1

    def source(self) -> Source | None:
        return self.source_page.source()

    def skip(self) -> None:
        """Go straight to the end: rules only (or the model already set), and do not ask again at every start."""
        self.skipped = True
        self.next()

    def current_model_name(self) -> str | None:
        return Path(self.settings.model_path).name if self.settings.model_path else None

    # --- the result -------------------------------------------------------------------------------------------

    def result_settings(self) -> Settings:
        """The settings to save: the checked model (if one was obtained and not skipped), first run done."""
        if self.obtained is not None and not self.skipped:
            return dataclasses.replace(
                self.settings, model_path=str(self.obtained.path), use_model=True, first_run_done=True)
        return dataclasses.replace(self.settings, first_run_done=True)

    # --- background jobs --------------------------------------------------------------------------------------

    def track(self, job: BackgroundJob) -> None:
        """Remember a running job, so closing the assistant can stop it and wait for it to wind down."""
        self._jobs.add(job)
        job.ended.connect(self._on_job_ended)

    def running_jobs(self) -> list[BackgroundJob]:
        return [job for job in self._jobs if job.is_running()]

    def _on_job_ended(self) -> None:
        self._jobs = {job for job in self._jobs if job.is_running()}
        if self._closing and not self._jobs:
            self._closing = False
            self.reject()

    def check_hardware(self, listener: Callable[[HardwareInfo | None, Recommendation | None], None]) -> None:
        """Detect the hardware once (it samples the processor for a moment), then tell ``listener``."""
        if self.hardware is not None:
            listener(self.hardware, self.recommendation)
            return
        self._hardware_listeners.append(listener)
        if self._hardware_job is not None:
            return

        def detect(_progress: Any, _cancel: Any) -> tuple[HardwareInfo, Recommendation]:
            hardware = detect_hardware()
            return hardware, recommend(hardware, load_catalog())

        job = BackgroundJob(detect)
        job.finished.connect(self._on_hardware)
        job.failed.connect(self._tell_hardware_listeners)
        self._hardware_job = job
        self.track(job)
        job.start()

    def _on_hardware(self, result: tuple[HardwareInfo, Recommendation]) -> None:
        self.hardware, self.recommendation = result
        self._tell_hardware_listeners()

    def _tell_hardware_listeners(self, _failure: str = "") -> None:
        listeners, self._hardware_listeners = self._hardware_listeners, []
        for listener in listeners:
            listener(self.hardware, self.recommendation)

    # --- closing ----------------------------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel: stop what runs, wait for it to wind down (the window stays, saying so), tidy up, then close."""
        running = self.running_jobs()
        if running:
            self._closing = True
            for job in running:
                job.cancel()
            self._show_closing()
            return
        self.progress_page.discard_unfinished()
        super().reject()

    def _show_closing(self) -> None:
        for button in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                       QWizard.WizardButton.CancelButton, QWizard.WizardButton.FinishButton):
            self.button(button).setEnabled(False)
        self.setWindowTitle(self.tr("Set up Cloakroom — stopping…"))
