"""Routes of the visits blueprint: "Mes visites", the visit form, a visit, its photo."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portfolio.domain.monitoring.vocabulary import KitItemCondition
from portfolio.domain.permissions import Permission
from portfolio.models import Beneficiary, Commune, Enterprise, Region, Village, db
from portfolio.reporting.enterprises import lead_value
from portfolio.reporting.visits import (
    TABS,
    PlanFilter,
    active_monitors,
    enterprise_visits,
    open_planned,
    plan_counts,
    plan_page,
    plan_rows,
    visit_detail,
)
from portfolio.services.audit import record_event
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.visit_plan import reassign_planned_visits
from portfolio.services.visits import (
    DuplicateVisit,
    delivered_items,
    first_support_on,
    photo_path,
    record_visit,
    scoped_enterprise,
)
from portfolio.web import listing
from portfolio.web.access import region_scope, requires, user_can
from portfolio.web.fields import region_choices
from portfolio.web.forms import show_service_error
from portfolio.web.labels import choices
from portfolio.web.visits import bp
from portfolio.web.visits.forms import (
    DIMENSION_TITLES,
    ReassignForm,
    VisitForm,
    questions_by_dimension,
)

MAX_ID = 2**31 - 1
_int_arg = listing._int_arg


def _plan_filter() -> PlanFilter:
    tab = request.args.get("tab") or "todo"
    scope = region_scope()
    monitor_arg = request.args.get("monitor")
    if monitor_arg is None and scope is not None:
        monitor_id: int | None = current_user.id  # a monitor starts on their own visits
    elif monitor_arg == "0":
        monitor_id = 0
    else:
        monitor_id = _int_arg("monitor")
    return PlanFilter(
        tab=tab if tab in TABS else "todo",
        monitor_id=monitor_id,
        region_id=_int_arg("region_id") if scope is None else None,
        q=(request.args.get("q") or "").replace("\x00", "")[:100] or None,
        scope_region_id=scope,
    )


def _monitor_options() -> list[tuple[int, str, int | None]]:
    return active_monitors(region_scope())


@bp.get("/")
@requires(Permission.VIEW_MONITORING)
def index():
    f = _plan_filter()
    page, per_page = listing.page_args()
    can_plan = user_can(Permission.PLAN_VISITS)
    return render_template(
        "visits/index.html",
        f=f,
        counts=plan_counts(f),
        page=plan_page(f, page, per_page),
        monitors=_monitor_options(),
        regions=region_choices() if region_scope() is None else [],
        reassign_form=ReassignForm() if can_plan else None,
        today=date.today(),
    )


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    f = _plan_filter()
    # The plan names owners and their phones: bulk exports are recorded.
    record_event(
        "export", "planned_visit", {"format": fmt, "filters": request.query_string.decode()[:500]}
    )
    header = [
        _("Enterprise"),
        _("Village"),
        _("Commune"),
        _("Region"),
        _("Owner"),
        _("Phone"),
        _("Visit no."),
        _("Due on"),
        _("Days overdue"),
        _("Monitor"),
        _("Visited on"),
    ]
    rows = (
        [
            r.enterprise_name,
            r.village,
            r.commune,
            r.region,
            r.owner_name,
            r.owner_phone,
            r.sequence,
            r.due_on,
            r.days_overdue,
            r.assigned_to,
            r.visited_on,
        ]
        for r in plan_rows(f)
    )
    return listing.table_response("visites", header, rows, fmt)


@bp.post("/plan/reassign")
@requires(Permission.PLAN_VISITS)
def reassign():
    form = ReassignForm()
    back = request.form.get("next") or url_for("visits.index")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("visits.index")
    if not form.validate_on_submit():
        flash(_("Choose the visits and the monitor to give them to."), "error")
        return redirect(back)
    try:
        changed = reassign_planned_visits(
            form.planned.data or [], form.monitor_id.data, region_id=region_scope()
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d planned visits reassigned.", count=changed), "success")
    return redirect(back)


def _enterprise_header(enterprise_id: int) -> sa.Row | None:
    """Where the enterprise is and whom to call, for the top of the form."""
    query = (
        sa.select(
            Commune.name.label("commune"),
            Region.name.label("region"),
            Village.name.label("village"),
            lead_value(Beneficiary.first_name + " " + Beneficiary.last_name).label("owner_name"),
            lead_value(Beneficiary.phone).label("owner_phone"),
        )
        .select_from(Enterprise)
        .join(Commune, Enterprise.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .outerjoin(Village, Enterprise.village_id == Village.id)
        .where(Enterprise.id == enterprise_id)
    )
    return db.session.execute(query).first()


def _kit_conditions(items) -> dict[int, str]:
    return {item.id: request.form.get(f"kit_{item.id}", "") for item in items}


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.RECORD_VISITS)
def new():
    enterprise_id = _int_arg("enterprise") or (
        request.form.get("enterprise_id", type=int) if request.method == "POST" else None
    )
    if not enterprise_id or enterprise_id > MAX_ID:
        flash(_("Choose the enterprise to visit from your list."), "warning")
        return redirect(url_for("visits.index"))
    enterprise = scoped_enterprise(enterprise_id, region_scope())
    if enterprise is None:
        abort(404)
    items = delivered_items(enterprise.id)
    if request.method == "GET":
        form = VisitForm(
            data={
                "enterprise_id": enterprise.id,
                "visited_on": date.today(),
                "owner_present": True,
                "instance_id": f"web:{uuid4()}",
                "paid_employees": enterprise.paid_employees,
                "family_workers": enterprise.family_workers,
            }
        )
        conditions: dict[int, str] = {}
    else:
        form = VisitForm()
        conditions = _kit_conditions(items)
        if form.validate_on_submit():
            photo = form.photo.data.read() if form.photo.data else None
            try:
                visit = record_visit(
                    form.values(),
                    recorded_by_id=current_user.id,
                    region_id=region_scope(),
                    problems=form.problems.data or [],
                    kit_conditions=conditions,
                    photo=photo or None,
                    instance_id=form.instance_id.data or None,
                )
            except DuplicateVisit as duplicate:
                flash(_("This visit was already recorded; here it is."), "warning")
                return redirect(url_for("visits.show", visit_id=duplicate.visit.id, saved=1))
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(_("Visit recorded."), "success")
                return redirect(url_for("visits.show", visit_id=visit.id, saved=1))
    planned = open_planned(enterprise.id)
    return render_template(
        "visits/new.html",
        form=form,
        enterprise=enterprise,
        header=_enterprise_header(enterprise.id),
        first_support=first_support_on(enterprise.id),
        planned=planned[0] if planned else None,
        items=items,
        conditions=conditions,
        condition_choices=choices(KitItemCondition),
        kit_error=form.errors.get("kit_items"),
        dimensions=questions_by_dimension(),
    )


def _detail_or_404(visit_id: int):
    if visit_id > MAX_ID:
        abort(404)
    return visit_detail(visit_id, region_scope()) or abort(404)


@bp.get("/<int:visit_id>")
@requires(Permission.VIEW_MONITORING)
def show(visit_id: int):
    detail = _detail_or_404(visit_id)
    return render_template(
        "visits/show.html",
        d=detail,
        v=detail.visit,
        saved=request.args.get("saved") == "1",
        dimensions=questions_by_dimension(),
        dimension_titles=DIMENSION_TITLES,
    )


@bp.get("/<int:visit_id>/photo")
@requires(Permission.VIEW_MONITORING)
def photo(visit_id: int) -> Response:
    visit = _detail_or_404(visit_id).visit
    path = photo_path(visit.photo_file or "")
    if path is None or visit.photo_content_type not in {"image/jpeg", "image/png", "image/webp"}:
        abort(404)
    response = send_file(path, mimetype=visit.photo_content_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.app_template_global("enterprise_visits")
def enterprise_visits_panel(enterprise_id: int) -> dict | None:
    """What the enterprise page shows of its visits (None when the user may not see them)."""
    if not user_can(Permission.VIEW_MONITORING):
        return None
    if scoped_enterprise(enterprise_id, region_scope()) is None:
        return None
    return {
        "visits": enterprise_visits(enterprise_id),
        "planned": open_planned(enterprise_id),
        "first_support": first_support_on(enterprise_id),
    }
