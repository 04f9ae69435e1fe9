from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from portfolio.models import db

T = TypeVar("T")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(
    query: sa.Select, row_type: type[T], page: int, per_page: int, total: int | None = None
) -> Page[T]:
    """Run `query` for one page (two queries: the count and the rows; one when the caller
    counted the rows already, with the other totals it needed)."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    if total is None:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        )
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    return Page([row_type(**row._mapping) for row in rows], page, per_page, total or 0)
