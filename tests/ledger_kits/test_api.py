"""Kit handovers over the API: create, list, detail, reversal, and 422s that name the field."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator

from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, KitDelivery
from tests.ledger_kits.conftest import count, line_amount, template_id

URL = "/api/v1/kits"


def payload(world, enterprise, **overrides: Any) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise.id,
        "template_id": template_id("Kit couture"),
        "budget_line_id": world.lines["UE-OIM-2017"],
        "delivered_on": "2025-04-10",
        "delivered_by": "Seydou Keïta (OIM)",
        "certificate_number": "PV-2025-000777",
        "items": [
            {"name": "Machine à coudre à pédale", "quantity": 1, "unit_cost_xof": 85_000},
            {"name": "Ciseaux de tailleur", "quantity": 2, "unit_cost_xof": 3_500},
        ],
        "idempotency_key": "c0ffee-0001",
        **overrides,
    }


@pytest.fixture
def document(api) -> dict[str, Any]:
    return api.get("/api/v1/openapi.json", role=None).json


def assert_matches(document, name: str, instance: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(instance)


def test_a_handover_posted_is_created_and_read_back_with_its_items(api, world, document):
    enterprise = world.enterprise()
    response = api.post(URL, json=payload(world, enterprise), role=Role.FINANCE)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["value_xof"] == 92_000 and body["reversed"] is False
    assert body["items"][1] == {
        "name": "Ciseaux de tailleur",
        "quantity": 2,
        "unit_cost_xof": 3_500,
        "value_xof": 7_000,
    }
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert api.get(f"{URL}/{body['id']}", role=Role.MONITOR).json == body  # Kayes monitor
    assert_matches(document, "KitDelivery", body)


def test_the_same_idempotency_key_twice_answers_the_first_handover(api, world):
    enterprise = world.enterprise()
    first = api.post(URL, json=payload(world, enterprise), role=Role.FINANCE)
    again = api.post(URL, json=payload(world, enterprise), role=Role.FINANCE)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert count(KitDelivery) == 1 and count(JournalEntry) == 1


def test_the_list_filters_pages_and_totals_the_value_not_reversed(api, world, document):
    enterprise = world.enterprise()
    kept, mistaken = world.hand_over(enterprise), world.hand_over(enterprise)
    world.hand_over(world.enterprise("Pêcherie Mopti", region="Mopti", sector="fishing"))

    reversal = api.post(f"{URL}/{mistaken.id}/reversal", json={"reason": "Doublon"})
    assert reversal.status_code == 200 and reversal.json["reversed"] is True
    assert reversal.json["reversal"]["reason"] == "Doublon"
    assert_matches(document, "KitDelivery", reversal.json)

    listing = api.get(f"{URL}?enterprise_id={enterprise.id}&per_page=1").json
    assert listing["total"] == 2 and listing["pages"] == 2 and len(listing["items"]) == 1
    assert listing["total_value_xof"] == 92_000
    assert_matches(document, "KitDeliveryPage", listing)
    every = api.get(URL).json
    assert every["total"] == 3 and every["total_value_xof"] == 184_000
    assert {i["id"]: i["reversed"] for i in every["items"]}[kept.id] is False


def test_a_monitor_lists_only_their_region_and_cannot_record_or_reverse(api, world):
    kayes = world.hand_over(world.enterprise("Atelier Kayes"))
    mopti = world.hand_over(world.enterprise("Atelier Mopti", region="Mopti"))

    listing = api.get(URL, role=Role.MONITOR).json
    assert [item["id"] for item in listing["items"]] == [kayes.id]
    assert api.get(f"{URL}/{mopti.id}", role=Role.MONITOR).status_code == 404
    created = api.post(URL, json=payload(world, world.enterprise()), role=Role.MONITOR)
    assert created.status_code == 403
    reversal = api.post(f"{URL}/{kayes.id}/reversal", json={"reason": "x"}, role=Role.MONITOR)
    assert reversal.status_code == 403
    assert count(KitDelivery) == 2 and count(JournalEntry) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"items": [{"name": "Machine", "quantity": 0, "unit_cost_xof": 1}]}, "items.0.quantity"),
        (
            {"items": [{"name": "Machine", "quantity": 1, "unit_cost_xof": 2.5}]},
            "items.0.unit_cost_xof",
        ),
        (
            {"items": [{"name": "Machine", "quantity": True, "unit_cost_xof": 5}]},
            "items.0.quantity",
        ),
        ({"items": [{"name": "Machine", "quantity": 1}]}, "items.0.unit_cost_xof"),
        (
            {"items": [{"name": "Machine", "quantity": 1, "unit_cost_xof": 5, "colour": "red"}]},
            "items.0.colour",
        ),
        ({"items": [{}, "Machine"]}, "items.1"),
        ({"items": "Machine à coudre"}, "items"),
        ({"items": []}, "items"),
        ({"items": [{"name": "x" * 121, "quantity": 1, "unit_cost_xof": 5}]}, "items.0.name"),
        ({"delivered_on": "2999-01-01"}, "delivered_on"),
        ({"delivered_on": "10/04/2025"}, "delivered_on"),
        ({"enterprise_id": 2**40}, "enterprise_id"),
        ({"budget_line_id": 424242}, "budget_line_id"),
        ({"certificate_number": ""}, "certificate_number"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api, world, change, field):
    body = {**payload(world, world.enterprise()), **change}
    response = api.post(URL, json=body, role=Role.FINANCE)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json
    assert count(KitDelivery) == 0


def test_a_handover_beyond_the_budget_and_a_reused_certificate_are_422s(api, world):
    enterprise = world.enterprise()
    world.hand_over(world.enterprise("Atelier Sissoko"), certificate_number="PV-2025-000777")
    response = api.post(URL, json=payload(world, enterprise), role=Role.FINANCE)
    assert list(response.json["error"]["fields"]) == ["certificate_number"]
    line_amount(world, "UE-OIM-2017", 100_000)
    response = api.post(
        URL, json=payload(world, enterprise, certificate_number="PV-9"), role=Role.FINANCE
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["budget_line_id"]
    assert count(KitDelivery) == 1


def test_a_reversal_needs_a_reason_and_happens_once(api, world):
    delivery = world.hand_over(world.enterprise())
    url = f"{URL}/{delivery.id}/reversal"
    assert "reason" in api.post(url, json={}).json["error"]["fields"]
    assert api.post(url, json={"reason": "Erreur"}).status_code == 200
    assert api.post(url, json={"reason": "Encore"}).status_code == 422
    assert api.post(f"{URL}/{2**40}/reversal", json={"reason": "x"}).status_code == 404
    assert count(JournalEntry) == 2


def test_the_catalogue_is_listed_with_items_for_anyone_who_sees_the_ledger(api, world, document):
    response = api.get("/api/v1/kit-templates", role=Role.MONITOR)
    assert response.status_code == 200
    kits = {kit["name"]: kit for kit in response.json["items"]}
    assert kits["Kit couture"]["value_xof"] == 206_500
    assert kits["Kit couture"]["items"][0]["supplier"]
    assert_matches(document, "KitTemplateList", response.json)


def test_the_openapi_document_describes_the_kit_operations(document):
    paths = document["paths"]
    assert paths[URL]["post"]["x-required-permission"] == "ledger.record"
    assert paths[URL]["get"]["x-required-permission"] == "ledger.view"
    assert "items" in document["components"]["schemas"]["DeliveryInput"]["properties"]
    assert "unit_cost_xof" in paths[URL]["post"]["summary"]
    names = {p["name"] for p in paths[URL]["get"]["parameters"]}
    assert {"sector_id", "template_id", "from_on", "to_on", "page"} <= names
