"""POST /api/v1/loan-simulations: the simulator's engine, JSON in and JSON out."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.api import bp
from portfolio.api.common import ApiError, api_requires, json_body
from portfolio.api.formdata import validated
from portfolio.api.openapi import Shape, documented
from portfolio.domain.loans import InvalidLoanTerms, simulate, simulation_as_dict
from portfolio.domain.permissions import Permission
from portfolio.reporting.lending import usury_ceilings
from portfolio.web.fields import EMPTY, MoneyField
from portfolio.web.loans.forms import TERM_ERRORS, ScenarioForm


class LoanSimulationForm(ScenarioForm):
    """The page's scenario form (same rules, same messages) plus the business's income."""

    net_monthly_income_xof = MoneyField(_l("Net monthly income of the business (FCFA)"))

    def load_choices(self, products=()) -> LoanSimulationForm:
        # Presets are a page convenience; an API client sends the terms themselves.
        self.product_id.choices = [EMPTY]
        return self


_INT = {"type": "integer"}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
SIMULATION = Shape(
    "LoanSimulation",
    lambda: {
        "type": "object",
        "description": "Amounts in whole francs CFA; rates in percent per year.",
        "properties": {
            "schedule": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "n": _INT,
                        "due_on": {"type": "string", "format": "date"},
                        "principal": _INT,
                        "interest": _INT,
                        "fee": _INT,
                        "savings": _INT,
                        "total": _INT,
                        "balance": _INT,
                    },
                    "required": [
                        "n",
                        "due_on",
                        "principal",
                        "interest",
                        "fee",
                        "savings",
                        "total",
                        "balance",
                    ],
                },
            },
            **{
                name: _INT
                for name in (
                    "amount",
                    "upfront_fee",
                    "savings_withheld",
                    "total_interest",
                    "fees",
                    "net_disbursed",
                    "total_cost",
                    "total_repaid",
                )
            },
            "apr": _NUMBER_OR_NULL,
            "eir": _NUMBER_OR_NULL,
            "usury": {
                "type": "object",
                "properties": {
                    "lender_type": {"type": "string"},
                    "contract_on": {"type": "string"},
                    "ceiling": _NUMBER_OR_NULL,
                    "exceeds": {"type": "boolean"},
                    "excess_points": _NUMBER_OR_NULL,
                },
            },
            "affordability": {
                "type": ["object", "null"],
                "properties": {
                    "net_monthly_income": _INT,
                    "monthly_instalment": _INT,
                    "dscr": {"type": "number"},
                    "verdict": {"enum": ["fine", "tight", "not_carried"]},
                    "max_amount": _INT,
                },
            },
        },
        "required": ["schedule", "total_interest", "fees", "net_disbursed", "apr", "eir", "usury"],
    },
)


@bp.post("/loan-simulations")
@api_requires(Permission.SIMULATE_LOANS)
@documented(
    _l("Simulate a loan: schedule, true cost, usury and affordability"),
    SIMULATION,
    body=LoanSimulationForm,
)
def simulate_loan():
    form = validated(LoanSimulationForm, json_body(), prepare=lambda f: f.load_choices())
    try:
        terms = form.terms()
        simulation = simulate(
            terms, form.lender_type.data, usury_ceilings(), form.net_monthly_income_xof.data
        )
    except InvalidLoanTerms as error:
        field, message = TERM_ERRORS.get(error.field, ("amount_xof", None))
        message = str(message or _("These terms do not make a loan."))
        raise ApiError(422, _("Some fields are not valid."), {field: [message]}) from None
    body: dict[str, Any] = simulation_as_dict(simulation)
    return body
