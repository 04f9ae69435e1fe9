"""Can the business carry the loan? Debt-service coverage (DOMAIN.md sections 4 and 6).

DSCR = net monthly business income / monthly-equivalent instalment.
Below 1.5 is a warning (TIGHT), below 1.0 the business alone cannot carry
the loan (NOT_CARRIED). The thresholds are defaults an admin may edit, hence
keyword arguments rather than constants baked into the comparison.
"""

from __future__ import annotations

import dataclasses
from decimal import Context, Decimal, localcontext
from enum import StrEnum

from .schedule import Schedule, build_schedule
from .terms import InvalidLoanTerms, LoanTerms, round_half_up

DEFAULT_TIGHT_BELOW = Decimal("1.5")
DEFAULT_NOT_CARRIED_BELOW = Decimal("1.0")
_LARGEST_AMOUNT_XOF = 10**13  # far beyond any microloan; stops the search on absurd incomes
_CONTEXT = Context(prec=34)


class DscrVerdict(StrEnum):
    FINE = "fine"
    TIGHT = "tight"
    NOT_CARRIED = "not_carried"


def monthly_equivalent_instalment(schedule: Schedule, terms: LoanTerms) -> int:
    """Average cash the business hands over per month, to the franc (half-up).

    Total of every row (principal + interest + instalment fees + savings
    deposits: all of it leaves the business's till on due dates; the savings
    only come back at maturity) divided by the months the n periods span,
    n x 12 / periods per year. Counting whole periods, not calendar days,
    makes a regular monthly loan's equivalent equal to its instalment and a
    weekly one's 52/12 of it; grace and seasonal months are inside the span,
    so a harvest-time loan is averaged over the whole year like its income.
    """
    with localcontext(_CONTEXT):
        months = Decimal(terms.instalments * 12) / terms.periods_per_year
        return round_half_up(schedule.totals.total_xof / months)


def dscr(net_monthly_income_xof: int, monthly_instalment_xof: int) -> Decimal:
    """Coverage ratio; negative when the business loses money."""
    if monthly_instalment_xof <= 0:
        raise ValueError("monthly_instalment_xof: must be positive to compute a coverage ratio")
    with localcontext(_CONTEXT):
        return Decimal(net_monthly_income_xof) / monthly_instalment_xof


def dscr_verdict(
    ratio: Decimal,
    *,
    tight_below: Decimal = DEFAULT_TIGHT_BELOW,
    not_carried_below: Decimal = DEFAULT_NOT_CARRIED_BELOW,
) -> DscrVerdict:
    if ratio < not_carried_below:
        return DscrVerdict.NOT_CARRIED
    if ratio < tight_below:
        return DscrVerdict.TIGHT
    return DscrVerdict.FINE


def max_affordable_amount(
    net_monthly_income_xof: int,
    terms_without_amount: LoanTerms,
    target_dscr: Decimal = DEFAULT_TIGHT_BELOW,
) -> int:
    """Largest amount, a whole rounding multiple, whose schedule keeps DSCR >= target.

    ``terms_without_amount`` gives everything but the amount (its
    ``amount_xof`` is ignored). Returns 0 when no amount qualifies. Found by
    bisection on the number of multiples, rebuilding the schedule each time;
    the result ``a`` always qualifies and ``a + rounding_multiple`` does not
    (rounding may make the instalment step unevenly with the amount, so a
    much larger amount is not ruled out in theory, just never sought).
    """
    step = terms_without_amount.rounding_multiple

    def affordable(multiples: int) -> bool | None:
        """None when the terms are not a loan at that amount (fees eat it all)."""
        try:
            terms = dataclasses.replace(terms_without_amount, amount_xof=multiples * step)
        except InvalidLoanTerms:
            return None
        equivalent = monthly_equivalent_instalment(build_schedule(terms), terms)
        return net_monthly_income_xof >= target_dscr * equivalent

    if net_monthly_income_xof <= 0:
        return 0
    # A fixed fee makes tiny amounts invalid; net disbursed grows with the
    # amount, so once valid the terms stay valid for every larger amount.
    low = 1
    while affordable(low) is None:
        if low * step > _LARGEST_AMOUNT_XOF:
            return 0
        low *= 2
    invalid = low // 2  # 0 stands for "nothing smaller to try"
    while low - invalid > 1:  # smallest valid amount: the best chance to qualify
        middle = (invalid + low) // 2
        if affordable(middle) is None:
            invalid = middle
        else:
            low = middle
    if not affordable(low):
        return 0
    high = low * 2
    while affordable(high):
        low, high = high, high * 2
        if high * step > _LARGEST_AMOUNT_XOF:
            return low * step
    # Invariant: low qualifies, high does not.
    while high - low > 1:
        middle = (low + high) // 2
        if affordable(middle):
            low = middle
        else:
            high = middle
    return low * step
