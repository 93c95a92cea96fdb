"""A finding: one private span of the input, located by character offsets."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.taxonomy import Level

# Detector names. "user" marks spans the person added by hand and "always-mask" the always-mask list: the policy
# masks both whatever their level.
RULES = "rules"
MODEL = "model"
USER = "user"
ALWAYS_MASK = "always-mask"
FORCED_DETECTORS = frozenset({USER, ALWAYS_MASK})


@dataclass(frozen=True, slots=True)
class Finding:
    """A span ``text == input[start:end]`` (Python string indices) with its privacy type and level.

    ``detector`` names who found it; spans merged from several detectors join their names with ``+`` in sorted
    order (``model+rules``).
    """

    start: int
    end: int
    text: str
    type: str
    level: Level
    detector: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError("a finding needs 0 <= start < end")
        if len(self.text) != self.end - self.start:
            raise ValueError("a finding's text must span exactly its offsets")

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Finding) -> bool:
        return self.start <= other.start and other.end <= self.end

    def shifted(self, offset: int) -> Finding:
        return replace(self, start=self.start + offset, end=self.end + offset)

    @property
    def detectors(self) -> frozenset[str]:
        return frozenset(self.detector.split("+"))

    def to_json(self) -> dict[str, object]:
        """The shape ``cloakroom detect --json`` prints."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "level": self.level.label,
            "detector": self.detector,
        }


def finding_at(text: str, start: int, end: int, type_name: str, level: Level, detector: str) -> Finding:
    """Build a finding whose text is read from the input, so offsets and text cannot disagree."""
    return Finding(start, end, text[start:end], type_name, level, detector)
