"""One simulated loan, everything a finance officer reads about it at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .affordability import (
    DscrVerdict,
    dscr,
    dscr_verdict,
    max_affordable_amount,
    monthly_equivalent_instalment,
)
from .pricing import Pricing, price
from .schedule import Schedule, build_schedule
from .terms import LoanTerms
from .usury import LenderType, UsuryCeiling, UsuryVerdict, check_usury


@dataclass(frozen=True)
class Affordability:
    net_monthly_income_xof: int
    monthly_instalment_xof: int
    dscr: Decimal
    verdict: DscrVerdict
    #: Largest amount, same terms, that keeps coverage at 1.5 (0 if none).
    max_amount_xof: int


@dataclass(frozen=True)
class Simulation:
    terms: LoanTerms
    lender_type: LenderType
    schedule: Schedule
    pricing: Pricing
    usury: UsuryVerdict | None  # None when the APR cannot be computed
    affordability: Affordability | None  # None when no income was given

    def balances(self) -> list[int]:
        """Principal owed at disbursement and after each instalment (for charts)."""
        return [self.schedule.amount_xof, *(r.balance_after_xof for r in self.schedule.rows)]

    def cumulative_cost(self) -> list[int]:
        """Interest and fees paid so far, at disbursement and after each instalment."""
        paid = self.schedule.upfront_fee_xof
        series = [paid]
        for row in self.schedule.rows:
            paid += row.interest_xof + row.fee_xof
            series.append(paid)
        return series


def simulate(
    terms: LoanTerms,
    lender_type: LenderType,
    ceilings: Sequence[UsuryCeiling],
    net_monthly_income_xof: int | None = None,
) -> Simulation:
    schedule = build_schedule(terms)
    pricing = price(terms, schedule)
    usury = None
    if pricing.apr is not None:
        # The ceiling in force on the contract date: the disbursement date here.
        usury = check_usury(pricing.apr, ceilings, lender_type, terms.disbursed_on)
    affordability = None
    if net_monthly_income_xof is not None:
        monthly = monthly_equivalent_instalment(schedule, terms)
        ratio = dscr(net_monthly_income_xof, monthly)
        affordability = Affordability(
            net_monthly_income_xof=net_monthly_income_xof,
            monthly_instalment_xof=monthly,
            dscr=ratio,
            verdict=dscr_verdict(ratio),
            max_amount_xof=max_affordable_amount(net_monthly_income_xof, terms),
        )
    return Simulation(terms, LenderType(lender_type), schedule, pricing, usury, affordability)
