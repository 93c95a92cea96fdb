"""Reading and writing the clipboard inside the Qt app (QClipboard; pyperclip serves only the command line).

Restored text holds originals, so it goes on the clipboard marked secret: clipboard-history managers that honour the
hints (Klipper, macOS pasteboard viewers, Windows clipboard history and cloud sync) skip it.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication


def _clipboard() -> QClipboard:
    clipboard = QGuiApplication.clipboard()
    if clipboard is None:  # pragma: no cover - only without a QGuiApplication
        raise RuntimeError("no clipboard without a running Qt application")
    return clipboard


def current_mime_data() -> QMimeData | None:
    """What the clipboard holds now, in every format (owned by Qt: read it at once, keep no reference)."""
    return _clipboard().mimeData()


def put_mime_data(mime: QMimeData) -> None:
    """Put prepared contents on the clipboard (Qt takes ownership of ``mime``)."""
    _clipboard().setMimeData(mime)


def read_text() -> str | None:
    """The clipboard's text, or None when it holds no text (an image, files, or nothing)."""
    mime = _clipboard().mimeData()
    if mime is None or not mime.hasText():
        return None
    return mime.text()


_last_own_text: str | None = None


def put_text(text: str) -> None:
    """Put masked text on the clipboard: it holds no originals, so it may go to clipboard history."""
    global _last_own_text
    _last_own_text = text
    _clipboard().setText(text)


def is_own_masked_text(text: str) -> bool:
    """Whether ``text`` is the masked text Cloakroom itself put on the clipboard last (no restore offer for it)."""
    return text == _last_own_text


def put_secret_text(text: str) -> None:
    """Put text that holds originals on the clipboard, marked so clipboard-history managers skip it."""
    from app.platform.clipboard_hints import secret_mime_data

    mime: QMimeData = secret_mime_data(text)
    _clipboard().setMimeData(mime)


def clear_if_unchanged(text: str) -> bool:
    """Clear the clipboard if it still holds ``text`` (the person has not copied anything since); say if it did."""
    if read_text() != text:
        return False
    _clipboard().clear()
    return True
