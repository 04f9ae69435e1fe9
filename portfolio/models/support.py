"""Grants (paid in tranches), starter kits (catalogue and handovers)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.models.base import db, money_column, utcnow
from portfolio.models.budget import BudgetLine
from portfolio.models.enterprise import Enterprise
from portfolio.models.reference import Sector


class Grant(db.Model):
    """A cash grant awarded to an enterprise for its business plan."""

    __tablename__ = "grant_award"  # "grant" is an SQL keyword
    __table_args__ = (sa.CheckConstraint("amount_xof > 0", name="amount_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    budget_line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budget_line.id"), index=True)
    #: The amount committed: the sum of its tranches.
    amount_xof: so.Mapped[int] = money_column()
    purpose: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Conditions before payment, e.g. "formation en gestion terminée".
    conditions: so.Mapped[str | None] = so.mapped_column(sa.Text)
    awarded_on: so.Mapped[date]
    awarded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    #: Sent with the award form: the same form twice records one grant.
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    enterprise: so.Mapped[Enterprise] = so.relationship()
    budget_line: so.Mapped[BudgetLine] = so.relationship()
    tranches: so.Mapped[list[GrantTranche]] = so.relationship(
        back_populates="grant", order_by="GrantTranche.number"
    )


class GrantTranche(db.Model):
    """A planned payment of a grant. Paying it is a journal entry; what is left unpaid
    may be cancelled, with a reason: the row stays as planned and `cancelled_xof`
    says how much of it the cancellation took off (the rest was paid)."""

    __tablename__ = "grant_tranche"
    __table_args__ = (
        sa.UniqueConstraint("grant_id", "number"),
        sa.CheckConstraint("planned_xof > 0", name="planned_positive"),
        sa.CheckConstraint(
            "cancelled_xof IS NULL OR (cancelled_xof > 0 AND cancelled_xof <= planned_xof)",
            name="cancelled_within_planned",
        ),
        sa.CheckConstraint(
            "(cancelled_on IS NULL) = (cancelled_xof IS NULL)", name="cancelled_with_amount"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    grant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("grant_award.id"), index=True)
    number: so.Mapped[int]
    planned_on: so.Mapped[date]
    planned_xof: so.Mapped[int] = money_column()
    #: Milestone that releases it, e.g. "local loué".
    milestone: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    cancelled_on: so.Mapped[date | None]
    #: What the cancellation took off the tranche: the part still unpaid then.
    cancelled_xof: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    cancelled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))

    grant: so.Mapped[Grant] = so.relationship(back_populates="tranches")


class KitTemplate(db.Model):
    """A starter kit as the catalogue lists it for one trade; managers maintain it."""

    __tablename__ = "kit_template"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sector_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sector.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)

    sector: so.Mapped[Sector] = so.relationship()
    items: so.Mapped[list[KitTemplateItem]] = so.relationship(
        back_populates="template", order_by="KitTemplateItem.id", cascade="all, delete-orphan"
    )


class KitTemplateItem(db.Model):
    __tablename__ = "kit_template_item"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_cost_xof >= 0", name="unit_cost_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    template_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("kit_template.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    quantity: so.Mapped[int]
    unit_cost_xof: so.Mapped[int] = money_column()
    supplier: so.Mapped[str | None] = so.mapped_column(sa.String(120))

    template: so.Mapped[KitTemplate] = so.relationship(back_populates="items")


class KitDelivery(db.Model):
    """A kit handed over to an enterprise: what was actually given, and its value."""

    __tablename__ = "kit_delivery"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    budget_line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budget_line.id"), index=True)
    template_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("kit_template.id"))
    delivered_on: so.Mapped[date] = so.mapped_column(index=True)
    #: The person who handed the kit over (staff or partner), as written on the certificate.
    delivered_by: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: Number of the signed handover certificate (procès-verbal de remise).
    certificate_number: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    enterprise: so.Mapped[Enterprise] = so.relationship()
    budget_line: so.Mapped[BudgetLine] = so.relationship()
    template: so.Mapped[KitTemplate | None] = so.relationship()
    items: so.Mapped[list[KitDeliveryItem]] = so.relationship(
        back_populates="delivery", order_by="KitDeliveryItem.id"
    )

    @property
    def value_xof(self) -> int:
        return sum(item.quantity * item.unit_cost_xof for item in self.items)


class KitDeliveryItem(db.Model):
    __tablename__ = "kit_delivery_item"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_cost_xof >= 0", name="unit_cost_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    delivery_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("kit_delivery.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    quantity: so.Mapped[int]
    unit_cost_xof: so.Mapped[int] = money_column()

    delivery: so.Mapped[KitDelivery] = so.relationship(back_populates="items")
