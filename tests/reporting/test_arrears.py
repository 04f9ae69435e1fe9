"""Arrears and PAR computed in SQL agree with the pure rules (portfolio.domain.ledger)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger import Due, Payment, allocate, arrears_on, par
from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import (
    Enterprise,
    JournalEntry,
    Lender,
    Loan,
    LoanAllocation,
    LoanInstalment,
    db,
)
from portfolio.reporting.arrears import ArrearsFilter, due_and_late, portfolio_quality
from portfolio.services.demo import seed_portfolio
from portfolio.services.loan_records import with_cumulative

START = date(2025, 6, 15)


def _make_portfolio(users, loans: int, seed: int):
    """Loans with schedules, repayments (some reversed, some backdated) and a write-off,
    stored as the services store them. Returns, per loan, what the pure rules need."""
    rng = random.Random(seed)
    seed_portfolio(loans)
    lender = Lender(name=f"Caisse {seed}", lender_type="sfd")
    db.session.add(lender)
    db.session.flush()
    creator, approver = users[Role.FINANCE].id, users[Role.MANAGER].id
    truth = []
    for enterprise_id in db.session.scalars(sa.select(Enterprise.id).limit(loans)):
        n = rng.choice([3, 6, 12])
        dues = [
            Due(
                k,
                START + timedelta(days=30 * k),
                rng.choice([0, 250]),
                rng.randint(500, 3_000),
                rng.randint(5_000, 40_000),
            )
            for k in range(1, n + 1)
        ]
        amount = sum(d.principal_xof for d in dues)
        loan = Loan(
            enterprise_id=enterprise_id,
            lender_id=lender.id,
            status=LoanStatus.ACTIVE,
            amount_xof=amount,
            annual_rate=0,
            method="flat",
            frequency="monthly",
            instalments=n,
            applied_on=START,
            created_by_id=creator,
            approved_by_id=approver,
            approved_on=START,
            disbursed_on=START,
            schedule_version=1,
        )
        db.session.add(loan)
        db.session.flush()
        ids = {}
        for d, cumulative in with_cumulative(dues):
            row = LoanInstalment(
                loan_id=loan.id,
                schedule_version=1,
                number=d.number,
                due_on=d.due_on,
                principal_xof=d.principal_xof,
                interest_xof=d.interest_xof,
                fee_xof=d.fee_xof,
                cumulative_xof=cumulative,
            )
            db.session.add(row)
            db.session.flush()
            ids[d.number] = row.id
        db.session.add(
            JournalEntry(
                kind=EntryKind.LOAN_DISBURSEMENT,
                value_on=START,
                amount_xof=amount,
                loan_id=loan.id,
                enterprise_id=enterprise_id,
            )
        )
        payments = []
        for _ in range(rng.randint(0, n + 2)):
            entry = JournalEntry(
                kind=EntryKind.LOAN_REPAYMENT,
                loan_id=loan.id,
                value_on=START + timedelta(days=rng.randint(1, 400)),
                amount_xof=rng.randint(1_000, 45_000),
            )
            db.session.add(entry)
            db.session.flush()
            if rng.random() < 0.15:  # a mistake, reversed: it must not count
                db.session.add(
                    JournalEntry(
                        kind=EntryKind.REVERSAL,
                        reverses_id=entry.id,
                        reason="erreur",
                        value_on=entry.value_on,
                        amount_xof=entry.amount_xof,
                        loan_id=loan.id,
                    )
                )
            else:
                payments.append(Payment(entry.id, entry.value_on, entry.amount_xof))
        result = allocate(dues, payments)
        for a in result.allocations:
            db.session.add(
                LoanAllocation(
                    loan_id=loan.id,
                    instalment_id=ids[a.number],
                    entry_id=a.entry_id,
                    paid_on=a.paid_on,
                    fee_xof=a.fee_xof,
                    interest_xof=a.interest_xof,
                    principal_xof=a.principal_xof,
                )
            )
        written_off = rng.random() < 0.05
        if written_off:
            db.session.add(
                JournalEntry(
                    kind=EntryKind.LOAN_WRITE_OFF,
                    loan_id=loan.id,
                    value_on=START + timedelta(days=200),
                    amount_xof=1,
                    reason="perte",
                )
            )
        truth.append((loan.id, dues, result.allocations, amount, written_off))
    db.session.commit()
    return truth


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_arrears_and_par_agree_with_the_pure_rules_on_any_date(users, seed):
    truth = _make_portfolio(users, 40, seed)
    for days in (0, 29, 31, 95, 200, 250, 420):
        as_of = START + timedelta(days=days)
        expected = {
            loan_id: arrears_on(
                as_of, dues, allocations, lent, written_off and as_of >= START + timedelta(days=200)
            )
            for loan_id, dues, allocations, lent, written_off in truth
        }
        quality = portfolio_quality(as_of)
        live = [a for a in expected.values() if a.outstanding_principal_xof > 0]
        assert quality.outstanding_xof == sum(a.outstanding_principal_xof for a in live)
        assert quality.overdue_xof == sum(a.overdue_xof for a in live)
        assert quality.par30 == par(live, 30)
        assert quality.par90 == par(live, 90)
        by_bucket = {b.bucket: b.loans for b in quality.buckets}
        for bucket in by_bucket:
            assert by_bucket[bucket] == sum(1 for a in live if a.bucket == bucket)
        listed = due_and_late(as_of, ArrearsFilter(), 1, 200)
        late_ids = {row.loan_id: row.days_past_due for row in listed.items if row.days_past_due > 0}
        assert late_ids == {
            loan_id: a.days_past_due
            for loan_id, a in expected.items()
            if a.days_past_due > 0 and a.outstanding_principal_xof > 0
        }
        days_late = [row.days_past_due for row in listed.items if row.days_past_due > 0]
        assert days_late == sorted(days_late, reverse=True)


def test_an_empty_portfolio_has_no_risk(app):
    quality = portfolio_quality(date(2026, 1, 1))
    assert quality.loans == 0 and quality.par30 == 0 and quality.outstanding_xof == 0


def test_the_arrears_page_and_the_api_show_the_same_par(client, auth, users, app):
    from portfolio.services.users import issue_api_token

    _make_portfolio(users, 25, 3)
    as_of = (START + timedelta(days=250)).isoformat()
    quality = portfolio_quality(START + timedelta(days=250))
    assert quality.loans > 0
    auth.login(Role.FINANCE)
    page = client.get(f"/prets/retards?as_of={as_of}")
    assert page.status_code == 200
    shown = f"{quality.par30 * 100:.1f}".replace(".", ",") + "\u00a0%"
    assert shown in page.text
    token = issue_api_token(users[Role.FINANCE])
    body = client.get(
        f"/api/v1/portfolio/arrears?as_of={as_of}", headers={"Authorization": f"Bearer {token}"}
    ).json
    assert body["outstanding_xof"] == quality.outstanding_xof
    assert body["par30_xof"] == quality.par30_xof and body["loans"] == quality.loans


def test_a_future_or_garbled_date_is_explained_not_a_crash(client, auth, users, app):
    from portfolio.services.users import issue_api_token

    auth.login(Role.MANAGER)
    page = client.get("/prets/retards?as_of=2999-01-01")
    assert page.status_code == 200 and 'class="error"' in page.text
    assert client.get("/prets/retards?as_of=hier&lender_id=abc").status_code == 200
    token = issue_api_token(users[Role.MANAGER])
    response = client.get(
        "/api/v1/portfolio/arrears?as_of=2999-01-01", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422 and "as_of" in response.json["error"]["fields"]


def test_a_field_monitor_sees_only_the_arrears_of_their_region(client, auth, users, app):
    _make_portfolio(users, 30, 4)
    as_of = START + timedelta(days=300)
    kayes = users[Role.MONITOR].region_id
    everywhere = portfolio_quality(as_of)
    in_kayes = portfolio_quality(as_of, ArrearsFilter(scope_region_id=kayes))
    assert in_kayes.loans < everywhere.loans
    auth.login(Role.MONITOR)
    page = client.get(f"/prets/retards?as_of={as_of.isoformat()}")
    assert page.status_code == 200
    first_figure = page.text.split('class="figure"><strong>', 1)[1].split("</strong>", 1)[0]
    assert first_figure == str(in_kayes.loans)
