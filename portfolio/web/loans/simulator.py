"""Loan simulator: schedule, true cost, usury verdict and affordability, side by side.

Everything is read from the query string (GET): a simulation changes
nothing, so a finance officer can bookmark or share the exact scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from portfolio.domain.loans import InvalidLoanTerms, Simulation, simulate
from portfolio.domain.permissions import Permission
from portfolio.models import LoanProduct, db
from portfolio.reporting.lending import active_products, usury_ceilings
from portfolio.web.access import requires
from portfolio.web.loans import bp
from portfolio.web.loans.charts import comparison_charts
from portfolio.web.loans.forms import IncomeForm, ScenarioForm, show_term_error
from portfolio.web.loans.workbook import schedule_workbook

SCENARIOS = ("a", "b", "c")


@dataclass
class Scenario:
    key: str
    form: ScenarioForm
    simulation: Simulation | None = None


def _scenarios(args: MultiDict) -> tuple[list[Scenario], IncomeForm]:
    products = active_products()
    ceilings = usury_ceilings()
    income = IncomeForm(formdata=args, prefix="biz-")
    income_ok = income.validate() if args else True
    scenarios = []
    for key in SCENARIOS:
        form = ScenarioForm(formdata=args if args else None, prefix=f"{key}-")
        form.load_choices(products)
        scenario = Scenario(key, form)
        # Scenario A is always shown; B and C only once someone fills them.
        if args and form.is_filled() and form.validate() and income_ok:
            try:
                scenario.simulation = simulate(
                    form.terms(),
                    form.lender_type.data,
                    ceilings,
                    income.net_monthly_income_xof.data,
                )
            except InvalidLoanTerms as error:
                show_term_error(form, error)
        scenarios.append(scenario)
    return scenarios, income


def _applied_preset() -> str | None:
    """If a "use this product" button was pressed, the URL with its terms filled in."""
    for key in SCENARIOS:
        if request.args.get(f"{key}-apply"):
            product_id = request.args.get(f"{key}-product_id", "")
            product = db.session.get(LoanProduct, int(product_id)) if product_id.isdigit() else None
            args = request.args.copy()
            args.pop(f"{key}-apply")
            if product is not None:
                form = ScenarioForm(formdata=None, prefix=f"{key}-")
                for name, value in form.product_values(product).items():
                    args[name] = value
            return url_for("loans.simulator", **args.to_dict(flat=False))
    return None


@bp.get("/simulateur")
@requires(Permission.SIMULATE_LOANS)
def simulator():
    if preset_url := _applied_preset():
        return redirect(preset_url)
    scenarios, income = _scenarios(request.args)
    computed = [s for s in scenarios if s.simulation is not None]
    return render_template(
        "loans/simulator.html",
        scenarios=scenarios,
        computed=computed,
        income=income,
        charts=comparison_charts([(s.key.upper(), s.simulation) for s in computed]),
        query=request.args.to_dict(flat=False),
    )


def _one(key: str) -> Scenario:
    if key not in SCENARIOS:
        abort(404)
    scenarios, _income = _scenarios(request.args)
    scenario = next(s for s in scenarios if s.key == key)
    if scenario.simulation is None:
        abort(400)
    return scenario


@bp.get("/simulateur/<key>/echeancier.xlsx")
@requires(Permission.SIMULATE_LOANS)
def schedule_xlsx(key: str):
    scenario = _one(key)
    lender = scenario.form.product_id.data and db.session.get(
        LoanProduct, scenario.form.product_id.data
    )
    return send_file(
        schedule_workbook(scenario.simulation, str(lender) if lender else None),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=_("schedule") + f"-{key}.xlsx",
    )


@bp.get("/simulateur/<key>/imprimer")
@requires(Permission.SIMULATE_LOANS)
def schedule_print(key: str):
    scenario = _one(key)
    lender = scenario.form.product_id.data and db.session.get(
        LoanProduct, scenario.form.product_id.data
    )
    return render_template(
        "loans/print.html",
        s=scenario.simulation,
        lender=lender,
        key=key.upper(),
        query=request.args.to_dict(flat=False),
    )
