"""Microloans from application to closure: the use cases, in one place to import from.

- loan_applications: apply, approve, reject (maker-checker, budget line).
- loan_payments: disburse, repay, quote and repay in full, refund a credit.
- loan_corrections: reverse an entry, reschedule, write off, recover.
- loan_records / loan_position: the shared steps and the allocation rule
  (early repayment: future interest is never charged; see loan_position).
"""

from portfolio.services.journal import DuplicateSubmission
from portfolio.services.loan_applications import apply_for_loan, approve_loan, reject_loan
from portfolio.services.loan_corrections import (
    REVERSIBLE,
    NewTerms,
    record_recovery,
    reschedule,
    reverse_loan_entry,
    write_off,
)
from portfolio.services.loan_payments import (
    PayoffQuote,
    disburse_loan,
    payoff_quote,
    record_repayment,
    refund_credit,
    repay_in_full,
)
from portfolio.services.loan_position import LoanPosition
from portfolio.services.loan_records import LoanStanding, position_of, standing_of, terms_of

__all__ = [
    "REVERSIBLE",
    "DuplicateSubmission",
    "LoanPosition",
    "LoanStanding",
    "NewTerms",
    "PayoffQuote",
    "apply_for_loan",
    "approve_loan",
    "disburse_loan",
    "payoff_quote",
    "position_of",
    "record_recovery",
    "record_repayment",
    "refund_credit",
    "reject_loan",
    "repay_in_full",
    "reschedule",
    "reverse_loan_entry",
    "standing_of",
    "terms_of",
    "write_off",
]
