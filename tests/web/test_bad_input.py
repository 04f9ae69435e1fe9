"""Hostile and random input never breaks a page and never half-saves a record.

Each example posts a valid form with a few of its fields replaced by
something nasty (huge or negative numbers, text in number fields, unicode,
SQL and HTML fragments, impossible dates, unknown choices, missing fields).
The page must answer 200 with the form and its errors shown, changing
nothing, or, only when the input happened to be valid, redirect after
saving exactly one record.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portfolio.domain.vocabulary import ProgrammeStatus, Role
from portfolio.models import Beneficiary, Commune, Enterprise, Programme, Sector, Village, db
from portfolio.services.demo import seed_portfolio
from portfolio.services.programmes import save_programme
from portfolio.services.users import create_user
from tests.conftest import PASSWORD

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # leave no .hypothesis/ folder behind in the repository
)
MISSING = "\x1bMISSING"  # a field left out of the request altogether

NASTY = [
    "",
    "   ",
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999",
    "2147483648",
    "1e309",
    "NaN",
    "0x1F",
    "douze",
    "١٢٣",  # Arabic-Indic digits
    "²",  # a digit for str.isdigit() that int() refuses
    "' OR '1'='1' --",
    "1; DROP TABLE beneficiary; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "2024-02-30",
    "31/12/2024",
    "9999-99-99",
    "0000-00-00",
    "None",
    "Ségou – Pelengana 🐐",
    "\u202e\u0645\u0627\u0644\u064a",
    "\x00",
    "a" * 500,
]
nasty_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers().map(str),
    st.dates().map(date.isoformat),
    st.just(MISSING),
)


@pytest.fixture
def admin(client, reference):
    """Logged in as an administrator (one account only: password hashing is slow on purpose)."""
    create_user(email="admin@test.ml", name="Admin", role=Role.ADMIN, password=PASSWORD)
    assert client.post("/connexion", data={"email": "admin@test.ml", "password": PASSWORD})
    return client


@pytest.fixture
def place(reference):
    commune = db.session.scalar(sa.select(Commune).where(Commune.name == "Kayes"))
    village = db.session.scalar(sa.select(Village).where(Village.name == "Khasso"))
    return commune.id, village.id


@pytest.fixture
def programme_id(reference) -> int:
    return save_programme(
        {
            "code": "UE-OIM-2017",
            "name": "Initiative conjointe",
            "donor": "Fonds fiduciaire UE",
            "currency": "XOF",
            "budget_xof": 4_000_000_000,
            "starts_on": date(2017, 5, 1),
            "ends_on": None,
            "status": ProgrammeStatus.ACTIVE,
        }
    ).id


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def spoiled(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Up to four of the form's fields, each with a nasty value (or left out)."""
    return st.dictionaries(st.sampled_from(fields), nasty_values, max_size=4)


def post_spoiled(valid: dict, spoils: dict) -> dict:
    form = {**valid, **spoils}
    return {key: value for key, value in form.items() if value != MISSING}


def check_answer(client, url: str, form: dict, model) -> None:
    before = count(model)
    response = client.post(url, data=form)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert '<form method="post"' in response.text
        assert 'class="error"' in response.text or "flash-error" in response.text
        assert count(model) == before, "a refused form saved something"
    else:
        assert count(model) == before + 1
        # What was saved can be shown again.
        assert client.get(response.headers["Location"]).status_code == 200


# --- the four forms -----------------------------------------------------------------------

BENEFICIARY_FIELDS = [
    "programme_id",
    "first_name",
    "last_name",
    "sex",
    "birth_year",
    "phone",
    "commune_id",
    "village_id",
    "returned_on",
    "returned_from",
    "return_kind",
    "woman_head_of_household",
    "vulnerability_notes",
    "external_case_number",
    "consent_on",
]


def beneficiary_form(programme_id: int, place: tuple[int, int]) -> dict:
    return {
        "programme_id": str(programme_id),
        "first_name": "Aminata",
        "last_name": "Sidibé",
        "sex": "F",
        "birth_year": "1994",
        "phone": "+223 76 12 34 56",
        "commune_id": str(place[0]),
        "village_id": str(place[1]),
        "returned_on": "2023-03-14",
        "returned_from": "Libye",
        "return_kind": "expelled",
        "woman_head_of_household": "y",
        "vulnerability_notes": "",
        "external_case_number": "MLI-204518",
        "consent_on": "2023-03-20",
    }


@SETTINGS
@given(spoils=spoiled(BENEFICIARY_FIELDS))
@example(spoils={"first_name": "Ami\x00nata"})
@example(spoils={"birth_year": "99999999999999999999"})
@example(spoils={"returned_on": "0001-01-01"})
@example(spoils={"programme_id": "99999999999999999999", "commune_id": MISSING})
@example(spoils={"village_id": "²", "sex": "X"})
@example(spoils={"last_name": "'; DELETE FROM beneficiary; --"})
def test_the_beneficiary_form_survives_any_input(admin, programme_id, place, spoils):
    form = post_spoiled(beneficiary_form(programme_id, place), spoils)
    check_answer(admin, "/beneficiaires/nouveau", form, Beneficiary)


@SETTINGS
@given(spoils=spoiled(BENEFICIARY_FIELDS))
@example(spoils={"returned_on": "2999-01-01"})
def test_a_refused_beneficiary_edit_changes_nothing(admin, programme_id, place, spoils):
    valid = beneficiary_form(programme_id, place)
    if not count(Beneficiary):
        admin.post("/beneficiaires/nouveau", data=valid)
    person_id = db.session.scalar(sa.select(Beneficiary.id))
    url = f"/beneficiaires/{person_id}/modifier"

    response = admin.post(url, data=post_spoiled({**valid, "last_name": "Changed"}, spoils))
    assert response.status_code in (200, 302)
    db.session.expire_all()
    stored = db.session.get(Beneficiary, person_id)
    if response.status_code == 200:
        assert 'class="error"' in response.text or "flash-error" in response.text
        assert stored.last_name == "Sidibé"
    else:
        admin.post(url, data=valid)  # put it back for the next example


ENTERPRISE_FIELDS = [
    "programme_id",
    "name",
    "sector_id",
    "commune_id",
    "village_id",
    "started_on",
    "status",
    "kind",
    "paid_employees",
    "family_workers",
    "owner_id",
]


@SETTINGS
@given(spoils=spoiled(ENTERPRISE_FIELDS), kind=st.sampled_from(["individual", "collective"]))
@example(spoils={"paid_employees": "-3"}, kind="individual")
@example(spoils={"owner_id": "99999999999"}, kind="collective")
@example(spoils={"owner_id": "424242"}, kind="individual")
def test_the_enterprise_form_survives_any_input(admin, programme_id, place, spoils, kind):
    if not count(Beneficiary):
        seed_portfolio(1)
    owner_id = db.session.scalar(sa.select(sa.func.min(Beneficiary.id)))
    sector_id = db.session.scalar(sa.select(Sector.id).where(Sector.code == "tailoring"))
    valid = {
        "programme_id": str(programme_id),
        "name": "Atelier de couture Diarra",
        "sector_id": str(sector_id),
        "commune_id": str(place[0]),
        "village_id": "",
        "started_on": "2020-01-15",
        "status": "active",
        "kind": kind,
        "paid_employees": "2",
        "family_workers": "0",
        "owner_id": str(owner_id),
    }
    check_answer(admin, "/entreprises/nouvelle", post_spoiled(valid, spoils), Enterprise)


PROGRAMME_FORM = {
    "code": "AME-2026",
    "name": "Réinsertion des expulsés",
    "donor": "AME",
    "currency": "XOF",
    "budget_xof": "1 250 000",
    "starts_on": "2026-01-01",
    "ends_on": "2027-12-31",
    "status": "active",
}


@SETTINGS
@given(
    spoils=spoiled(sorted(PROGRAMME_FORM)),
    code=st.from_regex(r"[A-Z]{3}-[0-9]{4}", fullmatch=True),
)
@example(spoils={"budget_xof": "-5 000"}, code="NEG-0001")
@example(spoils={"budget_xof": "99 999 999 999 999"}, code="BIG-0001")
@example(spoils={"budget_xof": "1 250 000,50", "currency": "USD"}, code="DEC-0001")
@example(spoils={"ends_on": "2025-12-31"}, code="END-0001")
def test_the_programme_form_survives_any_input(admin, spoils, code):
    form = post_spoiled({**PROGRAMME_FORM, "code": code}, spoils)
    check_answer(admin, "/admin/programmes/nouveau", form, Programme)


@SETTINGS
@given(
    spoils=spoiled(["code", "name_fr", "name_en", "seasonal"]),
    code=st.from_regex(r"[a-z]{3,12}", fullmatch=True),
)
@example(spoils={"code": "tailoring"}, code="ignored")
@example(spoils={"name_fr": "<b>Teinture</b>"}, code="dyeing")
def test_the_sector_form_survives_any_input(admin, spoils, code):
    valid = {"code": code, "name_fr": "Teinture", "name_en": "Dyeing", "seasonal": "y"}
    check_answer(admin, "/admin/secteurs/nouveau", post_spoiled(valid, spoils), Sector)


# --- query strings ------------------------------------------------------------------------

FILTER_NAMES = [
    "q",
    "programme_id",
    "region_id",
    "commune_id",
    "sector_id",
    "sex",
    "status",
    "return_kind",
    "page",
    "per_page",
]
LISTS = ["/beneficiaires/", "/entreprises/"]


@SETTINGS
@given(
    args=st.dictionaries(
        st.sampled_from(FILTER_NAMES),
        st.one_of(st.sampled_from(NASTY), st.text(max_size=20)),
        max_size=5,
    ),
    path=st.sampled_from(LISTS),
)
@example(args={"region_id": "abc", "page": "-5", "per_page": "999999"}, path=LISTS[0])
@example(args={"region_id": "abc", "page": "-5", "per_page": "999999"}, path=LISTS[1])
@example(args={"page": "999999999", "per_page": "999999999"}, path=LISTS[1])
@example(args={"region_id": "²"}, path=LISTS[0])
@example(args={"q": "Traoré\x00"}, path=LISTS[0])
def test_any_query_string_on_the_lists_gives_a_page(admin, args, path):
    assert admin.get(path, query_string=args).status_code == 200


@SETTINGS
@given(
    args=st.dictionaries(st.sampled_from(FILTER_NAMES), st.text(max_size=20), max_size=4),
    path=st.sampled_from(["/beneficiaires/export.csv", "/entreprises/export.csv"]),
)
def test_any_query_string_on_the_exports_gives_a_csv(admin, args, path):
    response = admin.get(path, query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
