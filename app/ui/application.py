"""The running tray app: builds the engine, the worker, the tray, the windows, hotkeys and the IPC server, and wires
them to the controller."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.core.assembly import build_engine, configured_model_path, model_detector_factory, private_lists_of
from app.core.paths import app_paths
from app.core.settings import Settings, save_settings
from app.core.store import MappingStore
from app.ui import clipboard
from app.ui.controller import AppController
from app.ui.icons import app_icon
from app.ui.ipc import InstanceServer
from app.ui.prompt_status import prompt_tooltip_line
from app.ui.summaries import mask_summary, unmask_summary
from app.ui.toast import ProgressToast, RestoreOfferToast, Toast
from app.ui.tray import Tray, TrayState
from app.ui.worker import DetectionWorker, ModelFactory, ModelSlot

if TYPE_CHECKING:
    from app.core.model_files.runtime import LoadedModel
    from app.platform.hotkeys import HotkeyManager, RegistrationResult


class CloakroomApp(QObject):
    def __init__(self, qapp: QApplication, settings: Settings, store: MappingStore, *, listen: bool = True) -> None:
        super().__init__()
        self.qapp = qapp
        self.settings = settings
        self.store = store
        self.model_slot = ModelSlot()
        self.engine = build_engine(settings, store, model=self.model_slot)
        self.worker = DetectionWorker(self.engine, self.model_slot)
        self.controller = AppController(
            self.engine, self.worker, settings, self._model_factory, needs_focus_for_clipboard=_needs_focus()
        )
        self.tray = Tray(self._tray_state)
        self.toast = Toast()
        self.progress_toast = ProgressToast()
        self.restore_offer = RestoreOfferToast()
        self._review = None
        self.hotkeys: HotkeyManager | None = None
        self.hotkey_problems: list[str] = []
        self.server = InstanceServer() if listen else None
        self._wire()

    # --- start and stop -------------------------------------------------------------------------------------------

    def start(self) -> None:
        self.worker.start()
        if self.server is not None:
            self.server.listen()
        if Tray.available():
            self.tray.show()
        else:
            # No tray host (stock GNOME, some Wayland sessions): the window is the app, so show it.
            self.open_review("mask")
        self._register_hotkeys()
        self.controller.load_model()

    @Slot()
    def quit(self) -> None:
        if self._review is not None:
            self._review.save_layout()
        self.controller.shutdown()  # puts a guarded original back, clears restored secrets still due to be cleared
        self.progress_toast.finish()
        self.restore_offer.hide()
        self.worker.shutdown()
        if self.hotkeys is not None:
            self.hotkeys.unregister_all()
        if self.server is not None:
            self.server.close()
        self.tray.hide()
        self.store.close()
        self.qapp.quit()

    def _wire(self) -> None:
        tray, controller = self.tray, self.controller
        tray.mask_requested.connect(controller.mask_clipboard)
        tray.unmask_requested.connect(controller.unmask_clipboard)
        tray.review_requested.connect(self.review_clipboard)
        tray.cancel_requested.connect(controller.cancel_detection)
        tray.pause_toggled.connect(controller.set_paused)
        tray.settings_requested.connect(self.open_settings)
        tray.setup_requested.connect(self.open_setup)
        tray.help_requested.connect(self.show_help)
        tray.about_requested.connect(self.show_about)
        tray.quit_requested.connect(self.quit)
        controller.state_changed.connect(tray.refresh)
        controller.notify.connect(self.notify)
        controller.mask_progress.connect(self._show_mask_progress)
        controller.mask_ended.connect(self.progress_toast.finish)
        self.progress_toast.cancel_requested.connect(controller.cancel_detection)
        controller.restore_offered.connect(self.restore_offer.offer)
        self.restore_offer.restore_requested.connect(controller.accept_restore_offer)
        controller.restore_offer_withdrawn.connect(self.restore_offer.hide)
        controller.review_requested.connect(self.open_review)
        if self.server is not None:
            self.server.action_requested.connect(self.perform)

    # --- actions --------------------------------------------------------------------------------------------------

    @Slot(str)
    def perform(self, action: str) -> None:
        """Run an action asked for by a hotkey or by a later `cloakroom --…` start."""
        handlers = {
            "show": lambda: self.open_review("mask"),
            "review": self.review_clipboard,
            "mask-clipboard": self.controller.mask_clipboard,
            "unmask-clipboard": self.controller.unmask_clipboard,
            "mask": self.controller.mask_clipboard,
            "unmask": self.controller.unmask_clipboard,
        }
        handler = handlers.get(action)
        if handler is not None:
            handler()

    @Slot(str)
    def open_review(self, tab: str = "mask") -> None:
        window = self.review_window()
        window.show_tab(tab)
        window.show_and_focus()

    @Slot()
    def review_clipboard(self) -> None:
        """The review hotkey: show the window (first: Wayland lets only a focused window read the clipboard), then
        load the clipboard's text into the Mask tab."""
        self.open_review("mask")
        text = clipboard.read_text()
        if text is not None and text.strip():
            self.review_window().set_mask_text(text)

    def review_window(self):
        if self._review is None:
            from app.ui.review.window import ReviewWindow

            self._review = ReviewWindow(self.engine, self.worker)
            self._review.setWindowIcon(app_icon())
            self._review.masked_copied.connect(
                lambda result: self.notify(self.tr("Masked text copied"), mask_summary(result))
            )
            self._review.restored_copied.connect(
                lambda result: self.notify(
                    self.tr("Restored text copied"), unmask_summary(result), bool(result.unresolved)
                )
            )
        return self._review

    @Slot()
    def open_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self.settings,
            self.store,
            self.hotkey_status(),
            loaded_model=self._loaded_model,
        )
        dialog.setup_requested.connect(lambda: self._setup_from_settings(dialog))
        if dialog.exec():
            self.apply_settings(dialog.result_settings())

    def _loaded_model(self) -> LoadedModel | None:
        """The model now loaded, for the Settings page's status (None while none is)."""
        detector = self.model_slot.detector
        return detector.loaded if detector is not None else None

    def _setup_from_settings(self, dialog) -> None:
        """Run the wizard from Settings, then show its result there, so pressing OK keeps the new model."""
        self.open_setup()
        dialog.model_path.setText(self.settings.model_path or "")

    @Slot()
    def open_setup(self) -> None:
        from app.ui.setup import SetupWizard

        wizard = SetupWizard(self.settings)
        if wizard.exec():
            self.apply_settings(wizard.result_settings())
        elif not self.settings.first_run_done:
            # Closed without choosing: don't ask again at every start; the tray's "Set up the model…" stays.
            self.apply_settings(dataclasses.replace(self.settings, first_run_done=True))

    def apply_settings(self, settings: Settings) -> None:
        """Save new settings and apply them: policy, hotkeys, and the model if its options changed."""
        model_changed = _model_options(settings) != _model_options(self.settings)
        language_changed = settings.language != self.settings.language
        save_settings(settings, app_paths().settings)
        if settings.start_at_login != self.settings.start_at_login:
            from app.platform import autostart

            autostart.set_enabled(settings.start_at_login)
        self.settings = settings
        self.controller.settings = settings
        fresh = build_engine(settings, self.store, model=self.model_slot)
        self.engine.policy, self.engine.always_mask = fresh.policy, fresh.always_mask
        self._register_hotkeys()
        if model_changed:
            self.controller.load_model()
        if language_changed:
            self._switch_language(settings.language)
        self.tray.refresh()

    def _switch_language(self, language: str) -> None:
        """New windows and the tray menu (rebuilt at each opening) follow at once; a hidden review window is
        dropped so that it is rebuilt in the new language (a visible one keeps the person's work as it is)."""
        from app.ui.i18n import install_translator

        install_translator(self.qapp, language)
        if self._review is not None and not self._review.isVisible():
            self._review.deleteLater()
            self._review = None

    @Slot()
    def show_help(self) -> None:
        from app.ui.help import show_help

        show_help(self.hotkey_status())

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            None,
            self.tr("About Cloakroom"),
            self.tr(
                "<b>Cloakroom {version}</b><br>Keeps private data out of web chatbots: masks it before you paste, "
                "restores it in the answer. Everything stays on this computer.<br><br>The detector model "
                "MemPrivacy (IAAR-Shanghai) is licensed CC BY-NC-ND 4.0 and is not part of Cloakroom; you obtain "
                "it yourself."
            ).format(version=__version__),
        )

    @Slot(str, str, bool)
    def notify(self, title: str, message: str, warning: bool = False) -> None:
        if not self.settings.notifications and not warning:
            return
        if Tray.available() and self.tray.icon.isVisible():
            self.tray.notify(title, message, warning)
        else:
            self.toast.show_message(title, message, warning)

    @Slot(int, int)
    def _show_mask_progress(self, done: int, total: int) -> None:
        """The bubble with progress and Cancel while a masking runs (the tray icon spins meanwhile, too)."""
        if not self.settings.notifications:
            return
        if total == 0:
            self.progress_toast.start()
        self.progress_toast.set_progress(self.controller.progress_text(), done, total)

    # --- helpers --------------------------------------------------------------------------------------------------

    def _tray_state(self) -> TrayState:
        return TrayState(
            model_state=self.worker.state.value,
            status=self.controller.status_text(),
            paused=self.controller.paused,
            hotkeys=dict(self.settings.hotkeys),
            busy=self.worker.busy,
            masking=self.controller.masking,
            prompt=prompt_tooltip_line(self.settings) if self.worker.has_model else "",
        )

    def _model_factory(self) -> ModelFactory | None:
        path = configured_model_path(self.settings)
        if path is None or not self.settings.use_model:
            return None
        return model_detector_factory(self.settings, path, real_name=private_lists_of(self.store).real_name)

    def _register_hotkeys(self) -> None:
        from app.platform.hotkeys import create_hotkey_manager

        if self.hotkeys is None:
            self.hotkeys = create_hotkey_manager(self)
            self.hotkeys.activated.connect(self.perform)
            self.hotkeys.registration_changed.connect(self._on_hotkey_answer)
        self.hotkeys.unregister_all()
        self.hotkey_problems = []
        for action, sequence in self.settings.hotkeys.items():
            result = self.hotkeys.register(action, sequence)
            if not result.active_or_pending:  # the Wayland portal answers later, after the person confirms
                self.hotkey_problems.append(result.message)
        if self.hotkey_problems:
            self.notify(self.tr("Some hotkeys are not available"), " ".join(self.hotkey_problems), True)

    @Slot(str, object)
    def _on_hotkey_answer(self, _action: str, result: RegistrationResult) -> None:
        if not result.active_or_pending:
            self.hotkey_problems.append(result.message)
            self.notify(self.tr("A hotkey is not available"), result.message, True)

    def hotkey_status(self) -> list[str]:
        """Problems to show in Settings; where no global hotkeys work at all, the commands to bind instead."""
        if self.hotkeys is not None and not self.hotkeys.is_supported:
            from app.platform.hotkeys import hotkey_guidance

            return [self.hotkeys.unsupported_reason, hotkey_guidance()]
        return list(self.hotkey_problems)


def _model_options(settings: Settings) -> tuple[object, ...]:
    return (
        settings.model_path,
        settings.use_model,
        settings.prompt_profile,
        settings.n_gpu_layers,
        settings.n_threads,
        settings.n_ctx,
        settings.unload_after_minutes,
    )


def _needs_focus() -> bool:
    from app.platform.desktop import needs_focus_to_read_clipboard

    return needs_focus_to_read_clipboard()
