"""Loan arithmetic, pure: terms, schedule, cost disclosure, usury, affordability.

No Flask, no database: whole francs (int) in and out, rates as Decimal.
Conventions: DOMAIN.md sections 3 and 4.
"""

from .affordability import (
    DEFAULT_NOT_CARRIED_BELOW,
    DEFAULT_TIGHT_BELOW,
    DscrVerdict,
    dscr,
    dscr_verdict,
    max_affordable_amount,
    monthly_equivalent_instalment,
)
from .batch import BatchSchedules, build_schedules
from .pricing import Pricing, borrower_cash_flows, price, savings_interest_xof, solve_irr
from .schedule import Schedule, ScheduleRow, ScheduleTotals, build_schedule, level_instalment, pmt
from .simulation import Affordability, Simulation, simulate, simulation_as_dict
from .terms import (
    MAX_ANNUAL_RATE,
    MAX_INSTALMENTS,
    Frequency,
    GraceInterest,
    InvalidLoanTerms,
    LoanTerms,
    RepaymentMethod,
    add_months,
    add_periods,
    round_half_up,
)
from .usury import (
    DEFAULT_USURY_CEILINGS,
    LenderType,
    UsuryCeiling,
    UsuryVerdict,
    ceiling_in_force,
    check_usury,
)

__all__ = [
    "BatchSchedules",
    "build_schedules",
    "Affordability",
    "Simulation",
    "simulate",
    "simulation_as_dict",
    "DEFAULT_NOT_CARRIED_BELOW",
    "DEFAULT_TIGHT_BELOW",
    "DEFAULT_USURY_CEILINGS",
    "MAX_ANNUAL_RATE",
    "MAX_INSTALMENTS",
    "DscrVerdict",
    "Frequency",
    "GraceInterest",
    "InvalidLoanTerms",
    "LenderType",
    "LoanTerms",
    "Pricing",
    "RepaymentMethod",
    "Schedule",
    "ScheduleRow",
    "ScheduleTotals",
    "UsuryCeiling",
    "UsuryVerdict",
    "add_months",
    "add_periods",
    "borrower_cash_flows",
    "build_schedule",
    "ceiling_in_force",
    "check_usury",
    "dscr",
    "dscr_verdict",
    "level_instalment",
    "max_affordable_amount",
    "monthly_equivalent_instalment",
    "pmt",
    "price",
    "round_half_up",
    "savings_interest_xof",
    "solve_irr",
]
