"""Usury ceilings by date and lender type; DSCR and the largest affordable loan."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.domain.loans import (
    DEFAULT_USURY_CEILINGS,
    DscrVerdict,
    Frequency,
    LenderType,
    LoanTerms,
    RepaymentMethod,
    UsuryCeiling,
    build_schedule,
    ceiling_in_force,
    check_usury,
    dscr,
    dscr_verdict,
    max_affordable_amount,
    monthly_equivalent_instalment,
)


def make_terms(**overrides) -> LoanTerms:
    values = {
        "amount_xof": 300_000,
        "annual_rate": Decimal("0.24"),
        "instalments": 12,
        "disbursed_on": date(2024, 3, 1),
    }
    values.update(overrides)
    return LoanTerms(**values)


# --- usury ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lender_type", "on", "rate"),
    [
        (LenderType.SFD, date(2005, 6, 1), "0.27"),
        (LenderType.SFD, date(2013, 12, 31), "0.27"),
        (LenderType.SFD, date(2014, 1, 1), "0.24"),
        (LenderType.SFD, date(2030, 1, 1), "0.24"),
        (LenderType.BANK, date(2013, 12, 31), "0.18"),
        (LenderType.BANK, date(2014, 1, 1), "0.15"),
        (LenderType.BANK, date(2026, 5, 31), "0.15"),
        (LenderType.BANK, date(2026, 6, 1), "0.14"),
    ],
)
def test_usury_ceiling_is_picked_by_contract_date(lender_type, on, rate):
    ceiling = ceiling_in_force(DEFAULT_USURY_CEILINGS, lender_type, on)
    assert ceiling is not None
    assert ceiling.rate == Decimal(rate)


def test_apr_above_the_sfd_ceiling_is_flagged_with_the_excess_in_points():
    verdict = check_usury(Decimal("0.5484"), DEFAULT_USURY_CEILINGS, "sfd", date(2024, 3, 1))
    assert verdict.exceeds
    assert verdict.ceiling.rate == Decimal("0.24")
    assert verdict.excess_points == Decimal("30.84")


def test_apr_at_the_ceiling_is_lawful():
    verdict = check_usury(Decimal("0.24"), DEFAULT_USURY_CEILINGS, LenderType.SFD, date(2024, 1, 1))
    assert not verdict.exceeds
    assert verdict.excess_points == 0


def test_the_same_apr_can_be_lawful_for_an_sfd_and_usurious_for_a_bank():
    on = date(2026, 6, 1)
    assert not check_usury(Decimal("0.20"), DEFAULT_USURY_CEILINGS, LenderType.SFD, on).exceeds
    assert check_usury(Decimal("0.20"), DEFAULT_USURY_CEILINGS, LenderType.BANK, on).exceeds


def test_no_ceiling_recorded_means_no_flag():
    verdict = check_usury(Decimal("0.9"), [], LenderType.SFD, date(2024, 1, 1))
    assert verdict.ceiling is None and not verdict.exceeds


def test_overlapping_ceilings_resolve_to_the_latest_start():
    ceilings = [
        UsuryCeiling(LenderType.BANK, Decimal("0.15"), date(2014, 1, 1)),
        UsuryCeiling("bank", Decimal("0.14"), date(2026, 6, 1)),
    ]
    assert ceiling_in_force(ceilings, "bank", date(2026, 6, 1)).rate == Decimal("0.14")
    assert ceiling_in_force(ceilings, "bank", date(2026, 5, 31)).rate == Decimal("0.15")


def test_a_ceiling_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="valid_to"):
        UsuryCeiling(LenderType.SFD, Decimal("0.24"), date(2014, 1, 1), date(2013, 1, 1))


# --- DSCR -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "instalment", "verdict"),
    [
        (150_000, 100_000, DscrVerdict.FINE),
        (149_999, 100_000, DscrVerdict.TIGHT),
        (100_000, 100_000, DscrVerdict.TIGHT),
        (99_999, 100_000, DscrVerdict.NOT_CARRIED),
        (-5_000, 100_000, DscrVerdict.NOT_CARRIED),
    ],
)
def test_dscr_verdict_boundaries(income, instalment, verdict):
    assert dscr_verdict(dscr(income, instalment)) is verdict


def test_dscr_thresholds_can_be_edited():
    ratio = dscr(120_000, 100_000)
    assert dscr_verdict(ratio, tight_below=Decimal("1.2")) is DscrVerdict.FINE
    assert dscr_verdict(ratio, not_carried_below=Decimal("1.25")) is DscrVerdict.NOT_CARRIED


def test_dscr_needs_a_positive_instalment():
    with pytest.raises(ValueError, match="monthly_instalment_xof"):
        dscr(100_000, 0)


def test_monthly_equivalent_of_a_monthly_loan_is_its_instalment():
    terms = make_terms(amount_xof=1000, annual_rate=Decimal("0.12"))
    assert monthly_equivalent_instalment(build_schedule(terms), terms) == 89  # 1 066 / 12


def test_monthly_equivalent_of_a_weekly_loan_is_52_twelfths_of_it():
    terms = make_terms(
        amount_xof=52_000, annual_rate=Decimal(0), frequency=Frequency.WEEKLY, instalments=52
    )
    assert monthly_equivalent_instalment(build_schedule(terms), terms) == 4333  # 52 000 / 12


def test_monthly_equivalent_spreads_a_harvest_loan_over_the_whole_term():
    terms = make_terms(
        amount_xof=120_000, annual_rate=Decimal(0), instalments=10, repayment_months={1}
    )  # due 1 Apr 2024 .. 1 Jan 2025: one repayment, in January
    schedule = build_schedule(terms)
    assert [row.total_xof for row in schedule.rows] == [0] * 9 + [120_000]
    assert monthly_equivalent_instalment(schedule, terms) == 12_000


# --- largest affordable loan ------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"rounding_multiple": 25},
        {"rounding_multiple": 100, "method": RepaymentMethod.FLAT},
        {"frequency": Frequency.WEEKLY, "instalments": 40, "rounding_multiple": 5},
        {
            "upfront_fee_xof": 5000,
            "upfront_fee_rate": Decimal("0.02"),
            "savings_per_instalment_xof": 1000,
        },
        {"grace_principal_periods": 3, "method": RepaymentMethod.DECLINING_EQUAL_PRINCIPAL},
    ],
)
def test_max_affordable_amount_meets_the_target_and_one_multiple_more_does_not(overrides):
    terms = make_terms(**overrides)
    income = 75_000
    best = max_affordable_amount(income, terms)
    step = terms.rounding_multiple
    assert best > 0 and best % step == 0

    def coverage(amount: int) -> Decimal:
        candidate = dataclasses.replace(terms, amount_xof=amount)
        return dscr(income, monthly_equivalent_instalment(build_schedule(candidate), candidate))

    assert coverage(best) >= Decimal("1.5")
    assert coverage(best + step) < Decimal("1.5")


def test_max_affordable_amount_honours_another_target():
    terms = make_terms()
    assert max_affordable_amount(75_000, terms, Decimal("1.0")) > max_affordable_amount(
        75_000, terms
    )


def test_no_income_affords_no_loan():
    assert max_affordable_amount(0, make_terms()) == 0
    assert max_affordable_amount(-10_000, make_terms()) == 0


def test_a_fixed_fee_can_make_every_affordable_amount_too_small_to_lend():
    # 100 F a month covers about 800 F of loan, less than the 5 000 F fixed fee.
    assert max_affordable_amount(100, make_terms(upfront_fee_xof=5000)) == 0


@settings(max_examples=40, deadline=None, database=None)
@given(
    income=st.integers(5_000, 2_000_000),
    per_mille=st.integers(0, 600),
    n=st.integers(1, 36),
    multiple=st.sampled_from([1, 5, 25, 100]),
    method=st.sampled_from(list(RepaymentMethod)),
)
def test_max_affordable_amount_is_the_edge_of_the_target(income, per_mille, n, multiple, method):
    terms = make_terms(
        annual_rate=Decimal(per_mille) / 1000,
        instalments=n,
        rounding_multiple=multiple,
        method=method,
    )
    best = max_affordable_amount(income, terms)
    target = Decimal("1.5")
    for amount, ok in ((best, True), (best + multiple, False)):
        if amount == 0:
            continue
        candidate = dataclasses.replace(terms, amount_xof=amount)
        equivalent = monthly_equivalent_instalment(build_schedule(candidate), candidate)
        assert (income >= target * equivalent) is ok


def test_an_apr_equal_to_the_ceiling_at_disclosed_precision_is_lawful():
    just_above_by_rounding = Decimal("0.240040")
    verdict = check_usury(
        just_above_by_rounding, DEFAULT_USURY_CEILINGS, LenderType.SFD, date(2026, 11, 1)
    )
    assert not verdict.exceeds
    clearly_above = check_usury(
        Decimal("0.2401"), DEFAULT_USURY_CEILINGS, LenderType.SFD, date(2026, 11, 1)
    )
    assert clearly_above.exceeds
    assert clearly_above.excess_points == Decimal("0.01")
