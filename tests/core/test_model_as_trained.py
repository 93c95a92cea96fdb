"""MemPrivacy runs as it was trained: its prompt's tokens, the answers it writes, the room they take.

The real weights and the official prompt cannot be here, so the proofs run on the tiny random-weight qwen3 with the
real Qwen tokenizer, steered to known answers (tests/README.md), and on stand-in templates of the official layout.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import llama_cpp
import pytest

from app.core.detectors.model.answer_grammar import GrammarGate, answer_grammar
from app.core.detectors.model.decoders import FixedAnswer
from app.core.detectors.model.detector import MIN_RETRY_CHUNK_TOKENS, ModelDetector
from app.core.detectors.model.output import parse_model_output
from app.core.detectors.model.prompts import get_profile, stable_cut
from app.core.errors import ModelOutputError
from app.core.prompt_names import CARD, CLOAKROOM
from app.core.taxonomy import Level
from tests.helpers.models import official_layout_profiles, steered_to, whole_prompt_tokens

TEXTS = {
    "en": "Hi, I'm Zhang San. Mail me at zhang.san@example.com or call +1 415 555 0134; my PIN is 4821.",
    "zh": "我是张三，电话13812345678，住在北京市朝阳区建国路88号。验证码是482913。",
}
ITEMS = [
    {"original_text": "Zhang San", "privacy_type": "Real Name", "privacy_level": "PL2"},
    {"original_text": "zhang.san@example.com", "privacy_type": "Email", "privacy_level": "PL2"},
    {"original_text": "4821", "privacy_type": "PIN", "privacy_level": "PL4"},
]


# -- the prompt's tokens are the whole prompt's tokens --------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(TEXTS))
@pytest.mark.parametrize("profile_name", [CLOAKROOM, CARD, "official", "official-eval"])
def test_the_cached_prefix_and_the_rest_tokenize_as_the_whole_prompt(
    tiny_qwen3_llama: llama_cpp.Llama, tmp_path: Path, profile_name: str, language: str
) -> None:
    official, official_eval = official_layout_profiles(tmp_path)
    profile = {"official": official, "official-eval": official_eval}.get(profile_name) or get_profile(profile_name)
    detector = ModelDetector(tiny_qwen3_llama, profile=profile, real_name="Zhang San")
    text = TEXTS[language]
    assert detector.prompt_tokens(text) == whole_prompt_tokens(detector, tiny_qwen3_llama, text)
    assert "Zhang San" not in detector.fixed_prefix_text and text not in detector.fixed_prefix_text


def test_the_official_layout_caches_up_to_the_line_before_the_name(
    tiny_qwen3_llama: llama_cpp.Llama, tmp_path: Path
) -> None:
    """The seam the issue found: ``**User's Real Name:** `` cached apart split ``Zhang`` as ``' ' 'Z' 'hang'``."""
    official, _ = official_layout_profiles(tmp_path)
    detector = ModelDetector(tiny_qwen3_llama, profile=official, real_name="Zhang San")
    assert detector.fixed_prefix_text.endswith("# Input\n\n")
    name_tokens = tiny_qwen3_llama.tokenize(b" Zhang San", add_bos=False, special=False)  # ' Zhang' ' San'
    assert len(name_tokens) == 2
    tokens = detector.prompt_tokens("hi")
    assert any(tokens[at : at + len(name_tokens)] == name_tokens for at in range(len(tokens)))


@pytest.mark.parametrize(
    ("fixed", "following", "cut"),
    [
        ("Rules.\nName: ", "x", len("Rules.\n")),  # before the label of the first field
        ("Rules.\n\n", "Name: x", len("Rules.\n\n")),  # the end itself, when visible text follows
        ("Rules.\n\n", " Name", 0),  # a space after the line break would merge with what follows
        ("One line only: ", "x", 0),
    ],
)
def test_the_cut_is_after_a_line_break_before_visible_text(fixed: str, following: str, cut: int) -> None:
    assert stable_cut(fixed, following) == cut


# -- the grammar lets the model write what it was trained to write ---------------------------------------------------


def _gate_after(llama: llama_cpp.Llama, text: str) -> GrammarGate:
    gate = GrammarGate(llama, answer_grammar())
    for token in llama.tokenize(text.encode(), add_bos=False, special=False):
        assert gate.allows(token), text
        gate.accept(token)
    return gate


@pytest.mark.parametrize("indent", [None, 2, 4], ids=["compact", "indent-2", "indent-4"])
def test_the_grammar_allows_json_whitespace_and_every_level(tiny_qwen3_llama: llama_cpp.Llama, indent: int) -> None:
    items = [*ITEMS, {"original_text": "likes jazz", "privacy_type": "Preference", "privacy_level": "PL1"}]
    gate = _gate_after(tiny_qwen3_llama, json.dumps(items, indent=indent))
    try:
        assert gate.allows(tiny_qwen3_llama.token_eos())
    finally:
        gate.close()


def test_a_raw_line_break_inside_a_value_is_not_allowed(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    gate = _gate_after(tiny_qwen3_llama, '[{"original_text": "two')
    try:
        newline = tiny_qwen3_llama.tokenize(b"\n", add_bos=False, special=False)
        escaped = tiny_qwen3_llama.tokenize(b"\\n", add_bos=False, special=False)
        assert not gate.allows(newline[0])
        assert gate.allows(escaped[0])
    finally:
        gate.close()


def test_the_grammar_allows_no_early_end(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    gate = _gate_after(tiny_qwen3_llama, "[\n  ")
    try:
        assert not gate.allows(tiny_qwen3_llama.token_eos())
        assert gate.allows(tiny_qwen3_llama.tokenize(b"{", add_bos=False, special=False)[0])
    finally:
        gate.close()


# -- PL1 items are dropped, never raised -----------------------------------------------------------------------------


def test_pl1_items_are_dropped_after_parsing() -> None:
    answer = json.dumps([*ITEMS, {"original_text": "likes jazz", "privacy_type": "Preference", "privacy_level": "PL1"}])
    parsed = parse_model_output(answer)
    assert parsed.returned == 4 and parsed.preferences == 1 and parsed.malformed == 0
    assert [item.original_text for item in parsed.items] == ["Zhang San", "zhang.san@example.com", "4821"]
    assert all(item.level is not Level.PL1 for item in parsed.items)


def test_a_pretty_printed_answer_with_a_pl1_item_becomes_the_other_findings(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    text = TEXTS["en"] + " I like jazz."
    items = [*ITEMS, {"original_text": "I like jazz", "privacy_type": "Preference", "privacy_level": "PL1"}]
    detector = ModelDetector(
        tiny_qwen3_llama, decoding="fast", steering=steered_to(tiny_qwen3_llama, json.dumps(items, indent=2))
    )
    findings = detector.detect(text)
    assert sorted(finding.text for finding in findings) == sorted(item["original_text"] for item in ITEMS)
    stats = detector.last_stats
    assert stats is not None and stats.items_preferences == 1 and stats.items_returned == 4


# -- no fixed answer limit; a cut-off answer splits its chunk ---------------------------------------------------------


class AnswerPerChunk:
    """Steering to the items that occur in whichever chunk is read (the gold answer of a chunk)."""

    def __init__(self, llama: llama_cpp.Llama, items: Sequence[dict[str, str]]) -> None:
        self._llama = llama
        self._items = list(items)

    def __call__(self, answer: Sequence[int], source_text: str) -> int | None:
        present = [item for item in self._items if item["original_text"] in source_text]
        tokens = self._llama.tokenize(json.dumps(present).encode(), add_bos=False, special=False)
        return FixedAnswer(tokens, self._llama.token_eos())(answer)


def _contact_rows(count: int) -> tuple[str, list[dict[str, str]]]:
    rows, items = [], []
    for index in range(count):
        name, mail = f"Person{index} Example", f"person{index}@example.org"
        rows.append(f"{name}, {mail}, desk {index}")
        items += [
            {"original_text": name, "privacy_type": "Real Name", "privacy_level": "PL2"},
            {"original_text": mail, "privacy_type": "Email", "privacy_level": "PL2"},
        ]
    return "\n".join(rows), items


def test_an_answer_cut_off_is_asked_again_for_each_half_of_its_chunk(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    text, items = _contact_rows(12)
    whole = len(tiny_qwen3_llama.tokenize(json.dumps(items).encode(), add_bos=False, special=False))
    detector = ModelDetector(
        tiny_qwen3_llama,
        decoding="fast",
        max_new_tokens=whole * 2 // 3,  # the whole list's answer does not fit; each half's does
        steering=AnswerPerChunk(tiny_qwen3_llama, items),
    )
    assert detector.count_tokens(text) <= detector.chunk_token_budget()  # planned as one chunk
    reports: list[tuple[int, int]] = []
    findings = detector.detect(text, progress=lambda done, total: reports.append((done, total)))
    assert {finding.text for finding in findings} == {item["original_text"] for item in items}
    stats = detector.last_stats
    assert stats is not None and stats.chunks_retried >= 1 and stats.chunks >= 2
    assert reports[-1] == (stats.chunks, stats.chunks)


def test_an_answer_that_never_ends_fails_once_the_chunks_are_small(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    text, items = _contact_rows(12)
    endless = json.dumps(items * 20)
    detector = ModelDetector(
        tiny_qwen3_llama, decoding="fast", max_new_tokens=64, steering=steered_to(tiny_qwen3_llama, endless)
    )
    with pytest.raises(ModelOutputError, match="cut off"):
        detector.detect(text)
    stats = detector.last_stats
    assert stats is not None and stats.chunks_retried >= 1
    assert detector.count_tokens(text) > 2 * MIN_RETRY_CHUNK_TOKENS  # it was split before it gave up


def test_by_default_an_answer_may_use_what_the_context_leaves(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    detector = ModelDetector(tiny_qwen3_llama)
    prompt = detector.prompt_tokens(TEXTS["en"])
    assert detector.max_new_tokens is None
    assert detector.answer_limit(len(prompt)) > tiny_qwen3_llama.n_ctx() - len(prompt) - 16
    assert detector.answer_limit(len(prompt)) > 1024  # the old fixed limit
