"""Which prompt the model is asked with, said the same way in the tray's tooltip, Settings and the setup wizard.

Its own small module: the tray imports it at start, and the model status widget (which loads llama.cpp) is imported
only when Settings opens.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.detectors.model.prompts import resolve_profile_name
from app.core.prompt_names import CARD, CLOAKROOM, OFFICIAL, OFFICIAL_EVAL
from app.core.settings import Settings

translate = QCoreApplication.translate  # by this name, Qt's lupdate finds the strings of module-level functions


def describe_prompt(settings: Settings) -> str:
    """Which prompt the model is asked with, for Settings → Model; the fallback says what it costs (the model was
    trained on the official prompt) and how to get that."""
    choice = resolve_profile_name(settings.prompt_profile)
    if choice.is_fallback:
        return translate(
            "PromptStatus",
            "Cloakroom's own: the official prompt is not installed, so the model may find "
            "less than it can. “Set up a model…” fetches it.",
        )
    texts = {
        OFFICIAL: translate("PromptStatus", "the official MemPrivacy prompt"),
        OFFICIAL_EVAL: translate("PromptStatus", "the official MemPrivacy prompt, evaluation form"),
        CLOAKROOM: translate("PromptStatus", "Cloakroom's own (your choice)"),
        CARD: translate("PromptStatus", "the model card's short form (your choice)"),
    }
    return texts.get(choice.used, choice.used)


def prompt_tooltip_line(settings: Settings) -> str:
    """The same, as a line of the tray icon's tooltip."""
    return translate("PromptStatus", "Prompt: %1").replace("%1", describe_prompt(settings))
