"""The user guide: both languages, the same sections and pictures, every picture present and small, the Help item
showing it with this session's hotkey problems on top — and the screenshot command producing the pictures it uses."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui import help as help_module
from app.ui import i18n
from tests.helpers.paths import REPO_ROOT
from tests.packaging import packaging_script

GUIDE = REPO_ROOT / "resources" / "guide"
LANGUAGES = ("en", "zh_CN")
SECTIONS = ("install", "first-run", "hotkeys", "review", "vault", "levels", "settings", "troubleshooting")
MAX_PICTURE_BYTES = 150 * 1024


class GuideParser(HTMLParser):
    """Picture sources, anchor names and internal links of a guide page."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[str] = []
        self.anchors: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.pictures.append(values.get("src") or "")
        elif tag == "a" and values.get("name"):
            self.anchors.append(values["name"] or "")
        elif tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.append((values["href"] or "")[1:])


def parse(language: str) -> GuideParser:
    parser = GuideParser()
    parser.feed((GUIDE / f"guide_{language}.html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_has_every_section_and_working_links(language: str) -> None:
    guide = parse(language)
    assert tuple(guide.anchors) == SECTIONS
    assert set(guide.links) <= set(guide.anchors)
    text = (GUIDE / f"guide_{language}.html").read_text(encoding="utf-8")
    for must in (
        "Ctrl+Alt+M",
        "Ctrl+Alt+U",
        "Ctrl+Alt+R",
        "GNOME",
        "Wayland",
        "CLOAKROOM_PASSPHRASE",
        "PL4",
        "PL3",
        "PL2",
        "cloakroom --mask-clipboard",
    ):
        assert must in text, must


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_exists_is_in_its_language_and_is_small(language: str) -> None:
    pictures = parse(language).pictures
    assert len(pictures) >= 6
    for source in pictures:
        assert source.startswith(f"images/{language}/"), source
        path = GUIDE / source
        assert path.is_file(), f"{source} is missing: run python packaging/screenshots.py"
        assert path.stat().st_size <= MAX_PICTURE_BYTES, source
        assert not QImage(str(path)).isNull(), source


def test_both_languages_show_the_same_pictures() -> None:
    names = {language: [Path(source).name for source in parse(language).pictures] for language in LANGUAGES}
    assert names["en"] == names["zh_CN"]
    on_disk = {path.name for path in (GUIDE / "images" / "en").glob("*.png")}
    assert on_disk == set(names["en"]) == {path.name for path in (GUIDE / "images" / "zh_CN").glob("*.png")}


def test_a_language_without_a_guide_gets_the_english_one() -> None:
    assert help_module.guide_path("fr") == GUIDE / "guide_en.html"
    assert help_module.guide_path("zh_CN") == GUIDE / "guide_zh_CN.html"


@pytest.fixture
def help_window() -> Iterator:
    """Closes the Help window a test opened, so the next test starts without one."""
    opened: list = []

    def show(problems: list[str]):
        dialog = help_module.show_help(problems)
        opened.append(dialog)
        return dialog

    yield show
    for dialog in opened:
        if help_module._open_dialog is dialog:
            dialog.close()
    QApplication.processEvents()


def test_help_shows_the_guide_with_its_pictures_and_the_hotkey_problems_first(qtbot: QtBot, help_window) -> None:
    problem = "Ctrl+Alt+M is already used by another program.\nBind <your own> key instead."
    dialog = help_window([problem])
    qtbot.waitExposed(dialog)
    text = dialog.browser.toPlainText()
    assert (
        text.index("Hotkeys on this computer")
        < text.index("Ctrl+Alt+M is already used")
        < text.index("Cloakroom user guide")
    )
    assert "Bind <your own> key instead." in text  # escaped, not swallowed as a tag
    for source in parse("en").pictures:
        data = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(source))
        assert data is not None and not QImage.fromData(bytes(data)).isNull(), source
    assert help_window([]) is dialog  # one Help window, refreshed
    assert "Hotkeys on this computer" not in dialog.browser.toPlainText()


def test_help_is_shown_in_chinese_when_the_interface_is(
    qtbot: QtBot, qapp: QApplication, help_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = packaging_script("i18n.py").build(out=tmp_path, force=True)
    monkeypatch.setattr(i18n, "translation_file", lambda code: tmp_path / f"cloakroom_{code}.qm")
    i18n.install_translator(qapp, "zh_CN")
    try:
        dialog = help_window(["Ctrl+Alt+M is already used by another program."])
        assert dialog.windowTitle() == "Cloakroom 帮助"
        text = dialog.browser.toPlainText()
        assert "本机上的快捷键" in text and "Cloakroom 使用指南" in text and "Cloakroom user guide" not in text
    finally:
        i18n.install_translator(qapp, "en")
        for translator in list(i18n._installed):
            qapp.removeTranslator(translator)
        i18n._installed.clear()
    assert len(built) == 2


@pytest.mark.xvfb
@pytest.mark.slow
def test_the_screenshot_command_draws_every_picture_the_guides_use(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is missing (apt-get install xvfb)")
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "packaging" / "screenshots.py"), "--out", str(tmp_path)],
        check=True,
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=300,
    )
    for language in LANGUAGES:
        for source in parse(language).pictures:
            drawn = tmp_path / re.sub(r"^images/", "", source)
            assert drawn.is_file(), source
            assert drawn.stat().st_size <= MAX_PICTURE_BYTES, source
