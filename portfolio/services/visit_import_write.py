"""Writing an import's new and edited visits: bulk inserts, the derived values, plan links.

New visits get the values ``services.visits.complete_visit`` would give them
(net income, scores, the planned visit they fulfil), computed here for all
rows at once: one INSERT (SQLite) or COPY (PostgreSQL) per 900 rows instead
of a flush and a query per visit. Edited visits are few and go through
``complete_visit`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from portfolio.domain.monitoring.scoring import score_visit
from portfolio.domain.monitoring.vocabulary import VisitSource
from portfolio.models import User, db
from portfolio.models.base import utcnow
from portfolio.models.monitoring import PlannedVisit, Visit, VisitProblem
from portfolio.services.visit_import_rows import ITEM_CODES, Submission
from portfolio.services.visits import PLAN_TOLERANCE, complete_visit

CHUNK = 900

Progress = Callable[[int], None]


def _chunks(values, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _monitors_by_name() -> dict[str, int]:
    """Kobo / ODK user names → accounts: the e-mail address, or the part before the @."""
    found: dict[str, int] = {}
    for id_, email in db.session.execute(sa.select(User.id, User.email)):
        found.setdefault(email.lower(), id_)
        found.setdefault(email.split("@", 1)[0].lower(), id_)
    return found


def _visit_row(
    s: Submission,
    weights: dict[str, Decimal],
    source: VisitSource,
    monitors: dict[str, int],
    recorded_by_id: int | None,
    now,
) -> dict[str, Any]:
    values = s.values
    scores = score_visit({code: values[code] for code in ITEM_CODES}, weights)
    sales, costs = values["monthly_sales_xof"], values["monthly_costs_xof"]
    return {
        **values,
        "enterprise_id": s.enterprise_id,
        "net_income_xof": sales - costs if sales is not None and costs is not None else None,
        "economic_score": scores.economic,
        "social_score": scores.social,
        "psychosocial_score": scores.psychosocial,
        "composite_score": scores.composite,
        "monitor_id": monitors.get((s.submitted_by or "").lower()),
        "submitted_by": s.submitted_by,
        "submitted_at": s.submitted_at,
        "source": source,
        "instance_id": s.instance_id,
        "replaces_instance_id": s.deprecated_id,
        "recorded_by_id": recorded_by_id,
        "created_at": now,
        "updated_at": now,
    }


def insert_new(
    adds: list[Submission],
    weights: dict[str, Decimal],
    source: VisitSource,
    recorded_by_id: int | None,
    progress: Progress | None,
) -> None:
    """Insert new visits in bulk, with the derived values ``complete_visit`` fills.

    One INSERT per 900 rows instead of a flush per visit; the planned-visit link
    follows the same rule (earliest open planned visit due by the visit date +
    PLAN_TOLERANCE), in file order.
    """
    session = db.session
    monitors = _monitors_by_name()
    now = utcnow()
    ids: dict[str, int] = {}
    table = Visit.__table__
    copy = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(adds):
        rows = [_visit_row(s, weights, source, monitors, recorded_by_id, now) for s in chunk]
        if copy:
            _copy_rows(table, rows)
        else:
            # SQLite: executemany is fast in-process.
            session.execute(table.insert(), rows)
        inserted = session.execute(
            sa.select(table.c.id, table.c.instance_id).where(
                table.c.instance_id.in_([s.instance_id for s in chunk])
            )
        )
        ids.update((instance_id, id_) for id_, instance_id in inserted)
        problems = [
            {"visit_id": ids[s.instance_id], "problem": p}
            for s in chunk
            for p in sorted(s.problems)
        ]
        if problems and copy:
            _copy_rows(VisitProblem.__table__, problems)
        elif problems:
            session.execute(VisitProblem.__table__.insert(), problems)
        if progress is not None:
            progress(len(chunk))
    _link_planned(adds, ids)


def _copy_rows(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY, in the session's transaction: ~20x faster than INSERTs from Python."""
    columns = list(rows[0])
    connection = db.session.connection()
    dialect = connection.dialect
    # The columns' own conversions (Rate → millionths, enums → their stored value).
    processors = [table.c[c].type.bind_processor(dialect) for c in columns]
    converters = [p or _plain for p in processors]
    quoted = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.connection.driver_connection.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([_plain(f(row[c])) for f, c in zip(converters, columns, strict=True)])


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def _link_planned(adds: list[Submission], ids: dict[str, int]) -> None:
    session = db.session
    enterprise_ids = sorted({s.enterprise_id for s in adds})
    open_plans: dict[int, list[tuple[date, int, int]]] = {}
    for chunk in _chunks(enterprise_ids):
        for id_, enterprise_id, due_on, sequence in session.execute(
            sa.select(
                PlannedVisit.id,
                PlannedVisit.enterprise_id,
                PlannedVisit.due_on,
                PlannedVisit.sequence,
            ).where(PlannedVisit.enterprise_id.in_(chunk), PlannedVisit.visit_id.is_(None))
        ):
            open_plans.setdefault(enterprise_id, []).append((due_on, sequence, id_))
    for plans in open_plans.values():
        plans.sort()
    links = []
    for s in adds:
        plans = open_plans.get(s.enterprise_id)
        if not plans:
            continue
        limit: date = s.values["visited_on"] + PLAN_TOLERANCE
        if plans[0][0] <= limit:
            _due, _seq, planned_id = plans.pop(0)
            links.append({"id": planned_id, "visit_id": ids[s.instance_id]})
    if links:
        session.execute(sa.update(PlannedVisit), links)


def apply_update(visit: Visit, s: Submission, source: VisitSource, weights) -> None:
    for name, value in s.values.items():
        setattr(visit, name, value)
    visit.enterprise_id = s.enterprise_id
    visit.net_income_xof = None  # recomputed from the new sales and costs
    visit.kit_items = []  # the offline form asks the kit share directly
    visit.problems = [VisitProblem(problem=p) for p in sorted(s.problems)]
    if visit.instance_id != s.instance_id:
        visit.replaces_instance_id = s.deprecated_id or visit.instance_id
        visit.instance_id = s.instance_id
    visit.source = source
    visit.submitted_at = s.submitted_at
    visit.submitted_by = s.submitted_by
    complete_visit(visit, weights)
