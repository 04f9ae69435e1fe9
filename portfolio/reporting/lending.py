"""Reads for the loan simulator and the lending reference pages."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.loans import UsuryCeiling as Ceiling
from portfolio.models import Lender, LoanProduct, UsuryCeiling, db


def usury_ceilings() -> list[Ceiling]:
    """Every recorded ceiling, as the domain's value objects."""
    rows = db.session.scalars(sa.select(UsuryCeiling))
    return [
        Ceiling(row.lender_type, row.rate, row.valid_from or date.min, row.valid_to) for row in rows
    ]


def active_products() -> list[LoanProduct]:
    return list(
        db.session.scalars(
            sa.select(LoanProduct)
            .join(Lender, LoanProduct.lender_id == Lender.id)
            .where(LoanProduct.active, Lender.active)
            .options(so.joinedload(LoanProduct.lender))
            .order_by(Lender.name, LoanProduct.name)
        )
    )
