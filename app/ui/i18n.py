"""Interface language: follow the system (or the Settings override) and load the compiled Qt translation."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.core.paths import app_paths
from app.core.settings import load_settings
from app.core.errors import CloakroomError
from app.resources import resource_path

SUPPORTED_LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def chosen_language() -> str:
    """The language code to use: the setting if set, else the system's (English when unsupported)."""
    try:
        setting = load_settings(app_paths().settings).language
    except CloakroomError:
        setting = "system"
    if setting in SUPPORTED_LANGUAGES:
        return setting
    system = QLocale.system().name()  # e.g. "zh_CN", "en_US"
    return "zh_CN" if system.startswith("zh") else "en"


def install_translator(qapp: QApplication, language: str | None = None) -> str:
    """Load the translation for ``language`` (or the chosen one); English needs none. Returns the code used."""
    code = language or chosen_language()
    if code == "en":
        return code
    translator = QTranslator(qapp)
    if translator.load(str(resource_path(f"i18n/cloakroom_{code}.qm"))):
        qapp.installTranslator(translator)
    return code
