"""Planning visits and recording them: derived values, idempotence, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import KitDeliveryItem, db
from portfolio.models.monitoring import (
    PlannedVisit,
    ScoreWeight,
    Visit,
    VisitCadenceStep,
)
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.visit_plan import (
    plan_visits,
    reassign_planned_visits,
    replan_after_cadence_change,
)
from portfolio.services.visits import DuplicateVisit, record_visit
from tests.monitoring_visits.conftest import planned_of, region_id, visit_values


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def items_of(enterprise_id: int) -> list[KitDeliveryItem]:
    from portfolio.services.visits import delivered_items

    return delivered_items(enterprise_id)


def test_handing_a_kit_over_plans_the_default_visits(world, users):
    enterprise = world.supported()
    plan = planned_of(enterprise.id)
    assert [(p.sequence, p.months_after_support, p.due_on) for p in plan] == [
        (1, 1, date(2025, 5, 10)),
        (2, 3, date(2025, 7, 10)),
        (3, 6, date(2025, 10, 10)),
        (4, 12, date(2026, 4, 10)),
        (5, 18, date(2026, 10, 10)),
    ]
    assert {p.assigned_to_id for p in plan} == {users[Role.MONITOR].id}


def test_a_support_on_the_31st_falls_due_at_months_ends(world):
    enterprise = world.supported(delivered_on=date(2025, 8, 31))
    due = [p.due_on for p in planned_of(enterprise.id)]
    assert due[:3] == [date(2025, 9, 30), date(2025, 11, 30), date(2026, 2, 28)]


def test_planning_twice_adds_nothing(world):
    enterprise = world.supported()
    world.hand_over(enterprise, items=[{"name": "Fil", "quantity": 3, "unit_cost_xof": 500}])
    assert plan_visits() == 0
    db.session.commit()
    assert len(planned_of(enterprise.id)) == 5


def test_visits_go_to_the_least_loaded_monitor_of_the_region(world, users, second_monitor):
    first = world.supported("Atelier A")
    second = world.supported("Atelier B")
    third = world.supported("Atelier C", region="Sikasso")
    monitors = {
        e.name: {p.assigned_to_id for p in planned_of(e.id)} for e in (first, second, third)
    }
    assert monitors["Atelier A"] == {users[Role.MONITOR].id}
    assert monitors["Atelier B"] == {second_monitor["kayes"].id}
    assert monitors["Atelier C"] == {second_monitor["sikasso"].id}


def test_a_cadence_change_adds_steps_and_keeps_done_visits(world, users):
    enterprise = world.supported()
    record_visit(visit_values(enterprise.id), recorded_by_id=users[Role.MONITOR].id)
    db.session.add(VisitCadenceStep(months=2))
    db.session.execute(sa.delete(VisitCadenceStep).where(VisitCadenceStep.months == 1))
    db.session.commit()
    added, removed = replan_after_cadence_change()
    assert (added, removed) == (1, 0)  # step 1 was done: it stays
    plan = planned_of(enterprise.id)
    assert [(p.months_after_support, p.visit_id is not None) for p in plan] == [
        (1, True),
        (3, False),
        (6, False),
        (12, False),
        (18, False),
        (2, False),
    ]
    assert plan[-1].sequence == 6 and plan[-1].due_on == date(2025, 6, 10)


def test_recording_a_visit_fills_its_derived_values(world, users):
    enterprise = world.supported()
    machine, scissors, fabric = items_of(enterprise.id)
    visit = record_visit(
        visit_values(enterprise.id),
        recorded_by_id=users[Role.MONITOR].id,
        problems=["raw_materials", "competition"],
        kit_conditions={machine.id: "in_use", scissors.id: "present_unused", fabric.id: "sold"},
    )
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.net_income_xof == 75_000
    # kept: 85 000 + 7 000 of 105 000 -> 88 %
    assert visit.kit_retained_pct == 88 and visit.kit_sold is True
    assert visit.economic_score == Decimal("0.75")  # (3/4 + (1 - 1/4)) / 2
    assert visit.social_score == Decimal("0.5")
    assert visit.psychosocial_score == Decimal(1)
    assert visit.composite_score == Decimal("0.75")
    assert sorted(p.problem for p in visit.problems) == ["competition", "raw_materials"]
    assert visit.monitor_id == users[Role.MONITOR].id
    assert planned_of(enterprise.id)[0].visit_id == visit.id


def test_weights_from_the_table_change_the_scores(world, users):
    enterprise = world.supported()
    db.session.execute(
        sa.update(ScoreWeight).where(ScoreWeight.code == "social").values(weight=Decimal(0))
    )
    db.session.commit()
    visit = record_visit(visit_values(enterprise.id), recorded_by_id=users[Role.MONITOR].id)
    assert visit.composite_score == Decimal("0.875")


def test_a_typed_net_income_is_kept(world, users):
    enterprise = world.supported()
    visit = record_visit(
        visit_values(enterprise.id, net_income_xof=-5_000), recorded_by_id=users[Role.ADMIN].id
    )
    assert visit.net_income_xof == -5_000


def test_a_visit_far_ahead_of_the_plan_fulfils_nothing(world, users):
    enterprise = world.supported()
    visit = record_visit(
        visit_values(enterprise.id, visited_on=date(2025, 4, 11)),
        recorded_by_id=users[Role.MONITOR].id,
    )
    # due 10/05: within the 30-day tolerance, so it counts as the first visit
    assert planned_of(enterprise.id)[0].visit_id == visit.id
    second = record_visit(
        visit_values(enterprise.id, visited_on=date(2025, 4, 12)),
        recorded_by_id=users[Role.MONITOR].id,
    )
    assert second.id not in {p.visit_id for p in planned_of(enterprise.id)}


def test_the_same_form_token_records_once(world, users):
    enterprise = world.supported()
    first = record_visit(
        visit_values(enterprise.id), recorded_by_id=users[Role.MONITOR].id, instance_id="web:abc"
    )
    with pytest.raises(DuplicateVisit) as raised:
        record_visit(
            visit_values(enterprise.id),
            recorded_by_id=users[Role.MONITOR].id,
            instance_id="web:abc",
        )
    assert raised.value.visit.id == first.id
    assert count(Visit) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visited_on": date(2099, 1, 1)}, "visited_on"),
        ({"visited_on": date(2025, 4, 9)}, "visited_on"),
        ({"visited_on": None}, "visited_on"),
        ({"monthly_sales_xof": -1}, "monthly_sales_xof"),
        ({"monthly_costs_xof": 12.5}, "monthly_costs_xof"),
        ({"business_status": "flourishing"}, "business_status"),
        ({"housing": 5}, "housing"),
        ({"paid_employees": -2}, "paid_employees"),
        ({"latitude": 123.0, "longitude": 2.0}, "latitude"),
        ({"enterprise_id": 999_999}, "enterprise_id"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, users, overrides, field):
    enterprise = world.supported()
    with pytest.raises(ServiceError) as refused:
        record_visit(
            {**visit_values(enterprise.id), **overrides}, recorded_by_id=users[Role.ADMIN].id
        )
    assert refused.value.field == field
    assert count(Visit) == 0
    assert all(p.visit_id is None for p in planned_of(enterprise.id))


def test_a_kit_item_of_another_enterprise_is_refused(world, users):
    mine = world.supported("Atelier A")
    other = world.supported("Atelier B")
    with pytest.raises(ServiceError) as refused:
        record_visit(
            visit_values(mine.id),
            recorded_by_id=users[Role.ADMIN].id,
            kit_conditions={items_of(other.id)[0].id: "in_use"},
        )
    assert refused.value.field == "kit_items"
    assert count(Visit) == 0


def test_a_monitor_cannot_record_outside_their_region(world, users):
    elsewhere = world.supported(region="Sikasso")
    with pytest.raises(ServiceError):
        record_visit(
            visit_values(elsewhere.id),
            recorded_by_id=users[Role.MONITOR].id,
            region_id=region_id("Kayes"),
        )
    assert count(Visit) == 0


def test_a_photo_must_be_a_small_image(world, users):
    enterprise = world.supported()
    for data in (b"<html><script>alert(1)</script>", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)):
        with pytest.raises(ServiceError) as refused:
            record_visit(
                visit_values(enterprise.id), recorded_by_id=users[Role.ADMIN].id, photo=data
            )
        assert refused.value.field == "photo"
    visit = record_visit(
        visit_values(enterprise.id),
        recorded_by_id=users[Role.ADMIN].id,
        photo=b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"0" * 20,
    )
    assert visit.photo_content_type == "image/webp" and visit.photo_file.endswith(".webp")


def test_planned_visits_are_reassigned_within_the_region(world, users, second_monitor):
    enterprise = world.supported()
    ids = [p.id for p in planned_of(enterprise.id)]
    record_visit(visit_values(enterprise.id), recorded_by_id=users[Role.MONITOR].id)
    assert reassign_planned_visits(ids, second_monitor["kayes"].id) == 4  # the done one stays
    with pytest.raises(ServiceError) as refused:
        reassign_planned_visits(ids, second_monitor["sikasso"].id)
    assert refused.value.field == "monitor_id"
    db.session.expire_all()
    owners = [p.assigned_to_id for p in planned_of(enterprise.id)]
    assert owners[0] == users[Role.MONITOR].id
    assert set(owners[1:]) == {second_monitor["kayes"].id}
    assert count(PlannedVisit) == 5
