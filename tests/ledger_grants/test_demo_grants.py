"""Demo grants and allowances look like a real programme and respect every rule."""

from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.vocabulary import Role
from portfolio.models import Enterprise, Grant, GrantTranche, JournalEntry, Programme, db
from portfolio.models.sql import sum_xof
from portfolio.services.budgets import line_totals
from portfolio.services.demo import seed_portfolio
from portfolio.services.demo_grants import demo_enterprise_rows, seed_grants_demo


def seed(enterprises: int, seed: int = 7, min_id: int = 1):
    seed_portfolio(enterprises, seed=seed)
    programmes = db.session.scalars(sa.select(Programme.id)).all()
    return seed_grants_demo(random.Random(seed), programmes, demo_enterprise_rows(min_id))


def test_about_four_enterprises_in_ten_get_a_grant_whose_tranches_add_up(app, reference, users):
    summary = seed(400)

    enterprises = db.session.scalar(sa.select(sa.func.count(Enterprise.id)))
    assert 0.3 < summary.grants / enterprises < 0.5
    assert summary.payments > summary.grants  # most tranches past due are paid
    assert summary.reversals >= 1 and summary.allowances > 0
    sums = sa.select(Grant.amount_xof, sum_xof(GrantTranche.planned_xof)).join(GrantTranche)
    for amount, planned in db.session.execute(sums.group_by(Grant.id, Grant.amount_xof)):
        assert amount == planned
        assert 300_000 <= amount <= 1_968_000
    cancelled = sa.select(sa.func.count()).where(GrantTranche.cancelled_on.is_not(None))
    assert db.session.scalar(cancelled) > 0


def test_demo_money_stays_within_its_budget_lines_and_in_the_past(app, reference, users):
    seed(300)
    seed(100, seed=8, min_id=301)  # a second batch raises the same lines

    for line in line_totals():
        assert line.disbursed_xof <= line.committed_xof <= line.amount_xof, line
    latest = db.session.scalar(sa.select(sa.func.max(JournalEntry.value_on)))
    assert latest <= date.today()
    reversed_payments = db.session.scalar(
        sa.select(sa.func.count()).where(JournalEntry.kind == EntryKind.REVERSAL)
    )
    assert reversed_payments >= 1


def test_the_pages_open_on_demo_data(app, reference, users, login):
    seed(150)
    client = login(Role.MANAGER)
    grant_id = db.session.scalar(sa.select(Grant.id).order_by(Grant.id))
    programme_id = db.session.scalar(sa.select(Programme.id).order_by(Programme.id))

    for url in (
        "/budgets/",
        f"/budgets/programmes/{programme_id}",
        "/subventions/?status=to_pay",
        f"/subventions/{grant_id}",
        "/subventions/allocations-formation",
    ):
        assert client.get(url).status_code == 200, url
