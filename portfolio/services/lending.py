"""Lenders, loan products and usury ceilings: reference data for loans."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.loans import InvalidLoanTerms, LoanTerms
from portfolio.models import Lender, LoanProduct, UsuryCeiling, db
from portfolio.services.unit_of_work import ServiceError, unit_of_work

PRODUCT_TERMS = (
    "method",
    "annual_rate",
    "frequency",
    "instalments",
    "grace_principal_periods",
    "grace_interest",
    "upfront_fee_rate",
    "upfront_fee_xof",
    "savings_upfront_rate",
    "savings_per_instalment_xof",
    "savings_annual_rate",
    "rounding_multiple",
)


def save_lender(values: dict[str, Any], lender: Lender | None = None) -> Lender:
    with unit_of_work() as session:
        name = values["name"].strip()
        clash = session.scalar(
            sa.select(Lender.id).where(
                Lender.name == name, Lender.id != (lender.id if lender else 0)
            )
        )
        if clash is not None:
            raise ServiceError(_("Another lender has this name."), "name")
        lender = lender or Lender()
        lender.name, lender.lender_type = name, values["lender_type"]
        lender.active = bool(values.get("active", True))
        session.add(lender)
    return lender


def save_loan_product(values: dict[str, Any], product: LoanProduct | None = None) -> LoanProduct:
    """Products must be loans the engine can compute: checked with a sample amount."""
    terms = {field: values[field] for field in PRODUCT_TERMS}
    try:
        LoanTerms(amount_xof=100_000, disbursed_on=date.today(), **terms)
    except InvalidLoanTerms as error:
        raise ServiceError(
            _("These terms are not a valid loan (%(field)s).", field=error.field), error.field
        ) from None
    with unit_of_work() as session:
        if db.session.get(Lender, values["lender_id"]) is None:
            raise ServiceError(_("Unknown lender."), "lender_id")
        name = values["name"].strip()
        clash = session.scalar(
            sa.select(LoanProduct.id).where(
                LoanProduct.lender_id == values["lender_id"],
                LoanProduct.name == name,
                LoanProduct.id != (product.id if product else 0),
            )
        )
        if clash is not None:
            raise ServiceError(_("This lender already has a product with this name."), "name")
        product = product or LoanProduct()
        product.lender_id, product.name = values["lender_id"], name
        product.active = bool(values.get("active", True))
        for field, value in terms.items():
            setattr(product, field, value)
        session.add(product)
    return product


def save_usury_ceiling(values: dict[str, Any], ceiling: UsuryCeiling | None = None) -> UsuryCeiling:
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ServiceError(_("The end date is before the start date."), "valid_to")
    with unit_of_work() as session:
        ceiling = ceiling or UsuryCeiling()
        ceiling.lender_type, ceiling.rate = values["lender_type"], values["rate"]
        ceiling.valid_from, ceiling.valid_to = valid_from, valid_to
        ceiling.source = (values.get("source") or "").strip() or None
        session.add(ceiling)
    return ceiling
