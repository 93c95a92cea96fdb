"""E-mail addresses and phone numbers (PL2).

Phone numbers have no checksum, so the recognizer works in two steps. A linear-time pattern collects runs of digit
groups joined by single separators (space, ``-``, ``.``, ``/``, parentheses). Each run is then judged by its shape:

* strong shapes count on their own: ``+CC …``, ``00CC …``, North American ``(415) 555-0134`` / ``415-555-0134`` /
  ``415.555.0134``, a parenthesised area code, mainland China mobiles ``1[3-9]x xxxx xxxx`` (optionally ``+86``/``86``),
  Chinese landlines ``0755-12345678`` and national numbers with a trunk ``0`` split into groups (``0490 75 40 81``);
* weak shapes (a bare digit run, two groups, ``3-2-4``, groups that read like thousands ``699 956 915``) count only
  next to a phone word (``phone``, ``mobile``, ``fax``, ``call me on``, ``电话``, ``手机`` …);
* dates, times, IPv4 addresses, card numbers, and runs of fewer than 7 or more than 15 digits never count.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.core.detectors.rules.common import (
    glued_after,
    glued_before,
    in_arithmetic,
    joined_to_token,
    keyword_near,
    make_finding,
)
from app.core.detectors.rules.urls import url_credentials
from app.core.detectors.rules.validators import card_scheme_plausible, digits_of, luhn_valid, parse_ip
from app.core.findings import Finding

EMAIL_TYPE = "Email"
PHONE_TYPE = "Phone Number"

# ---------------------------------------------------------------------------------------------------------------------
# E-mail

# Letters and digits of any spaced script: internationalised addresses (josé@example.com, ivan@почта.рф) and
# look-alike ones (dаna@example.org with a Cyrillic "а") are addresses too. Scripts written without spaces (CJK,
# kana, full-width forms; see `is_unspaced_script`) are left out, so a Chinese character next to the address ends it
# (邮箱a@b.com谢谢).
_UNSPACED = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
_ALNUM = rf"[^\W_{_UNSPACED}]"
_LETTER = rf"[^\W\d_{_UNSPACED}]"
_LOCAL_CHAR = rf"(?:{_ALNUM}|[._%+\-])"
# The lookbehind lets a match start only at the beginning of a run of local-part characters, so a long run without an
# "@" is scanned once, not once per position. Domain labels are separated by a mandatory dot, so they cannot be split
# in more than one way.
_EMAIL = re.compile(
    rf"(?<!{_LOCAL_CHAR})"
    rf"{_LOCAL_CHAR}{{1,64}}"
    r"@"
    rf"(?:{_ALNUM}(?:(?:{_ALNUM}|-){{0,61}}{_ALNUM})?\.){{1,8}}"
    rf"(?:{_LETTER}{{2,24}}|xn--[A-Za-z0-9\-]{{2,59}})"
    rf"(?!{_ALNUM}|[\-_@])"
)

# The same address URL-encoded in a query string (``?email=dana%40example.com``, ``alex%2Bbilling%40…``).
_EMAIL_ENCODED = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._+\-]{1,64}(?:%2[BbEe][A-Za-z0-9._\-]{1,64}){0,4}%40"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9\-_%])"
)


def _in_url_authority(text: str, start: int, end: int, credentials: list[tuple[int, int]]) -> bool:
    """Whether an address-shaped match is a URL's ``user@host`` or lies in its ``user:password@`` part.

    ``https://<key>@o1.ingest.sentry.io/42`` and ``ftp://ops:p@ss@host`` hold no e-mail address.
    """
    if text[max(0, start - 3) : start] == "://":
        return True
    return any(user_start < end and start <= at for user_start, at in credentials)


def find_emails(text: str) -> Iterator[Finding]:
    """Addresses ``local@domain.tld`` (also URL-encoded, ``local%40domain.tld``); the local part may not start or end
    with a dot."""
    credentials = [(found.user_start, found.at) for found in url_credentials(text)] if "://" in text else []
    for match in _EMAIL.finditer(text):
        start, end = match.start(), match.end()
        local = text[start : text.index("@", start)]
        stripped = local.lstrip(".")
        start += len(local) - len(stripped)
        if not stripped or stripped.endswith(".") or ".." in stripped:
            continue
        if glued_before(text, start) or _in_url_authority(text, start, end, credentials):
            continue
        yield make_finding(text, start, end, EMAIL_TYPE)
    if "%40" in text:
        for match in _EMAIL_ENCODED.finditer(text):
            yield make_finding(text, match.start(), match.end(), EMAIL_TYPE)


# ---------------------------------------------------------------------------------------------------------------------
# Phone numbers

# Digit groups joined by at most one separator. ``(?![0-9])`` makes every digit group maximal, so a run of digits can be
# split into groups in only one way and the match never backtracks more than a few steps.
_PHONE_RUN = re.compile(
    r"(?<![0-9+])"
    r"(?:(?<![A-Za-z0-9)\]])\+)?"
    r"(?:(?:\([0-9]{1,5}\)|[0-9]{1,15}(?![0-9]))[ \u00a0.\-/]?){1,12}"
)
_EXTENSION = re.compile(r"[ \u00a0]?(?:x|ext\.?|extension|#)[ \u00a0]?[0-9]{1,6}(?![0-9A-Za-z])", re.IGNORECASE)
_GROUP = re.compile(r"\([0-9]{1,5}\)|[0-9]+")

MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15  # E.164
# Strong shapes that start with neither "+", "0" nor "(" (North American, Chinese mobile: "1 555 123 4567",
# "86 138 0013 8000") have at most this many groups.
MAX_UNPREFIXED_GROUPS = 4

# Phone words shortly before a number ("Phone:", "call me on", "not answering at", "电话：") ...
_PHONE_WORDS_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:phone|phones|telephone|tel|mobile|mob|cell|cellphone|landline|fax|desk|"
    r"direct|hotline|call|calling|called|ring|dial|text|texts|sms|whatsapp|signal|wechat|viber|contact|reach|"
    r"answering|messages?|voicemail)(?![A-Za-z])"
    r"|电话|手机|座机|固话|热线|传真|联系|致电|拨打|来电|短信|微信",
    re.IGNORECASE,
)
# ... or right after it ("416 60 039 office", "3660170548-Fax"). "office", "home" and "work" count only after the
# number: before it they introduce addresses as often ("The office is at 17031 2202 Rissik St").
_PHONE_WORDS_AFTER = re.compile(
    r"^[ \u00a0\-–(]{0,3}(?:office|fax|mobile|cell|home|work|desk|direct|phone|tel|[mhwfo]\))(?![A-Za-z])",
    re.IGNORECASE,
)
# A weak number followed by a capitalised word is a house number ("17031 2202 Rissik St"), not a phone.
_STREET_NAME_AFTER = re.compile(r" [A-Z][a-z]")
# "FR58 6601 0272 4319 2292 1803 992": groups of an IBAN written in fours, not a phone number.
_IBAN_GROUPS_BEFORE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: [0-9A-Za-z]{4}){0,8} $")
# A number labelled as something else right before it: a routing, tracking or order number, a reference, a code.
# ("账号 13800000000" stays a phone number: people log in with their mobile number.)
_OTHER_NUMBER_LABEL = re.compile(
    r"(?<![A-Za-z])(?i:routing|aba|rtn|sort code|tracking|track|parcel|shipment|waybill|consignment|order|invoice|"
    r"iban|swift|reference|ref|booking|confirmation|ticket|case|verification code|otp|code)"
    r"(?: (?i:number|no\.?|num|id))?[ \t]*(?:is|:|#|=)?[ \t:#]*$"
    r"|(?:快递单号|运单号|单号|订单号?|验证码|动态码|校验码)[ \t:：是为]*$"
)
OTHER_LABEL_REACH = 30
PHONE_CONTEXT_BEFORE = 40
PHONE_CONTEXT_AFTER = 12


@dataclass(frozen=True, slots=True)
class _Group:
    """One digit group of a candidate, with the separator that follows it (``""`` when none)."""

    start: int
    end: int
    digits: str
    parenthesised: bool
    separator: str


def _groups(text: str, start: int, end: int) -> list[_Group]:
    groups: list[_Group] = []
    for match in _GROUP.finditer(text, start, end):
        raw = match.group()
        following = text[match.end()] if match.end() < end else ""
        separator = following if following in " \u00a0.-/" else ""
        groups.append(_Group(match.start(), match.end(), raw.strip("()"), raw.startswith("("), separator))
    return groups


_NANP = re.compile(r"(?:\+?1[ \-.]?|001[ \-.])?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[\-.])[2-9][0-9]{2}[\-.][0-9]{4}")
_NANP_COMPACT = re.compile(r"\([2-9][0-9]{2}\)[2-9][0-9]{2}-?[0-9]{4}")
_CN_MOBILE = re.compile(r"(?:\+?86[ \-]?|0086[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}")
# Area code, then a 7–8 digit local number, written whole or in two groups ("021-6888 1234", "0755-8601-2345").
_CN_LANDLINE = re.compile(r"(?:\(0[1-9][0-9]{1,2}\)[ \-]?|0[1-9][0-9]{1,2}[ \-])[2-9][0-9]{2,3}[ \-]?[0-9]{4}")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_DECIMAL = re.compile(r"[0-9]+[.,][0-9]+")
_SSN_SHAPE = re.compile(r"[0-9]{3}[\- ][0-9]{2}[\- ][0-9]{4}")
_DATE_PREFIX = re.compile(
    r"(?P<y>[0-9]{4})[\-./](?P<m>[0-9]{1,2})[\-./](?P<d>[0-9]{1,2})(?![0-9])"
    r"|(?P<a>[0-9]{1,2})[\-./](?P<b>[0-9]{1,2})[\-./](?P<c>[0-9]{4}|[0-9]{2})(?![0-9])"
)


def _is_date(value: str) -> bool:
    """Whether ``value`` starts with a calendar date (2015-12-22, 22.12.2015, 12/22/15)."""
    match = _DATE_PREFIX.match(value)
    if not match:
        return False
    if match.group("y"):
        return _valid_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    first, second, year = int(match.group("a")), int(match.group("b")), int(match.group("c"))
    year = year if year >= 100 else 2000 + year
    return _valid_date(year, second, first) or _valid_date(year, first, second)


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return 1800 <= year <= 2200


def _is_card(digits: str) -> bool:
    return len(digits) >= 13 and card_scheme_plausible(digits) and luhn_valid(digits)


def _is_ipv4(value: str) -> bool:
    return value.count(".") == 3 and parse_ip(value) is not None


def _never_a_phone(value: str, digits: str) -> bool:
    """Shapes that are something else: dates, IPv4 addresses, card numbers, SSNs, and wrong digit counts."""
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        return True
    if _SSN_SHAPE.fullmatch(value):
        return True  # 3-2-4 digits is how US SSNs are written, never phone numbers (even beside "Phone:")
    if _DECIMAL.fullmatch(value):
        return True
    return _is_date(value) or _is_ipv4(value) or (not value.startswith("+") and _is_card(digits))


def _is_strong_shape(value: str, groups: list[_Group], digits: str) -> bool:
    """Shapes that are phone numbers without any context word."""
    if value.startswith("+"):
        return digits[0] != "0" and len(digits) >= 8
    if re.fullmatch(r"00[1-9]", digits[:3]) and len(groups) >= 3:
        return True
    if _NANP.fullmatch(value) or _NANP_COMPACT.fullmatch(value):
        return True
    if _CN_MOBILE.fullmatch(value) or _CN_LANDLINE.fullmatch(value):
        return True
    if groups[0].parenthesised and len(groups) >= 2 and not _YEAR.fullmatch(groups[0].digits):
        return True  # "(08) 8747 6301"; "(2009) 764-774" is a citation's year and pages
    return _is_trunk_national(value, groups, digits)


def _is_trunk_national(value: str, groups: list[_Group], digits: str) -> bool:
    """National numbers dialled with a trunk 0, written in groups: 0490 75 40 81, 083 564 9312, 0341 8387176."""
    if not value.startswith("0") or value.startswith("00") or len(digits) < 9 or len(groups) < 2:
        return False
    if len(groups[0].digits) < 2:
        return False  # "0.5000000000" is a decimal
    if len(groups) == 2 and len(groups[1].digits) < 6:
        return False  # "03262 2437 Main St" is a postcode and a house number
    if len({group.separator for group in groups[:-1]}) != 1:
        return False
    return not _SSN_SHAPE.fullmatch(value)


def _is_weak_shape(groups: list[_Group]) -> bool:
    """Shapes that count next to a phone word: one kind of separator (or spaces mixed with dashes, "(37) 788-063").

    Mixed dots and slashes read as versions, fractions or dates, not as something a person dials.
    """
    separators = {group.separator for group in groups[:-1]}
    return len(separators) <= 1 or separators <= {" ", "\u00a0", "-"}


def _phone_context(text: str, start: int, end: int) -> bool:
    if keyword_near(text, start, end, _PHONE_WORDS_BEFORE, before=PHONE_CONTEXT_BEFORE):
        return True
    return bool(_PHONE_WORDS_AFTER.match(text[end : end + PHONE_CONTEXT_AFTER]))


def _candidate_spans(groups: list[_Group], digit_counts: list[int]) -> list[tuple[int, int]]:
    """Sub-runs of groups with a phone number's digit count, longest first, split only where a space separates groups.

    A run such as ``2020-01-01 555-123-4567`` or ``Room 12 555 0134`` holds more than one number; trying the sub-runs
    lets the phone number be found without swallowing its neighbours. ``digit_counts[i]`` counts the digits of the
    first ``i`` groups; filtering on it before sorting keeps runs of tiny groups ("1 2 3 4 …") cheap.
    """
    cut_points = [0] + [index + 1 for index, group in enumerate(groups[:-1]) if group.separator in " \u00a0"]
    cut_points.append(len(groups))
    cut_points = sorted(set(cut_points))
    spans = [
        (i, j)
        for a, i in enumerate(cut_points)
        for j in cut_points[a + 1 :]
        if MIN_PHONE_DIGITS <= digit_counts[j] - digit_counts[i] <= MAX_PHONE_DIGITS
    ]
    spans.sort(key=lambda pair: (pair[0] - pair[1], pair[0]))
    return spans


def _judge(text: str, groups: list[_Group], with_context: bool) -> tuple[int, int] | None:
    """The span of the best phone number in a run of groups, or None."""
    digit_counts = [0, *itertools.accumulate(len(group.digits) for group in groups)]
    for first, last in _candidate_spans(groups, digit_counts):
        chosen = groups[first:last]
        start, end = chosen[0].start, chosen[-1].end
        if len(chosen) > MAX_UNPREFIXED_GROUPS and text[start] not in "+0(":
            continue  # no strong shape: keeps runs of tiny groups ("1 2 3 4 5 6 7 …") linear and cheap
        value = text[start:end]
        digits = digits_of(value)
        if _never_a_phone(value, digits):
            continue
        if _is_strong_shape(value, chosen, digits):
            return start, end
    if with_context:
        start, end = groups[0].start, groups[-1].end
        value = text[start:end]
        digits = digits_of(value)
        if not _never_a_phone(value, digits) and _is_weak_shape(groups) and not _STREET_NAME_AFTER.match(text, end):
            return start, end
    return None


def find_phone_numbers(text: str) -> Iterator[Finding]:
    """Phone numbers in international, North American, Chinese and common national formats."""
    for match in _PHONE_RUN.finditer(text):
        run_start = match.start()
        plus = text[run_start] == "+"
        groups = _groups(text, run_start, match.end())
        if not groups or sum(len(group.digits) for group in groups) < MIN_PHONE_DIGITS:
            continue
        span = _judge_run(text, run_start, groups, plus)
        if span is None:
            continue
        start, end = span
        extension = _EXTENSION.match(text, end)
        if extension:
            end = extension.end()
        if glued_before(text, start) or glued_after(text, end) or joined_to_token(text, start, end):
            continue
        if in_arithmetic(text, start, end) or _IBAN_GROUPS_BEFORE.search(text, max(0, start - 45), start):
            continue
        if _OTHER_NUMBER_LABEL.search(text, max(0, start - OTHER_LABEL_REACH), start):
            continue
        yield make_finding(text, start, end, PHONE_TYPE)


def _judge_run(text: str, run_start: int, groups: list[_Group], plus: bool) -> tuple[int, int] | None:
    """Judge a run; a leading ``+`` becomes part of the first group, so every span that starts there keeps it."""
    with_context = _phone_context(text, run_start, groups[-1].end)
    if plus:
        first = groups[0]
        groups = [_Group(run_start, first.end, first.digits, first.parenthesised, first.separator), *groups[1:]]
    return _judge(text, groups, with_context)
