"""What admins edit about monitoring: flag rules, score weights, the visit cadence.

Every save is logged in the audit log, then the derived data follows: flags
are recomputed after a rule change, visits rescored (then flags) after a
weight change, the visit plan redrawn after a cadence change.

``flag_rule`` and ``score_weight`` are keyed by a text code, which the
automatic audit listener cannot store as a record number; they are updated
with explicit statements and their audit rows written here (record_id
empty, the code in the changes), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.monitoring.flags import (
    NO_THRESHOLDS,
    THRESHOLD_LEVELS,
    Rule,
    threshold_problems,
)
from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import Dimension, FlagRuleCode, RiskLevel
from portfolio.models import AuditEntry, FlagRule, ScoreWeight, Visit, VisitCadenceStep, db
from portfolio.models.base import utcnow
from portfolio.services.unit_of_work import ServiceError, unit_of_work

MAX_CADENCE_STEPS = 24
RESCORE_CHUNK = 5_000


class Unit(StrEnum):
    """How a rule's thresholds are typed and shown."""

    DAYS = "days"
    PERCENT = "percent"  # stored as a fraction: 0.30 for 30 %
    RATIO = "ratio"
    SCORE = "score"  # 0..1
    COUNT = "count"
    NONE = "none"


RULE_UNITS: dict[FlagRuleCode, Unit] = {
    FlagRuleCode.LOAN_DAYS_PAST_DUE: Unit.DAYS,
    FlagRuleCode.BUSINESS_STATUS: Unit.NONE,
    FlagRuleCode.SALES_DROP: Unit.PERCENT,
    FlagRuleCode.KIT_RETAINED: Unit.PERCENT,
    FlagRuleCode.DSCR: Unit.RATIO,
    FlagRuleCode.COMPOSITE_SCORE: Unit.SCORE,
    FlagRuleCode.VISITS_OVERDUE: Unit.COUNT,
    FlagRuleCode.OWNER_ABSENT: Unit.COUNT,
}
_COLUMNS = {
    RiskLevel.WATCH: "watch_threshold",
    RiskLevel.AT_RISK: "at_risk_threshold",
    RiskLevel.CRITICAL: "critical_threshold",
}
#: Upper bounds per unit (a typing mistake beyond them).
_MAXIMUM = {
    Unit.DAYS: Decimal(3_650),
    Unit.PERCENT: Decimal(1),
    Unit.RATIO: Decimal(100),
    Unit.SCORE: Decimal(1),
    Unit.COUNT: Decimal(100),
}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _audit(table: str, code: str, changes: Mapping[str, list[Any]]) -> None:
    user_id = (
        current_user.id
        if has_request_context() and current_user and current_user.is_authenticated
        else None
    )
    db.session.execute(
        sa.insert(AuditEntry.__table__),
        [
            {
                "at": utcnow(),
                "user_id": user_id,
                "action": "update",
                "table_name": table,
                "record_id": None,
                "changes": {
                    "code": code,
                    **{k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()},
                },
            }
        ],
    )


# ------------------------------------------------------------------ rules


@dataclass(frozen=True)
class RuleChange:
    code: FlagRuleCode
    enabled: bool
    watch: Decimal | None
    at_risk: Decimal | None
    critical: Decimal | None


def _level_message(level: RiskLevel) -> str:
    return {
        RiskLevel.WATCH: _("watch"),
        RiskLevel.AT_RISK: _("at risk"),
        RiskLevel.CRITICAL: _("critical"),
    }[level]


def check_rule(change: RuleChange) -> None:
    """Refuse thresholds that make no sense, naming the field (rule code + level)."""
    unit = RULE_UNITS[change.code]
    rule = Rule(change.code, change.enabled, change.watch, change.at_risk, change.critical)
    for level in THRESHOLD_LEVELS:
        value = rule.threshold(level)
        field = f"{change.code.value}-{level.value}"
        if value is None:
            continue
        if unit is Unit.NONE:
            raise ServiceError(_("This rule takes no thresholds."), field)
        if not value.is_finite() or value < 0:
            raise ServiceError(_("A threshold cannot be negative."), field)
        if value > _MAXIMUM[unit]:
            raise ServiceError(_("This threshold is too large."), field)
        if unit in (Unit.DAYS, Unit.COUNT) and value != value.to_integral_value():
            raise ServiceError(_("Enter a whole number."), field)
    for level, problem in threshold_problems(rule):
        field = f"{change.code.value}-{level.value}"
        if problem == "negative":
            raise ServiceError(_("A threshold cannot be negative."), field)
        if change.code in (FlagRuleCode.KIT_RETAINED, FlagRuleCode.DSCR):
            message = _(
                "The %(level)s threshold must be lower than the milder levels' "
                "(a lower value is worse for this rule).",
                level=_level_message(level),
            )
        elif change.code == FlagRuleCode.COMPOSITE_SCORE:
            message = _("The critical floor must be lower than the at-risk floor.")
        else:
            message = _(
                "The %(level)s threshold must be higher than the milder levels' "
                "(a higher value is worse for this rule).",
                level=_level_message(level),
            )
        raise ServiceError(message, field)


def update_rules(
    changes: Iterable[RuleChange],
    *,
    recompute: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Save the rules (all checked first: one bad threshold changes nothing), then
    recompute every enterprise's flags. Returns how many rules changed."""
    changes = list(changes)
    for change in changes:
        check_rule(change)
    changed = 0
    with unit_of_work() as session:
        current = {r.code: r for r in session.scalars(sa.select(FlagRule))}
        for change in changes:
            row = current.get(change.code)
            if row is None:
                continue
            new = {
                "enabled": change.enabled,
                "watch_threshold": change.watch,
                "at_risk_threshold": change.at_risk,
                "critical_threshold": change.critical,
            }
            diff = {
                key: [getattr(row, key), value]
                for key, value in new.items()
                if getattr(row, key) != value
            }
            if not diff:
                continue
            changed += 1
            session.execute(
                sa.update(FlagRule)
                .where(FlagRule.code == change.code)
                .values(**new, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            _audit(FlagRule.__tablename__, change.code.value, diff)
    db.session.expire_all()
    if changed and recompute:
        from portfolio.services.flags import recompute_all

        recompute_all(progress)
    return changed


# ---------------------------------------------------------------- weights

WEIGHT_CODES: tuple[str, ...] = tuple(i.code for i in REINTEGRATION_ITEMS) + tuple(
    d.value for d in Dimension
)
MAX_WEIGHT = Decimal(100)


def current_weights() -> dict[str, Decimal]:
    rows = db.session.execute(sa.select(ScoreWeight.code, ScoreWeight.weight))
    weights = {code: Decimal(1) for code in WEIGHT_CODES}
    weights.update({code: weight for code, weight in rows})
    return weights


def check_weights(weights: Mapping[str, Decimal]) -> None:
    for code in WEIGHT_CODES:
        value = weights.get(code)
        if value is None:
            raise ServiceError(_("Give every weight (0 leaves an item out)."), code)
        if not value.is_finite() or value < 0:
            raise ServiceError(_("A weight cannot be negative."), code)
        if value > MAX_WEIGHT:
            raise ServiceError(_("A weight is at most %(max)d.", max=int(MAX_WEIGHT)), code)
        if value.quantize(Decimal("0.000001")) != value:
            raise ServiceError(_("Use at most six decimal places."), code)
    for dimension in Dimension:
        items = [i.code for i in REINTEGRATION_ITEMS if i.dimension == dimension]
        if all(weights[c] == 0 for c in items):
            raise ServiceError(
                _("At least one question of each dimension needs a weight above 0."), items[0]
            )
    if all(weights[d.value] == 0 for d in Dimension):
        raise ServiceError(
            _("At least one dimension needs a weight above 0."), Dimension.ECONOMIC.value
        )


def update_weights(
    weights: Mapping[str, Decimal],
    *,
    recompute: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Save the weights, then rescore every visit and recompute the flags."""
    check_weights(weights)
    changed = 0
    with unit_of_work() as session:
        existing = dict(session.execute(sa.select(ScoreWeight.code, ScoreWeight.weight)).all())
        for code in WEIGHT_CODES:
            new = weights[code]
            old = existing.get(code)
            if old == new:
                continue
            changed += 1
            if old is None:
                session.execute(
                    sa.insert(ScoreWeight).values(code=code, weight=new, updated_at=utcnow())
                )
            else:
                session.execute(
                    sa.update(ScoreWeight)
                    .where(ScoreWeight.code == code)
                    .values(weight=new, updated_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
            _audit(ScoreWeight.__tablename__, code, {"weight": [old, new]})
    db.session.expire_all()
    if changed and recompute:
        rescore_all_visits()
        from portfolio.services.flags import recompute_all

        recompute_all(progress)
    return changed


_ITEM_COLUMNS = [getattr(Visit, i.code) for i in REINTEGRATION_ITEMS]
_SCORE_KEYS = ("economic_score", "social_score", "psychosocial_score", "composite_score")


def rescore_all_visits(chunk: int = RESCORE_CHUNK) -> int:
    """Recompute every visit's scores with the weights in force, a chunk at a time."""
    from portfolio.domain.monitoring.scoring import score_visit

    weights = current_weights()
    session = db.session
    last_id, updated = 0, 0
    while True:
        rows = session.execute(
            sa.select(Visit.id, *_ITEM_COLUMNS, *(getattr(Visit, k) for k in _SCORE_KEYS))
            .where(Visit.id > last_id)
            .order_by(Visit.id)
            .limit(chunk)
        ).all()
        if not rows:
            break
        changes = []
        for row in rows:
            m = row._mapping
            scores = score_visit({i.code: m[i.code] for i in REINTEGRATION_ITEMS}, weights)
            new = dict(
                zip(
                    _SCORE_KEYS,
                    (scores.economic, scores.social, scores.psychosocial, scores.composite),
                    strict=True,
                )
            )
            if any(m[k] != new[k] for k in _SCORE_KEYS):
                changes.append({"id": row.id, **new})
        if changes:
            session.execute(sa.update(Visit), changes)
            updated += len(changes)
        session.commit()
        last_id = rows[-1].id
    return updated


# ---------------------------------------------------------------- cadence


def check_cadence(months: Iterable[Any]) -> list[int]:
    values = list(months)
    if not values:
        raise ServiceError(_("Keep at least one visit in the plan."), "months")
    if len(values) > MAX_CADENCE_STEPS:
        raise ServiceError(
            _("At most %(max)d visits in the plan.", max=MAX_CADENCE_STEPS), "months"
        )
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 120:
            raise ServiceError(_("Each step is a whole number of months from 1 to 120."), "months")
    if len(set(values)) != len(values):
        raise ServiceError(_("Each step can appear only once."), "months")
    return sorted(values)


def current_cadence() -> list[int]:
    return list(
        db.session.scalars(sa.select(VisitCadenceStep.months).order_by(VisitCadenceStep.months))
    )


def update_cadence(months: Iterable[Any], *, replan: bool = True) -> tuple[int, int]:
    """Replace the cadence steps; the visit plan then follows. Returns (added, removed)
    planned visits (0, 0 when nothing changed or the plan is left alone)."""
    wanted = check_cadence(months)
    with unit_of_work() as session:
        rows = list(session.scalars(sa.select(VisitCadenceStep)))
        have = {r.months for r in rows}
        if have == set(wanted):
            return 0, 0
        for row in rows:
            if row.months not in wanted:
                session.delete(row)
        session.flush()
        for m in wanted:
            if m not in have:
                session.add(VisitCadenceStep(months=m))
    if not replan:
        return 0, 0
    try:
        from portfolio.services.visit_plan import replan_after_cadence_change
    except ImportError:  # pragma: no cover - the plan service ships with the visits
        return 0, 0
    added, removed = replan_after_cadence_change()
    from portfolio.services.flags import recompute_all

    recompute_all()
    return added, removed


def rule_values(row: FlagRule) -> dict[RiskLevel, Decimal | None]:
    return {level: getattr(row, column) for level, column in _COLUMNS.items()}


def rules_in_order() -> list[FlagRule]:
    rows = {r.code: r for r in db.session.scalars(sa.select(FlagRule))}
    return [rows[code] for code in FlagRuleCode if code in rows]


__all__ = [
    "NO_THRESHOLDS",
    "RULE_UNITS",
    "RuleChange",
    "Unit",
    "update_cadence",
    "update_rules",
    "update_weights",
]
