"""Start Cloakroom at login: an XDG autostart entry on Linux, the ``Run`` registry key on Windows, a LaunchAgent on macOS.

Each mechanism is one small class with ``is_enabled()``, ``enable()`` and ``disable()``; `autostart()` picks the one
for this OS. The content each writes (desktop entry, registry value, plist) comes from pure functions, so it can be
checked on any OS; only the writing itself touches the system.

The command started is the installed ``cloakroom`` launcher (`launch_command`): the bundle's executable when frozen,
otherwise the console script next to the running interpreter.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

APP_ID = "cloakroom"
DESKTOP_FILE_NAME = f"{APP_ID}.desktop"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_VALUE_NAME = "Cloakroom"
LAUNCH_AGENT_LABEL = "org.cloakroom.Cloakroom"

# The XDG autostart entry; resources/cloakroom-autostart.desktop holds the same text for packaging (a test keeps them
# equal). @EXEC@ is replaced by the quoted command line.
DESKTOP_ENTRY_TEMPLATE = """\
[Desktop Entry]
Type=Application
Name=Cloakroom
GenericName=Clipboard privacy guard
Comment=Masks private data in copied text before it is pasted into a chatbot
Exec=@EXEC@
Icon=cloakroom
Terminal=false
Categories=Utility;Security;
X-GNOME-Autostart-enabled=true
X-GNOME-Autostart-Delay=3
X-KDE-autostart-after=panel
"""


class Autostart(Protocol):
    """Start-at-login for one OS."""

    def is_enabled(self) -> bool: ...

    def enable(self) -> None: ...

    def disable(self) -> None: ...

    def location(self) -> str:
        """Where the setting lives, for the Settings page ("~/.config/autostart/cloakroom.desktop")."""
        ...


# --- the command -----------------------------------------------------------------------------------------------------


def launch_command() -> list[str]:
    """The command line that starts this installation of Cloakroom."""
    appimage = os.environ.get("APPIMAGE")
    if appimage:  # inside an AppImage sys.executable lies in a temporary mount that is gone after exit
        return [appimage]
    if getattr(sys, "frozen", False):  # PyInstaller and friends: the bundle's executable is the app
        return [sys.executable]
    script = _console_script_beside_interpreter()
    if script is not None:
        return [str(script)]
    on_path = shutil.which(APP_ID)
    if on_path:
        return [on_path]
    return [sys.executable, "-m", "app"]


def _console_script_beside_interpreter() -> Path | None:
    """The ``cloakroom`` script pip put into this virtualenv's bin/Scripts folder, if there is one."""
    folder = Path(sys.executable).parent
    names = ("cloakroom.exe", "cloakroom-script.py") if sys.platform.startswith("win") else ("cloakroom",)
    for name in names:
        candidate = folder / name
        if candidate.is_file():
            return candidate.absolute()
    return None


# --- Linux: XDG autostart ----------------------------------------------------------------------------------------------


def quote_desktop_exec(arguments: Sequence[str]) -> str:
    """An ``Exec=`` value per the Desktop Entry spec: reserved characters quoted, ``%`` doubled.

    Inside double quotes, ``"``, `` ` ``, ``$`` and ``\\`` are escaped with a backslash; the key-file format then
    escapes every backslash once more.
    """
    return " ".join(_quote_exec_argument(argument) for argument in arguments).replace("\\", "\\\\")


_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def _quote_exec_argument(argument: str) -> str:
    argument = argument.replace("%", "%%")
    if argument and not (_EXEC_RESERVED & set(argument)):
        return argument
    escaped = "".join("\\" + char if char in '"`$\\' else char for char in argument)
    return f'"{escaped}"'


def desktop_entry(command: Sequence[str]) -> str:
    """The autostart ``.desktop`` file's text for ``command``."""
    return DESKTOP_ENTRY_TEMPLATE.replace("@EXEC@", quote_desktop_exec(command))


def xdg_config_home(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME``, or ``~/.config`` when it is unset or not absolute (as the spec says)."""
    environ = dict(os.environ) if environ is None else environ
    configured = environ.get("XDG_CONFIG_HOME", "")
    if configured and Path(configured).is_absolute():
        return Path(configured)
    return Path.home() / ".config"


class XdgAutostart:
    """``$XDG_CONFIG_HOME/autostart/cloakroom.desktop``: honoured by GNOME, KDE, XFCE, Cinnamon, MATE, LXQt."""

    def __init__(self, autostart_dir: Path | None = None, command: Sequence[str] | None = None) -> None:
        self._dir = autostart_dir
        self._command = command

    @property
    def path(self) -> Path:
        folder = self._dir if self._dir is not None else xdg_config_home() / "autostart"
        return folder / DESKTOP_FILE_NAME

    def location(self) -> str:
        return str(self.path)

    def is_enabled(self) -> bool:
        """Enabled when our entry exists and is not switched off (``Hidden=true``, or GNOME's own toggle)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return False
        entries = _desktop_entry_keys(text)
        return entries.get("Hidden", "").lower() != "true" and (
            entries.get("X-GNOME-Autostart-enabled", "true").lower() != "false"
        )

    def enable(self) -> None:
        command = list(self._command) if self._command is not None else launch_command()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.path, desktop_entry(command).encode("utf-8"))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


def _desktop_entry_keys(text: str) -> dict[str, str]:
    """The keys of the ``[Desktop Entry]`` group (enough to read our own file and the switches users set)."""
    keys: dict[str, str] = {}
    in_entry = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_entry = line == "[Desktop Entry]"
        elif in_entry and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys[key.strip()] = value.strip()
    return keys


def _write_atomically(path: Path, content: bytes) -> None:
    """Write via a temporary file and rename, so a crash never leaves a half-written entry behind."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


# --- Windows: HKCU\...\Run ----------------------------------------------------------------------------------------------


def windows_run_value(command: Sequence[str]) -> str:
    """The ``Run`` value: a command line with Windows quoting (paths with spaces in double quotes)."""
    return subprocess.list2cmdline(list(command))


class RegistryValueStore(Protocol):
    """One string value under one key; the real one is winreg, tests use a dict."""

    def read(self) -> str | None: ...

    def write(self, value: str) -> None: ...

    def delete(self) -> None: ...


class WinregRunValue:  # pragma: no cover - Windows only
    """``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Cloakroom`` through winreg."""

    def __init__(self, value_name: str = WINDOWS_VALUE_NAME) -> None:
        self._name = value_name

    def read(self) -> str | None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                value, _kind = winreg.QueryValueEx(key, self._name)
        except FileNotFoundError:
            return None
        return str(value)

    def write(self, value: str) -> None:
        import winreg

        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            winreg.SetValueEx(key, self._name, 0, winreg.REG_SZ, value)

    def delete(self) -> None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, self._name)
        except FileNotFoundError:
            pass


class WindowsRunKeyAutostart:
    def __init__(self, store: RegistryValueStore | None = None, command: Sequence[str] | None = None) -> None:
        self._store = store if store is not None else WinregRunValue()
        self._command = command

    def location(self) -> str:
        return f"HKEY_CURRENT_USER\\{WINDOWS_RUN_KEY}\\{WINDOWS_VALUE_NAME}"

    def is_enabled(self) -> bool:
        return bool(self._store.read())

    def enable(self) -> None:
        command = list(self._command) if self._command is not None else launch_command()
        self._store.write(windows_run_value(command))

    def disable(self) -> None:
        self._store.delete()


# --- macOS: a LaunchAgent --------------------------------------------------------------------------------------------


def launch_agent_plist(command: Sequence[str], label: str = LAUNCH_AGENT_LABEL) -> bytes:
    """The LaunchAgent property list: run ``command`` once at login, in the user's graphical session."""
    return plistlib.dumps(
        {
            "Label": label,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "KeepAlive": False,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
    )


class LaunchAgentAutostart:
    """``~/Library/LaunchAgents/<label>.plist``; launchd reads it at the next login."""

    def __init__(self, agents_dir: Path | None = None, command: Sequence[str] | None = None) -> None:
        self._dir = agents_dir
        self._command = command

    @property
    def path(self) -> Path:
        folder = self._dir if self._dir is not None else Path.home() / "Library" / "LaunchAgents"
        return folder / f"{LAUNCH_AGENT_LABEL}.plist"

    def location(self) -> str:
        return str(self.path)

    def is_enabled(self) -> bool:
        try:
            agent = plistlib.loads(self.path.read_bytes())
        except (FileNotFoundError, plistlib.InvalidFileException):
            return False
        return bool(agent.get("RunAtLoad")) and not agent.get("Disabled", False)

    def enable(self) -> None:
        command = list(self._command) if self._command is not None else launch_command()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.path, launch_agent_plist(command))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


# --- this OS ---------------------------------------------------------------------------------------------------------


def autostart(platform: str | None = None) -> Autostart:
    """The start-at-login mechanism of ``platform`` (``sys.platform`` by default)."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return WindowsRunKeyAutostart()
    if platform == "darwin":
        return LaunchAgentAutostart()
    return XdgAutostart()


def is_enabled() -> bool:
    return autostart().is_enabled()


def set_enabled(enabled: bool) -> None:
    """Turn start-at-login on or off (the Settings checkbox)."""
    mechanism = autostart()
    if enabled:
        mechanism.enable()
    else:
        mechanism.disable()


def refresh() -> None:
    """Rewrite an existing entry with the current command, so a moved or reinstalled app still starts at login.

    Meant for app start-up; does nothing when start-at-login is off.
    """
    mechanism = autostart()
    if mechanism.is_enabled():
        mechanism.enable()
