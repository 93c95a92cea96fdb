"""Rules detector benchmark: time grows linearly with the input, and no input shape makes it crawl.

- ``rules_linearity``: time for 1 MB of ordinary text over time for 100 KB of it (linear: ~10; target ≤ 12).
- ``rules_adversarial_ratio``: the worst time per KB of an adversarial 100 KB input (long runs of digits, ``@``,
  dots, nested brackets and their mixtures, the shapes that make careless patterns backtrack) over the time per KB of
  ordinary text (target ≤ 3). The details list every shape and, for the worst, the slowest recognizers.

Each timing is the best of a few runs (the least disturbed by other work on the machine).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.core.detectors.rules import ALL_RECOGNIZERS, RulesDetector

_ORDINARY_BLOCK = (
    "Dear team, the quarterly report is attached. Please send comments to Alice Wong at alice.wong@example.com or "
    "call +1 415 555 0{n:03d} before Friday. The staging server 10.0.{a}.{b} was restarted at 14:{m:02d}; the "
    "invoice INV-{n:05d} was paid from account DE89 3704 0044 0532 0130 00. Minutes of the meeting follow below, "
    "with the action items and the names of the people who own them. Nothing else changed since last week.\n"
)


def ordinary_text(size: int) -> str:
    """Ordinary prose with the usual sprinkling of contacts, addresses and numbers, ``size`` characters long."""
    parts: list[str] = []
    length = 0
    number = 0
    while length < size:
        block = _ORDINARY_BLOCK.format(n=number % 1000, a=number % 250, b=(number * 7) % 250, m=number % 60)
        parts.append(block)
        length += len(block)
        number += 1
    return "".join(parts)[:size]


def adversarial_texts(size: int) -> dict[str, str]:
    half = size // 2
    return {
        "digits": "1" * size,
        "digits and spaces": "1 " * half,
        "digits and dashes": "1-" * half,
        "digits and dots": "1." * half,
        "at signs": "@" * size,
        "letters and at signs": "a@" * half,
        "dots": "." * size,
        "letters and dots": "a." * half,
        "nested brackets": "(" * half + ")" * half,
        "mixed brackets": "([{<" * (size // 8) + ">}])" * (size // 8),
        "email-like run": ("a.b-c_d+e@" * (size // 10)),
        "key=value run": "password=" * (size // 9),
        "hex run": "0123456789abcdef" * (size // 16),
    }


def best_time(call: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def slowest_recognizers(text: str, count: int = 3) -> list[tuple[str, float]]:
    timings = [
        (recognizer.__name__, best_time(lambda r=recognizer: list(r(text)), 1)) for recognizer in ALL_RECOGNIZERS
    ]
    return sorted(timings, key=lambda pair: pair[1], reverse=True)[:count]


def run(quick: bool, log: Callable[[str], None]) -> tuple[dict[str, float], dict[str, object]]:
    detector = RulesDetector()
    small, large = 100_000, 1_000_000
    repeats = 1 if quick else 3
    small_seconds = best_time(lambda: detector.detect(ordinary_text(small)), repeats)
    large_seconds = best_time(lambda: detector.detect(ordinary_text(large)), max(1, repeats - 1))
    per_kb = small_seconds / (small / 1000)
    ratios: dict[str, float] = {}
    for name, text in adversarial_texts(small).items():
        seconds = best_time(lambda text=text: detector.detect(text), repeats)
        ratios[name] = (seconds / (len(text) / 1000)) / per_kb
    worst = max(ratios, key=lambda name: ratios[name])
    log(f"rules: 100 KB {small_seconds:.2f} s, 1 MB {large_seconds:.2f} s, worst shape {worst!r} {ratios[worst]:.1f}×")
    figures = {"rules_linearity": large_seconds / small_seconds, "rules_adversarial_ratio": ratios[worst]}
    details: dict[str, object] = {
        "ordinary_100kb_seconds": small_seconds,
        "ordinary_1mb_seconds": large_seconds,
        "adversarial_per_kb_ratio": ratios,
        "worst_shape": worst,
        "slowest_recognizers_over_target": {
            name: slowest_recognizers(adversarial_texts(small)[name]) for name, ratio in ratios.items() if ratio > 3
        },
    }
    if ratios[worst] > 3:  # is it super-linear, or only costly per KB?
        text = adversarial_texts(small)[worst]
        doubled = adversarial_texts(2 * small)[worst]
        details["worst_shape_200kb_over_100kb"] = best_time(lambda: detector.detect(doubled), 1) / best_time(
            lambda: detector.detect(text), 1
        )
    return figures, details
