"""The page that tries the new model: a detection on a made-up sample, what it found, and the official prompt."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.findings import Finding
from app.core.model_files import official_prompt
from app.ui.background_job import BackgroundJob
from app.ui.model_status import TRIAL_DETECT, TrialResult, describe_device, describe_memory, sample_text, trial_job
from app.ui.setup.pages import AssistantPage
from app.ui.setup.widgets import Notice, muted, paragraph
from app.ui.summaries import join_sentences
from app.ui.type_labels import type_display


class TestPage(AssistantPage):
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
        text = paragraph(
            self.tr(
                "MemPrivacy was trained with its authors' prompt and finds the most with it; Cloakroom uses it whenever it "
                "is installed. It is licensed CC BY-NC-ND 4.0 too, so it is not included: for a MemPrivacy model "
                "Cloakroom fetches it from the authors' GitHub repository (two files, 25 kB) and keeps it only if it is "
                "exactly the published file. Without it the model is asked in Cloakroom's own words."
            )
        )
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
        self.facts.setText(
            self.tr("Ran on {device} · {memory} · loaded and answered in {seconds:.1f} s").format(
                device=describe_device(result.device),
                memory=describe_memory(result.memory),
                seconds=result.load_seconds + result.detect_seconds,
            )
            + (f"\n{result.notice}" if result.notice else "")
        )
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
            "always run as well), or go Back and choose another."
        )

    # --- the official prompt ----------------------------------------------------------------------------------

    def fetch_prompt(self, then_test: bool = False) -> None:
        self.prompt_button.setEnabled(False)
        self.prompt_status.show_message("info", self.tr("Fetching the official prompt…"))
        job = BackgroundJob(
            lambda progress, cancel: official_prompt.fetch_missing_official_prompts(progress=progress, cancel=cancel)
        )
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
        self.prompt_status.show_message(
            "success", self.tr("The official prompt is installed and verified: the model is asked with it from now on.")
        )

    def _on_prompt_failed(self, message: str) -> None:
        self.prompt_status.show_message(
            "error",
            self.tr("%1 Until it is fetched, the model is asked in Cloakroom's own words and may find less.").replace(
                "%1", message
            ),
        )
        self.prompt_button.setEnabled(True)
