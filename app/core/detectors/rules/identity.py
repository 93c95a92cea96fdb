"""Identity numbers (PL3): the Chinese resident ID card and the US Social Security number.

Chinese IDs are 18 characters with a province code, a birth date and a GB 11643 check character, which together
leave almost no false positives, so they need no context. An SSN is only nine digits: written ``123-45-6789`` or
``123 45 6789`` it counts when its ranges are valid and it is not glued into a longer number; written bare
(``123456789``) it counts only right after an SSN word, since bare nine-digit numbers are everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.detectors.rules.common import keyword_near, make_finding, standalone
from app.core.detectors.rules.validators import cn_resident_id_valid, us_ssn_valid
from app.core.findings import Finding

ID_TYPE = "ID Number"

_CN_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def find_cn_resident_ids(text: str) -> Iterator[Finding]:
    """18-character Chinese resident ID numbers, glued to Chinese text or not (身份证号110101199003074514，)."""
    for match in _CN_RESIDENT_ID.finditer(text):
        if cn_resident_id_valid(match.group()) and standalone(text, *match.span()):
            yield make_finding(text, match.start(), match.end(), ID_TYPE)


# The separator is captured and required again, so "123-45 6789" (mixed) does not count.
_SSN_SEPARATED = re.compile(r"(?<![0-9A-Za-z\-./])[0-9]{3}([\- ])[0-9]{2}\1[0-9]{4}(?![0-9A-Za-z]|[\-./][0-9])")
_SSN_BARE = re.compile(r"(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])")
_SSN_WORDS = re.compile(
    r"(?<![A-Za-z])(?:ssn|ssns|social security(?: number| no\.?| #)?|soc\.? sec\.?|ss#|ss no\.?|"
    r"taxpayer id|tin)(?![A-Za-z])|社会安全号|社会保障号",
    re.IGNORECASE,
)
SSN_CONTEXT_BEFORE = 30


def find_us_ssns(text: str) -> Iterator[Finding]:
    """US SSNs with dashes or spaces anywhere, bare nine digits only after an SSN word."""
    for match in _SSN_SEPARATED.finditer(text):
        if us_ssn_valid(match.group()) and standalone(text, *match.span()):
            yield make_finding(text, match.start(), match.end(), ID_TYPE)
    for match in _SSN_BARE.finditer(text):
        start, end = match.span()
        if not us_ssn_valid(match.group()) or not standalone(text, start, end):
            continue
        if keyword_near(text, start, end, _SSN_WORDS, before=SSN_CONTEXT_BEFORE):
            yield make_finding(text, start, end, ID_TYPE)
