"""Logging in and out, safe redirects after login, and the language switch."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from portfolio.domain.vocabulary import Role
from portfolio.services.users import update_user
from tests.conftest import PASSWORD


def logged_in(client) -> bool:
    """The home page opens (rather than sending the visitor to the login page)."""
    return client.get("/").status_code == 200


def where_a_browser_goes(location: str) -> str:
    """The host a browser ends up on; browsers read "\\" in a path as "/"."""
    return urlsplit(urljoin("http://localhost/", location.replace("\\", "/"))).netloc


def test_a_visitor_must_log_in_to_see_the_portfolio(client, users):
    response = client.get("/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/connexion"


def test_the_login_page_opens_in_french(client, users):
    page = client.get("/connexion")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text


def test_the_right_password_logs_in_and_opens_the_overview(client, auth):
    response = auth.login(Role.MANAGER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in(client)


def test_the_email_address_is_not_case_sensitive(client, users):
    response = client.post("/connexion", data={"email": "MANAGER@Test.ML", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)


def test_a_wrong_password_shows_an_error_and_opens_no_session(client, auth):
    response = auth.login(Role.MANAGER, password="Wrong-Horse-42")
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert PASSWORD not in response.text
    assert not logged_in(client)


def test_an_unknown_email_shows_the_same_error_as_a_wrong_password(client, users):
    unknown = client.post("/connexion", data={"email": "nobody@test.ml", "password": PASSWORD})
    wrong = client.post("/connexion", data={"email": "manager@test.ml", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 200
    assert 'class="error"' in unknown.text
    assert unknown.text == wrong.text.replace("manager@test.ml", "nobody@test.ml")
    assert not logged_in(client)


def test_an_empty_login_form_is_refused(client, users):
    response = client.post("/connexion", data={})
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert not logged_in(client)


def _deactivate(user) -> None:
    update_user(
        user, email=user.email, name=user.name, role=user.role, region_id=None, active=False
    )


def test_a_deactivated_account_cannot_log_in(client, auth, users):
    _deactivate(users[Role.FINANCE])
    response = auth.login(Role.FINANCE)
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert not logged_in(client)


def test_a_deactivated_account_loses_its_open_session(client, auth, users):
    auth.login(Role.FINANCE)
    assert logged_in(client)
    _deactivate(users[Role.FINANCE])
    assert not logged_in(client)


def test_logging_out_needs_a_post(client, auth):
    auth.login(Role.MANAGER)
    assert client.get("/deconnexion").status_code == 405
    assert logged_in(client)


def test_logging_out_ends_the_session(client, auth):
    auth.login(Role.MANAGER)
    response = auth.logout()
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/connexion"
    assert not logged_in(client)


def test_after_login_the_visitor_returns_to_the_page_they_asked_for(client, users):
    asked = client.get("/entreprises/?status=active")
    login_url = asked.headers["Location"]
    response = client.post(login_url, data={"email": "manager@test.ml", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/entreprises/?status=active"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "javascript:alert(1)",
        "http:evil.example",
    ],
)
def test_after_login_the_next_parameter_cannot_send_anyone_to_another_site(client, users, target):
    response = client.post(
        "/connexion",
        query_string={"next": target},
        data={"email": "manager@test.ml", "password": PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert where_a_browser_goes(location) == "localhost"
    assert not location.lower().startswith("javascript:")


def test_a_logged_in_user_opening_the_login_page_goes_to_the_overview(client, auth):
    auth.login(Role.MANAGER)
    response = client.get("/connexion")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- language -----------------------------------------------------------------------------


def test_switching_to_english_is_remembered_for_the_next_pages(client, auth):
    auth.login(Role.MANAGER)
    response = client.post("/langue", data={"locale": "en", "next": "/beneficiaires/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/beneficiaires/"
    assert '<html lang="en">' in client.get("/beneficiaires/").text
    assert '<html lang="en">' in client.get("/").text


def test_switching_back_to_french(client, auth):
    auth.login(Role.MANAGER)
    client.post("/langue", data={"locale": "en", "next": "/"})
    client.post("/langue", data={"locale": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get("/").text


def test_an_unknown_language_is_ignored(client, auth):
    auth.login(Role.MANAGER)
    response = client.post("/langue", data={"locale": "de", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="fr">' in client.get("/").text


def test_the_language_can_be_chosen_before_logging_in_and_is_kept_after(client, users):
    client.post("/langue", data={"locale": "en", "next": "/connexion"})
    assert '<html lang="en">' in client.get("/connexion").text
    client.post("/connexion", data={"email": "manager@test.ml", "password": PASSWORD})
    assert '<html lang="en">' in client.get("/").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_language_switch_cannot_send_anyone_to_another_site(client, users, target):
    response = client.post("/langue", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert where_a_browser_goes(response.headers["Location"]) == "localhost"


def test_the_language_switch_needs_a_post(client, users):
    assert client.get("/langue").status_code == 405
