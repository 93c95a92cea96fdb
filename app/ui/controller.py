"""The app's behaviour: the clipboard flows, the model's life, and what the tray, hotkeys and IPC ask for.

Mask flow: read the clipboard → at once put a notice there instead (`clipboard_guard`: a paste during the run must
never yield the original) → detect in the worker thread → commit the mappings to the vault → only then replace the
notice with the masked text and notify. A cancel, an error or nothing to mask puts the original back exactly as it
was; a clipboard the person changed meanwhile is left alone.
Unmask flow: read the copied answer → restore → put it on the clipboard marked secret → notify, warn about unresolved
placeholders, and optionally clear restored PL4 values from the clipboard after a while (or when the app quits).
Optionally (off by default) copying text that holds placeholders this vault knows offers "Restore N values", so
unmasking needs no hotkey; it is only an offer, and never made for text without known placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication

from app.core.engine import Engine
from app.core.errors import CloakroomError, InputError
from app.core.masking import MaskResult
from app.core.settings import Settings
from app.core.taxonomy import Level
from app.core.text_input import check_text
from app.ui import clipboard
from app.ui.clipboard_guard import ClipboardGuard
from app.ui.summaries import core_text, join_sentences, mask_summary, unmask_summary
from app.ui.worker import DetectionWorker, ModelFactory, ModelState


@dataclass
class PendingMask:
    """The masking in progress: its job, the guard holding the clipboard (and the original), and its progress."""

    job_id: int
    guard: ClipboardGuard
    done: int = 0
    total: int = 0


class AppController(QObject):
    """Runs the flows; the tray, the review window and the hotkeys only call its slots."""

    notify = Signal(str, str, bool)  # title, message (counts and reasons only, never content), is_warning
    state_changed = Signal()
    restore_offered = Signal(int)  # how many placeholders the copied text holds that the vault can restore
    restore_offer_withdrawn = Signal()  # the clipboard changed: an open offer no longer applies
    mask_progress = Signal(int, int)  # chunks done, chunks in all (0, 0: started; total unknown yet)
    mask_ended = Signal()
    review_requested = Signal(str)  # which tab: "mask" or "unmask"

    def __init__(
        self,
        engine: Engine,
        worker: DetectionWorker,
        settings: Settings,
        model_factory: Callable[[], ModelFactory | None] = lambda: None,
        needs_focus_for_clipboard: bool = False,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.worker = worker
        self.settings = settings
        self._model_factory = model_factory
        self._needs_focus_for_clipboard = needs_focus_for_clipboard
        self.paused = False
        self._pending: PendingMask | None = None
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.timeout.connect(self._clear_restored_text)
        self._restored_text: str | None = None
        self._offered_text: str | None = None
        watched = QGuiApplication.clipboard()
        if watched is not None:
            watched.dataChanged.connect(self._on_clipboard_changed)
        worker.mask_finished.connect(self._on_mask_finished)
        worker.mask_interim.connect(self._on_mask_interim)
        worker.job_failed.connect(self._on_job_failed)
        worker.job_cancelled.connect(self._on_job_cancelled)
        worker.job_progress.connect(self._on_job_progress)
        worker.state_changed.connect(self._on_model_state)

    # --- model ----------------------------------------------------------------------------------------------------

    def load_model(self) -> None:
        """Start loading the configured model in the background; without one the rules still work."""
        factory = self._model_factory()
        if factory is None:
            self.worker.unload_model()
            return
        self.worker.load_model(factory, self.settings.unload_after_minutes)

    def status_text(self) -> str:
        if self.paused:
            return self.tr("Paused: hotkeys do nothing until you resume.")
        if self._pending is not None:
            return self.progress_text()
        return self.worker.state_message

    def progress_text(self) -> str:
        """ "Masking… chunk 2 of 5" while a masking runs (just "Masking…" until the model reports its chunks)."""
        pending = self._pending
        if pending is None or pending.total <= 1:
            return self.tr("Masking…")
        return (
            self.tr("Masking… chunk %1 of %2")
            .replace("%1", str(min(pending.done + 1, pending.total)))
            .replace("%2", str(pending.total))
        )

    @property
    def masking(self) -> bool:
        return self._pending is not None

    @property
    def model_state(self) -> ModelState:
        return self.worker.state

    @Slot(object, str)
    def _on_model_state(self, state: ModelState, message: str) -> None:
        if state is ModelState.ERROR:
            self.notify.emit(
                self.tr("Model not available"), join_sentences(message, self.tr("Rules detection still works.")), True
            )
        self.state_changed.emit()

    # --- mask -----------------------------------------------------------------------------------------------------

    @Slot()
    def mask_clipboard(self) -> None:
        if self._refuse_when_paused():
            return
        if self._pending is not None:
            self.notify.emit(
                self.tr("Still working"), self.tr("A masking is already running; cancel it from the tray."), True
            )
            return
        text = self._read_clipboard()
        if text is None:
            return
        guard = ClipboardGuard(self.tr("Cloakroom is masking this text — paste again in a moment."))
        guard.engage()  # first, before anything slow: from now on a paste cannot yield the original
        job_id = self.worker.submit(text, mask=True, interim=self.settings.interim_rules_mask)
        self._pending = PendingMask(job_id, guard)
        self.state_changed.emit()
        self.mask_progress.emit(0, 0)

    @Slot()
    def cancel_detection(self) -> None:
        if self._pending is not None:
            self.worker.cancel(self._pending.job_id)

    @Slot(int, object)
    def _on_mask_finished(self, job_id: int, result: MaskResult) -> None:
        """The worker detected and committed every mapping; only now may the masked text reach the clipboard."""
        pending = self._take_pending(job_id)
        if pending is None:
            return
        if not pending.guard.holds_clipboard():
            pending.guard.restore()  # only forgets the copy: the clipboard is someone else's now
            self._notify_clipboard_changed()
            return
        if not result.replacements:
            pending.guard.restore()
            self.notify.emit(
                self.tr("Nothing to mask"), self.tr("No private data found; the clipboard is unchanged."), False
            )
            return
        pending.guard.release_masked(result.text)
        self.notify.emit(self.tr("Clipboard masked"), mask_summary(result), False)

    @Slot(int, object)
    def _on_mask_interim(self, job_id: int, result: MaskResult) -> None:
        """The rules' mask (its mappings committed) replaces the notice until the model is done, if the person chose
        that; a rules result that masks nothing would be the original itself, so the notice stays then."""
        pending = self._pending
        if pending is not None and pending.job_id == job_id and result.replacements:
            pending.guard.show_interim(result.text)

    @Slot(int, str)
    def _on_job_failed(self, job_id: int, message: str) -> None:
        pending = self._take_pending(job_id)
        if pending is None:
            return
        if pending.guard.restore():
            outcome = self.tr("The clipboard holds your original text again.")
        else:
            outcome = self.tr("You copied something else meanwhile; it was left as it is.")
        self.notify.emit(self.tr("Nothing was masked"), join_sentences(message, outcome), True)

    @Slot(int)
    def _on_job_cancelled(self, job_id: int) -> None:
        pending = self._take_pending(job_id)
        if pending is None:
            return
        if pending.guard.restore():
            message = self.tr("Masking was cancelled; the clipboard holds your original text again.")
        else:
            message = self.tr("Masking was cancelled; what you copied meanwhile was left as it is.")
        self.notify.emit(self.tr("Cancelled"), message, False)

    @Slot(int, int, int)
    def _on_job_progress(self, job_id: int, done: int, total: int) -> None:
        pending = self._pending
        if pending is None or pending.job_id != job_id:
            return
        pending.done, pending.total = done, total
        self.mask_progress.emit(done, total)
        self.state_changed.emit()

    def _notify_clipboard_changed(self) -> None:
        self.notify.emit(
            self.tr("Clipboard changed"),
            self.tr("You copied something else while Cloakroom was detecting; nothing was replaced."),
            True,
        )

    def _take_pending(self, job_id: int) -> PendingMask | None:
        if self._pending is None or self._pending.job_id != job_id:
            return None
        pending, self._pending = self._pending, None
        self.state_changed.emit()
        self.mask_ended.emit()
        return pending

    # --- unmask ---------------------------------------------------------------------------------------------------

    @Slot()
    def unmask_clipboard(self) -> None:
        if self._refuse_when_paused():
            return
        text = self._read_clipboard()
        if text is None:
            return
        try:
            result = self.engine.unmask(text)
        except CloakroomError as error:
            self.notify.emit(self.tr("Nothing was restored"), core_text(error), True)
            return
        if not result.restored:
            message = self.tr("No known placeholders in the clipboard; it is unchanged.")
            if result.unresolved:
                message = unmask_summary(result)
            self.notify.emit(self.tr("Nothing to restore"), message, bool(result.unresolved))
            return
        clipboard.put_secret_text(result.text)
        self.notify.emit(self.tr("Clipboard restored"), unmask_summary(result), bool(result.unresolved))
        self._schedule_clear(result.text, result.highest_level)

    def _schedule_clear(self, text: str, highest_level: Level | None) -> None:
        seconds = self.settings.clear_clipboard_seconds
        if seconds <= 0 or highest_level is None or highest_level < Level.PL4:
            return
        self._restored_text = text
        self._clear_timer.start(seconds * 1000)

    @Slot()
    def _clear_restored_text(self) -> None:
        text, self._restored_text = self._restored_text, None
        if text is not None and clipboard.clear_if_unchanged(text):
            self.notify.emit(
                self.tr("Clipboard cleared"), self.tr("Restored secrets were removed from the clipboard."), False
            )

    # --- restore offer --------------------------------------------------------------------------------------------

    @Slot()
    def _on_clipboard_changed(self) -> None:
        """With the setting on: if the person copied text holding placeholders this vault knows, offer to restore."""
        if self._offered_text is not None:
            self._offered_text = None
            self.restore_offer_withdrawn.emit()
        if not self.settings.offer_restore_on_copy or self.paused or self._pending is not None:
            return
        from app.platform.clipboard_hints import is_marked_secret

        if is_marked_secret(clipboard.current_mime_data()):
            return  # our own restored text, our notice, or a password manager's secret: nothing to offer
        text = clipboard.read_text()
        if text is None or clipboard.is_own_masked_text(text):
            return
        try:
            result = self.engine.unmask(check_text(text))
        except CloakroomError:
            return  # text Cloakroom cannot process: it only stays quiet here, the hotkey explains why
        if result.restored:
            self._offered_text = text
            self.restore_offered.emit(len(result.restored))

    @Slot()
    def accept_restore_offer(self) -> None:
        """The person clicked "Restore N values": unmask the clipboard if it still holds the text the offer was for."""
        offered, self._offered_text = self._offered_text, None
        if offered is None or clipboard.read_text() != offered:
            self.notify.emit(self.tr("Nothing to restore"), self.tr("The clipboard changed since the offer."), False)
            return
        self.unmask_clipboard()

    # --- leaving --------------------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Before the app quits: a running masking is cancelled and its original put back, and restored secrets
        waiting to be cleared from the clipboard are cleared now (as KeePassXC does), not left behind."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self.worker.cancel(pending.job_id)
            pending.guard.restore()
        if self._clear_timer.isActive():
            self._clear_timer.stop()
            text, self._restored_text = self._restored_text, None
            if text is not None:
                clipboard.clear_if_unchanged(text)

    # --- shared ---------------------------------------------------------------------------------------------------

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.state_changed.emit()

    def _refuse_when_paused(self) -> bool:
        if self.paused:
            self.notify.emit(self.tr("Paused"), self.tr("Detection is paused; resume it from the tray menu."), False)
        return self.paused

    def _read_clipboard(self) -> str | None:
        """The clipboard's text if it can be processed; otherwise a notice and None (nothing is changed)."""
        if self._needs_focus_for_clipboard:
            # Wayland lets only the focused window read the clipboard: show the review window first.
            self.review_requested.emit("mask")
        text = clipboard.read_text()
        if text is None:
            self.notify.emit(self.tr("Nothing to do"), self.tr("The clipboard holds no text."), False)
            return None
        try:
            return check_text(text)
        except InputError as error:
            self.notify.emit(self.tr("Nothing to do"), core_text(error), False)
            return None
