"""Registering returnees: place, scope and date rules, and nothing saved on refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import ProgrammeStatus, ReturnKind, Sex
from portfolio.models import Beneficiary, Commune, Region, Village, db
from portfolio.services.beneficiaries import register_beneficiary, update_beneficiary
from portfolio.services.programmes import save_programme
from portfolio.services.unit_of_work import ServiceError

pytestmark = pytest.mark.usefixtures("reference")


@pytest.fixture
def programme():
    return save_programme(
        {
            "code": "UE-OIM-2017",
            "name": "Initiative conjointe UE-OIM Mali",
            "donor": "Fonds fiduciaire UE",
            "currency": "XOF",
            "budget_xof": 4_000_000_000,
            "starts_on": date(2017, 5, 1),
            "ends_on": None,
            "status": ProgrammeStatus.ACTIVE,
        }
    )


def region(name: str) -> Region:
    return db.session.scalar(sa.select(Region).where(Region.name == name))


def commune(name: str) -> Commune:
    return db.session.scalar(sa.select(Commune).where(Commune.name == name))


def village(name: str) -> Village:
    return db.session.scalar(sa.select(Village).where(Village.name == name))


def person(programme, place: Commune, **overrides) -> dict:
    values = {
        "programme_id": programme.id,
        "first_name": "Aminata",
        "last_name": "Traoré",
        "sex": Sex.FEMALE,
        "birth_year": 1994,
        "phone": "+223 76 12 34 56",
        "commune_id": place.id,
        "village_id": None,
        "returned_on": date(2023, 3, 14),
        "returned_from": "Libye",
        "return_kind": ReturnKind.EXPELLED,
        "woman_head_of_household": True,
        "vulnerability_notes": None,
        "external_case_number": "MLI-123456",
        "consent_on": date(2023, 3, 20),
    }
    values.update(overrides)
    return values


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Beneficiary.id)))


def test_a_registered_beneficiary_is_stored_with_their_place_and_return(programme):
    kayes = commune("Kayes")
    registered = register_beneficiary(person(programme, kayes, village_id=village("Khasso").id))

    db.session.expire_all()
    stored = db.session.get(Beneficiary, registered.id)
    assert stored.full_name == "Aminata Traoré"
    assert stored.commune.name == "Kayes"
    assert stored.village.name == "Khasso"
    assert stored.returned_on == date(2023, 3, 14)
    assert stored.return_kind is ReturnKind.EXPELLED
    assert stored.woman_head_of_household is True


def test_names_and_optional_text_are_trimmed_and_blank_text_becomes_empty(programme):
    registered = register_beneficiary(
        person(
            programme,
            commune("Kayes"),
            first_name="  Awa ",
            last_name=" Diarra  ",
            returned_from="   ",
            external_case_number="",
        )
    )
    db.session.expire_all()
    stored = db.session.get(Beneficiary, registered.id)
    assert (stored.first_name, stored.last_name) == ("Awa", "Diarra")
    assert stored.returned_from is None
    assert stored.external_case_number is None


def test_a_village_from_another_commune_is_refused_and_nothing_is_saved(programme):
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(person(programme, commune("Kayes"), village_id=village("Badia").id))
    assert refused.value.field == "village_id"
    assert count() == 0


def test_an_unknown_commune_is_refused(programme):
    values = person(programme, commune("Kayes"), commune_id=999_999)
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(values)
    assert refused.value.field == "commune_id"
    assert count() == 0


def test_an_unknown_programme_is_refused(programme):
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(person(programme, commune("Kayes"), programme_id=999_999))
    assert refused.value.field == "programme_id"
    assert count() == 0


def test_a_monitor_cannot_register_someone_in_a_commune_outside_their_region(programme):
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(person(programme, commune("Mopti")), region("Kayes").id)
    assert refused.value.field == "commune_id"
    assert count() == 0


def test_a_monitor_can_register_someone_in_their_own_region(programme):
    register_beneficiary(person(programme, commune("Kita")), region("Kayes").id)
    assert count() == 1


def test_a_return_date_in_the_future_is_refused_and_nothing_is_saved(programme):
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(person(programme, commune("Kayes"), returned_on=tomorrow))
    assert refused.value.field == "returned_on"
    assert count() == 0


def test_a_return_today_is_accepted(programme):
    register_beneficiary(person(programme, commune("Kayes"), returned_on=date.today()))
    assert count() == 1


def test_a_consent_date_in_the_future_is_refused(programme):
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(person(programme, commune("Kayes"), consent_on=tomorrow))
    assert refused.value.field == "consent_on"
    assert count() == 0


def test_a_birth_year_after_the_return_is_refused(programme):
    with pytest.raises(ServiceError) as refused:
        register_beneficiary(
            person(programme, commune("Kayes"), birth_year=2024, returned_on=date(2023, 1, 1))
        )
    assert refused.value.field == "birth_year"
    assert count() == 0


def test_updating_a_beneficiary_changes_their_record(programme):
    registered = register_beneficiary(person(programme, commune("Kayes")))
    update_beneficiary(
        registered,
        person(
            programme,
            commune("Kita"),
            village_id=village("Sébékoro").id,
            phone="+223 66 00 11 22",
            last_name="Keïta",
        ),
    )
    db.session.expire_all()
    stored = db.session.get(Beneficiary, registered.id)
    assert stored.last_name == "Keïta"
    assert stored.phone == "+223 66 00 11 22"
    assert stored.commune.name == "Kita"
    assert stored.village.name == "Sébékoro"


def test_a_refused_update_leaves_the_stored_record_unchanged(programme):
    registered = register_beneficiary(person(programme, commune("Kayes")))
    with pytest.raises(ServiceError):
        update_beneficiary(
            registered,
            person(
                programme,
                commune("Kayes"),
                last_name="Changed",
                returned_on=date.today() + timedelta(days=30),
            ),
        )
    db.session.expire_all()
    stored = db.session.get(Beneficiary, registered.id)
    assert stored.last_name == "Traoré"
    assert stored.returned_on == date(2023, 3, 14)


def test_a_monitor_cannot_move_a_beneficiary_out_of_their_region(programme):
    kayes = region("Kayes").id
    registered = register_beneficiary(person(programme, commune("Kayes")), kayes)
    with pytest.raises(ServiceError) as refused:
        update_beneficiary(registered, person(programme, commune("Gao")), kayes)
    assert refused.value.field == "commune_id"
    db.session.expire_all()
    assert db.session.get(Beneficiary, registered.id).commune.name == "Kayes"
