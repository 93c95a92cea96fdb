"""Payment card numbers, IBANs and bank account numbers (PL3).

Cards: 13–19 digits (bare, or in groups split by spaces or dashes) with a known scheme prefix and a valid Luhn digit.
Twelve-digit Maestro numbers exist too, but twelve digits are also the shape of many account and order numbers, so
they count only next to a card word (``card``, ``cc``, ``卡号`` …).

IBANs: a country code, two check digits and the country's fixed length, with or without the usual spaces every four
characters, confirmed by the ISO 13616 mod-97 check. Lower case is accepted (people type ``gb82west…``).

Domestic account numbers have no checksum anyone can verify (US accounts, Chinese 16–19 digit accounts), so they
count only right after an account word in the same sentence (``Account number: 27382509``, ``Acct #``, ``账号：``,
``收款账号``, ``对公账户``, ``卡号`` for a card number without a valid checksum): 8–20 digits, in groups or not.
A mainland mobile number after "账号" is a login, not an account.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from app.core.detectors.rules.common import (
    finditer_near,
    in_arithmetic,
    keyword_near,
    literal_anchors,
    make_finding,
    standalone,
)
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
ACCOUNT_TYPE = "Financial Account"

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


# ---------------------------------------------------------------------------------------------------------------------
# Bank account numbers next to their key word

_ACCOUNT_WORDS = re.compile(
    r"(?<![A-Za-z])(?i:(?:bank |checking |savings |beneficiary )?account(?P<numbered> number| no\.?| num(?:ber)?| ?#)?"
    r"|acct\.?(?: number| no\.?| ?#)?|acc\.? no\.?|a/c(?: no\.?)?)(?![A-Za-z])"
    r"|银行账号|银行卡账号|银行账户|收款账号|收款账户|对公账户|对公账号|账号|帐号|账户|帳號|帳戶|银行卡号|卡号"
)
_ACCOUNT_ANCHORS = literal_anchors("account", "acct", "a/c", "账号", "帐号", "账户", "帳號", "帳戶", "卡号")
# One digit per repetition, each optionally followed by one separator, as for cards: linear however long the run.
_ACCOUNT_VALUE = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ \-]?[0-9]){7,24}(?![0-9A-Za-z])")
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Only a separator or a verb between the word and the number: in "账号的备用码：4476-9467" the number is something else.
_ACCOUNT_LINK = re.compile(r"[\s:：#=\-–,，(（]*(?:(?i:is|was)[\s:：]*|[是为為][\s:：]*)?")
_ACCOUNT_STOP = re.compile(r"[!?。！？;；\r\n]|\.(?:\s|$)")
MIN_ACCOUNT_DIGITS = 8
MAX_ACCOUNT_DIGITS = 20
ACCOUNT_WINDOW = 24


# Words that make a bare "account 12345678" a bank account (not "Google account: <backup codes>").
_BANK_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?i:bank|banking|sort code|routing|iban|swift|bic|checking|savings|wire|transfer|deposit|"
    r"beneficiary|payee|salary|refund|pay(?:ment)?)(?![A-Za-z])"
)


def _bare_account_word(key_word: re.Match[str]) -> bool:
    """ "account" without "number", "no." or "#" after it."""
    return "account" in key_word.group().lower() and not key_word.group("numbered")


def find_bank_accounts(text: str) -> Iterator[Finding]:
    """8–20 digit account numbers right after an account word, in English or Chinese."""
    for key_word in finditer_near(text, _ACCOUNT_WORDS, _ACCOUNT_ANCHORS, before=0, after=30):
        right = min(len(text), key_word.end() + ACCOUNT_WINDOW)
        stop = _ACCOUNT_STOP.search(text, key_word.end(), right)
        value = _ACCOUNT_VALUE.search(text, key_word.end(), stop.start() if stop else right)
        if value is None or not _ACCOUNT_LINK.fullmatch(text, key_word.end(), value.start()):
            continue
        if _bare_account_word(key_word) and not _BANK_CONTEXT.search(text, max(0, key_word.start() - 60), right):
            continue
        digits = digits_of(value.group())
        if not MIN_ACCOUNT_DIGITS <= len(digits) <= MAX_ACCOUNT_DIGITS or _CN_MOBILE.fullmatch(digits):
            continue
        if not payment_card_valid(digits):  # a valid card number is found as a card
            yield make_finding(text, value.start(), value.end(), ACCOUNT_TYPE)
