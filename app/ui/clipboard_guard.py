"""While a masking runs, the clipboard holds a notice instead of the original text.

Why: on a laptop CPU the model needs seconds to a minute per paste. People press the mask hotkey and then Ctrl+V by
habit; if the clipboard still held the original until the mask is done, that paste would send exactly the private
text Cloakroom exists to keep out of the chatbot. So the moment masking starts, the original leaves the clipboard:

- it is copied aside in memory (every format the copying app offered, so rich text comes back too) and the clipboard
  gets a short notice in the interface language ("Cloakroom is masking this text — paste again in a moment"). A paste
  during the run yields that sentence: harmless, and it says what to do;
- optionally (Settings → General) the notice is replaced by the rules-only masked text as soon as the rules are
  done, for people who prefer pasting that at once: values only the model finds (names, addresses) are still in it,
  which is why it is not the default. It carries the same token, so the guard still holds the clipboard;
- when masking ends the masked text replaces the notice; when there was nothing to mask, or the masking was cancelled
  or failed, the original comes back exactly as it was (the same bytes in every format);
- only while the clipboard still holds *this* notice: each guard carries a random token in a private format, so if the
  person copied anything else meanwhile — even the same text again — that wins and nothing is overwritten.

The notice and the returned original carry the OS's "do not record" hints (`app.platform.clipboard_hints`), so
clipboard-history managers neither fill up with notices nor keep a second copy of the original. The masked text holds
no originals and goes on the clipboard plainly, as before. The copy aside lives only in this process's memory, never
on disk, and is dropped when the guard is released.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QByteArray, QMimeData

from app.ui import clipboard

GUARD_MIME = "application/x-cloakroom-guard"
"""Private format holding the guard's random token: how Cloakroom recognises its own notice on the clipboard."""


class ClipboardSnapshot:
    """Every format of the clipboard's contents at one moment, copied into memory, to be put back byte for byte."""

    def __init__(self, mime: QMimeData | None) -> None:
        self.text = mime.text() if mime is not None and mime.hasText() else None
        self._formats: dict[str, bytes] = {}
        if mime is not None:
            for name in mime.formats():
                self._formats[name] = bytes(mime.data(name).data())

    def as_secret_mime_data(self) -> QMimeData:
        """The saved contents plus the secret hints, as a new `QMimeData` (the clipboard takes ownership)."""
        from app.platform.clipboard_hints import secret_mime_data

        mime = secret_mime_data(self.text or "")
        for name, data in self._formats.items():
            if name != GUARD_MIME and not mime.hasFormat(name):
                mime.setData(name, QByteArray(data))
        return mime


class ClipboardGuard:
    """Holds the clipboard for one masking: `engage` puts the notice there, `release_masked` or `restore` end it."""

    def __init__(self, notice: str) -> None:
        self.notice = notice
        self._token = secrets.token_hex(16).encode()
        self._original: ClipboardSnapshot | None = None

    def engage(self) -> None:
        """Copy the clipboard aside and replace it with the notice (marked secret and with this guard's token)."""
        self._original = ClipboardSnapshot(clipboard.current_mime_data())
        self._put_guarded(self.notice)

    def show_interim(self, text: str) -> bool:
        """Replace the notice with an interim text (the rules-only mask) that still holds the clipboard for the guard;
        False (and nothing changed) if the person copied something else."""
        if not self.holds_clipboard():
            return False
        self._put_guarded(text)
        return True

    def _put_guarded(self, text: str) -> None:
        from app.platform.clipboard_hints import secret_mime_data

        mime = secret_mime_data(text)
        mime.setData(GUARD_MIME, QByteArray(self._token))
        clipboard.put_mime_data(mime)

    @property
    def engaged(self) -> bool:
        return self._original is not None

    def holds_clipboard(self) -> bool:
        """Whether the clipboard still shows this guard's notice (nobody copied anything since `engage`)."""
        mime = clipboard.current_mime_data()
        return (
            self._original is not None
            and mime is not None
            and mime.hasFormat(GUARD_MIME)
            and bytes(mime.data(GUARD_MIME).data()) == self._token
        )

    def release_masked(self, masked_text: str) -> bool:
        """Replace the notice with the masked text; False (and nothing changed) if the person copied something else."""
        if not self.holds_clipboard():
            self._original = None
            return False
        self._original = None
        clipboard.put_text(masked_text)
        return True

    def restore(self) -> bool:
        """Put the original back where the notice still is; False (and nothing changed) if something else is there."""
        original, holds = self._original, self.holds_clipboard()
        self._original = None
        if original is None or not holds:
            return False
        clipboard.put_mime_data(original.as_secret_mime_data())
        return True
