"""Enterprise pages: list, filters, pages, CSV export, forms, members and regional scope."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import (
    EnterpriseKind,
    EnterpriseStatus,
    MemberRole,
    ProgrammeStatus,
    ReturnKind,
    Role,
    Sex,
)
from portfolio.models import (
    Commune,
    Enterprise,
    EnterpriseMember,
    Programme,
    Region,
    Sector,
    db,
)
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.enterprises import add_member, create_enterprise
from portfolio.services.programmes import save_programme


@pytest.fixture
def programmes(reference):
    made = {}
    for code in ("UE-OIM-2017", "SIDA-OIM-2014"):
        made[code] = save_programme(
            {
                "code": code,
                "name": f"Programme {code}",
                "donor": "Donor",
                "currency": "XOF",
                "budget_xof": 1_000_000_000,
                "starts_on": date(2014, 1, 1),
                "ends_on": None,
                "status": ProgrammeStatus.ACTIVE,
            }
        )
    return made


def commune_id(name: str) -> int:
    return db.session.scalar(sa.select(Commune.id).where(Commune.name == name))


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def sector_id(code: str) -> int:
    return db.session.scalar(sa.select(Sector.id).where(Sector.code == code))


def programme_id(code: str) -> int:
    return db.session.scalar(sa.select(Programme.id).where(Programme.code == code))


def returnee(first: str, last: str, place: str = "Kayes", sex: Sex = Sex.MALE):
    return register_beneficiary(
        {
            "programme_id": programme_id("UE-OIM-2017"),
            "first_name": first,
            "last_name": last,
            "sex": sex,
            "birth_year": 1990,
            "phone": "+223 76 00 00 01",
            "commune_id": commune_id(place),
            "village_id": None,
            "returned_on": date(2019, 2, 1),
            "returned_from": "Algérie",
            "return_kind": ReturnKind.EXPELLED,
            "woman_head_of_household": False,
            "vulnerability_notes": None,
            "external_case_number": None,
            "consent_on": None,
        }
    )


def business(name: str, owner, place: str = "Kayes", **overrides) -> Enterprise:
    values = {
        "programme_id": programme_id("UE-OIM-2017"),
        "name": name,
        "sector_id": sector_id("tailoring"),
        "commune_id": commune_id(place),
        "village_id": None,
        "started_on": date(2019, 6, 1),
        "status": EnterpriseStatus.ACTIVE,
        "kind": EnterpriseKind.INDIVIDUAL,
        "paid_employees": 0,
        "family_workers": 0,
    }
    values.update(overrides)
    return create_enterprise(values, owner.id)


def form(owner_id=None, place: str = "Kayes", **overrides) -> dict:
    data = {
        "programme_id": programme_id("UE-OIM-2017"),
        "name": "Atelier de couture Diarra",
        "sector_id": sector_id("tailoring"),
        "commune_id": commune_id(place),
        "village_id": "",
        "started_on": "2020-01-15",
        "status": "active",
        "kind": "individual",
        "paid_employees": "2",
        "family_workers": "1",
        "owner_id": owner_id,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Enterprise.id)))


def members(enterprise_id: int) -> list[tuple[str, MemberRole]]:
    db.session.expire_all()
    return [
        (m.beneficiary.first_name, m.role)
        for m in db.session.get(Enterprise, enterprise_id).members
    ]


def marked_invalid(html: str, name: str) -> bool:
    """The field is flagged for screen readers and its error is printed beside it."""
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    error = re.search(rf'<p class="error" id="{name}-error">[^<]+</p>', html)
    return tag is not None and 'aria-invalid="true"' in tag.group(0) and error is not None


def listed(html: str) -> list[str]:
    return re.findall(r'<a href="/entreprises/\d+">([^<]+)</a>', html)


def export_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


# --- list, search, filters, pages -------------------------------------------------------


def test_the_list_shows_every_enterprise_with_its_lead_and_jobs(client, auth, programmes):
    business("Boutique Traoré", returnee("Moussa", "Traoré"), paid_employees=2, family_workers=1)
    business("Atelier Coulibaly", returnee("Awa", "Coulibaly", sex=Sex.FEMALE))
    auth.login(Role.MANAGER)

    response = client.get("/entreprises/")
    assert response.status_code == 200
    assert listed(response.text) == ["Atelier Coulibaly", "Boutique Traoré"]
    assert "Moussa Traoré" in response.text
    assert re.search(r'class="num">4</td>', response.text)  # owner + 2 employees + 1 family


def test_search_finds_an_enterprise_by_part_of_its_name_in_any_case(client, auth, programmes):
    business("Boutique Traoré", returnee("Moussa", "Traoré"))
    business("Atelier Coulibaly", returnee("Awa", "Coulibaly"))
    auth.login(Role.MANAGER)
    response = client.get("/entreprises/", query_string={"q": "BOUTIQUE"})
    assert listed(response.text) == ["Boutique Traoré"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("programme_id", lambda: programme_id("SIDA-OIM-2014"), ["Pêcherie Diarra"]),
        ("region_id", lambda: region_id("Mopti"), ["Pêcherie Diarra"]),
        ("commune_id", lambda: commune_id("Kita"), ["Atelier Coulibaly"]),
        ("sector_id", lambda: sector_id("fishing"), ["Pêcherie Diarra"]),
        ("sex", lambda: "F", ["Atelier Coulibaly"]),
        ("status", lambda: "closed", ["Boutique Traoré"]),
    ],
)
def test_each_filter_narrows_the_list(client, auth, programmes, name, value, expected):
    business("Boutique Traoré", returnee("Moussa", "Traoré"), status=EnterpriseStatus.CLOSED)
    business("Atelier Coulibaly", returnee("Awa", "Coulibaly", "Kita", Sex.FEMALE), "Kita")
    business(
        "Pêcherie Diarra",
        returnee("Seydou", "Diarra", "Mopti"),
        "Mopti",
        programme_id=programme_id("SIDA-OIM-2014"),
        sector_id=sector_id("fishing"),
    )
    auth.login(Role.MANAGER)

    response = client.get("/entreprises/", query_string={name: value()})
    assert response.status_code == 200
    assert listed(response.text) == expected


def test_the_list_is_split_into_pages_of_the_chosen_size(client, auth, programmes):
    for name in ("Atelier A", "Atelier B", "Atelier C"):
        business(name, returnee("Issa", name[-1]))
    auth.login(Role.MANAGER)

    first = client.get("/entreprises/", query_string={"per_page": 2})
    second = client.get("/entreprises/", query_string={"per_page": 2, "page": 2})
    assert first.status_code == second.status_code == 200
    assert listed(first.text) == ["Atelier A", "Atelier B"]
    assert listed(second.text) == ["Atelier C"]


# --- CSV export ---------------------------------------------------------------------------


def test_the_export_lists_enterprises_with_their_lead_in_a_semicolon_csv(client, auth, programmes):
    business("Boutique Traoré", returnee("Moussa", "Traoré"), paid_employees=2)
    auth.login(Role.MANAGER)

    response = client.get("/entreprises/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    header, row = export_rows(response)
    assert len(header) == len(row) == 17
    assert row[1] == "Boutique Traoré"
    assert row[2] == "UE-OIM-2017"
    assert row[10:14] == ["1", "2", "0", "3"]  # members, employees, family, jobs
    assert row[14] == "Moussa Traoré"


def test_the_enterprise_export_applies_the_list_filters(client, auth, programmes):
    business("Boutique Traoré", returnee("Moussa", "Traoré"))
    business("Atelier Coulibaly", returnee("Awa", "Coulibaly", sex=Sex.FEMALE))
    auth.login(Role.MANAGER)
    _header, *rows = export_rows(client.get("/entreprises/export.csv", query_string={"sex": "F"}))
    assert [row[1] for row in rows] == ["Atelier Coulibaly"]


def test_an_enterprise_name_that_looks_like_a_formula_is_neutralised_in_the_export(
    client, auth, programmes
):
    business('=HYPERLINK("http://evil.example")', returnee("Moussa", "Traoré"))
    auth.login(Role.FINANCE)
    _header, row = export_rows(client.get("/entreprises/export.csv"))
    assert row[1] == '\'=HYPERLINK("http://evil.example")'


def test_a_field_monitor_cannot_export_enterprises(client, auth, programmes):
    auth.login(Role.MONITOR)
    assert client.get("/entreprises/export.csv").status_code == 403


# --- forms and members --------------------------------------------------------------------


def test_creating_an_enterprise_through_the_form_makes_the_owner_its_first_member(
    client, auth, programmes
):
    owner = returnee("Seydou", "Diarra")
    auth.login(Role.MANAGER)
    shown = client.get("/entreprises/nouvelle", query_string={"owner_id": owner.id})
    assert shown.status_code == 200
    assert f'value="{owner.id}"' in shown.text  # prefilled from the beneficiary's page

    response = client.post("/entreprises/nouvelle", data=form(owner.id))
    assert response.status_code == 302
    made = db.session.scalar(sa.select(Enterprise))
    assert response.headers["Location"] == f"/entreprises/{made.id}"
    assert made.name == "Atelier de couture Diarra"
    assert (made.paid_employees, made.family_workers) == (2, 1)
    assert members(made.id) == [("Seydou", MemberRole.OWNER)]

    page = client.get(f"/entreprises/{made.id}")
    assert page.status_code == 200
    assert "Atelier de couture Diarra" in page.text
    assert "Seydou Diarra" in page.text
    assert "flash-success" in page.text
    # The owner's own page links to the enterprise.
    assert f'href="/entreprises/{made.id}"' in client.get(f"/beneficiaires/{owner.id}").text


def test_the_edit_form_shows_the_stored_values_and_saves_changes(client, auth, programmes):
    made = business("Boutique Traoré", returnee("Moussa", "Traoré"))
    auth.login(Role.MANAGER)
    shown = client.get(f"/entreprises/{made.id}/modifier")
    assert shown.status_code == 200
    assert 'value="Boutique Traoré"' in shown.text

    response = client.post(
        f"/entreprises/{made.id}/modifier",
        data=form(name="Boutique Traoré & fils", status="temporarily_closed", paid_employees="4"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Enterprise, made.id)
    assert stored.name == "Boutique Traoré & fils"
    assert stored.status is EnterpriseStatus.TEMPORARILY_CLOSED
    assert stored.paid_employees == 4


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("name", {"name": ""}),
        ("paid_employees", {"paid_employees": "-1"}),
        ("family_workers", {"family_workers": "beaucoup"}),
        ("started_on", {"started_on": "2020-13-01"}),
        ("sector_id", {"sector_id": "999999"}),
        ("status", {"status": "bankrupt"}),
        ("owner_id", {"owner_id": "0"}),
    ],
)
def test_a_wrong_value_is_shown_next_to_its_field_and_nothing_is_saved(
    client, auth, programmes, field, overrides
):
    owner = returnee("Seydou", "Diarra")
    auth.login(Role.MANAGER)
    data = form(owner.id)
    data.update(overrides)
    response = client.post("/entreprises/nouvelle", data=data)
    assert response.status_code == 200
    assert marked_invalid(response.text, field)
    assert count() == 0


def test_an_unknown_owner_number_is_shown_next_to_the_owner_field(client, auth, programmes):
    auth.login(Role.MANAGER)
    response = client.post("/entreprises/nouvelle", data=form(owner_id=999_999))
    assert response.status_code == 200
    assert marked_invalid(response.text, "owner_id")
    assert count() == 0


def test_members_are_added_to_and_removed_from_a_collective_through_its_page(
    client, auth, programmes
):
    made = business("Savonnerie des femmes", returnee("Awa", "Sangaré"), kind="collective")
    second = returnee("Hawa", "Dembélé")
    auth.login(Role.MANAGER)

    added = client.post(
        f"/entreprises/{made.id}/membres", data={"beneficiary_id": second.id, "role": "treasurer"}
    )
    assert added.status_code == 302
    assert members(made.id) == [("Awa", MemberRole.PRESIDENT), ("Hawa", MemberRole.TREASURER)]
    assert "flash-success" in client.get(f"/entreprises/{made.id}").text

    member_id = db.session.scalar(
        sa.select(EnterpriseMember.id).where(EnterpriseMember.beneficiary_id == second.id)
    )
    removed = client.post(f"/entreprises/{made.id}/membres/{member_id}/retirer")
    assert removed.status_code == 302
    assert members(made.id) == [("Awa", MemberRole.PRESIDENT)]


def test_the_last_member_cannot_be_removed(client, auth, programmes):
    made = business("Savonnerie des femmes", returnee("Awa", "Sangaré"), kind="collective")
    only = db.session.scalar(sa.select(EnterpriseMember.id))
    auth.login(Role.MANAGER)
    response = client.post(f"/entreprises/{made.id}/membres/{only}/retirer")
    assert response.status_code == 302
    assert "flash-error" in client.get(f"/entreprises/{made.id}").text
    assert members(made.id) == [("Awa", MemberRole.PRESIDENT)]


def test_an_individual_enterprise_cannot_get_a_second_member(client, auth, programmes):
    made = business("Boutique Traoré", returnee("Moussa", "Traoré"))
    other = returnee("Hawa", "Dembélé")
    auth.login(Role.MANAGER)
    client.post(
        f"/entreprises/{made.id}/membres", data={"beneficiary_id": other.id, "role": "member"}
    )
    assert "flash-error" in client.get(f"/entreprises/{made.id}").text
    assert members(made.id) == [("Moussa", MemberRole.OWNER)]


def test_a_wrong_member_number_is_reported_and_nothing_is_added(client, auth, programmes):
    made = business("Savonnerie des femmes", returnee("Awa", "Sangaré"), kind="collective")
    auth.login(Role.MANAGER)
    for bad in ("abc", "", "999999"):
        response = client.post(
            f"/entreprises/{made.id}/membres", data={"beneficiary_id": bad, "role": "member"}
        )
        assert response.status_code == 302
        assert "flash-error" in client.get(f"/entreprises/{made.id}").text
    assert len(members(made.id)) == 1


def test_a_collective_with_several_members_cannot_be_made_individual(client, auth, programmes):
    made = business("Savonnerie des femmes", returnee("Awa", "Sangaré"), kind="collective")
    add_member(made, returnee("Hawa", "Dembélé").id, MemberRole.MEMBER)
    auth.login(Role.MANAGER)
    response = client.post(
        f"/entreprises/{made.id}/modifier", data=form(name="Savonnerie", kind="individual")
    )
    assert response.status_code == 200
    assert marked_invalid(response.text, "kind")
    db.session.expire_all()
    stored = db.session.get(Enterprise, made.id)
    assert (stored.name, stored.kind) == ("Savonnerie des femmes", EnterpriseKind.COLLECTIVE)


def test_member_changes_need_a_post(client, auth, programmes):
    made = business("Boutique Traoré", returnee("Moussa", "Traoré"))
    auth.login(Role.MANAGER)
    assert client.get(f"/entreprises/{made.id}/membres").status_code == 405


# --- regional scope -----------------------------------------------------------------------


def test_a_field_monitor_sees_only_the_enterprises_of_their_region(client, auth, programmes):
    business("Boutique Traoré", returnee("Moussa", "Traoré"))
    business("Atelier Coulibaly", returnee("Awa", "Coulibaly", "Kita"), "Kita")
    business("Pêcherie Diarra", returnee("Seydou", "Diarra", "Mopti"), "Mopti")
    auth.login(Role.MONITOR)
    response = client.get("/entreprises/")
    assert listed(response.text) == ["Atelier Coulibaly", "Boutique Traoré"]


def test_a_field_monitor_cannot_open_or_change_an_enterprise_of_another_region(
    client, auth, programmes
):
    outside = business("Pêcherie Diarra", returnee("Seydou", "Diarra", "Mopti"), "Mopti")
    auth.login(Role.MONITOR)
    assert client.get(f"/entreprises/{outside.id}").status_code == 404
    assert client.get(f"/entreprises/{outside.id}/modifier").status_code == 404
    member = returnee("Moussa", "Traoré")
    refused = client.post(
        f"/entreprises/{outside.id}/membres", data={"beneficiary_id": member.id, "role": "member"}
    )
    assert refused.status_code == 404
    assert len(members(outside.id)) == 1


def test_a_field_monitor_cannot_create_an_enterprise_for_someone_of_another_region(
    client, auth, programmes
):
    stranger = returnee("Seydou", "Diarra", "Mopti")
    auth.login(Role.MONITOR)
    response = client.post("/entreprises/nouvelle", data=form(stranger.id, "Kita"))
    assert response.status_code == 200
    assert 'class="error"' in response.text or "flash-error" in response.text
    assert count() == 0
