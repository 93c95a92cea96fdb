"""The fallback: forwarding commands and where each desktop binds them; the null backend; the factory's override."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.platform.desktop import Desktop, DesktopSession, SessionKind
from app.platform.hotkeys import (
    DEFAULT_SEQUENCES,
    FORWARDING_COMMANDS,
    NullHotkeyManager,
    RegistrationStatus,
    command_line,
    create_hotkey_manager,
    hotkey_guidance,
    parse_hotkey,
)

LAUNCHER = ["cloakroom"]


def test_every_default_is_a_valid_hotkey_and_has_a_command() -> None:
    assert (
        set(DEFAULT_SEQUENCES)
        == {command.action_id for command in FORWARDING_COMMANDS}
        == {
            "mask",
            "unmask",
            "review",
        }
    )
    for sequence in DEFAULT_SEQUENCES.values():
        parse_hotkey(sequence)
    assert [command.option for command in FORWARDING_COMMANDS] == [
        "--mask-clipboard",
        "--unmask-clipboard",
        "--review",
    ]


@pytest.mark.parametrize(
    ("desktop", "place"),
    [
        (Desktop.GNOME, "Settings → Keyboard"),
        (Desktop.KDE, "System Settings → Keyboard → Shortcuts"),
        (Desktop.XFCE, "Application Shortcuts"),
        (Desktop.CINNAMON, "Custom Shortcuts"),
        (Desktop.OTHER, "keyboard settings"),
    ],
)
def test_guidance_names_the_desktops_settings_and_lists_the_commands(desktop: Desktop, place: str) -> None:
    text = hotkey_guidance(DesktopSession(SessionKind.WAYLAND, desktop), launcher=LAUNCHER)
    assert place in text
    for command in ("cloakroom --mask-clipboard", "cloakroom --unmask-clipboard", "cloakroom --review"):
        assert command in text


def test_tiling_compositors_get_config_lines() -> None:
    sway = hotkey_guidance(DesktopSession(SessionKind.WAYLAND, Desktop.SWAY), launcher=LAUNCHER)
    assert "bindsym Ctrl+Mod1+m exec cloakroom --mask-clipboard" in sway
    hyprland = hotkey_guidance(DesktopSession(SessionKind.WAYLAND, Desktop.HYPRLAND), launcher=LAUNCHER)
    assert "bind = CTRL ALT, R, exec, cloakroom --review" in hyprland


def test_windows_and_macos_guidance() -> None:
    assert "Shortcut key" in hotkey_guidance(DesktopSession(SessionKind.WINDOWS, Desktop.NONE), launcher=LAUNCHER)
    assert "Shortcuts app" in hotkey_guidance(DesktopSession(SessionKind.MACOS, Desktop.NONE), launcher=LAUNCHER)


def test_command_lines_quote_launcher_paths() -> None:
    assert command_line("--review", ["/opt/my apps/cloakroom"]) == "'/opt/my apps/cloakroom' --review"


def test_the_null_backend_registers_nothing_and_says_why(qtbot: QtBot) -> None:
    manager = NullHotkeyManager("No hotkeys in this test.")
    result = manager.register("mask", "Ctrl+Alt+M")
    assert result.status is RegistrationStatus.UNSUPPORTED
    assert result.message == "No hotkeys in this test."
    assert manager.registered() == {}
    assert not manager.is_supported
    assert manager.register("mask", "Shift+M").status is RegistrationStatus.INVALID  # parsing still explains


def test_the_backend_variable_overrides_the_choice(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOAKROOM_HOTKEY_BACKEND", "none")
    manager = create_hotkey_manager(session=DesktopSession(SessionKind.X11, Desktop.GNOME))
    assert manager.backend_name == "none"
    assert "no global hotkeys" in manager.unsupported_reason


def test_a_backend_that_fails_to_start_becomes_null(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOAKROOM_HOTKEY_BACKEND", raising=False)
    monkeypatch.setenv("DISPLAY", ":99999")  # no such X server
    manager = create_hotkey_manager(session=DesktopSession(SessionKind.X11, Desktop.OTHER))
    assert manager.backend_name == "none"
    assert "X server" in manager.unsupported_reason
