"""Walk every registered route for every role (and anonymous).

A new route that forgets to declare its permission fails here, and so
does any route that lets a role in that the permission table keeps out.
"""

from __future__ import annotations

import pytest
from flask import Flask

from portfolio import create_app
from portfolio.domain.permissions import can
from portfolio.domain.vocabulary import Role
from portfolio.services.demo import seed_portfolio
from portfolio.services.users import issue_api_token
from tests.conftest import Auth, OwnContextClient

ANONYMOUS = "anonymous"


def _routes(app: Flask):
    # Logging out ends the walk's session, so it is visited last.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")
    for rule in rules:
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, view, method


def _url(rule, ids: dict[str, int]) -> str:
    args = {name: ids.get(name, 1) for name in rule.arguments}
    return rule.build(args, append_unknown=False)[1]


def test_every_route_declares_a_permission_or_is_public(app):
    undeclared = [
        rule.rule
        for rule, view, _ in _routes(app)
        if not hasattr(view, "required_permission") and not getattr(view, "is_public", False)
    ]
    assert undeclared == []


def test_a_route_without_a_declared_permission_is_refused():
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"}
    )

    @app.get("/forgotten")
    def forgotten():
        return "secret"

    assert app.test_client().get("/forgotten").status_code == 403


@pytest.mark.parametrize("who", [ANONYMOUS, *Role])
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(app, users, who):
    seed_portfolio(3)
    client = OwnContextClient(app, app.response_class)
    headers = {}
    if who != ANONYMOUS:
        Auth(client).login(who)
        headers = {"Authorization": f"Bearer {issue_api_token(users[who])}"}
    ids = {
        "beneficiary_id": 1,
        "enterprise_id": 1,
        "member_id": 1,
        "user_id": 1,
        "programme_id": 1,
        "region_id": 1,
        "commune_id": 1,
        "village_id": 1,
        "sector_id": 1,
    }
    wrong = []
    for rule, view, method in _routes(app):
        url = _url(rule, ids)
        is_api = rule.endpoint.startswith("api.")
        response = client.open(
            url,
            method=method,
            headers=headers if is_api else {},
            json={} if is_api and method != "GET" else None,
        )
        status = response.status_code
        location = response.headers.get("Location", "")
        response.close()  # file responses (plotly.min.js) hold a file open
        permission = getattr(view, "required_permission", None)
        if permission is None:  # public
            ok = status < 500
        elif who == ANONYMOUS:
            ok = status == 401 if is_api else (status == 302 and "/connexion" in location)
        elif can(who, permission):
            ok = status not in (401, 403) and status < 500
        else:
            ok = status == 403
        if not ok:
            wrong.append(f"{method} {url} -> {status}")
    assert wrong == []
