"""Payment card numbers and IBANs (PL3), each confirmed by its checksum.

Cards: 13–19 digits (bare, or in groups split by spaces or dashes) with a known scheme prefix and a valid Luhn digit.
Twelve-digit Maestro numbers exist too, but twelve digits are also the shape of many account and order numbers, so
they count only next to a card word (``card``, ``cc``, ``卡号`` …).

IBANs: a country code, two check digits and the country's fixed length, with or without the usual spaces every four
characters, confirmed by the ISO 13616 mod-97 check. Lower case is accepted (people type ``gb82west…``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from app.core.detectors.rules.common import in_arithmetic, keyword_near, make_finding, standalone
from app.core.detectors.rules.validators import (
    IBAN_LENGTHS,
    SHORT_CARD_LENGTH,
    digits_of,
    iban_valid,
    payment_card_valid,
)
from app.core.findings import Finding

CARD_TYPE = "Bank/Payment Card Number"
IBAN_TYPE = "Financial Account"

# One digit per repetition, each optionally followed by one separator: the digit count fixes the match, so the
# pattern cannot backtrack more than the 8 steps between 12 and 19 digits.
_CARD = re.compile(r"(?<![0-9])(?:[0-9][ \u00a0\-]?){11,18}[0-9](?![0-9])")
_DIGITS = re.compile(r"[0-9]+")
MAX_CARD_LENGTH = 19
_CARD_WORDS = re.compile(
    r"(?<![A-Za-z])(?:card|cards|cc|credit|debit|maestro|visa|mastercard|amex|unionpay)(?![A-Za-z])"
    r"|卡号|银行卡|信用卡|借记卡|储蓄卡|卡",
    re.IGNORECASE,
)
CARD_CONTEXT_BEFORE = 40


def _grouping_plausible(lengths: list[int], separators: set[str]) -> bool:
    """Separated card numbers are written in groups of 4 (Amex 4-6-5, Diners 4-6-4), with one kind of separator."""
    if len(lengths) == 1:
        return True
    if len(separators) > 1:
        return False
    if lengths in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(length == 4 for length in lengths[:-1]) and 1 <= lengths[-1] <= 4


def _card_sized_runs(lengths: list[int]) -> list[tuple[int, int]]:
    """Sub-runs (first, last) of digit groups with a card's digit count, longest first.

    A sub-run of several groups starts with a group of 4 (every plausible grouping does), so runs of short groups
    ("1 2 3 4 5 …") offer only their single groups: the work stays linear in the candidate's length.
    """
    totals = [0, *itertools.accumulate(lengths)]
    runs = [
        (first, last)
        for first in range(len(lengths))
        for last in (range(first, len(lengths)) if lengths[first] == 4 else (first,))
        if SHORT_CARD_LENGTH <= totals[last + 1] - totals[first] <= MAX_CARD_LENGTH
    ]
    runs.sort(key=lambda pair: (pair[0] - pair[1], pair[0]))
    return runs


def _card_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The longest run of whole digit groups inside a candidate that is a valid card number.

    A candidate may carry a neighbour along ("4111111111111111 12", "order 12 4111 1111 1111 1111"), so sub-runs of
    whole groups are tried, longest first.
    """
    segments = [match.span() for match in _DIGITS.finditer(text, start, end)]
    lengths = [segment_end - segment_start for segment_start, segment_end in segments]
    for first, last in _card_sized_runs(lengths):
        separators = {text[segments[index][1]] for index in range(first, last)}
        if not _grouping_plausible(lengths[first : last + 1], separators):
            continue
        value_start, value_end = segments[first][0], segments[last][1]
        if payment_card_valid(digits_of(text[value_start:value_end])):
            return value_start, value_end
    return None


def find_payment_cards(text: str) -> Iterator[Finding]:
    """Card numbers confirmed by scheme prefix and Luhn checksum."""
    for match in _CARD.finditer(text):
        span = _card_span(text, *match.span())
        if span is None or not standalone(text, *span) or in_arithmetic(text, *span):
            continue
        start, end = span
        if len(digits_of(text[start:end])) == SHORT_CARD_LENGTH and not keyword_near(
            text, start, end, _CARD_WORDS, before=CARD_CONTEXT_BEFORE
        ):
            continue
        yield make_finding(text, start, end, CARD_TYPE)


# Country code, check digits, then alphanumerics optionally split by single spaces. The exact end is found in Python
# from the country's length, so a following word is never swallowed.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \u00a0]?[A-Za-z0-9]){10,30}")


def _iban_end(text: str, start: int, limit: int, length: int) -> int | None:
    """The index after the ``length``-th alphanumeric character from ``start``, or None if the run is shorter."""
    count = 0
    for index in range(start, limit):
        if text[index].isascii() and text[index].isalnum():
            count += 1
            if count == length:
                return index + 1
    return None


def find_ibans(text: str) -> Iterator[Finding]:
    """IBANs of any registered country, confirmed by mod-97."""
    for match in _IBAN.finditer(text):
        start = match.start()
        length = IBAN_LENGTHS.get(text[start : start + 2].upper())
        if length is None:
            continue
        end = _iban_end(text, start, match.end(), length)
        if end is None:
            continue
        if end < len(text) and text[end].isascii() and text[end].isalnum():
            continue
        if not iban_valid(text[start:end]) or not standalone(text, start, end):
            continue
        yield make_finding(text, start, end, IBAN_TYPE)
