"""Budget pages: programmes with their totals, a programme's lines, a line's revisions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.permissions import Permission
from portfolio.models import BudgetLine, Programme, db
from portfolio.reporting.budgets import budget_line, budget_lines, line_revisions, programme_budgets
from portfolio.services.budgets import create_budget_line, revise_budget_line
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import requires
from portfolio.web.budgets import bp
from portfolio.web.budgets.forms import BudgetLineForm, RevisionForm
from portfolio.web.forms import show_service_error
from portfolio.web.labels import label


def instrument_labels() -> dict[str, str]:
    return {i.value: label(i) for i in Instrument}


def _programme(programme_id: int) -> Programme:
    # A hand-typed id beyond 32 bits cannot exist, and SQLite refuses to compare it.
    found = db.session.get(Programme, programme_id) if programme_id < 2**31 else None
    return found or abort(404)


def _line(line_id: int) -> BudgetLine:
    found = db.session.get(BudgetLine, line_id) if line_id < 2**31 else None
    return found or abort(404)


@bp.get("/")
@requires(Permission.VIEW_LEDGER)
def index():
    return render_template("budgets/index.html", programmes=programme_budgets())


@bp.get("/programmes/<int:programme_id>")
@requires(Permission.VIEW_LEDGER)
def programme(programme_id: int):
    return render_template(
        "budgets/programme.html",
        programme=_programme(programme_id),
        lines=budget_lines(programme_id),
        instrument_labels=instrument_labels(),
    )


@bp.route("/programmes/<int:programme_id>/lignes/nouvelle", methods=["GET", "POST"])
@requires(Permission.MANAGE_BUDGETS)
def new_line(programme_id: int):
    programme = _programme(programme_id)
    form = BudgetLineForm()
    if request.method == "GET" and request.args.get("instrument"):
        form.instrument.data = request.args["instrument"]
    if form.validate_on_submit():
        try:
            create_budget_line(
                {
                    "programme_id": programme.id,
                    "instrument": form.instrument.data,
                    "label": form.label.data,
                    "amount_xof": form.amount_xof.data,
                }
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Budget line created."), "success")
            return redirect(url_for("budgets.programme", programme_id=programme.id))
    return render_template("budgets/line_form.html", form=form, programme=programme)


@bp.get("/lignes/<int:line_id>")
@requires(Permission.VIEW_LEDGER)
def line(line_id: int):
    record = _line(line_id)
    return render_template(
        "budgets/line.html",
        line=budget_line(record.id),
        programme=record.programme,
        revisions=line_revisions(record.id),
    )


@bp.route("/lignes/<int:line_id>/revision", methods=["GET", "POST"])
@requires(Permission.MANAGE_BUDGETS)
def revise(line_id: int):
    record = _line(line_id)
    form = RevisionForm()
    if request.method == "GET":
        form.amount_xof.data = record.amount_xof
    if form.validate_on_submit():
        try:
            revise_budget_line(record, form.amount_xof.data, form.reason.data, current_user.id)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Budget line revised."), "success")
            return redirect(url_for("budgets.line", line_id=line_id))
    return render_template(
        "budgets/revise.html", form=form, line=budget_line(record.id), programme=record.programme
    )
