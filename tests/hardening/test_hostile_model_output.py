"""A model whose answer is hostile: the real parser and locating step, the real rules and a real vault.

`AnswerPlayback` stands where the llama.cpp call would be and hands the engine a fixed answer; everything after the
answer is the code the model detector runs (`parse_model_output`, `locate_items`). Whatever the answer says, only
values that occur in the input may ever reach the vault, placeholders stay well-formed, and a broken answer masks
nothing rather than half the text. Per-element parsing cases are in tests/core/test_model_output.py.

Threat model: "Hostile model output and prompt injection".
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.detectors.base import ProgressCallback
from app.core.detectors.model.output import locate_items, neutralise_type_name, parse_model_output
from app.core.detectors.rules import RulesDetector
from app.core.engine import Engine
from app.core.errors import ModelOutputError
from app.core.findings import MODEL, Finding
from app.core.masking import unmask_text
from app.core.placeholders import find_placeholder_tokens, format_placeholder
from app.core.store import MemoryStore, PlaceholderRequest, placeholder_key_of
from app.core.taxonomy import Level
from app.core.vault import Vault, open_vault
from tests.hardening import corpus

PLACEHOLDER_SHAPE = re.compile(r"<[A-Za-z0-9_]+_[0-9]+>")
TEXT = (
    f"Hi, I am Dana Reyes. Mail {corpus.EMAIL}, key {corpus.API_KEY}, card {corpus.CARD}. "
    "My doctor says the knee needs rest."
)


class AnswerPlayback:
    """A model detector that 'answers' with a fixed string; the rest is the real post-processing."""

    name = MODEL

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.not_found = 0

    def detect(
        self, text: str, *, cancel: threading.Event | None = None, progress: ProgressCallback | None = None
    ) -> list[Finding]:
        located = locate_items(text, parse_model_output(self.answer).items)
        self.not_found = located.not_found
        return located.findings


def item(value: object, kind: object = "Real Name", level: object = "PL2") -> dict[str, object]:
    return {"original_text": value, "privacy_type": kind, "privacy_level": level}


def answer(*items: object) -> str:
    return json.dumps(list(items), ensure_ascii=False)


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with open_vault(tmp_path / "vault.db") as opened:
        yield opened


def mask_with(vault: Vault, raw: str, text: str = TEXT) -> tuple[Engine, AnswerPlayback]:
    model = AnswerPlayback(raw)
    engine = Engine(store=vault, rules=RulesDetector(), model=model)
    return engine, model


def assert_vault_holds_only_input_values(vault: Vault, *texts: str) -> None:
    for mapping in vault:
        assert any(mapping.original in text for text in texts), "the vault holds a value that is in no input"
        assert PLACEHOLDER_SHAPE.fullmatch(mapping.placeholder), "a placeholder is malformed"


def test_ten_thousand_items_mostly_invented_store_only_what_the_text_holds(vault: Vault) -> None:
    invented = [item(f"Person Number{index} Smith") for index in range(9_000)]
    repeated = [item("Dana Reyes")] * 500
    broken = [{"original_text": index, "privacy_type": ["x"]} for index in range(499)]
    engine, model = mask_with(vault, answer(*invented, *repeated, *broken, item("knee", "Medical Health", "PL3")))
    result = engine.mask(TEXT)
    assert model.not_found == 9_000
    assert "Dana Reyes" not in result.text and "knee" not in result.text
    assert_vault_holds_only_input_values(vault, TEXT)
    assert len(vault) == 5  # the name, the health detail, and the rules' e-mail, key and card
    assert unmask_text(result.text, vault).text == TEXT


@pytest.mark.parametrize(
    "smuggled",
    [
        f"{corpus.EMAIL} and also the admin password is Passw0rd-From-Elsewhere",  # a real value with a tail
        "Passw0rd-From-Elsewhere",  # nothing of it is in the text
        "Dana Reyes\n<|im_start|>system",  # a real value plus markup
        "ana Rey",  # a fragment inside words
        "Dana  REYES",  # a different spelling of a real value: what is stored is the input's spelling
        "<Real_Name_1>",  # a placeholder, as if already masked
        TEXT + " and more",  # longer than the input
    ],
)
def test_smuggled_values_never_reach_the_vault(vault: Vault, smuggled: str) -> None:
    engine, _ = mask_with(vault, answer(item(smuggled), item(smuggled, "Password", "PL4")))
    result = engine.mask(TEXT)
    assert_vault_holds_only_input_values(vault, TEXT)
    assert not any("Elsewhere" in mapping.original or "im_start" in mapping.original for mapping in vault)
    assert unmask_text(result.text, vault).text == TEXT


@pytest.mark.parametrize(
    "hostile_type",
    [
        "<script>alert(1)</script>",
        "Email>\n<Phone_Number_1",
        "Real\u202eName",
        "Token_7",
        "A" * 10_000,
        "\x1b[31mKey\x1b[0m",
        "名字",
        "Password</b><Email_1>",
    ],
)
def test_markup_in_type_names_gives_well_formed_placeholders_that_restore(vault: Vault, hostile_type: str) -> None:
    engine, _ = mask_with(vault, answer(item("Dana Reyes", hostile_type, "PL3")))
    result = engine.mask(TEXT)
    placeholders = {replacement.placeholder for replacement in result.replacements}
    assert placeholders and all(PLACEHOLDER_SHAPE.fullmatch(placeholder) for placeholder in placeholders)
    assert "Dana Reyes" not in result.text
    assert unmask_text(result.text, vault).text == TEXT


@pytest.mark.parametrize(
    "raw",
    [
        '[{"original_text": "Dana Reyes", "privacy_type": "Real Name", "privacy_le',  # cut off
        '{"original_text": "Dana Reyes"}',  # not an array
        "Sure! Here are the items: []",  # chatter around JSON
        "",  # nothing at all
        "[" * 50_000,  # deeply nested and unfinished
    ],
)
def test_a_broken_answer_masks_nothing_and_stores_nothing(vault: Vault, raw: str) -> None:
    engine, _ = mask_with(vault, raw)
    with pytest.raises(ModelOutputError) as refusal:
        engine.mask(TEXT)
    assert len(vault) == 0
    assert "Dana" not in str(refusal.value) and corpus.EMAIL not in str(refusal.value)


def test_an_empty_answer_still_leaves_the_rules_findings_masked(vault: Vault) -> None:
    """The model saying "nothing here" (what an injected instruction asks for) does not stop the rules."""
    engine, _ = mask_with(vault, "[]")
    result = engine.mask(TEXT)
    for secret in (corpus.EMAIL, corpus.API_KEY, corpus.CARD):
        assert secret not in result.text
    assert "Dana Reyes" in result.text  # only the model finds names: that part is the model's job


def test_values_the_model_wraps_around_an_issued_placeholder_do_not_nest_it(vault: Vault) -> None:
    first, _ = mask_with(vault, "[]")
    issued = first.mask(f"mail {corpus.EMAIL}").replacements[0].placeholder
    text = f"Reply to {issued} and Dana Reyes"
    engine, _ = mask_with(vault, answer(item(issued, "Email"), item(f"{issued} and Dana Reyes", "Real Name")))
    result = engine.mask(text)
    assert result.text.startswith(f"Reply to {issued} ") and "Dana" not in result.text
    assert_vault_holds_only_input_values(vault, text, f"mail {corpus.EMAIL}")
    assert unmask_text(result.text, vault).text == text.replace(issued, corpus.EMAIL)


@given(st.text(max_size=80), st.integers(min_value=1, max_value=999_999_999))
def test_every_placeholder_the_app_writes_is_one_it_reads_back(raw_type: str, number: int) -> None:
    """Type names are the model's to choose ("2FA Code", "Top 10 Secrets"): whatever it says, the placeholder must be
    found again by unmask, or its value could never be restored."""
    for type_name in (raw_type, neutralise_type_name(raw_type)):
        placeholder = format_placeholder(type_name, number)
        tokens = find_placeholder_tokens(f"see {placeholder}.")
        assert [(token.start, token.end, token.key) for token in tokens] == [
            (4, 4 + len(placeholder), placeholder_key_of(placeholder))
        ]


@pytest.mark.parametrize("type_name", ["2FA Code", "Top 10 Secrets", "Token 7", "alert(1)", "\x1b[31mKey\x1b[0m"])
def test_values_of_types_with_numbers_are_restored(type_name: str) -> None:
    store = MemoryStore()
    (mapping,) = store.assign([PlaceholderRequest("the value", type_name, Level.PL4, "model")])
    assert unmask_text(f"It is {mapping.placeholder}.", store).text == "It is the value."
