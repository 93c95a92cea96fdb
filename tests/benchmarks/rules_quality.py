"""Quality of the rules detector on the shared evaluation data (a benchmark, not a unit test).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.rules_quality

It prints per-entity precision and recall on the Presidio synthetic data set (matching rule: see
`app.core.evaluation.presidio`), then the recall on the "Email" and "Phone Number" items of the PersonaMem sample:
an item counts as found when one rules finding covers an occurrence of its ``original_text`` in its own message.
The data is read from ``../shared/data`` (or ``$CLOAKROOM_SHARED_DATA``); when it is absent the benchmark says so
and exits successfully. Only counts are printed, never the text of the data.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from app.core.detectors.rules import RulesDetector
from app.core.evaluation import missing_data_message, shared_data_file
from app.core.evaluation.presidio import DATA_FILE_NAME, format_table, read_records, score
from app.core.findings import Finding

PERSONAMEM_FILE_NAME = "personamem_v2_sample.jsonl"
PERSONAMEM_TYPES = ("Email", "Phone Number")

# The entities the rules detector is meant to find, with their targets (recall, precision).
TARGETS: dict[str, tuple[float, float]] = {
    "EMAIL_ADDRESS": (0.98, 0.95),
    "CREDIT_CARD": (0.98, 0.95),
    "IBAN_CODE": (0.98, 0.95),
    "IP_ADDRESS": (0.98, 0.95),
    "US_SSN": (0.98, 0.95),
    "PHONE_NUMBER": (0.90, 0.85),
}
PERSONAMEM_TARGET = 0.95


def presidio_report(path: Path, detector: RulesDetector) -> str:
    """The per-entity table for the rule entities, each line marked with whether its target is met."""
    scores = score(read_records(path), detector.detect)
    lines = format_table(scores, TARGETS).splitlines()
    marked = lines[:2]
    for line, (entity, (recall_target, precision_target)) in zip(lines[2:], TARGETS.items(), strict=True):
        counts = scores.counts(entity)
        met = counts.recall >= recall_target and counts.precision >= precision_target
        marked.append(f"{line}   target R>={recall_target:.2f} P>={precision_target:.2f}: {'met' if met else 'MISSED'}")
    other = sorted(set(scores.by_entity) - set(TARGETS))
    marked.append("")
    marked.append("Entities outside the rules' scope (names, addresses, …):")
    marked.extend(format_table(scores, other).splitlines())
    return "\n".join(marked)


def _personamem_messages(path: Path) -> Iterator[tuple[str, list[dict[str, str]]]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                for message in json.loads(line).get("dialogues") or ():
                    yield message.get("content") or "", message.get("privacy_info") or []


def _covered(content: str, original: str, findings: list[Finding]) -> bool:
    position = content.find(original)
    while position != -1:
        end = position + len(original)
        if any(finding.start <= position and end <= finding.end for finding in findings):
            return True
        position = content.find(original, position + 1)
    return False


def personamem_recall(path: Path, detector: RulesDetector) -> tuple[Counter[str], Counter[str]]:
    """(found, total) per type for the PersonaMem items of `PERSONAMEM_TYPES`."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for content, items in _personamem_messages(path):
        wanted = [item for item in items if item.get("privacy_type") in PERSONAMEM_TYPES]
        if not wanted:
            continue
        findings = detector.detect(content)
        for item in wanted:
            total[item["privacy_type"]] += 1
            found[item["privacy_type"]] += _covered(content, item.get("original_text") or "", findings)
    return found, total


def personamem_report(path: Path, detector: RulesDetector) -> str:
    found, total = personamem_recall(path, detector)
    lines = [f"{'type':<14} {'items':>5} {'found':>5} {'recall':>7}"]
    for type_name in PERSONAMEM_TYPES:
        recall = found[type_name] / total[type_name] if total[type_name] else 1.0
        verdict = "met" if recall >= PERSONAMEM_TARGET else "MISSED"
        lines.append(
            f"{type_name:<14} {total[type_name]:>5} {found[type_name]:>5} {recall:>7.3f}"
            f"   target >={PERSONAMEM_TARGET:.2f}: {verdict}"
        )
    return "\n".join(lines)


def main() -> int:
    detector = RulesDetector()
    presidio = shared_data_file(DATA_FILE_NAME)
    personamem = shared_data_file(PERSONAMEM_FILE_NAME)
    if presidio is None and personamem is None:
        print(f"Skipped: {missing_data_message(DATA_FILE_NAME)}")
        return 0
    if presidio is None:
        print(f"Presidio part skipped: {missing_data_message(DATA_FILE_NAME)}")
    else:
        print(f"Rules detector on {DATA_FILE_NAME}")
        print(presidio_report(presidio, detector))
    print()
    if personamem is None:
        print(f"PersonaMem part skipped: {missing_data_message(PERSONAMEM_FILE_NAME)}")
    else:
        print(f"Rules detector on {PERSONAMEM_FILE_NAME} (recall; an item is found when a finding covers it)")
        print(personamem_report(personamem, detector))
    return 0


if __name__ == "__main__":
    sys.exit(main())
