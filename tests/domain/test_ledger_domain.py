"""Repayment allocation and arrears, without a database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain.ledger import Due, Payment, allocate, arrears_on, bucket_of, par

START = date(2026, 1, 31)


def monthly(n: int, principal: int = 10_000, interest: int = 1_000, fee: int = 0) -> list[Due]:
    return [
        Due(k, START + timedelta(days=30 * (k - 1)), fee, interest, principal)
        for k in range(1, n + 1)
    ]


def test_a_payment_pays_fees_then_interest_then_principal_of_the_oldest_instalment():
    result = allocate(monthly(3, fee=500), [Payment(1, START, 1_200)])
    first = result.instalments[0]
    assert (first.fee_xof, first.interest_xof, first.principal_xof) == (500, 700, 0)


def test_paying_more_than_one_instalment_runs_on_to_the_next():
    result = allocate(monthly(3), [Payment(1, START, 16_000)])
    assert result.instalments[0].owed_xof == 0
    assert result.instalments[1].interest_xof == 1_000
    assert result.instalments[1].principal_xof == 4_000


def test_an_overpayment_becomes_a_credit_and_a_refund_uses_it():
    result = allocate(monthly(2), [Payment(1, START, 25_000)])
    assert result.fully_paid and result.credit_xof == 3_000
    assert allocate(monthly(2), [Payment(1, START, 25_000)], refunded_xof=3_000).credit_xof == 0
    with pytest.raises(ValueError):
        allocate(monthly(2), [Payment(1, START, 25_000)], refunded_xof=3_001)


def test_a_backdated_payment_is_allocated_before_later_ones():
    late = Payment(2, START + timedelta(days=40), 11_000)
    backdated = Payment(3, START, 11_000)
    result = allocate(monthly(2), [late, backdated])
    assert [a.entry_id for a in result.allocations if a.number == 1] == [3]


def test_an_instalment_due_on_the_day_is_not_late():
    dues = monthly(3)
    assert arrears_on(dues[0].due_on, dues, [], 30_000).days_past_due == 0
    late = arrears_on(dues[0].due_on + timedelta(days=1), dues, [], 30_000)
    assert late.days_past_due == 1 and late.bucket == "1-30"
    assert late.overdue_xof == 11_000 and late.outstanding_principal_xof == 30_000


def test_days_past_due_count_from_the_oldest_unpaid_instalment():
    dues = monthly(3)
    paid_first = allocate(dues, [Payment(1, START, 11_000)]).allocations
    as_of = dues[2].due_on + timedelta(days=5)
    arrears = arrears_on(as_of, dues, paid_first, 30_000)
    assert arrears.days_past_due == (as_of - dues[1].due_on).days
    assert arrears.overdue_principal_xof == 20_000


def test_payments_after_the_date_do_not_count_for_that_date():
    dues = monthly(2)
    later = allocate(dues, [Payment(1, START + timedelta(days=10), 11_000)]).allocations
    assert arrears_on(START + timedelta(days=5), dues, later, 20_000).days_past_due == 5
    assert arrears_on(START + timedelta(days=10), dues, later, 20_000).days_past_due == 0


def test_a_written_off_loan_has_nothing_outstanding():
    dues = monthly(2)
    assert (
        arrears_on(
            START + timedelta(days=90), dues, [], 20_000, written_off=True
        ).outstanding_principal_xof
        == 0
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (90, "61-90"),
        (91, "91-180"),
        (180, "91-180"),
        (181, "180+"),
    ],
)
def test_ageing_buckets_have_the_usual_bounds(days, bucket):
    assert bucket_of(days) == bucket


def test_par30_counts_the_whole_outstanding_of_late_loans():
    dues = monthly(2)
    late = arrears_on(START + timedelta(days=45), dues, [], 20_000)
    current = arrears_on(START - timedelta(days=1), dues, [], 60_000)
    assert par([late, current], 30) == Decimal(20_000) / Decimal(80_000)
    assert par([], 30) == 0


schedules = st.lists(
    st.tuples(st.integers(0, 2_000), st.integers(0, 20_000), st.integers(1, 200_000)),
    min_size=1,
    max_size=24,
)
payments = st.lists(st.tuples(st.integers(0, 800), st.integers(1, 300_000)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(schedules, payments)
def test_allocation_never_pays_more_than_is_due_and_loses_no_franc(parts, paid):
    dues = [
        Due(k + 1, START + timedelta(days=30 * k), f, i, p) for k, (f, i, p) in enumerate(parts)
    ]
    standing = [Payment(n + 1, START + timedelta(days=d), a) for n, (d, a) in enumerate(paid)]
    result = allocate(dues, standing)
    for instalment in result.instalments:
        assert 0 <= instalment.fee_xof <= instalment.due.fee_xof
        assert 0 <= instalment.interest_xof <= instalment.due.interest_xof
        assert 0 <= instalment.principal_xof <= instalment.due.principal_xof
    allocated = sum(a.total_xof for a in result.allocations)
    assert allocated + result.credit_xof == sum(p.amount_xof for p in standing)
    # Outstanding = lent - principal repaid, never negative.
    lent = sum(d.principal_xof for d in dues)
    as_of = START + timedelta(days=900)
    arrears = arrears_on(as_of, dues, result.allocations, lent)
    assert arrears.outstanding_principal_xof == lent - result.principal_paid_xof >= 0


@settings(max_examples=200, deadline=None)
@given(schedules, payments, st.integers(0, 29))
def test_reversing_a_payment_restores_the_exact_previous_allocation(parts, paid, which):
    dues = [
        Due(k + 1, START + timedelta(days=30 * k), f, i, p) for k, (f, i, p) in enumerate(parts)
    ]
    standing = [Payment(n + 1, START + timedelta(days=d), a) for n, (d, a) in enumerate(paid)]
    before = allocate(dues, standing)
    extra = Payment(999, START + timedelta(days=which * 10), 12_345)
    after_reversal = allocate(dues, [p for p in [*standing, extra] if p.entry_id != 999])
    assert after_reversal.allocations == before.allocations
    assert after_reversal.credit_xof == before.credit_xof
