"""Every API operation, fed values generated from its OpenAPI description, answers as documented.

schemathesis reads /api/v1/openapi.json from the application itself and
calls each operation (GET, POST, PATCH) with a valid administrator token,
on a small seeded portfolio: never a 5xx, and status, content type and body
as the document describes them. Negative cases (wrong types, missing
fields, the token left out) are part of the mix. A handful of examples per
operation keeps the run short; the hypothesis tests in test_client_input.py
go deeper on the main forms. Runs on SQLite only (enough to find a crash in our code, and
fast): the parametrize mark below replaces the fixture's own backends, so
nothing is skipped.
"""

from __future__ import annotations

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from portfolio import create_app
from portfolio.domain.vocabulary import Role
from portfolio.models import db
from portfolio.services.demo import seed_portfolio
from portfolio.services.users import issue_api_token

pytestmark = pytest.mark.parametrize("app_on_backend", ["sqlite"], indirect=True, scope="session")

URL = "/api/v1/openapi.json"
#: Never a 5xx, and the answer is the one the document promises (status, type, body).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The document is read once, at collection, from an application that needs
# no database to describe itself (the calls below go to the test's own app).
# The "coverage" phase (hundreds of boundary values per operation) would take
# minutes; the explicit examples and a few generated cases per operation are
# the budget here.
schema = schemathesis.openapi.from_wsgi(
    URL,
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "doc"}),
    config=schemathesis.Config.from_dict(
        {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
    ),
)


@pytest.fixture
def token(app, users) -> str:
    seed_portfolio(3)
    return issue_api_token(users[Role.ADMIN])


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_api_operation_answers_with_a_server_error(case, app, token):
    db.session.rollback()  # let go of the test's transaction, as another process would
    # A fresh context per call, as on a real server: no `g` or session carried over.
    response = contextvars.Context().run(
        case.call_and_validate,
        app=app,
        headers={"Authorization": f"Bearer {token}"},
        checks=CHECKS,
    )
    # The token is accepted: each case that carried it reached the operation itself.
    # (Negative cases may leave the header out on purpose: those must get 401.)
    if "Authorization" in response.request.headers:
        assert response.status_code not in (401, 403)
    else:
        assert response.status_code == 401
