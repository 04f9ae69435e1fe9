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


def _percent(rate: Decimal | None) -> float | None:
    # Rates leave the engine as JSON numbers in percent, to 4 decimals (54.8372).
    return None if rate is None else float(round(rate * 100, 4))


def simulation_as_dict(simulation: Simulation) -> dict:
    """The JSON shape shared by the API and the CLI: whole francs, rates in percent."""
    pricing, usury, affordability = simulation.pricing, simulation.usury, simulation.affordability
    return {
        "schedule": [
            {
                "n": row.number,
                "due_on": row.due_on.isoformat(),
                "principal": row.principal_xof,
                "interest": row.interest_xof,
                "fee": row.fee_xof,
                "savings": row.savings_xof,
                "total": row.total_xof,
                "balance": row.balance_after_xof,
            }
            for row in simulation.schedule.rows
        ],
        "amount": simulation.schedule.amount_xof,
        "upfront_fee": simulation.schedule.upfront_fee_xof,
        "savings_withheld": simulation.schedule.savings_withheld_xof,
        "total_interest": pricing.total_interest_xof,
        "fees": pricing.total_fees_xof,
        "net_disbursed": pricing.net_disbursed_xof,
        "total_cost": pricing.total_cost_of_credit_xof,
        "total_repaid": simulation.schedule.totals.total_xof,
        "apr": _percent(pricing.apr),
        "eir": _percent(pricing.eir),
        "usury": {
            "lender_type": simulation.lender_type.value,
            "contract_on": simulation.terms.disbursed_on.isoformat(),
            "ceiling": _percent(usury.ceiling.rate) if usury and usury.ceiling else None,
            "exceeds": bool(usury and usury.exceeds),
            "excess_points": float(round(usury.excess_points, 4)) if usury else None,
        },
        "affordability": None
        if affordability is None
        else {
            "net_monthly_income": affordability.net_monthly_income_xof,
            "monthly_instalment": affordability.monthly_instalment_xof,
            "dscr": float(round(affordability.dscr, 4)),
            "verdict": affordability.verdict.value,
            "max_amount": affordability.max_amount_xof,
        },
    }
