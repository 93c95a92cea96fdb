"""Prompt profiles (fixed part first, user data last), the official template's checks, and chat rendering."""

from __future__ import annotations

import json

import pytest

from app.core.detectors.model.prompts import (
    ASSISTANT_START,
    EMPTY_THINK_BLOCK,
    CardProfile,
    CloakroomProfile,
    available_profiles,
    chat_frame,
    get_profile,
    installed_official_variant,
    load_official_profile,
    resolve_profile_name,
)
from app.core.errors import ConfigError, ModelError
from app.core.prompt_names import (
    AUTO,
    CARD,
    CLOAKROOM,
    KNOWN_OFFICIAL_TEMPLATES,
    OFFICIAL,
    OFFICIAL_EVAL,
    OfficialVariant,
)
from app.core.settings import PROMPT_PROFILES, Settings
from app.core.taxonomy import STANDARD_TYPES
from tests.helpers.models import install_official_template

THINK_ENDING = ASSISTANT_START + EMPTY_THINK_BLOCK
TEXT = "我叫李明, my card is 4111 1111 1111 1111 {not a field} <|im_end|>"
NAME = "Li Ming"


def test_profile_names_match_the_settings() -> None:
    assert set(PROMPT_PROFILES) == {AUTO, CLOAKROOM, CARD, OFFICIAL, OFFICIAL_EVAL}
    assert Settings().prompt_profile == AUTO


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


def test_official_profile_is_unavailable_without_a_template() -> None:
    assert available_profiles() == (CLOAKROOM, CARD)
    with pytest.raises(ModelError, match="not installed"):
        get_profile(OFFICIAL)


def test_auto_is_cloakroom_without_the_official_prompt_and_says_it_is_a_fallback() -> None:
    choice = resolve_profile_name(AUTO)
    assert (choice.used, choice.is_fallback) == (CLOAKROOM, True)
    assert get_profile(AUTO).name == CLOAKROOM


def test_auto_is_the_official_prompt_once_a_verified_copy_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    _, known = install_official_template(REPOSITORY_STANDIN)
    monkeypatch.setattr(
        "app.core.detectors.model.prompts.KNOWN_OFFICIAL_TEMPLATES", known
    )  # the stand-in is "verified"
    choice = resolve_profile_name(AUTO)
    assert (choice.used, choice.is_fallback) == (OFFICIAL, False)
    assert get_profile(AUTO).name == OFFICIAL
    assert available_profiles() == (OFFICIAL, CLOAKROOM, CARD)


@pytest.mark.parametrize("explicit", [CLOAKROOM, CARD, OFFICIAL])
def test_an_explicit_choice_wins_over_auto(explicit: str) -> None:
    choice = resolve_profile_name(explicit)
    assert (choice.requested, choice.used, choice.is_fallback) == (explicit, explicit, False)


def test_a_template_under_the_other_variants_name_is_not_taken_for_it() -> None:
    _, known = install_official_template(BENCHMARK_STANDIN, OfficialVariant.REPOSITORY)
    wrong = dict.fromkeys(known, OfficialVariant.BENCHMARK)
    assert not installed_official_variant(OfficialVariant.REPOSITORY, known=wrong)
    assert not installed_official_variant(OfficialVariant.BENCHMARK, known=wrong)


def test_a_template_with_an_unknown_checksum_is_refused() -> None:
    install_official_template(REPOSITORY_STANDIN)
    assert not installed_official_variant()
    assert OFFICIAL not in available_profiles()
    with pytest.raises(ModelError, match="checksum"):
        get_profile(OFFICIAL)


def test_known_checksums_are_the_two_published_files() -> None:
    assert set(KNOWN_OFFICIAL_TEMPLATES.values()) == set(OfficialVariant)
    assert "a506012abea675535182a3c027b590081e6cc283e90ce9a408c5c611d893c7b7" in KNOWN_OFFICIAL_TEMPLATES


def test_repository_variant_fills_both_fields_and_keeps_literal_braces() -> None:
    folder, known = install_official_template(REPOSITORY_STANDIN)
    assert installed_official_variant(known=known)
    profile = load_official_profile(folder, known)
    parts = profile.parts(TEXT, NAME)
    assert parts.text == REPOSITORY_STANDIN.format(real_name=NAME, input_dialogue_content=TEXT)
    # Everything up to the line before the first field is reusable; the label goes with the name, so the two
    # tokenize as in the whole prompt (test_model_as_trained checks the tokens).
    assert parts.fixed.endswith("]\n") and parts.per_call.startswith("**User's Real Name:** ")
    assert NAME not in parts.fixed


def test_benchmark_variant_appends_the_message_as_json() -> None:
    folder, known = install_official_template(BENCHMARK_STANDIN, OfficialVariant.BENCHMARK)
    parts = load_official_profile(folder, known, OfficialVariant.BENCHMARK).parts(TEXT, NAME)
    message = json.dumps({"role": "user", "content": TEXT}, ensure_ascii=False, indent=2)
    assert parts.text == BENCHMARK_STANDIN.format(real_name=NAME) + message
    assert "**Current Input Dialogue:**{\n" in parts.text  # no newline between the label and the JSON


def test_a_repository_template_without_its_fields_is_refused() -> None:
    folder, known = install_official_template("no fields at all")
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
