"""Programmes and the reference data (places, sectors) an admin maintains."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.models import Commune, Programme, Region, Sector, Village, db
from portfolio.services.unit_of_work import ServiceError, unit_of_work


def _unique(model, column: str, value: Any, own_id: int | None, message: str, **scope) -> None:
    query = sa.select(model.id).where(getattr(model, column) == value)
    for key, scoped in scope.items():
        query = query.where(getattr(model, key) == scoped)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if db.session.scalar(query) is not None:
        raise ServiceError(message, column)


def save_programme(values: dict[str, Any], programme: Programme | None = None) -> Programme:
    with unit_of_work() as session:
        code = values["code"].strip().upper()
        _unique(
            Programme,
            "code",
            code,
            programme and programme.id,
            _("Another programme already has this code."),
        )
        if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
            raise ServiceError(_("The end date is before the start date."), "ends_on")
        programme = programme or Programme()
        for field in ("name", "donor", "currency", "budget_xof", "starts_on", "ends_on", "status"):
            setattr(programme, field, values[field])
        programme.code = code
        session.add(programme)
    return programme


def save_region(name: str, region: Region | None = None) -> Region:
    with unit_of_work() as session:
        name = name.strip()
        _unique(Region, "name", name, region and region.id, _("This region already exists."))
        region = region or Region()
        region.name = name
        session.add(region)
    return region


def save_commune(values: dict[str, Any], commune: Commune | None = None) -> Commune:
    with unit_of_work() as session:
        if db.session.get(Region, values["region_id"]) is None:
            raise ServiceError(_("Unknown region."), "region_id")
        name = values["name"].strip()
        _unique(
            Commune,
            "name",
            name,
            commune and commune.id,
            _("This commune already exists in the region."),
            region_id=values["region_id"],
        )
        commune = commune or Commune()
        commune.name, commune.region_id = name, values["region_id"]
        commune.cercle = (values.get("cercle") or "").strip() or None
        session.add(commune)
    return commune


def save_village(values: dict[str, Any], village: Village | None = None) -> Village:
    with unit_of_work() as session:
        if db.session.get(Commune, values["commune_id"]) is None:
            raise ServiceError(_("Unknown commune."), "commune_id")
        name = values["name"].strip()
        _unique(
            Village,
            "name",
            name,
            village and village.id,
            _("This village already exists in the commune."),
            commune_id=values["commune_id"],
        )
        village = village or Village()
        village.name, village.commune_id = name, values["commune_id"]
        session.add(village)
    return village


def save_sector(values: dict[str, Any], sector: Sector | None = None) -> Sector:
    with unit_of_work() as session:
        code = values["code"].strip().lower()
        _unique(Sector, "code", code, sector and sector.id, _("Another sector has this code."))
        sector = sector or Sector()
        sector.code = code
        sector.name_fr, sector.name_en = values["name_fr"].strip(), values["name_en"].strip()
        sector.seasonal = bool(values.get("seasonal"))
        session.add(sector)
    return sector
