"""A small demo portfolio with a few flags, follow-up actions and visits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.monitoring.vocabulary import (
    ActionKind,
    ActionStatus,
    BusinessStatus,
    FlagRuleCode,
    RiskLevel,
    VisitSource,
)
from portfolio.domain.vocabulary import Role
from portfolio.models import (
    Enterprise,
    EnterpriseRisk,
    Flag,
    FollowUpAction,
    Loan,
    Programme,
    Visit,
    db,
)
from portfolio.services.demo import (
    next_enterprise_id,
    seed_lenders,
    seed_portfolio,
    seed_support,
)

PROGRAMME = "UE-OIM-2017"
PERIOD = (date(2025, 1, 1), date.today())


@pytest.fixture
def english_messages(app):
    """Services answer in the locale of their context; tests read the English msgids."""
    with force_locale("en"):
        yield


@pytest.fixture
def login(client, auth):
    def login_as(role: Role, locale: str = "en") -> None:
        auth.login(role)
        client.post("/langue", data={"locale": locale, "next": "/"})

    return login_as


@pytest.fixture
def demo(users) -> Programme:
    """60 enterprises with grants, kits, allowances and loans; in the UE-OIM programme,
    one critical and one at-risk enterprise, follow-up actions, and visits with incomes."""
    seed_lenders()
    first = next_enterprise_id()
    seed_portfolio(60, seed=11)
    seed_support(first, seed=11)
    programme = db.session.scalar(sa.select(Programme).where(Programme.code == PROGRAMME))
    ids = db.session.scalars(
        sa.select(Enterprise.id)
        .where(Enterprise.programme_id == programme.id)
        .order_by(Enterprise.id)
        .limit(3)
    ).all()
    manager = users[Role.MANAGER]
    # The demo may raise its own flags: these tests know exactly which ones exist.
    for model in (FollowUpAction, Flag, EnterpriseRisk):
        db.session.execute(sa.delete(model))
    db.session.add_all(
        [
            EnterpriseRisk(enterprise_id=ids[0], level=RiskLevel.CRITICAL, open_flags=1),
            EnterpriseRisk(enterprise_id=ids[1], level=RiskLevel.AT_RISK, open_flags=1),
            EnterpriseRisk(enterprise_id=ids[2], level=RiskLevel.WATCH, open_flags=1),
            Flag(
                enterprise_id=ids[0],
                rule=FlagRuleCode.BUSINESS_STATUS,
                level=RiskLevel.CRITICAL,
                evidence={"status": "closed"},
            ),
            Flag(
                enterprise_id=ids[1],
                rule=FlagRuleCode.OWNER_ABSENT,
                level=RiskLevel.AT_RISK,
                evidence={},
            ),
            FollowUpAction(
                enterprise_id=ids[0],
                kind=ActionKind.EXTRA_TRAINING,
                description="Formation en gestion de stock",
                owner_id=manager.id,
                created_by_id=manager.id,
                due_on=date.today() + timedelta(days=20),
                status=ActionStatus.OPEN,
                created_at=datetime.now() - timedelta(days=10),
            ),
            FollowUpAction(
                enterprise_id=ids[1],
                kind=ActionKind.PARTNER_REFERRAL,
                description="Orientation vers la caisse",
                owner_id=manager.id,
                created_by_id=manager.id,
                due_on=date.today() - timedelta(days=5),
                status=ActionStatus.RESOLVED,
                resolved_on=date.today() - timedelta(days=2),
                resolution_note="Fait",
                created_at=datetime.now() - timedelta(days=30),
            ),
        ]
    )
    borrowers = db.session.scalars(
        sa.select(Loan.enterprise_id).where(Loan.status == LoanStatus.ACTIVE).distinct()
    ).all()
    for number, enterprise_id in enumerate(borrowers):
        db.session.add(
            Visit(
                enterprise_id=enterprise_id,
                visited_on=date.today(),  # the latest visit: its income counts
                owner_present=True,
                business_status=BusinessStatus.OPERATING,
                net_income_xof=(number % 5) * 25_000,
                source=VisitSource.WEB,
                instance_id=f"test-{enterprise_id}",
            )
        )
    db.session.commit()
    return programme
