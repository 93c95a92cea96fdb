"""Quality of the rules detector on the shared evaluation data (a benchmark, not a unit test).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.rules_quality

First it scores the project's own corpus of realistic pastes, ``tests/data/rules_corpus.jsonl`` (config files, code,
curl commands, logs, mails, chats, OTP messages and clean texts in English and Chinese, every value made up; written
by ``tests/data/make_rules_corpus.py``), against `CORPUS_TARGETS` (`score_corpus` explains the matching).
Then it prints per-entity precision and recall on the Presidio synthetic data set (matching rule: see
`app.core.evaluation.presidio`), and the recall on the "Email" and "Phone Number" items of the PersonaMem sample:
an item counts as found when one rules finding covers an occurrence of its ``original_text`` in its own message.
Both are marked against the project's quality targets, written once in `app.core.evaluation.targets`.
The shared data is read from ``../shared/data`` (or ``$CLOAKROOM_SHARED_DATA``); when it is absent that part says
so and the benchmark exits successfully. Only counts, record ids and types are printed, never the text of the data.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.core.detectors.rules import RulesDetector
from app.core.evaluation import missing_data_message, shared_data_file
from app.core.evaluation.memprivacy import DATA_FILE_NAME as PERSONAMEM_FILE_NAME
from app.core.evaluation.presidio import DATA_FILE_NAME, format_table, read_records, score
from app.core.evaluation.targets import MEMPRIVACY_RULES_RECALL, MEMPRIVACY_RULES_TYPES, PRESIDIO_RULES_TARGETS
from app.core.findings import Finding
from app.core.taxonomy import Level

CORPUS_FILE = Path(__file__).resolve().parents[1] / "data" / "rules_corpus.jsonl"
# Structured recall, PL4 spans fully covered, precision (each at least), findings on clean texts (at most).
CORPUS_TARGETS = {"recall": 0.97, "pl4_covered": 0.97, "precision": 0.97, "clean_findings": 0}


@dataclass(frozen=True, slots=True)
class CorpusSpan:
    start: int
    end: int
    type: str
    level: Level


@dataclass(frozen=True, slots=True)
class CorpusRecord:
    id: str
    text: str
    clean: bool
    spans: tuple[CorpusSpan, ...]


@dataclass
class CorpusScore:
    """Counts over the corpus; ``misses`` and ``false_alarms`` name records and types, never values."""

    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    pl4_spans: int = 0
    pl4_covered: int = 0
    findings: int = 0
    correct_findings: int = 0
    clean_texts: int = 0
    clean_findings: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_alarms: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = sum(self.gold.values())
        return sum(self.found.values()) / total if total else 1.0

    @property
    def pl4_coverage(self) -> float:
        return self.pl4_covered / self.pl4_spans if self.pl4_spans else 1.0

    @property
    def precision(self) -> float:
        return self.correct_findings / self.findings if self.findings else 1.0

    def meets_targets(self) -> bool:
        return (
            self.recall >= CORPUS_TARGETS["recall"]
            and self.pl4_coverage >= CORPUS_TARGETS["pl4_covered"]
            and self.precision >= CORPUS_TARGETS["precision"]
            and self.clean_findings <= CORPUS_TARGETS["clean_findings"]
        )


def read_corpus(path: Path = CORPUS_FILE) -> list[CorpusRecord]:
    """The corpus records; a gold span whose offsets do not hold its text is an error in the file."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            raw = json.loads(line)
            spans = []
            for span in raw["spans"]:
                if raw["text"][span["start"] : span["end"]] != span["text"]:
                    raise ValueError(f"record {raw['id']}: a gold span does not match its offsets")
                spans.append(CorpusSpan(span["start"], span["end"], span["type"], Level.parse(span["level"])))
            records.append(CorpusRecord(raw["id"], raw["text"], bool(raw["clean"]), tuple(spans)))
    return records


def _found(span: CorpusSpan, findings: Iterable[Finding]) -> bool:
    """A finding of the span's level covers at least half of it (the Presidio benchmark's rule, plus the level)."""
    needed = (span.end - span.start) / 2
    return any(
        finding.level == span.level and min(finding.end, span.end) - max(finding.start, span.start) >= needed
        for finding in findings
    )


def _fully_covered(span: CorpusSpan, findings: Iterable[Finding]) -> bool:
    """PL4 findings together cover every character of the span: a half-masked key is a leaked key."""
    covered = span.start
    for finding in sorted(findings, key=lambda finding: finding.start):
        if finding.level == Level.PL4 and finding.start <= covered < finding.end:
            covered = finding.end
    return covered >= span.end


def _correct(finding: Finding, spans: Iterable[CorpusSpan]) -> bool:
    """A finding is right when it overlaps a gold span of its own level."""
    return any(finding.level == span.level and finding.start < span.end and span.start < finding.end for span in spans)


def score_corpus(records: Iterable[CorpusRecord], detect: Callable[[str], list[Finding]]) -> CorpusScore:
    """Structured recall, PL4 full coverage, precision, and findings on the clean texts."""
    result = CorpusScore()
    for record in records:
        findings = detect(record.text)
        result.findings += len(findings)
        if record.clean:
            result.clean_texts += 1
            result.clean_findings += len(findings)
        for finding in findings:
            if _correct(finding, record.spans):
                result.correct_findings += 1
            else:
                result.false_alarms.append((record.id, finding.type))
        for span in record.spans:
            result.gold[span.type] += 1
            if _found(span, findings):
                result.found[span.type] += 1
            else:
                result.misses.append((record.id, span.type))
            if span.level == Level.PL4:
                result.pl4_spans += 1
                result.pl4_covered += _fully_covered(span, findings)
    return result


def corpus_report(result: CorpusScore, *, details: bool = False) -> str:
    """Per-type recall, then the headline figures against `CORPUS_TARGETS`; with ``details``, misses by record id."""
    lines = [f"{'type':<28} {'spans':>5} {'found':>5} {'recall':>7}"]
    for type_name in sorted(result.gold):
        total, found = result.gold[type_name], result.found[type_name]
        lines.append(f"{type_name:<28} {total:>5} {found:>5} {found / total:>7.3f}")
    lines.append(
        f"structured recall {result.recall:.3f} (target >= {CORPUS_TARGETS['recall']:.2f}), "
        f"PL4 fully covered {result.pl4_coverage:.3f} of {result.pl4_spans} (>= {CORPUS_TARGETS['pl4_covered']:.2f}), "
        f"precision {result.precision:.3f} of {result.findings} findings (>= {CORPUS_TARGETS['precision']:.2f}), "
        f"{result.clean_findings} findings on {result.clean_texts} clean texts (target 0): "
        f"{'met' if result.meets_targets() else 'MISSED'}"
    )
    if details:
        lines.extend(f"  missed {type_name} in {record_id}" for record_id, type_name in result.misses)
        lines.extend(f"  false alarm {type_name} in {record_id}" for record_id, type_name in result.false_alarms)
    return "\n".join(lines)


def presidio_report(path: Path, detector: RulesDetector) -> str:
    """The per-entity table for the rule entities, each line marked with whether its target is met."""
    scores = score(read_records(path), detector.detect)
    lines = format_table(scores, PRESIDIO_RULES_TARGETS).splitlines()
    marked = lines[:2]
    targets = PRESIDIO_RULES_TARGETS.items()
    for line, (entity, (recall_target, precision_target)) in zip(lines[2:], targets, strict=True):
        counts = scores.counts(entity)
        met = counts.recall >= recall_target and counts.precision >= precision_target
        marked.append(f"{line}   target R>={recall_target:.2f} P>={precision_target:.2f}: {'met' if met else 'MISSED'}")
    other = sorted(set(scores.by_entity) - set(PRESIDIO_RULES_TARGETS))
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
    """(found, total) per type for the PersonaMem items of `MEMPRIVACY_RULES_TYPES`."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for content, items in _personamem_messages(path):
        wanted = [item for item in items if item.get("privacy_type") in MEMPRIVACY_RULES_TYPES]
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
    for type_name in MEMPRIVACY_RULES_TYPES:
        recall = found[type_name] / total[type_name] if total[type_name] else 1.0
        verdict = "met" if recall >= MEMPRIVACY_RULES_RECALL else "MISSED"
        lines.append(
            f"{type_name:<14} {total[type_name]:>5} {found[type_name]:>5} {recall:>7.3f}"
            f"   target >={MEMPRIVACY_RULES_RECALL:.2f}: {verdict}"
        )
    return "\n".join(lines)


def main() -> int:
    detector = RulesDetector()
    corpus = score_corpus(read_corpus(), detector.detect)
    print(f"Rules detector on {CORPUS_FILE.name} ({corpus.clean_texts} clean texts among the pastes)")
    print(corpus_report(corpus, details="--details" in sys.argv[1:]))
    print()
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
