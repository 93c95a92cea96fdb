"""Which findings get masked: a level threshold, per-type overrides and an allow-list. The policy only selects
among findings; it finds nothing itself.

The level threshold is the main control (default PL2: everything the model extracts). Spans the person added by hand
and the findings of the always-mask list (`detectors.always_mask`) are masked whatever their level; a value on the
allow-list never is, unless the person masks it by hand.

`AlwaysMaskEntry` is defined here, beside the person's other choices, so that the vault (which stores the list) and
the detector (which searches for it) both depend on this small module, not on each other.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.core.findings import ALWAYS_MASK, USER, Finding
from app.core.placeholders import normalize_value
from app.core.taxonomy import Level, canonical_type


class Override(str, enum.Enum):
    ALWAYS = "always"
    NEVER = "never"


@dataclass(frozen=True)
class AlwaysMaskEntry:
    """A literal string the person wants masked wherever it appears, with the type its placeholder should name."""

    text: str
    type: str = "Private Info"


def _comparable(value: str) -> str:
    return normalize_value(value).casefold()


@dataclass(frozen=True)
class Policy:
    min_level: Level = Level.PL2
    type_overrides: Mapping[str, Override] = field(default_factory=dict)
    allow_list: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Compare types and allowed values in one canonical form, whatever spelling the settings used.
        overrides = {canonical_type(name): Override(value) for name, value in self.type_overrides.items()}
        object.__setattr__(self, "type_overrides", overrides)
        object.__setattr__(self, "allow_list", frozenset(_comparable(value) for value in self.allow_list))

    def should_mask(self, finding: Finding) -> bool:
        """The order is the rule: by hand beats the allow-list, which beats the always-mask list, which beats the
        type overrides, which beat the level threshold."""
        if USER in finding.detectors:
            return True
        if _comparable(finding.text) in self.allow_list:
            return False
        if ALWAYS_MASK in finding.detectors:
            return True
        override = self.type_overrides.get(canonical_type(finding.type))
        if override is not None:
            return override is Override.ALWAYS
        return finding.level >= self.min_level

    def select(self, findings: Iterable[Finding]) -> list[Finding]:
        return [finding for finding in findings if self.should_mask(finding)]
