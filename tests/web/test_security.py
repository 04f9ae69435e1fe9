"""Headers, throttled logins and cookies: what a security reviewer checks first."""

from __future__ import annotations

from portfolio.domain.vocabulary import Role
from portfolio.extensions import limiter


def test_every_page_forbids_inline_scripts_framing_and_sniffing(client, users):
    response = client.get("/connexion")
    policy = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_carries_an_inline_script():
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, template
        assert "onclick=" not in text and "javascript:" not in text, template


def test_the_session_cookie_is_http_only_and_same_site(client, auth):
    response = auth.login(Role.MANAGER)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_repeated_failed_logins_are_throttled_with_a_clear_message(app, client, users):
    # The suite runs with huge limits (tests log in many times from one
    # address); the real ones apply here only, with fresh counters.
    saved = app.config["LOGIN_LIMIT_PER_ADDRESS"], app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "10 per 5 minutes"
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "5 per 5 minutes"
    limiter.reset()
    try:
        statuses = [
            client.post(
                "/connexion", data={"email": "manager@test.ml", "password": "wrong-one"}
            ).status_code
            for _ in range(6)
        ]
        assert statuses[:5] == [200] * 5 and statuses[5] == 429
        page = client.post("/connexion", data={"email": "manager@test.ml", "password": "x"})
        assert page.status_code == 429 and "Trop de tentatives" in page.text
        # Another account from the same address still has attempts left.
        other = client.post("/connexion", data={"email": "finance@test.ml", "password": "nope"})
        assert other.status_code == 200
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"], app.config["LOGIN_LIMIT_PER_ACCOUNT"] = saved
        limiter.reset()
