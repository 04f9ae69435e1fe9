"""The demo seed's bulk writer: rows in order, parents before children, errors raised."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import psycopg
import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus
from portfolio.models import Enterprise, Programme, Sector, db
from portfolio.models.monitoring import Visit
from portfolio.services.demo import seed_programmes
from portfolio.services.demo_bulk import BulkWriter, next_ids, sync_id_sequences
from portfolio.services.unit_of_work import unit_of_work

COLUMNS = ("id", "programme_id", "name", "sector_id", "commune_id", "started_on", "status", "kind")
COLUMNS += ("paid_employees", "family_workers", "created_at", "updated_at")
VISIT_COLUMNS = ("id", "enterprise_id", "visited_on", "owner_present", "business_status")
VISIT_COLUMNS += ("source", "paid_employees", "family_workers", "kit_sold", "created_at")
VISIT_COLUMNS += ("updated_at",)
NOW = datetime(2025, 3, 1, 12)
VISIT = (None, None, date(2025, 3, 1), True, "operating", "demo", 0, 0, False, NOW, NOW)


def enterprise_rows(first_id: int, count: int) -> list[tuple]:
    programme = db.session.scalar(sa.select(Programme.id).order_by(Programme.id))
    sector = db.session.scalar(sa.select(Sector.id).order_by(Sector.id))
    commune = db.session.scalar(sa.text("SELECT min(id) FROM commune"))
    return [
        (
            i,
            programme,
            f"Boutique {i}",
            sector,
            commune,
            date(2024, 1, 1),
            EnterpriseStatus.ACTIVE,
            EnterpriseKind.INDIVIDUAL,
            0,
            1,
            NOW,
            NOW,
        )
        for i in range(first_id, first_id + count)
    ]


def test_children_go_in_after_their_parents_and_rates_are_stored_as_the_orm_does(users):
    seed_programmes()
    with unit_of_work() as session, BulkWriter(session) as writer:
        enterprise_id, visit_id = next_ids(session, Enterprise.__table__, Visit.__table__)
        for chunk in range(6):
            first = enterprise_id + chunk * 500
            parents = [writer.add(Enterprise.__table__, COLUMNS, enterprise_rows(first, 500))]
            visits = [(visit_id + i, first + i, *VISIT[2:], Decimal("0.625")) for i in range(500)]
            visit_id += 500
            columns = (*VISIT_COLUMNS, "composite_score")
            writer.add(Visit.__table__, columns, visits, after=parents)
        writer.wait()
        sync_id_sequences(session, Enterprise.__table__, Visit.__table__)
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 3_000
    scores = set(db.session.scalars(sa.select(Visit.composite_score)))
    assert scores == {Decimal("0.625")}
    # The sequence moved past the explicit ids: the ORM can add the next one.
    with unit_of_work() as session:
        session.add(Enterprise(**dict(zip(COLUMNS[1:], enterprise_rows(0, 1)[0][1:], strict=True))))


def test_a_row_the_database_refuses_is_raised_to_the_caller(users):
    seed_programmes()
    with unit_of_work() as session, BulkWriter(session) as writer:
        (enterprise_id,) = next_ids(session, Enterprise.__table__)
        writer.add(Enterprise.__table__, COLUMNS, enterprise_rows(enterprise_id, 1))
    negative_sales = [(1, enterprise_id, *VISIT[2:], -5)]
    with (
        pytest.raises((sa.exc.IntegrityError, psycopg.IntegrityError)),
        unit_of_work() as session,
        BulkWriter(session) as writer,
    ):
        writer.add(Visit.__table__, (*VISIT_COLUMNS, "monthly_sales_xof"), negative_sales)
        writer.wait()
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0
