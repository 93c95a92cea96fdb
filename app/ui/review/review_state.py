"""What the review window knows about one text, free of Qt so it can be reasoned about (and tested) on its own.

Findings come from three places — the rules (at once), the model (later) and the person ("Mask as…") — and the
person can flip any item between masked and kept. Decisions are remembered per value, not per offset: masking
replaces every occurrence of a chosen value, so one occurrence cannot be kept while another is masked, and a
decision survives edits that move the text around. Spans the person added are remembered the same way and found
again in the edited text.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.core.findings import USER, Finding, finding_at
from app.core.locate import at_word_boundaries, find_exact
from app.core.masking import MaskResult
from app.core.placeholders import normalize_value
from app.core.policy import Policy
from app.core.resolve import resolve
from app.core.taxonomy import Level


class Status(enum.Enum):
    """Why an item is masked or kept, so the list can say so in words and not only by a tick."""

    MASKED = "masked"
    MASKED_BY_YOU = "masked by you"
    KEPT_BY_YOU = "kept by you"
    BELOW_THRESHOLD = "below threshold"
    ALLOWED_BY_SETTINGS = "allowed by settings"

    @property
    def masked(self) -> bool:
        return self in (Status.MASKED, Status.MASKED_BY_YOU)


@dataclass(frozen=True, slots=True)
class UserSpan:
    """A value the person masked by hand. ``anywhere``: it was selected inside a word, so it is found inside words."""

    value: str
    type: str
    level: Level
    anywhere: bool


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One highlighted span of the input: a masked replacement or a finding left as it is."""

    start: int
    end: int
    finding: Finding
    status: Status
    placeholder: str | None = None

    @property
    def masked(self) -> bool:
        return self.status.masked


def value_key(value: str) -> str:
    return normalize_value(value)


def with_user_mark(finding: Finding) -> Finding:
    """The finding marked as chosen by the person, so any policy masks it (the window has already decided)."""
    if USER in finding.detectors:
        return finding
    return replace(finding, detector="+".join(sorted(finding.detectors | {USER})))


class ReviewState:
    """Findings and decisions for the text under review."""

    def __init__(self) -> None:
        self.text = ""
        self._rules: list[Finding] = []
        self._model: list[Finding] = []
        self._user: list[UserSpan] = []
        self._decisions: dict[str, bool] = {}

    def reset(self) -> None:
        """Forget everything, for a new text from the clipboard (decisions about the last one do not carry over)."""
        self.__init__()  # type: ignore[misc]

    def set_text(self, text: str, rules_findings: Sequence[Finding]) -> None:
        """A new version of the text: model findings of the old version no longer fit it."""
        self.text = text
        self._rules = list(rules_findings)
        self._model = []

    def set_model_findings(self, findings: Sequence[Finding]) -> None:
        self._model = list(findings)

    def add_model_findings(self, findings: Sequence[Finding]) -> None:
        """Findings the model reported while still answering; `set_model_findings` replaces them with its result."""
        self._model.extend(findings)

    @property
    def model_finding_count(self) -> int:
        return len({(finding.start, finding.end) for finding in self._model})

    def add_user_span(self, start: int, end: int, type_name: str, level: Level) -> None:
        value = self.text[start:end]
        anywhere = not at_word_boundaries(self.text, start, end)
        self._user = [span for span in self._user if value_key(span.value) != value_key(value)]
        self._user.append(UserSpan(value, type_name, level, anywhere))
        self._decisions[value_key(value)] = True

    def decide(self, values: Sequence[str], masked: bool) -> None:
        for value in values:
            self._decisions[value_key(value)] = masked

    def findings(self) -> list[Finding]:
        """Every detected or added span, merged so none overlap; what the person added wins over what it covers."""
        added = self._user_findings()
        detected = [finding for finding in self._rules + self._model if not any(own.contains(finding) for own in added)]
        return resolve(self.text, added + detected)

    def _user_findings(self) -> list[Finding]:
        found: list[Finding] = []
        for span in self._user:
            for start, end in find_exact(self.text, span.value, whole_words=not span.anywhere):
                found.append(finding_at(self.text, start, end, span.type, span.level, USER))
        return found

    def status(self, finding: Finding, policy: Policy) -> Status:
        decision = self._decisions.get(value_key(finding.text))
        if decision is not None:
            return Status.MASKED_BY_YOU if decision else Status.KEPT_BY_YOU
        if policy.should_mask(finding):
            return Status.MASKED
        if finding.level < policy.min_level:
            return Status.BELOW_THRESHOLD
        return Status.ALLOWED_BY_SETTINGS

    def chosen(self, policy: Policy, engine_policy: Policy) -> list[Finding]:
        """The findings to mask, marked so that the engine's own policy cannot drop one the window chose."""
        chosen = []
        for finding in self.findings():
            if not self.status(finding, policy).masked:
                continue
            chosen.append(finding if engine_policy.should_mask(finding) else with_user_mark(finding))
        return chosen

    def items(self, policy: Policy, preview: MaskResult | None) -> list[ReviewItem]:
        """What the masked text will hold: each replacement (every occurrence masking finds) and each kept finding."""
        items: list[ReviewItem] = []
        replacements = preview.replacements if preview is not None else ()
        for replacement in replacements:
            status = self.status(replacement.finding, policy)
            status = status if status.masked else Status.MASKED
            items.append(
                ReviewItem(replacement.start, replacement.end, replacement.finding, status, replacement.placeholder)
            )
        masked_starts = [item.start for item in items]
        for finding in self.findings():
            if _overlaps_sorted(items, masked_starts, finding):
                continue
            status = self.status(finding, policy)
            if not status.masked:
                items.append(ReviewItem(finding.start, finding.end, finding, status))
        return sorted(items, key=lambda item: item.start)

    def toggle(self, item: ReviewItem) -> None:
        """Flip an item; the findings it covers flip with it (a masked span may merge several values)."""
        covered = [finding.text for finding in self.findings() if finding.start < item.end and item.start < finding.end]
        self.decide([item.finding.text, *covered], masked=not item.masked)


def _overlaps_sorted(items: Sequence[ReviewItem], starts: Sequence[int], finding: Finding) -> bool:
    """Whether ``finding`` overlaps one of ``items`` (sorted by start, not overlapping each other)."""
    index = bisect.bisect_left(starts, finding.end)
    return index > 0 and items[index - 1].end > finding.start
