"""/api/v1/visits and /api/v1/visit-plan as an outside client sees them."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from openapi_schema_validator import OAS31Validator

from portfolio.domain.monitoring.plan import add_months
from portfolio.domain.vocabulary import Role
from portfolio.models import db
from portfolio.models.monitoring import Visit
from portfolio.services.visits import delivered_items, record_visit
from tests.monitoring_visits.conftest import visit_values


def body(enterprise_id: int, **overrides) -> dict:
    payload = {
        "enterprise_id": enterprise_id,
        "visited_on": "2025-05-12",
        "owner_present": True,
        "business_status": "operating",
        "monthly_sales_xof": 120_000,
        "monthly_costs_xof": 45_000,
        "income_sufficiency": 3,
        "feels_safe": 4,
        "problems": ["raw_materials"],
        "instance_id": "api:0f2c",
    }
    payload.update(overrides)
    return payload


def matches(api, schema_name: str, instance) -> None:
    document = api.get("/api/v1/openapi.json", role=None).json
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(instance)


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Visit.id)))


def test_a_visit_is_recorded_once_and_read_back(world, api):
    enterprise = world.supported()
    machine = delivered_items(enterprise.id)[0]
    payload = body(
        enterprise.id, kit_items=[{"delivery_item_id": machine.id, "condition": "in_use"}]
    )
    first = api.post("/api/v1/visits", payload, role=Role.MONITOR)
    assert first.status_code == 201, first.json
    assert first.json["net_income_xof"] == 75_000
    assert first.json["kit_retained_pct"] == 100
    assert first.json["problems"] == ["raw_materials"]
    assert first.json["composite_score"] == 0.875  # economic 0.75, psychosocial 1
    matches(api, "Visit", first.json)
    again = api.post("/api/v1/visits", payload, role=Role.MONITOR)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert count() == 1
    shown = api.get(f"/api/v1/visits/{first.json['id']}", role=Role.MANAGER)
    assert shown.json == first.json


def test_bad_fields_get_a_422_with_field_messages(world, api):
    enterprise = world.supported()
    future = (date.today() + timedelta(days=2)).isoformat()
    answer = api.post("/api/v1/visits", body(enterprise.id, housing=7, monthly_sales_xof=-5))
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {"housing", "monthly_sales_xof"}
    answer = api.post("/api/v1/visits", body(enterprise.id, visited_on=future))
    assert answer.status_code == 422
    assert "visited_on" in answer.json["error"]["fields"]
    answer = api.post("/api/v1/visits", body(enterprise.id, kit_items=[{"id": 1}]))
    assert answer.status_code == 422 and "kit_items" in answer.json["error"]["fields"]
    answer = api.post("/api/v1/visits", body(enterprise.id, problems=["bad_luck"]))
    assert answer.status_code == 422 and "problems" in answer.json["error"]["fields"]
    assert count() == 0


def test_lists_are_scoped_to_the_monitors_region(world, users, api):
    kayes = world.supported("Atelier de Kayes")
    sikasso = world.supported("Atelier de Sikasso", region="Sikasso")
    for enterprise in (kayes, sikasso):
        record_visit(visit_values(enterprise.id), recorded_by_id=users[Role.ADMIN].id)
    mine = api.get("/api/v1/visits", role=Role.MONITOR)
    assert [v["enterprise_name"] for v in mine.json["items"]] == ["Atelier de Kayes"]
    matches(api, "VisitPage", mine.json)
    everyone = api.get("/api/v1/visits?per_page=10", role=Role.MANAGER)
    assert everyone.json["total"] == 2
    other = db.session.scalar(sa.select(Visit.id).where(Visit.enterprise_id == sikasso.id))
    assert api.get(f"/api/v1/visits/{other}", role=Role.MONITOR).status_code == 404
    assert (
        api.post(
            "/api/v1/visits", body(sikasso.id, instance_id=None), role=Role.MONITOR
        ).status_code
        == 422
    )


def test_the_visit_plan_lists_open_visits_by_status(world, users, api):
    world.supported("Atelier en retard", delivered_on=date.today() - timedelta(days=40))
    overdue = api.get(
        f"/api/v1/visit-plan?status=overdue&monitor={users[Role.MONITOR].id}", role=Role.MANAGER
    )
    assert overdue.status_code == 200
    assert [r["enterprise_name"] for r in overdue.json["items"]] == ["Atelier en retard"]
    due = add_months(date.today() - timedelta(days=40), 1)
    assert overdue.json["items"][0]["days_overdue"] == (date.today() - due).days
    matches(api, "VisitPlanPage", overdue.json)
    upcoming = api.get("/api/v1/visit-plan?status=upcoming", role=Role.MANAGER)
    assert upcoming.json["total"] == 4
    assert api.get("/api/v1/visit-plan?status=someday").status_code == 422
