"""The one data path the tray app and the command line share.

text → detect (rules and the always-mask list, then the model) → resolve overlaps → apply policy → assign
placeholders (store) → masked text; and masked answer → find placeholders (tolerantly) → store → restored text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.detectors.base import Detector, ProgressCallback, check_cancelled
from app.core.findings import Finding
from app.core.masking import MaskResult, UnmaskResult, mask_text, unmask_text
from app.core.policy import Policy
from app.core.resolve import resolve
from app.core.store import MappingStore
from app.core.text_input import check_text


@dataclass
class Engine:
    """Detection, policy and the store, wired together. ``rules`` is fast and runs anywhere; ``model`` is slow and
    not thread-safe, so the tray app calls `detect` with the model only from its worker thread. ``always_mask``
    finds the values of the person's always-mask list (None when it is empty) and runs with the rules."""

    store: MappingStore
    policy: Policy = field(default_factory=Policy)
    rules: Detector | None = None
    model: Detector | None = None
    always_mask: Detector | None = None

    def detect(
        self,
        text: str,
        *,
        use_rules: bool = True,
        use_model: bool = True,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        """Findings of the chosen detectors (the always-mask list goes with the rules), merged so none overlap."""
        check_text(text)
        findings: list[Finding] = []
        for detector in self._detectors(use_rules, use_model):
            check_cancelled(cancel)
            findings.extend(detector.detect(text, cancel=cancel, progress=progress))
        check_cancelled(cancel)
        return resolve(text, findings)

    def _detectors(self, use_rules: bool, use_model: bool) -> Sequence[Detector]:
        chosen = [(use_rules, self.always_mask), (use_rules, self.rules), (use_model, self.model)]
        return [detector for wanted, detector in chosen if wanted and detector is not None]

    def mask_findings(self, text: str, findings: Sequence[Finding], *, preview: bool = False) -> MaskResult:
        """Mask the findings the policy selects (the review window passes the person's edited list here)."""
        check_text(text)
        return mask_text(text, self.policy.select(findings), self.store, preview=preview)

    def mask(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> MaskResult:
        findings = self.detect(text, cancel=cancel, progress=progress)
        check_cancelled(cancel)
        return self.mask_findings(text, findings)

    def unmask(self, text: str) -> UnmaskResult:
        check_text(text)
        return unmask_text(text, self.store)
