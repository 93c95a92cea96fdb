"""Which desktop session Cloakroom runs in: X11, Wayland, Windows or macOS, and which Linux desktop.

Several behaviours hang on this. Global hotkeys need a different backend per session; on Wayland an unfocused app
cannot read the clipboard; hint texts name the desktop's own settings pages ("GNOME Settings → Keyboard").

The session is read from the environment first (``XDG_SESSION_TYPE``, ``WAYLAND_DISPLAY``, ``DISPLAY``), because what
matters is the session the user sits in, not the Qt platform plugin: an app running under XWayland (Qt platform
``xcb``) in a Wayland session still cannot grab keys globally or read the clipboard unfocused. The Qt platform name is
kept beside it for the cases the environment leaves open.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass


class SessionKind(enum.Enum):
    X11 = "x11"
    WAYLAND = "wayland"
    WINDOWS = "windows"
    MACOS = "macos"
    UNKNOWN = "unknown"  # a text console, a container without a display, or offscreen tests


class Desktop(enum.Enum):
    """Linux desktops Cloakroom gives specific hints for; everything else is OTHER."""

    GNOME = "gnome"
    KDE = "kde"
    XFCE = "xfce"
    CINNAMON = "cinnamon"
    MATE = "mate"
    LXQT = "lxqt"
    BUDGIE = "budgie"
    SWAY = "sway"
    HYPRLAND = "hyprland"
    OTHER = "other"
    NONE = "none"  # Windows and macOS: the OS is the desktop


@dataclass(frozen=True)
class DesktopSession:
    kind: SessionKind
    desktop: Desktop
    qt_platform: str | None = None

    @property
    def is_wayland(self) -> bool:
        return self.kind is SessionKind.WAYLAND

    @property
    def is_x11(self) -> bool:
        return self.kind is SessionKind.X11


# XDG_CURRENT_DESKTOP is a colon-separated list, most specific first ("ubuntu:GNOME", "Budgie:GNOME"): the first
# entry we know wins. Keys are lower case.
_DESKTOP_NAMES: dict[str, Desktop] = {
    "gnome": Desktop.GNOME,
    "gnome-classic": Desktop.GNOME,
    "gnome-flashback": Desktop.GNOME,
    "unity": Desktop.GNOME,
    "pantheon": Desktop.GNOME,  # elementary OS uses GNOME's keyboard settings
    "kde": Desktop.KDE,
    "plasma": Desktop.KDE,
    "xfce": Desktop.XFCE,
    "x-cinnamon": Desktop.CINNAMON,
    "cinnamon": Desktop.CINNAMON,
    "mate": Desktop.MATE,
    "lxqt": Desktop.LXQT,
    "budgie": Desktop.BUDGIE,
    "budgie-desktop": Desktop.BUDGIE,
    "sway": Desktop.SWAY,
    "hyprland": Desktop.HYPRLAND,
}

_QT_PLATFORM_KINDS: dict[str, SessionKind] = {
    "xcb": SessionKind.X11,
    "wayland": SessionKind.WAYLAND,
    "wayland-egl": SessionKind.WAYLAND,
    "windows": SessionKind.WINDOWS,
    "cocoa": SessionKind.MACOS,
}


def qt_platform_name() -> str | None:
    """The running QGuiApplication's platform plugin ("xcb", "wayland", "offscreen" ...), or None before it exists."""
    from PySide6.QtGui import QGuiApplication  # here, so detecting the session never loads QtGui by itself

    if QGuiApplication.instance() is None:
        return None
    return QGuiApplication.platformName() or None


def session_kind(
    environ: Mapping[str, str] | None = None, platform: str | None = None, qt_platform: str | None = None
) -> SessionKind:
    """The kind of session, from the OS, then the environment, then the Qt platform plugin."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return SessionKind.WINDOWS
    if platform == "darwin":
        return SessionKind.MACOS
    declared = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    if declared == "wayland" or environ.get("WAYLAND_DISPLAY"):
        return SessionKind.WAYLAND
    if declared == "x11" or environ.get("DISPLAY"):
        return SessionKind.X11
    return _QT_PLATFORM_KINDS.get((qt_platform or "").lower(), SessionKind.UNKNOWN)


def current_desktop(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Desktop:
    """Which Linux desktop this is, for hint texts; Desktop.NONE on Windows and macOS."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith("win") or platform == "darwin":
        return Desktop.NONE
    for name in environ.get("XDG_CURRENT_DESKTOP", "").split(":"):
        desktop = _DESKTOP_NAMES.get(name.strip().lower())
        if desktop is not None:
            return desktop
    return _desktop_from_legacy_variables(environ)


def _desktop_from_legacy_variables(environ: Mapping[str, str]) -> Desktop:
    """Older sessions and some display managers set only these."""
    if environ.get("KDE_FULL_SESSION"):
        return Desktop.KDE
    if environ.get("GNOME_DESKTOP_SESSION_ID"):
        return Desktop.GNOME
    if environ.get("SWAYSOCK"):
        return Desktop.SWAY
    if environ.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return Desktop.HYPRLAND
    session = environ.get("DESKTOP_SESSION", "").strip().lower()
    return _DESKTOP_NAMES.get(session, Desktop.OTHER)


def detect_session(
    environ: Mapping[str, str] | None = None, platform: str | None = None, qt_platform: str | None = None
) -> DesktopSession:
    """The current session; pass ``environ``/``platform``/``qt_platform`` to describe another one (tests, hints)."""
    if qt_platform is None and environ is None and platform is None:
        qt_platform = qt_platform_name()
    return DesktopSession(
        kind=session_kind(environ, platform, qt_platform),
        desktop=current_desktop(environ, platform),
        qt_platform=qt_platform,
    )


def needs_focus_to_read_clipboard(session: DesktopSession | None = None) -> bool:
    """True on Wayland: an app without keyboard focus gets no clipboard contents, so show and focus a window first.

    This holds for native Wayland Qt and for XWayland alike (XWayland hands the selection over only on focus).
    """
    session = detect_session() if session is None else session
    return session.is_wayland


def tray_hint(session: DesktopSession, tray_available: bool) -> str | None:
    """A sentence telling the user how to get a tray icon, or None when it is there or nothing useful can be said."""
    if tray_available:
        return None
    if session.desktop is Desktop.GNOME:
        return (
            "GNOME shows no tray icons by default. Install the 'AppIndicator and KStatusNotifierItem Support' "
            "extension to get Cloakroom's icon in the top bar; until then, use its window and keyboard shortcuts."
        )
    if session.desktop in (Desktop.SWAY, Desktop.HYPRLAND):
        return "Add a tray to your bar (for example Waybar's 'tray' module) to see Cloakroom's icon."
    if session.kind in (SessionKind.X11, SessionKind.WAYLAND):
        return "No system tray was found. Cloakroom keeps running; use its window and keyboard shortcuts."
    return None
