"""Struggling-enterprise flags (DOMAIN.md §6): rules as data, evidence as values.

A rule has up to three thresholds (watch, at risk, critical); an empty
threshold means that level is never raised by the rule, a disabled rule
raises nothing. What each threshold measures, and in which direction:

``loan_days_past_due``
    Highest days past due among the enterprise's active loans, as of today.
    A level is raised when DPD ≥ its threshold (defaults 1 / 31 / 91 days).
``business_status``
    The latest visit's business status; no thresholds: temporarily closed →
    watch; closed, moved or not found → at risk.
``sales_drop``
    Fall of monthly sales at the latest visit against the previous one, as a
    fraction of the previous sales (0.30 = a 30 % fall). Raised when the fall
    ≥ threshold (defaults 0.30 watch, 0.50 at risk). Two falls in a row,
    each at least the watch threshold, are at risk too.
``kit_retained``
    Share of the kit's value still present and in use at the latest visit
    (0.60 = 60 %). Raised when the share < threshold (defaults 0.60 watch,
    0.30 at risk); a kit sold (even partly) is at risk.
``dscr``
    Debt-service coverage: the latest visit's net monthly income ÷ the
    monthly-equivalent instalment of the active loans. Raised when
    DSCR < threshold (defaults 1.5 watch, 1.0 at risk).
``composite_score``
    Watch: the composite score fell by at least the watch threshold since the
    previous visit (default 0.05). At risk / critical: the latest composite is
    below that threshold, a floor (default at risk 0.33, no critical).
``visits_overdue``
    Number of planned visits past their due date and not done; raised when
    the count ≥ threshold (defaults 1 watch, 2 at risk).
``owner_absent``
    Consecutive visits, from the latest back, where the owner was absent;
    raised when the count ≥ threshold (defaults 1 watch, 2 at risk).

An enterprise's level is the highest level of its flags (``ok`` with none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portfolio.domain.monitoring.vocabulary import BusinessStatus, FlagRuleCode, RiskLevel

#: Levels a threshold can raise, from the mildest.
THRESHOLD_LEVELS = (RiskLevel.WATCH, RiskLevel.AT_RISK, RiskLevel.CRITICAL)

#: Rules where a higher value is worse (the others: a lower value is worse).
HIGHER_IS_WORSE = frozenset(
    {
        FlagRuleCode.LOAN_DAYS_PAST_DUE,
        FlagRuleCode.SALES_DROP,
        FlagRuleCode.VISITS_OVERDUE,
        FlagRuleCode.OWNER_ABSENT,
    }
)
LOWER_IS_WORSE = frozenset(
    {FlagRuleCode.KIT_RETAINED, FlagRuleCode.DSCR, FlagRuleCode.COMPOSITE_SCORE}
)
#: Rules whose levels do not come from thresholds (edited: enabled only).
NO_THRESHOLDS = frozenset({FlagRuleCode.BUSINESS_STATUS})

_AT_RISK_STATUSES = frozenset(
    {BusinessStatus.CLOSED, BusinessStatus.MOVED, BusinessStatus.NOT_FOUND}
)


_ATTRIBUTE = {
    RiskLevel.WATCH: "watch",
    RiskLevel.AT_RISK: "at_risk",
    RiskLevel.CRITICAL: "critical",
}


@dataclass(frozen=True, slots=True)
class Rule:
    code: FlagRuleCode
    enabled: bool = True
    watch: Decimal | None = None
    at_risk: Decimal | None = None
    critical: Decimal | None = None

    def threshold(self, level: RiskLevel) -> Decimal | None:
        return getattr(self, _ATTRIBUTE[level])


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the flags need of one visit."""

    visit_id: int
    visited_on: date
    business_status: BusinessStatus = BusinessStatus.OPERATING
    owner_present: bool = True
    monthly_sales_xof: int | None = None
    net_income_xof: int | None = None
    kit_retained_pct: int | None = None
    kit_sold: bool = False
    composite_score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything the rules look at for one enterprise."""

    #: Latest visits first (two or three are enough).
    visits: Sequence[VisitFacts] = ()
    #: Highest days past due over the active loans, and that loan.
    days_past_due: int = 0
    dpd_loan_id: int | None = None
    #: Monthly-equivalent instalment of the active loans (sum), and the main loan.
    monthly_instalment_xof: int | None = None
    instalment_loan_id: int | None = None
    overdue_planned_visits: int = 0


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    rule: FlagRuleCode
    level: RiskLevel
    evidence: Mapping[str, object] = field(default_factory=dict)
    visit_id: int | None = None
    loan_id: int | None = None


def default_rules() -> dict[FlagRuleCode, Rule]:
    """The defaults seeded by the migration (DOMAIN.md §6), for tests and demos."""
    d = Decimal
    rules = [
        Rule(FlagRuleCode.LOAN_DAYS_PAST_DUE, True, d(1), d(31), d(91)),
        Rule(FlagRuleCode.BUSINESS_STATUS, True),
        Rule(FlagRuleCode.SALES_DROP, True, d("0.3"), d("0.5")),
        Rule(FlagRuleCode.KIT_RETAINED, True, d("0.6"), d("0.3")),
        Rule(FlagRuleCode.DSCR, True, d("1.5"), d("1")),
        Rule(FlagRuleCode.COMPOSITE_SCORE, True, d("0.05"), d("0.33")),
        Rule(FlagRuleCode.VISITS_OVERDUE, True, d(1), d(2)),
        Rule(FlagRuleCode.OWNER_ABSENT, True, d(1), d(2)),
    ]
    return {r.code: r for r in rules}


def threshold_problems(rule: Rule) -> list[tuple[RiskLevel, str]]:
    """Inconsistencies between a rule's thresholds, as (level, problem code).

    Problem codes: ``negative`` (below zero), ``not_stricter`` (a graver level
    whose threshold is not stricter than a milder one in the rule's
    direction). The web layer words them.
    """
    problems: list[tuple[RiskLevel, str]] = []
    if rule.code in NO_THRESHOLDS:
        return problems
    for level in THRESHOLD_LEVELS:
        value = rule.threshold(level)
        if value is not None and value < 0:
            problems.append((level, "negative"))
    # The composite rule's watch threshold is a fall, its others floors: only
    # the floors are compared with each other.
    ordered = (
        (RiskLevel.AT_RISK, RiskLevel.CRITICAL)
        if rule.code == FlagRuleCode.COMPOSITE_SCORE
        else THRESHOLD_LEVELS
    )
    previous: Decimal | None = None
    for level in ordered:
        value = rule.threshold(level)
        if value is None or value < 0:
            continue
        if previous is not None:
            stricter = value > previous if rule.code in HIGHER_IS_WORSE else value < previous
            if not stricter:
                problems.append((level, "not_stricter"))
        previous = value
    return problems


def _level_at_least(value: Decimal, rule: Rule) -> RiskLevel | None:
    """Gravest level whose threshold the value reaches (higher is worse)."""
    found = None
    for level in THRESHOLD_LEVELS:
        t = rule.threshold(level)
        if t is not None and value >= t:
            found = level
    return found


def _level_below(value: Decimal, rule: Rule) -> RiskLevel | None:
    """Gravest level whose threshold the value is under (lower is worse)."""
    found = None
    for level in THRESHOLD_LEVELS:
        t = rule.threshold(level)
        if t is not None and value < t:
            found = level
    return found


def _worse(a: RiskLevel | None, b: RiskLevel | None) -> RiskLevel | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a.rank >= b.rank else b


def _pct(fraction: Decimal) -> int:
    return int((fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _visit_ref(visit: VisitFacts) -> dict[str, object]:
    return {"visit_id": visit.visit_id, "visited_on": visit.visited_on.isoformat()}


def _fall(previous: int | None, latest: int | None) -> Decimal | None:
    if previous is None or latest is None or previous <= 0:
        return None
    return Decimal(previous - latest) / Decimal(previous)


def _loan_days_past_due(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    if ev.days_past_due <= 0:
        return None
    level = _level_at_least(Decimal(ev.days_past_due), rule)
    if level is None:
        return None
    return RaisedFlag(
        rule.code,
        level,
        {"days_past_due": ev.days_past_due, "loan_id": ev.dpd_loan_id},
        loan_id=ev.dpd_loan_id,
    )


def _business_status(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    if not ev.visits:
        return None
    latest = ev.visits[0]
    if latest.business_status in _AT_RISK_STATUSES:
        level = RiskLevel.AT_RISK
    elif latest.business_status == BusinessStatus.TEMPORARILY_CLOSED:
        level = RiskLevel.WATCH
    else:
        return None
    evidence = {**_visit_ref(latest), "status": latest.business_status.value}
    return RaisedFlag(rule.code, level, evidence, visit_id=latest.visit_id)


def _sales_drop(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    if len(ev.visits) < 2:
        return None
    latest, previous = ev.visits[0], ev.visits[1]
    fall = _fall(previous.monthly_sales_xof, latest.monthly_sales_xof)
    if fall is None or fall <= 0:
        return None
    level = _level_at_least(fall, rule)
    two_falls = False
    if len(ev.visits) >= 3 and rule.watch is not None and fall >= rule.watch:
        earlier = _fall(ev.visits[2].monthly_sales_xof, previous.monthly_sales_xof)
        if earlier is not None and earlier >= rule.watch:
            two_falls = True
            level = _worse(level, RiskLevel.AT_RISK)
    if level is None:
        return None
    evidence = {
        **_visit_ref(latest),
        "previous_visit_id": previous.visit_id,
        "previous_visited_on": previous.visited_on.isoformat(),
        "previous_sales_xof": previous.monthly_sales_xof,
        "sales_xof": latest.monthly_sales_xof,
        "drop_pct": _pct(fall),
        "two_falls": two_falls,
    }
    return RaisedFlag(rule.code, level, evidence, visit_id=latest.visit_id)


def _kit_retained(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    if not ev.visits:
        return None
    latest = ev.visits[0]
    level = None
    if latest.kit_retained_pct is not None:
        level = _level_below(Decimal(latest.kit_retained_pct) / 100, rule)
    if latest.kit_sold:
        level = _worse(level, RiskLevel.AT_RISK)
    if level is None:
        return None
    evidence = {
        **_visit_ref(latest),
        "retained_pct": latest.kit_retained_pct,
        "kit_sold": latest.kit_sold,
    }
    return RaisedFlag(rule.code, level, evidence, visit_id=latest.visit_id)


def _dscr(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    if not ev.visits or not ev.monthly_instalment_xof or ev.monthly_instalment_xof <= 0:
        return None
    latest = ev.visits[0]
    if latest.net_income_xof is None:
        return None
    dscr = Decimal(latest.net_income_xof) / Decimal(ev.monthly_instalment_xof)
    level = _level_below(dscr, rule)
    if level is None:
        return None
    evidence = {
        **_visit_ref(latest),
        "dscr": str(dscr.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "net_income_xof": latest.net_income_xof,
        "instalment_xof": ev.monthly_instalment_xof,
        "loan_id": ev.instalment_loan_id,
    }
    return RaisedFlag(
        rule.code, level, evidence, visit_id=latest.visit_id, loan_id=ev.instalment_loan_id
    )


def _composite_score(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    scored = [v for v in ev.visits if v.composite_score is not None]
    if not scored or scored[0] is not (ev.visits[0] if ev.visits else None):
        # Judge the latest visit only; an unscored latest visit says nothing.
        return None
    latest = scored[0]
    score = latest.composite_score
    assert score is not None
    level = None
    evidence: dict[str, object] = {**_visit_ref(latest), "score": str(score)}
    for floor_level in (RiskLevel.AT_RISK, RiskLevel.CRITICAL):
        floor = rule.threshold(floor_level)
        if floor is not None and score < floor:
            level = _worse(level, floor_level)
            evidence["floor"] = str(floor)
    if len(scored) >= 2 and rule.watch is not None:
        previous = scored[1]
        assert previous.composite_score is not None
        fall = previous.composite_score - score
        if fall >= rule.watch and fall > 0:
            level = _worse(level, RiskLevel.WATCH)
            evidence["previous_score"] = str(previous.composite_score)
            evidence["previous_visited_on"] = previous.visited_on.isoformat()
            evidence["previous_visit_id"] = previous.visit_id
    if level is None:
        return None
    return RaisedFlag(rule.code, level, evidence, visit_id=latest.visit_id)


def _visits_overdue(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    if ev.overdue_planned_visits <= 0:
        return None
    level = _level_at_least(Decimal(ev.overdue_planned_visits), rule)
    if level is None:
        return None
    return RaisedFlag(rule.code, level, {"overdue": ev.overdue_planned_visits})


def _owner_absent(rule: Rule, ev: Evidence) -> RaisedFlag | None:
    absences = 0
    for visit in ev.visits:
        if visit.owner_present:
            break
        absences += 1
    if absences == 0:
        return None
    level = _level_at_least(Decimal(absences), rule)
    if level is None:
        return None
    latest = ev.visits[0]
    evidence = {**_visit_ref(latest), "absences": absences}
    return RaisedFlag(rule.code, level, evidence, visit_id=latest.visit_id)


_CHECKS = {
    FlagRuleCode.LOAN_DAYS_PAST_DUE: _loan_days_past_due,
    FlagRuleCode.BUSINESS_STATUS: _business_status,
    FlagRuleCode.SALES_DROP: _sales_drop,
    FlagRuleCode.KIT_RETAINED: _kit_retained,
    FlagRuleCode.DSCR: _dscr,
    FlagRuleCode.COMPOSITE_SCORE: _composite_score,
    FlagRuleCode.VISITS_OVERDUE: _visits_overdue,
    FlagRuleCode.OWNER_ABSENT: _owner_absent,
}


def evaluate(rules: Iterable[Rule], evidence: Evidence) -> list[RaisedFlag]:
    """The flags the enabled rules raise on one enterprise (at most one per rule)."""
    raised = []
    for rule in rules:
        if not rule.enabled:
            continue
        flag = _CHECKS[rule.code](rule, evidence)
        if flag is not None:
            raised.append(flag)
    return raised


def enterprise_level(flags: Iterable[RaisedFlag | RiskLevel]) -> RiskLevel:
    """The highest level among the flags, ``ok`` when there is none."""
    level = RiskLevel.OK
    for f in flags:
        candidate = f if isinstance(f, RiskLevel) else f.level
        if candidate.rank > level.rank:
            level = candidate
    return level
