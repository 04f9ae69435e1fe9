"""Batch schedules: build_schedules gives, to the franc, what build_schedule gives."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain.loans import (
    Frequency,
    GraceInterest,
    LoanTerms,
    RepaymentMethod,
    build_schedule,
)
from portfolio.domain.loans.batch import BatchSchedules, build_schedules

DISBURSED = date(2024, 1, 15)
# Rates whose period rate has few digits make exact half francs common.
ROUND_RATES = [Decimal(r) for r in ("0", "0.07", "0.12", "0.18", "0.24", "0.36", "1.3", "2")]


def make_terms(**overrides) -> LoanTerms:
    values = {
        "amount_xof": 300_000,
        "annual_rate": Decimal("0.24"),
        "instalments": 12,
        "disbursed_on": DISBURSED,
    }
    values.update(overrides)
    return LoanTerms(**values)


@st.composite
def loan_terms(draw) -> LoanTerms:
    n = draw(st.integers(1, 120))
    huge = draw(st.integers(0, 19)) == 0  # a few near the 10^10 F ceiling of the brief
    disbursed = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 3650)))
    terms = LoanTerms(
        amount_xof=draw(
            st.integers(10**10 - 10**7, 10**10) if huge else st.integers(10_000, 5_000_000)
        ),
        annual_rate=draw(
            st.sampled_from(ROUND_RATES)
            | st.integers(0, 2_000_000).map(lambda micro: Decimal(micro) / 1_000_000)
        ),
        instalments=n,
        disbursed_on=disbursed,
        frequency=draw(st.sampled_from(list(Frequency))),
        method=draw(st.sampled_from(list(RepaymentMethod))),
        grace_principal_periods=draw(st.sampled_from([0, 0, 1]) | st.integers(0, n - 1)) % n,
        grace_interest=draw(st.sampled_from(list(GraceInterest))),
        upfront_fee_rate=draw(st.sampled_from([Decimal(0), Decimal("0.0125"), Decimal("0.02")])),
        upfront_fee_xof=draw(st.sampled_from([0, 1_000, 2_500])),
        savings_upfront_rate=draw(st.sampled_from([Decimal(0), Decimal("0.05"), Decimal("0.1")])),
        savings_per_instalment_xof=draw(st.sampled_from([0, 500, 1_000])),
        rounding_multiple=draw(st.sampled_from([1, 5, 25, 100])),
        first_due_on=draw(st.none() | st.integers(1, 60).map(lambda d: disbursed + timedelta(d))),
    )
    if draw(st.integers(0, 9)) == 0:  # seasonal: handed to the scalar engine
        months = draw(st.frozensets(st.integers(1, 12), max_size=4))
        terms = dataclasses.replace(terms, repayment_months=months | {terms.due_dates()[-1].month})
    return terms


portfolios = st.lists(loan_terms(), min_size=1, max_size=12)


# --- the same numbers as the scalar engine ---------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(portfolios)
def test_every_row_of_every_loan_equals_the_scalar_schedule(terms):
    batch = build_schedules(terms)
    assert len(batch) == len(terms)
    for i, loan in enumerate(terms):
        assert batch.schedule(i) == build_schedule(loan)


def test_loans_too_large_for_int64_are_computed_in_python_ints_to_the_franc():
    terms = [
        make_terms(
            amount_xof=10**15,
            annual_rate=Decimal("1.999999"),
            instalments=520,
            frequency=Frequency.WEEKLY,
        ),
        make_terms(
            amount_xof=10**13,
            annual_rate=Decimal("1.999999"),
            instalments=520,
            frequency=Frequency.WEEKLY,
            method=RepaymentMethod.FLAT,
        ),
        make_terms(
            amount_xof=10**20 + 7,
            instalments=36,
            grace_principal_periods=3,
            grace_interest=GraceInterest.DEFERRED,
            upfront_fee_rate=Decimal("0.02"),
        ),
        make_terms(),  # an ordinary loan in the same batch
    ]
    batch = build_schedules(terms)
    for i, loan in enumerate(terms):
        assert batch.schedule(i) == build_schedule(loan)
    assert batch.total_interest_xof.dtype == object  # 10^20 F does not fit in int64


def test_a_half_franc_of_interest_rounds_up_in_both_engines():
    # 13 325 x 24 % / 52 = 61.5 exactly; to 34 digits the period rate is
    # 0.0046153..., a hair short, and the scalar engine used to round to 61.
    terms = make_terms(amount_xof=13_325, instalments=3, frequency=Frequency.WEEKLY)
    assert build_schedules([terms]).schedule(0).rows[0].interest_xof == 62
    assert build_schedule(terms).rows[0].interest_xof == 62
    # 16 200 x 7 % / 12 = 94.5; flat: 1 625 x 24 % / 52 = 7.5.
    monthly = make_terms(amount_xof=16_200, annual_rate=Decimal("0.07"))
    flat = make_terms(
        amount_xof=1_625, instalments=1, frequency=Frequency.WEEKLY, method=RepaymentMethod.FLAT
    )
    batch = build_schedules([monthly, flat])
    assert batch.interest_xof[0] == 95 and batch.total_interest_xof[1] == 8
    assert batch.schedule(0) == build_schedule(monthly)
    assert batch.schedule(1) == build_schedule(flat)


def test_a_level_instalment_of_exactly_half_a_franc_rounds_up():
    # PMT(6 %, 2, 12 875) = 12 875 x 1.06^2 x 0.06 / (1.06^2 - 1) = 7 022.5 exactly.
    terms = make_terms(amount_xof=12_875, instalments=2, frequency=Frequency.QUARTERLY)
    assert build_schedule(terms).rows[0].total_xof == 7_023
    assert build_schedules([terms]).schedule(0).rows[0].total_xof == 7_023


def test_month_end_due_dates_match_the_scalar_engine():
    terms = [
        make_terms(disbursed_on=date(2024, 1, 31), instalments=14),
        make_terms(disbursed_on=date(2023, 11, 30), frequency=Frequency.QUARTERLY),
        make_terms(disbursed_on=date(2024, 1, 31), first_due_on=date(2024, 2, 29)),
        make_terms(disbursed_on=date(2024, 1, 10), first_due_on=date(2024, 3, 31)),
        make_terms(frequency=Frequency.FOUR_WEEKLY, first_due_on=date(2024, 2, 1)),
    ]
    batch = build_schedules(terms)
    for i, loan in enumerate(terms):
        assert batch.due_on[batch.rows_of(i)].tolist() == list(loan.due_dates())


def test_seasonal_loans_are_delegated_and_share_the_arrays():
    seasonal = make_terms(instalments=12, repayment_months=frozenset({7, 10, 1}))
    terms = [make_terms(), seasonal, make_terms(method=RepaymentMethod.FLAT)]
    batch = build_schedules(terms)
    assert batch.schedule(1) == build_schedule(seasonal)
    assert batch.instalments.tolist() == [12, 12, 12]
    assert batch.total_repaid_xof[1] == build_schedule(seasonal).totals.total_xof


def test_an_empty_portfolio_gives_an_empty_batch():
    batch = build_schedules([])
    assert isinstance(batch, BatchSchedules) and len(batch) == 0
    assert batch.total_interest_xof.shape == (0,) and batch.principal_xof.shape == (0,)


# --- properties a stress run relies on -------------------------------------------


@settings(max_examples=50, deadline=None, database=None)
@given(portfolios)
def test_principal_sums_exactly_to_the_amount_for_every_loan(terms):
    batch = build_schedules(terms)
    assert batch.total_principal_xof.tolist() == [loan.amount_xof for loan in terms]
    last_rows = batch.offsets[1:] - 1
    assert batch.balance_after_xof[last_rows].tolist() == [0] * len(terms)


@settings(max_examples=50, deadline=None, database=None)
@given(portfolios)
def test_balances_never_go_negative_and_never_rise_and_stay_whole_in_grace(terms):
    batch = build_schedules(terms)
    assert (batch.balance_after_xof >= 0).all()
    for i, loan in enumerate(terms):
        balances = [loan.amount_xof, *batch.balance_after_xof[batch.rows_of(i)].tolist()]
        assert all(later <= earlier for earlier, later in pairwise(balances))
        grace = loan.grace_principal_periods
        assert balances[: grace + 1] == [loan.amount_xof] * (grace + 1)


def test_per_loan_totals_come_as_arrays_for_stress_runs():
    terms = [make_terms(amount_xof=a) for a in (100_000, 250_000, 1_000_000)]
    batch = build_schedules(terms)
    for totals, rows in (
        (batch.total_interest_xof, batch.interest_xof),
        (batch.total_repaid_xof, batch.total_xof),
    ):
        assert isinstance(totals, np.ndarray) and totals.shape == (3,)
        assert totals.tolist() == [int(rows[batch.rows_of(i)].sum()) for i in range(3)]
    assert (batch.total_repaid_xof > batch.amount_xof).all()


@pytest.mark.parametrize(
    ("amount", "rate", "n", "frequency"),
    [
        (1_000_000, "0.24", 24, Frequency.MONTHLY),
        (750_000, "0.36", 52, Frequency.WEEKLY),
        (2_000_000, "0.18", 36, Frequency.MONTHLY),
    ],
)
def test_equal_instalments_follow_numpy_financial_within_a_franc(amount, rate, n, frequency):
    terms = make_terms(
        amount_xof=amount, annual_rate=Decimal(rate), instalments=n, frequency=frequency
    )
    batch = build_schedules([terms])
    period_rate = float(Decimal(rate)) / terms.periods_per_year
    periods = np.arange(1, n + 1)
    interest = -npf.ipmt(period_rate, periods, n, amount)
    principal = -npf.ppmt(period_rate, periods, n, amount)
    # Every row but the last, which absorbs the residual of the rounded instalment.
    assert np.abs(batch.interest_xof[:-1] - interest[:-1]).max() <= 1
    assert np.abs(batch.principal_xof[:-1] - principal[:-1]).max() <= 1
    assert abs(batch.principal_xof[-1] - principal[-1]) <= n / 2
