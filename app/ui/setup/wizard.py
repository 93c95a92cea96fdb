"""The setup assistant itself: the pages in order, where Next leads, the shared state the pages fill in (the hardware,
the recommendation, the model obtained), the background jobs it stops on closing, and the settings it returns."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget, QWizard

from app.core.model_files.catalog import load_catalog
from app.core.model_files.hardware import HardwareInfo, Recommendation, detect_hardware, recommend
from app.core.settings import Settings
from app.ui.background_job import BackgroundJob
from app.ui.model_status import TrialLoader, default_trial_loader
from app.ui.setup.pages import (
    ConvertPage,
    DonePage,
    DownloadPage,
    FilePage,
    LicencePage,
    ObtainedModel,
    Page,
    Source,
    SourcePage,
    WelcomePage,
)
from app.ui.setup.progress_page import ProgressPage
from app.ui.setup.trial_page import TestPage


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
        pages = (
            self.welcome_page,
            self.licence_page,
            self.source_page,
            self.file_page,
            self.download_page,
            self.convert_page,
            self.progress_page,
            self.test_page,
            self.done_page,
        )
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
            return {Source.FILE: Page.FILE, Source.DOWNLOAD: Page.DOWNLOAD, Source.CONVERT: Page.CONVERT}.get(
                self.source(), Page.FILE
            )  # type: ignore[arg-type]
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
                self.settings, model_path=str(self.obtained.path), use_model=True, first_run_done=True
            )
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
        for button in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.CancelButton,
            QWizard.WizardButton.FinishButton,
        ):
            self.button(button).setEnabled(False)
        self.setWindowTitle(self.tr("Set up Cloakroom — stopping…"))
