"""Pick the hotkey backend for the current session; fall back to the null backend with a reason."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject

from ..desktop import DesktopSession, SessionKind, detect_session
from .base import HotkeyManager
from .null import NullHotkeyManager

BACKEND_VARIABLE = "CLOAKROOM_HOTKEY_BACKEND"  # x11 | portal | windows | macos | none: overrides the choice
_BACKENDS_BY_SESSION = {
    SessionKind.X11: "x11",
    SessionKind.WAYLAND: "portal",
    SessionKind.WINDOWS: "windows",
    SessionKind.MACOS: "macos",
}


def create_hotkey_manager(
    parent: QObject | None = None, session: DesktopSession | None = None, backend: str | None = None
) -> HotkeyManager:
    """The backend that works here, or a NullHotkeyManager that says why none does. Needs a running Qt app."""
    session = detect_session() if session is None else session
    backend = backend or os.environ.get(BACKEND_VARIABLE) or _BACKENDS_BY_SESSION.get(session.kind, "none")
    try:
        return _create(backend, parent)
    except Exception as error:  # noqa: BLE001 - any failure to start a backend means "no global hotkeys here"
        return NullHotkeyManager(f"Global hotkeys are not available: {error}", parent)


def _create(backend: str, parent: QObject | None) -> HotkeyManager:
    # Each backend is imported only when chosen, so its OS libraries load only where they exist.
    if backend == "x11":
        from .x11 import X11HotkeyManager

        return X11HotkeyManager(parent=parent)
    if backend == "portal":
        from .portal import PortalHotkeyManager

        return PortalHotkeyManager(parent=parent)
    if backend == "windows":
        from .windows import WindowsHotkeyManager

        return WindowsHotkeyManager(parent=parent)
    if backend == "macos":
        from .macos import MacHotkeyManager

        return MacHotkeyManager(parent=parent)
    return NullHotkeyManager(_no_backend_reason(backend), parent)


def _no_backend_reason(backend: str) -> str:
    if backend == "none":
        return "This session offers no global hotkeys."
    return f"Unknown hotkey backend '{backend}'."
