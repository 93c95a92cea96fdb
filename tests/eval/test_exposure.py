"""Leak rate, over-masking and the round trip, with the real engine masking into a memory store."""

from __future__ import annotations

from app.core.engine import Engine
from app.core.evaluation.exposure import Exposure, GoldValue, measure_exposure, occurrences
from app.core.findings import RULES, Finding, finding_at
from app.core.policy import Policy
from app.core.store import MemoryStore
from app.core.taxonomy import Level

TEXT = "Call Ann at 555-0100 or mail ann@x.org today."


def gold(text: str, value: str, level: Level | None = Level.PL2) -> GoldValue:
    return GoldValue(value, level, occurrences(text, value))


def found(text: str, value: str, type_name: str = "Private Info", level: Level = Level.PL2) -> Finding:
    start = text.index(value)
    return finding_at(text, start, start + len(value), type_name, level, RULES)


def measure(text: str, values: list[GoldValue], findings: list[Finding], threshold: Level = Level.PL2) -> Exposure:
    engine = Engine(store=MemoryStore(), policy=Policy(min_level=threshold))
    masked = engine.mask_findings(text, findings)
    return measure_exposure(text, values, masked, engine.unmask(masked.text), threshold)


def test_values_left_visible_are_leaks_and_masked_ones_are_not() -> None:
    values = [gold(TEXT, "Ann"), gold(TEXT, "555-0100"), gold(TEXT, "ann@x.org")]
    exposure = measure(TEXT, values, [found(TEXT, "555-0100", "Phone Number")])
    overall = exposure.overall
    assert (overall.values, overall.leaked) == (3, 2)
    assert overall.leak_rate == 2 / 3
    assert exposure.over_masked_characters == 0
    assert exposure.masked_characters == len("555-0100")


def test_characters_masked_outside_every_gold_span_are_over_masking() -> None:
    values = [gold(TEXT, "555-0100")]
    exposure = measure(TEXT, values, [found(TEXT, "555-0100", "Phone Number"), found(TEXT, "today")])
    assert exposure.over_masked_characters == len("today")
    assert exposure.over_masking_rate == len("today") / len(TEXT)
    assert exposure.overall.leaked == 0


def test_a_value_cut_by_a_placeholder_is_partly_exposed_but_not_leaked_verbatim() -> None:
    text = "Ann Lee signed the form."
    exposure = measure(text, [gold(text, "Ann Lee")], [found(text, "Ann", "Real Name")])
    assert exposure.overall.leaked == 0
    assert exposure.overall.partly_exposed == 1


def test_a_value_masked_once_but_visible_elsewhere_leaks() -> None:
    """Masking replaces every whole-word occurrence, so only a glued occurrence can stay visible."""
    text = "Code ZX81 first, then ZX81b."
    exposure = measure(text, [gold(text, "ZX81")], [found(text, "ZX81", "Project Code", Level.PL2)])
    assert exposure.overall.leaked == 1


def test_values_below_the_threshold_are_not_counted_but_still_bound_over_masking() -> None:
    values = [gold(TEXT, "Ann"), gold(TEXT, "555-0100", Level.PL3), gold(TEXT, "today", None)]
    findings = [found(TEXT, "555-0100", "Phone Number", Level.PL3), found(TEXT, "today", "Private Info", Level.PL3)]
    exposure = measure(TEXT, values, findings, threshold=Level.PL3)
    assert exposure.overall.values == 1  # "Ann" is PL2 and "today" is unscored
    assert exposure.by_level[Level.PL3].leaked == 0
    assert exposure.over_masked_characters == 0  # "today" is a gold span, even unscored


def test_the_round_trip_restores_everything_and_reports_foreign_placeholders() -> None:
    exposure = measure(TEXT, [gold(TEXT, "Ann")], [found(TEXT, "Ann", "Real Name")])
    assert (exposure.unresolved_placeholders, exposure.round_trip_mismatches) == (0, 0)
    text = "Reply to <Email_7> soon."  # a placeholder-like token the store never issued
    exposure = measure(text, [], [])
    assert exposure.unresolved_placeholders == 1
    assert exposure.round_trip_mismatches == 0


def test_occurrences_include_overlapping_ones() -> None:
    assert occurrences("aaa", "aa") == ((0, 2), (1, 3))
    assert occurrences("abc", "") == ()
