"""Loan pages: applications, approval, disbursement, repayments (filled in by the owner)."""
