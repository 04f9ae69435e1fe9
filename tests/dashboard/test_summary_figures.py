"""The summary's figures equal independent counts over the same tables."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.domain.vocabulary import EnterpriseStatus, MemberRole, Sex
from portfolio.models import (
    Beneficiary,
    Commune,
    Enterprise,
    EnterpriseMember,
    EnterpriseRisk,
    JournalEntry,
    PlannedVisit,
    Region,
    Visit,
    db,
)
from portfolio.reporting.arrears import ArrearsFilter, portfolio_quality
from portfolio.reporting.dashboard import monthly_disbursements, portfolio_breakdown
from portfolio.reporting.dashboard_trends import (
    month_ends,
    par_trend,
    scores_by_community,
    survival_cohorts,
)
from portfolio.reporting.summary import PortfolioFilters, portfolio_summary
from portfolio.services.budgets import line_totals

TODAY = date.today()


def _enterprises() -> list:
    return db.session.execute(
        sa.select(
            Enterprise.id,
            Enterprise.status,
            Enterprise.commune_id,
            Enterprise.village_id,
            Enterprise.sector_id,
            Enterprise.paid_employees,
            Enterprise.family_workers,
            Commune.region_id,
        ).join(Commune)
    ).all()


def test_people_enterprises_and_jobs_match_plain_counts(demo):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    people = db.session.scalars(sa.select(Beneficiary.sex)).all()
    assert s.beneficiaries == len(people) > 0
    assert s.women == sum(1 for sex in people if sex == Sex.FEMALE)
    rows = _enterprises()
    status = Counter(r.status for r in rows)
    assert s.enterprises == len(rows) == 60
    assert s.enterprises_active == status[EnterpriseStatus.ACTIVE]
    assert s.enterprises_paused == status[EnterpriseStatus.TEMPORARILY_CLOSED]
    assert s.enterprises_closed == status[EnterpriseStatus.CLOSED]
    active = {r.id for r in rows if r.status == EnterpriseStatus.ACTIVE}
    members = db.session.scalars(sa.select(EnterpriseMember.enterprise_id)).all()
    assert s.jobs_owners == sum(1 for e in members if e in active)
    assert s.jobs_paid == sum(r.paid_employees for r in rows if r.id in active)
    assert s.jobs_family == sum(r.family_workers for r in rows if r.id in active)
    assert s.communes == len({r.commune_id for r in rows})
    assert s.villages == len({r.village_id for r in rows if r.village_id})
    assert s.sectors == len({r.sector_id for r in rows})


def test_money_per_instrument_is_what_the_budget_pages_show(demo):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    committed, disbursed, budget = Counter(), Counter(), Counter()
    for line in line_totals():
        committed[line.instrument.value] += line.committed_xof
        disbursed[line.instrument.value] += line.disbursed_xof
        budget[line.instrument.value] += line.amount_xof
    for m in s.money:
        assert (m.budget_xof, m.committed_xof, m.disbursed_xof) == (
            budget[m.instrument],
            committed[m.instrument],
            disbursed[m.instrument],
        )
    assert s.disbursed_xof > 0


def test_loans_and_par_are_the_arrears_report(demo):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    quality = portfolio_quality(TODAY)
    assert s.loans == quality.loans > 0
    assert (s.outstanding_xof, s.par30_xof, s.par90_xof) == (
        quality.outstanding_xof,
        quality.par30_xof,
        quality.par90_xof,
    )


def test_risk_levels_count_enterprises_without_a_level_as_ok(demo):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    levels = Counter(db.session.scalars(sa.select(EnterpriseRisk.level)).all())
    without = 60 - sum(levels.values())
    assert s.risk[RiskLevel.OK] == levels[RiskLevel.OK] + without
    for level in (RiskLevel.WATCH, RiskLevel.AT_RISK, RiskLevel.CRITICAL):
        assert s.risk[level] == levels[level]
    assert sum(s.risk.values()) == 60
    assert s.at_risk == levels[RiskLevel.AT_RISK] + levels[RiskLevel.CRITICAL]


def test_visits_done_and_due_count_the_plan_up_to_the_date(demo):
    as_of = TODAY - timedelta(days=90)
    s = portfolio_summary(PortfolioFilters(), as_of)
    plan = db.session.execute(
        sa.select(PlannedVisit.due_on, Visit.visited_on).outerjoin(
            Visit, Visit.id == PlannedVisit.visit_id
        )
    ).all()
    due = [p for p in plan if p.due_on <= as_of]
    assert s.visits_due == len(due) > 0
    assert s.visits_done == sum(1 for p in due if p.visited_on and p.visited_on <= as_of)


def test_a_region_filter_narrows_every_figure_to_that_region(demo):
    region_id = db.session.scalar(sa.select(Region.id).where(Region.name == "Kayes"))
    s = portfolio_summary(PortfolioFilters(region_id=region_id), TODAY)
    rows = [r for r in _enterprises() if r.region_id == region_id]
    assert s.enterprises == len(rows) > 0
    people = db.session.scalar(
        sa.select(sa.func.count(Beneficiary.id)).join(Commune).where(Commune.region_id == region_id)
    )
    assert s.beneficiaries == people
    quality = portfolio_quality(TODAY, ArrearsFilter(region_id=region_id))
    assert s.outstanding_xof == quality.outstanding_xof
    # Money handed out to the region's enterprises (every demo entry names one).
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(JournalEntry.amount_xof), 0))
        .join(Enterprise, Enterprise.id == JournalEntry.enterprise_id)
        .join(Commune, Commune.id == Enterprise.commune_id)
        .where(
            Commune.region_id == region_id,
            JournalEntry.kind == EntryKind.KIT_DELIVERY,
            JournalEntry.budget_line_id.is_not(None),
            ~sa.exists()
            .where(sa.literal_column("r.reverses_id") == JournalEntry.id)
            .select_from(sa.table("journal_entry").alias("r")),
        )
    )
    kit = next(m for m in s.money if m.instrument == "kit")
    assert kit.disbursed_xof == int(paid)


def test_a_sex_filter_counts_women_and_women_led_enterprises(demo):
    s = portfolio_summary(PortfolioFilters(sex=Sex.FEMALE), TODAY)
    assert s.beneficiaries == s.women
    led_by_women = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(EnterpriseMember.enterprise_id)))
        .join(Beneficiary)
        .where(
            EnterpriseMember.role.in_((MemberRole.OWNER, MemberRole.PRESIDENT)),
            Beneficiary.sex == Sex.FEMALE,
        )
    )
    assert s.enterprises == led_by_women


def test_a_kit_filter_keeps_enterprises_that_received_a_kit_and_only_kit_money(demo):
    s = portfolio_summary(PortfolioFilters(instrument="kit"), TODAY)
    assert [m.instrument for m in s.money] == ["kit"]
    reversed_ids = sa.select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.is_not(None))
    with_kit = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(JournalEntry.enterprise_id))).where(
            JournalEntry.kind == EntryKind.KIT_DELIVERY, JournalEntry.id.not_in(reversed_ids)
        )
    )
    assert s.enterprises == with_kit > 0
    assert s.loans == 0  # loan figures are shown for "all" or "loan" only


def test_par_at_each_month_end_is_the_arrears_report_on_that_day(demo):
    points = par_trend(PortfolioFilters(), TODAY)
    assert [p.on for p in points] == month_ends(TODAY)
    assert points[-1].on == TODAY
    for point in points:
        quality = portfolio_quality(point.on)
        assert (point.outstanding_xof, point.par30_xof, point.par90_xof) == (
            quality.outstanding_xof,
            quality.par30_xof,
            quality.par90_xof,
        )


def test_cumulated_disbursements_end_at_the_summary_total(demo):
    monthly = monthly_disbursements(PortfolioFilters(), TODAY)
    s = portfolio_summary(PortfolioFilters(), TODAY)
    assert monthly.cumulative_total[-1] == s.disbursed_xof
    assert monthly.budget_xof == s.budget_xof
    assert monthly.months[-1] == TODAY.replace(day=1)


def test_breakdowns_add_up_to_the_summary(demo):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    b = portfolio_breakdown(PortfolioFilters(), TODAY, "fr")
    for groups in (b.by_region, b.by_sector):
        assert sum(g.enterprises for g in groups) == s.enterprises
        assert sum(g.active for g in groups) == s.enterprises_active
        assert sum(g.disbursed_xof for g in groups) == s.disbursed_xof
    for level, n in s.risk.items():
        assert sum(g.risk[level] for g in b.by_region) == n


def test_scores_by_community_are_means_of_each_enterprises_latest_visit(demo):
    rows = scores_by_community(PortfolioFilters(), TODAY)
    latest: dict[int, Visit] = {}
    for visit in db.session.scalars(sa.select(Visit).order_by(Visit.visited_on, Visit.id)):
        if visit.composite_score is not None and visit.visited_on <= TODAY:
            latest[visit.enterprise_id] = visit
    by_commune: dict[int, list[Visit]] = {}
    for visit in latest.values():
        by_commune.setdefault(visit.enterprise.commune_id, []).append(visit)
    assert {r.commune_id for r in rows} == set(by_commune)
    for row in rows:
        visits = by_commune[row.commune_id]
        assert row.enterprises == len(visits)
        mean = sum(v.composite_score for v in visits) / len(visits)
        assert row.composite == round(Decimal(mean), 2)
    composites = [r.composite for r in rows]
    assert composites == sorted(composites, reverse=True)


def test_survival_cohorts_hold_every_supported_enterprise_and_only_fall(demo):
    cohorts = survival_cohorts(PortfolioFilters(), TODAY, cohorts=1000)
    supported = set(
        db.session.scalars(
            sa.select(JournalEntry.enterprise_id).where(
                JournalEntry.enterprise_id.is_not(None),
                JournalEntry.kind.in_(
                    (
                        EntryKind.GRANT_PAYMENT,
                        EntryKind.KIT_DELIVERY,
                        EntryKind.ALLOWANCE_PAYMENT,
                        EntryKind.LOAN_DISBURSEMENT,
                    )
                ),
                ~JournalEntry.id.in_(
                    sa.select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.is_not(None))
                ),
            )
        )
    )
    assert sum(c.enterprises for c in cohorts) == len(supported) > 0
    for cohort in cohorts:
        assert all(0 <= share <= 1 for share in cohort.operating_share)
        assert cohort.operating_share == sorted(cohort.operating_share, reverse=True)


def test_survival_stops_an_enterprise_at_the_visit_that_found_it_closed(demo):
    from portfolio.domain.monitoring.vocabulary import BusinessStatus, VisitSource
    from portfolio.reporting.dashboard import add_months

    cohorts = {(c.year, c.quarter): c for c in survival_cohorts(PortfolioFilters(), TODAY, 1000)}
    reversed_ids = sa.select(JournalEntry.reverses_id).where(JournalEntry.reverses_id.is_not(None))
    first_on: dict[int, date] = {}
    for e in db.session.scalars(
        sa.select(JournalEntry)
        .where(
            JournalEntry.enterprise_id.is_not(None),
            JournalEntry.kind.in_(
                (
                    EntryKind.GRANT_PAYMENT,
                    EntryKind.KIT_DELIVERY,
                    EntryKind.ALLOWANCE_PAYMENT,
                    EntryKind.LOAN_DISBURSEMENT,
                )
            ),
            JournalEntry.id.not_in(reversed_ids),
        )
        .order_by(JournalEntry.value_on)
    ):
        first_on.setdefault(e.enterprise_id, e.value_on)

    def cohort_of(eid: int) -> tuple[int, int]:
        return first_on[eid].year, (first_on[eid].month - 1) // 3 + 1

    enterprise_id = next(
        eid
        for eid in first_on
        if len(cohorts[cohort_of(eid)].months) >= 3
        and db.session.get(Enterprise, eid).status != "closed"
        and not db.session.scalar(
            sa.select(Visit.id).where(
                Visit.enterprise_id == eid, Visit.business_status != BusinessStatus.OPERATING
            )
        )
    )
    year, quarter = cohort_of(enterprise_id)
    before = cohorts[(year, quarter)]
    y, m = add_months(first_on[enterprise_id].year, first_on[enterprise_id].month, 4)
    db.session.add(
        Visit(
            enterprise_id=enterprise_id,
            visited_on=date(y, m, 1),
            owner_present=False,
            business_status=BusinessStatus.CLOSED,
            source=VisitSource.DEMO,
        )
    )
    db.session.commit()
    after = {(c.year, c.quarter): c for c in survival_cohorts(PortfolioFilters(), TODAY, 1000)}[
        (year, quarter)
    ]
    lost = [
        round(b - a, 4) for b, a in zip(before.operating_share, after.operating_share, strict=True)
    ]
    one = round(Decimal(1) / before.enterprises, 4)
    # Operating at 0 and 3 months, stopped from 6 months on (4 months after, by month).
    assert lost[:2] == [0, 0]
    assert all(abs(x - one) <= Decimal("0.0001") for x in lost[2:])


def test_a_partly_paid_then_cancelled_tranche_stays_committed_for_what_was_paid(demo, users):
    from portfolio.domain.vocabulary import Role
    from portfolio.models import Grant, GrantTranche
    from portfolio.services.grants import cancel_tranche, paid_on_tranche, pay_tranche

    tranche = next(
        t
        for t in db.session.scalars(
            sa.select(GrantTranche).where(GrantTranche.cancelled_on.is_(None))
        )
        if paid_on_tranche(t.id) == 0
    )
    grant = db.session.get(Grant, tranche.grant_id)
    before = portfolio_summary(PortfolioFilters(), TODAY).money
    by = users[Role.FINANCE].id
    pay_tranche(
        grant,
        tranche.number,
        {"paid_on": TODAY - timedelta(days=1), "amount_xof": 1, "channel": "cash"},
        by_user_id=by,
    )
    cancel_tranche(
        grant, tranche.number, cancelled_on=TODAY, reason="projet abandonné", by_user_id=by
    )
    after = portfolio_summary(PortfolioFilters(), TODAY).money
    grants_before = next(m for m in before if m.instrument == "grant")
    grants_after = next(m for m in after if m.instrument == "grant")
    assert grants_after.committed_xof == grants_before.committed_xof - tranche.planned_xof + 1
    test_money_per_instrument_is_what_the_budget_pages_show(demo)
