"""Sessions end after a period without activity; oversized requests are refused politely."""

from __future__ import annotations

import time

import pytest
from flask_babel import force_locale, gettext
from itsdangerous import TimestampSigner

from portfolio.domain.vocabulary import Role
from portfolio.services.users import issue_api_token


@pytest.fixture
def clock(monkeypatch):
    """Moves the clock the session signature is checked against."""
    now = {"t": int(time.time())}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now["t"])

    def advance(seconds: float) -> None:
        now["t"] += int(seconds)

    return advance


def signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def test_the_session_lifetime_is_configured_and_the_cookie_is_protected(app, client, auth):
    assert 0 < app.permanent_session_lifetime.total_seconds() <= 12 * 3600
    response = auth.login(Role.MANAGER)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_a_session_left_idle_too_long_has_to_log_in_again(app, client, auth, clock):
    lifetime = app.permanent_session_lifetime.total_seconds()
    auth.login(Role.MANAGER)
    assert signed_in(client)
    clock(lifetime + 60)
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_activity_keeps_the_session_alive(app, client, auth, clock):
    lifetime = app.permanent_session_lifetime.total_seconds()
    auth.login(Role.MANAGER)
    for _ in range(3):  # well past one lifetime in total, never idle for one
        clock(lifetime * 0.75)
        assert signed_in(client)


def too_large(app) -> bytes:
    return b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)


def test_the_upload_limit_is_about_twelve_megabytes(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 12 * 1024 * 1024


def test_an_oversized_form_gets_a_translated_413_page(app, client, auth):
    auth.login(Role.MANAGER)
    response = client.post(
        "/beneficiaires/nouveau",
        data=too_large(app),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    with force_locale("fr"):
        expected = gettext("The file or request is too large: at most %(size)d MB.", size=12)
    assert expected in response.text


def test_an_oversized_api_request_gets_a_json_413(app, client, users):
    token = issue_api_token(users[Role.MANAGER])
    response = client.post(
        "/api/v1/beneficiaries",
        data=too_large(app),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == 413
    assert response.json["error"]["message"]
