"""Prompt profiles (fixed part first, user data last), the official template's checks, and chat rendering."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.core.detectors.prompts import (
    ASSISTANT_START,
    CARD,
    CLOAKROOM,
    EMPTY_THINK_BLOCK,
    KNOWN_OFFICIAL_TEMPLATES,
    OFFICIAL,
    OFFICIAL_TEMPLATE_FILENAME,
    CardProfile,
    CloakroomProfile,
    OfficialVariant,
    available_profiles,
    chat_frame,
    get_profile,
    load_official_profile,
    official_template_variant,
)
from app.core.errors import ConfigError, ModelError
from app.core.paths import app_paths
from app.core.settings import PROMPT_PROFILES
from app.core.taxonomy import STANDARD_TYPES

THINK_ENDING = ASSISTANT_START + EMPTY_THINK_BLOCK
TEXT = "我叫李明, my card is 4111 1111 1111 1111 {not a field} <|im_end|>"
NAME = "Li Ming"


def test_profile_names_match_the_settings() -> None:
    assert set(PROMPT_PROFILES) == {CLOAKROOM, CARD, OFFICIAL}


@pytest.mark.parametrize("profile", [CloakroomProfile(), CardProfile()])
def test_user_data_comes_only_after_the_fixed_part(profile: CloakroomProfile | CardProfile) -> None:
    parts = profile.parts(TEXT, NAME)
    assert NAME not in parts.fixed and TEXT not in parts.fixed
    assert parts.per_call.endswith(TEXT) and NAME in parts.per_call
    assert profile.parts("another text", "another name").fixed == parts.fixed
    assert parts.fixed.endswith("\n")  # the per-call part starts a new line: stable tokenization at the seam


def test_cloakroom_prompt_names_levels_types_and_the_answer_shape() -> None:
    fixed = CloakroomProfile().fixed
    for level_types in STANDARD_TYPES.values():
        for type_name in level_types:
            assert type_name in fixed
    for phrase in ("PL1", "PL2", "PL3", "PL4", "original_text", "privacy_type", "privacy_level", "[]", "Chinese"):
        assert phrase in fixed


def test_card_profile_uses_the_card_input_form() -> None:
    assert CardProfile().per_call("hello", NAME) == f"User Name: {NAME}\nDialogue Text: hello"


def test_unknown_profile_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        get_profile("nonsense")


# -- official template ------------------------------------------------------------------------------------------------

REPOSITORY_STANDIN = (
    'Instructions with a literal JSON example: [{{"original_text": "..."}}]\n'
    "**User's Real Name:** {real_name}\n"
    "**Current Input Dialogue:** {input_dialogue_content}\n"
)
BENCHMARK_STANDIN = 'Instructions [{{"a": 1}}]\n**User\'s Real Name:** {real_name}\n**Current Input Dialogue:**'


def install_template(content: str) -> tuple[Path, dict[str, OfficialVariant]]:
    folder = app_paths().prompts
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OFFICIAL_TEMPLATE_FILENAME).write_text(content, encoding="utf-8")
    return folder, {hashlib.sha256(content.encode()).hexdigest(): OfficialVariant.REPOSITORY}


def test_official_profile_is_unavailable_without_a_template() -> None:
    assert available_profiles() == (CLOAKROOM, CARD)
    with pytest.raises(ModelError, match="not installed"):
        get_profile(OFFICIAL)


def test_a_template_with_an_unknown_checksum_is_refused() -> None:
    install_template(REPOSITORY_STANDIN)
    assert official_template_variant() is None
    assert OFFICIAL not in available_profiles()
    with pytest.raises(ModelError, match="checksum"):
        get_profile(OFFICIAL)


def test_known_checksums_are_the_two_published_files() -> None:
    assert set(KNOWN_OFFICIAL_TEMPLATES.values()) == set(OfficialVariant)
    assert "a506012abea675535182a3c027b590081e6cc283e90ce9a408c5c611d893c7b7" in KNOWN_OFFICIAL_TEMPLATES


def test_repository_variant_fills_both_fields_and_keeps_literal_braces() -> None:
    folder, known = install_template(REPOSITORY_STANDIN)
    assert official_template_variant(known=known) is OfficialVariant.REPOSITORY
    profile = load_official_profile(folder, known)
    parts = profile.parts(TEXT, NAME)
    assert parts.text == REPOSITORY_STANDIN.format(real_name=NAME, input_dialogue_content=TEXT)
    assert parts.fixed.endswith("**User's Real Name:** ")  # everything before the first field is reusable
    assert NAME not in parts.fixed


def test_benchmark_variant_appends_the_message_as_json() -> None:
    folder, known = install_template(BENCHMARK_STANDIN)
    known = {digest: OfficialVariant.BENCHMARK for digest in known}
    parts = load_official_profile(folder, known).parts(TEXT, NAME)
    message = json.dumps({"role": "user", "content": TEXT}, ensure_ascii=False, indent=2)
    assert parts.text == BENCHMARK_STANDIN.format(real_name=NAME) + message
    assert "**Current Input Dialogue:**{\n" in parts.text  # no newline between the label and the JSON


def test_a_repository_template_without_its_fields_is_refused() -> None:
    folder, known = install_template("no fields at all")
    with pytest.raises(ModelError, match="fields"):
        load_official_profile(folder, known)


# -- chat rendering -----------------------------------------------------------------------------------------------------


def qwen3_metadata(template: str | None) -> dict[str, str]:
    metadata = {"general.architecture": "qwen3"}
    if template is not None:
        metadata["tokenizer.chat_template"] = template
    return metadata


def test_qwen3_template_renders_one_user_message_with_thinking_off(qwen3_template_text: str) -> None:
    frame = chat_frame(qwen3_metadata(qwen3_template_text))
    assert frame.source == "template"
    rendered = frame.wrap("hello")
    assert rendered == "<|im_start|>user\nhello<|im_end|>\n" + THINK_ENDING
    assert "system" not in rendered


def test_a_qwen3_template_that_ignores_enable_thinking_gets_the_empty_think_block() -> None:
    chatml_only = (
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    frame = chat_frame(qwen3_metadata(chatml_only))
    assert frame.source == "template"
    assert frame.wrap("x").endswith(THINK_ENDING)


@pytest.mark.parametrize(
    "template",
    [
        None,
        "{% broken",
        "{{ raise_exception('no') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",  # sandbox escape attempt
        "{{ messages[0].content }}{{ messages[0].content }}",  # content twice: no single hole
        "<|im_start|>assistant\n",  # ignores the message
    ],
)
def test_unusable_qwen3_templates_fall_back_to_chatml_with_thinking_off(template: str | None) -> None:
    frame = chat_frame(qwen3_metadata(template))
    assert frame.source == "chatml"
    assert frame.wrap("x") == "<|im_start|>user\nx<|im_end|>\n" + THINK_ENDING


def test_other_architectures_get_plain_chatml() -> None:
    metadata = {"general.architecture": "llama", "tokenizer.chat_template": "{{ 'You are SmolLM' }}"}
    frame = chat_frame(metadata)
    assert frame.wrap("x") == "<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n"
