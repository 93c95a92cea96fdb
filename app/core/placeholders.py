"""Placeholders such as ``<Phone_Number_1>``: how they are written, keyed and found again after a chatbot rewrote them.

Chatbots return placeholders as ``<Email 1>``, ``Email_1``, ``[Email_1]``, ``<EMAIL_1>``, ``＜Email_1＞``,
``\\<Email\\_1\\>``, ``&lt;Email_1&gt;`` or split over a line break. All of them reduce to one key
(`placeholder_key`), which is what a store is searched by.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from app.core.taxonomy import is_known_type, placeholder_type_name, type_key

# An underscore followed by a digit inside a type name ("Top_10_Secrets", "Token_7", "Type_2FA_Code").
_DIGIT_AFTER_SEPARATOR = re.compile(r"_(?=[0-9])")


def format_placeholder(type_name: str, number: int) -> str:
    """``<Type_Words_N>``, every type word starting with a letter: a digit is glued to the word before it
    (``Top 10 Secrets`` → ``<Top10_Secrets_1>``). `find_placeholder_tokens` reads type words that start with a letter,
    and a placeholder it could not read would never be restored. The key (`placeholder_key`) is unchanged by this."""
    return f"<{_DIGIT_AFTER_SEPARATOR.sub('', placeholder_type_name(type_name))}_{number}>"


def placeholder_key(type_name: str, number: int) -> str:
    """The spelling-insensitive key of a placeholder: ``<Phone_Number_1>`` and ``[phone number 1]`` agree."""
    return f"{type_key(type_name)}_{number}"


def normalize_value(value: str) -> str:
    """The identity of an original value: Unicode NFC with runs of whitespace made one space and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", value).split())


class TokenForm(Enum):
    ANGLE = "angle"  # <X_1>, \<X\_1\>, &lt;X_1&gt;, ＜X_1＞ — our own shape: reported when unknown
    SQUARE = "square"  # [X_1], \[X_1\], {X_1}
    BARE = "bare"  # X_1


@dataclass(frozen=True, slots=True)
class PlaceholderToken:
    """A placeholder-like token in some text: its offsets, the key it reduces to, and the shape it had."""

    start: int
    end: int
    key: str
    type_words: str
    form: TokenForm

    @property
    def looks_like_ours(self) -> bool:
        """Whether an unresolved token is worth reporting: our angle shape, or any shape with a known type name."""
        return self.form is TokenForm.ANGLE or is_known_type(self.type_words)


# Full-width ASCII (U+FF01–FF5E) maps one-to-one onto ASCII, so searching a folded copy keeps every offset valid.
_FULLWIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH_FOLD[0x3000] = 0x20  # ideographic space

_WORD = r"[A-Za-z][A-Za-z0-9]*"
# Between words and before the number: "_", "\_" (markdown), "-" or a space, optionally followed by a line break;
# or a line break (a placeholder the chatbot wrapped), optionally followed by one of those.
_SEP = r"(?:(?:\\?_|-|[ \t])(?:[ \t]*\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*(?:\\?_|-)?)"


def _body(prefix: str, separator: str) -> str:
    """Type words, a separator and the number, captured as ``<prefix>_words`` and ``<prefix>_num``."""
    return (
        rf"(?P<{prefix}_words>{_WORD}(?:{separator}{_WORD})*){separator}"
        rf"(?P<{prefix}_num>[0-9]{{1,9}})"
    )


_BARE_SEP = r"\\?_"

_PAIRS: list[tuple[str, str, str, TokenForm]] = [
    ("esc_angle", r"\\<", r"\\>", TokenForm.ANGLE),
    ("html_angle", r"&lt;", r"&gt;", TokenForm.ANGLE),
    ("angle", r"<[ \t]?", r"[ \t]?>", TokenForm.ANGLE),
    ("esc_square", r"\\\[", r"\\\]", TokenForm.SQUARE),
    ("square", r"\[[ \t]?", r"[ \t]?\]", TokenForm.SQUARE),
    ("brace", r"\{\{?[ \t]?", r"[ \t]?\}?\}", TokenForm.SQUARE),
]


def _build_pattern() -> re.Pattern[str]:
    alternatives = []
    for name, opening, closing, _form in _PAIRS:
        alternatives.append(f"{opening}{_body(name, _SEP)}{closing}")
    alternatives.append(rf"(?<![A-Za-z0-9_\\]){_body('bare', _BARE_SEP)}(?![A-Za-z0-9_])")
    return re.compile("|".join(alternatives))


_TOKEN_PATTERN = _build_pattern()
_FORMS = {name: form for name, _o, _c, form in _PAIRS}
_FORMS["bare"] = TokenForm.BARE


def find_placeholder_tokens(text: str) -> list[PlaceholderToken]:
    """Every placeholder-like token in ``text``, left to right, non-overlapping."""
    folded = text.translate(_FULLWIDTH_FOLD)
    tokens = []
    for match in _TOKEN_PATTERN.finditer(folded):
        group_name = next(name for name, value in match.groupdict().items() if value is not None)
        prefix = group_name.rsplit("_", 1)[0]
        words = match.group(f"{prefix}_words")
        number = int(match.group(f"{prefix}_num"))
        tokens.append(
            PlaceholderToken(
                start=match.start(),
                end=match.end(),
                key=placeholder_key(words, number),
                type_words=re.sub(r"[\s\\_-]+", " ", words).strip(),
                form=_FORMS[prefix],
            )
        )
    return tokens
