"""Findings stream out of the real decoders while the (steered, random-weight qwen3) model writes its answer."""

from __future__ import annotations

import json
import threading

import llama_cpp
import pytest

from app.core.detectors.model.answer_grammar import answer_grammar
from app.core.detectors.model.decoders import DraftingDecoder, PlainDecoder
from app.core.detectors.model.detector import ModelDetector
from app.core.errors import Cancelled
from app.core.findings import Finding
from tests.helpers.models import recorded_decodes, steered_to

TEXT = "Hi, I'm Alice Wong. My email is alice.wong@example.com, my password is hunter22. Alice Wong again."
ITEMS = [
    {"original_text": "Alice Wong", "privacy_type": "Real Name", "privacy_level": "PL2"},
    {"original_text": "alice.wong@example.com", "privacy_type": "Email", "privacy_level": "PL2"},
    {"original_text": "hunter22", "privacy_type": "Password", "privacy_level": "PL4"},
]
ANSWER = json.dumps(ITEMS, ensure_ascii=False)  # the grammar's layout; other layouts: tests/core/test_answer_stream.py


def _key(finding: Finding) -> tuple[int, int, str]:
    return (finding.start, finding.end, finding.type)


@pytest.mark.parametrize("decoder_class", [PlainDecoder, DraftingDecoder])
def test_the_decoders_hand_out_the_answer_text_step_by_step(
    tiny_qwen3_llama: llama_cpp.Llama, decoder_class: type
) -> None:
    llama = tiny_qwen3_llama
    detector = ModelDetector(llama, max_new_tokens=300)
    grammar = answer_grammar()
    pieces: list[str] = []
    answer = decoder_class(llama, grammar, steering=steered_to(llama, ANSWER)).decode(
        detector.prompt_tokens(TEXT), max_new_tokens=300, source_text=TEXT, on_text=pieces.append
    )
    assert answer.text == ANSWER and answer.finish_reason == "stop"
    assert "".join(pieces) == ANSWER
    assert len(pieces) > 3  # in steps, not all at the end


@pytest.mark.parametrize("decoding", ["plain", "fast"])
def test_early_findings_arrive_before_the_answer_ends_and_equal_the_final_ones(
    tiny_qwen3_llama: llama_cpp.Llama, decoding: str
) -> None:
    llama = tiny_qwen3_llama
    detector = ModelDetector(llama, max_new_tokens=300, decoding=decoding, steering=steered_to(llama, ANSWER))
    batches: list[list[Finding]] = []
    steps_at_batch: list[int] = []
    with recorded_decodes(llama) as sizes:
        final = detector.detect(
            TEXT, on_findings=lambda found: (batches.append(found), steps_at_batch.append(len(sizes)))
        )
    early = [finding for batch in batches for finding in batch]
    assert sorted(map(_key, early)) == sorted(map(_key, final))
    assert len(early) == len(set(map(_key, early)))  # never repeated
    assert [finding.text for finding in batches[0]] == ["Alice Wong", "Alice Wong"]  # located in the whole text
    assert len(batches) == 3 and steps_at_batch[0] < steps_at_batch[-1] <= len(sizes)


def test_cancelling_after_the_first_finding_keeps_what_was_found(tiny_qwen3_llama: llama_cpp.Llama) -> None:
    llama = tiny_qwen3_llama
    detector = ModelDetector(llama, max_new_tokens=300, decoding="plain", steering=steered_to(llama, ANSWER))
    cancel = threading.Event()
    received: list[Finding] = []

    def keep_and_cancel(found: list[Finding]) -> None:
        received.extend(found)
        cancel.set()

    with pytest.raises(Cancelled):
        detector.detect(TEXT, cancel=cancel, on_findings=keep_and_cancel)
    assert {finding.text for finding in received} == {"Alice Wong"}
