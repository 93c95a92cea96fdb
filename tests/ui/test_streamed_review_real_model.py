"""Streaming end to end with real llama.cpp: the worker thread runs a real `ModelDetector` (the random-weight qwen3,
steered to a known answer) and the review window shows each model finding before the model has finished."""

from __future__ import annotations

import json
from collections.abc import Iterator

import llama_cpp
import pytest
from pytestqt.qtbot import QtBot

from app.core.detectors.model.decoders import FixedAnswer
from app.core.detectors.model.detector import ModelDetector
from app.core.detectors.rules import RulesDetector
from app.core.engine import Engine
from app.core.findings import MODEL
from app.core.store import MemoryStore
from app.ui.review import ReviewWindow
from app.ui.worker import DetectionWorker, ModelSlot, ModelState
from tests.helpers.stand_in_detector import BorrowedModel

TEXT = "Zed Quill met Ann Brook at the station; Zed Quill paid."
ITEMS = [
    {"original_text": "Zed Quill", "privacy_type": "Real Name", "privacy_level": "PL2"},
    {"original_text": "Ann Brook", "privacy_type": "Real Name", "privacy_level": "PL2"},
]


@pytest.fixture
def worker(tiny_qwen3_llama: llama_cpp.Llama) -> Iterator[DetectionWorker]:
    llama = tiny_qwen3_llama
    answer = llama.tokenize(json.dumps(ITEMS).encode(), add_bos=False, special=False)
    slot = ModelSlot()
    running = DetectionWorker(Engine(MemoryStore(), rules=RulesDetector(), model=slot), slot)
    running.start()
    running.load_model(
        lambda: BorrowedModel(
            ModelDetector(llama, max_new_tokens=200, decoding="plain", steering=FixedAnswer(answer, llama.token_eos()))
        )
    )
    yield running
    running.shutdown()


def test_model_findings_reach_the_window_before_the_model_is_done(qtbot: QtBot, worker: DetectionWorker) -> None:
    qtbot.waitUntil(lambda: worker.state is ModelState.READY, timeout=30_000)
    events: list[str] = []
    worker.job_findings.connect(lambda _job, findings: events.extend(f"early {f.text}" for f in findings))
    worker.job_finished.connect(lambda _job, _findings: events.append("finished"))
    window = ReviewWindow(worker._engine, worker)
    qtbot.addWidget(window)
    window.set_mask_text(TEXT)
    qtbot.waitUntil(lambda: "finished" in events, timeout=60_000)
    # Each element as soon as it is complete, every occurrence located in the whole text, then the final result.
    assert events == ["early Zed Quill", "early Zed Quill", "early Ann Brook", "finished"]
    names = sorted(item.finding.text for item in window.mask_tab.items() if item.finding.detector == MODEL)
    assert names == ["Ann Brook", "Zed Quill", "Zed Quill"]
    assert window.mask_tab.preview_edit.text() == (
        "<Real_Name_1> met <Real_Name_2> at the station; <Real_Name_1> paid."
    )
