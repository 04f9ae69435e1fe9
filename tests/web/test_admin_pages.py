"""Administration: programmes, places, sectors and accounts, and who may open them."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import ProgrammeStatus, Role
from portfolio.models import ApiToken, Commune, Programme, Region, Sector, User, Village, db
from portfolio.services.programmes import save_programme
from portfolio.services.users import authenticate, issue_api_token, user_for_api_token
from tests.conftest import PASSWORD

NNBSP = "\u202f"
NEW_PASSWORD = "Fleuve-Niger-Bleu-31"


def marked_invalid(html: str, name: str) -> bool:
    """The field is flagged for screen readers and its error is printed beside it."""
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    error = re.search(rf'<p class="error" id="{name}-error">[^<]+</p>', html)
    return tag is not None and 'aria-invalid="true"' in tag.group(0) and error is not None


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def programme_form(**overrides) -> dict:
    data = {
        "code": "AME-2026",
        "name": "Réinsertion des expulsés",
        "donor": "Association Malienne des Expulsés",
        "currency": "XOF",
        "budget_xof": "1 250 000",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "status": "active",
    }
    data.update(overrides)
    return data


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def commune_id(name: str) -> int:
    return db.session.scalar(sa.select(Commune.id).where(Commune.name == name))


def a_user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


# --- who may open what --------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/programmes",
    "/admin/programmes/nouveau",
    "/admin/lieux",
    "/admin/lieux/regions/nouvelle",
    "/admin/lieux/communes/nouvelle",
    "/admin/lieux/villages/nouveau",
    "/admin/secteurs",
    "/admin/secteurs/nouveau",
    "/admin/utilisateurs",
    "/admin/utilisateurs/nouveau",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_an_administrator_opens_every_admin_page(client, auth, page):
    auth.login(Role.ADMIN)
    assert client.get(page).status_code == 200


@pytest.mark.parametrize("role", [Role.FINANCE, Role.MONITOR])
def test_finance_officers_and_field_monitors_cannot_open_admin_pages(client, auth, role):
    auth.login(role)
    assert {page: client.get(page).status_code for page in ADMIN_PAGES} == dict.fromkeys(
        ADMIN_PAGES, 403
    )


def test_a_programme_manager_manages_programmes_but_not_accounts_or_places(client, auth):
    auth.login(Role.MANAGER)
    assert client.get("/admin/programmes").status_code == 200
    assert client.get("/admin/programmes/nouveau").status_code == 200
    assert client.get("/admin/utilisateurs").status_code == 403
    assert client.get("/admin/utilisateurs/nouveau").status_code == 403
    assert client.get("/admin/lieux").status_code == 403
    assert client.get("/admin/secteurs").status_code == 403


def test_a_programme_manager_cannot_create_an_account_by_posting_the_form(client, auth):
    auth.login(Role.MANAGER)
    response = client.post(
        "/admin/utilisateurs/nouveau",
        data={"name": "Intrus", "email": "intrus@test.ml", "role": "admin", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert a_user("intrus@test.ml") is None


# --- programmes ---------------------------------------------------------------------------


def test_a_programme_budget_typed_with_spaces_is_saved_in_whole_francs(client, auth):
    auth.login(Role.ADMIN)
    response = client.post("/admin/programmes/nouveau", data=programme_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/programmes"
    stored = db.session.scalar(sa.select(Programme))
    assert (stored.code, stored.budget_xof) == ("AME-2026", 1_250_000)
    assert (stored.starts_on, stored.ends_on) == (date(2026, 1, 1), date(2027, 12, 31))
    assert stored.status is ProgrammeStatus.ACTIVE

    listing = client.get("/admin/programmes").text
    assert "AME-2026" in listing
    assert f"1{NNBSP}250{NNBSP}000" in listing
    assert "flash-success" in listing


def test_editing_a_programme_shows_its_budget_and_keeps_it_when_saved_again(client, auth):
    auth.login(Role.ADMIN)
    client.post("/admin/programmes/nouveau", data=programme_form())
    saved = db.session.scalar(sa.select(Programme))

    page = client.get(f"/admin/programmes/{saved.id}").text
    shown = re.search(r'name="budget_xof"[^>]*value="([^"]*)"', page).group(1)
    assert shown == f"1{NNBSP}250{NNBSP}000"

    response = client.post(
        f"/admin/programmes/{saved.id}",
        data=programme_form(budget_xof=shown, name="Réinsertion, phase 2"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Programme, saved.id)
    assert (stored.name, stored.budget_xof) == ("Réinsertion, phase 2", 1_250_000)


def test_a_programme_with_a_zero_budget_can_be_recorded(client, auth):
    # In-kind programmes start with nothing in cash; the form says "between 0 and ...".
    auth.login(Role.ADMIN)
    response = client.post("/admin/programmes/nouveau", data=programme_form(budget_xof="0"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Programme.budget_xof)) == 0


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("budget_xof", {"budget_xof": "12,5"}),
        ("budget_xof", {"budget_xof": "-5 000"}),
        ("budget_xof", {"budget_xof": "beaucoup"}),
        ("budget_xof", {"budget_xof": "99 999 999 999 999"}),
        ("code", {"code": "AME 2026"}),
        ("starts_on", {"starts_on": ""}),
        ("ends_on", {"ends_on": "2025-12-31"}),
        ("status", {"status": "forgotten"}),
    ],
)
def test_a_wrong_programme_value_is_shown_next_to_its_field_and_nothing_is_saved(
    client, auth, field, overrides
):
    auth.login(Role.ADMIN)
    response = client.post("/admin/programmes/nouveau", data=programme_form(**overrides))
    assert response.status_code == 200
    assert marked_invalid(response.text, field)
    assert count(Programme) == 0


def test_a_second_programme_with_the_same_code_is_refused(client, auth):
    auth.login(Role.MANAGER)
    client.post("/admin/programmes/nouveau", data=programme_form(code="AME-2026"))
    response = client.post(
        "/admin/programmes/nouveau", data=programme_form(code="ame-2026", name="Copie")
    )
    assert response.status_code == 200
    assert marked_invalid(response.text, "code")
    assert count(Programme) == 1


def test_an_unknown_programme_is_not_found(client, auth):
    auth.login(Role.ADMIN)
    assert client.get("/admin/programmes/999999").status_code == 404


# --- places and sectors -------------------------------------------------------------------


def test_an_administrator_adds_a_region_a_commune_and_a_village(client, auth):
    auth.login(Role.ADMIN)

    assert client.post("/admin/lieux/regions/nouvelle", data={"name": " Nioro "}).status_code == 302
    nioro = region_id("Nioro")
    assert nioro is not None

    response = client.post(
        "/admin/lieux/communes/nouvelle",
        data={"region_id": nioro, "name": "Nioro du Sahel", "cercle": "Nioro"},
    )
    assert response.status_code == 302
    commune = db.session.scalar(sa.select(Commune).where(Commune.name == "Nioro du Sahel"))
    assert (commune.region_id, commune.cercle) == (nioro, "Nioro")

    response = client.post(
        "/admin/lieux/villages/nouveau", data={"commune_id": commune.id, "name": "Gavinané"}
    )
    assert response.status_code == 302
    village = db.session.scalar(sa.select(Village).where(Village.name == "Gavinané"))
    assert village.commune_id == commune.id

    places = client.get("/admin/lieux").text
    assert "Nioro du Sahel" in places and "Gavinané" in places


def test_an_administrator_renames_a_region(client, auth):
    auth.login(Role.ADMIN)
    gao = region_id("Gao")
    assert client.get(f"/admin/lieux/regions/{gao}").status_code == 200
    assert client.post(f"/admin/lieux/regions/{gao}", data={"name": "Gao "}).status_code == 302
    assert client.post(f"/admin/lieux/regions/{gao}", data={"name": "Gao-Ville"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Region, gao).name == "Gao-Ville"


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/admin/lieux/regions/nouvelle", lambda: {"name": "Kayes"}, "name"),
        ("/admin/lieux/regions/nouvelle", lambda: {"name": ""}, "name"),
        (
            "/admin/lieux/communes/nouvelle",
            lambda: {"region_id": region_id("Kayes"), "name": "Kita", "cercle": ""},
            "name",
        ),
        (
            "/admin/lieux/communes/nouvelle",
            lambda: {"region_id": "999999", "name": "Nulle part", "cercle": ""},
            "region_id",
        ),
        (
            "/admin/lieux/villages/nouveau",
            lambda: {"commune_id": commune_id("Kita"), "name": "Badia"},
            "name",
        ),
    ],
)
def test_a_duplicate_or_wrong_place_is_shown_next_to_its_field_and_nothing_is_saved(
    client, auth, url, data, field
):
    auth.login(Role.ADMIN)
    before = (count(Region), count(Commune), count(Village))
    response = client.post(url, data=data())
    assert response.status_code == 200
    assert marked_invalid(response.text, field)
    assert (count(Region), count(Commune), count(Village)) == before


def test_an_administrator_adds_and_edits_a_sector(client, auth):
    auth.login(Role.ADMIN)
    response = client.post(
        "/admin/secteurs/nouveau",
        data={"code": "dyeing", "name_fr": "Teinture", "name_en": "Dyeing", "seasonal": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/secteurs"
    sector = db.session.scalar(sa.select(Sector).where(Sector.code == "dyeing"))
    assert (sector.name_fr, sector.name_en, sector.seasonal) == ("Teinture", "Dyeing", True)
    assert "Teinture" in client.get("/admin/secteurs").text

    response = client.post(
        f"/admin/secteurs/{sector.id}",
        data={"code": "dyeing", "name_fr": "Teinture (bogolan)", "name_en": "Dyeing"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Sector, sector.id)
    assert (stored.name_fr, stored.seasonal) == ("Teinture (bogolan)", False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "tailoring", "name_fr": "Couture 2", "name_en": "Sewing 2"}, "code"),
        ({"code": "Dyeing!", "name_fr": "Teinture", "name_en": "Dyeing"}, "code"),
        ({"code": "dyeing", "name_fr": "", "name_en": "Dyeing"}, "name_fr"),
    ],
)
def test_a_duplicate_or_wrong_sector_is_shown_next_to_its_field_and_nothing_is_saved(
    client, auth, data, field
):
    auth.login(Role.ADMIN)
    before = count(Sector)
    response = client.post("/admin/secteurs/nouveau", data=data)
    assert response.status_code == 200
    assert marked_invalid(response.text, field)
    assert count(Sector) == before


# --- accounts -----------------------------------------------------------------------------


def user_form(**overrides) -> dict:
    data = {
        "name": "Bakary Suivi",
        "email": "Bakary@Suivi.ml",
        "role": "monitor",
        "region_id": region_id("Kayes"),
        "active": "y",
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_administrator_creates_an_account_that_can_log_in(client, auth):
    auth.login(Role.ADMIN)
    response = client.post("/admin/utilisateurs/nouveau", data=user_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/utilisateurs"
    made = a_user("bakary@suivi.ml")
    assert (made.name, made.role, made.region.name) == ("Bakary Suivi", Role.MONITOR, "Kayes")
    assert authenticate("bakary@suivi.ml", NEW_PASSWORD) is not None
    assert "bakary@suivi.ml" in client.get("/admin/utilisateurs").text


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("password", {"password": "court"}),
        ("password", {"password": "motdepasse1"}),
        ("password", {"password": None}),
        ("email", {"email": "ADMIN@test.ml"}),  # already used, whatever the case
        ("email", {"email": "not-an-email"}),
        ("region_id", {"region_id": ""}),  # a field monitor needs a region
        ("role", {"role": "superuser"}),
    ],
)
def test_a_wrong_account_value_is_shown_next_to_its_field_and_nothing_is_saved(
    client, auth, field, overrides
):
    auth.login(Role.ADMIN)
    before = count(User)
    response = client.post("/admin/utilisateurs/nouveau", data=user_form(**overrides))
    assert response.status_code == 200
    assert marked_invalid(response.text, field)
    assert count(User) == before


def test_deactivating_an_account_stops_its_logins_and_api_tokens(client, auth, users):
    finance = users[Role.FINANCE]
    token = issue_api_token(finance)
    auth.login(Role.ADMIN)

    page = client.get(f"/admin/utilisateurs/{finance.id}")
    assert page.status_code == 200
    assert 'value="finance@test.ml"' in page.text

    response = client.post(
        f"/admin/utilisateurs/{finance.id}",
        data={"name": "Test finance", "email": "finance@test.ml", "role": "finance"},
    )  # "active" left unticked
    assert response.status_code == 302
    assert a_user("finance@test.ml").active is False
    assert user_for_api_token(token) is None
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    assert authenticate("finance@test.ml", PASSWORD) is None


def test_an_administrator_resets_a_password(client, auth, users):
    manager = users[Role.MANAGER]
    auth.login(Role.ADMIN)
    response = client.post(
        f"/admin/utilisateurs/{manager.id}",
        data={
            "name": "Test manager",
            "email": "manager@test.ml",
            "role": "manager",
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert authenticate("manager@test.ml", NEW_PASSWORD) is not None
    assert authenticate("manager@test.ml", PASSWORD) is None


def test_leaving_the_password_empty_keeps_the_old_one(client, auth, users):
    manager = users[Role.MANAGER]
    auth.login(Role.ADMIN)
    client.post(
        f"/admin/utilisateurs/{manager.id}",
        data={"name": "Renamed", "email": "manager@test.ml", "role": "manager", "active": "y"},
    )
    assert a_user("manager@test.ml").name == "Renamed"
    assert authenticate("manager@test.ml", PASSWORD) is not None


def test_an_unknown_account_is_not_found(client, auth):
    auth.login(Role.ADMIN)
    assert client.get("/admin/utilisateurs/999999").status_code == 404


def test_programme_records_made_by_a_service_appear_in_the_admin_list(client, auth):
    save_programme(
        {
            "code": "UE-OIM-2017",
            "name": "Initiative conjointe",
            "donor": "Fonds fiduciaire UE",
            "currency": "EUR",
            "budget_xof": 4_000_000_000,
            "starts_on": date(2017, 5, 1),
            "ends_on": None,
            "status": ProgrammeStatus.CLOSED,
        }
    )
    auth.login(Role.MANAGER)
    listing = client.get("/admin/programmes").text
    assert "UE-OIM-2017" in listing
    assert f"4{NNBSP}000{NNBSP}000{NNBSP}000" in listing
    assert "01/05/2017" in listing
