"""Programmes and the reference data an admin maintains: no duplicates, sane dates."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import ProgrammeStatus
from portfolio.models import Commune, Programme, Region, Sector, Village, db
from portfolio.services.programmes import (
    save_commune,
    save_programme,
    save_region,
    save_sector,
    save_village,
)
from portfolio.services.unit_of_work import ServiceError

pytestmark = pytest.mark.usefixtures("reference")


def programme_values(**overrides) -> dict:
    values = {
        "code": "ame-2026",
        "name": "Réinsertion des expulsés",
        "donor": "Association Malienne des Expulsés",
        "currency": "XOF",
        "budget_xof": 250_000_000,
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 12, 31),
        "status": ProgrammeStatus.PLANNED,
    }
    values.update(overrides)
    return values


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def commune_id(name: str) -> int:
    return db.session.scalar(sa.select(Commune.id).where(Commune.name == name))


def test_a_programme_is_saved_with_its_code_in_capitals():
    saved = save_programme(programme_values())
    db.session.expire_all()
    stored = db.session.get(Programme, saved.id)
    assert stored.code == "AME-2026"
    assert stored.budget_xof == 250_000_000
    assert stored.ends_on == date(2027, 12, 31)


def test_a_second_programme_with_the_same_code_is_refused_whatever_its_case():
    save_programme(programme_values(code="AME-2026"))
    with pytest.raises(ServiceError) as refused:
        save_programme(programme_values(code=" ame-2026 ", name="Copy"))
    assert refused.value.field == "code"
    assert count(Programme) == 1


def test_a_programme_keeps_its_own_code_when_edited():
    saved = save_programme(programme_values())
    save_programme(programme_values(name="Réinsertion des expulsés, phase 2"), saved)
    db.session.expire_all()
    assert db.session.get(Programme, saved.id).name == "Réinsertion des expulsés, phase 2"


def test_an_edit_cannot_take_another_programmes_code():
    save_programme(programme_values(code="AME-2026"))
    other = save_programme(programme_values(code="UE-OIM-2017"))
    with pytest.raises(ServiceError) as refused:
        save_programme(programme_values(code="AME-2026"), other)
    assert refused.value.field == "code"
    db.session.expire_all()
    assert db.session.get(Programme, other.id).code == "UE-OIM-2017"


def test_a_programme_ending_before_it_starts_is_refused():
    with pytest.raises(ServiceError) as refused:
        save_programme(programme_values(starts_on=date(2026, 1, 1), ends_on=date(2025, 12, 31)))
    assert refused.value.field == "ends_on"
    assert count(Programme) == 0


def test_a_programme_may_end_on_the_day_it_starts_or_have_no_end_yet():
    save_programme(programme_values(code="ONE-DAY", ends_on=date(2026, 1, 1)))
    save_programme(programme_values(code="OPEN", ends_on=None))
    assert count(Programme) == 2


def test_a_new_region_is_saved_and_a_duplicate_is_refused():
    saved = save_region("  Nioro  ")
    assert saved.name == "Nioro"
    with pytest.raises(ServiceError) as refused:
        save_region("Nioro")
    assert refused.value.field == "name"
    assert db.session.scalar(sa.select(sa.func.count()).where(Region.name == "Nioro")) == 1


def test_renaming_a_region_to_an_existing_name_is_refused():
    with pytest.raises(ServiceError):
        save_region("Kayes", db.session.get(Region, region_id("Gao")))
    db.session.expire_all()
    assert db.session.get(Region, region_id("Gao")) is not None


def test_a_commune_is_unique_within_its_region_but_not_across_regions():
    save_commune({"region_id": region_id("Ségou"), "name": "Markala", "cercle": "Ségou"})
    with pytest.raises(ServiceError) as refused:
        save_commune({"region_id": region_id("Ségou"), "name": " Markala ", "cercle": None})
    assert refused.value.field == "name"

    elsewhere = save_commune({"region_id": region_id("Mopti"), "name": "Markala", "cercle": ""})
    assert elsewhere.cercle is None
    assert db.session.scalar(sa.select(sa.func.count()).where(Commune.name == "Markala")) == 2


def test_a_commune_in_an_unknown_region_is_refused():
    before = count(Commune)
    with pytest.raises(ServiceError) as refused:
        save_commune({"region_id": 999_999, "name": "Nowhere", "cercle": None})
    assert refused.value.field == "region_id"
    assert count(Commune) == before


def test_a_village_is_unique_within_its_commune_but_not_across_communes():
    save_village({"commune_id": commune_id("Kita"), "name": "Kassaro"})
    with pytest.raises(ServiceError) as refused:
        save_village({"commune_id": commune_id("Kita"), "name": "Kassaro"})
    assert refused.value.field == "name"

    save_village({"commune_id": commune_id("Bafoulabé"), "name": "Kassaro"})
    assert db.session.scalar(sa.select(sa.func.count()).where(Village.name == "Kassaro")) == 2


def test_a_village_in_an_unknown_commune_is_refused():
    before = count(Village)
    with pytest.raises(ServiceError) as refused:
        save_village({"commune_id": 999_999, "name": "Nowhere"})
    assert refused.value.field == "commune_id"
    assert count(Village) == before


def test_a_sector_is_saved_with_a_lower_case_code():
    saved = save_sector(
        {"code": " Dyeing ", "name_fr": "Teinture", "name_en": "Dyeing", "seasonal": False}
    )
    assert saved.code == "dyeing"
    assert saved.name("fr") == "Teinture"
    assert saved.name("en") == "Dyeing"


def test_a_sector_with_an_existing_code_is_refused():
    before = count(Sector)
    with pytest.raises(ServiceError) as refused:
        save_sector(
            {"code": "TAILORING", "name_fr": "Couture bis", "name_en": "Sewing", "seasonal": False}
        )
    assert refused.value.field == "code"
    assert count(Sector) == before


def test_seeding_the_reference_data_twice_adds_nothing():
    from portfolio.services.demo import seed_reference_data

    before = (count(Region), count(Commune), count(Village), count(Sector))
    seed_reference_data()
    assert (count(Region), count(Commune), count(Village), count(Sector)) == before
