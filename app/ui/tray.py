"""The tray icon and its menu.

The menu is rebuilt each time it opens (as Vorta does), so it always shows the current state: whether the model is
ready, whether detection is paused, and the hotkey of each action. While a detection runs the icon's badge spins
and the tooltip says how far it got, so the person sees that the clipboard is being worked on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.ui.icons import BUSY_FRAMES, busy_icon, state_icon

BUSY_FRAME_MS = 125  # eight frames: one turn a second


@dataclass(frozen=True)
class TrayState:
    """What the tray shows: the model's state (for the icon), a one-line status, pause, and hotkeys by action."""

    model_state: str
    status: str
    paused: bool
    hotkeys: dict[str, str]
    busy: bool
    masking: bool = False  # a clipboard masking runs (the clipboard holds the guard notice): the icon spins
    prompt: str = ""  # which prompt the model is asked with (`prompt_status.prompt_tooltip_line`), for the tooltip


class Tray(QObject):
    """Emits one signal per menu action; the controller decides what they do."""

    mask_requested = Signal()
    unmask_requested = Signal()
    review_requested = Signal()
    cancel_requested = Signal()
    pause_toggled = Signal(bool)
    settings_requested = Signal()
    setup_requested = Signal()
    help_requested = Signal()
    about_requested = Signal()
    quit_requested = Signal()

    def __init__(self, state_provider: Callable[[], TrayState], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state_provider = state_provider
        self.icon = QSystemTrayIcon(parent)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.busy_frame = 0
        self._animation = QTimer(self)
        self._animation.setInterval(BUSY_FRAME_MS)
        self._animation.timeout.connect(self._next_busy_frame)
        self.rebuild_menu()
        self.refresh()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def refresh(self) -> None:
        """Update icon and tooltip from the current state."""
        state = self._state_provider()
        if state.masking:
            if not self._animation.isActive():
                self._animation.start()
            self.icon.setIcon(busy_icon(self.busy_frame))
        else:
            self._animation.stop()
            icon_state = "paused" if state.paused else state.model_state
            self.icon.setIcon(state_icon(icon_state))
        self.icon.setToolTip(f"Cloakroom — {state.status}" + (f"\n{state.prompt}" if state.prompt else ""))

    @property
    def animating(self) -> bool:
        return self._animation.isActive()

    @Slot()
    def _next_busy_frame(self) -> None:
        self.busy_frame = (self.busy_frame + 1) % BUSY_FRAMES
        self.icon.setIcon(busy_icon(self.busy_frame))

    def notify(self, title: str, message: str, warning: bool = False) -> None:
        kind = QSystemTrayIcon.MessageIcon.Warning if warning else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(title, message, kind, 5000)

    @Slot()
    def rebuild_menu(self) -> None:
        state = self._state_provider()
        menu = self.menu
        menu.clear()
        status = menu.addAction(state.status)
        status.setEnabled(False)
        menu.addSeparator()
        self._add(menu, self.tr("&Mask clipboard"), self.mask_requested, state.hotkeys.get("mask"))
        self._add(menu, self.tr("&Unmask clipboard"), self.unmask_requested, state.hotkeys.get("unmask"))
        self._add(menu, self.tr("Open &review window"), self.review_requested, state.hotkeys.get("review"))
        if state.busy:
            self._add(menu, self.tr("&Cancel detection"), self.cancel_requested)
        menu.addSeparator()
        pause = menu.addAction(self.tr("&Pause detection"))
        pause.setCheckable(True)
        pause.setChecked(state.paused)
        pause.toggled.connect(self.pause_toggled)
        self._add(menu, self.tr("&Settings…"), self.settings_requested)
        self._add(menu, self.tr("Set up the &model…"), self.setup_requested)
        self._add(menu, self.tr("&Help"), self.help_requested)
        self._add(menu, self.tr("&About Cloakroom"), self.about_requested)
        menu.addSeparator()
        self._add(menu, self.tr("&Quit"), self.quit_requested)

    def _add(self, menu: QMenu, label: str, signal: Signal, hotkey: str | None = None) -> QAction:
        action = menu.addAction(label)
        if hotkey:
            # Shown as a hint only: the global hotkey is registered by the platform layer, not by the menu.
            action.setShortcut(QKeySequence(hotkey))
            action.setShortcutVisibleInContextMenu(True)
        action.triggered.connect(signal.emit)
        return action

    def action_texts(self) -> list[str]:
        return [action.text() for action in self.menu.actions() if not action.isSeparator()]

    def trigger(self, text_fragment: str) -> None:
        """Trigger the first menu action whose label contains ``text_fragment`` (used by tests and the self-test)."""
        for action in self.menu.actions():
            if text_fragment in action.text().replace("&", ""):
                action.trigger()
                return
        raise LookupError(f"no tray action labelled {text_fragment!r}")

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.review_requested.emit()
