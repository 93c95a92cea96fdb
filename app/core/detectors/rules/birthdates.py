"""Dates of birth next to their key word (PL2, "Specific Date of Birth").

A date alone is everywhere (log lines, invoices, deadlines), so it counts only right after a birth word in the same
sentence — ``DOB: 14/08/1996``, ``born 14 August 1996``, ``Date of birth: Aug 14, 1996``, ``出生日期：1996年8月14日``,
``生日1996-08-14`` — or right before ``出生`` (``1996年8月14日出生``). Numeric, written-month and Chinese forms are read;
the date must exist and lie between 1900 and today.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import finditer_near, literal_anchors, make_finding
from app.core.detectors.rules.validators import calendar_date_valid
from app.core.findings import Finding

DATE_OF_BIRTH_TYPE = "Specific Date of Birth"

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NAME = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE = (
    r"(?<![0-9])(?:"
    rf"(?P<y1>{_YEAR})(?P<s1>[\-/.])(?P<m1>[0-9]{{1,2}})(?P=s1)(?P<d1>[0-9]{{1,2}})"
    rf"|(?P<a2>[0-9]{{1,2}})(?P<s2>[\-/.])(?P<b2>[0-9]{{1,2}})(?P=s2)(?P<y2>{_YEAR})"
    rf"|(?P<y3>{_YEAR}) ?年 ?(?P<m3>[0-9]{{1,2}}) ?月 ?(?P<d3>[0-9]{{1,2}}) ?[日号號]"
    rf"|(?P<d4>[0-9]{{1,2}})(?:st|nd|rd|th)? (?P<n4>{_MONTH_NAME})\.?,? (?P<y4>{_YEAR})"
    rf"|(?P<n5>{_MONTH_NAME})\.? (?P<d5>[0-9]{{1,2}})(?:st|nd|rd|th)?,? (?P<y5>{_YEAR})"
    r")(?![0-9])"
)
_DATE_PATTERN = re.compile(_DATE)
_BIRTH_WORDS = re.compile(
    r"(?<![A-Za-z])(?i:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born(?: on)?)(?![A-Za-z])"
    r"|出生日期|出生年月日|出生年月|生日|出生于|出生於|生于|生於"
)
_DATE_THEN_BORN = re.compile(f"(?P<date>{_DATE}) ?出生")
_ANCHORS = literal_anchors("dob", "d.o.b", "birth", "born", "出生", "生日", "生于", "生於")
# Not ".": "Aug. 14" and "D.O.B." hold dots; the window is short enough not to reach the next sentence's date.
_SENTENCE_END = re.compile(r"[!?。！？;；\r\n]")
BIRTH_WINDOW = 30


def _month_number(name: str) -> int:
    lowered = name.lower()
    return next(index for index, month in enumerate(_MONTHS, start=1) if month.startswith(lowered[:3]))


def _valid(match: re.Match[str]) -> bool:
    """Whether the matched date exists and is a possible birth date (day-month order is tried both ways)."""
    group = match.group
    if group("y1"):
        return calendar_date_valid(int(group("y1")), int(group("m1")), int(group("d1")))
    if group("y2"):
        first, second, year = int(group("a2")), int(group("b2")), int(group("y2"))
        return calendar_date_valid(year, second, first) or calendar_date_valid(year, first, second)
    if group("y3"):
        return calendar_date_valid(int(group("y3")), int(group("m3")), int(group("d3")))
    if group("y4"):
        return calendar_date_valid(int(group("y4")), _month_number(group("n4")), int(group("d4")))
    return calendar_date_valid(int(group("y5")), _month_number(group("n5")), int(group("d5")))


def find_birth_dates(text: str) -> Iterator[Finding]:
    """A valid date within `BIRTH_WINDOW` characters after a birth word (same sentence), or right before 出生."""
    for key_word in finditer_near(text, _BIRTH_WORDS, _ANCHORS, before=16, after=20):
        right = min(len(text), key_word.end() + BIRTH_WINDOW)
        stop = _SENTENCE_END.search(text, key_word.end(), right)
        date = _DATE_PATTERN.search(text, key_word.end(), stop.start() if stop else right)
        if date is not None and _valid(date):
            yield make_finding(text, date.start(), date.end(), DATE_OF_BIRTH_TYPE)
    for match in finditer_near(text, _DATE_THEN_BORN, _ANCHORS, before=30, after=4):
        if _valid(match):
            yield make_finding(text, match.start("date"), match.end("date"), DATE_OF_BIRTH_TYPE)
