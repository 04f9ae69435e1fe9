"""Lists cost the same number of queries whatever their length (no N+1)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import db
from portfolio.reporting.filters import ListFilter
from portfolio.reporting.grants import grant_page, grants_of_enterprise


@contextmanager
def counted():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.strip().upper() != "BEGIN":  # transaction control, not a query
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def grants(award, pay, enterprise, n: int) -> None:
    for index in range(n):
        grant = award(
            enterprise,
            tranches=((5, 50_000), (-5, 50_000)),
            purpose=f"Stock {uuid.uuid4().hex[:8]}",
        )
        if index % 2:
            pay(grant, 1, 50_000)


def queries_for(api, login, enterprise) -> tuple[int, int, int, int]:
    api.token(Role.MANAGER)  # issued once, outside the counts
    api.get("/api/v1/grants?per_page=1", role=Role.MANAGER)  # first use stamps the token
    enterprise_id = enterprise.id
    with counted() as report:
        page = grant_page(ListFilter(), 1, 100)
    with counted() as partial:
        grants_of_enterprise(enterprise_id)
    client = login(Role.MANAGER)
    with counted() as html:
        assert client.get("/subventions/?per_page=100").status_code == 200
    with counted() as json:
        assert (
            len(api.get("/api/v1/grants?per_page=100", role=Role.MANAGER).json["items"])
            == page.total
        )
    return len(report), len(partial), len(html), len(json)


def test_the_grant_list_costs_the_same_queries_for_5_or_50_grants(
    api, login, award, pay, enterprise, auth
):
    grants(award, pay, enterprise, 5)
    few = queries_for(api, login, enterprise)
    auth.logout()
    grants(award, pay, enterprise, 45)
    many = queries_for(api, login, enterprise)

    assert few == many
    assert few[:2] == (2, 1)  # the count and the page's rows; one query per enterprise
