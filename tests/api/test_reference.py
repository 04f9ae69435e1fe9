"""Programmes, sectors and places: everyone reads them, only their managers change them."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import Programme, Sector, db
from tests.api.conftest import region_id

PROGRAMME = {
    "code": "ame-2027",
    "name": "Réinsertion des expulsés, phase 2",
    "donor": "Association Malienne des Expulsés",
    "budget_xof": 250_000_000,
    "starts_on": "2027-01-01",
}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_finance_cannot_create_or_change_programmes(api, programme):
    created = api.post("/api/v1/programmes", json=PROGRAMME, role=Role.FINANCE)
    changed = api.patch(
        f"/api/v1/programmes/{programme.id}", json={"status": "closed"}, role=Role.FINANCE
    )

    assert (created.status_code, changed.status_code) == (403, 403)
    assert created.json["error"]["code"] == 403
    assert count(Programme) == 3
    assert db.session.get(Programme, programme.id).status.value == "active"
    assert api.get("/api/v1/programmes", role=Role.FINANCE).status_code == 200


def test_a_manager_creates_a_programme_with_its_budget_in_whole_francs(api):
    response = api.post("/api/v1/programmes", json=PROGRAMME, role=Role.MANAGER)

    assert response.status_code == 201
    body = response.json
    # Same normalisation and defaults as the HTML form: upper-case code, XOF, active.
    assert (body["code"], body["currency"], body["status"]) == ("AME-2027", "XOF", "active")
    assert body["budget_xof"] == 250_000_000
    assert body["ends_on"] is None
    assert db.session.get(Programme, body["id"]).budget_xof == 250_000_000


def test_a_programme_code_must_be_unique(api, programme):
    response = api.post(
        "/api/v1/programmes", json={**PROGRAMME, "code": programme.code.lower()}, role=Role.MANAGER
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["code"]


def test_patching_a_programme_changes_only_the_given_fields(api, programme):
    before = api.get(f"/api/v1/programmes/{programme.id}").json

    after = api.patch(
        f"/api/v1/programmes/{programme.id}", json={"ends_on": "2030-12-31"}, role=Role.MANAGER
    ).json

    assert after == {**before, "ends_on": "2030-12-31"}


def test_a_programme_cannot_end_before_it_starts(api, programme):
    response = api.patch(
        f"/api/v1/programmes/{programme.id}", json={"ends_on": "2000-01-01"}, role=Role.MANAGER
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["ends_on"]


def test_only_reference_data_managers_change_sectors(api, reference):
    sector = {"code": "beekeeping", "name_fr": "Apiculture", "name_en": "Beekeeping"}

    assert api.post("/api/v1/sectors", json=sector, role=Role.MANAGER).status_code == 403
    created = api.post("/api/v1/sectors", json={**sector, "seasonal": True})
    assert created.status_code == 201
    sector_id = created.json["id"]

    renamed = api.patch(f"/api/v1/sectors/{sector_id}", json={"name_en": "Bee keeping"}).json

    # The seasonal box, not sent, stays ticked.
    assert (renamed["name_en"], renamed["seasonal"]) == ("Bee keeping", True)
    assert db.session.get(Sector, sector_id).seasonal is True


def test_places_are_listed_for_choosing_a_commune_and_village(api, reference):
    regions = api.get("/api/v1/regions", role=Role.MONITOR).json["items"]
    assert "Kayes" in {r["name"] for r in regions}

    kayes = region_id("Kayes")
    communes = api.get(f"/api/v1/communes?region_id={kayes}").json["items"]
    assert communes and {c["region_id"] for c in communes} == {kayes}
    kita = next(c for c in communes if c["name"] == "Kita")
    villages = api.get(f"/api/v1/villages?commune_id={kita['id']}").json["items"]
    assert {v["name"] for v in villages} == {"Badia", "Sébékoro"}
    assert api.get("/api/v1/communes?region_id=abc").status_code == 422
