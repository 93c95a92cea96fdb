"""Mark clipboard contents as secret, so clipboard-history managers do not keep restored originals.

When Cloakroom restores a chatbot's answer, the text on the clipboard holds the user's real data again. Password
managers solve the same problem with extra clipboard formats that history tools honour:

- Linux (X11 and Wayland): ``x-kde-passwordManagerHint`` = ``secret`` (Klipper, CopyQ, GPaste, cliphist and others).
- macOS: the UTI ``org.nspasteboard.ConcealedType`` (nspasteboard.org; Maccy, Alfred, Raycast, Paste ...). Qt knows
  it as the MIME type ``application/x-nspasteboard-concealed-type`` only through a converter, see
  `install_platform_converters`.
- Windows: ``ExcludeClipboardContentFromMonitorProcessing`` (any data), ``CanIncludeInClipboardHistory`` = DWORD 0
  (Win+V history) and ``CanUploadToCloudClipboard`` = DWORD 0 (cloud sync). Qt's Windows clipboard registers a MIME
  type ``application/x-qt-windows-mime;value="Name"`` as the native clipboard format ``Name``
  (``QWindowsMimeRegistry::registerMimeType``), and reports foreign formats back in that same form.

Only the current OS's hints are attached. The others would be noise at best: on X11 every paste target would be
offered extra targets with meaningless names, and on Windows each unknown MIME type permanently takes an entry of the
session's global clipboard-format table (``RegisterClipboardFormat`` never frees one). `is_marked_secret` recognises
all of them on every OS, because a reader cannot know which app wrote the data.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData

KDE_PASSWORD_HINT = "x-kde-passwordManagerHint"
MAC_CONCEALED_MIME = "application/x-nspasteboard-concealed-type"
MAC_CONCEALED_UTI = "org.nspasteboard.ConcealedType"
_WINDOWS_MIME_PREFIX = 'application/x-qt-windows-mime;value="'

DWORD_ZERO = struct.pack("<I", 0)
DWORD_ONE = struct.pack("<I", 1)
SECRET_VALUE = b"secret"


def windows_format_mime(native_format: str) -> str:
    """The MIME type Qt maps to the native Windows clipboard format ``native_format``."""
    return f'{_WINDOWS_MIME_PREFIX}{native_format}"'


WINDOWS_EXCLUDE_FROM_MONITORS = "ExcludeClipboardContentFromMonitorProcessing"
WINDOWS_HISTORY = "CanIncludeInClipboardHistory"
WINDOWS_CLOUD = "CanUploadToCloudClipboard"
WINDOWS_VIEWER_IGNORE = "Clipboard Viewer Ignore"  # older convention, honoured by Ditto and CopyQ; read only


@dataclass(frozen=True)
class SecretHint:
    mime_type: str
    value: bytes


LINUX_HINTS = (SecretHint(KDE_PASSWORD_HINT, SECRET_VALUE),)
MACOS_HINTS = (SecretHint(MAC_CONCEALED_MIME, SECRET_VALUE),)
WINDOWS_HINTS = (
    # Any non-empty data: Qt cannot put an empty global-memory block on the clipboard.
    SecretHint(windows_format_mime(WINDOWS_EXCLUDE_FROM_MONITORS), DWORD_ONE),
    SecretHint(windows_format_mime(WINDOWS_HISTORY), DWORD_ZERO),
    SecretHint(windows_format_mime(WINDOWS_CLOUD), DWORD_ZERO),
)


def secret_hints(platform: str | None = None) -> tuple[SecretHint, ...]:
    """The hint formats for ``platform`` (``sys.platform`` by default)."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return WINDOWS_HINTS
    if platform == "darwin":
        return MACOS_HINTS
    return LINUX_HINTS


def secret_mime_data(text: str, platform: str | None = None) -> QMimeData:
    """Plain text plus this OS's "do not record" hints, ready for ``QClipboard.setMimeData`` (which takes ownership)."""
    mime = QMimeData()
    mime.setText(text)
    for hint in secret_hints(platform):
        mime.setData(hint.mime_type, QByteArray(hint.value))
    return mime


def is_marked_secret(mime: QMimeData | None) -> bool:
    """Whether clipboard contents carry any app's secret hint (a password manager's, or ours)."""
    if mime is None:
        return False
    formats = {name.lower(): name for name in mime.formats()}
    return any(check.matches(mime, formats) for check in _SECRET_CHECKS)


@dataclass(frozen=True)
class _SecretCheck:
    """One hint: the MIME types that carry it, and what data makes it say "secret"."""

    mime_types: tuple[str, ...]
    says_secret: Callable[[bytes], bool]

    def matches(self, mime: QMimeData, formats: dict[str, str]) -> bool:
        for mime_type in self.mime_types:
            actual = formats.get(mime_type.lower())  # format names are matched case-insensitively, like Qt's
            if actual is not None and self.says_secret(bytes(mime.data(actual).data())):
                return True
        return False


def _windows_names(native_format: str) -> tuple[str, str]:
    """Both spellings a Windows format arrives in: Qt's wrapped form, and the bare name some Qt apps write."""
    return windows_format_mime(native_format), native_format


def _always(data: bytes) -> bool:
    return True


_SECRET_CHECKS = (
    _SecretCheck((KDE_PASSWORD_HINT,), lambda data: data.strip() == SECRET_VALUE),
    _SecretCheck((MAC_CONCEALED_MIME, MAC_CONCEALED_UTI), _always),
    _SecretCheck(_windows_names(WINDOWS_EXCLUDE_FROM_MONITORS), _always),
    _SecretCheck(_windows_names(WINDOWS_VIEWER_IGNORE), _always),
    _SecretCheck(_windows_names(WINDOWS_HISTORY), lambda data: data[:4] == DWORD_ZERO),
    _SecretCheck(_windows_names(WINDOWS_CLOUD), lambda data: data[:4] == DWORD_ZERO),
)


# --- macOS: teach Qt the concealed UTI ------------------------------------------------------------------------------

_converter: object | None = None


def install_platform_converters() -> bool:
    """On macOS, map ``application/x-nspasteboard-concealed-type`` to the UTI clipboard managers look for.

    Without a converter Qt exports unknown MIME types as ``com.trolltech.anymime.<mime>``, which no clipboard manager
    recognises. Call once after the QGuiApplication exists. Returns whether the hint is effective on this OS: True on
    Linux and Windows (nothing to install), on macOS True only when this PySide6 build exposes ``QUtiMimeConverter``
    (Qt 6.5+ C++ API; not every PySide6 build wraps it).
    """
    global _converter
    if sys.platform != "darwin":
        return True
    if _converter is not None:
        return True
    _converter = _make_concealed_type_converter()
    if _converter is None:
        return False
    application = QCoreApplication.instance()
    if application is not None:
        # Delete it while Qt still runs: Qt would otherwise delete it a second time at shutdown.
        application.aboutToQuit.connect(_drop_converter)
    return True


def _drop_converter() -> None:
    global _converter
    _converter = None


def _make_concealed_type_converter() -> object | None:  # pragma: no cover - macOS only
    from PySide6 import QtGui

    base = getattr(QtGui, "QUtiMimeConverter", None)
    if base is None:
        return None

    class ConcealedTypeConverter(base):  # type: ignore[misc, valid-type]
        """Qt constructs-and-registers converters; this one knows only the concealed type."""

        def mimeForUti(self, uti: str) -> str:
            return MAC_CONCEALED_MIME if uti == MAC_CONCEALED_UTI else ""

        def utiForMime(self, mime: str) -> str:
            return MAC_CONCEALED_UTI if mime == MAC_CONCEALED_MIME else ""

        def convertToMime(self, mime: str, data: list[QByteArray], uti: str) -> QByteArray:
            return QByteArray(data[0]) if data else QByteArray()

        def convertFromMime(self, mime: str, data: object, uti: str) -> list[QByteArray]:
            return [QByteArray(data if isinstance(data, (bytes, QByteArray)) else SECRET_VALUE)]

    return ConcealedTypeConverter()
