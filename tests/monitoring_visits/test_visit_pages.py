"""Mes visites, the visit form, a visit and its photo, through the test client."""

from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portfolio.domain.vocabulary import Role
from portfolio.models import AuditEntry, db
from portfolio.models.monitoring import PlannedVisit, Visit
from portfolio.services.visits import delivered_items, record_visit
from tests.monitoring_visits.conftest import planned_of, visit_values

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(enterprise_id: int, **overrides) -> dict:
    data = {
        "enterprise_id": str(enterprise_id),
        "instance_id": "web:11111111-2222-3333-4444-555555555555",
        "visited_on": "2025-05-12",
        "owner_present": "y",
        "business_status": "operating",
        "stock_level": "enough",
        "monthly_sales_xof": "120 000",
        "monthly_costs_xof": "45 000",
        "net_income_xof": "",
        "paid_employees": "1",
        "family_workers": "0",
        "problems": ["raw_materials"],
        "income_sufficiency": "3",
        "feels_safe": "4",
        "notes": "Atelier propre, clientèle fidèle.",
    }
    data.update(overrides)
    return data


def visits() -> int:
    return db.session.scalar(sa.select(sa.func.count(Visit.id)))


def test_a_monitor_sees_only_the_visits_of_their_region(world, as_role):
    world.supported("Atelier de Kayes", delivered_on=date.today() - timedelta(days=40))
    world.supported(
        "Atelier de Sikasso", region="Sikasso", delivered_on=date.today() - timedelta(days=40)
    )
    page = as_role(Role.MONITOR).get("/visits/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Atelier de Kayes" in text and "Atelier de Sikasso" not in text
    assert "+223 76 12 34 56" in text  # the owner's phone, to call before going
    assert "Record visit" in text


def test_a_manager_filters_by_monitor_and_tab(world, users, as_role):
    world.supported("Atelier en retard", delivered_on=date.today() - timedelta(days=40))
    client = as_role(Role.MANAGER)
    overdue = client.get("/visits/?tab=overdue").get_data(as_text=True)
    assert "Atelier en retard" in overdue and "d late" in overdue
    done = client.get("/visits/?tab=done").get_data(as_text=True)
    assert "Atelier en retard" not in done
    other = client.get(f"/visits/?monitor={users[Role.ADMIN].id}").get_data(as_text=True)
    assert "Atelier en retard" not in other


def test_the_form_records_a_visit_and_shows_it(world, as_role):
    enterprise = world.supported()
    machine = delivered_items(enterprise.id)[0]
    client = as_role(Role.MONITOR)
    form = client.get(f"/visits/new?enterprise={enterprise.id}")
    assert form.status_code == 200
    assert 'name="instance_id" type="hidden" value="web:' in form.get_data(as_text=True)
    sent = client.post(
        f"/visits/new?enterprise={enterprise.id}",
        data=form_data(enterprise.id, **{f"kit_{machine.id}": "sold"}),
    )
    assert sent.status_code == 302
    visit = db.session.scalar(sa.select(Visit))
    assert visit.net_income_xof == 75_000 and visit.kit_sold
    assert sent.headers["Location"].endswith(f"/visits/{visit.id}?saved=1")
    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Visit recorded." in shown and "data-clear-draft" in shown
    assert planned_of(enterprise.id)[0].visit_id == visit.id


def test_sending_the_form_twice_records_one_visit(world, as_role):
    enterprise = world.supported()
    client = as_role(Role.MONITOR)
    first = client.post("/visits/new", data=form_data(enterprise.id))
    second = client.post("/visits/new", data=form_data(enterprise.id))
    assert visits() == 1
    assert second.headers["Location"] == first.headers["Location"]


def test_form_errors_are_shown_and_nothing_is_recorded(world, as_role):
    enterprise = world.supported()
    client = as_role(Role.MONITOR)
    future = (date.today() + timedelta(days=3)).isoformat()
    page = client.post("/visits/new", data=form_data(enterprise.id, visited_on=future))
    assert page.status_code == 200
    assert "The visit date cannot be in the future." in page.get_data(as_text=True)
    page = client.post("/visits/new", data=form_data(enterprise.id, monthly_sales_xof="12,5"))
    assert "Enter a whole number of francs" in page.get_data(as_text=True)
    page = client.post("/visits/new", data=form_data(enterprise.id, visited_on="2025-04-01"))
    assert "before the first support, handed over on 10/04/2025" in page.get_data(as_text=True)
    assert visits() == 0


def test_a_monitor_cannot_open_the_form_for_another_region(world, as_role):
    elsewhere = world.supported(region="Sikasso")
    client = as_role(Role.MONITOR)
    assert client.get(f"/visits/new?enterprise={elsewhere.id}").status_code == 404
    assert client.post("/visits/new", data=form_data(elsewhere.id)).status_code == 404
    assert visits() == 0


def test_a_photo_that_is_not_an_image_or_too_big_is_refused(world, as_role):
    enterprise = world.supported()
    client = as_role(Role.MONITOR)
    for content in (b"<html><script>alert(1)</script></html>", b"\xff\xd8\xff" + b"0" * 2_100_000):
        data = form_data(enterprise.id)
        data["photo"] = FileStorage(io.BytesIO(content), "photo.jpg", content_type="image/jpeg")
        # Encoded here into memory: the test client would spool a big body to a temp file.
        boundary, body = encode_multipart(MultiDict(data))
        page = client.post(
            "/visits/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert page.status_code == 200
        assert "The photo" in page.get_data(as_text=True)
    assert visits() == 0


def test_a_photo_is_served_as_an_image_to_allowed_users_only(world, users, as_role, client, auth):
    enterprise = world.supported()
    visit = record_visit(
        visit_values(enterprise.id), recorded_by_id=users[Role.MONITOR].id, photo=PNG
    )
    photo = as_role(Role.MONITOR).get(f"/visits/{visit.id}/photo")
    assert photo.status_code == 200 and photo.data == PNG
    assert photo.mimetype == "image/png"
    assert photo.headers["Content-Disposition"] == "inline"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()
    assert client.get(f"/visits/{visit.id}/photo").status_code in (302, 401)


def test_a_monitor_of_another_region_cannot_see_a_visit_or_its_photo(
    world, users, second_monitor, client, auth
):
    enterprise = world.supported()
    visit = record_visit(
        visit_values(enterprise.id), recorded_by_id=users[Role.ADMIN].id, photo=PNG
    )
    client.post("/connexion", data={"email": "monitor3@test.ml", "password": "Correct-Horse-42"})
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert client.get(f"/visits/{visit.id}/photo").status_code == 404


def test_the_enterprise_page_shows_its_visit_history(world, users, as_role):
    enterprise = world.supported()
    record_visit(visit_values(enterprise.id), recorded_by_id=users[Role.MONITOR].id)
    page = as_role(Role.MANAGER).get(f"/entreprises/{enterprise.id}").get_data(as_text=True)
    assert "Follow-up visits" in page and "12/05/2025" in page
    assert "0.75" in page  # the composite score


def test_a_manager_reassigns_planned_visits(world, users, second_monitor, as_role):
    enterprise = world.supported()
    ids = [p.id for p in planned_of(enterprise.id)][:2]
    client = as_role(Role.MANAGER)
    answer = client.post(
        "/visits/plan/reassign",
        data={"planned": [str(i) for i in ids], "monitor_id": str(second_monitor["kayes"].id)},
    )
    assert answer.status_code == 302
    owners = db.session.scalars(
        sa.select(PlannedVisit.assigned_to_id).where(PlannedVisit.id.in_(ids))
    )
    assert set(owners) == {second_monitor["kayes"].id}


def test_a_monitor_may_not_reassign(world, second_monitor, as_role):
    enterprise = world.supported()
    ids = [p.id for p in planned_of(enterprise.id)]
    client = as_role(Role.MONITOR)
    answer = client.post(
        "/visits/plan/reassign",
        data={"planned": [str(i) for i in ids], "monitor_id": str(second_monitor["kayes"].id)},
    )
    assert answer.status_code == 403


def test_the_plan_export_is_logged(world, as_role):
    world.supported("Atelier exporté", delivered_on=date.today() - timedelta(days=40))
    export = as_role(Role.MANAGER).get("/visits/export.csv?tab=overdue")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "Atelier exporté" in export.get_data(as_text=True)
    events = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.table_name == "planned_visit")
    ).all()
    assert len(events) == 1
    workbook = as_role(Role.MANAGER).get("/visits/export.xlsx?tab=overdue")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
