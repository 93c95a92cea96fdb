"""The rules detector as a whole: the Detector protocol, cancellation, progress, and properties on arbitrary text.

The adversarial inputs are long runs of the characters the patterns are built from (digits, ``@``, dots, colons,
brackets, BEGIN lines). A pattern that backtracks would need minutes on them; a linear one needs milliseconds. The
tests assert the findings, and the per-test timeout is only there so a regression fails instead of hanging.
"""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.detectors.base import Detector
from app.core.detectors.rules import ALL_RECOGNIZERS, RulesDetector
from app.core.errors import Cancelled
from app.core.findings import RULES, Finding
from app.core.taxonomy import level_for_type

DETECTOR = RulesDetector()

MIXED_TEXT = (
    "Hi, I'm moving. New phone +1-617-492-7843, email sofia.m.lee93@examplemail.com.\n"
    "我的手机号是13812345678，身份证号11010519491231002X。\n"
    "Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, server 10.0.0.5.\n"
    "password: hunter2 and 验证码：123456\n"
)


def test_rules_detector_satisfies_the_detector_protocol() -> None:
    detector: Detector = RulesDetector()
    assert detector.name == RULES == "rules"


def test_findings_are_sorted_consistent_and_typed() -> None:
    findings = DETECTOR.detect(MIXED_TEXT)
    assert [f.type for f in findings] == [
        "Phone Number",
        "Email",
        "Phone Number",
        "ID Number",
        "Bank/Payment Card Number",
        "Financial Account",
        "Internal IP",
        "Password",
        "Verification Code",
    ]
    assert findings == sorted(findings, key=lambda f: (f.start, f.end, f.type))


def test_cancel_before_start_raises_cancelled() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        DETECTOR.detect(MIXED_TEXT, cancel=cancel)


def test_cancel_during_detection_stops_between_recognizers() -> None:
    cancel = threading.Event()
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        DETECTOR.detect(MIXED_TEXT, cancel=cancel, progress=progress)
    assert calls == [(1, len(ALL_RECOGNIZERS)), (2, len(ALL_RECOGNIZERS)), (3, len(ALL_RECOGNIZERS))]


def test_progress_counts_every_recognizer() -> None:
    calls: list[tuple[int, int]] = []
    DETECTOR.detect("nothing here", progress=lambda done, total: calls.append((done, total)))
    total = len(ALL_RECOGNIZERS)
    assert calls == [(done, total) for done in range(1, total + 1)]


def test_a_detector_with_chosen_recognizers_runs_only_those() -> None:
    from app.core.detectors.rules.contact import find_emails

    findings = RulesDetector(recognizers=[find_emails]).detect(MIXED_TEXT)
    assert {finding.type for finding in findings} == {"Email"}


def test_same_span_and_type_is_reported_once() -> None:
    text = "https://x.example/?token=a1b2c3d4e5f6g7h8&token=a1b2c3d4e5f6g7h8"
    findings = DETECTOR.detect(text)
    assert len({(f.start, f.end, f.type) for f in findings}) == len(findings)


def test_values_glued_to_chinese_text() -> None:
    text = "我的手机号是13812345678，邮箱zhang@example.com谢谢，卡号4111111111111111。"
    assert [(f.type, f.text) for f in DETECTOR.detect(text)] == [
        ("Phone Number", "13812345678"),
        ("Email", "zhang@example.com"),
        ("Bank/Payment Card Number", "4111111111111111"),
    ]


def test_empty_and_plain_text_give_nothing() -> None:
    assert DETECTOR.detect("") == []
    assert DETECTOR.detect("The quick brown fox jumps over the lazy dog, 3 times in 2024.") == []


def _assert_consistent(text: str, findings: list[Finding]) -> None:
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.detector == RULES
        assert finding.level == level_for_type(finding.type)


@given(st.text(max_size=400))
def test_never_crashes_on_arbitrary_unicode(text: str) -> None:
    _assert_consistent(text, DETECTOR.detect(text))


# Pieces that the recognizers are built around, shuffled together, so hypothesis explores near-misses.
_PIECES = st.sampled_from(
    [
        "0",
        "1",
        "7",
        "9",
        "12",
        "138",
        "4111",
        " ",
        "-",
        ".",
        ":",
        "/",
        "(",
        ")",
        "+",
        "@",
        "=",
        ";",
        "?",
        "&",
        "x",
        "X",
        "a",
        "GB",
        "sk-",
        "ghp_",
        "eyJ",
        "AKIA",
        "password",
        "code",
        "验证码",
        "密码",
        "：",
        "，",
        "手机",
        "\n",
        "://",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----END RSA PRIVATE KEY-----",
        "example.com",
        "ssn",
    ]
)


@given(st.lists(_PIECES, max_size=80).map("".join))
def test_findings_match_their_offsets_on_recognizer_shaped_text(text: str) -> None:
    _assert_consistent(text, DETECTOR.detect(text))


@given(st.text(alphabet="0123456789 -.()+/", max_size=200))
def test_digit_soup_gives_consistent_findings(text: str) -> None:
    _assert_consistent(text, DETECTOR.detect(text))


ADVERSARIAL_LENGTH = 60_000

ADVERSARIAL_INPUTS = {
    "digits": "1" * ADVERSARIAL_LENGTH,
    "digits with spaces": "1 " * (ADVERSARIAL_LENGTH // 2),
    "digits with dashes": "12-" * (ADVERSARIAL_LENGTH // 3),
    "at signs": "@" * ADVERSARIAL_LENGTH,
    "local part without at": "a." * (ADVERSARIAL_LENGTH // 2),
    "at and dots": "a@" + "b." * (ADVERSARIAL_LENGTH // 2),
    "dots": "." * ADVERSARIAL_LENGTH,
    "dotted digits": "1." * (ADVERSARIAL_LENGTH // 2),
    "colons": ":" * ADVERSARIAL_LENGTH,
    "hex colons": "a1:" * (ADVERSARIAL_LENGTH // 3),
    "nested brackets": "(" * (ADVERSARIAL_LENGTH // 2) + ")" * (ADVERSARIAL_LENGTH // 2),
    "bracketed digits": "(1)" * (ADVERSARIAL_LENGTH // 3),
    "key-like run": "A" * ADVERSARIAL_LENGTH,
    "begin lines": "-----BEGIN RSA PRIVATE KEY-----\n" * (ADVERSARIAL_LENGTH // 32),
    "scheme run": "a://" * (ADVERSARIAL_LENGTH // 4),
    "url password run": "x://u:" + "@" * ADVERSARIAL_LENGTH,
    "key value pairs": "a=b;" * (ADVERSARIAL_LENGTH // 4),
    "password words": "password " * (ADVERSARIAL_LENGTH // 9),
    "code words": "code 12 " * (ADVERSARIAL_LENGTH // 8),
    "recovery words": "backup codes: " * (ADVERSARIAL_LENGTH // 14),
    "chinese": "验证码密码手机" * (ADVERSARIAL_LENGTH // 7),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(ADVERSARIAL_INPUTS))
def test_adversarial_input_finishes_and_stays_consistent(name: str) -> None:
    text = ADVERSARIAL_INPUTS[name]
    findings = DETECTOR.detect(text)
    _assert_consistent(text, findings)
    assert len(findings) <= len(text)
