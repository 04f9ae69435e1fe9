"""Enterprises over the API: filtered lists, members in the detail, owners, partial updates."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus, MemberRole, Role
from portfolio.models import Enterprise, Sector, db
from portfolio.services.demo import seed_portfolio
from portfolio.services.enterprises import add_member, create_enterprise
from tests.api.conftest import commune_in, region_id

URL = "/api/v1/enterprises"


def count_enterprises() -> int:
    return db.session.scalar(sa.select(sa.func.count(Enterprise.id)))


def sector_id(code: str = "tailoring") -> int:
    return db.session.scalar(sa.select(Sector.id).where(Sector.code == code))


def enterprise_payload(programme_id: int, owner_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "programme_id": programme_id,
        "name": "Atelier de couture Traoré",
        "sector_id": sector_id(),
        "commune_id": commune_in("Kayes").id,
        "started_on": "2025-06-01",
        "status": "active",
        "kind": "individual",
        "paid_employees": 1,
        "family_workers": 2,
        "owner_id": owner_id,
        **overrides,
    }


@pytest.fixture
def make_enterprise(programme, make_beneficiary):
    def make(region: str = "Kayes", kind: EnterpriseKind = EnterpriseKind.INDIVIDUAL) -> Enterprise:
        owner = make_beneficiary(region)
        values = {
            "programme_id": programme.id,
            "name": f"Boutique {owner.last_name}",
            "sector_id": sector_id("shop"),
            "commune_id": commune_in(region).id,
            "status": EnterpriseStatus.ACTIVE,
            "kind": kind,
            "paid_employees": 2,
            "family_workers": 1,
        }
        return create_enterprise(values, owner.id)

    return make


def test_the_list_filters_by_sector_status_and_the_leads_sex(api):
    seed_portfolio(30)
    everything = api.get(f"{URL}?per_page=200").json
    assert everything["total"] == count_enterprises()

    active = api.get(f"{URL}?status=active&per_page=200").json["items"]
    assert active and {r["status"] for r in active} == {"active"}
    led_by_women = api.get(f"{URL}?sex=F&per_page=200").json["items"]
    assert {r["lead_sex"] for r in led_by_women} <= {"F"}

    some = everything["items"][0]
    same_sector = api.get(f"{URL}?sector_id={sector_id(some['sector_code'])}").json["items"]
    assert some["id"] in {r["id"] for r in same_sector}
    assert {r["sector_code"] for r in same_sector} == {some["sector_code"]}
    assert api.get(f"{URL}?per_page=4&page=2").json["page"] == 2


def test_the_detail_lists_the_members_with_their_roles(api, make_enterprise, make_beneficiary):
    enterprise = make_enterprise(kind=EnterpriseKind.COLLECTIVE)
    treasurer = make_beneficiary(first_name="Kadiatou")
    add_member(enterprise, treasurer.id, MemberRole.TREASURER)

    body = api.get(f"{URL}/{enterprise.id}", role=Role.FINANCE).json

    assert [(m["first_name"], m["role"]) for m in body["members"]] == [
        ("Moussa", "president"),
        ("Kadiatou", "treasurer"),
    ]
    assert body["jobs"] == 2 + 2 + 1  # members + paid employees + family workers
    assert body["status"] == "active"


def test_creating_an_enterprise_makes_the_beneficiary_its_owner(api, programme, make_beneficiary):
    owner = make_beneficiary("Kayes")

    response = api.post(URL, json=enterprise_payload(programme.id, owner.id), role=Role.MONITOR)

    assert response.status_code == 201
    body = response.json
    assert [(m["beneficiary_id"], m["role"]) for m in body["members"]] == [(owner.id, "owner")]
    stored = db.session.get(Enterprise, body["id"])
    assert (stored.name, stored.paid_employees, stored.family_workers) == (
        "Atelier de couture Traoré",
        1,
        2,
    )


def test_an_owner_must_exist_and_be_in_the_monitors_region(api, programme, make_beneficiary):
    far_away = make_beneficiary("Gao")

    missing = api.post(URL, json=enterprise_payload(programme.id, 999_999))
    elsewhere = api.post(URL, json=enterprise_payload(programme.id, far_away.id), role=Role.MONITOR)

    for response in (missing, elsewhere):
        assert response.status_code == 422
        assert list(response.json["error"]["fields"]) == ["owner_id"]
    assert count_enterprises() == 0


def test_invalid_counts_are_refused_in_french(api, programme, make_beneficiary):
    owner = make_beneficiary()
    payload = enterprise_payload(programme.id, owner.id, paid_employees=-1, family_workers=None)
    del payload["owner_id"]

    fields = api.post(URL, json=payload).json["error"]["fields"]

    assert fields["paid_employees"] == ["Le nombre doit être compris entre 0 et 10000."]
    assert fields["family_workers"] == ["Ce champ est requis."]
    assert fields["owner_id"] == ["Ce champ est requis."]


def test_patch_changes_only_the_given_fields(api, make_enterprise):
    enterprise = make_enterprise()
    before = api.get(f"{URL}/{enterprise.id}").json

    after = api.patch(f"{URL}/{enterprise.id}", json={"status": "temporarily_closed"}).json

    assert after["status"] == "temporarily_closed"
    unchanged = {k for k in before if k not in ("status", "updated_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_a_collective_with_several_members_cannot_become_individual(
    api, make_enterprise, make_beneficiary
):
    enterprise = make_enterprise(kind=EnterpriseKind.COLLECTIVE)
    add_member(enterprise, make_beneficiary().id, MemberRole.MEMBER)

    response = api.patch(f"{URL}/{enterprise.id}", json={"kind": "individual"})

    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["kind"]
    assert db.session.get(Enterprise, enterprise.id).kind == EnterpriseKind.COLLECTIVE


def test_the_owner_is_set_at_creation_only(api, make_enterprise):
    enterprise = make_enterprise()
    response = api.patch(f"{URL}/{enterprise.id}", json={"owner_id": 1})
    assert response.status_code == 422
    assert "owner_id" in response.json["error"]["fields"]


def test_a_monitor_sees_only_enterprises_of_their_region(api, make_enterprise):
    in_kayes, in_mopti = make_enterprise("Kayes"), make_enterprise("Mopti")

    rows = api.get(URL, role=Role.MONITOR).json["items"]

    assert [r["id"] for r in rows] == [in_kayes.id]
    assert api.get(f"{URL}/{in_mopti.id}", role=Role.MONITOR).status_code == 404
    response = api.patch(f"{URL}/{in_mopti.id}", json={"status": "closed"}, role=Role.MONITOR)
    assert response.status_code == 404
    assert api.get(f"{URL}/{in_mopti.id}", role=Role.MANAGER).json["region_id"] == region_id(
        "Mopti"
    )
