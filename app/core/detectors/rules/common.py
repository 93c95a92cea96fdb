"""Pieces every rules recognizer shares: the recognizer signature, building findings, boundaries and keyword context.

Boundaries use `app.core.locate.is_word_char` rather than ``\\b``: Python's ``\\b`` treats Chinese characters as word
characters, so ``手机号13812345678`` would have no boundary before the number, while Chinese text never puts spaces
around values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from app.core.findings import RULES, Finding, finding_at
from app.core.locate import is_word_char
from app.core.taxonomy import canonical_type, level_for_type

Recognizer = Callable[[str], Iterable[Finding]]
"""Finds one family of values in a text; may yield overlapping findings."""

# Trailing characters that end a sentence or a bracket rather than belong to a value written in running text.
TRAILING_PUNCTUATION = ".,;:!?)]}>'\"。，；：！？）】」』”’、"


def make_finding(text: str, start: int, end: int, type_name: str) -> Finding:
    """A rules finding of a taxonomy type, its level taken from the taxonomy table."""
    canonical = canonical_type(type_name)
    return finding_at(text, start, end, canonical, level_for_type(canonical), RULES)


def glued_before(text: str, start: int) -> bool:
    """Whether the character before ``start`` continues a word of a spaced script (so the value starts mid-word)."""
    return start > 0 and is_word_char(text[start - 1])


def glued_after(text: str, end: int) -> bool:
    """Whether the character at ``end`` continues a word of a spaced script (so the value ends mid-word)."""
    return end < len(text) and is_word_char(text[end])


def standalone(text: str, start: int, end: int) -> bool:
    """Neither end of ``text[start:end]`` is glued to letters or digits of a spaced script (CJK neighbours are fine)."""
    return not glued_before(text, start) and not glued_after(text, end)


_OPERATORS = "*/^"
_JOINERS = "-./_:\\"


def joined_to_token(text: str, start: int, end: int) -> bool:
    """Whether the value is one piece of a longer token joined by ``-``, ``.``, ``/``, ``_``, ``:`` or ``\\``.

    ``annurev-nutr-082117-051906`` (a DOI) or ``build.20240115.0930`` hold digit groups that are no phone number or
    code on their own. A hyphen followed by a letter after the value is a label, not a join ("788-063-Office").
    """
    if start >= 2 and text[start - 1] in _JOINERS and text[start - 1] != ":" and is_word_char(text[start - 2]):
        return True  # a colon before the value introduces it ("tel:+1…", "ID:…"); it does not join
    if end + 1 < len(text) and text[end] in _JOINERS and is_word_char(text[end + 1]):
        return text[end] != "-" or text[end + 1].isdigit()
    return False


def in_arithmetic(text: str, start: int, end: int) -> bool:
    """Whether a number is the fraction of a decimal (``0.6379876136779785``) or an operand (``567520000*p``).

    Numbers in pasted code, logs and tables are not cards or phone numbers just because their digits fit. An operator
    counts only with an operand on its far side, so Markdown emphasis (``**+1-571-482-9374**``) is not arithmetic.
    """
    if start >= 2 and text[start - 1] in ".," and text[start - 2].isdigit():
        return True
    if end + 1 < len(text) and text[end] in ".," and text[end + 1].isdigit():
        return True
    before = start
    while before > 0 and start - before < 2 and text[before - 1] in _OPERATORS:
        before -= 1
    if before < start and before > 0 and (text[before - 1].isalnum() or text[before - 1] == ")"):
        return True
    after = end
    while after < len(text) and after - end < 2 and text[after] in _OPERATORS:
        after += 1
    return end < after < len(text) and (text[after].isalnum() or text[after] == "(")


def trim_trailing(text: str, start: int, end: int, characters: str = TRAILING_PUNCTUATION) -> int:
    """Move ``end`` left past trailing punctuation that belongs to the sentence, not to the value."""
    while end > start and text[end - 1] in characters:
        end -= 1
    return end


def literal_anchors(*words: str) -> re.Pattern[str]:
    """A fast pre-filter: the words in lower case, Capitalised and UPPER case, as a case-sensitive alternation.

    Python's regex engine scans for case-sensitive literals many times faster than for a case-insensitive
    alternation behind a lookbehind, so recognizers first find their key words this way and run their full pattern
    only in the regions around them (see `keyword_regions`).
    """
    variants = {variant for word in words for variant in (word, word.lower(), word.capitalize(), word.upper())}
    return re.compile("|".join(re.escape(variant) for variant in sorted(variants, key=lambda v: (-len(v), v))))


def keyword_regions(text: str, anchors: re.Pattern[str], *, before: int, after: int) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` regions reaching ``before``/``after`` characters around every anchor match."""
    regions: list[tuple[int, int]] = []
    for match in anchors.finditer(text):
        start, end = max(0, match.start() - before), min(len(text), match.end() + after)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


def finditer_near(
    text: str, pattern: re.Pattern[str], anchors: re.Pattern[str], *, before: int, after: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer`` restricted to the regions around ``anchors`` (lookbehinds still see the whole text).

    ``before`` must cover how far a match can start before its anchor and ``after`` how far it can end after it.
    """
    for start, end in keyword_regions(text, anchors, before=before, after=after):
        yield from pattern.finditer(text, start, end)


def keyword_near(
    text: str,
    start: int,
    end: int,
    keywords: re.Pattern[str],
    *,
    before: int,
    after: int = 0,
) -> bool:
    """Whether ``keywords`` occurs within ``before`` characters before ``start`` or ``after`` characters after ``end``.

    Context words turn ambiguous shapes (a bare run of digits) into confident findings, the way a person reading
    "Phone: 5403926876" does.
    """
    if before and keywords.search(text, max(0, start - before), start):
        return True
    return bool(after and keywords.search(text, end, min(len(text), end + after)))


# Values documentation and templates put where a secret goes: ``user:password@localhost``, ``<your-token>``,
# ``${DB_PASS}``, ``$PASS``, ``%PWD%``, ``$(cat …)``, ``sk-...``, ``xxxx``, and a MySQL error's
# ``(using password: YES)``. They are no one's secret, and flagging them teaches people to ignore findings.
_PLACEHOLDER_VALUES = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "apikey",
        "api_key",
        "changeme",
        "change_me",
        "changeit",
        "mypassword",
        "yourpassword",
        "your_password",
        "your-password",
        "mysecret",
        "yoursecret",
        "example",
        "placeholder",
        "redacted",
        "hidden",
        "none",
        "null",
        "nil",
        "empty",
        "dummy",
        "foo",
        "bar",
        "foobar",
        "pa55word",
        "p@ssw0rd",
        "p@ssword",
        "yes",
        "no",
        "true",
        "false",
    }
)
_PLACEHOLDER_PREFIXES = ("<", "${", "$(", "%", "{{", "[your", "your", "insert", "enter", "replace")
_PLACEHOLDER_FILL = frozenset("*•xX.…-_0 ")
# "$PASS", "$db_password": a shell or PHP variable, not its value ("$Y6Ph7X25IMhve" mixes cases: a password).
_VARIABLE = re.compile(r"\$(?:[A-Z_][A-Z0-9_]*|[a-z_][a-z0-9_]*)")
_PLACEHOLDER_TAIL = re.compile(r"(?:\.\.\.|…|x{3,}|X{3,}|\*{3,})$")


def is_placeholder(value: str) -> bool:
    """Whether a value is a stand-in for a secret rather than one (see `_PLACEHOLDER_VALUES`)."""
    lowered = value.strip("'\"`").lower()
    if lowered in _PLACEHOLDER_VALUES or lowered.startswith(_PLACEHOLDER_PREFIXES) or _VARIABLE.fullmatch(value):
        return True
    return set(lowered) <= _PLACEHOLDER_FILL or bool(_PLACEHOLDER_TAIL.search(value))


_SENTENCE_WORDS = re.compile(r"[A-Za-z']+(?:,? [A-Za-z']+)+[.?!:…]?")
_FUNCTION_WORDS = frozenset(
    {"your", "the", "a", "an", "to", "of", "is", "are", "please", "enter", "for", "and", "or", "not", "my", "this"}
)


def is_prose(value: str) -> bool:
    """Words of a sentence ("Forgot your password?", "Enter the API key") — a UI string, not a secret.

    A passphrase of plain words ("correct horse battery staple") has no sentence punctuation or function words.
    """
    if not _SENTENCE_WORDS.fullmatch(value):
        return False
    words = {word.lower() for word in value.rstrip(".?!:…").split()}
    return value[-1] in ".?!:…" or bool(words & _FUNCTION_WORDS)
