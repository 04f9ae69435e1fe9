"""Francs CFA as people read and type them: no app, no database."""

from __future__ import annotations

import pytest

from portfolio.domain.money import format_xof, parse_xof

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space before the currency


def test_an_amount_in_french_groups_thousands_with_narrow_spaces_and_ends_in_fcfa():
    assert format_xof(1250000) == f"1{NNBSP}250{NNBSP}000{NBSP}FCFA"


def test_french_is_the_default_locale_for_amounts():
    assert format_xof(1250000) == format_xof(1250000, "fr")
    assert format_xof(1250000, "fr_ML") == format_xof(1250000, "fr")


def test_a_negative_amount_keeps_its_minus_sign_before_the_first_group():
    assert format_xof(-1250000) == f"-1{NNBSP}250{NNBSP}000{NBSP}FCFA"


def test_zero_francs_is_shown_as_zero():
    assert format_xof(0) == f"0{NBSP}FCFA"


def test_an_amount_below_a_thousand_has_no_separator():
    assert format_xof(500) == f"500{NBSP}FCFA"


def test_an_amount_in_english_groups_thousands_with_commas():
    assert format_xof(1250000, "en") == f"1,250,000{NBSP}FCFA"


def test_a_missing_amount_is_shown_as_nothing():
    assert format_xof(None) == ""


@pytest.mark.parametrize("not_whole_francs", [12.5, 1.0, True])
def test_only_whole_francs_can_be_formatted(not_whole_francs):
    with pytest.raises(TypeError):
        format_xof(not_whole_francs)


@pytest.mark.parametrize(
    "typed",
    [
        "1 250 000",
        "1.250.000",
        "1250000 FCFA",
        "1250000",
        f"1{NNBSP}250{NNBSP}000",
        f"1{NBSP}250{NBSP}000{NBSP}FCFA",
        "  1 250 000 fcfa ",
        "1 250 000 F CFA",
    ],
)
def test_an_amount_typed_the_usual_ways_is_read_as_whole_francs(typed):
    assert parse_xof(typed) == 1_250_000


def test_what_format_xof_shows_can_be_typed_back():
    for amount in (0, 7, 1_000, 1_250_000, 4_000_000_000):
        assert parse_xof(format_xof(amount)) == amount


@pytest.mark.parametrize("typed", ["12,5", "abc", "", "   ", "FCFA", "1 250 000 EUR", "1e6"])
def test_text_that_is_not_a_whole_number_of_francs_is_refused(typed):
    with pytest.raises(ValueError):
        parse_xof(typed)


@pytest.mark.parametrize("typed", ["12.5", "1250000.50", "2.500,5"])
def test_a_decimal_point_is_refused_rather_than_read_as_a_thousands_dot(typed):
    # "12.5" is not 125 francs: a dot only groups thousands in threes ("1.250.000").
    with pytest.raises(ValueError):
        parse_xof(typed)
