"""The Chinese and English interface: a complete zh_CN catalogue that stays in step with the code, translations that
keep their placeholders and mnemonics, the real windows laid out in Chinese offscreen, and highlights that land on the
right characters of Chinese text."""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QPoint
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from app.core.detectors.rules import RulesDetector
from app.core.engine import Engine
from app.core.errors import Cancelled
from app.core.model_files.catalog import load_catalog
from app.core.model_files.hardware import GpuInfo, HardwareInfo, recommend
from app.core.settings import Settings, save_settings
from app.core.store import MemoryStore
from app.core.taxonomy import FALLBACK_TYPE, TYPE_LEVELS
from app.core.text_input import MAX_INPUT_CHARS, check_text, decode_input
from app.ui import i18n
from app.ui.application import CloakroomApp
from app.ui.review import ReviewWindow
from app.ui.settings_dialog import SettingsDialog
from app.ui.setup import SetupWizard
from app.ui.summaries import core_text, join_sentences
from app.ui.tray import Tray, TrayState
from app.ui.type_labels import TYPE_NAMES, type_display
from tests.helpers.paths import REPO_ROOT
from tests.packaging import packaging_script

i18n_script = packaging_script("i18n.py")
CATALOGUE = REPO_ROOT / "resources" / "i18n" / "cloakroom_zh_CN.ts"
ENGLISH_PLURALS = REPO_ROOT / "resources" / "i18n" / "cloakroom_en.ts"
CJK = re.compile(r"[\u4e00-\u9fff]")
# What a translation must carry over unchanged: format fields, Qt's %1/%n, the HTML tags our rich texts use, and
# placeholders such as <Email_1> or [Email_1] quoted in hints.
TOKENS = re.compile(r"\{[A-Za-z_]+(?::[^}]*)?\}|%\d|%n|</?(?:b|i|a|br|code|p)\b[^>]*>|[<\[][A-Z][A-Za-z]*[ _]\d+[>\]]")
MNEMONIC = re.compile(r"&([A-Za-z0-9])")


def messages(path: Path) -> list[tuple[str, ElementTree.Element]]:
    root = ElementTree.parse(path).getroot()
    return [
        (context.findtext("name") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def message_key(context: str, message: ElementTree.Element) -> tuple[str, str, str]:
    return context, message.findtext("source") or "", message.findtext("comment") or ""


def translations_of(message: ElementTree.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    forms = translation.findall("numerusform")
    return [form.text or "" for form in forms] if forms else [translation.text or ""]


# --- the catalogue ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", [CATALOGUE, ENGLISH_PLURALS], ids=["zh_CN", "en"])
def test_every_message_has_a_finished_translation(catalogue: Path) -> None:
    entries = messages(catalogue)
    assert entries, f"{catalogue.name} holds no messages"
    unfinished = [
        message.findtext("source")
        for _context, message in entries
        if message.find("translation") is None
        or message.find("translation").get("type") in ("unfinished", "obsolete", "vanished")  # type: ignore[union-attr]
        or not all(text.strip() for text in translations_of(message))
    ]
    assert unfinished == [], "translate these (python packaging/i18n.py update, then Qt Linguist)"


def test_the_chinese_catalogue_is_chinese() -> None:
    untranslated = [
        message.findtext("source")
        for _context, message in messages(CATALOGUE)
        if not any(CJK.search(text) for text in translations_of(message))
        and re.search(r"[a-z]{3}", TOKENS.sub("", message.findtext("source") or ""))
    ]
    # What reads the same in Chinese ("GPU", "CPU", "%1 (%2)", "{done} of {total}") has no three-letter lowercase
    # word outside its fields; every sentence and label has, and must then have Chinese in its translation.
    assert untranslated == []


@pytest.mark.parametrize("catalogue", [CATALOGUE, ENGLISH_PLURALS], ids=["zh_CN", "en"])
def test_translations_keep_placeholders_markup_and_mnemonics(catalogue: Path) -> None:
    for context, message in messages(catalogue):
        source = message.findtext("source") or ""
        for text in translations_of(message):
            assert sorted(TOKENS.findall(text)) == sorted(TOKENS.findall(source)), (context, source, text)
            assert [key.lower() for key in MNEMONIC.findall(text)] == [
                key.lower() for key in MNEMONIC.findall(source)
            ], (context, source)


def test_every_string_lupdate_finds_in_the_code_is_translated(tmp_path: Path) -> None:
    """A new or changed string in app/ fails here until the catalogue has it (python packaging/i18n.py update)."""
    fresh = tmp_path / "fresh.ts"
    subprocess.run(i18n_script.lupdate_command(i18n_script.Catalogue("zh_CN"), fresh), check=True, capture_output=True)
    found = {message_key(context, message) for context, message in messages(fresh)}
    assert len(found) > 400  # lupdate really read the code
    committed = {message_key(context, message) for context, message in messages(CATALOGUE)}
    assert sorted(found - committed) == []


def _translatable_calls(path: Path) -> Iterator[tuple[str, str, int]]:
    """(context, text, line) of every tr/translate/QT_TRANSLATE_NOOP call with literal text, read from the syntax
    tree: lupdate silently skips some forms (a call inside an f-string, an argument that calls a function)."""

    def literal(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str)

    def visit(node: ast.AST, class_name: str | None) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.ClassDef) else class_name
            if isinstance(child, ast.Call):
                name = child.func.attr if isinstance(child.func, ast.Attribute) else getattr(child.func, "id", "")
                arguments = child.args
                if name == "tr" and class_name and arguments and literal(arguments[0]):
                    yield class_name, arguments[0].value, child.lineno  # type: ignore[attr-defined]
                elif (
                    name in ("translate", "QT_TRANSLATE_NOOP")
                    and len(arguments) >= 2
                    and all(literal(argument) for argument in arguments[:2])
                ):
                    yield arguments[0].value, arguments[1].value, child.lineno  # type: ignore[attr-defined]
            yield from visit(child, inner)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")), None)


def test_lupdate_misses_no_translatable_call_of_the_code() -> None:
    committed = {(context, message.findtext("source")) for context, message in messages(CATALOGUE)}
    missing = [
        f"{path.relative_to(REPO_ROOT)}:{line} [{context}] {text!r}"
        for path in sorted((REPO_ROOT / "app").rglob("*.py"))
        for context, text, line in _translatable_calls(path)
        if (context, text) not in committed
    ]
    assert missing == [], "lupdate cannot see these calls: keep the text literal and the arguments simple"


def test_every_type_of_the_taxonomy_has_a_translated_label() -> None:
    assert set(TYPE_LEVELS) | {FALLBACK_TYPE} <= set(TYPE_NAMES)
    labelled = {message.findtext("source") for context, message in messages(CATALOGUE) if context == "TypeLabels"}
    assert set(TYPE_NAMES) <= labelled


# --- switching languages ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled_catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed .ts files compiled by the project's own build step, into a folder of this test run."""
    out = tmp_path_factory.mktemp("qm")
    built = i18n_script.build(out=out, force=True)
    assert sorted(path.name for path in built) == ["cloakroom_en.qm", "cloakroom_zh_CN.qm"]
    return out


@pytest.fixture
def language(qapp: QApplication, compiled_catalogues: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Call with "zh_CN" or "en" to switch the interface; English (no translator at all) again afterwards."""
    monkeypatch.setattr(i18n, "translation_file", lambda code: compiled_catalogues / f"cloakroom_{code}.qm")

    yield lambda code: i18n.install_translator(qapp, code)
    i18n.install_translator(qapp, "en")
    for translator in list(i18n._installed):  # the tests that follow expect the untranslated English source
        qapp.removeTranslator(translator)
    i18n._installed.clear()


def test_the_setting_overrides_the_system_language(monkeypatch: pytest.MonkeyPatch) -> None:
    class ChineseSystem:
        @staticmethod
        def system() -> QLocale:
            return QLocale("zh_CN")

    monkeypatch.setattr(i18n, "QLocale", ChineseSystem)
    assert i18n.chosen_language() == "zh_CN"  # no settings file yet: "system"
    settings_file = i18n.app_paths().ensure().settings
    save_settings(Settings(language="en"), settings_file)
    assert i18n.chosen_language() == "en"
    save_settings(Settings(language="zh_CN"), settings_file)
    monkeypatch.setattr(ChineseSystem, "system", staticmethod(lambda: QLocale("de_DE")))
    assert i18n.chosen_language() == "zh_CN"
    save_settings(Settings(language="system"), settings_file)
    assert i18n.chosen_language() == "en"  # an unsupported system language falls back to English


def test_switching_language_retranslates_the_tray_menu_and_prefers_chinese_fonts(qapp: QApplication, language) -> None:
    tray = Tray(lambda: TrayState("ready", "", False, {"mask": "Ctrl+Alt+M"}, False))
    assert language("zh_CN") == "zh_CN"
    tray.rebuild_menu()
    assert "遮盖剪贴板(&M)" in tray.action_texts()
    assert "Noto Sans CJK SC" in qapp.font().families()
    language("en")
    tray.rebuild_menu()
    assert "&Mask clipboard" in tray.action_texts() and "遮盖剪贴板(&M)" not in tray.action_texts()
    if QLocale.system().name() not in ("zh_CN", "zh_SG"):
        assert "Noto Sans CJK SC" not in qapp.font().families()


def test_english_gets_its_plural_forms(language) -> None:
    language("en")
    assert QCoreApplication.translate("MaskTab", "%n value(s) kept.", "", 1) == "1 value kept."
    assert QCoreApplication.translate("MaskTab", "%n value(s) kept.", "", 3) == "3 values kept."


def test_common_core_messages_are_shown_in_chinese(language) -> None:
    language("zh_CN")
    failures = []
    for bad_input in ("", "a\x00b", "\x01\x02\x03x", "broken \ud800", "a" * (MAX_INPUT_CHARS + 1)):
        try:
            check_text(bad_input)
        except Exception as error:  # noqa: BLE001 - each of these raises InputError
            failures.append(error)
    try:
        decode_input(b"\xff\xfe\xfa")
    except Exception as error:  # noqa: BLE001
        failures.append(error)
    failures.append(Cancelled())
    assert len(failures) == 7
    for error in failures:
        assert CJK.search(core_text(error)), str(error)
    too_large = core_text(failures[4])
    assert f"{MAX_INPUT_CHARS:,}" in too_large
    assert core_text("Some other sentence.") == "Some other sentence."


@pytest.mark.parametrize(("ram_gb", "gpu_gb"), [(64, 0), (8, 0), (5, 0), (2, 0), (16, 24), (16, 8)])
def test_the_hardware_advice_of_the_setup_wizard_is_shown_in_chinese(language, ram_gb: int, gpu_gb: int) -> None:
    language("zh_CN")
    gpus = (GpuInfo("Example GPU", gpu_gb * 1024**3, None, "nvidia"),) if gpu_gb else ()
    advice = recommend(HardwareInfo(ram_gb * 1024**3, ram_gb * 1024**3, 4, 8, 4, gpus, bool(gpus)), load_catalog())
    for sentence in (advice.reason, *advice.warnings):
        assert CJK.search(core_text(sentence)), sentence


def test_sentences_join_with_a_space_in_english_and_none_after_a_chinese_full_stop() -> None:
    assert join_sentences("Model ready.", "", "It works.") == "Model ready. It works."
    assert join_sentences("模型已就绪。", "规则检测仍然可用。") == "模型已就绪。规则检测仍然可用。"


# --- windows laid out in Chinese ----------------------------------------------------------------------------------


def assert_fully_shown(window: QWidget, button: QAbstractButton) -> None:
    """The button is wide and tall enough for its text and lies inside the window (nothing clipped off)."""
    hint = button.sizeHint()
    assert hint.width() <= button.width() and hint.height() <= button.height(), button.text()
    top_left = button.mapTo(window, QPoint(0, 0))
    bottom_right = button.mapTo(window, QPoint(button.width() - 1, button.height() - 1))
    assert window.rect().contains(top_left) and window.rect().contains(bottom_right), button.text()


def assert_tabs_fully_shown(tabs: QTabBar) -> None:
    for index in range(tabs.count()):
        assert CJK.search(tabs.tabText(index)), tabs.tabText(index)
        assert tabs.tabRect(index).width() >= tabs.fontMetrics().horizontalAdvance(tabs.tabText(index).replace("&", ""))


def visible_buttons(widget: QWidget) -> list[QAbstractButton]:
    return [
        button
        for button in widget.findChildren(QAbstractButton)
        if button.isVisibleTo(widget) and button.text() and not isinstance(button.parent(), QTabBar)
    ]


@pytest.mark.parametrize("size", ["default", "minimum"])
def test_the_review_window_lays_out_in_chinese_without_truncated_buttons(qtbot: QtBot, language, size: str) -> None:
    language("zh_CN")
    window = ReviewWindow(Engine(MemoryStore(), rules=RulesDetector()), None)
    qtbot.addWidget(window)
    if size == "minimum":
        window.resize(window.minimumSize())
    window.show()
    qtbot.waitExposed(window)
    window.set_mask_text("我的手机号是13812345678，邮箱 zhang.xiaoce@example.org。")
    assert window.windowTitle() == "Cloakroom — 审阅"
    assert_tabs_fully_shown(window.tabs.tabBar())
    for tab_name, tab in (("mask", window.mask_tab), ("unmask", window.unmask_tab)):
        window.show_tab(tab_name)
        buttons = visible_buttons(tab)
        assert {button.text() for button in buttons} >= (
            {"遮盖为(&A)…", "清空(&L)", "复制遮盖结果(&C)"} if tab_name == "mask" else {"清空(&L)", "复制还原结果(&R)"}
        )
        for button in buttons:
            assert CJK.search(button.text())
            assert_fully_shown(window, button)
    assert window.mask_tab.summary_label.text() == "将遮盖 2 个值：2 PL2。"


def test_the_settings_dialog_lays_out_in_chinese(qtbot: QtBot, language) -> None:
    language("zh_CN")
    dialog = SettingsDialog(Settings(), MemoryStore(), [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Cloakroom 设置"
    assert_tabs_fully_shown(dialog.tabs.tabBar())
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        buttons = visible_buttons(dialog)
        assert buttons
        for button in buttons:
            assert CJK.search(button.text()), button.text()  # Qt's own OK and Cancel too (qtbase_zh_CN)
            assert_fully_shown(dialog, button)
    email = next(
        row for row in range(dialog.overrides.rowCount()) if "电子邮箱" in dialog.overrides.item(row, 0).text()
    )
    assert dialog.overrides.item(email, 0).text() == "Email（电子邮箱）"
    dialog.overrides.cellWidget(email, 2).setCurrentIndex(2)
    assert dialog.result_settings().type_overrides == {"Email": "never"}  # the key stays the English type name


def test_the_setup_wizard_lays_out_in_chinese(qtbot: QtBot, language) -> None:
    language("zh_CN")
    wizard = SetupWizard(Settings())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert wizard.windowTitle() == "设置 Cloakroom" and wizard.currentPage().title() == "欢迎使用 Cloakroom"
    buttons = visible_buttons(wizard)
    assert "跳过 — 暂时仅使用规则(&S)" in {button.text() for button in buttons}
    for button in buttons:
        assert CJK.search(button.text()), button.text()  # Next and Cancel come from Qt's own catalogue
        assert_fully_shown(wizard, button)


# --- Chinese text in the review window ----------------------------------------------------------------------------

CHINESE_TEXT = (
    "第一行：𠀀我叫王小测，手机号是13812345678。\n"
    "第二行😀身份证号 11010519491231002X，邮箱 wang.xiaoce@example.org，谢谢！"
)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_highlights_land_on_the_chinese_text_they_belong_to_and_types_are_labelled(qtbot: QtBot, language) -> None:
    """Across lines, after an Extension B ideograph and an emoji (two UTF-16 units each), in the text and the
    preview; a span added by hand on Chinese characters too. Placeholders keep the English type name."""
    language("zh_CN")
    window = ReviewWindow(Engine(MemoryStore(), rules=RulesDetector()), None)
    qtbot.addWidget(window)
    window.show()
    tab = window.mask_tab
    tab.set_text(CHINESE_TEXT)
    name = "王小测"
    start = CHINESE_TEXT.index(name)
    tab.input_edit.select_qt_range(utf16_units(CHINESE_TEXT[:start]), utf16_units(CHINESE_TEXT[: start + len(name)]))
    tab.mask_as()
    tab.mask_as_dialog.set_type("Real Name")
    assert tab.mask_as_dialog.type_hint.text() == "真实姓名"
    tab.mask_as_dialog.accept()
    values = {item.finding.text: item for item in tab.items()}
    assert set(values) == {name, "13812345678", "11010519491231002X", "wang.xiaoce@example.org"}
    selections = tab.input_edit.extraSelections()
    assert [selection.cursor.selectedText() for selection in selections] == list(values)
    for selection, value in zip(selections, values, strict=False):
        assert selection.cursor.selectionStart() == utf16_units(CHINESE_TEXT[: CHINESE_TEXT.index(value)])
    preview = tab.preview_edit
    assert [selection.cursor.selectedText() for selection in preview.extraSelections()] == [
        "<Real_Name_1>",
        "<Phone_Number_1>",
        "<ID_Number_1>",
        "<Email_1>",
    ]
    phone_row = tab.findings_list.topLevelItem(1)
    assert phone_row.text(1) == type_display("Phone Number") == "Phone Number（电话号码）"
    assert phone_row.text(5) == "<Phone_Number_1>"
    email_at = utf16_units(CHINESE_TEXT[: CHINESE_TEXT.index("wang.xiaoce")]) + 1
    assert tab.input_edit.tooltip_at(email_at).splitlines()[0] == "Email（电子邮箱） · PL2 · 规则"
    cursor = QTextCursor(tab.input_edit.document())
    cursor.setPosition(email_at)
    tab.input_edit.setTextCursor(cursor)
    tab.toggle_at_cursor()
    assert tab.message_label.text() == "已保留不遮盖：Email（电子邮箱），PL2。"


def test_choosing_chinese_in_settings_switches_the_running_app(qtbot: QtBot, qapp: QApplication, language) -> None:
    """Settings → Language applies without a restart: the tray menu and windows opened afterwards, and a hidden
    review window is rebuilt in the new language."""
    language("en")
    cloakroom = CloakroomApp(qapp, Settings(first_run_done=True, use_model=False), MemoryStore(), listen=False)
    old_review = cloakroom.review_window()
    assert old_review.windowTitle() == "Cloakroom — Review"
    cloakroom.apply_settings(replace(cloakroom.settings, language="zh_CN"))
    assert i18n.current_language() == "zh_CN"
    cloakroom.tray.rebuild_menu()
    assert "退出(&Q)" in cloakroom.tray.action_texts()
    new_review = cloakroom.review_window()
    qtbot.addWidget(new_review)
    assert new_review is not old_review and new_review.windowTitle() == "Cloakroom — 审阅"
    if cloakroom.hotkeys is not None:
        cloakroom.hotkeys.unregister_all()
