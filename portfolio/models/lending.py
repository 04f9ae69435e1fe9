"""Lenders, their loan products and the legal usury ceilings: data an admin edits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.loans import Frequency, GraceInterest, LenderType, RepaymentMethod
from portfolio.models.base import Rate, db, enum_column, money_column

# Rate columns hold exact Decimal fractions (0.24 = 24 %); see models.base.Rate.


class Lender(db.Model):
    """A savings bank, microfinance institution (SFD) or bank returnees borrow from."""

    __tablename__ = "lender"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    lender_type: so.Mapped[LenderType] = so.mapped_column(enum_column(LenderType, "lender_type"))
    active: so.Mapped[bool] = so.mapped_column(default=True)

    products: so.Mapped[list[LoanProduct]] = so.relationship(
        back_populates="lender", order_by="LoanProduct.name"
    )

    def __str__(self) -> str:
        return self.name


class LoanProduct(db.Model):
    """A lender's loan as it quotes it, e.g. "Caisse X, 2 %/month flat, 2 % fee, 10 % savings"."""

    __tablename__ = "loan_product"
    __table_args__ = (
        sa.UniqueConstraint("lender_id", "name"),
        sa.CheckConstraint("annual_rate >= 0 AND annual_rate < 10000000", name="rate_range"),
        sa.CheckConstraint("instalments BETWEEN 1 AND 520", name="instalments_range"),
        sa.CheckConstraint(
            "grace_principal_periods >= 0 AND grace_principal_periods < instalments",
            name="grace_shorter_than_loan",
        ),
        sa.CheckConstraint(
            "upfront_fee_rate >= 0 AND upfront_fee_rate < 1000000", name="fee_rate_range"
        ),
        sa.CheckConstraint("upfront_fee_xof >= 0", name="fee_not_negative"),
        sa.CheckConstraint(
            "savings_upfront_rate >= 0 AND savings_upfront_rate < 1000000",
            name="savings_rate_range",
        ),
        sa.CheckConstraint("savings_per_instalment_xof >= 0", name="savings_not_negative"),
        sa.CheckConstraint(
            "savings_annual_rate >= 0 AND savings_annual_rate < 1000000",
            name="savings_interest_range",
        ),
        sa.CheckConstraint("rounding_multiple >= 1", name="rounding_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lender_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lender.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    method: so.Mapped[RepaymentMethod] = so.mapped_column(
        enum_column(RepaymentMethod, "repayment_method")
    )
    #: Nominal annual rate as quoted (a flat "2 % per month" is stored as 0.24).
    annual_rate: so.Mapped[Decimal] = so.mapped_column(Rate())
    frequency: so.Mapped[Frequency] = so.mapped_column(enum_column(Frequency, "frequency"))
    #: Usual number of instalments; the simulator lets a person change it.
    instalments: so.Mapped[int]
    grace_principal_periods: so.Mapped[int] = so.mapped_column(default=0)
    grace_interest: so.Mapped[GraceInterest] = so.mapped_column(
        enum_column(GraceInterest, "grace_interest"), default=GraceInterest.NONE
    )
    upfront_fee_rate: so.Mapped[Decimal] = so.mapped_column(Rate(), default=Decimal(0))
    upfront_fee_xof: so.Mapped[int] = money_column(default=0)
    #: Compulsory savings withheld at disbursement, as a share of the amount.
    savings_upfront_rate: so.Mapped[Decimal] = so.mapped_column(Rate(), default=Decimal(0))
    savings_per_instalment_xof: so.Mapped[int] = money_column(default=0)
    savings_annual_rate: so.Mapped[Decimal] = so.mapped_column(Rate(), default=Decimal(0))
    rounding_multiple: so.Mapped[int] = so.mapped_column(default=1)
    active: so.Mapped[bool] = so.mapped_column(default=True)

    lender: so.Mapped[Lender] = so.relationship(back_populates="products")

    def __str__(self) -> str:
        return f"{self.lender.name} – {self.name}"


class UsuryCeiling(db.Model):
    """The legal maximum APR (TEG) for a lender type, over a period (UMOA usury law)."""

    __tablename__ = "usury_ceiling"
    __table_args__ = (
        sa.CheckConstraint("rate > 0 AND rate < 1000000", name="rate_range"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="valid_to_after_from",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lender_type: so.Mapped[LenderType] = so.mapped_column(enum_column(LenderType, "lender_type"))
    rate: so.Mapped[Decimal] = so.mapped_column(Rate())
    #: None: in force since before any loan the programme records.
    valid_from: so.Mapped[date | None]
    #: Last day in force; None: still in force.
    valid_to: so.Mapped[date | None]
    #: Where the figure comes from (law, BCEAO communiqué).
    source: so.Mapped[str | None] = so.mapped_column(sa.String(200))
