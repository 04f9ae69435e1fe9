"""The stress test's arithmetic on hand-made loans: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain.loans import (
    Frequency,
    LoanTerms,
    RepaymentMethod,
    build_schedule,
    monthly_equivalent_instalment,
)
from portfolio.reporting.stress_test import (
    _METHODS,
    InvalidScenario,
    LoanBook,
    StressScenario,
    coverage,
    monthly_equivalent,
)


def book(outstanding, rate, n, income, method=RepaymentMethod.DECLINING_EQUAL_INSTALMENTS, **more):
    size = len(outstanding)
    return LoanBook(
        outstanding_xof=np.array(outstanding, dtype=np.int64),
        amount_xof=np.array(more.get("amount", outstanding), dtype=np.int64),
        annual_rate=np.array(rate, dtype=np.float64),
        periods_per_year=np.array(more.get("periods", [12] * size), dtype=np.int64),
        method=np.array([_METHODS[method]] * size, dtype=np.int8),
        remaining=np.array(n, dtype=np.int64),
        savings_xof=np.array(more.get("savings", [0] * size), dtype=np.int64),
        income_xof=np.array(income, dtype=np.float64),
    )


@pytest.mark.parametrize("method", list(RepaymentMethod))
@pytest.mark.parametrize("frequency", [Frequency.MONTHLY, Frequency.WEEKLY])
def test_a_new_loans_monthly_equivalent_is_close_to_the_schedules(method, frequency):
    terms = LoanTerms(
        amount_xof=300_000,
        annual_rate=Decimal("0.24"),
        instalments=12 if frequency is Frequency.MONTHLY else 52,
        disbursed_on=date(2026, 1, 5),
        method=method,
        frequency=frequency,
    )
    exact = monthly_equivalent_instalment(build_schedule(terms), terms)
    loans = book(
        [300_000],
        [0.24],
        [terms.instalments],
        [100_000],
        method=method,
        periods=[frequency.periods_per_year],
    )
    estimate = monthly_equivalent(loans)[0]
    if method is RepaymentMethod.DECLINING_EQUAL_PRINCIPAL:
        # The next instalment, the heaviest: above the schedule's average.
        assert exact < estimate < exact * 1.15
    else:
        assert estimate == pytest.approx(exact, rel=0.002)


def test_dscr_is_income_over_the_instalment_and_unknown_without_income():
    loans = book([120_000, 120_000], [0.0, 0.0], [12, 12], [20_000, np.nan])
    ratios = coverage(loans, StressScenario())
    assert ratios[0] == pytest.approx(2.0)
    assert np.isnan(ratios[1])


def test_a_halved_income_halves_the_coverage_and_a_rate_rise_lowers_it():
    loans = book([120_000], [0.24], [12], [30_000])
    base = coverage(loans, StressScenario())[0]
    assert coverage(loans, StressScenario(Decimal(50)))[0] == pytest.approx(base / 2)
    assert coverage(loans, StressScenario(rate_rise_points=Decimal(10)))[0] < base


def test_savings_deposits_count_in_the_instalment():
    without = monthly_equivalent(book([120_000], [0.0], [12], [1]))[0]
    with_savings = monthly_equivalent(book([120_000], [0.0], [12], [1], savings=[2_000]))[0]
    assert with_savings == pytest.approx(without + 2_000)


@pytest.mark.parametrize(
    ("drop", "rise"), [(Decimal(-1), Decimal(0)), (Decimal(101), 0), (0, Decimal("50.5"))]
)
def test_a_scenario_out_of_range_is_refused(drop, rise):
    with pytest.raises(InvalidScenario):
        StressScenario(drop, rise)


loans_strategy = st.lists(
    st.tuples(
        st.integers(1_000, 5_000_000),  # outstanding
        st.floats(0, 0.6),  # annual rate
        st.integers(1, 60),  # instalments left
        st.floats(-50_000, 500_000),  # income
        st.sampled_from(list(RepaymentMethod)),
    ),
    min_size=1,
    max_size=30,
)
scenario = st.tuples(st.integers(0, 100), st.integers(0, 50))


@settings(max_examples=200, deadline=None)
@given(loans_strategy, scenario, scenario)
def test_more_stress_never_leaves_fewer_loans_below_a_threshold(loans, first, second):
    low = StressScenario(Decimal(min(first[0], second[0])), Decimal(min(first[1], second[1])))
    high = StressScenario(Decimal(max(first[0], second[0])), Decimal(max(first[1], second[1])))
    outstanding, rate, n, income, methods = zip(*loans, strict=True)
    portfolio = LoanBook(
        outstanding_xof=np.array(outstanding, dtype=np.int64),
        amount_xof=np.array(outstanding, dtype=np.int64),
        annual_rate=np.array(rate),
        periods_per_year=np.full(len(loans), 12),
        method=np.array([_METHODS[m] for m in methods], dtype=np.int8),
        remaining=np.array(n, dtype=np.int64),
        savings_xof=np.zeros(len(loans), dtype=np.int64),
        income_xof=np.array(income),
    )
    calm, stressed = coverage(portfolio, low), coverage(portfolio, high)
    for threshold in (1.0, 1.5):
        assert (stressed < threshold).sum() >= (calm < threshold).sum()
        # Loan by loan, too: a loan below the threshold stays below under more stress.
        assert not np.any((calm < threshold) & ~(stressed < threshold))
