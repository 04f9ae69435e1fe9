"""Demo visits: the plan the services would make, and values the services would compute."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import numpy as np
import pytest
import sqlalchemy as sa

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.scoring import score_visit
from portfolio.domain.monitoring.vocabulary import BusinessStatus, KitItemCondition
from portfolio.models import Base, KitDeliveryItem, db
from portfolio.models.monitoring import EnterpriseRisk, PlannedVisit, Visit, VisitKitItem
from portfolio.services import demo_visits
from portfolio.services.demo import next_enterprise_id, seed_portfolio, seed_support
from portfolio.services.demo_bulk import PhaseClock
from portfolio.services.demo_visit_rows import Scorer, answers, observe_kit
from portfolio.services.unit_of_work import unit_of_work
from portfolio.services.visit_plan import plan_visits
from portfolio.services.visits import kit_retained

CODES = [item.code for item in REINTEGRATION_ITEMS]


@pytest.mark.parametrize(
    "weights",
    [
        {},
        {"income_sufficiency": Decimal(3), "economic": Decimal("0.5"), "housing": Decimal(0)},
        {code: Decimal(0) for code in CODES[:6]} | {"social": Decimal(2)},
    ],
)
def test_memoised_scores_are_score_visit_scores(weights):
    generator = np.random.default_rng(3)
    replies = answers(generator, generator.random(3_000))
    for values, columns in zip(replies.tolist(), Scorer(weights)(replies), strict=True):
        expected = score_visit(dict(zip(CODES, values, strict=True)), weights)
        assert columns[: len(CODES)] == tuple(values)
        assert columns[len(CODES) :] == (
            expected.economic,
            expected.social,
            expected.psychosocial,
            expected.composite,
        )


def test_the_kit_kept_is_what_the_visit_service_computes():
    rng = random.Random(5)
    for _ in range(2_000):
        items = [(i, rng.randint(1, 3), rng.choice([0, 1_500, 7_500, 85_000])) for i in range(6)]
        seen: list[tuple] = []
        pct, sold = observe_kit(rng, 7, items, rng.choice([0.02, 0.3]), rng.randint(1, 5), seen)
        assert [(visit, item) for visit, item, _ in seen] == [(7, i) for i, _, _ in items]
        conditions = {item: condition for _, item, condition in seen}
        assert (pct, sold) == kit_retained((q, c, conditions[i]) for i, q, c in items)


def test_answers_stay_on_the_scale_and_follow_the_level():
    generator = np.random.default_rng(1)
    low, high = answers(generator, [0.1] * 500), answers(generator, [0.9] * 500)
    assert set(np.unique(np.concatenate([low, high]))) <= set(range(5))
    assert high[:, 0].sum() > 3 * low[:, 0].sum()  # income sufficiency: favourable high
    assert high[:, 1].sum() < low[:, 1].sum() / 3  # food reduction: favourable low


def test_demo_visits_follow_the_plan_the_services_would_make(users):
    first_id = next_enterprise_id()
    seed_portfolio(300, seed=11)
    clock = PhaseClock()
    made = seed_support(first_id, seed=11, clock=clock)

    assert {"grants", "kits", "loans", "visits plan", "visits", "flags", "analyze"} <= set(
        clock.seconds
    )
    assert plan_visits() == 0  # nothing missing: the demo planned every step
    planned = db.session.execute(
        sa.select(PlannedVisit.enterprise_id, PlannedVisit.sequence, PlannedVisit.visit_id)
    ).all()
    assert len(planned) == made["planned_visits"]
    done = {row.visit_id for row in planned if row.visit_id is not None}
    assert len(done) == made["visits"] == db.session.scalar(sa.select(sa.func.count(Visit.id)))
    missed = [row for row in planned if row.visit_id is None]
    assert missed  # some due visits were missed
    # Each planned visit is fulfilled by a visit of its own enterprise.
    mismatched = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PlannedVisit)
        .join(Visit, Visit.id == PlannedVisit.visit_id)
        .where(Visit.enterprise_id != PlannedVisit.enterprise_id)
    )
    assert mismatched == 0
    # Stored scores are the scores of the stored answers.
    for visit in db.session.scalars(sa.select(Visit).where(Visit.composite_score.is_not(None))):
        expected = score_visit({code: getattr(visit, code) for code in CODES})
        assert visit.composite_score == expected.composite
    statuses = Counter(db.session.scalars(sa.select(Visit.business_status)))
    assert statuses[BusinessStatus.OPERATING] > statuses[BusinessStatus.CLOSED] > 0
    sold = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(VisitKitItem)
        .where(VisitKitItem.condition == KitItemCondition.SOLD)
    )
    assert sold > 0
    assert db.session.scalar(sa.select(sa.func.count(EnterpriseRisk.enterprise_id))) == 300


def test_the_same_seed_gives_the_same_data(users):
    def seeded() -> tuple:
        first_id = next_enterprise_id()
        seed_portfolio(80, seed=4)
        seed_support(first_id, seed=4)
        rows = db.session.execute(
            sa.select(
                Visit.enterprise_id, Visit.visited_on, Visit.composite_score, Visit.work
            ).order_by(Visit.id)
        ).all()
        items = db.session.scalar(sa.select(sa.func.count(KitDeliveryItem.id)))
        return rows, items

    first = seeded()
    _empty_demo_tables()
    assert seeded() == first


def _empty_demo_tables() -> None:
    """Everything but the reference data and the accounts, as after a fresh start."""
    kept = {"region", "commune", "village", "sector", "user_account", "usury_ceiling"}
    kept |= {"score_weight", "flag_rule", "visit_cadence_step", "alembic_version"}
    db.session.remove()  # its connection lets go, as another process would
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in kept:
                connection.execute(table.delete())


def test_demo_visits_fulfil_a_plan_the_services_already_made(users, monkeypatch):
    first_id = next_enterprise_id()
    seed_portfolio(150, seed=2)
    monkeypatch.setattr(demo_visits, "seed_visits_demo", lambda *args, **kwargs: {})
    seed_support(first_id, seed=2)
    monkeypatch.undo()
    with unit_of_work():
        planned = plan_visits()
    made = demo_visits.seed_visits_demo(random.Random(2), first_id)

    assert made["planned_visits"] == 0
    assert db.session.scalar(sa.select(sa.func.count(PlannedVisit.id))) == planned
    done = db.session.scalar(
        sa.select(sa.func.count(PlannedVisit.id)).where(PlannedVisit.visit_id.is_not(None))
    )
    assert done == made["visits"] > 0
