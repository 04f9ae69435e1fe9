"""Reference data: places (region > commune > village) and sectors."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.models import Commune, Region, Sector, Village, db
from portfolio.services.programmes import save_commune, save_region, save_sector, save_village
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import requires
from portfolio.web.admin import bp
from portfolio.web.admin.forms import CommuneForm, RegionForm, SectorForm, VillageForm
from portfolio.web.fields import commune_choices, region_choices
from portfolio.web.forms import show_service_error


@bp.get("/lieux")
@requires(Permission.MANAGE_REFERENCE_DATA)
def places():
    rows = db.session.execute(
        sa.select(
            Region.id.label("region_id"),
            Region.name.label("region"),
            Commune.id.label("commune_id"),
            Commune.name.label("commune"),
            Commune.cercle,
            sa.func.count(Village.id).label("villages"),
        )
        .outerjoin(Commune, Commune.region_id == Region.id)
        .outerjoin(Village, Village.commune_id == Commune.id)
        .group_by(Region.id, Region.name, Commune.id, Commune.name, Commune.cercle)
        .order_by(Region.name, Commune.name)
    ).all()
    villages = db.session.execute(
        sa.select(Village.id, Village.name, Commune.name.label("commune"))
        .join(Commune, Village.commune_id == Commune.id)
        .order_by(Commune.name, Village.name)
    ).all()
    return render_template("admin/places.html", rows=rows, villages=villages)


def _save(form, saver, record, title: str):
    if form.validate_on_submit():
        try:
            saver(form.data, record)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.places"))
    return render_template("admin/form.html", form=form, title=title, back=url_for("admin.places"))


@bp.route("/lieux/regions/nouvelle", methods=["GET", "POST"], defaults={"region_id": None})
@bp.route("/lieux/regions/<int:region_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_region(region_id: int | None):
    region = db.session.get(Region, region_id) or abort(404) if region_id else None
    return _save(
        RegionForm(obj=region),
        lambda data, r: save_region(data["name"], r),
        region,
        region.name if region else _("New region"),
    )


@bp.route("/lieux/communes/nouvelle", methods=["GET", "POST"], defaults={"commune_id": None})
@bp.route("/lieux/communes/<int:commune_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_commune(commune_id: int | None):
    commune = db.session.get(Commune, commune_id) or abort(404) if commune_id else None
    form = CommuneForm(obj=commune)
    form.region_id.choices = region_choices()
    return _save(form, save_commune, commune, commune.name if commune else _("New commune"))


@bp.route("/lieux/villages/nouveau", methods=["GET", "POST"], defaults={"village_id": None})
@bp.route("/lieux/villages/<int:village_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_village(village_id: int | None):
    village = db.session.get(Village, village_id) or abort(404) if village_id else None
    form = VillageForm(obj=village)
    form.commune_id.choices = commune_choices()
    return _save(form, save_village, village, village.name if village else _("New village"))


@bp.get("/secteurs")
@requires(Permission.MANAGE_REFERENCE_DATA)
def sectors():
    rows = db.session.scalars(sa.select(Sector).order_by(Sector.name_fr)).all()
    return render_template("admin/sectors.html", sectors=rows)


@bp.route("/secteurs/nouveau", methods=["GET", "POST"], defaults={"sector_id": None})
@bp.route("/secteurs/<int:sector_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_sector(sector_id: int | None):
    sector = db.session.get(Sector, sector_id) or abort(404) if sector_id else None
    form = SectorForm(obj=sector)
    if form.validate_on_submit():
        try:
            save_sector(form.data, sector)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.sectors"))
    return render_template(
        "admin/form.html",
        form=form,
        title=sector.name_fr if sector else _("New sector"),
        back=url_for("admin.sectors"),
    )
