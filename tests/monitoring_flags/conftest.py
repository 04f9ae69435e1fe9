"""Enterprises with visits, planned visits and loans, for the flag tests."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portfolio.domain.monitoring.vocabulary import BusinessStatus, VisitSource
from portfolio.domain.vocabulary import Role, Sex
from portfolio.models import Enterprise, PlannedVisit, Visit, db
from tests.ledger_loans.conftest import make_enterprise

TODAY = date.today()
_sequence = count(1)


@pytest.fixture
def english_messages(app):
    """Services answer in the locale of their context; tests read the English msgids."""
    with force_locale("en"):
        yield


@pytest.fixture
def login(client, auth):
    def login_as(role: Role, locale: str = "en"):
        auth.logout()
        auth.login(role)
        client.post("/langue", data={"locale": locale, "next": "/"})
        return client

    return login_as


def add_visit(
    enterprise: Enterprise | int,
    visited_on: date,
    *,
    status: BusinessStatus = BusinessStatus.OPERATING,
    owner_present: bool = True,
    commit: bool = True,
    **values,
) -> Visit:
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.id
    v = Visit(
        enterprise_id=enterprise_id,
        visited_on=visited_on,
        owner_present=owner_present,
        business_status=status,
        source=VisitSource.DEMO,
        paid_employees=0,
        family_workers=0,
        kit_sold=values.pop("kit_sold", False),
        **values,
    )
    db.session.add(v)
    if commit:
        db.session.commit()
    return v


def add_planned(enterprise: Enterprise, due_on: date, visit_id: int | None = None):
    n = db.session.scalar(
        sa.select(sa.func.count()).where(PlannedVisit.enterprise_id == enterprise.id)
    )
    p = PlannedVisit(
        enterprise_id=enterprise.id,
        sequence=n + 1,
        months_after_support=(n + 1) * 3,
        due_on=due_on,
        visit_id=visit_id,
    )
    db.session.add(p)
    db.session.commit()
    return p


@pytest.fixture
def make(users):
    """make(region="Kayes") -> a new enterprise."""

    def _make(region: str = "Kayes", sex: Sex = Sex.FEMALE) -> Enterprise:
        return make_enterprise(region, sex)

    return _make


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def lender(app):
    from portfolio.models import Lender
    from portfolio.services.demo import seed_lenders

    seed_lenders()
    return db.session.scalar(
        sa.select(Lender).where(Lender.lender_type == "sfd").order_by(Lender.id)
    )
