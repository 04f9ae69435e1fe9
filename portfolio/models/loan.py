"""Microloans: the application with its terms, the stored schedule, the allocations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.loans import Frequency, GraceInterest, RepaymentMethod
from portfolio.models.base import Rate, db, enum_column, money_column, utcnow
from portfolio.models.budget import BudgetLine
from portfolio.models.enterprise import Enterprise
from portfolio.models.lending import Lender, LoanProduct
from portfolio.models.user import User


class RescheduleStatus(StrEnum):
    """Where a reschedule request stands (maker-checker)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Loan(db.Model):
    """A loan from application to closure. Its money moves only through journal entries."""

    __tablename__ = "loan"
    __table_args__ = (
        sa.CheckConstraint("amount_xof > 0", name="amount_positive"),
        sa.CheckConstraint("instalments BETWEEN 1 AND 520", name="instalments_range"),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> created_by_id", name="maker_checker"
        ),
        sa.CheckConstraint(
            "rejected_by_id IS NULL OR rejected_by_id <> created_by_id",
            name="maker_checker_rejection",
        ),
        sa.CheckConstraint(
            "net_monthly_income_xof IS NULL OR net_monthly_income_xof >= 0",
            name="income_not_negative",
        ),
        # The loan list's order: its first page is read from here, not sorted.
        sa.Index("ix_loan_applied", "applied_on", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    lender_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lender.id"), index=True)
    product_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("loan_product.id"))
    #: The programme's loan/guarantee line, when the programme funds or guarantees it.
    budget_line_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("budget_line.id"))
    status: so.Mapped[LoanStatus] = so.mapped_column(
        enum_column(LoanStatus, "loan_status"), index=True
    )
    purpose: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    # The engine's terms (portfolio.domain.loans.LoanTerms), as agreed.
    amount_xof: so.Mapped[int] = money_column()
    annual_rate: so.Mapped[Decimal] = so.mapped_column(Rate())
    method: so.Mapped[RepaymentMethod] = so.mapped_column(
        enum_column(RepaymentMethod, "repayment_method")
    )
    frequency: so.Mapped[Frequency] = so.mapped_column(enum_column(Frequency, "frequency"))
    instalments: so.Mapped[int]
    grace_principal_periods: so.Mapped[int] = so.mapped_column(default=0)
    grace_interest: so.Mapped[GraceInterest] = so.mapped_column(
        enum_column(GraceInterest, "grace_interest"), default=GraceInterest.NONE
    )
    upfront_fee_rate: so.Mapped[Decimal] = so.mapped_column(Rate(), default=Decimal(0))
    upfront_fee_xof: so.Mapped[int] = money_column(default=0)
    savings_upfront_rate: so.Mapped[Decimal] = so.mapped_column(Rate(), default=Decimal(0))
    savings_per_instalment_xof: so.Mapped[int] = money_column(default=0)
    savings_annual_rate: so.Mapped[Decimal] = so.mapped_column(Rate(), default=Decimal(0))
    rounding_multiple: so.Mapped[int] = so.mapped_column(default=1)
    first_due_on: so.Mapped[date | None]
    #: Seasonal repayment: the months instalments fall in, e.g. "1,10,11,12" (None: all).
    repayment_months: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: The business's net monthly income stated on application (for the DSCR verdict).
    net_monthly_income_xof: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    applied_on: so.Mapped[date]
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    #: Maker-checker: a manager other than the person who created the application.
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    approved_on: so.Mapped[date | None]
    #: Who turned the application down, and when (also another person than the maker).
    rejected_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    rejected_on: so.Mapped[date | None]
    decision_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    disbursed_on: so.Mapped[date | None]
    closed_on: so.Mapped[date | None]
    #: Rescheduled at least once; a restructured loan stays in PAR (DOMAIN.md §5).
    restructured: so.Mapped[bool] = so.mapped_column(default=False)
    #: Which stored schedule is in force (1, then 2 after a reschedule, ...).
    schedule_version: so.Mapped[int] = so.mapped_column(default=0)
    # The repayment position today, derived from the allocations and rewritten with them
    # (services/loan_balances.py), so that lists and today's arrears need not sum them.
    #: Fees, interest and principal allocated to the schedule.
    repaid_xof: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    principal_repaid_xof: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, default=0, server_default="0"
    )
    #: Due date of the first instalment in force not fully paid (None: none is unpaid).
    oldest_unpaid_due_on: so.Mapped[date | None]
    #: Optimistic locking: two officers saving the same loan cannot both win.
    version_id: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version_id}

    enterprise: so.Mapped[Enterprise] = so.relationship()
    lender: so.Mapped[Lender] = so.relationship()
    product: so.Mapped[LoanProduct | None] = so.relationship()
    budget_line: so.Mapped[BudgetLine | None] = so.relationship()
    approved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[approved_by_id])
    rejected_by: so.Mapped[User | None] = so.relationship(foreign_keys=[rejected_by_id])


class LoanInstalment(db.Model):
    """One row of a stored schedule. Schedules are never edited: a reschedule adds a
    new version and the loan points to it."""

    __tablename__ = "loan_instalment"
    __table_args__ = (
        sa.UniqueConstraint("loan_id", "schedule_version", "number"),
        sa.CheckConstraint(
            "principal_xof >= 0 AND interest_xof >= 0 AND fee_xof >= 0", name="parts_not_negative"
        ),
        sa.Index("ix_loan_instalment_due", "loan_id", "schedule_version", "due_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    loan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("loan.id"))
    schedule_version: so.Mapped[int]
    number: so.Mapped[int]
    due_on: so.Mapped[date]
    principal_xof: so.Mapped[int] = money_column()
    interest_xof: so.Mapped[int] = money_column()
    fee_xof: so.Mapped[int] = money_column(default=0)
    savings_xof: so.Mapped[int] = money_column(default=0)
    #: Fees, interest and principal due up to and including this instalment, in the
    #: order allocation pays them (due date, then number). Schedules never change,
    #: so this stays exact; arrears read "paid by D < cumulative" without summing
    #: allocations per instalment (reporting.arrears).
    cumulative_xof: so.Mapped[int] = money_column()


class LoanAllocation(db.Model):
    """How repayments were applied to instalments (fees, then interest, then principal).

    Derived data, not a financial record: recomputed for a loan whenever its
    journal changes (a backdated repayment or a reversal re-runs allocation),
    and kept so arrears and PAR can be computed in SQL for any date.
    """

    __tablename__ = "loan_allocation"
    __table_args__ = (sa.Index("ix_loan_allocation_loan_paid", "loan_id", "paid_on"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    loan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("loan.id"))
    instalment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("loan_instalment.id"), index=True
    )
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("journal_entry.id"), index=True)
    #: The repayment's value date, copied so "paid by date D" is one indexed filter.
    paid_on: so.Mapped[date]
    fee_xof: so.Mapped[int] = money_column(default=0)
    interest_xof: so.Mapped[int] = money_column(default=0)
    principal_xof: so.Mapped[int] = money_column(default=0)


class LoanReschedule(db.Model):
    """A request to put a loan's remaining principal on new terms (maker-checker).

    A finance officer asks, a manager other than the asker approves (the
    reschedule then applies: a new schedule version) or rejects it with a note.
    Rows are never deleted: the requests are the reschedule's history.
    """

    __tablename__ = "loan_reschedule"
    __table_args__ = (
        sa.CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> requested_by_id", name="maker_checker"
        ),
        sa.CheckConstraint("instalments BETWEEN 1 AND 520", name="instalments_range"),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_by_id IS NULL)", name="decided_when_not_pending"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    loan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("loan.id"), index=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    requested_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    # The new terms (services.loan_corrections.NewTerms).
    annual_rate: so.Mapped[Decimal] = so.mapped_column(Rate())
    method: so.Mapped[RepaymentMethod] = so.mapped_column(
        enum_column(RepaymentMethod, "repayment_method")
    )
    frequency: so.Mapped[Frequency] = so.mapped_column(enum_column(Frequency, "frequency"))
    instalments: so.Mapped[int]
    grace_principal_periods: so.Mapped[int] = so.mapped_column(default=0)
    grace_interest: so.Mapped[GraceInterest] = so.mapped_column(
        enum_column(GraceInterest, "grace_interest"), default=GraceInterest.NONE
    )
    rounding_multiple: so.Mapped[int] = so.mapped_column(default=1)
    first_due_on: so.Mapped[date | None]
    status: so.Mapped[RescheduleStatus] = so.mapped_column(
        enum_column(RescheduleStatus, "reschedule_status"),
        default=RescheduleStatus.PENDING,
        index=True,
    )
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: so.Mapped[datetime | None]
    decision_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The schedule version the approval put in force.
    schedule_version: so.Mapped[int | None]

    loan: so.Mapped[Loan] = so.relationship()
    requested_by: so.Mapped[User] = so.relationship(foreign_keys=[requested_by_id])
    decided_by: so.Mapped[User | None] = so.relationship(foreign_keys=[decided_by_id])
