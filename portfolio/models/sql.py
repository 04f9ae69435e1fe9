"""Small SQL expressions shared by the read side and the services."""

from __future__ import annotations

import sqlalchemy as sa


def sum_xof(expression, *, where=None) -> sa.ColumnElement[int]:
    """SUM of franc amounts as a 64-bit integer, 0 when there is nothing to add.

    PostgreSQL sums BIGINT into NUMERIC (a Decimal in Python); money here is
    whole francs, so the total is cast back to an integer.
    """
    total = sa.func.sum(expression)
    if where is not None:
        total = total.filter(where)
    return sa.cast(sa.func.coalesce(total, 0), sa.BigInteger)
