from __future__ import annotations

from app.core.locate import find_exact, find_occurrences, find_tolerant


def test_exact_occurrences_respect_word_boundaries() -> None:
    text = "Ann met Anne at the Annual meeting; Ann left."
    assert find_exact(text, "Ann") == [(0, 3), (36, 39)]


def test_digits_inside_longer_numbers_are_not_matches() -> None:
    assert find_exact("codes 123456 and 9123456", "123456") == [(6, 12)]


def test_values_glued_to_chinese_text_are_found() -> None:
    text = "我叫张伟，电话13812345678，张伟在北京。"
    assert find_exact(text, "张伟") == [(2, 4), (19, 21)]
    assert find_exact(text, "13812345678") == [(7, 18)]


def test_tolerant_search_ignores_case_and_whitespace_runs() -> None:
    text = "Dear JOHN\n  SMITH, hello"
    assert find_exact(text, "John Smith") == []
    assert find_tolerant(text, "John Smith") == [(5, 17)]
    assert find_occurrences(text, " John Smith ") == [(5, 17)]


def test_absent_values_give_nothing() -> None:
    assert find_occurrences("nothing here", "secret") == []
    assert find_occurrences("nothing here", "   ") == []
