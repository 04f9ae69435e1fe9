"""Pure rules of the loan ledger: allocating repayments and measuring arrears.

No Flask, no database: whole francs in and out. Conventions: DOMAIN.md §4–5.
"""

from .allocation import Allocation, Due, PaidInstalment, Payment, allocate
from .arrears import AGEING_BUCKETS, LoanArrears, arrears_on, bucket_of, par

__all__ = [
    "AGEING_BUCKETS",
    "Allocation",
    "Due",
    "LoanArrears",
    "PaidInstalment",
    "Payment",
    "allocate",
    "arrears_on",
    "bucket_of",
    "par",
]
