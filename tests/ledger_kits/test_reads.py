"""The read side: a fixed number of queries whatever the number of kits, and the enterprise page."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import render_template

from portfolio.domain.vocabulary import Role
from portfolio.models import db
from portfolio.reporting.kits import KitFilter, delivery_page, kit_templates, kits_of_enterprise
from portfolio.services.kits import reverse_kit_delivery


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        # Transaction control (SQLite's explicit BEGIN) is not a query.
        if statement.strip().upper() != "BEGIN":
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def queries_for(read) -> int:
    db.session.rollback()
    with counted_queries() as statements:
        read()
    return len(statements)


@pytest.fixture
def handovers(world):
    """Hands `n` more kits to the same enterprise; returns the enterprise id."""
    enterprise = world.enterprise()

    def hand(n: int) -> int:
        for _ in range(n):
            world.hand_over(enterprise)
        return enterprise.id

    return hand


def test_the_list_the_enterprise_kits_and_the_catalogue_cost_the_same_queries_for_5_or_50(
    handovers,
):
    enterprise_id = handovers(5)
    reads = (
        lambda: delivery_page(KitFilter(), 1, 100),
        lambda: kits_of_enterprise(enterprise_id),
        kit_templates,
    )
    few = [queries_for(read) for read in reads]
    handovers(45)
    assert len(delivery_page(KitFilter(), 1, 100).items) == 50
    assert len(kits_of_enterprise(enterprise_id)) == 50
    assert [queries_for(read) for read in reads] == few
    assert few == [2, 2, 2]


def test_an_enterprise_s_kits_show_their_items_and_which_were_reversed(world):
    enterprise = world.enterprise()
    first = world.hand_over(enterprise)
    second = world.hand_over(
        enterprise, items=[{"name": "Fer à repasser", "quantity": 1, "unit_cost_xof": 6_000}]
    )
    reverse_kit_delivery(first.id, "Erreur", world.recorder_id)

    kits = kits_of_enterprise(enterprise.id)

    # Same day: the later record comes first.
    assert [(k.id, k.value_xof, k.reversed) for k in kits] == [
        (second.id, 6_000, False),
        (first.id, 92_000, True),
    ]
    by_id = {k.id: k for k in kits}
    assert [i.name for i in by_id[first.id].items] == [
        "Machine à coudre à pédale",
        "Ciseaux de tailleur",
    ]
    assert kits_of_enterprise(world.enterprise("Atelier vide").id) == []


def test_the_enterprise_page_partial_lists_the_kits(app, world):
    enterprise = world.enterprise()
    delivery = world.hand_over(enterprise)
    with app.test_request_context():
        html = render_template(
            "kits/_enterprise_kits.html",
            kits=kits_of_enterprise(enterprise.id),
            enterprise=enterprise,
        )
    assert delivery.certificate_number in html
    assert "Machine à coudre à pédale × 1" in html
    assert f"/kits/remises/{delivery.id}" in html


def test_the_handover_list_page_costs_the_same_queries_for_5_or_50_kits(handovers, as_role):
    client = as_role(Role.FINANCE)
    handovers(5)
    few = queries_for(lambda: client.get("/kits/?per_page=100"))
    handovers(45)
    many = queries_for(lambda: client.get("/kits/?per_page=100"))
    assert many == few
