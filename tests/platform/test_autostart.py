"""Start at login: the XDG entry for real in a temporary XDG_CONFIG_HOME; Windows and macOS through their writers."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from app.platform import autostart
from app.platform.autostart import (
    DESKTOP_ENTRY_TEMPLATE,
    LaunchAgentAutostart,
    WindowsRunKeyAutostart,
    XdgAutostart,
    desktop_entry,
    launch_command,
    quote_desktop_exec,
    windows_run_value,
)
from tests.helpers.paths import REPO_ROOT

COMMAND = ["/opt/Cloakroom App/cloakroom"]


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def test_xdg_enable_writes_an_entry_that_disable_removes(config_home: Path) -> None:
    entry = XdgAutostart(command=COMMAND)
    assert not entry.is_enabled()
    entry.enable()
    path = config_home / "autostart" / "cloakroom.desktop"
    assert entry.path == path and entry.is_enabled()
    text = path.read_text()
    assert 'Exec="/opt/Cloakroom App/cloakroom"\n' in text
    assert "Type=Application" in text
    entry.disable()
    assert not path.exists() and not entry.is_enabled()
    entry.disable()  # twice is fine


def test_xdg_entry_switched_off_by_the_user_counts_as_disabled(config_home: Path) -> None:
    entry = XdgAutostart(command=COMMAND)
    entry.enable()
    entry.path.write_text(entry.path.read_text().replace("X-GNOME-Autostart-enabled=true", "Hidden=true"))
    assert not entry.is_enabled()


def test_module_functions_use_the_real_config_home(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autostart, "launch_command", lambda: ["/usr/bin/cloakroom"])
    monkeypatch.setattr(autostart.sys, "platform", "linux")
    autostart.set_enabled(True)
    assert autostart.is_enabled()
    assert "Exec=/usr/bin/cloakroom\n" in (config_home / "autostart" / "cloakroom.desktop").read_text()
    monkeypatch.setattr(autostart, "launch_command", lambda: ["/usr/local/bin/cloakroom"])
    autostart.refresh()
    assert "Exec=/usr/local/bin/cloakroom\n" in (config_home / "autostart" / "cloakroom.desktop").read_text()
    autostart.set_enabled(False)
    assert not autostart.is_enabled()
    autostart.refresh()  # off stays off
    assert not (config_home / "autostart" / "cloakroom.desktop").exists()


def test_a_relative_xdg_config_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert autostart.xdg_config_home({"XDG_CONFIG_HOME": "relative/dir"}) == tmp_path / ".config"


@pytest.mark.parametrize(
    ("arguments", "exec_value"),
    [
        (["/usr/bin/cloakroom"], "/usr/bin/cloakroom"),
        (["/opt/my app/cloakroom", "--x"], '"/opt/my app/cloakroom" --x'),
        (["/bin/c", "100%"], "/bin/c 100%%"),
        (["/bin/c", 'say "$HOME"'], '/bin/c "say \\\\"\\\\$HOME\\\\""'),
        (["C:\\odd\\path"], '"C:\\\\\\\\odd\\\\\\\\path"'),
    ],
)
def test_exec_quoting_follows_the_desktop_entry_spec(arguments: list[str], exec_value: str) -> None:
    assert quote_desktop_exec(arguments) == exec_value


def test_the_packaging_template_matches_the_code() -> None:
    assert (REPO_ROOT / "resources" / "cloakroom-autostart.desktop").read_text() == DESKTOP_ENTRY_TEMPLATE
    assert "@EXEC@" not in desktop_entry(COMMAND)


class DictRegistryValue:
    def __init__(self) -> None:
        self.value: str | None = None

    def read(self) -> str | None:
        return self.value

    def write(self, value: str) -> None:
        self.value = value

    def delete(self) -> None:
        self.value = None


def test_windows_run_value_quotes_paths_with_spaces() -> None:
    store = DictRegistryValue()
    run_key = WindowsRunKeyAutostart(store=store, command=["C:\\Program Files\\Cloakroom\\cloakroom.exe"])
    assert not run_key.is_enabled()
    run_key.enable()
    assert store.value == '"C:\\Program Files\\Cloakroom\\cloakroom.exe"'
    assert run_key.is_enabled()
    run_key.disable()
    assert not run_key.is_enabled()
    assert run_key.location().endswith("CurrentVersion\\Run\\Cloakroom")
    assert windows_run_value(["C:\\c.exe", "--x"]) == "C:\\c.exe --x"


def test_macos_launch_agent(tmp_path: Path) -> None:
    agent = LaunchAgentAutostart(agents_dir=tmp_path / "LaunchAgents", command=["/Applications/Cloakroom.app/x"])
    assert not agent.is_enabled()
    agent.enable()
    content = plistlib.loads(agent.path.read_bytes())
    assert content["ProgramArguments"] == ["/Applications/Cloakroom.app/x"]
    assert content["RunAtLoad"] is True
    assert content["Label"] == agent.path.stem
    assert agent.is_enabled()
    agent.disable()
    assert not agent.is_enabled()


def test_launch_command_prefers_the_frozen_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autostart.sys, "frozen", True, raising=False)
    monkeypatch.setattr(autostart.sys, "executable", "/opt/Cloakroom/cloakroom")
    assert launch_command() == ["/opt/Cloakroom/cloakroom"]


def test_launch_command_in_a_virtualenv_is_the_console_script(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "python").touch()
    (tmp_path / "cloakroom").touch()
    monkeypatch.setattr(autostart.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(autostart.sys, "platform", "linux")
    assert launch_command() == [str(tmp_path / "cloakroom")]
    (tmp_path / "cloakroom").unlink()
    monkeypatch.setattr(autostart.shutil, "which", lambda name: None)
    assert launch_command() == [str(tmp_path / "python"), "-m", "app"]


def test_inside_an_appimage_the_appimage_itself_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.platform.autostart import launch_command

    monkeypatch.setenv("APPIMAGE", "/home/dana/Apps/Cloakroom.AppImage")
    assert launch_command() == ["/home/dana/Apps/Cloakroom.AppImage"]
