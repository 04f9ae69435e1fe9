"""Configuration read from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/.

    Keeping it in instance/ (git-ignored) means sessions survive a restart
    without anyone having to invent a key, and no key is ever committed.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment(instance_path: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{instance_path / 'portfolio.sqlite'}"
    )
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BABEL_DEFAULT_LOCALE": os.environ.get("PORTFOLIO_LOCALE", "fr"),
        "BABEL_DEFAULT_TIMEZONE": "Africa/Bamako",
        "LANGUAGES": ("fr", "en"),
        "PAGE_SIZE": 25,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PORTFOLIO_HTTPS", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Signed-in sessions end after this long without a request (refreshed on each).
        "PERMANENT_SESSION_LIFETIME": 60 * int(os.environ.get("PORTFOLIO_SESSION_MINUTES", "120")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins allowed before a pause: per address, and per account.
        "LOGIN_LIMIT_PER_ADDRESS": "10 per 5 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per 5 minutes",
        # Largest request body (visit photos, import files): bigger gets a 413 page.
        # Each upload is also checked by its content where it is received.
        "MAX_CONTENT_LENGTH": 1024 * 1024 * int(os.environ.get("PORTFOLIO_MAX_UPLOAD_MB", "12")),
    }
