"""Recomputing flags in the database: raise, keep, clear (with history), levels."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.domain.loans.terms import Frequency
from portfolio.domain.monitoring.vocabulary import BusinessStatus, FlagRuleCode, RiskLevel
from portfolio.models import EnterpriseRisk, Flag, FlagRule, db
from portfolio.services.flags import monthly_equivalent, recompute_all, refresh_enterprises
from tests.ledger_loans.conftest import Loans, terms
from tests.monitoring_flags.conftest import TODAY, add_planned, add_visit, days_ago

pytestmark = pytest.mark.usefixtures("english_messages")


def open_flags(enterprise_id: int) -> dict[FlagRuleCode, Flag]:
    rows = db.session.scalars(
        sa.select(Flag).where(Flag.enterprise_id == enterprise_id, Flag.cleared_at.is_(None))
    )
    return {f.rule: f for f in rows}


def all_flags(enterprise_id: int) -> list[Flag]:
    return list(
        db.session.scalars(
            sa.select(Flag).where(Flag.enterprise_id == enterprise_id).order_by(Flag.id)
        )
    )


def risk(enterprise_id: int) -> EnterpriseRisk | None:
    return db.session.get(EnterpriseRisk, enterprise_id)


def set_rule(code: FlagRuleCode, **values) -> None:
    # Core update: flag_rule's key is a string, which the audit listener cannot log.
    db.session.execute(sa.update(FlagRule).where(FlagRule.code == code).values(**values))
    db.session.commit()


def refresh(*ids: int) -> None:
    refresh_enterprises(ids)
    db.session.commit()
    db.session.expire_all()


def test_visit_signals_raise_flags_with_evidence(make):
    e = make()
    first = add_visit(e, days_ago(100), monthly_sales_xof=45_000)
    latest = add_visit(
        e, days_ago(10), monthly_sales_xof=20_000, owner_present=False, kit_retained_pct=25
    )
    refresh(e.id)
    flags = open_flags(e.id)
    assert set(flags) == {
        FlagRuleCode.SALES_DROP,
        FlagRuleCode.OWNER_ABSENT,
        FlagRuleCode.KIT_RETAINED,
    }
    drop = flags[FlagRuleCode.SALES_DROP]
    assert drop.level == RiskLevel.AT_RISK
    assert drop.visit_id == latest.id
    assert drop.evidence["previous_visit_id"] == first.id
    assert drop.evidence["drop_pct"] == 56
    assert flags[FlagRuleCode.OWNER_ABSENT].level == RiskLevel.WATCH
    assert risk(e.id).level == RiskLevel.AT_RISK
    assert risk(e.id).open_flags == 3


def test_enterprise_without_signals_is_ok(make):
    e = make()
    add_visit(e, days_ago(5), monthly_sales_xof=50_000)
    refresh(e.id)
    assert open_flags(e.id) == {}
    assert risk(e.id).level == RiskLevel.OK


def test_unchanged_flag_is_kept_and_cleared_one_stays_in_history(make):
    e = make()
    add_visit(e, days_ago(30), status=BusinessStatus.TEMPORARILY_CLOSED)
    refresh(e.id)
    first = open_flags(e.id)[FlagRuleCode.BUSINESS_STATUS]
    refresh(e.id)
    assert open_flags(e.id)[FlagRuleCode.BUSINESS_STATUS].id == first.id
    assert len(all_flags(e.id)) == 1

    # Level changes: the watch flag clears, an at-risk one opens.
    add_visit(e, days_ago(20), status=BusinessStatus.CLOSED)
    refresh(e.id)
    history = all_flags(e.id)
    assert [(f.level, f.cleared_at is not None) for f in history] == [
        (RiskLevel.WATCH, True),
        (RiskLevel.AT_RISK, False),
    ]
    # Reopened: the flag clears, its rows stay.
    add_visit(e, days_ago(1))
    refresh(e.id)
    assert open_flags(e.id) == {}
    assert len(all_flags(e.id)) == 2
    assert all(f.cleared_at is not None for f in all_flags(e.id))
    assert risk(e.id).level == RiskLevel.OK and risk(e.id).open_flags == 0


def test_refresh_only_touches_the_given_enterprises(make):
    a, b = make(), make("Sikasso")
    add_visit(a, days_ago(3), status=BusinessStatus.CLOSED)
    add_visit(b, days_ago(3), status=BusinessStatus.CLOSED)
    refresh(a.id)
    assert open_flags(a.id) and not open_flags(b.id)
    assert risk(b.id) is None


def test_refresh_ignores_unknown_ids_and_empty_input(make):
    e = make()
    refresh_enterprises([])
    refresh(e.id, 999_999)
    assert risk(e.id).level == RiskLevel.OK
    assert risk(999_999) is None


def test_refresh_does_not_commit(make):
    e = make()
    add_visit(e, days_ago(3), status=BusinessStatus.CLOSED)
    refresh_enterprises([e.id])
    db.session.rollback()
    assert open_flags(e.id) == {}


def test_disabled_rule_clears_its_open_flags(make):
    e = make()
    add_visit(e, days_ago(3), status=BusinessStatus.MOVED)
    refresh(e.id)
    assert FlagRuleCode.BUSINESS_STATUS in open_flags(e.id)
    set_rule(FlagRuleCode.BUSINESS_STATUS, enabled=False)
    refresh(e.id)
    assert open_flags(e.id) == {}


def test_overdue_planned_visits(make):
    e = make()
    add_planned(e, days_ago(40))
    add_planned(e, TODAY)  # due today: not late
    refresh(e.id)
    assert open_flags(e.id)[FlagRuleCode.VISITS_OVERDUE].level == RiskLevel.WATCH
    add_planned(e, days_ago(1))
    refresh(e.id)
    flag = open_flags(e.id)[FlagRuleCode.VISITS_OVERDUE]
    assert flag.level == RiskLevel.AT_RISK and flag.evidence == {"overdue": 2}


def test_loan_in_arrears_and_dscr(make, users, lender):
    e = make()
    loans = Loans(users, e, lender)
    loan = loans.active(loan_terms=terms(120_000, n=12, disbursed_on=days_ago(400)))
    add_visit(e, days_ago(2), net_income_xof=5_000)
    refresh(e.id)
    flags = open_flags(e.id)
    dpd = flags[FlagRuleCode.LOAN_DAYS_PAST_DUE]
    assert dpd.loan_id == loan.id
    assert dpd.level == RiskLevel.CRITICAL
    assert dpd.evidence["days_past_due"] > 300
    dscr = flags[FlagRuleCode.DSCR]
    assert dscr.level == RiskLevel.AT_RISK
    assert dscr.loan_id == loan.id
    # 12 monthly instalments of about 11 350 F
    assert 11_000 < dscr.evidence["instalment_xof"] < 12_000
    assert risk(e.id).level == RiskLevel.CRITICAL


def test_monthly_equivalent():
    assert monthly_equivalent(120_000, 12, Frequency.MONTHLY) == 10_000
    assert monthly_equivalent(52_000, 52, Frequency.WEEKLY) == 4_333
    assert monthly_equivalent(30_000, 4, Frequency.QUARTERLY) == 2_500
    assert monthly_equivalent(0, 0, Frequency.MONTHLY) == 0


def test_recompute_all_equals_refresh_of_each(make):
    made = [make(r) for r in ("Kayes", "Sikasso", "Kayes", "Mopti")]
    add_visit(made[0], days_ago(3), status=BusinessStatus.CLOSED)
    add_visit(made[1], days_ago(30), monthly_sales_xof=100_000, composite_score=Decimal("0.8"))
    add_visit(made[1], days_ago(3), monthly_sales_xof=65_000, composite_score=Decimal("0.3"))
    add_planned(made[2], days_ago(10))

    for e in made:
        refresh(e.id)
    by_refresh = {
        e.id: sorted((f.rule, f.level, str(f.evidence)) for f in open_flags(e.id).values())
        for e in made
    }
    levels = {e.id: risk(e.id).level for e in made}

    summary = recompute_all(chunk_size=2)
    db.session.expire_all()
    assert summary.enterprises == 4
    assert summary.raised == 0 and summary.cleared == 0
    assert summary.kept == sum(len(v) for v in by_refresh.values())
    assert {
        e.id: sorted((f.rule, f.level, str(f.evidence)) for f in open_flags(e.id).values())
        for e in made
    } == by_refresh
    assert {e.id: risk(e.id).level for e in made} == levels
    assert summary.levels[RiskLevel.OK] == 1
    assert summary.levels[RiskLevel.AT_RISK] == 2


def test_recompute_all_reports_progress(make):
    for _ in range(3):
        make()
    calls = []
    summary = recompute_all(lambda done, total: calls.append((done, total)), chunk_size=2)
    assert calls == [(2, 3), (3, 3)]
    assert summary.levels[RiskLevel.OK] == 3 and summary.seconds >= 0


def test_evidence_refreshes_on_a_kept_flag(make):
    e = make()
    add_planned(e, days_ago(40))
    refresh(e.id)
    before = open_flags(e.id)[FlagRuleCode.VISITS_OVERDUE]
    add_planned(e, days_ago(30))
    set_rule(FlagRuleCode.VISITS_OVERDUE, at_risk_threshold=Decimal(5))
    refresh(e.id)
    after = open_flags(e.id)[FlagRuleCode.VISITS_OVERDUE]
    assert after.id == before.id and after.evidence == {"overdue": 2}


def test_loan_fixture_dates_are_sane():
    assert days_ago(400) + timedelta(days=400) == TODAY
