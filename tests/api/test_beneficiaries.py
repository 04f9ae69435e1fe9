"""Beneficiaries over the API: lists, region scope, creation and partial updates."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role, Sex
from portfolio.models import Beneficiary, Programme, db
from portfolio.services.demo import seed_portfolio
from tests.api.conftest import beneficiary_payload, commune_in, region_id

URL = "/api/v1/beneficiaries"


def count_beneficiaries() -> int:
    return db.session.scalar(sa.select(sa.func.count(Beneficiary.id)))


def test_the_list_is_paginated_with_totals(api):
    seed_portfolio(12)
    total = count_beneficiaries()

    first = api.get(f"{URL}?per_page=5").json
    second = api.get(f"{URL}?per_page=5&page=2").json

    assert (first["total"], first["per_page"], first["page"]) == (total, 5, 1)
    assert first["pages"] == -(-total // 5)
    assert len(first["items"]) == len(second["items"]) == 5
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    assert api.get(f"{URL}?page={first['pages'] + 1}").json["items"] == []


def test_filters_narrow_the_list_like_the_html_list(api):
    seed_portfolio(25)
    women = api.get(f"{URL}?sex=F&per_page=200").json
    assert women["total"] == db.session.scalar(
        sa.select(sa.func.count(Beneficiary.id)).where(Beneficiary.sex == Sex.FEMALE)
    )
    assert {row["sex"] for row in women["items"]} == {"F"}

    gao = api.get(f"{URL}?region_id={region_id('Gao')}&per_page=200").json
    assert {row["region"] for row in gao["items"]} <= {"Gao"}

    sida = db.session.scalar(sa.select(Programme.id).where(Programme.code == "SIDA-OIM-2014"))
    rows = api.get(f"{URL}?programme_id={sida}&return_kind=conflict_displaced").json["items"]
    assert rows and {r["programme_code"] for r in rows} == {"SIDA-OIM-2014"}

    someone = rows[0]
    found = api.get(f"{URL}?q={someone['last_name'].upper()}").json["items"]
    assert someone["id"] in {r["id"] for r in found}
    assert all(someone["last_name"] in f"{r['first_name']} {r['last_name']}" for r in found)


def test_an_invalid_filter_is_a_422_naming_the_parameter(api):
    for query, name in [
        ("sex=X", "sex"),
        ("return_kind=tourism", "return_kind"),
        ("region_id=abc", "region_id"),
        ("programme_id=99999999999999999999999", "programme_id"),
        ("page=0", "page"),
        ("per_page=100000", "per_page"),
        ("q=%00", "q"),
        ("colour=red", "colour"),
    ]:
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 422, query
        assert name in response.json["error"]["fields"], query


def test_a_monitor_lists_only_the_beneficiaries_of_their_region(api, make_beneficiary):
    in_kayes = make_beneficiary("Kayes")
    in_gao = make_beneficiary("Gao")

    rows = api.get(URL, role=Role.MONITOR).json["items"]
    assert [r["id"] for r in rows] == [in_kayes.id]
    # Asking for another region does not widen the scope.
    elsewhere = api.get(f"{URL}?region_id={region_id('Gao')}", role=Role.MONITOR).json
    assert elsewhere["total"] == 0
    assert in_gao.id in {r["id"] for r in api.get(URL, role=Role.MANAGER).json["items"]}


def test_a_monitor_gets_404_for_a_beneficiary_outside_their_region(api, make_beneficiary):
    in_gao = make_beneficiary("Gao", first_name="Hawa")

    assert api.get(f"{URL}/{in_gao.id}", role=Role.MONITOR).status_code == 404
    patched = api.patch(f"{URL}/{in_gao.id}", json={"first_name": "X"}, role=Role.MONITOR)
    assert patched.status_code == 404
    assert db.session.get(Beneficiary, in_gao.id).first_name == "Hawa"
    assert api.get(f"{URL}/{in_gao.id}", role=Role.MANAGER).status_code == 200


def test_a_missing_beneficiary_is_404_even_for_an_absurd_id(api):
    assert api.get(f"{URL}/424242").status_code == 404
    assert api.get(f"{URL}/{10**30}").status_code == 404


def test_creating_a_beneficiary_returns_201_and_stores_it(api, programme):
    payload = beneficiary_payload(programme.id, commune_in("Kayes").id, first_name="Aïssata")

    response = api.post(URL, json=payload, role=Role.MONITOR)

    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert body["returned_on"] == "2025-03-01"
    assert body["woman_head_of_household"] is True
    assert body["region_id"] == region_id("Kayes")
    stored = db.session.get(Beneficiary, body["id"])
    assert (stored.first_name, stored.sex, stored.birth_year) == ("Aïssata", Sex.FEMALE, 1991)
    assert stored.returned_on.isoformat() == "2025-03-01"
    assert api.get(f"{URL}/{body['id']}").json == body


def test_invalid_data_is_refused_with_french_messages_and_nothing_saved(api, programme):
    payload = beneficiary_payload(
        programme.id,
        commune_in("Kayes").id,
        first_name="",
        birth_year="mille neuf cent",
        sex="X",
        returned_on="2025-13-40",
    )

    response = api.post(URL, json=payload)

    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields["first_name"] == ["Ce champ est requis."]
    assert "N'est pas un entier valide." in fields["birth_year"]
    assert fields["sex"] == ["N'est pas un choix valide."]
    assert fields["returned_on"] == ["N'est pas une date valide."]
    assert count_beneficiaries() == 0


def test_a_monitor_cannot_register_someone_in_another_region(api, programme):
    payload = beneficiary_payload(programme.id, commune_in("Gao").id)
    response = api.post(URL, json=payload, role=Role.MONITOR)
    assert response.status_code == 422
    assert "commune_id" in response.json["error"]["fields"]
    assert count_beneficiaries() == 0


def test_a_business_rule_is_reported_on_its_field(api, programme):
    payload = beneficiary_payload(programme.id, commune_in("Kayes").id, returned_on="2099-01-01")
    response = api.post(URL, json=payload)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["returned_on"]
    assert count_beneficiaries() == 0


def test_patch_changes_only_the_given_fields(api, make_beneficiary):
    person = make_beneficiary(
        woman_head_of_household=True, sex=Sex.FEMALE, birth_year=1980, phone="+223 66 00 00 00"
    )
    before = api.get(f"{URL}/{person.id}").json

    response = api.patch(f"{URL}/{person.id}", json={"phone": "+223 70 11 22 33"})

    assert response.status_code == 200
    after = response.json
    assert after["phone"] == "+223 70 11 22 33"
    unchanged = {k for k in before if k not in ("phone", "updated_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    # A box the client did not mention stays ticked.
    assert db.session.get(Beneficiary, person.id).woman_head_of_household is True


def test_patch_with_null_empties_an_optional_field_and_false_unticks_a_box(api, make_beneficiary):
    person = make_beneficiary(returned_from="Libye", woman_head_of_household=True)

    body = api.patch(
        f"{URL}/{person.id}", json={"returned_from": None, "woman_head_of_household": False}
    ).json

    assert (body["returned_from"], body["woman_head_of_household"]) == (None, False)


def test_patch_refuses_invalid_values_and_keeps_the_record(api, make_beneficiary):
    person = make_beneficiary(first_name="Oumar")
    response = api.patch(f"{URL}/{person.id}", json={"first_name": " ", "birth_year": 1800})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"first_name", "birth_year"}
    assert db.session.get(Beneficiary, person.id).first_name == "Oumar"
