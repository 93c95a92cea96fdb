"""What a user feels: what still shows after masking, what was hidden for nothing, and whether unmasking works.

Per message, given its gold values (with the character spans they cover) and the result of masking the detector's
findings under the policy's level threshold:

* **leak rate** — of the gold values at or above the threshold, the share that still appears verbatim in the masked
  text. A value masked in one place but left whole in another leaks; a value cut in half by a placeholder does not
  appear verbatim and so does not count here, but it is counted in **partly exposed**: values with at least one
  character outside every masked span. The leak rate is the issue's figure; "partly exposed" is the stricter one.
* **over-masking** — masked characters outside every gold span (of any level), over all characters of the input.
  Characters are those of the input, not of the placeholders written in their place.
* **round trip** — the masked text is unmasked with the same store: placeholders it cannot resolve (must be 0) and
  messages whose restored text differs from the input (must be 0).

Gold spans without offsets (MemPrivacy labels are plain strings) cover every exact occurrence of the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.core.masking import MaskResult, UnmaskResult
from app.core.taxonomy import Level


@dataclass(frozen=True, slots=True)
class GoldValue:
    """A labelled value with the spans of the input it covers (offsets; several when it occurs more than once)."""

    text: str
    level: Level | None  # None: a label the evaluation does not score (still a gold span for over-masking)
    spans: tuple[tuple[int, int], ...]


def occurrences(text: str, value: str) -> tuple[tuple[int, int], ...]:
    """Every exact (possibly overlapping) occurrence of ``value`` in ``text``."""
    spans: list[tuple[int, int]] = []
    if not value:
        return ()
    position = text.find(value)
    while position != -1:
        spans.append((position, position + len(value)))
        position = text.find(value, position + 1)
    return tuple(spans)


@dataclass(slots=True)
class LevelExposure:
    values: int = 0
    leaked: int = 0
    partly_exposed: int = 0

    def add(self, other: LevelExposure) -> None:
        self.values += other.values
        self.leaked += other.leaked
        self.partly_exposed += other.partly_exposed

    @property
    def leak_rate(self) -> float:
        return self.leaked / self.values if self.values else 0.0

    @property
    def partly_exposed_rate(self) -> float:
        return self.partly_exposed / self.values if self.values else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {
            "values": self.values,
            "leaked": self.leaked,
            "leak_rate": self.leak_rate,
            "partly_exposed": self.partly_exposed,
            "partly_exposed_rate": self.partly_exposed_rate,
        }


@dataclass(slots=True)
class Exposure:
    """Totals over a corpus (or one message) of the figures in the module docstring."""

    threshold: Level
    by_level: dict[Level, LevelExposure] = field(default_factory=dict)
    characters: int = 0
    masked_characters: int = 0
    over_masked_characters: int = 0
    unresolved_placeholders: int = 0
    round_trip_mismatches: int = 0
    messages: int = 0

    @property
    def overall(self) -> LevelExposure:
        total = LevelExposure()
        for counts in self.by_level.values():
            total.add(counts)
        return total

    @property
    def over_masking_rate(self) -> float:
        return self.over_masked_characters / self.characters if self.characters else 0.0

    def add(self, other: Exposure) -> None:
        for level, counts in other.by_level.items():
            self.by_level.setdefault(level, LevelExposure()).add(counts)
        self.characters += other.characters
        self.masked_characters += other.masked_characters
        self.over_masked_characters += other.over_masked_characters
        self.unresolved_placeholders += other.unresolved_placeholders
        self.round_trip_mismatches += other.round_trip_mismatches
        self.messages += other.messages

    def to_json(self) -> dict[str, object]:
        return {
            "threshold": self.threshold.label,
            "overall": self.overall.to_json(),
            "by_level": {level.label: counts.to_json() for level, counts in sorted(self.by_level.items())},
            "characters": self.characters,
            "masked_characters": self.masked_characters,
            "over_masked_characters": self.over_masked_characters,
            "over_masking_rate": self.over_masking_rate,
            "unresolved_placeholders": self.unresolved_placeholders,
            "round_trip_mismatches": self.round_trip_mismatches,
            "messages": self.messages,
        }


def _covered(spans: Iterable[tuple[int, int]], length: int) -> bytearray:
    mask = bytearray(length)
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def measure_exposure(
    text: str,
    gold: Sequence[GoldValue],
    masked: MaskResult,
    unmasked: UnmaskResult,
    threshold: Level,
) -> Exposure:
    """The figures of one message (module docstring)."""
    masked_chars = _covered(((r.start, r.end) for r in masked.replacements), len(text))
    gold_chars = _covered((span for value in gold for span in value.spans), len(text))
    exposure = Exposure(threshold=threshold, messages=1, characters=len(text))
    exposure.masked_characters = sum(masked_chars)
    exposure.over_masked_characters = sum(1 for m, g in zip(masked_chars, gold_chars, strict=False) if m and not g)
    for value in gold:
        if value.level is None or value.level < threshold:
            continue
        counts = exposure.by_level.setdefault(value.level, LevelExposure())
        counts.values += 1
        if value.text and value.text in masked.text:
            counts.leaked += 1
        if any(not all(masked_chars[start:end]) for start, end in value.spans):
            counts.partly_exposed += 1
    exposure.unresolved_placeholders = len(unmasked.unresolved)
    exposure.round_trip_mismatches = int(unmasked.text != text)
    return exposure
