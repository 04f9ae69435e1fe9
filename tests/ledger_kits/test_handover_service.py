"""Recording and reversing kit handovers: budget, value, certificate, double submission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.models import JournalEntry, KitDelivery, KitDeliveryItem, db
from portfolio.reporting.kits import KitFilter, delivery_detail, delivery_page
from portfolio.services.budgets import line_totals
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.kits import reverse_kit_delivery
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_kits.conftest import count, line_amount


def disbursed(world, programme: str = "UE-OIM-2017") -> int:
    (line,) = line_totals(line_ids=[world.lines[programme]])
    return line.disbursed_xof


def nothing_saved() -> bool:
    return count(KitDelivery) == count(KitDeliveryItem) == count(JournalEntry) == 0


def test_a_handover_within_budget_records_the_kit_and_puts_its_value_on_the_line(world):
    delivery = world.hand_over(world.enterprise())

    entry = db.session.query(JournalEntry).one()
    assert entry.kind == EntryKind.KIT_DELIVERY and entry.kit_delivery_id == delivery.id
    assert entry.amount_xof == 92_000 == delivery.value_xof
    assert entry.enterprise_id == delivery.enterprise_id
    assert entry.budget_line_id == world.lines["UE-OIM-2017"]
    assert entry.value_on == date(2025, 4, 10)
    assert disbursed(world) == 92_000


def test_a_handover_beyond_what_the_line_has_left_is_refused_and_nothing_is_saved(world):
    enterprise = world.enterprise()
    line_amount(world, "UE-OIM-2017", 90_000)

    with pytest.raises(ServiceError) as refused:
        world.hand_over(enterprise)

    assert refused.value.field == "budget_line_id"
    assert "exceeds what is left on the budget line" in refused.value.message
    assert "90\u202f000" in refused.value.message or "90,000" in refused.value.message
    assert nothing_saved()


def test_the_value_is_the_exact_sum_of_quantity_times_unit_cost(world):
    items = [
        {"name": "Filet maillant", "quantity": 3, "unit_cost_xof": 333_333},
        {"name": "Hameçons", "quantity": 7, "unit_cost_xof": 1},
        {"name": "Sac offert", "quantity": 1, "unit_cost_xof": 0},
    ]
    delivery = world.hand_over(world.enterprise(sector="fishing"), items=items)

    assert delivery_detail(delivery.id).value_xof == 1_000_006
    assert db.session.query(JournalEntry).one().amount_xof == 1_000_006


def test_items_that_differ_from_the_catalogue_kit_are_kept_as_handed_over(world):
    items = [
        {"name": "Machine à coudre électrique", "quantity": 1, "unit_cost_xof": 140_000},
        {"name": "Pagne wax (6 yards)", "quantity": 4, "unit_cost_xof": 7_500},
        {"name": "", "quantity": None, "unit_cost_xof": None},  # a spare form row
    ]
    delivery = world.hand_over(world.enterprise(), items=items)

    detail = delivery_detail(delivery.id)
    assert detail.template_name == "Kit couture"
    assert [(i.name, i.quantity, i.unit_cost_xof) for i in detail.items] == [
        ("Machine à coudre électrique", 1, 140_000),
        ("Pagne wax (6 yards)", 4, 7_500),
    ]


def test_a_certificate_number_already_used_is_refused_with_where_it_was_used(world):
    first = world.hand_over(world.enterprise("Atelier Sissoko"))
    second = world.enterprise("Atelier Camara")

    with pytest.raises(ServiceError) as refused:
        world.hand_over(second, certificate_number=first.certificate_number.lower())

    assert refused.value.field == "certificate_number"
    assert first.certificate_number.lower() in refused.value.message
    assert "Atelier Sissoko" in refused.value.message
    assert count(KitDelivery) == 1 and count(JournalEntry) == 1


def test_the_same_submission_twice_records_the_handover_once(world):
    enterprise = world.enterprise()
    first = world.hand_over(enterprise, key="9b1f0c", certificate_number="PV-2025-000042")

    with pytest.raises(DuplicateSubmission) as again:
        world.hand_over(enterprise, key="9b1f0c", certificate_number="PV-2025-000042")

    assert again.value.entry.kit_delivery_id == first.id
    assert count(KitDelivery) == 1 and count(JournalEntry) == 1
    assert disbursed(world) == 92_000


def test_a_handover_dated_in_the_future_is_refused(world):
    with pytest.raises(ServiceError) as refused:
        world.hand_over(world.enterprise(), delivered_on=date.today() + timedelta(days=1))
    assert refused.value.field == "delivered_on"
    assert nothing_saved()


def test_a_kit_cannot_be_charged_to_another_programme_s_line(world):
    enterprise = world.enterprise(programme="UE-OIM-2017")
    with pytest.raises(ServiceError) as refused:
        world.hand_over(enterprise, budget_line_id=world.lines["AME-2026"])
    assert refused.value.field == "budget_line_id"
    assert nothing_saved()


def test_a_kit_worth_nothing_or_with_no_item_is_refused(world):
    enterprise = world.enterprise()
    free = [{"name": "Brochure", "quantity": 1, "unit_cost_xof": 0}]
    for items in (free, [{"name": "", "quantity": None, "unit_cost_xof": None}]):
        with pytest.raises(ServiceError) as refused:
            world.hand_over(enterprise, items=items)
        assert refused.value.field == "items"
    assert nothing_saved()


def test_a_reversed_handover_stays_in_the_history_but_no_longer_counts(world):
    enterprise = world.enterprise()
    kept = world.hand_over(enterprise)
    mistaken = world.hand_over(enterprise)
    assert disbursed(world) == 184_000

    reverse_kit_delivery(mistaken.id, "Saisi deux fois", world.recorder_id)

    detail = delivery_detail(mistaken.id)
    assert detail.reversed and detail.reversal_reason == "Saisi deux fois"
    assert [i.name for i in detail.items] == ["Machine à coudre à pédale", "Ciseaux de tailleur"]
    assert count(KitDelivery) == 2
    assert disbursed(world) == 92_000
    page = delivery_page(KitFilter(), 1, 25)
    assert page.total == 2 and page.total_value_xof == 92_000
    assert {row.id: row.reversed for row in page.items} == {kept.id: False, mistaken.id: True}


def test_a_reversal_needs_a_reason_and_happens_only_once(world):
    delivery = world.hand_over(world.enterprise())
    with pytest.raises(ServiceError) as no_reason:
        reverse_kit_delivery(delivery.id, "  ", world.recorder_id)
    assert no_reason.value.field == "reason"
    reverse_kit_delivery(delivery.id, "Erreur", world.recorder_id)
    with pytest.raises(ServiceError, match="already been reversed"):
        reverse_kit_delivery(delivery.id, "Encore", world.recorder_id)
    assert count(JournalEntry) == 2
