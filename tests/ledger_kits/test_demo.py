"""Demo kit handovers: about 45 % of enterprises, realistic certificates, a few reversals."""

from __future__ import annotations

import random
import re
from datetime import date

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.models import Enterprise, JournalEntry, KitDelivery, KitDeliveryItem, db
from portfolio.reporting.kits import KitFilter, delivery_page
from portfolio.services.budgets import line_totals
from portfolio.services.demo import seed_portfolio
from portfolio.services.demo_kits import seed_kits_demo
from tests.ledger_kits.conftest import count, line_amount


def enterprise_rows():
    return db.session.execute(
        sa.select(
            Enterprise.id, Enterprise.programme_id, Enterprise.sector_id, Enterprise.started_on
        ).order_by(Enterprise.id)
    ).mappings()


def kit_lines(world) -> dict[int, int]:
    return {world.programmes[code].id: line for code, line in world.lines.items()}


def test_demo_handovers_reach_about_45_percent_of_enterprises_within_their_lines(world):
    for code in world.lines:
        line_amount(world, code, 2_000_000_000)
    seed_portfolio(400)

    made = seed_kits_demo(
        random.Random(7), list(enterprise_rows()), kit_lines(world), reversal_share=0.05
    )

    assert 0.38 * 400 < made < 0.52 * 400
    assert count(KitDelivery) == made
    assert count(KitDeliveryItem) > 4 * made
    numbers = db.session.scalars(sa.select(KitDelivery.certificate_number)).all()
    assert all(re.fullmatch(r"PV-20\d\d-\d{6}", n) for n in numbers)
    assert max(db.session.scalars(sa.select(KitDelivery.delivered_on))) <= date.today()
    reversals = db.session.scalar(
        sa.select(sa.func.count(JournalEntry.id)).where(JournalEntry.kind == EntryKind.REVERSAL)
    )
    assert 0 < reversals < made * 0.15
    # Each handover's items add up to its journal entry, in the catalogue's order.
    mismatched = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(JournalEntry)
        .where(
            JournalEntry.kind == EntryKind.KIT_DELIVERY,
            JournalEntry.amount_xof
            != sa.select(sa.func.sum(KitDeliveryItem.quantity * KitDeliveryItem.unit_cost_xof))
            .where(KitDeliveryItem.delivery_id == JournalEntry.kit_delivery_id)
            .scalar_subquery(),
        )
    )
    assert mismatched == 0
    first = db.session.scalar(sa.select(KitDelivery).order_by(KitDelivery.id).limit(1))
    assert first.items[0].name == first.template.items[0].name or len(first.items) != len(
        first.template.items
    )
    # The journal, the list and the budget lines agree on what was handed out.
    page = delivery_page(KitFilter(), 1, 10)
    assert page.total == made
    assert page.total_value_xof == sum(
        t.disbursed_xof for t in line_totals(line_ids=list(world.lines.values()))
    )


def test_demo_handovers_never_take_a_line_beyond_its_amount_and_can_run_twice(world):
    seed_portfolio(150)
    line_amount(world, "UE-OIM-2017", 1_000_000)

    first = seed_kits_demo(random.Random(1), enterprise_rows(), kit_lines(world))
    second = seed_kits_demo(random.Random(2), enterprise_rows(), kit_lines(world))

    assert count(KitDelivery) == first + second
    (line,) = line_totals(line_ids=[world.lines["UE-OIM-2017"]])
    assert line.committed_xof <= 1_000_000
    # Fresh ids after the bulk insert: a handover recorded by hand still works.
    line_amount(world, "UE-OIM-2017", 1_000_000_000)
    delivery = world.hand_over(world.enterprise())
    assert delivery.id == db.session.scalar(sa.select(sa.func.max(KitDelivery.id)))
