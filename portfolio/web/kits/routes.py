"""Kit handovers: the list, one handover, its printable certificate, recording, reversing."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.permissions import Permission
from portfolio.models import BudgetLine, Enterprise, KitTemplate, KitTemplateItem, db
from portfolio.reporting.kits import delivery_detail, delivery_page
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.kits import record_kit_delivery, reverse_kit_delivery
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires
from portfolio.web.fields import programme_choices, region_choices, sector_choices
from portfolio.web.forms import show_service_error
from portfolio.web.kits import bp
from portfolio.web.kits.forms import (
    DeliveryFilterForm,
    DeliveryForm,
    HandoverStartForm,
    ReversalForm,
    add_spare_rows,
    items_data,
    kit_filter,
    template_choices,
)
from portfolio.web.listing import page_args


def _detail_or_404(delivery_id: int):
    if delivery_id > 2**31 - 1:
        abort(404)
    return delivery_detail(delivery_id, region_scope()) or abort(404)


@bp.get("/")
@requires(Permission.VIEW_LEDGER)
def index():
    filters = DeliveryFilterForm(formdata=request.args, meta={"csrf": False})
    filters.validate()  # a hand-edited, invalid filter is ignored rather than an error page
    page, per_page = page_args()
    return render_template(
        "kits/index.html",
        page=delivery_page(kit_filter(filters, region_scope()), page, per_page),
        filters=filters,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        sectors=sector_choices(),
        templates=template_choices(active_only=False),
    )


@bp.get("/remises/<int:delivery_id>")
@requires(Permission.VIEW_LEDGER)
def show(delivery_id: int):
    return render_template(
        "kits/show.html", kit=_detail_or_404(delivery_id), reversal_form=ReversalForm()
    )


@bp.get("/remises/<int:delivery_id>/proces-verbal")
@requires(Permission.VIEW_LEDGER)
def certificate(delivery_id: int):
    kit = _detail_or_404(delivery_id)
    # The signed paper goes into a Malian file: French whatever the screen's language.
    with force_locale("fr"):
        return render_template("kits/certificate.html", kit=kit)


def _enterprise(enterprise_id: int | None) -> Enterprise | None:
    if not enterprise_id:
        return None
    return db.session.get(Enterprise, enterprise_id)


def _starting_point(start: HandoverStartForm) -> tuple[Enterprise | None, int | None]:
    """The enterprise and kit chosen at the first step; the kit defaults to its trade's."""
    if not request.args or not start.validate():
        return None, None
    enterprise = _enterprise(start.enterprise_id.data)
    if enterprise is None:
        start.enterprise_id.errors.append(_("No enterprise has this number."))
        return None, None
    template_id = start.template_id.data or db.session.scalar(
        sa.select(KitTemplate.id)
        .where(KitTemplate.sector_id == enterprise.sector_id, KitTemplate.active)
        .order_by(KitTemplate.name)
        .limit(1)
    )
    start.template_id.data = template_id  # show which kit the items come from
    return enterprise, template_id


def _prefilled(enterprise: Enterprise, template_id: int | None) -> DeliveryForm:
    """The handover form filled from the kit's catalogue items, ready to be corrected."""
    items = db.session.execute(
        sa.select(KitTemplateItem.name, KitTemplateItem.quantity, KitTemplateItem.unit_cost_xof)
        .where(KitTemplateItem.template_id == (template_id or 0))
        .order_by(KitTemplateItem.id)
    ).all()
    lines = db.session.scalars(
        sa.select(BudgetLine.id).where(
            BudgetLine.programme_id == enterprise.programme_id,
            BudgetLine.instrument == Instrument.KIT,
        )
    ).all()
    return DeliveryForm(
        data={
            "enterprise_id": enterprise.id,
            "template_id": template_id,
            "budget_line_id": lines[0] if len(lines) == 1 else None,
            "delivered_on": date.today(),
            "items": [dict(item._mapping) for item in items],
            # Made once per form shown: a second submission of this page is recognised.
            "idempotency_key": uuid4().hex,
        }
    )


@bp.route("/remises/nouvelle", methods=["GET", "POST"])
@requires(Permission.RECORD_LEDGER)
def new():
    start = HandoverStartForm(formdata=request.args, meta={"csrf": False}).load_choices()
    if request.method == "GET":
        enterprise, template_id = _starting_point(start)
        form = _prefilled(enterprise, template_id) if enterprise else DeliveryForm()
        form.load_choices()
    else:
        form = DeliveryForm().load_choices()
        if form.validate_on_submit():
            try:
                delivery = record_kit_delivery(
                    form.values(),
                    items_data(form.items),
                    recorded_by_id=current_user.id,
                    idempotency_key=form.idempotency_key.data or None,
                )
            except DuplicateSubmission as duplicate:
                flash(_("This handover was already recorded; here it is."), "warning")
                delivery_id = duplicate.entry.kit_delivery_id
                if delivery_id is None:
                    return redirect(url_for("kits.index"))
                return redirect(url_for("kits.show", delivery_id=delivery_id))
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(_("Kit handover recorded."), "success")
                return redirect(url_for("kits.show", delivery_id=delivery.id))
        no_errors = not form.enterprise_id.errors
        enterprise = _enterprise(form.enterprise_id.data) if no_errors else None
    add_spare_rows(form.items, 3 if form.items.entries else 6)
    template_id = None if form.template_id.errors else form.template_id.data
    template = db.session.get(KitTemplate, template_id) if template_id else None
    return render_template(
        "kits/new.html", start=start, form=form, enterprise=enterprise, template=template
    )


@bp.post("/remises/<int:delivery_id>/annulation")
@requires(Permission.RECORD_LEDGER)
def reverse(delivery_id: int):
    kit = _detail_or_404(delivery_id)
    form = ReversalForm()
    if form.validate_on_submit():
        try:
            reverse_kit_delivery(kit.id, form.reason.data, current_user.id)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Handover reversed: its value no longer counts on the budget line."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    return redirect(url_for("kits.show", delivery_id=kit.id))


from portfolio.web.kits import catalogue  # noqa: E402,F401  (the catalogue's routes)
