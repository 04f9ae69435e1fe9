"""Cost disclosure: cash flows, period IRR, APR (TEG) and EIR (DOMAIN.md section 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
    price,
    solve_irr,
)


def make_terms(**overrides) -> LoanTerms:
    values = {
        "amount_xof": 500_000,
        "annual_rate": Decimal("0.24"),
        "instalments": 12,
        "disbursed_on": date(2024, 3, 1),
    }
    values.update(overrides)
    return LoanTerms(**values)


def priced(**overrides):
    terms = make_terms(**overrides)
    return price(terms, build_schedule(terms))


def test_domain_example_1000_at_12_percent_declining_has_apr_12_and_eir_12_7():
    pricing = priced(amount_xof=1000, annual_rate=Decimal("0.12"))
    assert pricing.apr == pytest.approx(Decimal("0.120"), abs=Decimal("0.0005"))
    assert pricing.eir == pytest.approx(Decimal("0.127"), abs=Decimal("0.0005"))
    assert pricing.total_cost_of_credit_xof == 66


def test_domain_example_24_percent_flat_with_fee_and_savings_has_apr_about_55():
    pricing = priced(
        method=RepaymentMethod.FLAT,
        upfront_fee_rate=Decimal("0.02"),
        savings_upfront_rate=Decimal("0.10"),
    )
    assert pricing.net_disbursed_xof == 500_000 - 10_000 - 50_000
    assert pricing.total_interest_xof == 120_000
    assert pricing.total_fees_xof == 10_000
    assert pricing.savings_refunded_xof == 50_000
    assert pricing.apr == pytest.approx(Decimal("0.55"), abs=Decimal("0.005"))
    assert pricing.eir > pricing.apr


def test_cash_flows_follow_the_borrower():
    pricing = priced(
        method=RepaymentMethod.FLAT,
        upfront_fee_rate=Decimal("0.02"),
        upfront_fee_xof=1000,
        savings_upfront_rate=Decimal("0.10"),
        savings_per_instalment_xof=1000,
    )
    flows = pricing.cash_flows_xof
    assert flows[0] == 500_000 - 11_000 - 50_000
    assert flows[1] == -(41_667 + 10_000 + 1000)
    # Last: instalment and deposit out, all savings back.
    assert flows[-1] == -(41_663 + 10_000 + 1000) + 50_000 + 12 * 1000


def test_irr_agrees_with_numpy_financial():
    pricing = priced(
        method=RepaymentMethod.FLAT,
        upfront_fee_rate=Decimal("0.03"),
        savings_upfront_rate=Decimal("0.2"),
        savings_annual_rate=Decimal("0.03"),
    )
    expected = npf.irr([float(f) for f in pricing.cash_flows_xof])
    assert float(pricing.period_irr) == pytest.approx(expected, abs=1e-10)


def test_apr_is_the_period_rate_times_periods_and_eir_compounds_it():
    pricing = priced(frequency=Frequency.WEEKLY, instalments=26, upfront_fee_rate=Decimal("0.01"))
    i = pricing.period_irr
    assert pricing.apr == i * 52
    assert pricing.eir == pytest.approx((1 + i) ** 52 - 1, abs=Decimal("1e-11"))
    assert pricing.eir > pricing.apr > Decimal("0.24")


def test_zero_rate_without_charges_costs_nothing():
    pricing = priced(annual_rate=Decimal(0))
    assert pricing.period_irr == pricing.apr == pricing.eir == 0
    assert pricing.total_cost_of_credit_xof == 0


def test_savings_interest_lowers_the_cost_and_is_refunded_at_maturity():
    plain = priced(savings_upfront_rate=Decimal("0.10"))
    earning = priced(savings_upfront_rate=Decimal("0.10"), savings_annual_rate=Decimal("0.05"))
    assert earning.savings_interest_xof == 2500  # 50 000 x 5 % x 1 year, simple
    assert earning.savings_refunded_xof == 52_500
    assert earning.total_cost_of_credit_xof == plain.total_cost_of_credit_xof - 2500
    assert earning.apr < plain.apr


def test_deposits_earn_interest_only_from_the_day_they_are_made():
    pricing = priced(savings_per_instalment_xof=1200, savings_annual_rate=Decimal("0.10"))
    # Deposit k earns for 12 - k months: 1 200 x 10 % / 12 x (11 + 10 + ... + 0) = 660.
    assert pricing.savings_interest_xof == 660


def test_compulsory_savings_raise_the_apr_above_the_quoted_rate():
    assert priced(savings_upfront_rate=Decimal("0.2")).apr > priced().apr


def test_total_cost_is_minus_the_sum_of_the_cash_flows():
    pricing = priced(
        upfront_fee_xof=2500,
        savings_upfront_rate=Decimal("0.1"),
        savings_per_instalment_xof=500,
        savings_annual_rate=Decimal("0.04"),
    )
    assert -sum(pricing.cash_flows_xof) == pricing.total_cost_of_credit_xof
    assert pricing.total_cost_of_credit_xof == (
        pricing.total_interest_xof + pricing.total_fees_xof - pricing.savings_interest_xof
    )


def test_savings_paying_more_than_the_loan_costs_give_a_negative_rate():
    pricing = priced(
        annual_rate=Decimal(0), savings_per_instalment_xof=1000, savings_annual_rate=Decimal("0.1")
    )
    assert pricing.total_cost_of_credit_xof < 0
    assert pricing.period_irr < 0 and pricing.apr < 0


def test_a_refund_larger_than_the_last_instalment_with_a_gain_has_no_rate():
    # 250 000 back at maturity after paying 41 667 a month: the flows change sign
    # twice and the borrower gains, so no single rate describes them.
    pricing = priced(
        annual_rate=Decimal(0),
        savings_upfront_rate=Decimal("0.5"),
        savings_annual_rate=Decimal("0.1"),
    )
    assert pricing.total_cost_of_credit_xof < 0
    assert pricing.period_irr is pricing.apr is pricing.eir is None


def test_flows_without_a_sign_change_have_no_rate():
    assert solve_irr([100, 10, 10]) is None
    assert solve_irr([100, -100]) == 0


@settings(max_examples=200, deadline=None, database=None)
@given(
    amount=st.integers(100_000, 5_000_000),
    per_mille=st.integers(10, 600),
    n=st.integers(3, 60),
    frequency=st.sampled_from(list(Frequency)),
    grace=st.integers(0, 2),
)
def test_declining_loan_without_charges_has_apr_equal_to_the_quoted_rate(
    amount, per_mille, n, frequency, grace
):
    rate = Decimal(per_mille) / 1000
    pricing = priced(
        amount_xof=amount,
        annual_rate=rate,
        instalments=n,
        frequency=frequency,
        grace_principal_periods=grace,
        method=RepaymentMethod.DECLINING_EQUAL_PRINCIPAL
        if n % 2
        else "declining_equal_instalments",
    )
    # Only franc rounding separates them.
    assert pricing.apr == pytest.approx(rate, abs=Decimal("0.003"))
    assert float(pricing.eir) == pytest.approx(
        float((1 + rate / frequency.periods_per_year) ** frequency.periods_per_year - 1), abs=0.005
    )


@settings(max_examples=100, deadline=None, database=None)
@given(
    per_mille=st.integers(10, 600),
    n=st.integers(3, 36),  # at least two principal instalments after the grace period
    waived=st.booleans(),
)
def test_flat_loans_always_cost_more_than_declining_ones(per_mille, n, waived):
    common = {
        "annual_rate": Decimal(per_mille) / 1000,
        "instalments": n,
        "grace_principal_periods": 1,
        "grace_interest": GraceInterest.WAIVED if waived else GraceInterest.NONE,
    }
    flat = priced(method=RepaymentMethod.FLAT, **common)
    declining = priced(**common)
    assert flat.apr > declining.apr
    assert flat.total_interest_xof > declining.total_interest_xof
