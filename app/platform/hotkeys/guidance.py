"""What to tell users whose session has no global hotkeys: bind Cloakroom's commands in the desktop's own settings.

Every action is also a command (``cloakroom --mask-clipboard`` ...) that forwards to the running instance, so any
desktop's custom-shortcut feature can trigger it. These texts name that feature's place for the common desktops.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ..autostart import launch_command
from ..desktop import Desktop, DesktopSession, SessionKind, detect_session

ACTION_MASK = "mask"
ACTION_UNMASK = "unmask"
ACTION_REVIEW = "review"

DEFAULT_SEQUENCES: dict[str, str] = {
    ACTION_MASK: "Ctrl+Alt+M",
    ACTION_UNMASK: "Ctrl+Alt+U",
    ACTION_REVIEW: "Ctrl+Alt+R",
}


@dataclass(frozen=True)
class ForwardingCommand:
    action_id: str
    option: str
    description: str
    default_sequence: str


FORWARDING_COMMANDS: tuple[ForwardingCommand, ...] = (
    ForwardingCommand(
        ACTION_MASK,
        "--mask-clipboard",
        QT_TRANSLATE_NOOP("HotkeyGuidance", "Mask the clipboard"),
        DEFAULT_SEQUENCES[ACTION_MASK],
    ),
    ForwardingCommand(
        ACTION_UNMASK,
        "--unmask-clipboard",
        QT_TRANSLATE_NOOP("HotkeyGuidance", "Unmask the clipboard"),
        DEFAULT_SEQUENCES[ACTION_UNMASK],
    ),
    ForwardingCommand(
        ACTION_REVIEW,
        "--review",
        QT_TRANSLATE_NOOP("HotkeyGuidance", "Open Cloakroom's review window"),
        DEFAULT_SEQUENCES[ACTION_REVIEW],
    ),
)


def command_line(option: str, launcher: Sequence[str] | None = None) -> str:
    """The shell command for one action: ``cloakroom --mask-clipboard``, or the full launcher path when needed."""
    launcher = list(launcher) if launcher is not None else _launcher_for_users()
    arguments = [*launcher, option]
    if sys.platform.startswith("win"):
        return subprocess.list2cmdline(arguments)
    return shlex.join(arguments)


def _launcher_for_users() -> list[str]:
    """``cloakroom`` when it is on PATH under that name (short and survives upgrades), else the full command."""
    command = launch_command()
    if len(command) == 1 and shutil.which("cloakroom") == command[0]:
        return ["cloakroom"]
    return command


# Marked for Qt's lupdate here, translated where they are shown (`_translated`): the texts are read at import time,
# before the interface's translator is installed.
_DESKTOP_STEPS: dict[Desktop, str] = {
    Desktop.GNOME: QT_TRANSLATE_NOOP(
        "HotkeyGuidance",
        "Open Settings → Keyboard → View and Customize Shortcuts → Custom Shortcuts, press '+', "
        "and add one shortcut per command below.",
    ),
    Desktop.BUDGIE: QT_TRANSLATE_NOOP(
        "HotkeyGuidance",
        "Open Budgie Control Center → Keyboard → Custom Shortcuts and add one shortcut per command below.",
    ),
    Desktop.KDE: QT_TRANSLATE_NOOP(
        "HotkeyGuidance",
        "Open System Settings → Keyboard → Shortcuts, choose 'Add New' → 'Command or Script' (Plasma 6; on Plasma 5: "
        "System Settings → Shortcuts → Custom Shortcuts → Edit → New → Global Shortcut → Command/URL), "
        "and add one shortcut per command below.",
    ),
    Desktop.XFCE: QT_TRANSLATE_NOOP(
        "HotkeyGuidance",
        "Open Settings → Keyboard → Application Shortcuts, press 'Add', and enter each command below.",
    ),
    Desktop.CINNAMON: QT_TRANSLATE_NOOP(
        "HotkeyGuidance",
        "Open System Settings → Keyboard → Shortcuts → Custom Shortcuts → 'Add custom shortcut' for each command "
        "below.",
    ),
    Desktop.MATE: QT_TRANSLATE_NOOP(
        "HotkeyGuidance", "Open Control Center → Keyboard Shortcuts, press 'Add', and enter each command below."
    ),
    Desktop.LXQT: QT_TRANSLATE_NOOP(
        "HotkeyGuidance", "Open LXQt Configuration Center → Shortcut Keys, press 'Add', and enter each command below."
    ),
    Desktop.SWAY: QT_TRANSLATE_NOOP(
        "HotkeyGuidance", "Add lines like these to ~/.config/sway/config, then reload sway:"
    ),
    Desktop.HYPRLAND: QT_TRANSLATE_NOOP("HotkeyGuidance", "Add lines like these to ~/.config/hypr/hyprland.conf:"),
}

_GENERIC_STEPS = QT_TRANSLATE_NOOP(
    "HotkeyGuidance", "Open your desktop's keyboard settings, add a custom shortcut for each command below:"
)
_WINDOWS_STEPS = QT_TRANSLATE_NOOP(
    "HotkeyGuidance",
    "Create a desktop shortcut to each command below, open its Properties, and set 'Shortcut key' "
    "(Windows only accepts Ctrl+Alt+<key> there).",
)
_MACOS_STEPS = QT_TRANSLATE_NOOP(
    "HotkeyGuidance",
    "Create a Quick Action in Automator or a shortcut in the Shortcuts app that runs each command below "
    "('Run Shell Script'), then assign it a key in System Settings → Keyboard → Keyboard Shortcuts → Services.",
)


def _translated(text: str) -> str:
    """A text marked above, in the interface's language (as it is when no translator is installed: the CLI)."""
    return QCoreApplication.translate("HotkeyGuidance", text)


def hotkey_guidance(session: DesktopSession | None = None, launcher: Sequence[str] | None = None) -> str:
    """Instructions for binding Cloakroom's commands in this desktop's own shortcut settings."""
    session = detect_session() if session is None else session
    lines = [_steps_for(session), ""]
    lines.extend(_command_lines(session.desktop, launcher))
    return "\n".join(lines)


def _steps_for(session: DesktopSession) -> str:
    if session.kind is SessionKind.WINDOWS:
        return _translated(_WINDOWS_STEPS)
    if session.kind is SessionKind.MACOS:
        return _translated(_MACOS_STEPS)
    return _translated(_DESKTOP_STEPS.get(session.desktop, _GENERIC_STEPS))


def _command_lines(desktop: Desktop, launcher: Sequence[str] | None) -> list[str]:
    lines = []
    for forwarding in FORWARDING_COMMANDS:
        command = command_line(forwarding.option, launcher)
        if desktop is Desktop.SWAY:
            lines.append(f"bindsym {_sway_keys(forwarding.default_sequence)} exec {command}")
        elif desktop is Desktop.HYPRLAND:
            modifiers, key = _hyprland_keys(forwarding.default_sequence)
            lines.append(f"bind = {modifiers}, {key}, exec, {command}")
        else:
            lines.append(f"{_translated(forwarding.description)} ({forwarding.default_sequence}):  {command}")
    return lines


def _sway_keys(sequence: str) -> str:
    """ "Ctrl+Alt+M" → "Ctrl+Mod1+m" (sway names Alt Mod1 and Meta Mod4)."""
    names = {"Ctrl": "Ctrl", "Alt": "Mod1", "Meta": "Mod4", "Shift": "Shift"}
    *modifiers, key = sequence.split("+")
    return "+".join([*(names[m] for m in modifiers), key.lower()])


def _hyprland_keys(sequence: str) -> tuple[str, str]:
    """ "Ctrl+Alt+M" → ("CTRL ALT", "M")."""
    names = {"Ctrl": "CTRL", "Alt": "ALT", "Meta": "SUPER", "Shift": "SHIFT"}
    *modifiers, key = sequence.split("+")
    return " ".join(names[m] for m in modifiers), key.upper()
