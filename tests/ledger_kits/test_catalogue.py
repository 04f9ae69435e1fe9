"""Managers keep the kit catalogue: list, create, edit items, stop offering a kit."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import KitTemplate, KitTemplateItem, db
from portfolio.services.kits import seed_kit_catalogue
from tests.ledger_kits.conftest import TAILORING_KIT_XOF, count, sector_id, template_id


def template_form(**overrides) -> dict:
    form = {
        "name": "Kit couture femmes",
        "sector_id": str(sector_id("tailoring")),
        "active": "y",
        "items-0-name": "Machine à coudre électrique",
        "items-0-quantity": "1",
        "items-0-unit_cost_xof": "125 000",
        "items-0-supplier": "Grand marché",
        "items-1-name": "Ciseaux",
        "items-1-quantity": "3",
        "items-1-unit_cost_xof": "3500",
        "items-1-supplier": "",
        "items-2-name": "",
        "items-2-quantity": "",
        "items-2-unit_cost_xof": "",
        "items-2-supplier": "",
    }
    form.update(overrides)
    return form


def test_the_standard_catalogue_is_added_once_however_often_it_is_seeded(world):
    kits = count(KitTemplate)
    assert kits == 16
    assert seed_kit_catalogue() == 0
    assert count(KitTemplate) == kits


def test_a_manager_sees_every_kit_with_its_items_and_value(client, as_role, world):
    as_role(Role.MANAGER)
    page = client.get("/kits/catalogue").text
    assert "Kit couture" in page and "Machine à coudre à pédale" in page
    assert "Kit pêche (pirogue et filets)" in page
    assert f"{TAILORING_KIT_XOF:,}\u00a0FCFA" == "206,500\u00a0FCFA"
    assert "206,500\u00a0FCFA" in page  # the tailoring kit's value


def test_a_manager_creates_a_kit_and_the_empty_rows_are_ignored(client, as_role, world):
    as_role(Role.MANAGER)
    response = client.post("/kits/catalogue/nouveau", data=template_form())
    assert response.status_code == 302
    kit = db.session.scalar(sa.select(KitTemplate).where(KitTemplate.name == "Kit couture femmes"))
    assert [(i.name, i.quantity, i.unit_cost_xof) for i in kit.items] == [
        ("Machine à coudre électrique", 1, 125_000),
        ("Ciseaux", 3, 3_500),
    ]
    assert kit.items[0].supplier == "Grand marché" and kit.items[1].supplier is None
    assert "Kit couture femmes" in client.get("/kits/catalogue").text


def test_a_kit_without_a_name_or_items_is_refused_with_messages(client, as_role, world):
    as_role(Role.MANAGER)
    columns = ("name", "quantity", "unit_cost_xof", "supplier")
    emptied = {f"items-{i}-{column}": "" for i in (0, 1) for column in columns}
    response = client.post("/kits/catalogue/nouveau", data=template_form(name="", **emptied))
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "List at least one item." in response.text
    assert count(KitTemplate) == 16


def test_an_item_row_half_filled_says_which_cell_is_missing(client, as_role, world):
    as_role(Role.MANAGER)
    response = client.post(
        "/kits/catalogue/nouveau",
        data=template_form(**{"items-1-quantity": "", "items-1-unit_cost_xof": "-5"}),
    )
    assert response.status_code == 200
    assert "Required for each item." in response.text
    assert "Number must be between 0 and 50000000." in response.text
    assert count(KitTemplate) == 16


def test_two_kits_cannot_share_a_name(client, as_role, world):
    as_role(Role.MANAGER)
    response = client.post("/kits/catalogue/nouveau", data=template_form(name="kit couture"))
    assert response.status_code == 200
    assert "Another kit has this name." in response.text


def test_editing_a_kit_replaces_its_items(client, as_role, world):
    as_role(Role.MANAGER)
    kit_id = template_id("Kit pêche (pirogue et filets)")
    form = client.get(f"/kits/catalogue/{kit_id}").text
    assert "Pirogue en bois (8 m)" in form and 'name="items-8-name"' in form  # 6 items + spare rows
    response = client.post(
        f"/kits/catalogue/{kit_id}",
        data=template_form(
            name="Kit pêche", sector_id=str(sector_id("fishing")), **{"items-1-quantity": "6"}
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    items = db.session.scalars(
        sa.select(KitTemplateItem).where(KitTemplateItem.template_id == kit_id)
    ).all()
    assert [(i.name, i.quantity) for i in items] == [
        ("Machine à coudre électrique", 1),
        ("Ciseaux", 6),
    ]


def test_a_deactivated_kit_is_no_longer_offered_for_handovers(client, as_role, world):
    as_role(Role.MANAGER)
    kit_id = template_id("Kit couture")
    assert client.post(f"/kits/catalogue/{kit_id}/desactiver").status_code == 302
    assert db.session.get(KitTemplate, kit_id).active is False
    assert "No longer offered" in client.get("/kits/catalogue").text
    as_role(Role.FINANCE)
    assert f'value="{kit_id}"' not in client.get("/kits/remises/nouvelle").text
    as_role(Role.MANAGER)
    client.post(f"/kits/catalogue/{kit_id}/activer")
    db.session.expire_all()
    assert db.session.get(KitTemplate, kit_id).active is True


def test_finance_officers_and_monitors_cannot_change_the_catalogue(client, as_role, world):
    for role in (Role.FINANCE, Role.MONITOR):
        as_role(role)
        assert client.get("/kits/catalogue").status_code == 403
        assert client.post("/kits/catalogue/nouveau", data=template_form()).status_code == 403
    assert count(KitTemplate) == 16
