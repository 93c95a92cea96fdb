"""Translated sentences about results and errors the core reports in English.

The core never imports Qt, so its own `MaskResult.summary()`, `UnmaskResult.summary()` and error messages stay
English (the command line prints them). The interface builds its sentences from the same data instead: counts per
level, restored and unresolved placeholders. Of the core's other sentences, the few the interface shows often (empty
clipboard, binary data, too large, cancelled, the hardware advice of the setup wizard) are matched by their English
text and translated; any other message is shown as the core wrote it, which is still a correct sentence, only in
English.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.masking import MaskResult, UnmaskResult

# The core's sentences the interface shows often, word for word (app/core/text_input.py, app/core/errors.py,
# app/core/model_files/hardware.py), each with its translatable form; "(.+)" parts are carried over as %1, %2.
_CORE_SENTENCES: tuple[tuple[str, str], ...] = (
    (
        r"There is no text to process \(the input is empty\)\.",
        QT_TRANSLATE_NOOP("CoreMessages", "There is no text to process (the input is empty)."),
    ),
    (
        r"The text is too large \(([\d,]+) characters; the limit is ([\d,]+)\)\. Split it and try again\.",
        QT_TRANSLATE_NOOP(
            "CoreMessages", "The text is too large (%1 characters; the limit is %2). Split it and try again."
        ),
    ),
    (
        r"The input contains NUL characters: it looks like binary data, not text\.",
        QT_TRANSLATE_NOOP("CoreMessages", "The input contains NUL characters: it looks like binary data, not text."),
    ),
    (
        r"The input is mostly control characters: it looks like binary data, not text\.",
        QT_TRANSLATE_NOOP(
            "CoreMessages", "The input is mostly control characters: it looks like binary data, not text."
        ),
    ),
    (
        r"The input contains broken Unicode \(unpaired surrogate characters\)\.",
        QT_TRANSLATE_NOOP("CoreMessages", "The input contains broken Unicode (unpaired surrogate characters)."),
    ),
    (
        r"The input is not UTF-8 text \(binary data, or another encoding\)\.",
        QT_TRANSLATE_NOOP("CoreMessages", "The input is not UTF-8 text (binary data, or another encoding)."),
    ),
    (r"Cancelled; nothing was changed\.", QT_TRANSLATE_NOOP("CoreMessages", "Cancelled; nothing was changed.")),
    (
        r"a GPU with (.+): the 4B model fits at Q8_0",
        QT_TRANSLATE_NOOP("CoreMessages", "a GPU with %1: the 4B model fits at Q8_0"),
    ),
    (r"a GPU with (.+): the 4B model fits", QT_TRANSLATE_NOOP("CoreMessages", "a GPU with %1: the 4B model fits")),
    (r"(.+) of RAM: the 4B model fits", QT_TRANSLATE_NOOP("CoreMessages", "%1 of RAM: the 4B model fits")),
    (
        r"(.+) of RAM: the 1\.7B model leaves room for other programs",
        QT_TRANSLATE_NOOP("CoreMessages", "%1 of RAM: the 1.7B model leaves room for other programs"),
    ),
    (r"little memory: the smallest model", QT_TRANSLATE_NOOP("CoreMessages", "little memory: the smallest model")),
    (
        r"Only (.+) of RAM: even the 1\.7B model may not fit beside other programs\.",
        QT_TRANSLATE_NOOP("CoreMessages", "Only %1 of RAM: even the 1.7B model may not fit beside other programs."),
    ),
    (
        (
            r"A GPU is present but this llama\.cpp build has no GPU backend; reinstall llama-cpp-python with CUDA, Metal "
            r"or Vulkan to use it\."
        ),
        QT_TRANSLATE_NOOP(
            "CoreMessages",
            "A GPU is present but this llama.cpp build has no GPU backend; reinstall "
            "llama-cpp-python with CUDA, Metal or Vulkan to use it.",
        ),
    ),
)
_CORE_PATTERNS = tuple((re.compile(pattern), template) for pattern, template in _CORE_SENTENCES)


# Chinese sentences end in full-width punctuation, which carries its own spacing: no space goes after it.
_FULL_WIDTH_ENDINGS = ("。", "！", "？", "；", "：", "）", "」", "”")


def sentence_gap(previous: str) -> str:
    """What goes between ``previous`` and the next sentence: a space, or nothing after a Chinese full stop (there a
    space looks like a gap)."""
    return "" if not previous or previous.endswith(_FULL_WIDTH_ENDINGS) else " "


def join_sentences(*sentences: str) -> str:
    """Sentences in a row, separated as `sentence_gap` says."""
    text = ""
    for sentence in sentences:
        if sentence:
            text += sentence_gap(text) + sentence
    return text


def level_counts_text(counts: dict) -> str:
    """ "2 PL2, 1 PL3": the count of each level, lowest level first (level codes are the same in every language)."""
    separator = QCoreApplication.translate("Summaries", ", ")
    return separator.join(f"{counts[level]} {level.label}" for level in sorted(counts))


def _untranslated(translated: str, source: str, count: int) -> bool:
    """Whether Qt found no translation (an English interface without its plural catalogue built): the core's own
    English sentence then reads better than "3 item(s)"."""
    return translated == source.replace("%n", str(count))


def mask_summary(result: MaskResult) -> str:
    """What a masking did, in counts only (never values): "4 items masked: 2 PL2, 1 PL3, 1 PL4"."""
    counts = result.level_counts()
    total = sum(counts.values())
    if total == 0:
        return QCoreApplication.translate("Summaries", "Nothing to mask.")
    source = QT_TRANSLATE_NOOP("Summaries", "%n item(s) masked: %1")
    translated = QCoreApplication.translate("Summaries", "%n item(s) masked: %1", None, total)
    if _untranslated(translated, source, total):
        return result.summary()
    return translated.replace("%1", level_counts_text(counts))


def unmask_summary(result: UnmaskResult) -> str:
    """How many placeholders came back, and which ones could not (placeholders hold no private value)."""
    restored = len(result.restored)  # a count in a variable: lupdate misses messages whose arguments call functions
    source = QT_TRANSLATE_NOOP("Summaries", "%n placeholder(s) restored.")
    message = QCoreApplication.translate("Summaries", "%n placeholder(s) restored.", None, restored)
    if _untranslated(message, source, restored):
        return result.summary()
    unresolved = sorted(set(result.unresolved))
    count = len(unresolved)
    if unresolved:
        message += " " + QCoreApplication.translate("Summaries", "%n could not be resolved: %1.", None, count).replace(
            "%1", ", ".join(unresolved)
        )
    return message


def core_text(message: BaseException | str) -> str:
    """A sentence of the core in the interface's language when it is one of the common ones, else as it is."""
    text = str(message)
    for pattern, template in _CORE_PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            translated = QCoreApplication.translate("CoreMessages", template)
            for number, value in enumerate(match.groups(), start=1):
                translated = translated.replace(f"%{number}", value)
            return translated
    return text
