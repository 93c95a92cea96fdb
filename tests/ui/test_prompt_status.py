"""Which prompt the model is asked with is said in Settings → Model and in the tray icon's tooltip."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.core.settings import DEFAULT_HOTKEYS, Settings
from app.ui.model_status import ModelStatus
from app.ui.prompt_status import describe_prompt, prompt_tooltip_line
from app.ui.tray import Tray, TrayState
from tests.helpers.models import install_official_template


def test_the_fallback_says_the_official_prompt_is_missing_and_what_that_costs() -> None:
    text = describe_prompt(Settings())
    assert "not installed" in text and "less" in text


def test_an_installed_official_prompt_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    template = "Stand-in instructions.\n\nName: {real_name}\nInput: {input_dialogue_content}"
    _, known = install_official_template(template)
    monkeypatch.setattr("app.core.detectors.model.prompts.KNOWN_OFFICIAL_TEMPLATES", known)
    assert describe_prompt(Settings()) == "the official MemPrivacy prompt"
    assert describe_prompt(Settings(prompt_profile="card")) == "the model card's short form (your choice)"


def test_settings_show_the_prompt_in_use(qtbot: QtBot) -> None:
    status = ModelStatus(Settings(prompt_profile="cloakroom"))
    qtbot.addWidget(status)
    assert status.prompt_label.text() == "Cloakroom's own (your choice)"
    status.set_settings_source(lambda: Settings())
    status.refresh()
    assert "not installed" in status.prompt_label.text()


def test_the_tray_tooltip_has_the_prompt_line(qtbot: QtBot) -> None:
    line = prompt_tooltip_line(Settings())
    tray = Tray(lambda: TrayState("ready", "Model ready.", False, dict(DEFAULT_HOTKEYS), False, prompt=line))
    tray.refresh()
    assert tray.icon.toolTip() == f"Cloakroom — Model ready.\n{line}"
    assert line.startswith("Prompt: Cloakroom's own")
