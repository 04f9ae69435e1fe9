"""The pure rules engine: each rule raises at its thresholds and not below."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.domain.monitoring.flags import (
    Evidence,
    Rule,
    VisitFacts,
    default_rules,
    enterprise_level,
    evaluate,
    threshold_problems,
)
from portfolio.domain.monitoring.vocabulary import BusinessStatus, FlagRuleCode, RiskLevel

RULES = default_rules()
C = FlagRuleCode
L = RiskLevel


def visit(n: int = 1, day: date = date(2026, 3, 12), **values) -> VisitFacts:
    return VisitFacts(visit_id=n, visited_on=day, **values)


def raised(evidence: Evidence, code: FlagRuleCode):
    """The flag of one rule (default thresholds), None when not raised."""
    flags = evaluate([RULES[code]], evidence)
    assert len(flags) <= 1
    return flags[0] if flags else None


def level(evidence: Evidence, code: FlagRuleCode):
    flag = raised(evidence, code)
    return flag.level if flag else None


@pytest.mark.parametrize(
    ("dpd", "expected"),
    [(0, None), (1, L.WATCH), (30, L.WATCH), (31, L.AT_RISK), (90, L.AT_RISK), (91, L.CRITICAL)],
)
def test_days_past_due(dpd, expected):
    ev = Evidence(days_past_due=dpd, dpd_loan_id=12 if dpd else None)
    assert level(ev, C.LOAN_DAYS_PAST_DUE) == expected
    if expected:
        flag = raised(ev, C.LOAN_DAYS_PAST_DUE)
        assert flag.evidence == {"days_past_due": dpd, "loan_id": 12}
        assert flag.loan_id == 12


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (BusinessStatus.OPERATING, None),
        (BusinessStatus.TEMPORARILY_CLOSED, L.WATCH),
        (BusinessStatus.CLOSED, L.AT_RISK),
        (BusinessStatus.MOVED, L.AT_RISK),
        (BusinessStatus.NOT_FOUND, L.AT_RISK),
    ],
)
def test_business_status(status, expected):
    ev = Evidence(visits=(visit(7, business_status=status),))
    assert level(ev, C.BUSINESS_STATUS) == expected
    if expected:
        assert raised(ev, C.BUSINESS_STATUS).evidence["status"] == status.value
        assert raised(ev, C.BUSINESS_STATUS).visit_id == 7


def test_business_status_only_latest_visit_counts():
    ev = Evidence(
        visits=(visit(2), visit(1, date(2025, 1, 1), business_status=BusinessStatus.CLOSED))
    )
    assert level(ev, C.BUSINESS_STATUS) is None


def sales(*amounts: int | None) -> Evidence:
    """Visits from the latest back, with these monthly sales."""
    return Evidence(
        visits=tuple(
            visit(10 - i, date(2026, 6 - i, 1), monthly_sales_xof=a) for i, a in enumerate(amounts)
        )
    )


@pytest.mark.parametrize(
    ("latest", "previous", "expected"),
    [
        (100_000, 100_000, None),
        (120_000, 100_000, None),
        (71_000, 100_000, None),  # a 29 % fall
        (70_000, 100_000, L.WATCH),  # 30 %
        (51_000, 100_000, L.WATCH),
        (50_000, 100_000, L.AT_RISK),  # 50 %
        (0, 100_000, L.AT_RISK),
        (50_000, None, None),
        (50_000, 0, None),
        (None, 100_000, None),
    ],
)
def test_sales_drop(latest, previous, expected):
    assert level(sales(latest, previous), C.SALES_DROP) == expected


def test_sales_drop_evidence():
    flag = raised(sales(20_000, 45_000), C.SALES_DROP)
    assert flag.evidence == {
        "visit_id": 10,
        "visited_on": "2026-06-01",
        "previous_visit_id": 9,
        "previous_visited_on": "2026-05-01",
        "previous_sales_xof": 45_000,
        "sales_xof": 20_000,
        "drop_pct": 56,
        "two_falls": False,
    }


def test_two_falls_in_a_row_are_at_risk():
    assert level(sales(49_000, 70_000, 100_000), C.SALES_DROP) == L.AT_RISK
    assert raised(sales(49_000, 70_000, 100_000), C.SALES_DROP).evidence["two_falls"]
    # The earlier fall was too small: watch only.
    assert level(sales(49_000, 70_000, 80_000), C.SALES_DROP) == L.WATCH


@pytest.mark.parametrize(
    ("pct", "sold", "expected"),
    [
        (100, False, None),
        (60, False, None),
        (59, False, L.WATCH),
        (30, False, L.WATCH),
        (29, False, L.AT_RISK),
        (0, False, L.AT_RISK),
        (100, True, L.AT_RISK),
        (None, False, None),
        (None, True, L.AT_RISK),
    ],
)
def test_kit_retained(pct, sold, expected):
    ev = Evidence(visits=(visit(kit_retained_pct=pct, kit_sold=sold),))
    assert level(ev, C.KIT_RETAINED) == expected
    if expected:
        assert raised(ev, C.KIT_RETAINED).evidence["retained_pct"] == pct


@pytest.mark.parametrize(
    ("income", "instalment", "expected"),
    [
        (15_000, 10_000, None),  # 1.5
        (14_999, 10_000, L.WATCH),
        (10_000, 10_000, L.WATCH),  # 1.0
        (9_999, 10_000, L.AT_RISK),
        (-5_000, 10_000, L.AT_RISK),
        (None, 10_000, None),
        (5_000, None, None),
    ],
)
def test_dscr(income, instalment, expected):
    ev = Evidence(
        visits=(visit(3, net_income_xof=income),),
        monthly_instalment_xof=instalment,
        instalment_loan_id=12 if instalment else None,
    )
    assert level(ev, C.DSCR) == expected
    if expected:
        flag = raised(ev, C.DSCR)
        assert flag.loan_id == 12 and flag.visit_id == 3
        assert flag.evidence["instalment_xof"] == instalment


def test_dscr_evidence_is_rounded():
    ev = Evidence(visits=(visit(net_income_xof=8_500),), monthly_instalment_xof=10_000)
    assert raised(ev, C.DSCR).evidence["dscr"] == "0.85"


def scores(*values: str | None) -> Evidence:
    return Evidence(
        visits=tuple(
            visit(10 - i, date(2026, 6 - i, 1), composite_score=None if v is None else Decimal(v))
            for i, v in enumerate(values)
        )
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("0.70",), None),
        (("0.70", "0.74"), None),  # a fall of 0.04
        (("0.70", "0.75"), L.WATCH),  # 0.05
        (("0.80", "0.60"), None),  # rising
        (("0.33",), None),
        (("0.32",), L.AT_RISK),
        (("0.20", "0.60"), L.AT_RISK),
        ((None, "0.60"), None),
    ],
)
def test_composite_score(values, expected):
    assert level(scores(*values), C.COMPOSITE_SCORE) == expected


@pytest.mark.parametrize(("overdue", "expected"), [(0, None), (1, L.WATCH), (2, L.AT_RISK)])
def test_visits_overdue(overdue, expected):
    assert level(Evidence(overdue_planned_visits=overdue), C.VISITS_OVERDUE) == expected


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        ((True,), None),
        ((False,), L.WATCH),
        ((False, True), L.WATCH),
        ((False, False), L.AT_RISK),
        ((True, False, False), None),
    ],
)
def test_owner_absent(present, expected):
    ev = Evidence(visits=tuple(visit(5 - i, owner_present=p) for i, p in enumerate(present)))
    assert level(ev, C.OWNER_ABSENT) == expected
    if expected:
        assert (
            raised(ev, C.OWNER_ABSENT).evidence["absences"] == present.index(True)
            if (True in present)
            else len(present)
        )


def test_empty_threshold_raises_nothing_at_that_level():
    rule = replace(RULES[C.LOAN_DAYS_PAST_DUE], critical=None)
    assert evaluate([rule], Evidence(days_past_due=400))[0].level == L.AT_RISK
    rule = replace(rule, watch=None)
    assert evaluate([rule], Evidence(days_past_due=10)) == []


def test_threshold_problems():
    assert threshold_problems(RULES[C.DSCR]) == []
    assert threshold_problems(RULES[C.LOAN_DAYS_PAST_DUE]) == []
    bad = replace(RULES[C.DSCR], at_risk=Decimal(2))
    assert threshold_problems(bad) == [(L.AT_RISK, "not_stricter")]
    bad = replace(RULES[C.LOAN_DAYS_PAST_DUE], at_risk=Decimal(1))
    assert threshold_problems(bad) == [(L.AT_RISK, "not_stricter")]
    assert threshold_problems(replace(RULES[C.SALES_DROP], watch=Decimal(-1))) == [
        (L.WATCH, "negative")
    ]


def test_level_is_ok_without_flags():
    assert enterprise_level([]) == L.OK


# ------------------------------------------------------------------ properties

statuses = st.sampled_from(list(BusinessStatus))
money = st.one_of(st.none(), st.integers(min_value=0, max_value=2_000_000))
visit_facts = st.builds(
    VisitFacts,
    visit_id=st.integers(1, 10_000),
    visited_on=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    business_status=statuses,
    owner_present=st.booleans(),
    monthly_sales_xof=money,
    net_income_xof=st.one_of(st.none(), st.integers(-500_000, 2_000_000)),
    kit_retained_pct=st.one_of(st.none(), st.integers(0, 100)),
    kit_sold=st.booleans(),
    composite_score=st.one_of(
        st.none(), st.decimals(min_value=0, max_value=1, places=3, allow_nan=False)
    ),
)
evidences = st.builds(
    Evidence,
    visits=st.lists(visit_facts, max_size=3).map(tuple),
    days_past_due=st.integers(0, 400),
    dpd_loan_id=st.just(1),
    monthly_instalment_xof=st.one_of(st.none(), st.integers(1, 500_000)),
    instalment_loan_id=st.just(1),
    overdue_planned_visits=st.integers(0, 5),
)


# The machine is shared: slow generation under load is not a failure.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(evidences, st.sets(st.sampled_from(list(FlagRuleCode))))
def test_disabled_rule_never_raises(evidence, disabled):
    rules = [replace(r, enabled=r.code not in disabled) for r in RULES.values()]
    codes = {f.rule for f in evaluate(rules, evidence)}
    assert not codes & disabled
    assert len(codes) == len(evaluate(rules, evidence))  # one flag per rule at most


@RELAXED
@given(evidences)
def test_level_is_the_highest_flag(evidence):
    flags = evaluate(RULES.values(), evidence)
    level = enterprise_level(flags)
    assert level.rank == max([f.level.rank for f in flags], default=0)
    assert all(f.level != L.OK for f in flags)


def test_rule_without_thresholds_is_consistent():
    assert threshold_problems(Rule(C.BUSINESS_STATUS)) == []


def test_composite_floors_are_compared_not_the_fall():
    assert threshold_problems(RULES[C.COMPOSITE_SCORE]) == []
    bad = replace(RULES[C.COMPOSITE_SCORE], critical=Decimal("0.4"))
    assert threshold_problems(bad) == [(L.CRITICAL, "not_stricter")]
    ok = replace(RULES[C.COMPOSITE_SCORE], critical=Decimal("0.2"))
    assert threshold_problems(ok) == []
