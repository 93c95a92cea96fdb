"""The pages where the person chooses: welcome, licence and hardware, source, file, download and conversion details,
and the last page. `AssistantPage` is the base of every page, with the assistant's shared state."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.core.model_files import speed
from app.core.model_files.catalog import CatalogModel, load_catalog
from app.core.model_files.download_checks import free_bytes
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.hardware import HardwareInfo, Recommendation
from app.core.model_files.library import ModelCheck, local_model_files, models_folder, validate_model_file
from app.core.model_files.partial_files import partial_path
from app.core.model_files.quantize import DEFAULT_QUANTIZATION, QUANTIZATIONS, UNQUANTIZED, estimated_size
from app.ui.background_job import BackgroundJob
from app.ui.setup.texts import describe_hardware, escape, quantization_description, speed_table_html
from app.ui.setup.widgets import Notice, fill_metadata, muted, paragraph, two_column_table
from app.ui.summaries import core_text, join_sentences, sentence_gap

if TYPE_CHECKING:
    from app.ui.setup.wizard import SetupWizard  # the pages' assistant; it imports the pages to build itself


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


class AssistantPage(QWizardPage):
    """A page with a vertical body and access to the assistant's shared state."""

    def __init__(self) -> None:
        super().__init__()
        self.body = QVBoxLayout(self)
        self.body.setSpacing(10)

    def assistant(self) -> SetupWizard:
        return cast("SetupWizard", self.wizard())


class WelcomePage(AssistantPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Welcome to Cloakroom"))
        self.setSubTitle(self.tr("Keep private data out of chatbots, on this computer."))
        points = (
            (
                self.tr("Masks before you paste, restores after."),
                self.tr(
                    "Cloakroom replaces private data in text you copy — names, contact details, ID and card numbers, "
                    "passwords, one-time codes — with placeholders before you paste it into a web chatbot, and puts the "
                    "real values back into the chatbot's answer."
                ),
            ),
            (
                self.tr("Two detectors."),
                self.tr(
                    "Built-in rules, always on, catch what has a fixed shape: e-mail addresses, phone and card numbers, "
                    "keys. A language model, MemPrivacy, also understands context: names, addresses, health details and "
                    "secrets written in words."
                ),
            ),
            (
                self.tr("Nothing leaves this computer."),
                self.tr(
                    "The model runs here. The only network access Cloakroom ever makes is a download you start in this "
                    "assistant."
                ),
            ),
            (
                self.tr("A few minutes to an hour."),
                self.tr(
                    "This assistant gets the model (1.3 to 2.5 GB) onto this computer, checks it and tries it. How long "
                    "that takes depends on the source you choose."
                ),
            ),
        )
        for lead, text in points:
            self.body.addWidget(paragraph(f"<b>{escape(lead)}</b>{sentence_gap(lead)}{escape(text)}", rich=True))
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


class LicencePage(AssistantPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("The MemPrivacy model and its licence"))
        self.setSubTitle(self.tr("What you are about to get, on what terms, and which size suits this computer."))
        catalog = load_catalog()
        model = catalog.default_model()
        self.body.addWidget(
            paragraph(
                self.tr(
                    "MemPrivacy, by IAAR-Shanghai and MemTensor, is a language model trained to find private data at four "
                    "levels, from identifiable details (PL2) to credentials and secrets (PL4), in English and Chinese. It "
                    "comes in two sizes: 4B, the most accurate, and 1.7B for computers with less memory."
                )
            )
        )
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
        self.measure_button.setToolTip(
            self.tr(
                "Runs stand-ins of each model size for about half a minute and recommends from the seconds they take, "
                "not from memory alone."
            )
        )
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
        layout.addWidget(
            paragraph(
                self.tr('<b>Licence: CC BY-NC-ND 4.0</b> — {name} (<a href="{url}">read it</a>)').format(
                    name=licence.name, url=licence.url
                ),
                rich=True,
            )
        )
        layout.addWidget(
            paragraph(
                self.tr(
                    "Cloakroom does not include the model and never uploads it. You obtain it yourself, onto this computer, "
                    "for non-commercial use only, crediting its authors — and a file you download or convert here is for "
                    "your own use: do not share it."
                )
            )
        )
        return box

    def _size_table(self, models: tuple[CatalogModel, ...]) -> QLabel:
        rows = []
        for model in models:
            size = model.expected_gguf_size(model.recommended_quantization) or 0
            rows.append(
                self.tr("<b>{name}</b>: needs {ram:g} GB of RAM or more; about {size} at {quant}.").format(
                    name=model.name, ram=model.min_ram_gb, size=format_bytes(size), quant=model.recommended_quantization
                )
            )
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
        self.recommendation_label.setText(
            self.tr(
                "Recommended here: <b>{model} at {quant}</b> (about {size}), running {where}. <i>Why: {reason}.</i>"
            ).format(
                model=advice.model.name,
                quant=advice.quantization,
                size=format_bytes(size),
                where=where,
                reason=core_text(advice.reason),
            )
        )
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
        job = BackgroundJob(
            lambda progress, cancel: speed.measure_options(
                load_catalog(),
                hardware,
                n_threads=threads,
                use_gpu=use_gpu,
                quantizations=speed.MEASURED_QUANTIZATIONS,
                progress=progress,
                cancel=cancel,
            )
        )
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
        self.speed_label.setText(escape(self.tr("The measurement failed: {reason}").format(reason=core_text(message))))

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
            option.model, option.quantization, use_gpu, advice.reason, advice.warnings
        )
        self.recommendation_label.setText(
            self.tr(
                "Recommended from the measurement: <b>{model} at {quant}</b>, about {seconds:.0f} s for a short chat "
                "message. <i>Why: the most accurate option that fits in memory and stays within {target:.0f} s.</i>"
            ).format(
                model=option.model.name,
                quant=option.quantization,
                seconds=option.short_seconds,
                target=speed.TARGET_SECONDS,
            )
        )
        if advice.warnings:
            self.recommendation_label.setText(
                self.tr("Recommended from the measurement: <b>{model} at {quant}</b>, the fastest here.").format(
                    model=option.model.name, quant=option.quantization
                )
            )
            self.warnings.show_message(
                "warning",
                self.tr(
                    "No option masks a short chat message within {target:.0f} s on this computer; the fastest takes about "
                    "{seconds:.0f} s. The rules still mask at once; the model adds its findings when it is done."
                ).format(target=speed.TARGET_SECONDS, seconds=option.short_seconds),
            )
        else:
            self.warnings.clear_message()


class SourcePage(AssistantPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Where should the model come from?"))
        self.setSubTitle(self.tr("Each ends with the same checks: the file must be a GGUF model that llama.cpp loads."))
        self.group = QButtonGroup(self)
        self.buttons: dict[Source, QRadioButton] = {}
        self._add_choice(
            Source.FILE,
            self.tr("&A GGUF file I already have"),
            self.tr("Choose a .gguf file on this computer, for example one you converted before."),
        )
        self._add_choice(
            Source.DOWNLOAD,
            self.tr("&Download a GGUF from Hugging Face"),
            self.tr(
                "Name a repository and file you trust. The download resumes after an interruption and is verified."
            ),
        )
        self._add_choice(
            Source.CONVERT,
            self.tr("&Convert the official weights on this computer"),
            self.tr(
                "Downloads the authors' weights (about 8 GB for 4B), converts and quantizes them here, then deletes "
                "what is no longer needed. The way to get MemPrivacy itself: its authors publish no GGUF."
            ),
        )
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


class FilePage(AssistantPage):
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
        self.metadata = two_column_table()
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
            self, self.tr("Choose a GGUF model"), str(start), self.tr("GGUF models (*.gguf);;All files (*)")
        )
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


class DownloadPage(AssistantPage):
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
        caution.show_message(
            "info",
            self.tr(
                "The authors publish no GGUF of MemPrivacy, and its licence forbids sharing one. Use this for a file "
                "you may download, such as your organisation's own conversion."
            ),
        )
        self.body.addWidget(caution)
        self.space = muted()
        self.body.addWidget(self.space)
        self.body.addStretch(1)

    def initializePage(self) -> None:
        folder = models_folder()
        self.space.setText(
            self.tr(
                "The file goes to {folder} ({free} free). Cloakroom checks the free space first, resumes an interrupted "
                "download, verifies the checksum the repository publishes, and loads the file once before using it."
            ).format(folder=folder, free=format_bytes(free_bytes(folder)))
        )

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


class ConvertPage(AssistantPage):
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
        self.delete_download.setToolTip(
            self.tr(
                "They are only needed to convert again, for example to another quantization. Keeping them saves the "
                "download next time."
            )
        )
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
        result = model.expected_gguf_size(quantization) or estimated_size(model.parameters, QUANTIZATIONS[quantization])
        intermediate = 0 if quantization in UNQUANTIZED else (model.expected_gguf_size("BF16") or model.weights_bytes)
        folder = models_folder()
        text = self.tr(
            "Cloakroom downloads the official weights of {repo} (about {weights}), converts them to GGUF here "
            "(about {intermediate} of temporary space), quantizes them to {quant} (about {result}) and checks that "
            "the result loads, with Cloakroom's own converter (nothing else to install). It needs about {total} of "
            "free space; {free} are free. Expect it to take a while: tens of minutes on a laptop."
        ).format(
            repo=model.repo,
            weights=format_bytes(model.weights_bytes),
            intermediate=format_bytes(intermediate),
            quant=quantization,
            result=format_bytes(result),
            total=format_bytes(model.weights_bytes + intermediate + result),
            free=format_bytes(free_bytes(folder)),
        )
        if request.keep_download:
            text = join_sentences(text, self.tr("The downloaded weights stay in the cache folder afterwards."))
        else:
            text = join_sentences(text, self.tr("The weights and intermediate files are deleted afterwards."))
        self.summary.setText(text)


class DonePage(AssistantPage):
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
            self.summary.setText(
                self.tr(
                    "Cloakroom will mask what its rules recognise: e-mail addresses, phone, card and account numbers, "
                    "ID numbers, keys, passwords and codes with a known shape. Names and details written in words need "
                    "the model: set it up later in <b>Settings → Model → Set up a model…</b>"
                )
                + "<br><br>"
                + usage
            )

    def cleanupPage(self) -> None:
        self.assistant().skipped = False

    def _model_text(self, obtained: ObtainedModel) -> str:
        info = obtained.check.info
        return self.tr(
            "Cloakroom will use <b>{name}</b> ({size}, {arch}, {quant}) from {folder}. The rules detector runs as "
            "well. The model loads when Cloakroom starts; you can change it in Settings → Model."
        ).format(
            name=escape(obtained.path.name),
            size=format_bytes(info.file_size),
            arch=escape(info.architecture),
            quant=info.quantization,
            folder=escape(str(obtained.path.parent)),
        )
