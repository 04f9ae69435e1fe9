"""Closed lists of the money side: instruments, channels, loan states, journal entries."""

from enum import StrEnum


class Instrument(StrEnum):
    """The forms the programme's money takes; each has its budget lines."""

    GRANT = "grant"
    KIT = "kit"
    LOAN = "loan"  # loans the programme funds or guarantees
    TRAINING = "training"  # allowances paid during vocational training


class PaymentChannel(StrEnum):
    CASH = "cash"
    MOBILE_MONEY = "mobile_money"
    BANK_TRANSFER = "bank_transfer"


class AllowanceKind(StrEnum):
    STIPEND = "stipend"  # monthly allowance, slightly above the minimum wage
    DAYCARE = "daycare"  # day-care paid for mothers in training


class LoanStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"  # disbursed, being repaid
    CLOSED = "closed"  # repaid in full
    WRITTEN_OFF = "written_off"


class EntryKind(StrEnum):
    """What a journal row records. Rows are never edited: a mistake gets a REVERSAL."""

    GRANT_PAYMENT = "grant_payment"
    KIT_DELIVERY = "kit_delivery"
    ALLOWANCE_PAYMENT = "allowance_payment"
    LOAN_DISBURSEMENT = "loan_disbursement"
    LOAN_REPAYMENT = "loan_repayment"
    LOAN_REFUND = "loan_refund"  # an overpayment handed back to the borrower
    LOAN_WRITE_OFF = "loan_write_off"
    LOAN_RECOVERY = "loan_recovery"  # money received after a write-off
    REVERSAL = "reversal"
