"""Replaces PyInstaller's hook for PySide6.QtNetwork: Cloakroom uses QtNetwork only for QLocalServer/QLocalSocket (the
single-instance channel), so the TLS backends, the network-information plugins and the OpenSSL copies collected for
them stay out. Model downloads go through Python's urllib, which has its own OpenSSL."""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

UNUSED_PLUGIN_FOLDERS = ("tls", "networkinformation")


def is_unused_plugin(destination_folder: str) -> bool:
    parts = destination_folder.replace("\\", "/").split("/")
    return "plugins" in parts and parts[-1] in UNUSED_PLUGIN_FOLDERS


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, folder) for source, folder in binaries if not is_unused_plugin(folder)]
