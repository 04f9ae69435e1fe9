"""Handing a kit over through the pages: prefilled from the catalogue, corrected, recorded once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, KitDelivery, KitDeliveryItem, db
from tests.ledger_kits.conftest import count, line_amount, template_id


def hidden_key(html: str) -> str:
    return re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', html)[1]


def handover_form(world, enterprise, html: str | None = None, **overrides) -> dict:
    form = {
        "enterprise_id": str(enterprise.id),
        "template_id": str(template_id("Kit couture")),
        "budget_line_id": str(world.lines["UE-OIM-2017"]),
        "delivered_on": "2025-04-10",
        "delivered_by": "Seydou Keïta (OIM)",
        "certificate_number": "PV-2025-000123",
        "idempotency_key": hidden_key(html) if html else "",
        "items-0-name": "Machine à coudre à pédale",
        "items-0-quantity": "1",
        "items-0-unit_cost_xof": "85 000",
        "items-1-name": "Ciseaux de tailleur",
        "items-1-quantity": "2",
        "items-1-unit_cost_xof": "3 500",
        "items-2-name": "",
        "items-2-quantity": "",
        "items-2-unit_cost_xof": "",
    }
    form.update(overrides)
    return form


def test_choosing_an_enterprise_fills_the_form_with_its_trade_s_kit(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    html = client.get(f"/kits/remises/nouvelle?enterprise_id={enterprise.id}").text
    assert "Atelier de couture Diarra" in html and "Kit couture" in html
    assert 'value="Machine à coudre à pédale"' in html and 'value="Table de coupe"' in html
    assert 'name="items-10-name"' in html  # 8 catalogue items and spare rows
    assert len(hidden_key(html)) == 32
    assert f'value="{date.today().isoformat()}"' in html
    # The programme has one kit line: it is chosen already.
    assert re.search(rf'<option selected value="{world.lines["UE-OIM-2017"]}"', html)


def test_another_kit_can_be_chosen_to_start_from(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    fishing = template_id("Kit pêche (pirogue et filets)")
    html = client.get(
        f"/kits/remises/nouvelle?enterprise_id={enterprise.id}&template_id={fishing}"
    ).text
    assert 'value="Pirogue en bois (8 m)"' in html and "Machine à coudre" not in html


def test_an_unknown_enterprise_number_is_said_plainly(as_role, world):
    html = as_role(Role.FINANCE).get("/kits/remises/nouvelle?enterprise_id=999999").text
    assert "No enterprise has this number." in html


def test_the_items_actually_handed_over_are_recorded_and_shown(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    html = client.get(f"/kits/remises/nouvelle?enterprise_id={enterprise.id}").text
    form = handover_form(
        world,
        enterprise,
        html,
        **{
            "items-2-name": "Lampe solaire",
            "items-2-quantity": "1",
            "items-2-unit_cost_xof": "7500",
        },
    )
    response = client.post("/kits/remises/nouvelle", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Kit handover recorded." in page
    assert "Lampe solaire" in page and "Table de coupe" not in page
    assert "99,500\u00a0FCFA" in page  # 85 000 + 2 × 3 500 + 7 500
    assert "PV-2025-000123" in page and "Seydou Keïta (OIM)" in page


def test_sending_the_same_page_twice_records_the_handover_once(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    html = client.get(f"/kits/remises/nouvelle?enterprise_id={enterprise.id}").text
    form = handover_form(world, enterprise, html)
    first = client.post("/kits/remises/nouvelle", data=form)
    again = client.post("/kits/remises/nouvelle", data=form)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "This handover was already recorded" in client.get(again.headers["Location"]).text
    assert count(KitDelivery) == 1 and count(JournalEntry) == 1


def test_a_handover_beyond_the_budget_is_refused_on_the_page_and_nothing_saved(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    line_amount(world, "UE-OIM-2017", 50_000)
    response = client.post("/kits/remises/nouvelle", data=handover_form(world, enterprise))
    assert response.status_code == 200
    assert "exceeds what is left on the budget line" in response.text
    assert count(KitDelivery) == count(KitDeliveryItem) == count(JournalEntry) == 0


def test_a_future_date_and_a_reused_certificate_are_refused_with_clear_messages(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(
        "/kits/remises/nouvelle", data=handover_form(world, enterprise, delivered_on=tomorrow)
    )
    assert "The handover date cannot be in the future." in response.text
    world.hand_over(world.enterprise("Atelier Sissoko"), certificate_number="PV-2025-000123")
    response = client.post("/kits/remises/nouvelle", data=handover_form(world, enterprise))
    assert response.status_code == 200
    assert "Certificate number PV-2025-000123 is already recorded" in response.text
    assert count(KitDelivery) == 1


def test_a_half_filled_item_line_is_pointed_out(as_role, world):
    client = as_role(Role.FINANCE)
    form = handover_form(world, world.enterprise(), **{"items-1-unit_cost_xof": "beaucoup"})
    response = client.post("/kits/remises/nouvelle", data=form)
    assert response.status_code == 200
    assert "Enter a whole number of francs" in response.text
    assert count(KitDelivery) == 0


def test_a_reversal_keeps_the_handover_visible_and_takes_it_out_of_the_total(as_role, world):
    client = as_role(Role.FINANCE)
    enterprise = world.enterprise()
    kept, mistaken = world.hand_over(enterprise), world.hand_over(enterprise)
    assert "184,000\u00a0FCFA" in client.get("/kits/").text

    url = f"/kits/remises/{mistaken.id}"
    response = client.post(f"{url}/annulation", data={"reason": "Saisi deux fois"})
    assert response.status_code == 302
    page = client.get(url).text
    assert "Reversed" in page and "Saisi deux fois" in page and "Reverse the handover" not in page
    listing = client.get("/kits/").text
    assert mistaken.certificate_number in listing and kept.certificate_number in listing
    assert "Value of these handovers: 92,000\u00a0FCFA" in listing


def test_a_reversal_without_a_reason_is_refused(as_role, world):
    client = as_role(Role.FINANCE)
    delivery = world.hand_over(world.enterprise())
    client.post(f"/kits/remises/{delivery.id}/annulation", data={"reason": ""})
    assert "This field is required." in client.get(f"/kits/remises/{delivery.id}").text
    assert count(JournalEntry) == 1


def test_the_list_filters_by_programme_sector_kit_and_period(as_role, world):
    client = as_role(Role.MANAGER)
    couture = world.hand_over(world.enterprise(), delivered_on=date(2024, 5, 2))
    fishing = world.hand_over(
        world.enterprise(
            "Pêcherie Maïga", region="Mopti", sector="fishing", programme="SIDA-OIM-2014"
        ),
        template_id=template_id("Kit pêche (pirogue et filets)"),
    )

    def shown(query: str) -> set[str]:
        html = client.get(f"/kits/?{query}").text
        return {c for c in (couture.certificate_number, fishing.certificate_number) if c in html}

    both = {couture.certificate_number, fishing.certificate_number}
    assert shown("") == both
    assert shown(f"programme_id={world.programmes['SIDA-OIM-2014'].id}") == {
        fishing.certificate_number
    }
    assert shown(f"template_id={template_id('Kit couture')}") == {couture.certificate_number}
    assert shown("from_on=2025-01-01") == {fishing.certificate_number}
    assert shown("to_on=2024-12-31&q=pv-2025") == {couture.certificate_number}
    assert shown("from_on=n'importe&sector_id=²") == both  # a mangled URL shows everything


def test_a_monitor_sees_only_their_region_s_handovers_and_cannot_record(as_role, world):
    kayes = world.hand_over(world.enterprise("Atelier Kayes", region="Kayes"))
    mopti = world.hand_over(world.enterprise("Atelier Mopti", region="Mopti"))
    client = as_role(Role.MONITOR)

    listing = client.get("/kits/").text
    assert kayes.certificate_number in listing and mopti.certificate_number not in listing
    assert "92,000\u00a0FCFA" in listing
    assert client.get(f"/kits/remises/{kayes.id}").status_code == 200
    assert "Reverse the handover" not in client.get(f"/kits/remises/{kayes.id}").text
    assert client.get(f"/kits/remises/{mopti.id}").status_code == 404
    assert client.get(f"/kits/remises/{mopti.id}/proces-verbal").status_code == 404
    assert client.get("/kits/remises/nouvelle").status_code == 403
    response = client.post(f"/kits/remises/{kayes.id}/annulation", data={"reason": "x"})
    assert response.status_code == 403
    assert count(JournalEntry) == 2


def test_the_printable_certificate_is_in_french_with_blank_signature_lines(as_role, world):
    client = as_role(Role.FINANCE)
    delivery = world.hand_over(world.enterprise())
    html = client.get(f"/kits/remises/{delivery.id}/proces-verbal").text
    assert '<html lang="fr">' in html
    assert delivery.certificate_number in html and "Aminata Diarra" in html
    assert "Machine à coudre à pédale" in html and "92\u202f000\u00a0FCFA" in html
    assert html.count("______________________") >= 4
    assert "data-print" in html and "/static/js/print.js" in html
    assert "<script>" not in html and "onclick" not in html
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(KitDelivery.id))) == 1
