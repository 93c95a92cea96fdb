"""The paper's metric against cases computed by hand."""

from __future__ import annotations

import pytest

from app.core.evaluation.metrics import (
    CorpusScores,
    Counts,
    Item,
    Match,
    distinct_items,
    longest_common_run,
    match_items,
    metric_type,
    overlap_f1,
    pair_score,
    score_message,
    span_tokens,
)
from app.core.taxonomy import Level

PL2, PL3, PL4 = Level.PL2, Level.PL3, Level.PL4


def health(text: str) -> Item:
    return Item(text, "Medical Health", PL3)


# -- one pair --------------------------------------------------------------------------------------------------------


def test_exact_match_scores_one() -> None:
    message = "Email me at ann@example.com please."
    gold = [Item("ann@example.com", "Email", PL2)]
    score = score_message(message, gold, [Item("ann@example.com", "Email", PL2)])
    assert (score.overall.precision, score.overall.recall, score.overall.f1) == (1.0, 1.0, 1.0)


def test_a_prediction_that_is_not_a_substring_of_the_message_scores_zero() -> None:
    message = "I met Bob yesterday."
    gold = [Item("Bob Smith", "Real Name", PL2)]  # a label need not be verbatim; the prediction must be
    assert pair_score(message, Item("Bob Smith", "Real Name", PL2), gold[0]) == 0.0
    assert pair_score(message, Item("Bob", "Real Name", PL2), Item("Bob", "Real Name", PL2)) == 1.0


def test_case_and_white_space_do_not_matter_for_equality() -> None:
    message = "Her name is MARIA  Lopez."
    assert pair_score(message, Item("MARIA  Lopez", "Real Name", PL2), Item("Maria Lopez", "Real Name", PL2)) == 1.0


def test_partial_overlap_of_a_descriptive_type_scores_the_f1_of_the_longest_common_token_run() -> None:
    message = "I have a chronic knee injury from running."
    # common run "knee injury": 2 tokens; P = 2/4, R = 2/3, F1 = 2·(1/2)·(2/3) / (1/2 + 2/3) = 4/7
    score = score_message(message, [health("chronic knee injury")], [health("knee injury from running")])
    assert score.overall.matched == pytest.approx(4 / 7)
    assert score.overall.precision == pytest.approx(4 / 7)
    assert score.overall.recall == pytest.approx(4 / 7)
    assert score.overall.f1 == pytest.approx(4 / 7)


def test_identifiers_get_no_partial_credit() -> None:
    message = "Alice Wong signed."
    assert pair_score(message, Item("Alice", "Real Name", PL2), Item("Alice Wong", "Real Name", PL2)) == 0.0


def test_cjk_text_is_split_per_character() -> None:
    assert span_tokens("我叫张伟, I am 30") == ["我", "叫", "张", "伟", "i", "am", "30"]
    message = "我最近膝盖受伤了需要复查"
    # gold 4 characters, prediction 5, common run 4: P = 4/5, R = 1, F1 = 8/9
    assert pair_score(message, health("膝盖受伤了"), health("膝盖受伤")) == pytest.approx(8 / 9)


def test_level_must_match() -> None:
    message = "My knee injury is healing."
    score = score_message(message, [health("knee injury")], [Item("knee injury", "Medical Health", PL2)])
    assert score.overall.matched == 0
    assert (score.overall.precision, score.overall.recall, score.overall.f1) == (0.0, 0.0, 0.0)


def test_type_must_match_after_normalisation_and_aliases() -> None:
    message = "Write to ann@example.com at Acme Corp."
    gold_email = Item("ann@example.com", "Email", PL2)
    assert pair_score(message, Item("ann@example.com", "e-mail address", PL2), gold_email) == 1.0
    assert pair_score(message, Item("ann@example.com", "Phone Number", PL2), gold_email) == 0.0
    gold_company = Item("Acme Corp", "Company/Organization Info", PL2)  # a label seen in the PersonaMem sample
    assert pair_score(message, Item("Acme Corp", "Employer/Company Name", PL2), gold_company) == 1.0
    assert metric_type("ACCOUNT_ID username") == "Account ID/Username"


def test_longest_common_run_is_contiguous() -> None:
    assert longest_common_run(["a", "b", "c", "d"], ["a", "x", "c", "d"]) == 2
    assert longest_common_run([], ["a"]) == 0
    assert overlap_f1("!!!", "knee") == 0.0


# -- matching --------------------------------------------------------------------------------------------------------


def test_greedy_matching_takes_the_best_pair_first_and_uses_each_item_once() -> None:
    message = "left knee injury pain since May"
    gold = [health("knee injury"), health("knee injury pain")]
    predicted = [health("knee injury"), health("left knee injury")]
    # P1–G1 exact (1.0) goes first; P2 may then only take G2: run "knee injury", P = R = 2/3, F1 = 2/3.
    # (P1–G2 would score 0.8 and P2–G1 0.8, but P1 and G1 are taken.)
    assert match_items(message, gold, predicted) == [Match(0, 0, 1.0), Match(1, 1, pytest.approx(2 / 3))]
    score = score_message(message, gold, predicted)
    assert score.overall.matched == pytest.approx(5 / 3)
    assert score.overall.precision == pytest.approx(5 / 6)


def test_one_prediction_matches_one_gold_item_the_earlier_on_a_tie() -> None:
    message = "Ann called Ann."
    gold = [Item("Ann", "Real Name", PL2), Item("Ann", "Third-Party Identifiable Info", PL2)]
    assert match_items(message, gold, [Item("Ann", "Real Name", PL2)]) == [Match(0, 0, 1.0)]
    twins = [Item("Ann", "Real Name", PL2), Item("Ann", "Real Name", PL2)]
    score = score_message(message, twins, [Item("Ann", "Real Name", PL2)])
    assert (score.overall.matched, score.overall.gold) == (1.0, 2)


def test_predictions_are_distinct_values() -> None:
    """A detector reports every occurrence; the labels name each value once."""
    repeated = [Item("Ann", "Real Name", PL2), Item("ann", "Real Name", PL2), Item("Ann", "Real Name", PL3)]
    assert len(distinct_items(repeated)) == 2


# -- empty sides and aggregation -------------------------------------------------------------------------------------


def test_empty_gold_and_empty_predictions_score_one() -> None:
    score = score_message("Nothing private here.", [], [])
    assert (score.overall.precision, score.overall.recall, score.overall.f1) == (1.0, 1.0, 1.0)


def test_one_empty_side_scores_zero_and_leaves_the_undefined_figure_open() -> None:
    missed = Counts(matched=0, predicted=0, gold=2)
    assert (missed.precision, missed.recall, missed.f1) == (None, 0.0, 0.0)
    invented = Counts(matched=0, predicted=3, gold=0)
    assert (invented.precision, invented.recall, invented.f1) == (0.0, None, 0.0)


def test_corpus_figures_are_micro_sums_with_macro_means_beside_them() -> None:
    corpus = CorpusScores()
    email = Item("a@b.io", "Email", PL2)
    corpus.add(score_message("Mail a@b.io", [email], [email]))  # P = R = F1 = 1
    corpus.add(score_message("Hello", [], []))  # empty/empty: 1
    corpus.add(score_message("Ann said hi", [Item("Ann", "Real Name", PL2)], []))  # missed: F1 0
    assert (corpus.overall.matched, corpus.overall.predicted, corpus.overall.gold) == (1.0, 1, 2)
    assert corpus.overall.precision == 1.0
    assert corpus.overall.recall == 0.5
    assert corpus.overall.f1 == pytest.approx(2 / 3)
    assert corpus.macro_f1 == pytest.approx(2 / 3)
    assert corpus.macro_precision == pytest.approx(2 / 3)  # the missed message has no precision: it counts 0


def test_levels_types_and_thresholds_split_the_same_matching() -> None:
    message = "Ann's password is hunter22 and her knee injury healed."
    gold = [Item("Ann", "Real Name", PL2), Item("hunter22", "Password", PL4), health("knee injury")]
    predicted = [Item("hunter22", "Password", PL4), health("knee injury"), Item("healed", "Medical Health", PL3)]
    corpus = CorpusScores()
    corpus.add(score_message(message, gold, predicted))
    assert corpus.by_level[PL2].recall == 0.0
    assert corpus.by_level[PL3].precision == 0.5
    assert corpus.by_type["Password"].f1 == 1.0
    assert corpus.by_threshold[PL3].gold == 2
    assert corpus.by_threshold[PL3].matched == 2.0
    assert corpus.by_threshold[PL4].precision == 1.0


def test_a_minimum_level_drops_lower_items_on_both_sides() -> None:
    message = "Ann's password is hunter22."
    gold = [Item("Ann", "Real Name", PL2), Item("hunter22", "Password", PL4)]
    predicted = [Item("hunter22", "Password", PL4), Item("Ann's", "Real Name", PL2)]
    score = score_message(message, gold, predicted, min_level=PL3)
    assert (score.overall.matched, score.overall.predicted, score.overall.gold) == (1.0, 1, 1)
