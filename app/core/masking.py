"""Mask: replace chosen findings with placeholders. Unmask: put the originals back into a chatbot's answer.

Masking guarantees, for any text and any findings:
- ``unmask_text(mask_text(x).text) == x`` with a store that knew none of the placeholders already written in ``x``;
- every other occurrence of a masked value is masked too, not only the one a detector reported: at word boundaries
  ("Ann" is not masked inside "Annual"), and for PL4 secrets anywhere, since part of a word that holds a secret
  still shows the secret;
- placeholder-like tokens already in the input are left as they are — delimited ones (``<X_1>``, ``[X_1]``) always,
  bare ones (``X_1``) when the store issued them — and no new placeholder takes their number;
- every mapping is committed to the store before the masked text exists.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from app.core.findings import Finding, finding_at
from app.core.locate import find_exact_all
from app.core.placeholders import PlaceholderToken, TokenForm, find_placeholder_tokens, normalize_value
from app.core.resolve import resolve
from app.core.store import Mapping, MappingStore, PlaceholderRequest
from app.core.taxonomy import Level

# Stands in for a placeholder while looking for tokens the masked text will hold outside its placeholders: a
# placeholder starts with "<" and ends with ">", and neither can be part of a token's body, so "<>" is seen by the
# token pattern exactly as a real placeholder would be.
_PLACEHOLDER_STAND_IN = "<>"


@dataclass(frozen=True, slots=True)
class Replacement:
    """One masked span: where it was in the input, what replaced it, and the finding it came from."""

    start: int
    end: int
    placeholder: str
    finding: Finding


@dataclass(frozen=True)
class MaskResult:
    text: str
    replacements: tuple[Replacement, ...]

    @property
    def masked_values(self) -> dict[str, Level]:
        """Each distinct placeholder with the highest level it was masked at in this text."""
        levels: dict[str, Level] = {}
        for replacement in self.replacements:
            levels[replacement.placeholder] = max(
                levels.get(replacement.placeholder, Level.PL1), replacement.finding.level
            )
        return levels

    def level_counts(self) -> dict[Level, int]:
        return dict(Counter(self.masked_values.values()))

    def summary(self) -> str:
        """A line such as "4 items masked: 2 PL2, 1 PL3, 1 PL4" — counts only, never values."""
        counts = self.level_counts()
        total = sum(counts.values())
        if total == 0:
            return "Nothing to mask."
        parts = ", ".join(f"{counts[level]} {level.label}" for level in sorted(counts))
        noun = "item" if total == 1 else "items"
        return f"{total} {noun} masked: {parts}"


@dataclass(frozen=True, slots=True)
class Restoration:
    """One restored value: its offsets in the restored text, and the placeholder it replaced."""

    start: int
    end: int
    placeholder: str
    mapping: Mapping


@dataclass(frozen=True)
class UnmaskResult:
    text: str
    restored: tuple[Restoration, ...]
    unresolved: tuple[str, ...]
    """Placeholder-like tokens the store does not know, as written in the answer (they hold no original value)."""

    def summary(self) -> str:
        restored = len(self.restored)
        message = f"{restored} placeholder{'s' if restored != 1 else ''} restored"
        if self.unresolved:
            message += f"; {len(self.unresolved)} could not be resolved: {', '.join(sorted(set(self.unresolved)))}"
        return message + "."

    @property
    def highest_level(self) -> Level | None:
        return max((restoration.mapping.level for restoration in self.restored), default=None)


def _every_occurrence(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """The findings plus every other exact occurrence of their values, so no masked value stays visible."""
    expanded = list(findings)
    strongest_by_value: dict[str, Finding] = {}
    for finding in expanded:
        known = strongest_by_value.get(finding.text)
        if known is None or finding.level > known.level:
            strongest_by_value[finding.text] = finding
    whole_words = {value: finding.level < Level.PL4 for value, finding in strongest_by_value.items()}
    for value, spans in find_exact_all(text, whole_words).items():
        finding = strongest_by_value[value]
        for start, end in spans:
            expanded.append(Finding(start, end, value, finding.type, finding.level, finding.detector))
    return expanded


def _cut_around_tokens(text: str, findings: Iterable[Finding], tokens: Sequence[PlaceholderToken]) -> list[Finding]:
    """The parts of each finding outside the placeholder-like tokens it overlaps.

    A token must survive unchanged, but what a finding holds beside it is still private: a password glued to a
    placeholder (``hunter2<Key_1>``) dropped whole would stay visible.
    """
    token_starts = [token.start for token in tokens]
    parts: list[Finding] = []
    for finding in findings:
        index = max(bisect.bisect_right(token_starts, finding.start) - 1, 0)
        position = finding.start
        while index < len(tokens) and tokens[index].start < finding.end:
            token = tokens[index]
            if token.end > position:
                if token.start > position:
                    parts.append(finding_at(text, position, token.start, finding.type, finding.level, finding.detector))
                position = token.end
            index += 1
        if position == finding.start:
            parts.append(finding)
        elif position < finding.end:
            parts.append(finding_at(text, position, finding.end, finding.type, finding.level, finding.detector))
    return parts


def _outside_tokens(findings: Sequence[Finding], tokens: Sequence[PlaceholderToken]) -> list[Finding]:
    """Drop findings that overlap a placeholder-like token of the input: those tokens must survive unchanged."""
    token_starts = [token.start for token in tokens]
    kept = []
    for finding in findings:
        index = bisect.bisect_left(token_starts, finding.end)
        # Only the last token that starts before the finding ends can overlap it (tokens do not overlap each other).
        if index == 0 or tokens[index - 1].end <= finding.start:
            kept.append(finding)
    return kept


def _splice(text: str, spans: Sequence[Finding], replacements: Sequence[str]) -> str:
    pieces: list[str] = []
    position = 0
    for span, replacement in zip(spans, replacements, strict=False):
        pieces.append(text[position : span.start])
        pieces.append(replacement)
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def protected_tokens(text: str, store: MappingStore | None = None) -> list[PlaceholderToken]:
    """The placeholder-like tokens of ``text`` that masking must leave intact.

    Delimited tokens (``<Email_1>``, ``[Email_1]``) always. A bare ``word_123`` only when ``store`` issued that
    placeholder: otherwise it is as likely a password (``Summer_2024``), a user name or the start of an e-mail
    address (``john_smith_42@…``), and a finding over it must be masked, not dropped with its value left visible.
    """
    tokens = find_placeholder_tokens(text)
    bare_keys = {token.key for token in tokens if token.form is TokenForm.BARE}
    issued = store.lookup(bare_keys) if bare_keys and store is not None else {}
    return [token for token in tokens if token.form is not TokenForm.BARE or token.key in issued]


def spans_to_mask(text: str, findings: Iterable[Finding], store: MappingStore | None = None) -> list[Finding]:
    """The non-overlapping spans that masking ``findings`` replaces (before any placeholder is assigned)."""
    tokens = protected_tokens(text, store)
    parts = _cut_around_tokens(text, findings, tokens)
    trimmed = [_without_edge_whitespace(part) for part in parts if part.text.strip()]
    # Other occurrences of a value that overlap a token are not that value standing alone: drop them. Both steps come
    # before merging: merging first could fold a harmless finding into one that touches a placeholder.
    return resolve(text, _outside_tokens(_every_occurrence(text, trimmed), tokens))


def _without_edge_whitespace(finding: Finding) -> Finding:
    """The finding without whitespace at its ends. Values are identified after `normalize_value`, which trims them:
    a span ending in a space would share its placeholder with the bare value and lose that space when restored."""
    stripped = finding.text.strip()
    if stripped == finding.text:
        return finding
    start = finding.start + finding.text.index(stripped)
    return replace(finding, start=start, end=start + len(stripped), text=stripped)


def mask_text(text: str, findings: Iterable[Finding], store: MappingStore, *, preview: bool = False) -> MaskResult:
    """Replace every chosen finding (and every other occurrence of its value) with its placeholder.

    With ``preview`` the store is only read: the result shows the placeholders a real mask would use now.
    """
    spans = spans_to_mask(text, findings, store)
    if not spans:
        return MaskResult(text=text, replacements=())
    skeleton = _splice(text, spans, [_PLACEHOLDER_STAND_IN] * len(spans))
    reserved_keys = {token.key for token in find_placeholder_tokens(skeleton)}
    requests_by_value: dict[str, PlaceholderRequest] = {}
    for span in spans:
        requests_by_value.setdefault(
            normalize_value(span.text), PlaceholderRequest(span.text, span.type, span.level, span.detector)
        )
    assign = store.preview if preview else store.assign
    mappings = assign(list(requests_by_value.values()), reserved_keys)
    placeholder_by_value = dict(zip(requests_by_value, (mapping.placeholder for mapping in mappings), strict=False))
    placeholders = [placeholder_by_value[normalize_value(span.text)] for span in spans]
    replacements = tuple(
        Replacement(span.start, span.end, placeholder, span)
        for span, placeholder in zip(spans, placeholders, strict=False)
    )
    return MaskResult(text=_splice(text, spans, placeholders), replacements=replacements)


def unmask_text(text: str, store: MappingStore) -> UnmaskResult:
    """Restore every placeholder the store knows, in any of the shapes chatbots rewrite them to; touch nothing else."""
    tokens = find_placeholder_tokens(text)
    known = store.lookup({token.key for token in tokens})
    pieces: list[str] = []
    restored: list[Restoration] = []
    unresolved: list[str] = []
    position = 0
    length = 0
    for token in tokens:
        mapping = known.get(token.key)
        if mapping is None:
            if token.looks_like_ours:
                unresolved.append(text[token.start : token.end])
            continue
        before = text[position : token.start]
        pieces.append(before)
        length += len(before)
        pieces.append(mapping.original)
        restored.append(Restoration(length, length + len(mapping.original), mapping.placeholder, mapping))
        length += len(mapping.original)
        position = token.end
    pieces.append(text[position:])
    return UnmaskResult(text="".join(pieces), restored=tuple(restored), unresolved=tuple(unresolved))
