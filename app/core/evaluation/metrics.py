"""The paper's extraction metric (MemPrivacy, arXiv 2605.09530), written from its description.

Each message is scored on its own: the detector's predictions for it — distinct ``(value, type, level)`` items,
as the model returns them — against the labelled items of the message.

Score of one (prediction, gold item) pair, between 0 and 1:

* 0 unless the predicted value is a substring of the message (a model may invent or paraphrase text);
* 0 unless the levels are equal;
* 0 unless the types are equal after normalisation (`metric_type`: spelling-insensitive, the taxonomy's aliases plus
  `METRIC_TYPE_ALIASES`; no embedding model, so no network calls);
* 1 when the values are equal (`normalize_span`: Unicode NFKC, runs of white space as one space, trimmed, case
  folded — the same value at the start of a sentence is still the same value);
* for descriptive types (`DESCRIPTIVE_TYPES`: health, transactions, itineraries, …, whose labels are phrases whose
  exact extent is a matter of taste) a partial overlap scores the F1 of the longest common run of tokens:
  with ``k`` tokens in that run, ``p`` tokens in the prediction and ``g`` in the gold value,
  ``P = k/p``, ``R = k/g`` and the score ``2PR/(P+R)``. Tokens are runs of letters and digits, and every CJK
  character is a token of its own (Chinese has no spaces). Identifiers (names, numbers, codes) get no partial credit.

Matching is greedy and one-to-one: all pairs with a positive score, best first (ties: earlier gold item, then earlier
prediction), each gold item and each prediction used at most once. ``matched`` is the sum of the chosen pairs'
scores, so a partial match counts partly.

Per message: ``P = matched / #pred`` and ``R = matched / #ref``. A message with no predictions and no gold items
scores ``P = R = F1 = 1`` (nothing to find, nothing claimed). When only one side is empty, F1 is 0 and the undefined
figure (precision without predictions, recall without gold items) is reported as None.

Over a corpus (the headline figures, as the paper counts them): **micro** sums — ``P = Σ matched / Σ #pred`` and
``R = Σ matched / Σ #ref`` over all messages, ``F1 = 2PR/(P+R)``, with the same empty-side rules. The **macro**
figures (mean of the per-message P, R and F1, empty/empty messages counting 1) are given as well, since they weigh
every message equally; they run high on data where most messages hold nothing private.

Because a pair can only match within one level and one type, the one-to-one matching splits exactly by level and by
type: the per-level and per-type figures are the same matching seen through a filter, never a second matching.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.core.locate import is_unspaced_script
from app.core.taxonomy import Level, canonical_type, type_key

# Types whose labels are descriptions rather than identifiers: partial token overlap earns partial credit.
DESCRIPTIVE_TYPES: frozenset[str] = frozenset(
    {
        "Medical Health",
        "Medical Record",
        "Transaction Record",
        "Itinerary/Trajectory",
        "Assets/Income",
        "Debt/Loan Info",
        "Communication Content",
        "Identity Background",
        "Relationship Info",
        "Sensitive Identity",
        "Judicial Record",
        "Religious Beliefs",
        "Political Views/Stance",
        "Minor Information",
        "Accommodation Records",
        "Precise Location",
        "Biometrics",
        "Business Secret",
        "Vulnerability Details",
        "Classified Information",
    }
)

# Labels seen in the data sets that name a type of the taxonomy in other words. Kept small on purpose: each entry is a
# judgement that two labels mean the same thing, and every entry makes the metric more lenient.
METRIC_TYPE_ALIASES: dict[str, str] = {
    "Company/Organization Info": "Employer/Company Name",
    "Employer": "Employer/Company Name",
    "Company Name": "Employer/Company Name",
    "Assets/Net Worth": "Assets/Income",
    "Income": "Assets/Income",
    "Health Information": "Medical Health",
    "Medical Condition": "Medical Health",
    "Travel Itinerary": "Itinerary/Trajectory",
    "Itinerary": "Itinerary/Trajectory",
    "Job Title": "Job Title/Rank",
    "Bank Card Number": "Bank/Payment Card Number",
    "Payment Card Number": "Bank/Payment Card Number",
    "Relationship": "Relationship Info",
    "Third-Party Name": "Third-Party Identifiable Info",
}
_ALIAS_BY_KEY: dict[str, str] = {type_key(alias): name for alias, name in METRIC_TYPE_ALIASES.items()}


def metric_type(type_name: str) -> str:
    """The type as the metric compares it: the taxonomy's canonical spelling, after the metric's own aliases."""
    aliased = _ALIAS_BY_KEY.get(type_key(type_name))
    return aliased if aliased is not None else canonical_type(type_name)


def is_descriptive(type_name: str) -> bool:
    return metric_type(type_name) in DESCRIPTIVE_TYPES


def normalize_span(text: str) -> str:
    """The form in which two values count as equal (see the module docstring)."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def span_tokens(text: str) -> list[str]:
    """Runs of letters and digits, and each CJK character alone; punctuation and spaces are dropped."""
    tokens: list[str] = []
    word: list[str] = []
    for char in normalize_span(text):
        if is_unspaced_script(char) and char.isalnum():
            if word:
                tokens.append("".join(word))
                word = []
            tokens.append(char)
        elif char.isalnum():
            word.append(char)
        elif word:
            tokens.append("".join(word))
            word = []
    if word:
        tokens.append("".join(word))
    return tokens


def longest_common_run(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest contiguous run of tokens the two sequences share (labelled spans are short: O(n·m))."""
    best = 0
    previous = [0] * (len(second) + 1)
    for a in first:
        current = [0] * (len(second) + 1)
        for j, b in enumerate(second, start=1):
            if a == b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def overlap_f1(predicted: str, gold: str) -> float:
    """F1 of the longest common token run of two values (0 when either has no tokens)."""
    predicted_tokens, gold_tokens = span_tokens(predicted), span_tokens(gold)
    if not predicted_tokens or not gold_tokens:
        return 0.0
    common = longest_common_run(predicted_tokens, gold_tokens)
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted_tokens), common / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True, slots=True)
class Item:
    """A private value of a message — labelled (gold) or predicted — with its type and level. No offsets."""

    text: str
    type: str
    level: Level

    @property
    def metric_type(self) -> str:
        return metric_type(self.type)


def distinct_items(items: Iterable[Item]) -> list[Item]:
    """One item per (value, type, level): a detector reports every occurrence, the labels name each value once."""
    seen: set[tuple[str, str, Level]] = set()
    kept: list[Item] = []
    for item in items:
        key = (normalize_span(item.text), item.metric_type, item.level)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def pair_score(message: str, predicted: Item, gold: Item) -> float:
    """The score of one prediction against one gold item (module docstring)."""
    if not predicted.text or predicted.text not in message:
        return 0.0
    if predicted.level != gold.level or predicted.metric_type != gold.metric_type:
        return 0.0
    if normalize_span(predicted.text) == normalize_span(gold.text):
        return 1.0
    if gold.metric_type in DESCRIPTIVE_TYPES:
        return overlap_f1(predicted.text, gold.text)
    return 0.0


@dataclass(frozen=True, slots=True)
class Match:
    gold_index: int
    predicted_index: int
    score: float


def match_items(message: str, gold: Sequence[Item], predicted: Sequence[Item]) -> list[Match]:
    """Greedy one-to-one matching, best pair first (module docstring)."""
    candidates: list[tuple[float, int, int]] = []
    for gold_index, gold_item in enumerate(gold):
        for predicted_index, predicted_item in enumerate(predicted):
            score = pair_score(message, predicted_item, gold_item)
            if score > 0:
                candidates.append((-score, gold_index, predicted_index))
    candidates.sort()
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    matches: list[Match] = []
    for negative_score, gold_index, predicted_index in candidates:
        if gold_index in used_gold or predicted_index in used_predicted:
            continue
        used_gold.add(gold_index)
        used_predicted.add(predicted_index)
        matches.append(Match(gold_index, predicted_index, -negative_score))
    return matches


@dataclass(slots=True)
class Counts:
    """Matched score, number of predictions and number of gold items; the figures follow the module's rules."""

    matched: float = 0.0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float | None:
        if self.predicted:
            return self.matched / self.predicted
        return 1.0 if self.gold == 0 else None

    @property
    def recall(self) -> float | None:
        if self.gold:
            return self.matched / self.gold
        return 1.0 if self.predicted == 0 else None

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        if precision is None or recall is None or precision + recall == 0:
            return 0.0
        return 2 * precision * recall / (precision + recall)

    def to_json(self) -> dict[str, float | int | None]:
        return {
            "matched": round(self.matched, 6),
            "predicted": self.predicted,
            "gold": self.gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(slots=True)
class MessageScore:
    """One message's matching, split by level and by type."""

    overall: Counts
    by_level: dict[Level, Counts]
    by_type: dict[str, Counts]
    matches: list[Match]
    gold: list[Item]
    predicted: list[Item]

    def unmatched_gold(self) -> list[Item]:
        hit = {match.gold_index for match in self.matches if match.score >= 1.0}
        return [item for index, item in enumerate(self.gold) if index not in hit]

    def unmatched_predicted(self) -> list[Item]:
        hit = {match.predicted_index for match in self.matches if match.score >= 1.0}
        return [item for index, item in enumerate(self.predicted) if index not in hit]


def score_message(
    message: str, gold: Sequence[Item], predicted: Sequence[Item], min_level: Level = Level.PL2
) -> MessageScore:
    """Score one message; items below ``min_level`` are left out on both sides (the paper's PL2–4 / PL3–4 / PL4)."""
    gold_items = [item for item in gold if item.level >= min_level]
    predicted_items = distinct_items(item for item in predicted if item.level >= min_level)
    matches = match_items(message, gold_items, predicted_items)
    by_level: dict[Level, Counts] = {}
    by_type: dict[str, Counts] = {}
    for item in gold_items:
        by_level.setdefault(item.level, Counts()).gold += 1
        by_type.setdefault(item.metric_type, Counts()).gold += 1
    for item in predicted_items:
        by_level.setdefault(item.level, Counts()).predicted += 1
        by_type.setdefault(item.metric_type, Counts()).predicted += 1
    for match in matches:
        item = gold_items[match.gold_index]
        by_level[item.level].matched += match.score
        by_type[item.metric_type].matched += match.score
    overall = Counts(sum(match.score for match in matches), len(predicted_items), len(gold_items))
    return MessageScore(overall, by_level, by_type, matches, gold_items, predicted_items)


@dataclass(slots=True)
class CorpusScores:
    """Micro sums over messages (the headline), plus macro means of the per-message figures."""

    overall: Counts = field(default_factory=Counts)
    by_level: dict[Level, Counts] = field(default_factory=dict)
    by_type: dict[str, Counts] = field(default_factory=dict)
    messages: int = 0
    macro_precision_sum: float = 0.0
    macro_recall_sum: float = 0.0
    macro_f1_sum: float = 0.0

    def add(self, score: MessageScore) -> None:
        self.overall.add(score.overall)
        for level, counts in score.by_level.items():
            self.by_level.setdefault(level, Counts()).add(counts)
        for type_name, counts in score.by_type.items():
            self.by_type.setdefault(type_name, Counts()).add(counts)
        self.messages += 1
        # Undefined per-message figures only occur when one side is empty: that message then scores 0.
        self.macro_precision_sum += score.overall.precision or 0.0
        self.macro_recall_sum += score.overall.recall or 0.0
        self.macro_f1_sum += score.overall.f1

    @property
    def by_threshold(self) -> dict[Level, Counts]:
        """Rows "PL2–4", "PL3–4" and "PL4": sums of the per-level counts (matching never crosses levels)."""
        rows: dict[Level, Counts] = {}
        for threshold in (Level.PL2, Level.PL3, Level.PL4):
            total = Counts()
            for level, counts in self.by_level.items():
                if level >= threshold:
                    total.add(counts)
            rows[threshold] = total
        return rows

    @property
    def macro_precision(self) -> float:
        return self.macro_precision_sum / self.messages if self.messages else 1.0

    @property
    def macro_recall(self) -> float:
        return self.macro_recall_sum / self.messages if self.messages else 1.0

    @property
    def macro_f1(self) -> float:
        return self.macro_f1_sum / self.messages if self.messages else 1.0

    def to_json(self) -> dict[str, object]:
        return {
            "micro": self.overall.to_json(),
            "macro": {"precision": self.macro_precision, "recall": self.macro_recall, "f1": self.macro_f1},
            "messages": self.messages,
            "by_level": {level.label: counts.to_json() for level, counts in sorted(self.by_level.items())},
            "by_threshold": {
                f"{level.label}+": counts.to_json() for level, counts in sorted(self.by_threshold.items())
            },
            "by_type": {name: counts.to_json() for name, counts in sorted(self.by_type.items())},
        }
