"""Whatever a client sends, the answer is a JSON 4xx that says what is wrong, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.models import Beneficiary, db
from tests.api.conftest import beneficiary_payload, commune_in

URL = "/api/v1/beneficiaries"


def count_beneficiaries() -> int:
    return db.session.scalar(sa.select(sa.func.count(Beneficiary.id)))


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"{", b"[]", b'"text"', b"42", b"null", b"[" * 100_000, b"\xff\xfe"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(api, reference, body):
    response = api.open(
        "POST", URL, role="admin", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["error"]["message"]


def test_unknown_keys_are_refused_by_name(api, programme):
    payload = beneficiary_payload(programme.id, commune_in("Kayes").id, colour="red", id=7)

    response = api.post(URL, json=payload)

    assert response.status_code == 422
    error = response.json["error"]
    assert set(error["fields"]) == {"colour", "id"}
    assert "colour" in error["message"] and "id" in error["message"]
    assert count_beneficiaries() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", {"text": "Awa"}),
        ("first_name", ["Awa"]),
        ("first_name", True),
        ("first_name", "Awa\x00"),
        ("first_name", "\ud800"),
        ("first_name", "A" * 81),
        ("birth_year", 10**30),
        ("birth_year", 1e308),
        ("birth_year", 1990.5),
        ("birth_year", "1990; DROP TABLE beneficiary"),
        ("programme_id", 10**40),
        ("programme_id", "999999"),
        ("commune_id", -1),
        ("village_id", 99999999999),
        ("woman_head_of_household", "yes"),
        ("woman_head_of_household", 1),
        ("returned_on", "01/03/2025"),
        ("returned_on", 20250301),
        ("phone", "appelez-moi"),
    ],
)
def test_a_value_of_the_wrong_type_or_size_is_a_422_on_its_field(api, programme, field, value):
    payload = beneficiary_payload(programme.id, commune_in("Kayes").id)
    payload[field] = value

    response = api.post(URL, json=payload)

    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == [field]
    assert count_beneficiaries() == 0


def test_numbers_may_arrive_as_strings_and_text_in_any_script(api, programme):
    payload = beneficiary_payload(
        str(programme.id),
        str(commune_in("Kayes").id),
        birth_year="1991",
        first_name="Kadiatou ߞߊߘߌߦߊߕߎ",
        vulnerability_notes="Épouse et mère de 3 enfants — 🙂",
    )
    response = api.post(URL, json=payload)
    assert response.status_code == 201
    assert response.json["first_name"] == "Kadiatou ߞߊߘߌߦߊߕߎ"
    assert response.json["birth_year"] == 1991


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text()
    | st.dates().map(str)
)
JSON_VALUES = (
    JSON_SCALARS
    | st.lists(JSON_SCALARS, max_size=3)
    | st.dictionaries(st.text(max_size=5), JSON_SCALARS, max_size=3)
)
KEYS = st.sampled_from(
    [
        "programme_id",
        "first_name",
        "sex",
        "birth_year",
        "phone",
        "commune_id",
        "village_id",
        "returned_on",
        "return_kind",
        "woman_head_of_household",
        "consent_on",
    ]
) | st.text(max_size=10)


@settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database left in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.dictionaries(KEYS, JSON_VALUES, max_size=8))
def test_no_body_makes_the_server_fail(api, make_beneficiary, body):
    person = make_beneficiary()
    for method, url in (("POST", URL), ("PATCH", f"{URL}/{person.id}")):
        response = api.open(method, url, role="admin", json=body)
        assert response.status_code in (200, 201, 422), (method, body, response.json)
        if response.status_code == 422:
            assert response.json["error"]["fields"]
