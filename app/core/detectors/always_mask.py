"""The always-mask list as a detector: every occurrence of every value the person listed is a finding.

Finding the values is detection like the rules' (and runs beside them); whether a finding is then masked is the
policy's choice alone: it masks always-mask findings whatever their level, unless the allow list keeps the value.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from app.core.detectors.base import ProgressCallback, check_cancelled
from app.core.findings import ALWAYS_MASK, Finding, finding_at
from app.core.locate import find_occurrences
from app.core.policy import AlwaysMaskEntry
from app.core.taxonomy import canonical_type, level_for_type


class AlwaysMaskDetector:
    """Finds the listed values, case- and whitespace-tolerantly and never inside a longer word (`locate`);
    implements the `Detector` protocol."""

    name = ALWAYS_MASK

    def __init__(self, entries: Iterable[AlwaysMaskEntry]) -> None:
        self._entries = tuple(entries)

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        """Each entry's occurrences, typed and levelled as its type names. ``progress`` is not called: the list is
        searched in a moment, and the bars the app shows count the rules' and the model's work."""
        findings = []
        for entry in self._entries:
            check_cancelled(cancel)
            type_name, level = canonical_type(entry.type), level_for_type(entry.type)
            for start, end in find_occurrences(text, entry.text):
                findings.append(finding_at(text, start, end, type_name, level, ALWAYS_MASK))
        return findings
