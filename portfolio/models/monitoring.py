"""Field monitoring: the visit plan, visits, score weights, flag rules, flags, follow-up.

Scores and flags are derived data: recomputed from visits, repayments and
the admin-edited rules, so they are not audited row by row (the rules and
weights that drive them are).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import (
    ActionKind,
    ActionStatus,
    BusinessStatus,
    FlagRuleCode,
    KitItemCondition,
    Problem,
    RiskLevel,
    StockLevel,
    VisitSource,
)
from portfolio.models.base import Rate, db, enum_column, utcnow
from portfolio.models.enterprise import Enterprise
from portfolio.models.support import KitDeliveryItem
from portfolio.models.user import User


class VisitCadenceStep(db.Model):
    """One step of the visit plan: a visit N months after the first support handed over.

    The default plan is 1, 3, 6, 12 and 18 months; admins edit the rows.
    """

    __tablename__ = "visit_cadence_step"
    __table_args__ = (sa.CheckConstraint("months > 0 AND months <= 120", name="months_range"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    months: so.Mapped[int] = so.mapped_column(unique=True)


class PlannedVisit(db.Model):
    """A visit the plan expects: due on a date, assigned to a monitor, done by a visit."""

    __tablename__ = "planned_visit"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "sequence"),
        sa.Index("ix_planned_visit_assigned_to_id_due_on", "assigned_to_id", "due_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"))
    #: 1 for the first visit of the plan, 2 for the second…
    sequence: so.Mapped[int]
    months_after_support: so.Mapped[int]
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    assigned_to_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    #: The visit that fulfilled it (None while still to do).
    visit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("visit.id"), unique=True)

    enterprise: so.Mapped[Enterprise] = so.relationship()
    assigned_to: so.Mapped[User | None] = so.relationship()


class Visit(db.Model):
    """A follow-up visit to a business, from the web form, the API or a Kobo/ODK export."""

    __tablename__ = "visit"
    __table_args__ = (
        sa.Index("ix_visit_enterprise_id_visited_on", "enterprise_id", "visited_on"),
        sa.CheckConstraint("monthly_sales_xof IS NULL OR monthly_sales_xof >= 0", "sales_ok"),
        sa.CheckConstraint("monthly_costs_xof IS NULL OR monthly_costs_xof >= 0", "costs_ok"),
        sa.CheckConstraint("paid_employees >= 0 AND family_workers >= 0", "workers_ok"),
        sa.CheckConstraint(
            "kit_retained_pct IS NULL OR (kit_retained_pct >= 0 AND kit_retained_pct <= 100)",
            "kit_retained_range",
        ),
        *(
            sa.CheckConstraint(
                f"{item.code} IS NULL OR ({item.code} >= 0 AND {item.code} <= 4)",
                f"{item.code}_scale",
            )
            for item in REINTEGRATION_ITEMS
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"))
    visited_on: so.Mapped[date]
    #: The monitor who visited, when known (a Kobo row may only name its submitter).
    monitor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    submitted_by: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    owner_present: so.Mapped[bool]
    business_status: so.Mapped[BusinessStatus] = so.mapped_column(
        enum_column(BusinessStatus, "business_status")
    )
    monthly_sales_xof: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    monthly_costs_xof: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    #: Sales − costs unless the monitor corrected it (may be negative).
    net_income_xof: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    stock_level: so.Mapped[StockLevel | None] = so.mapped_column(
        enum_column(StockLevel, "stock_level")
    )
    paid_employees: so.Mapped[int] = so.mapped_column(default=0)
    family_workers: so.Mapped[int] = so.mapped_column(default=0)
    #: Share of the kit's value still present and in use, 0–100 (from the items, or as
    #: entered on a Kobo/ODK form that asks it directly). None: no kit, or not asked.
    kit_retained_pct: so.Mapped[int | None]
    kit_sold: so.Mapped[bool] = so.mapped_column(default=False)
    support_needed: so.Mapped[str | None] = so.mapped_column(sa.Text)
    latitude: so.Mapped[float | None]
    longitude: so.Mapped[float | None]
    gps_accuracy_m: so.Mapped[float | None]
    #: Random file name under the instance's upload folder (never the client's name).
    photo_file: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    photo_content_type: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)

    # Reintegration items, 0..4 each (see domain/monitoring/items.py).
    income_sufficiency: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    food_reduction: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    ability_to_borrow: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    debt_burden: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    work: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    productive_assets: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    housing: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    education_access: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    health_care_access: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    water_access: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    identity_documents: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    justice_access: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    support_network: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    community_participation: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    discrimination: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    feels_safe: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    distress: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    wants_psychological_help: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    staying_is_a_choice: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)

    # Scores 0..1 computed from the items with the weights in force (recomputed
    # when the weights change). None when no item of the dimension was answered.
    economic_score: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    social_score: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    psychosocial_score: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    composite_score: so.Mapped[Decimal | None] = so.mapped_column(Rate())

    source: so.Mapped[VisitSource] = so.mapped_column(enum_column(VisitSource, "visit_source"))
    #: ODK/Kobo ``meta/instanceID`` (``uuid:…``), or the web form's own token: the
    #: key that makes the same submission arrive once.
    instance_id: so.Mapped[str | None] = so.mapped_column(sa.String(80), unique=True)
    #: An edited Kobo/ODK submission names the instance it replaces.
    replaces_instance_id: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    submitted_at: so.Mapped[datetime | None]
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    enterprise: so.Mapped[Enterprise] = so.relationship()
    monitor: so.Mapped[User | None] = so.relationship(foreign_keys=[monitor_id])
    problems: so.Mapped[list[VisitProblem]] = so.relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    kit_items: so.Mapped[list[VisitKitItem]] = so.relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )


class VisitProblem(db.Model):
    __tablename__ = "visit_problem"
    __table_args__ = (sa.PrimaryKeyConstraint("visit_id", "problem"),)

    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"))
    problem: so.Mapped[Problem] = so.mapped_column(enum_column(Problem, "problem"))

    visit: so.Mapped[Visit] = so.relationship(back_populates="problems")


class VisitKitItem(db.Model):
    """What the monitor saw of one delivered kit item."""

    __tablename__ = "visit_kit_item"
    __table_args__ = (sa.PrimaryKeyConstraint("visit_id", "delivery_item_id"),)

    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"))
    delivery_item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("kit_delivery_item.id"))
    condition: so.Mapped[KitItemCondition] = so.mapped_column(
        enum_column(KitItemCondition, "kit_item_condition")
    )

    visit: so.Mapped[Visit] = so.relationship(back_populates="kit_items")
    delivery_item: so.Mapped[KitDeliveryItem] = so.relationship()


class ScoreWeight(db.Model):
    """Weight of a reintegration item within its dimension, or of a dimension within
    the composite (``code`` = the dimension's name). Equal weights by default: the
    composite is then the plain mean of the three dimensions, as in the study."""

    __tablename__ = "score_weight"

    code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    weight: so.Mapped[Decimal] = so.mapped_column(Rate())
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class FlagRule(db.Model):
    """One signal of DOMAIN.md §6 with its thresholds (data an admin edits).

    The meaning of each threshold depends on the rule (days, a % drop, a % of kit
    value, a DSCR, a score, a number of overdue visits); ``domain/monitoring/flags.py``
    documents each. A threshold left empty means that level is not raised.
    """

    __tablename__ = "flag_rule"

    code: so.Mapped[FlagRuleCode] = so.mapped_column(
        enum_column(FlagRuleCode, "flag_rule_code"), primary_key=True
    )
    enabled: so.Mapped[bool] = so.mapped_column(default=True)
    watch_threshold: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    at_risk_threshold: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    critical_threshold: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class Flag(db.Model):
    """A signal raised on an enterprise, with the evidence that raised it.

    Kept when it clears (``cleared_at``) so the history shows what was seen when.
    The sentence people read is built from ``rule`` and ``evidence`` in their language.
    """

    __tablename__ = "flag"
    __table_args__ = (sa.Index("ix_flag_enterprise_id_cleared_at", "enterprise_id", "cleared_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"))
    rule: so.Mapped[FlagRuleCode] = so.mapped_column(enum_column(FlagRuleCode, "flag_rule_code"))
    level: so.Mapped[RiskLevel] = so.mapped_column(enum_column(RiskLevel, "risk_level"))
    #: The values that triggered it: {"days_past_due": 45, "loan_id": 12, …}.
    evidence: so.Mapped[dict] = so.mapped_column(sa.JSON)
    visit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("visit.id"))
    loan_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("loan.id"))
    raised_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    cleared_at: so.Mapped[datetime | None]

    enterprise: so.Mapped[Enterprise] = so.relationship()


class EnterpriseRisk(db.Model):
    """An enterprise's current level (the highest of its open flags), kept beside the
    enterprise so dashboards filter and count by level in one indexed query."""

    __tablename__ = "enterprise_risk"

    enterprise_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enterprise.id"), primary_key=True
    )
    level: so.Mapped[RiskLevel] = so.mapped_column(enum_column(RiskLevel, "risk_level"), index=True)
    open_flags: so.Mapped[int] = so.mapped_column(default=0)
    computed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class FollowUpAction(db.Model):
    """What was decided about a struggling enterprise, who does it and by when."""

    __tablename__ = "follow_up_action"
    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'resolved' OR (resolved_on IS NOT NULL AND resolution_note IS NOT NULL)",
            "resolved_has_note",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enterprise_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    flag_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("flag.id"), index=True)
    kind: so.Mapped[ActionKind] = so.mapped_column(enum_column(ActionKind, "action_kind"))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    due_on: so.Mapped[date]
    status: so.Mapped[ActionStatus] = so.mapped_column(
        enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN, index=True
    )
    resolved_on: so.Mapped[date | None]
    resolution_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    enterprise: so.Mapped[Enterprise] = so.relationship()
    owner: so.Mapped[User] = so.relationship(foreign_keys=[owner_id])
    created_by: so.Mapped[User] = so.relationship(foreign_keys=[created_by_id])
    flag: so.Mapped[Flag | None] = so.relationship()
