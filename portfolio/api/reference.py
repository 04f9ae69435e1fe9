"""Programmes, sectors and places: what records point to. Short lists, not paginated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Optional

from portfolio.api import bp
from portfolio.api.common import api_requires, created, get_or_404, json_body
from portfolio.api.formdata import query_args, validated
from portfolio.api.listing import ID
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import form_values, record_schema
from portfolio.domain.permissions import Permission
from portfolio.models import Commune, Programme, Region, Sector, Village, db
from portfolio.services.programmes import save_programme, save_sector
from portfolio.web.admin.forms import (
    CommuneForm,
    ProgrammeForm,
    RegionForm,
    SectorForm,
    VillageForm,
)
from portfolio.web.forms import BaseForm

ID_SCHEMA = {"id": {"type": "integer"}}


def _shapes(name: str, form_class: type[FlaskForm]) -> tuple[Shape, Shape]:
    """The record's schema and the `{"items": [...]}` list of it."""

    def one() -> dict[str, Any]:
        return record_schema(form_class, ID_SCHEMA)

    def many() -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"items": {"type": "array", "items": one()}},
            "required": ["items"],
            "additionalProperties": False,
        }

    return Shape(name, one), Shape(f"{name}List", many)


PROGRAMME, PROGRAMMES = _shapes("Programme", ProgrammeForm)
SECTOR, SECTORS = _shapes("Sector", SectorForm)
_, REGIONS = _shapes("Region", RegionForm)
_, COMMUNES = _shapes("Commune", CommuneForm)
_, VILLAGES = _shapes("Village", VillageForm)


class CommuneListArgs(BaseForm):
    region_id = IntegerField(_l("Region"), validators=[Optional(), ID])


class VillageListArgs(BaseForm):
    commune_id = IntegerField(_l("Commune"), validators=[Optional(), ID])


def _to_json(form_class: type[FlaskForm]) -> Callable[[Any], dict[str, Any]]:
    return lambda record: {"id": record.id, **form_values(form_class, record)}


programme_json = _to_json(ProgrammeForm)
sector_json = _to_json(SectorForm)


def _items(form_class: type[FlaskForm], query: sa.Select) -> dict[str, Any]:
    return {"items": [_to_json(form_class)(r) for r in db.session.scalars(query)]}


@bp.get("/programmes")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("List programmes"), PROGRAMMES)
def list_programmes():
    return _items(ProgrammeForm, sa.select(Programme).order_by(Programme.code))


@bp.get("/programmes/<int:programme_id>")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("One programme"), PROGRAMME)
def show_programme(programme_id: int):
    return programme_json(get_or_404(Programme, programme_id))


@bp.post("/programmes")
@api_requires(Permission.MANAGE_PROGRAMMES)
@documented(_l("Create a programme"), PROGRAMME, status=201, body=ProgrammeForm)
def create_programme():
    programme = save_programme(validated(ProgrammeForm, json_body()).data)
    return created(
        programme_json(programme), url_for("api.show_programme", programme_id=programme.id)
    )


@bp.patch("/programmes/<int:programme_id>")
@api_requires(Permission.MANAGE_PROGRAMMES)
@documented(_l("Change some fields of a programme"), PROGRAMME, body=ProgrammeForm, partial=True)
def patch_programme(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    form = validated(ProgrammeForm, json_body(), current=programme)
    return programme_json(save_programme(form.data, programme))


@bp.get("/sectors")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("List sectors"), SECTORS)
def list_sectors():
    return _items(SectorForm, sa.select(Sector).order_by(Sector.code))


@bp.get("/sectors/<int:sector_id>")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("One sector"), SECTOR)
def show_sector(sector_id: int):
    return sector_json(get_or_404(Sector, sector_id))


@bp.post("/sectors")
@api_requires(Permission.MANAGE_REFERENCE_DATA)
@documented(_l("Create a sector"), SECTOR, status=201, body=SectorForm)
def create_sector():
    sector = save_sector(validated(SectorForm, json_body()).data)
    return created(sector_json(sector), url_for("api.show_sector", sector_id=sector.id))


@bp.patch("/sectors/<int:sector_id>")
@api_requires(Permission.MANAGE_REFERENCE_DATA)
@documented(_l("Change some fields of a sector"), SECTOR, body=SectorForm, partial=True)
def patch_sector(sector_id: int):
    sector = get_or_404(Sector, sector_id)
    form = validated(SectorForm, json_body(), current=sector)
    return sector_json(save_sector(form.data, sector))


@bp.get("/regions")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("List regions"), REGIONS)
def list_regions():
    return _items(RegionForm, sa.select(Region).order_by(Region.name))


@bp.get("/communes")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("List communes"), COMMUNES, query=CommuneListArgs)
def list_communes():
    args = query_args(CommuneListArgs)
    query = sa.select(Commune).order_by(Commune.region_id, Commune.name)
    if args.region_id.data:
        query = query.where(Commune.region_id == args.region_id.data)
    return _items(CommuneForm, query)


@bp.get("/villages")
@api_requires(Permission.VIEW_PORTFOLIO)
@documented(_l("List villages"), VILLAGES, query=VillageListArgs)
def list_villages():
    args = query_args(VillageListArgs)
    query = sa.select(Village).order_by(Village.commune_id, Village.name)
    if args.commune_id.data:
        query = query.where(Village.commune_id == args.commune_id.data)
    return _items(VillageForm, query)
