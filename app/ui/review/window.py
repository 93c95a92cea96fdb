"""The paste-and-review window: a Mask tab and an Unmask tab, driven by the keyboard as well as the mouse.

The app controller shows it from the tray or a hotkey, feeds it text (`set_mask_text`, `set_unmask_text`) and
listens for `masked_copied` / `restored_copied` to notify. Only the window's geometry and splitter positions are
saved (in ``window.ini`` in the config folder): never the text, findings or originals.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from app.core.engine import Engine
from app.core.paths import app_paths
from app.ui.review.mask_tab import MaskTab
from app.ui.review.unmask_tab import UnmaskTab
from app.ui.worker import DetectionWorker

TABS = ("mask", "unmask")
DEFAULT_SIZE = (1180, 760)
MINIMUM_SIZE = (720, 480)


def window_settings() -> QSettings:
    """The window's own settings file; the folder is created owner-only like the app's other folders."""
    paths = app_paths().ensure()
    return QSettings(str(paths.config / "window.ini"), QSettings.Format.IniFormat)


class ReviewWindow(QMainWindow):
    masked_copied = Signal(object)  # MaskResult
    restored_copied = Signal(object)  # UnmaskResult

    def __init__(self, engine: Engine, worker: DetectionWorker | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cloakroom — Review"))
        self.mask_tab = MaskTab(engine, worker)
        self.unmask_tab = UnmaskTab(engine)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.mask_tab, self.tr("&Mask"))
        self.tabs.addTab(self.unmask_tab, self.tr("&Unmask"))
        self.tabs.setTabToolTip(0, self.tr("Mask private data before pasting into a chatbot (Ctrl+1)."))
        self.tabs.setTabToolTip(1, self.tr("Restore the values in a chatbot's answer (Ctrl+2)."))
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.mask_tab.masked_copied.connect(self.masked_copied)
        self.unmask_tab.restored_copied.connect(self.restored_copied)
        self.tabs.currentChanged.connect(lambda _index: self._focus_current())
        self._add_shortcuts()
        self._restore_layout()

    def _add_shortcuts(self) -> None:
        bindings = [
            ("Ctrl+Return", self.copy_current),
            ("Ctrl+Enter", self.copy_current),
            ("Esc", self.close),
            ("Ctrl+1", lambda: self.show_tab("mask")),
            ("Ctrl+2", lambda: self.show_tab("unmask")),
        ]
        self._shortcuts = []
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    # --- the controller's API ------------------------------------------------------------------------------------

    def set_mask_text(self, text: str) -> None:
        self.mask_tab.set_text(text)
        self.show_tab("mask")

    def set_unmask_text(self, text: str) -> None:
        self.unmask_tab.set_text(text)
        self.show_tab("unmask")

    def show_tab(self, name: str) -> None:
        if name not in TABS:
            raise ValueError(f"unknown tab {name!r}; expected one of {TABS}")
        self.tabs.setCurrentIndex(TABS.index(name))
        self._focus_current()

    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def show_and_focus(self) -> None:
        """Show, raise and activate: on Wayland only a focused window may read the clipboard."""
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        self._focus_current()

    def copy_current(self) -> None:
        """Ctrl+Enter: the current tab's copy action."""
        if self.current_tab() == "mask":
            self.mask_tab.copy_masked()
        else:
            self.unmask_tab.copy_restored()

    def _focus_current(self) -> None:
        tab = self.mask_tab if self.current_tab() == "mask" else self.unmask_tab
        tab.focus_input()

    # --- geometry ------------------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = window_settings()
        geometry = settings.value("review/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        self.mask_tab.restore_layout(settings)
        self.unmask_tab.restore_layout(settings)

    def save_layout(self) -> None:
        settings = window_settings()
        settings.setValue("review/geometry", self.saveGeometry())
        self.mask_tab.save_layout(settings)
        self.unmask_tab.save_layout(settings)
        settings.sync()

    def hideEvent(self, event: QHideEvent) -> None:
        if not event.spontaneous():
            self.save_layout()
        super().hideEvent(event)
