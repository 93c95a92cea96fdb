"""The Help window: the user guide (``resources/guide/``) in the interface's language, with this session's hotkey
problems — and, where global hotkeys cannot work at all, the commands to bind instead — above it.

Why a `QTextBrowser` and not the web browser: the guide ships inside the app (also in a bundle without network
access), opens in the interface's language, and can put what is wrong *here* (a hotkey another program holds) above
the general text. Links to web pages still open in the web browser.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.resources import resource_path
from app.ui.i18n import current_language

GUIDE_FOLDER = "guide"

_open_dialog: HelpDialog | None = None


def guide_path(language: str) -> Path:
    """The guide page for ``language``; English when there is none in that language."""
    page = resource_path(f"{GUIDE_FOLDER}/guide_{language}.html")
    return page if page.is_file() else resource_path(f"{GUIDE_FOLDER}/guide_en.html")


def problems_html(hotkey_problems: list[str], heading: str) -> str:
    """The problems as an HTML box: escaped (messages quote keys such as Ctrl+Alt+<key>), line breaks kept."""
    if not hotkey_problems:
        return ""
    items = "".join(f"<p>{html.escape(problem).replace(chr(10), '<br>')}</p>" for problem in hotkey_problems)
    return (
        '<table width="100%" cellpadding="8" style="background-color:#fff4dc; color:#5a3800;">'
        f"<tr><td><h3>{html.escape(heading)}</h3>{items}</td></tr></table>"
    )


class HelpDialog(QDialog):
    """The guide in a browser pane; ``hotkey_problems`` (sentences, possibly multi-line) are shown first."""

    def __init__(self, hotkey_problems: list[str], parent: QWidget | None = None, language: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cloakroom help"))
        self.language = language or current_language()
        self.page = guide_path(self.language)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(self.page.parent)])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(self.page.parent) + "/"))
        self.set_problems(hotkey_problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(1000, 760)  # the guide's widest picture (the review window) is 920 pixels wide

    def set_problems(self, hotkey_problems: list[str]) -> None:
        self.browser.setHtml(self._compose(hotkey_problems))

    def _compose(self, hotkey_problems: list[str]) -> str:
        guide = self.page.read_text(encoding="utf-8")
        box = problems_html(hotkey_problems, self.tr("Hotkeys on this computer"))
        marker = "<body>"
        if box and marker in guide:
            return guide.replace(marker, marker + box, 1)
        return box + guide


def show_help(hotkey_problems: list[str]) -> HelpDialog:
    """Open the Help window, or bring the open one forward with fresh content; it does not block the tray."""
    global _open_dialog  # one Help window at a time
    dialog = _open_dialog
    if dialog is None or dialog.language != current_language():
        if dialog is not None:
            dialog.close()
        dialog = HelpDialog(hotkey_problems)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, closed=dialog: _forget(closed))
        _open_dialog = dialog
    else:
        dialog.set_problems(hotkey_problems)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def _forget(dialog: HelpDialog) -> None:
    global _open_dialog
    if _open_dialog is dialog:
        _open_dialog = None
