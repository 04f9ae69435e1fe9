"""Accounts and API tokens."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from portfolio.domain.vocabulary import Role
from portfolio.models import ApiToken, Region, User, db
from portfolio.models.base import utcnow
from portfolio.services.unit_of_work import ServiceError, unit_of_work

MIN_PASSWORD_LENGTH = 10
# The handful every cracking list starts with; a longer list belongs in issue 7.
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "motdepasse",
        "motdepasse1",
        "azertyuiop",
        "qwertyuiop",
        "1234567890",
        "0123456789",
        "iloveyou12",
        "administrateur",
        "bamako2026",
    }
)


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("This password is too easy to guess.")
    return None


def user_for_session(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


def user_for_api_token(token: str) -> User | None:
    row = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == ApiToken.hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    return row.user


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def _check_user_fields(email: str, role: Role, region_id: int | None, user_id: int | None) -> None:
    clash = db.session.scalar(
        sa.select(User.id).where(User.email == email, User.id != (user_id or 0))
    )
    if clash is not None:
        raise ServiceError(_("Another account already uses this email address."), "email")
    if role is Role.MONITOR and region_id is None:
        raise ServiceError(_("A field monitor must be given a region."), "region_id")
    if region_id is not None and db.session.get(Region, region_id) is None:
        raise ServiceError(_("Unknown region."), "region_id")


def create_user(
    *, email: str, name: str, role: Role | str, password: str, region_id: int | None = None
) -> User:
    role = Role(role)
    email = email.strip().lower()
    problem = password_problem(password)
    if problem:
        raise ServiceError(problem, "password")
    with unit_of_work() as session:
        _check_user_fields(email, role, region_id, None)
        user = User(email=email, name=name.strip(), role=role, region_id=region_id, active=True)
        user.set_password(password, _hash_method())
        session.add(user)
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: Role | str,
    region_id: int | None,
    active: bool,
    password: str | None = None,
) -> User:
    role = Role(role)
    email = email.strip().lower()
    if password:
        problem = password_problem(password)
        if problem:
            raise ServiceError(problem, "password")
    with unit_of_work():
        _check_user_fields(email, role, region_id, user.id)
        user.email, user.name, user.role, user.active = email, name.strip(), role, active
        user.region_id = region_id
        if password:
            user.set_password(password, _hash_method())
        if not active:
            _revoke_tokens(user)
    return user


def issue_api_token(user: User) -> str:
    """Create a token and return it; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    with unit_of_work() as session:
        session.add(ApiToken(user_id=user.id, token_hash=ApiToken.hash(token)))
    return token


def revoke_api_tokens(user: User) -> int:
    with unit_of_work():
        return _revoke_tokens(user)


def _revoke_tokens(user: User) -> int:
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount
