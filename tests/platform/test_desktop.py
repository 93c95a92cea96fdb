"""Session detection from the environment, the Qt platform, and the OS."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.platform.desktop import (
    Desktop,
    DesktopSession,
    SessionKind,
    current_desktop,
    detect_session,
    needs_focus_to_read_clipboard,
    qt_platform_name,
    session_kind,
    tray_hint,
)


@pytest.mark.parametrize(
    ("environ", "kind"),
    [
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, SessionKind.WAYLAND),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, SessionKind.WAYLAND),  # XWayland's DISPLAY is beside it
        ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, SessionKind.X11),
        ({"DISPLAY": ":1"}, SessionKind.X11),
        ({"XDG_SESSION_TYPE": "tty"}, SessionKind.UNKNOWN),
        ({}, SessionKind.UNKNOWN),
    ],
)
def test_linux_session_kind_comes_from_the_environment(environ: dict[str, str], kind: SessionKind) -> None:
    assert session_kind(environ, platform="linux") is kind


def test_the_qt_platform_decides_only_when_the_environment_is_silent() -> None:
    assert session_kind({}, platform="linux", qt_platform="wayland") is SessionKind.WAYLAND
    assert session_kind({}, platform="linux", qt_platform="offscreen") is SessionKind.UNKNOWN
    assert session_kind({"WAYLAND_DISPLAY": "w"}, platform="linux", qt_platform="xcb") is SessionKind.WAYLAND


def test_windows_and_macos_are_their_own_sessions() -> None:
    assert session_kind({"DISPLAY": ":0"}, platform="win32") is SessionKind.WINDOWS
    assert session_kind({}, platform="darwin") is SessionKind.MACOS
    assert current_desktop({"XDG_CURRENT_DESKTOP": "KDE"}, platform="darwin") is Desktop.NONE


@pytest.mark.parametrize(
    ("environ", "desktop"),
    [
        ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, Desktop.GNOME),
        ({"XDG_CURRENT_DESKTOP": "Budgie:GNOME"}, Desktop.BUDGIE),
        ({"XDG_CURRENT_DESKTOP": "KDE"}, Desktop.KDE),
        ({"XDG_CURRENT_DESKTOP": "X-Cinnamon"}, Desktop.CINNAMON),
        ({"XDG_CURRENT_DESKTOP": "XFCE"}, Desktop.XFCE),
        ({"XDG_CURRENT_DESKTOP": "sway"}, Desktop.SWAY),
        ({"XDG_CURRENT_DESKTOP": "Hyprland"}, Desktop.HYPRLAND),
        ({"KDE_FULL_SESSION": "true"}, Desktop.KDE),
        ({"DESKTOP_SESSION": "mate"}, Desktop.MATE),
        ({"XDG_CURRENT_DESKTOP": "Enlightenment"}, Desktop.OTHER),
        ({}, Desktop.OTHER),
    ],
)
def test_desktop_detection(environ: dict[str, str], desktop: Desktop) -> None:
    assert current_desktop(environ, platform="linux") is desktop


def test_only_wayland_needs_focus_to_read_the_clipboard() -> None:
    assert needs_focus_to_read_clipboard(DesktopSession(SessionKind.WAYLAND, Desktop.GNOME))
    assert not needs_focus_to_read_clipboard(DesktopSession(SessionKind.X11, Desktop.GNOME))
    assert not needs_focus_to_read_clipboard(DesktopSession(SessionKind.WINDOWS, Desktop.NONE))


def test_qt_platform_name_reads_the_running_application(qtbot: QtBot) -> None:
    assert qt_platform_name() == "offscreen"  # tests run Qt offscreen (tests/conftest.py)
    assert detect_session().qt_platform == "offscreen"


def test_tray_hints() -> None:
    gnome = DesktopSession(SessionKind.WAYLAND, Desktop.GNOME)
    assert tray_hint(gnome, tray_available=True) is None
    assert "AppIndicator" in (tray_hint(gnome, tray_available=False) or "")
    assert "Waybar" in (tray_hint(DesktopSession(SessionKind.WAYLAND, Desktop.SWAY), False) or "")
    assert tray_hint(DesktopSession(SessionKind.WINDOWS, Desktop.NONE), False) is None
