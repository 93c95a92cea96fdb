"""The one data path the tray app and the command line share.

text → detect (rules, model, always-mask list) → resolve overlaps → apply policy → assign placeholders (store) →
masked text; and masked answer → find placeholders (tolerantly) → store → restored text.
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
    store: MappingStore
    policy: Policy = field(default_factory=Policy)
    detectors: Sequence[Detector] = ()

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        """All findings of all detectors and the always-mask list, merged into non-overlapping spans."""
        check_text(text)
        findings = self.policy.always_mask_findings(text)
        for detector in self.detectors:
            check_cancelled(cancel)
            findings.extend(detector.detect(text, cancel=cancel, progress=progress))
        check_cancelled(cancel)
        return resolve(text, findings)

    def mask_findings(self, text: str, findings: Sequence[Finding]) -> MaskResult:
        """Mask the findings the policy selects (the review window passes the person's edited list here)."""
        check_text(text)
        return mask_text(text, self.policy.select(findings), self.store)

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
