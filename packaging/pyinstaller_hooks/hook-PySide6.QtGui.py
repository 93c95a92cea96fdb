"""Replaces PyInstaller's hook for PySide6.QtGui: the same collection, minus the Qt plugins Cloakroom never loads.

Trimming here rather than in build.spec matters: PyInstaller analyses the libraries a plugin links after the hooks
run, so a plugin dropped here also leaves its dependencies out (the GTK 3 theme alone drags in GTK's, Cairo's and
Pango's libraries, which must come from the user's system anyway, never from the build machine).
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Plugin folders (under Qt's plugins/) not needed by a widgets app drawn in software: input-device plugins for
# framebuffer setups and EGL device integrations for kiosk displays.
UNUSED_PLUGIN_FOLDERS = ("generic", "egldeviceintegrations")
# File-name fragments of unused plugins in the folders that stay.
UNUSED_PLUGIN_NAMES = (
    # Platforms other than X11, Wayland, Windows, macOS, offscreen (the self-test) and minimal.
    *("qvnc", "qlinuxfb", "qeglfs", "qminimalegl", "qvkkhrdisplay", "qdirect2d"),
    # Image formats other than SVG and ICO (PNG is built into QtGui).
    *("qgif", "qjpeg", "qtiff", "qwebp", "qtga", "qwbmp", "qpdf", "qicns", "qmacheif", "qmacjp2"),
    # The GTK 3 theme (see above); Qt falls back to the XDG desktop portal theme.
    "qgtk3",
    # Wayland shells other than xdg-shell, and compositor-side buffer integrations.
    *("fullscreen-shell", "ivi-shell", "qt-shell", "wl-shell", "-server."),
)


def is_unused_plugin(source: str, destination_folder: str) -> bool:
    """True for a plugin file (``source``) collected into ``…/plugins/<folder>`` that the app never loads."""
    parts = destination_folder.replace("\\", "/").split("/")
    if "plugins" not in parts or parts[-1] == "plugins":
        return False
    file_name = source.replace("\\", "/").rsplit("/", 1)[-1]
    folder = parts[parts.index("plugins") + 1]
    return folder in UNUSED_PLUGIN_FOLDERS or any(fragment in file_name for fragment in UNUSED_PLUGIN_NAMES)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, folder) for source, folder in binaries if not is_unused_plugin(source, folder)]
