"""The page that runs the download or the conversion: its stages, a bar with bytes and time left, Stop, and what went
wrong. The stages come from the core (`download.DOWNLOAD_STAGES`, `convert.conversion_stages`), which reports them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, cast

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QProgressBar, QPushButton

from app.core.model_files import convert as conversion
from app.core.model_files.download import DOWNLOAD_STAGES, download_gguf
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.partial_files import discard_partial
from app.ui.background_job import BackgroundJob
from app.ui.setup.pages import AssistantPage, ConversionRequest, DownloadRequest, ObtainedModel, Page, Source
from app.ui.setup.texts import BYTE_STAGES, RateMeter, stage_label
from app.ui.setup.widgets import Notice, StageList, muted
from app.ui.summaries import join_sentences

PERMILLE = 1000  # the bar counts in thousandths: QProgressBar holds 32-bit values, downloads pass 2 GB


class ProgressPage(AssistantPage):
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
            self.setSubTitle(
                self.tr("{file} from {repo}. You can use the computer meanwhile.").format(
                    file=PurePosixPath(self._download.filename).name, repo=self._download.repo
                )
            )
            self.keep_partial.setText(self.tr("Keep an unfinished download, so the next try resumes where it stopped"))
        elif self._conversion is not None:
            self.setTitle(self.tr("Converting the official weights"))
            self.setSubTitle(
                self.tr("{model} at {quant}, on this computer. You can use it meanwhile.").format(
                    model=self._conversion.model.name, quant=self._conversion.quantization
                )
            )
            self.keep_partial.setText(
                self.tr(
                    "Keep the downloaded weights after a stop or failure, so the next try "
                    "resumes instead of downloading them again"
                )
            )
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
        """The stages the core reports for this job, in its order."""
        if self._source is Source.DOWNLOAD:
            return list(DOWNLOAD_STAGES)
        return conversion.conversion_stages(cast(ConversionRequest, self._conversion).quantization)

    def _job_function(self) -> Callable[[Any, Any], Any]:
        if self._download is not None:
            request = self._download
            return lambda progress, cancel: download_gguf(
                request.repo,
                request.filename,
                revision=request.revision,
                expected_sha256=request.sha256,
                progress=progress,
                cancel=cancel,
            )
        conversion_request = cast(ConversionRequest, self._conversion)
        threads = self.assistant().settings.n_threads or 0
        return lambda progress, cancel: conversion.convert_official_model(
            conversion_request.model,
            conversion_request.quantization,
            n_threads=threads,
            keep_download=conversion_request.keep_download,
            progress=progress,
            cancel=cancel,
        )

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
            name=Path(result.path).name,
            size=format_bytes(info.file_size),
            arch=info.architecture,
            quant=info.quantization,
        )
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
        self.message.show_message(
            "error", join_sentences(message, self.tr("Try again, or go Back to change the details."))
        )
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
