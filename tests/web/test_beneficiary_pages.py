"""Beneficiary pages: list, search, filters, pages, CSV export, forms and regional scope."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import ProgrammeStatus, ReturnKind, Role, Sex
from portfolio.models import Beneficiary, Commune, Programme, Region, Village, db
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.programmes import save_programme


@pytest.fixture
def programmes(reference):
    made = {}
    for code, starts_on in (("UE-OIM-2017", date(2017, 5, 1)), ("SIDA-OIM-2014", date(2014, 1, 1))):
        made[code] = save_programme(
            {
                "code": code,
                "name": f"Programme {code}",
                "donor": "Donor",
                "currency": "XOF",
                "budget_xof": 1_000_000_000,
                "starts_on": starts_on,
                "ends_on": None,
                "status": ProgrammeStatus.ACTIVE,
            }
        )
    return made


def commune(name: str) -> Commune:
    return db.session.scalar(sa.select(Commune).where(Commune.name == name))


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def village_id(name: str) -> int:
    return db.session.scalar(sa.select(Village.id).where(Village.name == name))


def register(first: str, last: str, place: str = "Kayes", code: str = "UE-OIM-2017", **more):
    programme_id = db.session.scalar(sa.select(Programme.id).where(Programme.code == code))
    values = {
        "programme_id": programme_id,
        "first_name": first,
        "last_name": last,
        "sex": Sex.MALE,
        "birth_year": 1990,
        "phone": None,
        "commune_id": commune(place).id,
        "village_id": None,
        "returned_on": date(2019, 2, 1),
        "returned_from": "Libye",
        "return_kind": ReturnKind.EXPELLED,
        "woman_head_of_household": False,
        "vulnerability_notes": None,
        "external_case_number": None,
        "consent_on": None,
    }
    values.update(more)
    return register_beneficiary(values)


def form(programme, place: str = "Kayes", **overrides) -> dict:
    data = {
        "programme_id": programme.id,
        "first_name": "Aminata",
        "last_name": "Sidibé",
        "sex": "F",
        "birth_year": "1994",
        "phone": "+223 76 12 34 56",
        "commune_id": commune(place).id,
        "village_id": "",
        "returned_on": "2023-03-14",
        "returned_from": "Côte d'Ivoire",
        "return_kind": "assisted_voluntary",
        "woman_head_of_household": "y",
        "vulnerability_notes": "Deux enfants à charge",
        "external_case_number": "MLI-204518",
        "consent_on": "2023-03-20",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Beneficiary.id)))


def marked_invalid(html: str, name: str) -> bool:
    """The field is flagged for screen readers and its error is printed beside it."""
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    error = re.search(rf'<p class="error" id="{name}-error">[^<]+</p>', html)
    return tag is not None and 'aria-invalid="true"' in tag.group(0) and error is not None


def listed(html: str) -> list[str]:
    """Names linked from the list, in order ("Last First")."""
    return re.findall(r'<a href="/beneficiaires/\d+">([^<]+)</a>', html)


def export_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


# --- list, search, filters, pages -------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/beneficiaires/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_the_list_shows_every_beneficiary_sorted_by_last_name(client, auth, programmes):
    register("Moussa", "Traoré")
    register("Awa", "Coulibaly", sex=Sex.FEMALE)
    register("Seydou", "Diarra", "Gao", "SIDA-OIM-2014")
    auth.login(Role.MANAGER)

    response = client.get("/beneficiaires/")
    assert response.status_code == 200
    assert listed(response.text) == ["Coulibaly Awa", "Diarra Seydou", "Traoré Moussa"]


@pytest.mark.parametrize(
    "query", ["moussa traoré", "TRAORÉ MOUSSA", "oussa tra", "76 12", "mli-2045", "mli"]
)
def test_search_finds_a_person_by_name_phone_or_case_number(client, auth, programmes, query):
    register("Moussa", "Traoré", phone="+223 76 12 34 56", external_case_number="MLI-204518")
    register("Awa", "Coulibaly", phone="+223 66 00 00 00")
    auth.login(Role.MANAGER)

    response = client.get("/beneficiaires/", query_string={"q": query})
    assert listed(response.text) == ["Traoré Moussa"]


def test_search_finds_an_upper_case_accented_surname_typed_in_lower_case(client, auth, programmes):
    # Field staff often type surnames in capitals: "KEÏTA", "TOURÉ".
    register("Modibo", "KEÏTA")
    register("Awa", "Coulibaly")
    auth.login(Role.MANAGER)

    response = client.get("/beneficiaires/", query_string={"q": "keïta"})
    assert listed(response.text) == ["KEÏTA Modibo"]


def test_a_search_that_matches_nobody_shows_an_empty_list(client, auth, programmes):
    register("Moussa", "Traoré")
    auth.login(Role.MANAGER)
    response = client.get("/beneficiaires/", query_string={"q": "zzzz"})
    assert response.status_code == 200
    assert listed(response.text) == []
    assert 'class="empty"' in response.text


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("programme_id", lambda p: p["SIDA-OIM-2014"].id, ["Diarra Seydou"]),
        ("region_id", lambda p: region_id("Gao"), ["Diarra Seydou"]),
        ("commune_id", lambda p: commune("Kita").id, ["Coulibaly Awa"]),
        ("sex", lambda p: "F", ["Coulibaly Awa"]),
        ("return_kind", lambda p: "conflict_displaced", ["Diarra Seydou"]),
    ],
)
def test_each_filter_narrows_the_list(client, auth, programmes, name, value, expected):
    register("Moussa", "Traoré", "Kayes")
    register("Awa", "Coulibaly", "Kita", sex=Sex.FEMALE)
    register("Seydou", "Diarra", "Gao", "SIDA-OIM-2014", return_kind=ReturnKind.CONFLICT_DISPLACED)
    auth.login(Role.MANAGER)

    response = client.get("/beneficiaires/", query_string={name: value(programmes)})
    assert response.status_code == 200
    assert listed(response.text) == expected


def test_filters_combine(client, auth, programmes):
    register("Moussa", "Traoré", "Kayes")
    register("Awa", "Coulibaly", "Kayes", sex=Sex.FEMALE)
    register("Hawa", "Diarra", "Gao", sex=Sex.FEMALE)
    auth.login(Role.MANAGER)

    response = client.get(
        "/beneficiaires/", query_string={"region_id": region_id("Kayes"), "sex": "F"}
    )
    assert listed(response.text) == ["Coulibaly Awa"]


def test_unknown_filter_values_show_the_whole_list(client, auth, programmes):
    register("Moussa", "Traoré")
    register("Awa", "Coulibaly")
    auth.login(Role.MANAGER)
    response = client.get(
        "/beneficiaires/", query_string={"sex": "X", "return_kind": "tourist", "region_id": "abc"}
    )
    assert response.status_code == 200
    assert len(listed(response.text)) == 2


def test_the_list_is_split_into_pages_of_the_chosen_size(client, auth, programmes):
    for last in ("Bagayoko", "Camara", "Diallo", "Fofana", "Koné"):
        register("Issa", last)
    auth.login(Role.MANAGER)

    first = client.get("/beneficiaires/", query_string={"per_page": 2})
    second = client.get("/beneficiaires/", query_string={"per_page": 2, "page": 2})
    last = client.get("/beneficiaires/", query_string={"per_page": 2, "page": 3})
    beyond = client.get("/beneficiaires/", query_string={"per_page": 2, "page": 9})

    assert listed(first.text) == ["Bagayoko Issa", "Camara Issa"]
    assert listed(second.text) == ["Diallo Issa", "Fofana Issa"]
    assert listed(last.text) == ["Koné Issa"]
    assert listed(beyond.text) == []
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text


def test_the_next_page_link_keeps_the_filters(client, auth, programmes):
    for last in ("Bagayoko", "Camara", "Diallo"):
        register("Awa", last, sex=Sex.FEMALE)
    register("Moussa", "Traoré")
    auth.login(Role.MANAGER)

    response = client.get("/beneficiaires/", query_string={"per_page": 2, "sex": "F"})
    next_link = re.search(r'<a href="([^"]+)" rel="next">', response.text).group(1)
    following = client.get(next_link.replace("&amp;", "&"))
    assert listed(following.text) == ["Diallo Awa"]


# --- CSV export ---------------------------------------------------------------------------


def test_the_export_is_a_semicolon_separated_csv_with_a_header_row(client, auth, programmes):
    register("Moussa", "Traoré", phone="+223 76 12 34 56")
    register("Awa", "Coulibaly", "Gao", sex=Sex.FEMALE)
    auth.login(Role.MANAGER)

    response = client.get("/beneficiaires/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())  # Excel in French reads UTF-8 right
    header, *rows = export_rows(response)
    assert len(header) == 16
    assert all(len(row) == len(header) for row in rows)
    assert sorted(row[1:3] for row in rows) == [["Awa", "Coulibaly"], ["Moussa", "Traoré"]]


def test_the_export_has_readable_english_headers_in_english(client, auth, programmes):
    register("Moussa", "Traoré")
    auth.login(Role.MANAGER)
    client.post("/langue", data={"locale": "en", "next": "/"})
    header = export_rows(client.get("/beneficiaires/export.csv"))[0]
    assert header[:3] == ["ID", "First name", "Last name"]


def test_the_export_applies_the_list_filters(client, auth, programmes):
    register("Moussa", "Traoré", "Kayes")
    register("Awa", "Coulibaly", "Gao", sex=Sex.FEMALE)
    register("Hawa", "Diarra", "Kita", sex=Sex.FEMALE)
    auth.login(Role.MANAGER)

    response = client.get(
        "/beneficiaires/export.csv", query_string={"sex": "F", "region_id": region_id("Kayes")}
    )
    _header, *rows = export_rows(response)
    assert [row[1:3] for row in rows] == [["Hawa", "Diarra"]]


@pytest.mark.parametrize("hostile", ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(A1)"])
def test_export_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    client, auth, programmes, hostile
):
    register("Moussa", hostile, returned_from=hostile)
    auth.login(Role.MANAGER)
    _header, row = export_rows(client.get("/beneficiaires/export.csv"))
    assert row[2] == "'" + hostile
    assert row[11] == "'" + hostile


def test_a_field_monitor_cannot_export_personal_data(client, auth, programmes):
    register("Moussa", "Traoré")
    auth.login(Role.MONITOR)
    assert client.get("/beneficiaires/export.csv").status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.FINANCE])
def test_office_roles_can_export(client, auth, programmes, role):
    auth.login(role)
    assert client.get("/beneficiaires/export.csv").status_code == 200


# --- forms --------------------------------------------------------------------------------


def test_registering_through_the_form_stores_the_person_and_shows_their_page(
    client, auth, programmes
):
    auth.login(Role.MANAGER)
    assert client.get("/beneficiaires/nouveau").status_code == 200

    response = client.post(
        "/beneficiaires/nouveau",
        data=form(programmes["UE-OIM-2017"], "Kayes", village_id=village_id("Khasso")),
    )
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(Beneficiary))
    assert response.headers["Location"] == f"/beneficiaires/{stored.id}"
    assert (stored.first_name, stored.last_name, stored.sex) == ("Aminata", "Sidibé", Sex.FEMALE)
    assert stored.village.name == "Khasso"
    assert stored.returned_on == date(2023, 3, 14)
    assert stored.woman_head_of_household is True
    assert stored.consent_on == date(2023, 3, 20)

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Aminata Sidibé" in page.text
    assert "MLI-204518" in page.text
    assert "14/03/2023" in page.text
    assert "flash-success" in page.text


def test_the_edit_form_shows_the_stored_values_and_saves_changes(client, auth, programmes):
    person = register("Moussa", "Traoré", phone="+223 76 12 34 56")
    auth.login(Role.MANAGER)

    shown = client.get(f"/beneficiaires/{person.id}/modifier")
    assert shown.status_code == 200
    assert 'value="Traoré"' in shown.text
    assert 'value="+223 76 12 34 56"' in shown.text

    response = client.post(
        f"/beneficiaires/{person.id}/modifier",
        data=form(
            programmes["SIDA-OIM-2014"],
            "Kita",
            first_name="Moussa",
            last_name="Konaté",
            sex="M",
            woman_head_of_household=None,
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/beneficiaires/{person.id}"
    db.session.expire_all()
    stored = db.session.get(Beneficiary, person.id)
    assert stored.last_name == "Konaté"
    assert stored.commune.name == "Kita"
    assert stored.programme.code == "SIDA-OIM-2014"
    assert stored.woman_head_of_household is False
    assert "Moussa Konaté" in client.get(f"/beneficiaires/{person.id}").text


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("first_name", {"first_name": "   "}),
        ("last_name", {"last_name": None}),
        ("phone", {"phone": "call me"}),
        ("birth_year", {"birth_year": "1850"}),
        ("returned_on", {"returned_on": "31/02/2023"}),
        ("returned_on", {"returned_on": (date.today() + timedelta(days=3)).isoformat()}),
        ("village_id", {"village_id": "village"}),
        ("sex", {"sex": "X"}),
        ("return_kind", {"return_kind": "holiday"}),
    ],
)
def test_a_wrong_value_is_shown_next_to_its_field_and_nothing_is_saved(
    client, auth, programmes, field, overrides
):
    auth.login(Role.MANAGER)
    response = client.post(
        "/beneficiaires/nouveau", data=form(programmes["UE-OIM-2017"], **overrides)
    )
    assert response.status_code == 200
    assert marked_invalid(response.text, field)
    assert count() == 0


def test_a_village_of_another_commune_is_shown_next_to_the_village_field(client, auth, programmes):
    auth.login(Role.MANAGER)
    response = client.post(
        "/beneficiaires/nouveau",
        data=form(programmes["UE-OIM-2017"], "Kayes", village_id=village_id("Badia")),
    )
    assert response.status_code == 200
    assert marked_invalid(response.text, "village_id")
    assert 'value="Aminata"' in response.text  # what was typed is kept
    assert count() == 0


def test_a_refused_edit_keeps_the_stored_record(client, auth, programmes):
    person = register("Moussa", "Traoré")
    auth.login(Role.MANAGER)
    response = client.post(
        f"/beneficiaires/{person.id}/modifier",
        data=form(programmes["UE-OIM-2017"], last_name="Changed", village_id=village_id("Badia")),
    )
    assert response.status_code == 200
    assert marked_invalid(response.text, "village_id")
    db.session.expire_all()
    assert db.session.get(Beneficiary, person.id).last_name == "Traoré"


def test_an_unknown_beneficiary_is_not_found(client, auth, programmes):
    auth.login(Role.MANAGER)
    assert client.get("/beneficiaires/999999").status_code == 404
    assert client.get("/beneficiaires/999999/modifier").status_code == 404


def test_names_with_html_are_shown_as_text(client, auth, programmes):
    person = register("<script>alert(1)</script>", "Traoré")
    auth.login(Role.MANAGER)
    page = client.get(f"/beneficiaires/{person.id}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


# --- regional scope -----------------------------------------------------------------------


def test_a_field_monitor_sees_only_the_people_of_their_region(client, auth, programmes):
    register("Moussa", "Traoré", "Kayes")
    register("Awa", "Coulibaly", "Kita")
    register("Seydou", "Diarra", "Gao")
    register("Hawa", "Maïga", "Commune IV")
    auth.login(Role.MONITOR)

    response = client.get("/beneficiaires/")
    assert listed(response.text) == ["Coulibaly Awa", "Traoré Moussa"]
    # Asking for another region by hand shows nothing from it.
    other = client.get("/beneficiaires/", query_string={"region_id": region_id("Gao")})
    assert listed(other.text) == []


def test_a_field_monitor_cannot_open_someone_from_another_region(client, auth, programmes):
    outside = register("Seydou", "Diarra", "Gao")
    inside = register("Moussa", "Traoré", "Kayes")
    auth.login(Role.MONITOR)

    assert client.get(f"/beneficiaires/{inside.id}").status_code == 200
    assert client.get(f"/beneficiaires/{outside.id}").status_code == 404
    assert client.get(f"/beneficiaires/{outside.id}/modifier").status_code == 404
    refused = client.post(
        f"/beneficiaires/{outside.id}/modifier",
        data=form(programmes["UE-OIM-2017"], "Kayes", last_name="Moved"),
    )
    assert refused.status_code == 404
    db.session.expire_all()
    assert db.session.get(Beneficiary, outside.id).last_name == "Diarra"


def test_a_field_monitor_is_offered_only_the_communes_of_their_region(client, auth, programmes):
    auth.login(Role.MONITOR)
    page = client.get("/beneficiaires/nouveau").text
    assert f'value="{commune("Kita").id}"' in page
    assert f'value="{commune("Gao").id}"' not in page


def test_a_field_monitor_cannot_register_someone_in_another_region(client, auth, programmes):
    auth.login(Role.MONITOR)
    response = client.post("/beneficiaires/nouveau", data=form(programmes["UE-OIM-2017"], "Gao"))
    assert response.status_code == 200
    assert marked_invalid(response.text, "commune_id")
    assert count() == 0


def test_a_field_monitor_can_register_someone_in_their_region(client, auth, programmes):
    auth.login(Role.MONITOR)
    response = client.post("/beneficiaires/nouveau", data=form(programmes["UE-OIM-2017"], "Kita"))
    assert response.status_code == 302
    assert count() == 1
