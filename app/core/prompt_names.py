"""The names of the model's prompt profiles and of the official template's files, apart from the prompts themselves.

Settings name a profile and the model files fetch the official template; neither needs the prompt code (nor the
detectors package it belongs to), so these names live below both: the detectors, the vault and the model files stay
independent of each other (`pyproject.toml`'s import contracts).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from pathlib import Path

from app.core.paths import app_paths

AUTO = "auto"
CLOAKROOM = "cloakroom"
CARD = "card"
OFFICIAL = "official"
OFFICIAL_EVAL = "official-eval"
PROFILE_NAMES = (OFFICIAL, OFFICIAL_EVAL, CLOAKROOM, CARD)
SETTING_CHOICES = (AUTO, *PROFILE_NAMES)
"""What the ``prompt_profile`` setting may say."""
DEFAULT_PROFILE = AUTO
FALLBACK_PROFILE = CLOAKROOM


class OfficialVariant(Enum):
    """The two published versions of the official template differ in how the input is put in."""

    REPOSITORY = "repository"  # str.format fields {real_name} and {input_dialogue_content}
    BENCHMARK = "benchmark"  # ends after "**Current Input Dialogue:**"; a JSON message object is appended


KNOWN_OFFICIAL_TEMPLATES: Mapping[str, OfficialVariant] = {
    "a506012abea675535182a3c027b590081e6cc283e90ce9a408c5c611d893c7b7": OfficialVariant.REPOSITORY,
    "f321d54fbd06ff6c7b439e32ac0ddbc7513ca27c2fcdc7f850606e5eafe48425": OfficialVariant.BENCHMARK,
}
OFFICIAL_TEMPLATE_FILES: Mapping[OfficialVariant, str] = {
    OfficialVariant.REPOSITORY: "extract_privacy.txt",
    OfficialVariant.BENCHMARK: "extract_privacy.eval.txt",
}
OFFICIAL_PROFILE_VARIANTS: Mapping[str, OfficialVariant] = {
    OFFICIAL: OfficialVariant.REPOSITORY,
    OFFICIAL_EVAL: OfficialVariant.BENCHMARK,
}


def official_template_path(variant: OfficialVariant = OfficialVariant.REPOSITORY, folder: Path | None = None) -> Path:
    """Where the person's verified copy of the official template ``variant`` is kept (default: the app's folder)."""
    return (folder if folder is not None else app_paths().prompts) / OFFICIAL_TEMPLATE_FILES[variant]
