"""Enterprises and the returnees who run them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import (
    EnterpriseKind,
    EnterpriseStatus,
    MemberRole,
    ProgrammeStatus,
    ReturnKind,
    Sex,
)
from portfolio.models import Commune, Enterprise, EnterpriseMember, Region, Sector, Village, db
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.enterprises import (
    add_member,
    create_enterprise,
    remove_member,
    update_enterprise,
)
from portfolio.services.programmes import save_programme
from portfolio.services.unit_of_work import ServiceError

pytestmark = pytest.mark.usefixtures("reference")


@pytest.fixture
def programme():
    return save_programme(
        {
            "code": "SIDA-OIM-2014",
            "name": "Relèvement des moyens d'existence au Nord",
            "donor": "Sida / OIM",
            "currency": "XOF",
            "budget_xof": 1_500_000_000,
            "starts_on": date(2014, 1, 1),
            "ends_on": None,
            "status": ProgrammeStatus.ACTIVE,
        }
    )


def named(model, name: str):
    column = model.code if model is Sector else model.name
    return db.session.scalar(sa.select(model).where(column == name))


def returnee(programme, commune: str, first_name: str = "Fatoumata", last_name: str = "Cissé"):
    return register_beneficiary(
        {
            "programme_id": programme.id,
            "first_name": first_name,
            "last_name": last_name,
            "sex": Sex.FEMALE,
            "birth_year": 1988,
            "phone": None,
            "commune_id": named(Commune, commune).id,
            "village_id": None,
            "returned_on": date(2015, 6, 1),
            "returned_from": "Algérie",
            "return_kind": ReturnKind.CONFLICT_DISPLACED,
            "woman_head_of_household": False,
            "vulnerability_notes": None,
            "external_case_number": None,
            "consent_on": None,
        }
    )


def business(programme, commune: str = "Kayes", **overrides) -> dict:
    values = {
        "programme_id": programme.id,
        "name": "Savonnerie Cissé",
        "sector_id": named(Sector, "soap_making").id,
        "commune_id": named(Commune, commune).id,
        "village_id": None,
        "started_on": date(2015, 9, 1),
        "status": EnterpriseStatus.ACTIVE,
        "kind": EnterpriseKind.INDIVIDUAL,
        "paid_employees": 1,
        "family_workers": 2,
    }
    values.update(overrides)
    return values


def members_of(enterprise_id: int) -> list[tuple[str, MemberRole]]:
    db.session.expire_all()
    enterprise = db.session.get(Enterprise, enterprise_id)
    return [(m.beneficiary.first_name, m.role) for m in enterprise.members]


def enterprise_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Enterprise.id)))


def test_an_individual_enterprise_starts_with_its_owner(programme):
    owner = returnee(programme, "Kayes")
    made = create_enterprise(business(programme), owner.id)

    assert members_of(made.id) == [("Fatoumata", MemberRole.OWNER)]
    stored = db.session.get(Enterprise, made.id)
    assert stored.name == "Savonnerie Cissé"
    assert stored.jobs == 4  # the owner, one employee, two family workers


def test_a_collective_enterprise_starts_with_its_president(programme):
    lead = returnee(programme, "Kayes")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)
    assert members_of(made.id) == [("Fatoumata", MemberRole.PRESIDENT)]


def test_an_unknown_owner_is_refused_and_no_enterprise_is_created(programme):
    with pytest.raises(ServiceError):
        create_enterprise(business(programme), 999_999)
    assert enterprise_count() == 0


def test_an_unknown_sector_is_refused(programme):
    owner = returnee(programme, "Kayes")
    with pytest.raises(ServiceError) as refused:
        create_enterprise(business(programme, sector_id=999_999), owner.id)
    assert refused.value.field == "sector_id"
    assert enterprise_count() == 0


def test_a_village_outside_the_commune_is_refused(programme):
    owner = returnee(programme, "Kayes")
    with pytest.raises(ServiceError) as refused:
        create_enterprise(business(programme, village_id=named(Village, "Sévaré").id), owner.id)
    assert refused.value.field == "village_id"
    assert enterprise_count() == 0


def test_a_monitor_cannot_create_an_enterprise_outside_their_region(programme):
    owner = returnee(programme, "Gao")
    with pytest.raises(ServiceError) as refused:
        create_enterprise(business(programme, "Gao"), owner.id, named(Region, "Kayes").id)
    assert refused.value.field == "commune_id"
    assert enterprise_count() == 0


def test_a_monitor_cannot_make_someone_from_another_region_the_owner(programme):
    stranger = returnee(programme, "Gao")
    with pytest.raises(ServiceError):
        create_enterprise(business(programme, "Kita"), stranger.id, named(Region, "Kayes").id)
    assert enterprise_count() == 0


def test_members_can_be_added_to_and_removed_from_a_collective(programme):
    lead = returnee(programme, "Kayes", "Awa")
    second = returnee(programme, "Kayes", "Hawa")
    third = returnee(programme, "Kayes", "Oumou")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)

    add_member(made, second.id, MemberRole.TREASURER)
    member = add_member(made, third.id, "member")
    assert members_of(made.id) == [
        ("Awa", MemberRole.PRESIDENT),
        ("Hawa", MemberRole.TREASURER),
        ("Oumou", MemberRole.MEMBER),
    ]

    remove_member(db.session.get(Enterprise, made.id), member.id)
    assert members_of(made.id) == [("Awa", MemberRole.PRESIDENT), ("Hawa", MemberRole.TREASURER)]
    assert db.session.get(Enterprise, made.id).jobs == 2 + 1 + 2


def test_the_same_person_cannot_join_a_collective_twice(programme):
    lead = returnee(programme, "Kayes")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)
    with pytest.raises(ServiceError):
        add_member(made, lead.id, MemberRole.MEMBER)
    assert len(members_of(made.id)) == 1


def test_the_last_member_cannot_be_removed(programme):
    owner = returnee(programme, "Kayes")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), owner.id)
    only = made.members[0]
    with pytest.raises(ServiceError):
        remove_member(made, only.id)
    assert members_of(made.id) == [("Fatoumata", MemberRole.PRESIDENT)]


def test_removing_an_unknown_member_is_refused(programme):
    lead = returnee(programme, "Kayes", "Awa")
    other = returnee(programme, "Kayes", "Hawa")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)
    add_member(made, other.id, MemberRole.MEMBER)
    with pytest.raises(ServiceError):
        remove_member(made, 999_999)
    assert len(members_of(made.id)) == 2


def test_an_individual_enterprise_cannot_get_a_second_member(programme):
    owner = returnee(programme, "Kayes", "Awa")
    other = returnee(programme, "Kayes", "Hawa")
    made = create_enterprise(business(programme), owner.id)
    with pytest.raises(ServiceError):
        add_member(made, other.id, MemberRole.MEMBER)
    assert members_of(made.id) == [("Awa", MemberRole.OWNER)]


def test_a_monitor_cannot_add_a_member_from_another_region(programme):
    lead = returnee(programme, "Kayes", "Awa")
    stranger = returnee(programme, "Gao", "Hawa")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)
    with pytest.raises(ServiceError):
        add_member(made, stranger.id, MemberRole.MEMBER, named(Region, "Kayes").id)
    assert len(members_of(made.id)) == 1


def test_an_enterprise_with_several_members_cannot_become_individual(programme):
    lead = returnee(programme, "Kayes", "Awa")
    other = returnee(programme, "Kayes", "Hawa")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)
    add_member(made, other.id, MemberRole.MEMBER)
    with pytest.raises(ServiceError) as refused:
        update_enterprise(made, business(programme, kind=EnterpriseKind.INDIVIDUAL))
    assert refused.value.field == "kind"
    db.session.expire_all()
    assert db.session.get(Enterprise, made.id).kind is EnterpriseKind.COLLECTIVE


def test_updating_an_enterprise_changes_its_record(programme):
    owner = returnee(programme, "Kayes")
    made = create_enterprise(business(programme), owner.id)
    update_enterprise(
        made,
        business(
            programme,
            "Kita",
            name="  Savonnerie de Kita ",
            status=EnterpriseStatus.TEMPORARILY_CLOSED,
            paid_employees=3,
        ),
    )
    db.session.expire_all()
    stored = db.session.get(Enterprise, made.id)
    assert stored.name == "Savonnerie de Kita"
    assert stored.commune.name == "Kita"
    assert stored.status is EnterpriseStatus.TEMPORARILY_CLOSED
    assert stored.paid_employees == 3


def test_a_monitor_cannot_move_an_enterprise_out_of_their_region(programme):
    kayes = named(Region, "Kayes").id
    owner = returnee(programme, "Kayes")
    made = create_enterprise(business(programme), owner.id, kayes)
    with pytest.raises(ServiceError):
        update_enterprise(made, business(programme, "Mopti", name="Moved"), kayes)
    db.session.expire_all()
    stored = db.session.get(Enterprise, made.id)
    assert (stored.name, stored.commune.name) == ("Savonnerie Cissé", "Kayes")


def test_removing_a_member_deletes_only_the_membership_not_the_person(programme):
    lead = returnee(programme, "Kayes", "Awa")
    other = returnee(programme, "Kayes", "Hawa")
    made = create_enterprise(business(programme, kind=EnterpriseKind.COLLECTIVE), lead.id)
    member = add_member(made, other.id, MemberRole.MEMBER)
    remove_member(made, member.id)
    assert db.session.get(EnterpriseMember, member.id) is None
    assert db.session.get(type(other), other.id) is not None
