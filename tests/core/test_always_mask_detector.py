"""The always-mask list as a detector: it finds the listed values; the policy decides (tests/core/test_policy.py)."""

from __future__ import annotations

import threading

import pytest

from app.core.detectors.always_mask import AlwaysMaskDetector
from app.core.errors import Cancelled
from app.core.findings import ALWAYS_MASK, Finding
from app.core.policy import AlwaysMaskEntry
from app.core.taxonomy import Level


def test_every_occurrence_of_every_entry_is_a_finding_of_the_entrys_type() -> None:
    text = "Ask Nightjar team: the NJ-7 key (nj-7) opens the\nnightjar   TEAM vault."
    detector = AlwaysMaskDetector([AlwaysMaskEntry("NJ-7", "password"), AlwaysMaskEntry("nightjar team")])
    found = detector.detect(text)
    assert found == [
        Finding(23, 27, "NJ-7", "Password", Level.PL4, ALWAYS_MASK),  # exact matches: the other spelling is not one
        Finding(4, 17, "Nightjar team", "Private Info", Level.PL3, ALWAYS_MASK),  # no exact match: case and spaces
        Finding(49, 64, "nightjar   TEAM", "Private Info", Level.PL3, ALWAYS_MASK),
    ]
    assert detector.name == ALWAYS_MASK


def test_values_inside_longer_words_and_blank_entries_are_not_found() -> None:
    detector = AlwaysMaskDetector([AlwaysMaskEntry("Ann"), AlwaysMaskEntry("   ")])
    assert detector.detect("Annual report by Anne") == []
    assert detector.detect("Ann wrote it") == [Finding(0, 3, "Ann", "Private Info", Level.PL3, ALWAYS_MASK)]


def test_a_cancel_stops_it_and_it_reports_no_progress() -> None:
    detector = AlwaysMaskDetector([AlwaysMaskEntry("Ann")])
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        detector.detect("Ann wrote it", cancel=cancel)
    calls: list[tuple[int, int]] = []
    detector.detect("Ann wrote it", progress=lambda done, total: calls.append((done, total)))
    assert calls == []
