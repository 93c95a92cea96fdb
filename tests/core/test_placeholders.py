from __future__ import annotations

import pytest

from app.core.placeholders import (
    TokenForm,
    find_placeholder_tokens,
    format_placeholder,
    normalize_value,
    placeholder_key,
)


def test_format_and_key() -> None:
    assert format_placeholder("Phone Number", 3) == "<Phone_Number_3>"
    assert placeholder_key("Phone_Number", 3) == placeholder_key("phone number", 3) == "phonenumber_3"


@pytest.mark.parametrize(
    "written",
    [
        "<Email_1>",
        "<Email 1>",
        "Email_1",
        "[Email_1]",
        "<EMAIL_1>",
        "＜Email_1＞",
        "＜Ｅｍａｉｌ＿１＞",
        r"\<Email\_1\>",
        "&lt;Email_1&gt;",
        "<Email_\n1>",
        "< Email_1 >",
        "{{Email_1}}",
        r"\[Email_1\]",
    ],
)
def test_chatbot_rewrites_reduce_to_one_key(written: str) -> None:
    tokens = find_placeholder_tokens(f"Write to {written} today.")
    assert [token.key for token in tokens] == ["email_1"]
    token = tokens[0]
    assert f"Write to {written} today."[token.start : token.end] == written


def test_multiword_types_split_by_line_breaks_and_markdown() -> None:
    text = "Call <Phone_Number\n_2> or <Third-Party Identifiable Info 3> or Account\\_ID\\_Username\\_4."
    assert [token.key for token in find_placeholder_tokens(text)] == [
        "phonenumber_2",
        "thirdpartyidentifiableinfo_3",
        "accountidusername_4",
    ]


def test_ordinary_text_is_not_a_token() -> None:
    text = "Chapter 1, version 2, page_one, 3_items, <b>bold</b>, [1], <Email 1x>, a_b_c."
    assert find_placeholder_tokens(text) == []


def test_bare_tokens_need_an_underscore_and_clean_edges() -> None:
    found = find_placeholder_tokens("Email 1 / x_Email_1 / Email_1 / var_2 / 7_Email_3 / Email_4x")
    assert [(token.key, token.form) for token in found] == [
        ("xemail_1", TokenForm.BARE),
        ("email_1", TokenForm.BARE),
        ("var_2", TokenForm.BARE),
    ]


def test_only_our_shapes_or_known_types_are_reported() -> None:
    tokens = {token.key: token.looks_like_ours for token in find_placeholder_tokens("<Foo_1> [Bar_2] Email_3 var_4")}
    assert tokens == {"foo_1": True, "bar_2": False, "email_3": True, "var_4": False}


def test_normalize_value() -> None:
    assert normalize_value("  John\u00a0 \n Smith ") == "John Smith"
    assert normalize_value("Cafe\u0301") == normalize_value("Café")
    assert normalize_value("Pass") != normalize_value("pass")  # secrets stay case-sensitive
