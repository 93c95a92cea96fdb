"""The Settings dialog against a real vault: ordinary settings come back, private ones go into the vault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.core.policy import AlwaysMaskEntry
from app.core.settings import Settings
from app.core.vault import Vault, open_vault
from app.ui.settings_dialog import SettingsDialog


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with open_vault(tmp_path / "vault.db") as opened:
        yield opened


def test_choices_come_back_as_settings_and_private_lists_go_to_the_vault(qtbot: QtBot, vault: Vault) -> None:
    dialog = SettingsDialog(Settings(), vault, ["Ctrl+Alt+M is taken by another program."])
    qtbot.addWidget(dialog)
    dialog.threshold.setCurrentIndex(dialog.threshold.findData("PL3"))
    dialog.real_name.setText("  Dana   Reyes ")
    dialog.allow_list.setPlainText("Acme Corp\n\nOpenAI\n")
    dialog.always_mask.setPlainText("Project Falcon | Project Code\nbluebird")
    dialog.hotkey_edits["mask"].setKeySequence(QKeySequence("Ctrl+Shift+K"))
    dialog.retention.setValue(30)
    row = next(r for r in range(dialog.overrides.rowCount()) if dialog.overrides.item(r, 0).text() == "Email")
    combo = dialog.overrides.cellWidget(row, 2)
    combo.setCurrentIndex(combo.findData("never"))
    dialog.accept()
    result = dialog.result_settings()
    assert result.min_level == "PL3" and result.retention_days == 30
    assert result.type_overrides == {"Email": "never"}
    assert result.hotkeys["mask"] == "Ctrl+Shift+K" and result.hotkeys["unmask"] == "Ctrl+Alt+U"
    assert vault.real_name() == "Dana Reyes"
    assert vault.allow_list() == ["Acme Corp", "OpenAI"]
    assert vault.always_mask() == [AlwaysMaskEntry("Project Falcon", "Project Code"), AlwaysMaskEntry("bluebird")]


def test_cancel_writes_nothing(qtbot: QtBot, vault: Vault) -> None:
    dialog = SettingsDialog(Settings(), vault)
    qtbot.addWidget(dialog)
    dialog.real_name.setText("Someone")
    dialog.reject()
    assert vault.real_name() is None


def test_existing_values_are_shown(qtbot: QtBot, vault: Vault) -> None:
    vault.set_real_name("Li Wei")
    vault.set_allow_list(["Beijing"])
    dialog = SettingsDialog(Settings(model_path="/models/m.gguf", prompt_profile="card", language="zh_CN"), vault)
    qtbot.addWidget(dialog)
    assert dialog.real_name.text() == "Li Wei"
    assert dialog.allow_list.toPlainText() == "Beijing"
    assert dialog.model_path.text() == "/models/m.gguf"
    assert dialog.profile.currentData() == "card" and dialog.language.currentData() == "zh_CN"
    assert dialog.entry_count.text() == "0"


def test_the_clipboard_options_are_off_by_default_and_come_back_when_chosen(qtbot: QtBot, vault: Vault) -> None:
    dialog = SettingsDialog(Settings(), vault)
    qtbot.addWidget(dialog)
    assert not dialog.offer_restore.isChecked() and not dialog.interim_mask.isChecked()
    dialog.offer_restore.setChecked(True)
    dialog.interim_mask.setChecked(True)
    dialog.accept()
    result = dialog.result_settings()
    assert result.offer_restore_on_copy and result.interim_rules_mask
