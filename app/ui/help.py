"""The Help window: how Cloakroom is used, and the commands to bind where global hotkeys are not available."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox


def _tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


def help_html(hotkey_problems: list[str]) -> str:
    lines = [
        _tr("<h3>Using Cloakroom</h3>"),
        _tr("<p><b>Mask:</b> copy text, press <b>Ctrl+Alt+M</b>, paste the masked text into the chatbot.</p>"),
        _tr("<p><b>Unmask:</b> copy the chatbot's answer, press <b>Ctrl+Alt+U</b>, paste: the originals are back.</p>"),
        _tr("<p><b>Review:</b> <b>Ctrl+Alt+R</b> opens a window where you see what was found, keep or add spans, "
            "and copy.</p>"),
        _tr("<p>If a hotkey does not work on your desktop, bind these commands in your desktop's keyboard "
            "settings:<br><code>cloakroom --mask-clipboard</code><br><code>cloakroom --unmask-clipboard</code><br>"
            "<code>cloakroom --review</code></p>"),
    ]
    if hotkey_problems:
        lines.append("<p>" + _tr("Hotkey problems:") + "<br>" + "<br>".join(hotkey_problems) + "</p>")
    return "".join(lines)


def show_help(hotkey_problems: list[str]) -> None:
    QMessageBox.information(None, _tr("Cloakroom help"), help_html(hotkey_problems))
