"""Interface language: follow the system (or the Settings override) and load the compiled Qt translations.

Three things change with the language:

- Cloakroom's own catalogue, ``resources/i18n/cloakroom_<code>.qm``, compiled from the ``.ts`` source by
  ``python packaging/i18n.py build`` (the .qm files are build output, never committed). English has a small one too:
  it holds only the plural forms ("1 item", "2 items") of messages written as "%n item(s)".
- Qt's own catalogue (``qtbase_<code>.qm``, shipped with PySide6): the OK/Cancel buttons, the wizard's Back/Next,
  the text boxes' context menus.
- For Chinese, the fonts: Han characters fall back to whichever CJK font fontconfig lists first, often the Japanese
  one, whose glyphs differ from the Simplified Chinese forms (直, 骨, 写). Simplified Chinese fonts are put first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.core.errors import CloakroomError
from app.core.paths import app_paths
from app.core.settings import load_settings
from app.resources import resource_path

SUPPORTED_LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
# Tried in order for characters the interface font lacks; families a system does not have are skipped.
SIMPLIFIED_CHINESE_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
)

_installed: list[QTranslator] = []
_current_language: str | None = None
_font_before: QFont | None = None  # the application font before Chinese fonts were put first


def chosen_language() -> str:
    """The language code to use: the setting if set, else the system's (English when unsupported)."""
    try:
        setting = load_settings(app_paths().settings).language
    except CloakroomError:
        setting = "system"
    if setting in SUPPORTED_LANGUAGES:
        return setting
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def current_language() -> str:
    """The language the interface was last set to (the chosen one before `install_translator` ran)."""
    return _current_language or chosen_language()


def translation_file(code: str) -> Path:
    return resource_path(f"i18n/cloakroom_{code}.qm")


def install_translator(qapp: QApplication, language: str | None = None) -> str:
    """Switch the interface to ``language`` (default: the chosen one): replaces the catalogues installed before,
    so Settings can change the language while the app runs. Returns the code used."""
    global _current_language  # one interface language per process
    code = language if language in SUPPORTED_LANGUAGES else chosen_language()
    for translator in _installed:
        qapp.removeTranslator(translator)
    _installed.clear()
    _load(qapp, translation_file(code), required=code != "en")
    if code != "en":
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        _load(qapp, Path(qt_folder) / f"qtbase_{code}.qm", required=False)
    _prefer_fonts_for(qapp, code)
    _current_language = code
    return code


def _load(qapp: QApplication, path: Path, *, required: bool) -> None:
    translator = QTranslator(qapp)
    if translator.load(str(path)):
        qapp.installTranslator(translator)
        _installed.append(translator)
    elif required:
        # A source checkout where the translations were not built: say how, once, on stderr (no user data in it).
        print(f"Cloakroom: {path.name} is missing; run `python packaging/i18n.py build`.", file=sys.stderr)


def _prefer_fonts_for(qapp: QApplication, code: str) -> None:
    """Put Simplified Chinese fonts first in the fallback list for a Chinese interface or a Chinese system, and
    take them out again when the interface changes to another language."""
    global _font_before  # restored when the language changes back
    wanted = code == "zh_CN" or QLocale.system().name() in ("zh_CN", "zh_SG")
    if not wanted:
        if _font_before is not None:
            qapp.setFont(_font_before)
            _font_before = None
        return
    if _font_before is not None:
        return
    _font_before = QFont(qapp.font())
    font = QFont(_font_before)
    families = list(font.families()) or [font.family()]
    font.setFamilies(families + [name for name in SIMPLIFIED_CHINESE_FONTS if name not in families])
    qapp.setFont(font)
