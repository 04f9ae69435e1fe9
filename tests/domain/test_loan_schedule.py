"""Repayment schedules: DOMAIN.md section 4 methods, grace, seasons, due dates."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain.loans import (
    Frequency,
    GraceInterest,
    InvalidLoanTerms,
    LoanTerms,
    RepaymentMethod,
    add_months,
    build_schedule,
    level_instalment,
    pmt,
    round_half_up,
)

DISBURSED = date(2024, 1, 15)


def make_terms(**overrides) -> LoanTerms:
    values = {
        "amount_xof": 300_000,
        "annual_rate": Decimal("0.24"),
        "instalments": 12,
        "disbursed_on": DISBURSED,
    }
    values.update(overrides)
    return LoanTerms(**values)


# --- the DOMAIN.md example ------------------------------------------------


def test_domain_example_1000_at_12_percent_declining_gives_89_then_last_87():
    schedule = build_schedule(make_terms(amount_xof=1000, annual_rate=Decimal("0.12")))
    totals = [row.total_xof for row in schedule.rows]
    assert totals == [89] * 11 + [87]
    assert schedule.rows[0].interest_xof == 10  # round(1000 x 1 %)
    assert schedule.totals.principal_xof == 1000
    assert schedule.totals.interest_xof == 66


def test_pmt_matches_numpy_financial():
    ours = pmt(Decimal("0.01"), 12, 1000)
    assert float(ours) == pytest.approx(-npf.pmt(0.01, 12, 1000), rel=1e-12)
    assert ours.quantize(Decimal("0.01")) == Decimal("88.85")


def test_level_instalment_with_one_period_gaps_is_pmt():
    rate = Decimal("0.02")
    assert level_instalment(rate, [1] * 10, 50_000) == pytest.approx(pmt(rate, 10, 50_000))


def test_zero_rate_repays_principal_only():
    schedule = build_schedule(make_terms(amount_xof=1000, annual_rate=Decimal(0)))
    assert schedule.totals.interest_xof == 0
    assert [row.principal_xof for row in schedule.rows] == [83] * 11 + [87]


# --- rounding ---------------------------------------------------------------


def test_last_instalment_absorbs_rounding_residual():
    schedule = build_schedule(make_terms(amount_xof=100_000, rounding_multiple=25))
    regular = schedule.rows[:-1]
    assert all(row.total_xof == regular[0].total_xof for row in regular)
    assert all(row.total_xof % 25 == 0 for row in regular)
    assert schedule.rows[-1].principal_xof == regular[-1].balance_after_xof
    assert schedule.totals.principal_xof == 100_000


def test_rounding_is_half_up_to_the_multiple():
    assert round_half_up(Decimal("2.5")) == 3  # not banker's rounding
    assert round_half_up(Decimal("12.5"), 5) == 15
    assert round_half_up(Decimal("37.4"), 25) == 25
    assert round_half_up(Decimal("37.5"), 25) == 50
    # PMT(2 %, 4, 1 250) = 328.28: 328 to the franc, 330 in multiples of 5.
    terms = make_terms(amount_xof=1250, annual_rate=Decimal("0.24"), instalments=4)
    assert build_schedule(terms).rows[0].total_xof == 328
    assert build_schedule(dataclasses.replace(terms, rounding_multiple=5)).rows[0].total_xof == 330


def test_a_coarse_multiple_never_makes_a_component_negative():
    # 10 000 / 60 = 166.67 -> 200 per period would overshoot the amount.
    for method in RepaymentMethod:
        schedule = build_schedule(
            make_terms(amount_xof=10_000, instalments=60, rounding_multiple=100, method=method)
        )
        assert schedule.totals.principal_xof == 10_000
        assert all(row.principal_xof >= 0 and row.interest_xof >= 0 for row in schedule.rows)
        assert schedule.rows[-1].balance_after_xof == 0


# --- methods ------------------------------------------------------------------


def test_equal_principal_repays_the_same_principal_every_period():
    schedule = build_schedule(
        make_terms(amount_xof=120_000, method=RepaymentMethod.DECLINING_EQUAL_PRINCIPAL)
    )
    assert {row.principal_xof for row in schedule.rows} == {10_000}
    interest = [row.interest_xof for row in schedule.rows]
    assert interest[0] == 2400 and interest == sorted(interest, reverse=True)


def test_flat_interest_is_charged_on_the_original_amount_every_period():
    schedule = build_schedule(make_terms(amount_xof=500_000, method=RepaymentMethod.FLAT))
    assert {row.interest_xof for row in schedule.rows} == {10_000}
    assert [row.principal_xof for row in schedule.rows] == [41_667] * 11 + [41_663]


def test_flat_costs_more_than_declining_for_the_same_quoted_rate():
    declining = build_schedule(make_terms(amount_xof=500_000))
    flat = build_schedule(make_terms(amount_xof=500_000, method=RepaymentMethod.FLAT))
    ratio = flat.totals.interest_xof / declining.totals.interest_xof
    assert 1.7 < ratio < 2.0  # "roughly twice" for a year's loan


# --- grace ----------------------------------------------------------------------


def test_grace_periods_are_interest_only():
    schedule = build_schedule(make_terms(amount_xof=120_000, grace_principal_periods=3))
    for row in schedule.rows[:3]:
        assert row.principal_xof == 0
        assert row.interest_xof == 2400
        assert row.balance_after_xof == 120_000
    # Then amortised over the 9 remaining periods.
    assert schedule.rows[3].total_xof == round_half_up(pmt(Decimal("0.02"), 9, 120_000))


def test_waived_grace_interest_is_never_charged():
    normal = build_schedule(make_terms(grace_principal_periods=2))
    waived = build_schedule(
        make_terms(grace_principal_periods=2, grace_interest=GraceInterest.WAIVED)
    )
    assert [row.total_xof for row in waived.rows[:2]] == [0, 0]
    assert waived.rows[2:] == normal.rows[2:]
    assert waived.totals.interest_xof == normal.totals.interest_xof - 2 * 6000


def test_deferred_grace_interest_is_added_to_the_first_repayment_instalment():
    normal = build_schedule(make_terms(grace_principal_periods=2))
    deferred = build_schedule(
        make_terms(grace_principal_periods=2, grace_interest=GraceInterest.DEFERRED)
    )
    assert [row.total_xof for row in deferred.rows[:2]] == [0, 0]
    assert deferred.rows[2].interest_xof == normal.rows[2].interest_xof + 2 * 6000
    assert deferred.rows[2].principal_xof == normal.rows[2].principal_xof
    assert deferred.rows[3:] == normal.rows[3:]
    assert deferred.totals.total_xof == normal.totals.total_xof


def test_flat_grace_spreads_principal_over_the_remaining_periods():
    schedule = build_schedule(
        make_terms(amount_xof=90_000, method=RepaymentMethod.FLAT, grace_principal_periods=3)
    )
    assert [row.principal_xof for row in schedule.rows] == [0] * 3 + [10_000] * 9
    assert schedule.totals.interest_xof == 90_000 * 2 // 100 * 12


# --- seasonal -------------------------------------------------------------------

HARVEST = frozenset({10, 11, 12})


def test_seasonal_schedule_pays_principal_only_in_chosen_months():
    for method in RepaymentMethod:
        schedule = build_schedule(
            make_terms(amount_xof=240_000, instalments=11, method=method, repayment_months=HARVEST)
        )  # due 15 Feb .. 15 Dec 2024: harvest rows are Oct, Nov, Dec
        paying = [row for row in schedule.rows if row.total_xof]
        assert [row.due_on.month for row in paying] == [10, 11, 12]
        assert sum(row.principal_xof for row in paying) == 240_000
        assert schedule.rows[-1].balance_after_xof == 0


def test_seasonal_terms_must_end_in_a_repayment_month():
    with pytest.raises(InvalidLoanTerms) as error:
        make_terms(instalments=12, repayment_months=frozenset({6, 7}))
    assert error.value.field == "repayment_months"


def test_seasonal_interest_accrues_and_is_paid_with_the_next_harvest_instalment():
    schedule = build_schedule(
        make_terms(
            amount_xof=100_000,
            instalments=11,  # Feb .. Dec 2024
            method=RepaymentMethod.DECLINING_EQUAL_PRINCIPAL,
            repayment_months=frozenset({6, 12}),
        )
    )
    june, december = schedule.rows[4], schedule.rows[10]
    assert june.due_on.month == 6 and december.due_on.month == 12
    assert june.interest_xof == 5 * 2000  # five months on 100 000, no interest on interest
    assert december.interest_xof == 6 * 1000  # six months on the 50 000 left
    assert june.principal_xof == december.principal_xof == 50_000


def test_seasonal_equal_instalments_are_level_across_uneven_gaps():
    schedule = build_schedule(
        make_terms(amount_xof=100_000, instalments=11, repayment_months=frozenset({6, 12}))
    )
    paying = [row.total_xof for row in schedule.rows if row.total_xof]
    assert len(paying) == 2 and abs(paying[0] - paying[1]) <= 2


# --- due dates ------------------------------------------------------------------


def test_due_dates_clamp_to_month_end_and_return_to_the_31st():
    terms = make_terms(disbursed_on=date(2023, 12, 31), first_due_on=date(2024, 1, 31))
    assert terms.due_dates()[:4] == (
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    )


def test_default_first_due_date_keeps_the_disbursement_day():
    terms = make_terms(disbursed_on=date(2023, 1, 31), instalments=3)
    assert terms.first_due_on == date(2023, 2, 28)
    assert terms.due_dates() == (date(2023, 2, 28), date(2023, 3, 31), date(2023, 4, 30))


@pytest.mark.parametrize(
    ("frequency", "first", "second"),
    [
        (Frequency.MONTHLY, date(2024, 2, 15), date(2024, 3, 15)),
        (Frequency.QUARTERLY, date(2024, 4, 15), date(2024, 7, 15)),
        (Frequency.WEEKLY, date(2024, 1, 22), date(2024, 1, 29)),
        (Frequency.FOUR_WEEKLY, date(2024, 2, 12), date(2024, 3, 11)),
    ],
)
def test_due_dates_step_by_the_frequency(frequency, first, second):
    assert make_terms(frequency=frequency).due_dates()[:2] == (first, second)


def test_add_months_clamps_leap_and_common_februaries():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


# --- validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_xof": 0}, "amount_xof"),
        ({"amount_xof": 1000.0}, "amount_xof"),
        ({"annual_rate": 0.24}, "annual_rate"),
        ({"annual_rate": Decimal("-0.01")}, "annual_rate"),
        ({"annual_rate": Decimal(10)}, "annual_rate"),
        ({"annual_rate": Decimal("NaN")}, "annual_rate"),
        ({"instalments": 0}, "instalments"),
        ({"instalments": 521}, "instalments"),
        ({"frequency": "daily"}, "frequency"),
        ({"method": "balloon"}, "method"),
        ({"grace_principal_periods": 12}, "grace_principal_periods"),
        ({"grace_principal_periods": -1}, "grace_principal_periods"),
        ({"grace_interest": "forgiven"}, "grace_interest"),
        ({"upfront_fee_rate": Decimal("1")}, "upfront_fee_rate"),
        ({"upfront_fee_xof": -5}, "upfront_fee_xof"),
        ({"upfront_fee_xof": 300_000}, "upfront_fee_xof"),
        ({"savings_upfront_rate": Decimal("-0.1")}, "savings_upfront_rate"),
        ({"savings_per_instalment_xof": -1}, "savings_per_instalment_xof"),
        ({"savings_annual_rate": Decimal("2")}, "savings_annual_rate"),
        ({"rounding_multiple": 0}, "rounding_multiple"),
        ({"first_due_on": DISBURSED}, "first_due_on"),
        ({"repayment_months": frozenset({13})}, "repayment_months"),
        ({"repayment_months": frozenset()}, "repayment_months"),
        ({"disbursed_on": "2024-01-15"}, "disbursed_on"),
    ],
)
def test_invalid_terms_raise_invalid_loan_terms_naming_the_field(overrides, field):
    with pytest.raises(InvalidLoanTerms, match=field) as error:
        make_terms(**overrides)
    assert error.value.field == field
    assert isinstance(error.value, ValueError)


def test_stored_string_values_are_read_as_enums():
    terms = make_terms(frequency="weekly", method="flat", grace_interest="waived")
    assert terms.frequency is Frequency.WEEKLY
    assert terms.method is RepaymentMethod.FLAT
    assert terms.grace_interest is GraceInterest.WAIVED


# --- properties -----------------------------------------------------------------


@st.composite
def loan_terms(draw) -> LoanTerms:
    n = draw(st.integers(1, 60))
    frequency = draw(st.sampled_from(list(Frequency)))
    disbursed = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 3650)))
    base = LoanTerms(
        amount_xof=draw(st.integers(10_000, 5_000_000)),
        annual_rate=Decimal(draw(st.integers(0, 600))) / 1000,
        instalments=n,
        disbursed_on=disbursed,
        frequency=frequency,
        method=draw(st.sampled_from(list(RepaymentMethod))),
        grace_principal_periods=draw(st.integers(0, n - 1)),
        grace_interest=draw(st.sampled_from(list(GraceInterest))),
        rounding_multiple=draw(st.sampled_from([1, 5, 25, 100])),
        savings_per_instalment_xof=draw(st.sampled_from([0, 500])),
    )
    if draw(st.booleans()):
        months = draw(st.frozensets(st.integers(1, 12), max_size=4))
        base = dataclasses.replace(base, repayment_months=months | {base.due_dates()[-1].month})
    return base


@settings(max_examples=200, deadline=None, database=None)
@given(loan_terms())
def test_principal_sums_exactly_to_the_amount_and_the_balance_ends_at_zero(terms):
    schedule = build_schedule(terms)
    assert schedule.totals.principal_xof == terms.amount_xof
    assert len(schedule.rows) == terms.instalments
    balance = terms.amount_xof
    for row in schedule.rows:
        assert row.principal_xof >= 0 and row.interest_xof >= 0
        balance -= row.principal_xof
        assert row.balance_after_xof == balance >= 0
        assert row.total_xof == row.principal_xof + row.interest_xof + row.fee_xof + row.savings_xof
    assert balance == 0
    for row in schedule.rows[: terms.grace_principal_periods]:
        assert row.principal_xof == 0
    if terms.repayment_months is not None:
        assert all(
            row.due_on.month in terms.repayment_months for row in schedule.rows if row.total_xof
        )
    dates = [row.due_on for row in schedule.rows]
    assert dates == sorted(set(dates)) and dates[0] > terms.disbursed_on


def test_rates_up_to_200_percent_a_year_are_loans_and_above_are_refused():
    from portfolio.domain.loans import InvalidLoanTerms, LoanTerms

    LoanTerms(
        amount_xof=100_000, annual_rate=Decimal(2), instalments=12, disbursed_on=date(2026, 1, 15)
    )
    with pytest.raises(InvalidLoanTerms) as refused:
        LoanTerms(
            amount_xof=100_000,
            annual_rate=Decimal("2.01"),
            instalments=12,
            disbursed_on=date(2026, 1, 15),
        )
    assert refused.value.field == "annual_rate"
