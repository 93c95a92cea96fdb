"""Fast answer decoding: the same tokens as plain grammar-constrained greedy decoding, in fewer model steps.

SmolLM2 (a real model) shows the equivalence on a fixed English and Chinese corpus, both decoders run one after the
other on this machine (its free-running answers differ between instruction sets, so they are compared, never
written down). It is loaded with flash attention, under which llama.cpp evaluates batch rows (almost) as single
tokens; the drafting decoder gets the tie margin the app derives from the batch noise measured on this machine. The
tiny random-weight qwen3 model, steered toward a known answer, shows how many model steps drafting saves (counted,
never timed). How "auto" decoding decides is tested with injected noise figures: a machine's own figure is never
asserted.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.detectors.model import detector as model_module
from app.core.detectors.model.answer_grammar import GrammarGate, answer_grammar, greedy_choice
from app.core.detectors.model.calibration import MAX_NOISE_FOR_DRAFTING, measure_batch_noise
from app.core.detectors.model.decoders import DEFAULT_TIE_MARGIN, DraftingDecoder, PlainDecoder, token_piece
from app.core.detectors.model.detector import ModelDetector
from app.core.detectors.model.drafter import AnswerDrafter, rules_span_hints
from app.core.detectors.model.output import parse_model_output
from app.core.detectors.model.prefix_state import holds_prefix
from app.core.errors import Cancelled
from tests.helpers.models import load_llama, recorded_decodes, steered_to

# The corpus for the equivalence proof: English and Chinese, names, contacts, secrets, health, money, ids.
CORPUS = (
    "Hi, I'm Alice Wong. My email is alice.wong@example.com and my password is hunter22.",
    "Bob Stone lives at 12 Elm Road and his phone number is 415-555-0199.",
    "My doctor Dr. Ruth Okafor says my type 1 diabetes is stable. Call me on +44 20 7946 0958.",
    "Server login: admin / Tr0ub4dor&3 at 10.0.12.7, the API key is sk-live-4f9a8b7c6d5e.",
    "Meeting with Jenny Liu (jenny.liu@acme.io) on Friday at 3pm about the Q3 budget.",
    "我叫王小明，电话是13812345678，住在北京市朝阳区建国路88号。",
    "李华的身份证号是110101199003077777，她在协和医院看病。",
    "验证码是482913，请不要告诉别人。我的邮箱是zhang.wei@example.cn。",
    "张伟的银行卡号是6222 0212 3456 7890，开户行是工商银行上海分行。",
)
CORPUS_ANSWER_LIMIT = 80

GOLD_TEXT = (
    "Hi, I'm Alice Wong. My email is alice.wong@example.com, my password is hunter22 and I have type 1 diabetes."
)
GOLD_ITEMS = [
    {"original_text": "Alice Wong", "privacy_type": "Real Name", "privacy_level": "PL2"},
    {"original_text": "alice.wong@example.com", "privacy_type": "Email", "privacy_level": "PL2"},
    {"original_text": "hunter22", "privacy_type": "Password", "privacy_level": "PL4"},
    {"original_text": "type 1 diabetes", "privacy_type": "Medical Health", "privacy_level": "PL3"},
]
GOLD_ANSWER = json.dumps(GOLD_ITEMS, ensure_ascii=False)


@pytest.fixture(scope="module")
def smollm2_flash(smollm2_gguf: Path) -> Iterator[llama_cpp.Llama]:
    llama = load_llama(smollm2_gguf, n_ctx=2048, flash_attn=True)
    yield llama
    llama.close()


@pytest.fixture(scope="module")
def tiny_flash(tiny_qwen3_gguf: Path) -> Iterator[llama_cpp.Llama]:
    llama = load_llama(tiny_qwen3_gguf, n_ctx=4096, flash_attn=True)
    yield llama
    llama.close()


# -- equivalence with plain decoding on a real model ---------------------------------------------------------------------


def _tie_margin_for(llama: llama_cpp.Llama, detector: ModelDetector) -> float:
    """The margin the app's "auto" decoding uses on this machine: from the batch noise measured here."""
    noise = measure_batch_noise(llama, detector.fixed_prefix_tokens)
    return max(DEFAULT_TIE_MARGIN, 4 * noise)


@pytest.mark.slow
def test_fast_decoding_writes_the_same_answers_as_plain_decoding_on_the_corpus(smollm2_flash: llama_cpp.Llama) -> None:
    plain = ModelDetector(smollm2_flash, profile="card", decoding="plain", max_new_tokens=CORPUS_ANSWER_LIMIT)
    grammar = answer_grammar()
    plain_decoder = PlainDecoder(smollm2_flash, grammar)
    fast_decoder = DraftingDecoder(smollm2_flash, grammar, tie_margin=_tie_margin_for(smollm2_flash, plain))
    steps = {"plain": 0, "fast": 0}
    for text in CORPUS:
        prompt = plain.prompt_tokens(text)
        smollm2_flash.reset()
        expected = plain_decoder.decode(prompt, max_new_tokens=CORPUS_ANSWER_LIMIT, source_text=text)
        smollm2_flash.reset()
        got = fast_decoder.decode(prompt, max_new_tokens=CORPUS_ANSWER_LIMIT, source_text=text)
        assert got.tokens == expected.tokens
        assert got.finish_reason == expected.finish_reason
        if expected.finish_reason == "stop":
            assert parse_model_output(got.text) == parse_model_output(expected.text)
        steps["plain"] += expected.model_steps
        steps["fast"] += got.model_steps
    assert steps["fast"] < steps["plain"]  # drafting saved model steps on this corpus, whatever the answers were

    auto = ModelDetector(smollm2_flash, profile="card", max_new_tokens=CORPUS_ANSWER_LIMIT)
    auto.calibrate_decoding()  # fast or plain, as the app would choose on this machine
    for text in CORPUS[::2]:  # through the detector: the same findings, or the same refusal of a cut-off answer
        outcomes = []
        for detector in (plain, auto):
            smollm2_flash.reset()
            try:
                outcomes.append(detector.detect(text))
            except Exception as error:  # noqa: BLE001 - the error class is the outcome compared
                outcomes.append(type(error).__name__)
        assert outcomes[0] == outcomes[1]


def test_the_plain_decoder_is_what_create_completion_does(smollm2_flash: llama_cpp.Llama) -> None:
    grammar = answer_grammar()
    detector = ModelDetector(smollm2_flash, profile="card")
    for text in CORPUS[:2] + CORPUS[5:6]:
        prompt = detector.prompt_tokens(text)
        smollm2_flash.reset()
        completion: Any = smollm2_flash.create_completion(
            prompt, max_tokens=60, temperature=0.0, repeat_penalty=1.0, grammar=grammar
        )
        # What llama.cpp evaluated: every generated token but the last (it was only sampled).
        evaluated = [int(token) for token in smollm2_flash.input_ids[len(prompt) : smollm2_flash.n_tokens]]
        text = completion["choices"][0]["text"]
        smollm2_flash.reset()
        answer = PlainDecoder(smollm2_flash, grammar).decode(prompt, max_new_tokens=60)
        assert answer.finish_reason == completion["choices"][0]["finish_reason"]
        assert answer.tokens[: len(evaluated)] == evaluated[: len(answer.tokens)]
        if answer.finish_reason == "stop":
            assert answer.text == text
        else:  # at the limit, llama-cpp-python takes a token or two more to finish a character the limit cut
            assert text.startswith(answer.text) and len(text) - len(answer.text) <= 2


@pytest.mark.parametrize(
    ("noise", "expected"),
    [
        (0.0, "fast"),
        (MAX_NOISE_FOR_DRAFTING / 2, "fast"),
        (MAX_NOISE_FOR_DRAFTING, "fast"),
        (MAX_NOISE_FOR_DRAFTING * 1.5, "plain"),
    ],
)
def test_auto_decoding_drafts_only_where_batch_rows_round_like_single_tokens(
    tiny_qwen3_llama: llama_cpp.Llama, monkeypatch: pytest.MonkeyPatch, noise: float, expected: str
) -> None:
    """The decision, from injected noise figures: a real machine's figure depends on its instruction set."""
    measured: list[int] = []

    def injected_noise(llama: llama_cpp.Llama, context: list[int]) -> float:
        measured.append(len(context))
        return noise

    monkeypatch.setattr(model_module, "measure_batch_noise", injected_noise)
    detector = ModelDetector(tiny_qwen3_llama)
    assert detector.decoding == "auto"
    assert isinstance(detector._decoder_for_calls(), PlainDecoder)  # plain until calibrated
    assert detector.calibrate_decoding() == expected == detector.decoding
    assert detector.calibrate_decoding() == expected and measured == [len(detector.fixed_prefix_tokens)]  # once
    assert detector.batch_noise == noise
    decoder = detector._decoder_for_calls()
    if expected == "fast":
        assert isinstance(decoder, DraftingDecoder)
        assert decoder.tie_margin == max(DEFAULT_TIE_MARGIN, 4 * noise)  # close calls within the noise: re-checked
    else:
        assert isinstance(decoder, PlainDecoder)


@pytest.mark.parametrize("flash", [False, True], ids=["plain-attention", "flash-attention"])
def test_the_batch_noise_of_a_real_model_is_a_finite_figure_and_leaves_the_prefix_in_place(
    smollm2_llama: llama_cpp.Llama, smollm2_flash: llama_cpp.Llama, flash: bool
) -> None:
    llama = smollm2_flash if flash else smollm2_llama
    detector = ModelDetector(llama)
    decoding = detector.calibrate_decoding()
    noise = detector.batch_noise
    assert noise is not None and math.isfinite(noise) and noise >= 0.0
    assert decoding == ("fast" if noise <= MAX_NOISE_FOR_DRAFTING else "plain")
    assert holds_prefix(llama, detector.fixed_prefix_tokens)


# -- the grammar gate --------------------------------------------------------------------------------------------------


def _gate_after(llama: llama_cpp.Llama, text: str) -> GrammarGate:
    gate = GrammarGate(llama, answer_grammar())
    for token in llama.tokenize(text.encode(), add_bos=False, special=False):
        assert gate.allows(token)
        gate.accept(token)
    return gate


def _masked_argmax(logits: np.ndarray[Any, Any], gate: GrammarGate) -> int:
    allowed = gate.allowed(gate.all_tokens)
    return int(np.argmax(np.where(allowed, logits, -np.inf)))


@settings(max_examples=40)
@given(
    prefix_length=st.integers(min_value=0, max_value=len(GOLD_ANSWER)),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    coarse=st.booleans(),
)
def test_greedy_choice_is_the_best_allowed_token(
    tiny_qwen3_llama: llama_cpp.Llama, prefix_length: int, seed: int, coarse: bool
) -> None:
    """Equal to masking the whole vocabulary and taking the first maximum — also with many ties (coarse logits)."""
    text = GOLD_ANSWER[:prefix_length]
    if text.encode()[-1:] and not _tokenizes_cleanly(tiny_qwen3_llama, text):
        text = GOLD_ANSWER[: prefix_length - 1]
    gate = _gate_after(tiny_qwen3_llama, text)
    try:
        logits = np.random.default_rng(seed).normal(size=gate.n_vocab).astype(np.float32)
        if coarse:
            logits = np.round(logits).astype(np.float32)
        choice = greedy_choice(logits, gate)
        assert gate.allows(choice)
        assert choice == _masked_argmax(logits, gate)
    finally:
        gate.close()


def _tokenizes_cleanly(llama: llama_cpp.Llama, text: str) -> bool:
    return llama.detokenize(llama.tokenize(text.encode(), add_bos=False, special=False)).decode() == text


def test_the_grammar_allows_the_end_only_after_the_closing_bracket(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    end = tiny_qwen3_llama.token_eos()
    open_gate = _gate_after(tiny_qwen3_llama, GOLD_ANSWER[:-1])
    closed_gate = _gate_after(tiny_qwen3_llama, GOLD_ANSWER)
    try:
        assert not open_gate.allows(end)
        assert closed_gate.allows(end)
    finally:
        open_gate.close()
        closed_gate.close()


# -- the drafter ---------------------------------------------------------------------------------------------------------


def _drafter(llama: llama_cpp.Llama, source: str) -> AnswerDrafter:
    return AnswerDrafter(
        source_text=source,
        piece=lambda token: token_piece(llama, token),
        tokenize=lambda data: llama.tokenize(data, add_bos=False, special=False),
    )


def _steps_with_perfect_verifier(llama: llama_cpp.Llama, source: str, answer: str) -> tuple[int, int]:
    """Model steps drafting needs to write ``answer`` when the model agrees with it: one per not-drafted token."""
    target = llama.tokenize(answer.encode(), add_bos=False, special=False)
    drafter = _drafter(llama, source)
    steps = position = 0
    drafter.push(target[0])
    position = 1
    while position < len(target):
        draft = drafter.propose(16)
        steps += 1
        accepted = 0
        while (
            accepted < len(draft)
            and position + accepted < len(target)
            and draft[accepted] == target[position + accepted]
        ):
            accepted += 1
        for token in target[position : position + accepted + 1]:
            drafter.push(token)
        position += accepted + 1
    return steps, len(target)


@pytest.mark.parametrize(
    ("source", "items"),
    [
        (GOLD_TEXT, GOLD_ITEMS),
        (
            "我叫王小明，电话是13812345678，住在北京市朝阳区建国路88号。",
            [
                {"original_text": "王小明", "privacy_type": "Real Name", "privacy_level": "PL2"},
                {"original_text": "13812345678", "privacy_type": "Phone Number", "privacy_level": "PL2"},
                {"original_text": "北京市朝阳区建国路88号", "privacy_type": "Detailed Address", "privacy_level": "PL2"},
            ],
        ),
    ],
    ids=["english", "chinese"],
)
def test_the_drafter_predicts_most_of_an_answer(
    tiny_qwen3_llama: llama_cpp.Llama, source: str, items: list[dict[str, str]]
) -> None:
    steps, tokens = _steps_with_perfect_verifier(tiny_qwen3_llama, source, json.dumps(items, ensure_ascii=False))
    assert steps * 4 <= tokens  # keys, quotes, copied values, type names and levels come in batches


def test_the_drafter_learns_the_models_spacing(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    drafter = _drafter(tiny_qwen3_llama, "Alice and Bob")
    written = '[{ "original_text":"Alice" ,"privacy_type":"Real Name" ,"privacy_level":"PL2"},{ "original_text":"'
    for token in tiny_qwen3_llama.tokenize(written.encode(), add_bos=False, special=False):
        drafter.push(token)
    assert drafter.predicted_text() == ""  # a new value's start cannot be guessed
    for token in tiny_qwen3_llama.tokenize(b"B", add_bos=False, special=False):
        drafter.push(token)
    assert drafter.predicted_text().startswith('ob" ,"privacy_type":"')


def test_a_span_the_rules_recognise_is_drafted_whole_with_its_type(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    source = "Write to alice.wong@example.com or call +1 (312) 555-0147 and ask for Bob."
    hints = rules_span_hints(source)
    drafter = AnswerDrafter(
        source_text=source,
        piece=lambda token: token_piece(tiny_qwen3_llama, token),
        tokenize=lambda data: tiny_qwen3_llama.tokenize(data, add_bos=False, special=False),
        hints=hints,
    )
    for token in tiny_qwen3_llama.tokenize(b'[{"original_text": "alice', add_bos=False, special=False):
        drafter.push(token)
    expected = '.wong@example.com", "privacy_type": "Email", "privacy_level": "PL2"}, {"original_text": "'
    assert drafter.predicted_text() == expected
    for token in tiny_qwen3_llama.tokenize(expected.encode() + b"+1", add_bos=False, special=False):
        drafter.push(token)
    assert drafter.predicted_text().startswith(' (312) 555-0147", "privacy_type": "Phone Number"')
    assert not any(source[start:end] == "Bob" for start, end, _kind in hints)


def _pushed(drafter: AnswerDrafter, llama: llama_cpp.Llama, text: str) -> AnswerDrafter:
    for token in llama.tokenize(text.encode(), add_bos=False, special=False):
        drafter.push(token)
    return drafter


def test_a_value_that_went_on_past_a_comma_is_copied_past_the_next_ones(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    source = "Post it to 2417 West Belden Avenue, Apt 3F, Chicago, IL 60647. Thanks, Dan"
    started = _pushed(_drafter(tiny_qwen3_llama, source), tiny_qwen3_llama, '[{"original_text": "2417')
    assert started.predicted_text().startswith(' West Belden Avenue", ')  # a comma usually ends a value
    past_one = _pushed(
        _drafter(tiny_qwen3_llama, source), tiny_qwen3_llama, '[{"original_text": "2417 West Belden Avenue,'
    )
    assert past_one.predicted_text().startswith(' Apt 3F, Chicago, IL 60647", "privacy_type": "')


def test_an_element_end_without_the_next_comma_is_drafted_as_the_answers_end(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    llama = tiny_qwen3_llama
    written = '[{"original_text": "Alice", "privacy_type": "Real Name", "privacy_level": "PL2'
    element_end = llama.tokenize(b'"}', add_bos=False, special=False)
    assert len(element_end) == 1

    going_on = _pushed(_drafter(llama, "Alice and Bob"), llama, written)
    drafted = going_on.propose(16)[0]
    assert token_piece(llama, drafted) == b'"},'  # Qwen spells an element end with the next comma
    going_on.push(element_end[0])
    assert going_on.predicted_text() == ', {"original_text": "'  # written, not refused: another element is likely

    ending = _pushed(_drafter(llama, "Alice and Bob"), llama, written)
    ending.refused(drafted, element_end[0])
    ending.push(element_end[0])
    assert ending.predicted_text() == "]"
    ending.push(llama.tokenize(b"]", add_bos=False, special=False)[0])
    assert ending.propose(8) == []


@settings(max_examples=60)
@given(text=st.text(max_size=60), source=st.text(max_size=40))
def test_the_drafter_takes_any_answer_text(tiny_qwen3_llama: llama_cpp.Llama, text: str, source: str) -> None:
    """Whatever the model writes (the grammar normally prevents most of it), drafting proposes tokens or nothing."""
    drafter = _drafter(tiny_qwen3_llama, source)
    for token in tiny_qwen3_llama.tokenize(text.encode(), add_bos=False, special=False):
        drafter.push(token)
        draft = drafter.propose(8)
        assert len(draft) <= 8
        assert all(0 <= token < tiny_qwen3_llama.n_vocab() for token in draft)


# -- decoding a known answer with the random-weight model (steps, not seconds) -------------------------------------------


@pytest.mark.parametrize("decoder_class", [PlainDecoder, DraftingDecoder])
def test_steering_makes_a_random_model_write_the_known_answer(tiny_flash: llama_cpp.Llama, decoder_class: type) -> None:
    detector = ModelDetector(tiny_flash, max_new_tokens=200)
    steering = steered_to(tiny_flash, GOLD_ANSWER)
    answer = decoder_class(tiny_flash, answer_grammar(), steering=steering).decode(
        detector.prompt_tokens(GOLD_TEXT), max_new_tokens=200, source_text=GOLD_TEXT
    )
    assert answer.text == GOLD_ANSWER
    assert answer.finish_reason == "stop"


def test_drafting_writes_the_known_answer_in_a_fraction_of_the_model_steps(tiny_flash: llama_cpp.Llama) -> None:
    detector = ModelDetector(tiny_flash, max_new_tokens=200)
    steering = steered_to(tiny_flash, GOLD_ANSWER)
    prompt = detector.prompt_tokens(GOLD_TEXT)
    answers = {}
    for decoder_class in (PlainDecoder, DraftingDecoder):
        decoder = decoder_class(tiny_flash, answer_grammar(), steering=steering)
        with recorded_decodes(tiny_flash) as sizes:
            answers[decoder_class] = decoder.decode(prompt, max_new_tokens=200, source_text=GOLD_TEXT)
        assert len(sizes) == 1 + answers[decoder_class].model_steps  # the prompt, then one batch per step
    plain, fast = answers[PlainDecoder], answers[DraftingDecoder]
    assert fast.tokens == plain.tokens
    assert plain.model_steps == len(plain.tokens)  # every answer token is evaluated, for the next choice
    assert fast.model_steps * 3 <= plain.model_steps
    assert fast.accepted_draft_tokens >= 0.7 * len(fast.tokens)


def test_a_length_limit_inside_a_draft_ends_where_plain_decoding_ends(tiny_flash: llama_cpp.Llama) -> None:
    detector = ModelDetector(tiny_flash)
    prompt = detector.prompt_tokens(GOLD_TEXT)
    steering = steered_to(tiny_flash, GOLD_ANSWER)
    for limit in (1, 7, 23):
        answers = [
            decoder_class(tiny_flash, answer_grammar(), steering=steering).decode(
                prompt, max_new_tokens=limit, source_text=GOLD_TEXT
            )
            for decoder_class in (PlainDecoder, DraftingDecoder)
        ]
        assert answers[0].tokens == answers[1].tokens
        assert len(answers[1].tokens) == limit
        assert answers[1].finish_reason == "length"


def test_cancel_during_fast_generation_stops_after_the_current_step(tiny_flash: llama_cpp.Llama) -> None:
    detector = ModelDetector(
        tiny_flash, decoding="fast", max_new_tokens=200, steering=steered_to(tiny_flash, GOLD_ANSWER)
    )
    cancel = threading.Event()

    def cancel_on_third(call: int) -> None:
        if call == 3:  # the prompt, then two answer batches
            cancel.set()

    tiny_flash.reset()
    with recorded_decodes(tiny_flash, cancel_on_third) as sizes, pytest.raises(Cancelled):
        detector.detect(GOLD_TEXT, cancel=cancel)
    assert len(sizes) == 3


def test_the_detector_uses_the_drafting_decoder_and_counts_its_work(tiny_flash: llama_cpp.Llama) -> None:
    detector = ModelDetector(
        tiny_flash, decoding="fast", max_new_tokens=200, steering=steered_to(tiny_flash, GOLD_ANSWER)
    )
    detector.warm_prefix(None)
    findings = detector.detect(GOLD_TEXT)
    assert sorted(finding.text for finding in findings) == sorted(item["original_text"] for item in GOLD_ITEMS)
    stats = detector.last_stats
    assert stats is not None and detector.decoding == "fast"
    assert stats.model_steps < stats.generated_tokens // 3
    assert 0 < stats.accepted_draft_tokens <= stats.drafted_tokens
