"""Checks shared by every record that sits in a place and a programme."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.models import Commune, Programme, Sector, Village, db
from portfolio.services.unit_of_work import ServiceError


def check_place(commune_id: int, village_id: int | None, scope_region_id: int | None) -> None:
    commune = db.session.get(Commune, commune_id)
    if commune is None:
        raise ServiceError(_("Unknown commune."), "commune_id")
    if scope_region_id is not None and commune.region_id != scope_region_id:
        raise ServiceError(_("This commune is outside your region."), "commune_id")
    if village_id is not None:
        village = db.session.get(Village, village_id)
        if village is None or village.commune_id != commune_id:
            raise ServiceError(_("This village is not in the chosen commune."), "village_id")


def check_programme(programme_id: int) -> None:
    if db.session.get(Programme, programme_id) is None:
        raise ServiceError(_("Unknown programme."), "programme_id")


def check_sector(sector_id: int) -> None:
    if db.session.get(Sector, sector_id) is None:
        raise ServiceError(_("Unknown sector."), "sector_id")
