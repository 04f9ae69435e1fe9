"""Only a valid personal token opens the API; a browser session does not."""

from __future__ import annotations

import pytest

from portfolio.domain.vocabulary import Role
from portfolio.services.users import revoke_api_tokens, update_user

URL = "/api/v1/beneficiaries"


def assert_refused_as_unauthenticated(response):
    assert response.status_code == 401
    assert response.is_json
    assert response.json["error"]["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_valid_token_opens_the_api(api):
    response = api.get(URL, role=Role.MONITOR)
    assert response.status_code == 200
    assert response.json["items"] == []


def test_a_request_without_a_token_is_refused_with_a_json_401(api):
    assert_refused_as_unauthenticated(api.get(URL, role=None))


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-real-token", "Bearer ", "Token abc", "bearer", "Basic YWRtaW46YWRtaW4="],
)
def test_an_unknown_or_malformed_token_is_refused(api, header):
    assert_refused_as_unauthenticated(api.get(URL, role=None, headers={"Authorization": header}))


def test_a_revoked_token_no_longer_opens_the_api(api, users):
    token = api.token(Role.MANAGER)
    assert api.get(URL, role=None, token=token).status_code == 200

    revoke_api_tokens(users[Role.MANAGER])

    assert_refused_as_unauthenticated(api.get(URL, role=None, token=token))


def test_the_token_of_a_deactivated_account_is_refused(api, users):
    token = api.token(Role.FINANCE)
    user = users[Role.FINANCE]
    update_user(
        user, email=user.email, name=user.name, role=user.role, region_id=None, active=False
    )
    assert_refused_as_unauthenticated(api.get(URL, role=None, token=token))


def test_a_browser_session_cookie_alone_does_not_open_the_api(api, auth):
    auth.login(Role.ADMIN)
    # The cookie is good: the HTML list opens with it...
    assert api.open("GET", "/beneficiaires/").status_code == 200
    # ...but the API ignores it, so a cross-site request cannot ride on it.
    assert_refused_as_unauthenticated(api.get(URL, role=None))
    assert_refused_as_unauthenticated(api.post(URL, json={}, role=None))


def test_an_unknown_api_address_answers_in_json(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404
