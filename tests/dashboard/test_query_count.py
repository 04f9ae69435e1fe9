"""The dashboard and the summary run the same number of SQL statements at any size."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import db
from portfolio.services.users import issue_api_token
from tests.dashboard.conftest import seed_demo


@contextmanager
def counting():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, auth, token) -> tuple[int, int]:
    auth.login(Role.MANAGER)
    # Warm up: a first request may load (or record) what later ones reuse.
    client.get("/dashboard/")
    client.get("/api/v1/portfolio/summary", headers={"Authorization": f"Bearer {token}"})
    with counting() as page:
        assert client.get("/dashboard/?sex=F").status_code == 200
        for part in ("breakdown", "survival", "par", "scores"):
            assert client.get(f"/dashboard/parts/{part}?sex=F").status_code == 200
    with counting() as api:
        response = client.get(
            "/api/v1/portfolio/summary?instrument=loan",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
    return len(page), len(api)


def test_the_dashboard_and_the_api_do_not_grow_with_the_portfolio(client, auth, users):
    token = issue_api_token(users[Role.MANAGER])
    seed_demo(20, seed=1)
    small = statements_for(client, auth, token)
    seed_demo(180, seed=2)
    large = statements_for(client, auth, token)
    assert small == large
    assert small[1] < 15 and small[0] < 40
