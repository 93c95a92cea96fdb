"""Fast checks of the packaging pieces that do not need a bundle: icons, desktop entries, the Linux installer, the
per-OS metadata files, the bundle checks, and the quiet test model the bundle smoke test uses."""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from app.core.vault.keys import KEYRING_SERVICE
from app.platform import autostart
from tests.helpers.models import load_llama
from tests.packaging import REPO_ROOT, packaging_script

build_bundle = packaging_script("build_bundle.py")
render_icons = packaging_script("render_icons.py")
package_linux = packaging_script("linux/package_linux.py")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])  # IHDR width, height


# --- icons ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered_icons(tmp_path_factory: pytest.TempPathFactory, qapp: object) -> Path:
    """All icon formats, rendered once (``qapp`` first: a QGuiApplication made here would break later widget tests)."""
    folder = tmp_path_factory.mktemp("icons")
    render_icons.render_all(folder)
    return folder


def test_linux_icons_come_in_every_theme_size(rendered_icons: Path) -> None:
    for size in render_icons.LINUX_SIZES:
        png = (rendered_icons / "hicolor" / f"{size}x{size}" / "apps" / "cloakroom.png").read_bytes()
        assert png_size(png) == (size, size)
    assert (rendered_icons / "hicolor" / "scalable" / "apps" / "cloakroom.svg").is_file()


def test_icons_are_drawn_not_blank(rendered_icons: Path) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(rendered_icons / "hicolor" / "64x64" / "apps" / "cloakroom.png"))
    assert image.pixelColor(32, 32).alpha() == 255  # the opaque rounded square
    assert image.pixelColor(0, 0).alpha() == 0  # its transparent corner


def test_ico_holds_each_windows_size_as_png(rendered_icons: Path) -> None:
    data = (rendered_icons / "cloakroom.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(render_icons.WINDOWS_SIZES))
    sizes = []
    for index in range(count):
        width, _height, _colors, _reserved, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        actual = png_size(data[offset : offset + length])
        assert actual[0] == (width or 256)
        sizes.append(actual[0])
    assert sorted(sizes) == sorted(render_icons.WINDOWS_SIZES)


def test_icns_chunks_add_up_and_carry_pngs(rendered_icons: Path) -> None:
    data = (rendered_icons / "cloakroom.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    position, found = 8, {}
    while position < len(data):
        kind, length = data[position : position + 4], struct.unpack(">I", data[position + 4 : position + 8])[0]
        found[kind] = png_size(data[position + 8 : position + length])[0]
        position += length
    assert found == {kind: size for size, kind in render_icons.ICNS_TYPES.items()}


# --- Linux desktop entries and the installer ------------------------------------------------------------------------


def test_menu_entry_is_the_autostart_template_without_autostart_keys() -> None:
    entry = package_linux.menu_entry("cloakroom")
    template = (REPO_ROOT / "resources" / "cloakroom-autostart.desktop").read_text(encoding="utf-8")
    assert "Autostart" not in entry and "autostart" not in entry
    kept = [line for line in template.splitlines() if not line.startswith(("X-GNOME-Autostart", "X-KDE-autostart"))]
    assert entry.splitlines()[: len(kept)] == [line.replace("@EXEC@", "cloakroom") for line in kept]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_menu_entry_passes_desktop_file_validate(tmp_path: Path) -> None:
    path = tmp_path / "cloakroom.desktop"
    path.write_text(package_linux.menu_entry(), encoding="utf-8")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


@pytest.fixture()
def unpacked_tarball(tmp_path: Path, qapp: object) -> Path:
    """The tarball's folder around a stand-in bundle (a shell script as `cloakroom`, the real resources)."""
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "resources", bundle / "_internal" / "resources")
    launcher = bundle / "cloakroom"
    launcher.write_text('#!/bin/sh\necho stand-in cloakroom "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return package_linux.stage_tarball_tree(bundle, tmp_path / "cloakroom-0.0.0-linux-x86_64")


def run_installer(tree: Path, home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    return subprocess.run(
        ["bash", str(tree / "install.sh"), *arguments], capture_output=True, text=True, env=environment, check=False
    )


def test_installer_writes_the_same_autostart_entry_as_the_app(unpacked_tarball: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    prefix = tmp_path / "odd $prefix 100%"  # characters the Desktop Entry spec makes us quote and escape
    result = run_installer(unpacked_tarball, home, "--prefix", str(prefix), "--autostart")
    assert result.returncode == 0, result.stderr
    launcher = prefix / "bin" / "cloakroom"
    version = subprocess.run([str(launcher), "--version"], capture_output=True, text=True, check=False)
    assert version.stdout.startswith("stand-in cloakroom --version")
    autostart_entry = (home / "config" / "autostart" / "cloakroom.desktop").read_text(encoding="utf-8")
    assert autostart_entry == autostart.desktop_entry([str(launcher)])
    menu_entry = (prefix / "share" / "applications" / "cloakroom.desktop").read_text(encoding="utf-8")
    assert f"Exec={autostart.quote_desktop_exec([str(launcher)])}\n" in menu_entry
    assert (prefix / "share" / "icons" / "hicolor" / "48x48" / "apps" / "cloakroom.png").is_file()


def test_uninstall_keeps_the_vault_unless_purged(unpacked_tarball: Path, tmp_path: Path) -> None:
    home, prefix = tmp_path / "home", tmp_path / "prefix"
    vault = home / "data" / "Cloakroom" / "vault.db"
    vault.parent.mkdir(parents=True)
    vault.write_bytes(b"encrypted")
    assert run_installer(unpacked_tarball, home, "--prefix", str(prefix), "--autostart").returncode == 0

    assert run_installer(unpacked_tarball, home, "--prefix", str(prefix), "--uninstall").returncode == 0
    assert not (prefix / "lib" / "cloakroom").exists() and not (prefix / "bin" / "cloakroom").exists()
    assert not (home / "config" / "autostart" / "cloakroom.desktop").exists()
    assert not list((prefix / "share" / "icons").rglob("cloakroom.*"))
    assert vault.is_file()

    assert run_installer(unpacked_tarball, home, "--prefix", str(prefix), "--uninstall", "--purge").returncode == 0
    assert not vault.parent.exists()


# --- Windows and macOS metadata -------------------------------------------------------------------------------------


def iss_define(name: str) -> str:
    text = (REPO_ROOT / "packaging" / "windows" / "cloakroom.iss").read_text(encoding="utf-8")
    match = re.search(rf'^#define {name} "([^"]*)"$', text, re.MULTILINE)
    assert match is not None, f"cloakroom.iss has no #define {name}"
    return match.group(1)


def test_inno_setup_script_uses_the_apps_own_names() -> None:
    """The installer's autostart value and vault-key cleanup must match what the app writes."""
    assert iss_define("RunKey") == autostart.WINDOWS_RUN_KEY
    assert iss_define("RunValue") == autostart.WINDOWS_VALUE_NAME
    assert iss_define("KeyringTarget") == KEYRING_SERVICE


def test_macos_plists_make_a_menu_bar_app_with_the_hardened_runtime_basics() -> None:
    info = plistlib.loads((REPO_ROOT / "packaging" / "macos" / "Info.plist").read_bytes())
    assert info["LSUIElement"] is True
    assert "CFBundleShortVersionString" not in info  # build.spec adds it from pyproject.toml
    entitlements = plistlib.loads((REPO_ROOT / "packaging" / "macos" / "entitlements.plist").read_bytes())
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}


# --- bundle checks --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["libwayland-cursor.so.0", "libGL.so.1", "libEGL.so.1", "libxcb.so.1", "libc.so.6", "libvulkan.so.1"]
)
def test_libraries_a_desktop_provides_may_stay_unresolved(name: str) -> None:
    assert build_bundle.HOST_LIBRARIES.match(name)


@pytest.mark.parametrize("name", ["libxcb-icccm.so.4", "libQt6Gui.so.6", "libgomp.so.1", "libllama.so.0"])
def test_other_unresolved_libraries_are_problems(name: str) -> None:
    assert not build_bundle.HOST_LIBRARIES.match(name)


def test_required_glibc_is_the_highest_version_asked_for(tmp_path: Path) -> None:
    (tmp_path / "a.so").write_bytes(b"\x7fELF....GLIBC_2.17\x00GLIBC_2.34\x00")
    (tmp_path / "b.so").write_bytes(b"\x7fELF....GLIBC_2.4\x00")
    (tmp_path / "notes.txt").write_bytes(b"GLIBC_9.99")  # not an ELF file: ignored
    assert build_bundle.required_glibc(tmp_path) == "2.34"


def test_check_flags_a_model_inside_and_missing_resources(tmp_path: Path) -> None:
    (tmp_path / "_internal").mkdir()
    (tmp_path / "_internal" / "weights.gguf").write_bytes(b"GGUF")
    problems = build_bundle.check_bundle(tmp_path).problems
    assert any("weights.gguf" in problem for problem in problems)
    assert any("resources/" in problem for problem in problems)


def test_size_counts_symlinks_once(tmp_path: Path) -> None:
    (tmp_path / "libx.so.0").write_bytes(b"x" * 1000)
    (tmp_path / "libx.so").symlink_to("libx.so.0")
    assert build_bundle.tree_size(tmp_path) == 1000


def test_translations_are_compiled_for_the_bundle(tmp_path: Path, qapp: object) -> None:
    from PySide6.QtCore import QTranslator

    (tmp_path / "cloakroom_zh_CN.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="zh_CN">\n'
        "<context><name>Tray</name><message><source>Quit</source><translation>退出</translation></message>"
        "</context>\n</TS>\n",
        encoding="utf-8",
    )
    [compiled] = build_bundle.compile_translations(tmp_path)
    translator = QTranslator()
    assert translator.load(str(compiled))
    assert translator.translate("Tray", "Quit") == "退出"


def test_spec_and_packages_read_the_version_from_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[build-system]\nrequires = []\n\n[project]\nname = "x"\nversion = "9.8.7"\n', "utf-8")
    assert build_bundle.project_version(pyproject) == "9.8.7"


# --- the quiet model used by the bundle smoke test ------------------------------------------------------------------


def test_quiet_model_answers_nothing_found_in_a_few_tokens(quiet_qwen3_gguf: Path) -> None:
    from app.core.detectors.model.detector import ModelDetector

    llama = load_llama(quiet_qwen3_gguf, n_ctx=4096)
    try:
        detector = ModelDetector(llama, max_new_tokens=8)  # a model that rambles would fail here at once
        findings = detector.detect("Write to dana.reyes@example.org; my password is Tr0ub4dor&3.")
    finally:
        llama.close()
    assert findings == []
    assert detector.last_stats is not None and detector.last_stats.generated_tokens <= 3
